package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestRosterShowsWhoAndHowToReachThem: the structure's team sees who holds a seat and who
// waits, how to reach them, their level and needs, and who oriented them; every look is
// logged; another structure's member is refused.
func TestRosterShowsWhoAndHowToReachThem(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		path := "/manage/sessions/" + itoa(f.s.ID) + "/roster"
		b := e.signedIn(mediatorEmail)

		resp, body := b.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("roster: %d\n%.600s", resp.StatusCode, body)
		}
		doc := parseHTML(t, body)
		confirmed := texts(doc.Find("#inscrits + table tbody tr"))
		if len(confirmed) != 2 {
			t.Fatalf("confirmed %q", confirmed)
		}
		for _, want := range []string{"Fatima Benali", "06 12 34 56 78", "Prévenue par SMS", "Débutant", "prêt d'un appareil",
			"Alex Martin, CCAS de Nancy", "alex.martin@ccas-nancy.example.fr", "confirmé"} {
			if !strings.Contains(confirmed[0], want) {
				t.Errorf("Fatima's line %q lacks %q", confirmed[0], want)
			}
		}
		if !strings.Contains(confirmed[1], "Jean") || !strings.Contains(confirmed[1], "Prévenue par le professionnel qui l'a orientée") {
			t.Errorf("Jean's line %q", confirmed[1])
		}
		if tel := doc.Find(`a[href="tel:+33612345678"]`); tel.Length() != 1 {
			t.Error("no tel: link to call Fatima")
		}
		waiting := texts(doc.Find("#attente ~ table tbody tr"))
		if len(waiting) != 1 || !strings.Contains(waiting[0], "Awa") || !strings.Contains(waiting[0], "liste d'attente n°1") ||
			!strings.Contains(waiting[0], "non évalué") || !strings.Contains(waiting[0], "parle peu français (soninké)") {
			t.Errorf("waiting %q", waiting)
		}
		if got := text(doc.Find(".facts")); !strings.Contains(got, "2 inscrits sur 2 (complet), 1 en liste d'attente") {
			t.Errorf("facts %q", got)
		}
		if n := accesses(t, db, f.mediator.ID, enrollment.PurposeRoster); n != 3 {
			t.Errorf("%d consultations logged, want one per person (3)", n)
		}

		for who, other := range map[string]*browser{"another structure's member": f.otherMember(e), "a professional": e.signedIn(proEmail)} {
			if resp, _ := other.get(path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads the roster: %d, want 403", who, resp.StatusCode)
			}
		}
		if n, _ := db.NewSelect().Model((*enrollment.AccessEntry)(nil)).Where("purpose = ?", enrollment.PurposeRoster).Count(t.Context()); n != 3 {
			t.Errorf("refused readers were logged: %d entries", n)
		}
		e.user("coord@territoire.example.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.a.TerritoryID} })
		if resp, _ := e.signedIn("coord@territoire.example.fr").get(path); resp.StatusCode != http.StatusOK {
			t.Errorf("the territory's coordinator reads the roster: %d", resp.StatusCode)
		}
		if resp, _ := e.browser().get(path); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a visitor: %d, want the sign-in page", resp.StatusCode)
		}

		// The mediator's lists lead there, with the waiting count.
		_, body = b.get("/manage")
		line := parseHTML(t, body).Find(`#structure-` + f.a.Slug + ` li:has(a[href="` + path + `"])`)
		if got := text(line); !strings.Contains(got, "2 inscrits sur 2 (complet), 1 en liste d'attente") {
			t.Errorf("dashboard line %q", got)
		}
		_, body = b.get("/manage/sessions/" + itoa(f.s.ID))
		sessDoc := parseHTML(t, body)
		if sessDoc.Find(`a[href="`+path+`"]`).Length() == 0 || sessDoc.Find(`a[href="/manage/sessions/`+itoa(f.s.ID)+`/sheet"]`).Length() == 0 {
			t.Error("the session's page does not lead to the roster and the sheet")
		}
		if sessDoc.Find(`a[href="/manage/sessions/`+itoa(f.s.ID)+`/attendance"]`).Length() != 0 {
			t.Error("the session's page offers the émargement before the session")
		}
	})
}

// TestStructureCancelsFromTheRoster: cancelling is confirmed first; it frees the seat for
// the first person waiting and records that the structure cancelled; it cannot be done
// twice, nor by another structure.
func TestStructureCancelsFromTheRoster(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		roster := "/manage/sessions/" + itoa(f.s.ID) + "/roster"
		path := "/manage/bookings/" + itoa(f.fatima.Booking.ID) + "/cancel"
		b := e.signedIn(mediatorEmail)
		_, body := b.get(roster)
		if parseHTML(t, body).Find(`form[action="`+path+`"] input[name=session][value="`+itoa(f.s.ID)+`"]`).Length() != 1 {
			t.Fatal("no cancel button on Fatima's line")
		}

		resp, body := b.post(path, url.Values{"session": {itoa(f.s.ID)}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("confirmation: %d\n%.600s", resp.StatusCode, body)
		}
		doc := parseHTML(t, body)
		if h1 := text(doc.Find("h1")); h1 != "Annuler l'inscription de Fatima Benali ?" {
			t.Errorf("h1 %q", h1)
		}
		if got := text(doc.Find("main ul")); !strings.Contains(got, "jeudi 10 décembre 2026, de 14 h à 16 h") {
			t.Errorf("sessions to cancel %q", got)
		}
		if doc.Find(`form[action="`+path+`"] input[name=confirm][value="1"]`).Length() != 1 || doc.Find(`a[href="`+roster+`"]`).Length() == 0 {
			t.Error("no confirmation form, or no way back")
		}
		if enrollmentOf(t, db, seat(f.fatima)).Status != enrollment.Confirmed {
			t.Fatal("cancelled before confirmation")
		}

		resp, body = b.post(path, url.Values{"session": {itoa(f.s.ID)}, "confirm": {"1"}})
		expectRedirect(t, resp, body, roster+"?flash=seat-cancelled")
		got := enrollmentOf(t, db, seat(f.fatima))
		if got.Status != enrollment.Cancelled || got.CancelledBy != enrollment.ByStructure || got.CancelledByUser != f.mediator.ID {
			t.Errorf("Fatima's seat: %+v", got)
		}
		if enrollmentOf(t, db, seat(f.awa)).Status != enrollment.Confirmed {
			t.Error("Awa was not promoted")
		}
		_, body = b.get(roster + "?flash=seat-cancelled")
		doc = parseHTML(t, body)
		if got := text(doc.Find("#annulations + table")); !strings.Contains(got, "annulé par la structure le mardi 24 novembre 2026") {
			t.Errorf("cancellations %q", got)
		}
		if !strings.Contains(text(doc.Find(".flash")), "L'inscription est annulée") {
			t.Error("no flash message")
		}

		resp, body = b.post(path, url.Values{"session": {itoa(f.s.ID)}, "confirm": {"1"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Cette inscription ne peut plus être annulée") {
			t.Errorf("cancelling twice: %d\n%.400s", resp.StatusCode, body)
		}
		other := f.otherMember(e)
		for _, form := range []url.Values{{}, {"confirm": {"1"}}} {
			if resp, _ := other.post("/manage/bookings/"+itoa(f.jean.Booking.ID)+"/cancel", form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("another structure cancels (%v): %d", form, resp.StatusCode)
			}
		}
		if enrollmentOf(t, db, seat(f.jean)).Status != enrollment.Confirmed {
			t.Error("another structure cancelled Jean")
		}
	})
}

// TestAttendance: the émargement opens when the session starts; the mediator marks each
// person present or absent in one form; the session leaves "à clôturer" once everyone is
// marked; the professional sees the absence.
func TestAttendance(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		path := "/manage/sessions/" + itoa(f.s.ID) + "/attendance"
		b := e.signedIn(mediatorEmail)

		resp, body := b.get(path)
		doc := parseHTML(t, body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc.Find("main")), "L'émargement s'ouvre au début de la séance") ||
			doc.Find("form.attendance").Length() != 0 {
			t.Fatalf("before the session: %d\n%.600s", resp.StatusCode, body)
		}
		if resp, _ := b.post(path, url.Values{"presence-" + itoa(seat(f.fatima)): {"present"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("marking before the session: %d, want 409", resp.StatusCode)
		}

		e.clock.Set(wt.Paris(t, 2026, time.December, 10, 17, 0))
		b = e.signedIn(mediatorEmail) // the web session did not last sixteen days
		toClose := func() []string {
			t.Helper()
			_, body := b.get("/manage")
			return attrs(parseHTML(t, body).Find(`#structure-`+f.a.Slug+` h3:contains('Séances à clôturer') + p + ul`).Find("a"), "href")
		}
		if got := toClose(); len(got) == 0 || got[0] != path {
			t.Fatalf("sessions to close %q, want the émargement first", got)
		}

		resp, body = b.get(path)
		doc = parseHTML(t, body)
		people := texts(doc.Find("form.attendance fieldset legend"))
		if resp.StatusCode != http.StatusOK || len(people) != 2 || people[0] != "Fatima Benali" || people[1] != "Jean" {
			t.Fatalf("émargement %d: %q (Awa, waiting, has no seat)", resp.StatusCode, people)
		}
		fatima := "presence-" + itoa(seat(f.fatima))
		jean := "presence-" + itoa(seat(f.jean))
		for _, id := range []string{fatima + "-present", fatima + "-absent", jean + "-present", jean + "-absent"} {
			if doc.Find(`input[type=radio]#`+id).Length() != 1 || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Errorf("no labelled choice #%s", id)
			}
		}

		resp, body = b.post(path, url.Values{})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(parseHTML(t, body).Find(".error-summary")), "Indiquez pour chaque personne si elle est venue ou non.") {
			t.Errorf("nobody marked: %d\n%.400s", resp.StatusCode, body)
		}
		if resp, _ := b.post(path, url.Values{fatima: {"peut-être"}}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a made-up mark: %d, want 400", resp.StatusCode)
		}

		resp, body = b.post(path, url.Values{fatima: {"present"}})
		expectRedirect(t, resp, body, path+"?flash=attendance-saved")
		_, body = b.get(path)
		doc = parseHTML(t, body)
		if !strings.Contains(text(doc.Find("main")), "Une personne n'a pas encore sa présence notée.") || doc.Find("#"+fatima+"-present[checked]").Length() != 1 {
			t.Errorf("after a first mark: %q", text(doc.Find("main p")))
		}
		if got := toClose(); len(got) == 0 {
			t.Error("the session left « à clôturer » with Jean unmarked")
		}

		resp, body = b.post(path, url.Values{fatima: {"present"}, jean: {"absent"}})
		expectRedirect(t, resp, body, path+"?flash=attendance-saved")
		if got := toClose(); len(got) != 0 {
			t.Errorf("sessions to close %q, want none once everyone is marked", got)
		}
		if got := enrollmentOf(t, db, seat(f.jean)); got.Status != enrollment.Absent || got.MarkedAt == nil {
			t.Errorf("Jean: %+v", got)
		}
		_, body = b.get(path)
		if !strings.Contains(text(parseHTML(t, body).Find("main")), "Toutes les présences sont notées.") {
			t.Error("the page does not say the émargement is complete")
		}

		// The professional sees the absence, highlighted in words, to follow up.
		_, body = e.signedIn(proEmail).get("/orientations")
		doc = parseHTML(t, body)
		line := doc.Find(".orientation:contains('Jean')")
		if !line.HasClass("is-absent") || !strings.Contains(text(line), "Absent — à recontacter") {
			t.Errorf("Jean's line %q", text(line))
		}
		if got := text(doc.Find(".notice.alert")); !strings.Contains(got, "Une personne n'est pas venue à sa séance.") ||
			doc.Find(`.notice.alert a[href="/orientations?status=absent"]`).Length() != 1 {
			t.Errorf("absence notice %q", got)
		}
		if got := text(doc.Find(".orientation:contains('Fatima') .status")); got != "présent" {
			t.Errorf("Fatima %q", got)
		}

		other := f.otherMember(e)
		if resp, _ := other.post(path, url.Values{jean: {"present"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another structure marks attendance: %d", resp.StatusCode)
		}
		if resp, _ := other.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another structure opens the émargement: %d", resp.StatusCode)
		}
	})
}

// TestAttendanceSheet: the printable sheet lists the people holding a seat with their
// level and needs, a column to sign, blank lines for the seats left, and who waits.
func TestAttendanceSheet(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		b := e.signedIn(mediatorEmail)
		resp, body := b.get("/manage/sessions/" + itoa(f.s.ID) + "/sheet")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sheet: %d", resp.StatusCode)
		}
		doc := parseHTML(t, body)
		var rows []string
		doc.Find("table.sheet tbody tr").Each(func(_ int, tr *goquery.Selection) {
			rows = append(rows, strings.Join(texts(tr.Find("th, td")), " | "))
		})
		want := []string{"Fatima Benali | Débutant | prêt d'un appareil | ", "Jean | Éloigné | aucun besoin signalé | "}
		if strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
		if got := texts(doc.Find("table.sheet thead th")); strings.Join(got, ",") != "Personne,Niveau,Besoins,Signature" {
			t.Errorf("columns %q", got)
		}
		if got := text(doc.Find("main ol")); got != "Awa" {
			t.Errorf("waiting %q", got)
		}
		if doc.Find("header.site").Length() != 1 || doc.Find(".crumbs.no-print").Length() != 1 {
			t.Error("the navigation is not marked to stay off paper")
		}
		if n := accesses(t, db, f.mediator.ID, enrollment.PurposeSheet); n != 3 {
			t.Errorf("%d consultations logged for the sheet", n)
		}
		_, css := e.get(doc.Find(`link[rel=stylesheet]`).AttrOr("href", ""))
		if !strings.Contains(css, "@media print") || !strings.Contains(css, "size: A4") {
			t.Error("no print stylesheet")
		}

		// With a seat left, a blank line for someone who comes without enrolling.
		if err := b.e.en.Cancel(t.Context(), f.proActor, f.jean.Booking.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.e.en.Cancel(t.Context(), f.proActor, f.awa.Booking.ID); err != nil {
			t.Fatal(err)
		}
		_, body = b.get("/manage/sessions/" + itoa(f.s.ID) + "/sheet")
		if n := parseHTML(t, body).Find("table.sheet tr.blank").Length(); n != 1 {
			t.Errorf("%d blank lines, want 1", n)
		}
	})
}
