package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// seriesForm asks for a weekly series on Mondays across the spring change of time (28
// March 2027) and Easter Monday (29 March 2027).
func seriesForm() url.Values {
	return url.Values{
		"frequency": {"weekly"}, "first": {"2027-03-15"}, "until": {"2027-04-12"},
		"start": {"14:00"}, "end": {"16:00"}, "capacity": {"8"}, "place": {""}, "animator": {"Camille"},
		"step": {"preview"},
	}
}

var seenInput = regexp.MustCompile(`name="seen" value="([^"]*)"`)

func TestAddingAWeeklySeries(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		path := "/manage/workshops/" + f.wa.Slug + "/sessions"

		resp, body := b.get(path + "/new")
		doc := parseHTML(t, body)
		if resp.StatusCode != http.StatusOK || doc.Find("#p-capacity").AttrOr("value", "") != "8" ||
			doc.Find("#p-end").AttrOr("value", "") != "16:00" {
			t.Fatalf("the form does not start from the workshop's capacity and duration: %d", resp.StatusCode)
		}

		// First step: the days, with Easter Monday proposed as skipped. Nothing is created.
		resp, body = b.post(path, seriesForm())
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("preview: %d\n%.800s", resp.StatusCode, body)
		}
		doc = parseHTML(t, body)
		if got := texts(doc.Find("#p-skip label")); len(got) != 5 || got[2] != "Pas de séance le lundi 29 mars 2027 — Lundi de Pâques, jour férié" {
			t.Errorf("days %q", got)
		}
		if doc.Find("#p-skip-2027-03-29[checked]").Length() != 1 || doc.Find("#p-skip input[checked]").Length() != 1 {
			t.Error("only the public holiday should be proposed as skipped")
		}
		if got := text(doc.Find(`button[value=create]`)); got != "Créer 4 séances" {
			t.Errorf("button %q", got)
		}
		ed, err := e.svc.WorkshopEditor(t.Context(), workshops.System, f.wa.Slug)
		if err != nil || len(ed.Sessions) != 1 {
			t.Fatalf("the first step created sessions: %d %v", len(ed.Sessions), err)
		}

		// Second step: the days seen, Easter Monday still ticked.
		m := seenInput.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no seen field")
		}
		form := with(seriesForm(), "step", "create", "seen", strings.ReplaceAll(m[1], "&#43;", "+"), "skip", "2027-03-29")
		resp, body = b.post(path, form)
		expectRedirect(t, resp, body, "/manage/workshops/"+f.wa.Slug+"?flash=sessions-created#seances")

		ed, err = e.svc.WorkshopEditor(t.Context(), workshops.System, f.wa.Slug)
		if err != nil {
			t.Fatal(err)
		}
		var days []string
		for _, s := range ed.Sessions[1:] {
			p := s.StartsAt.In(workshops.Paris)
			days = append(days, p.Format("2006-01-02 15:04 -0700"))
			if s.GroupID == 0 || s.GroupID != ed.Sessions[1].GroupID {
				t.Error("the series' sessions are not one group")
			}
		}
		want := []string{"2027-03-15 14:00 +0100", "2027-03-22 14:00 +0100", "2027-04-05 14:00 +0200", "2027-04-12 14:00 +0200"}
		if strings.Join(days, ",") != strings.Join(want, ",") {
			t.Errorf("sessions at %q, want %q", days, want)
		}
	})
}

func TestChangingTheDatesShowsThemAgainBeforeCreating(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		path := "/manage/workshops/" + f.wa.Slug + "/sessions"
		_, body := b.post(path, seriesForm())
		m := seenInput.FindStringSubmatch(body)
		// The dates changed after they were shown: the new days are shown, with Christmas.
		form := with(seriesForm(), "step", "create", "seen", m[1], "first", "2026-12-21", "until", "2027-01-04")
		resp, body := b.post(path, form)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want the days shown again", resp.StatusCode)
		}
		doc := parseHTML(t, body)
		if got := texts(doc.Find("#p-skip input[checked] + label")); len(got) != 0 {
			t.Errorf("Mondays 21 and 28 December and 4 January are no holidays: %q", got)
		}
		form = with(seriesForm(), "first", "2026-12-25", "until", "2027-01-08", "frequency", "weekly")
		_, body = b.post(path, form)
		doc = parseHTML(t, body)
		if got := texts(doc.Find("#p-skip input[checked] + label")); len(got) != 2 || !strings.Contains(got[0], "Noël") || !strings.Contains(got[1], "Nouvel an") {
			t.Errorf("proposed %q", got)
		}
	})
}

func TestMovingASession(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		_, before := e.get("/calendar.ics")
		e.clock.Add(time.Hour)
		path := "/manage/sessions/" + itoa(f.sa.ID)
		form := url.Values{"date": {"2026-12-03"}, "start": {"15:00"}, "end": {"17:00"}, "place": {itoa(f.placeA.ID)},
			"capacity": {"8"}, "animator": {"Camille"}}

		// First the mediator sees who will be told; nothing is saved yet.
		resp, body := b.post(path, form)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d\n%.600s", resp.StatusCode, body)
		}
		doc := parseHTML(t, body)
		check := text(doc.Find(".notice[aria-labelledby=verifier]"))
		for _, want := range []string{"Avant mardi 1er décembre 2026, de 14 h à 16 h — Centre social A",
			"Après jeudi 3 décembre 2026, de 15 h à 17 h — Salle du quartier Centre social A",
			"Personne n'est inscrit pour l'instant : aucun message ne sera envoyé."} {
			if !strings.Contains(check, want) {
				t.Errorf("the check says %q, want %q", check, want)
			}
		}
		if doc.Find(`input[name=confirm][value="1"]`).Length() != 1 {
			t.Fatal("no confirmation")
		}
		if strings.Contains(mustGet(t, e, "/calendar.ics"), "SEQUENCE:1") {
			t.Fatal("saved before confirmation")
		}

		resp, body = b.post(path, with(form, "confirm", "1"))
		expectRedirect(t, resp, body, path+"?flash=session-moved")
		after := mustGet(t, e, "/calendar.ics")
		uid := "UID:session-" + itoa(f.sa.ID) + "@agenda.example.fr"
		evBefore, evAfter := icsEvent(before, uid), icsEvent(after, uid)
		if !strings.Contains(evBefore, "SEQUENCE:0") || !strings.Contains(evAfter, "SEQUENCE:1") {
			t.Errorf("SEQUENCE did not go from 0 to 1:\n%s\n%s", evBefore, evAfter)
		}
		if !strings.Contains(evAfter, "DTSTART;TZID=Europe/Paris:20261203T150000") {
			t.Errorf("the feed does not show the new time:\n%s", evAfter)
		}
		if lm := regexp.MustCompile(`LAST-MODIFIED:\S+`); lm.FindString(evBefore) == lm.FindString(evAfter) {
			t.Errorf("LAST-MODIFIED did not change: %s", lm.FindString(evAfter))
		}
		var msgs []notify.Message
		if err := db.NewSelect().Model(&msgs).Where("session_id = ?", f.sa.ID).Scan(t.Context()); err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].Kind != notify.KindSessionChanged {
			t.Errorf("outbox %+v, want one session-changed event", msgs)
		}

		// Capacity and animator alone are saved at once, without telling anyone.
		resp, body = b.post(path, with(form, "capacity", "12", "animator", "Dominique"))
		expectRedirect(t, resp, body, path+"?flash=session-saved")
		if ev := icsEvent(mustGet(t, e, "/calendar.ics"), uid); !strings.Contains(ev, "SEQUENCE:1") {
			t.Errorf("a change of capacity moved SEQUENCE:\n%s", ev)
		}
	})
}

func TestCancellingASession(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		path := "/manage/sessions/" + itoa(f.sa.ID)
		b.get(path)

		resp, body := b.post(path+"/cancel", url.Values{"cancel_reason": {"  "}})
		expectFieldError(t, resp, body, "e-cancel_reason", "Indiquez la raison de l'annulation")

		resp, body = b.post(path+"/cancel", url.Values{"cancel_reason": {"Salle inondée."}})
		expectRedirect(t, resp, body, path+"?flash=session-cancelled")
		ev := icsEvent(mustGet(t, e, "/calendar.ics"), "UID:session-"+itoa(f.sa.ID)+"@agenda.example.fr")
		if !strings.Contains(ev, "STATUS:CANCELLED") || !strings.Contains(ev, "SEQUENCE:1") {
			t.Errorf("the feed does not show the cancellation:\n%s", ev)
		}
		_, body = e.get("/sessions/" + itoa(f.sa.ID))
		if page := text(parseHTML(t, body).Find("main")); !strings.Contains(page, "Annulée") || !strings.Contains(page, "Salle inondée.") {
			t.Errorf("public page: %.400s", page)
		}
		_, body = b.get(path)
		doc := parseHTML(t, body)
		if doc.Find("form[action='"+path+"']").Length() != 0 {
			t.Error("a cancelled session can still be edited")
		}
		resp, _ = b.post(path, url.Values{"date": {"2026-12-03"}, "start": {"15:00"}, "end": {"17:00"}, "capacity": {"8"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("editing a cancelled session: %d, want 409", resp.StatusCode)
		}
	})
}

func TestDeletingASession(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		taken := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 8, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 3 })
		b := e.signedIn(mediatorEmail)

		path := "/manage/sessions/" + itoa(taken.ID)
		_, body := b.get(path)
		if !strings.Contains(text(parseHTML(t, body).Find("main")), "la séance ne peut pas être supprimée. Annulez-la plutôt") {
			t.Error("the page of a session with people enrolled offers to delete it")
		}
		resp, body := b.post(path+"/delete", nil)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("deleting a session with people enrolled: %d, want 409", resp.StatusCode)
		}
		doc := parseHTML(t, body)
		if got := text(doc.Find(".notice.alert")); !strings.Contains(got, "Des personnes sont inscrites à cette séance : annulez-la plutôt") ||
			doc.Find(`.notice.alert a[href="#annuler"]`).Length() != 1 {
			t.Errorf("409 message %q", got)
		}

		resp, body = b.post("/manage/sessions/"+itoa(f.sa.ID)+"/delete", nil)
		expectRedirect(t, resp, body, "/manage/workshops/"+f.wa.Slug+"?flash=session-deleted")
		if resp, _ := b.get("/manage/sessions/" + itoa(f.sa.ID)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleted session: %d", resp.StatusCode)
		}
		if strings.Contains(mustGet(t, e, "/calendar.ics"), "UID:session-"+itoa(f.sa.ID)+"@") {
			t.Error("the deleted session is still in the feed")
		}
	})
}

func TestCapacityCannotGoBelowSeatsTaken(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		sess := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 8, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 5 })
		b := e.signedIn(mediatorEmail)
		path := "/manage/sessions/" + itoa(sess.ID)
		form := url.Values{"date": {"2026-12-08"}, "start": {"14:00"}, "end": {"16:00"}, "place": {""}, "animator": {"Camille"}}

		resp, body := b.post(path, with(form, "capacity", "3"))
		doc := expectFieldError(t, resp, body, "e-capacity", "5 places sont déjà prises : la capacité ne peut pas descendre en dessous.")
		if v := doc.Find("#e-capacity").AttrOr("value", ""); v != "3" {
			t.Errorf("capacity kept as %q", v)
		}
		resp, body = b.post(path, with(form, "capacity", "5"))
		expectRedirect(t, resp, body, path+"?flash=session-saved")
		resp, body = b.post(path, with(form, "capacity", "40"))
		expectRedirect(t, resp, body, path+"?flash=session-saved")
		_, body = b.get(path)
		if got := text(parseHTML(t, body).Find(".facts")); !strings.Contains(got, "Places 5 inscrits sur 40") {
			t.Errorf("facts %q", got)
		}
	})
}

// mustGet returns the body of a public GET that must succeed.
func mustGet(t *testing.T, e *env, path string) string {
	t.Helper()
	resp, body := e.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return body
}

// icsEvent returns the unfolded VEVENT of a feed that holds a UID line, or "".
func icsEvent(feed, uidLine string) string {
	feed = strings.ReplaceAll(feed, "\r\n ", "")
	for _, ev := range strings.Split(feed, "BEGIN:VEVENT") {
		if strings.Contains(ev, uidLine+"\r\n") {
			return ev
		}
	}
	return ""
}
