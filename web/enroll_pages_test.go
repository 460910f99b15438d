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
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestOrientationForm: the form asks only what the job needs, with the consent text
// naming who receives what; mistakes come back beside their field with the input kept;
// a valid form leads to the person's page, the phone normalised.
func TestOrientationForm(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		b := e.signedIn(proEmail)

		t.Run("Empty", func(t *testing.T) {
			resp, body := b.get(enrollPath(f.s.ID))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%.500s", resp.StatusCode, body)
			}
			doc := parseHTML(t, body)
			for _, p := range accessibilityProblems(doc) {
				t.Error(p)
			}
			var names []string
			doc.Find("form.enroll-form input:not([type=hidden])").Each(func(_ int, in *goquery.Selection) {
				if n := in.AttrOr("name", ""); len(names) == 0 || names[len(names)-1] != n {
					names = append(names, n)
				}
			})
			want := "first_name last_name phone email contact level needs french_language consent"
			if strings.Join(names, " ") != want {
				t.Errorf("fields %q, want %q (and no free text about the person)", names, want)
			}
			if n := doc.Find("form.enroll-form textarea").Length(); n != 0 {
				t.Errorf("%d text areas: no free text about the person", n)
			}
			consent := text(doc.Find("#enroll-consent-text"))
			for _, part := range []string{"prénom", "téléphone", "niveau", "besoins", "Médiathèque Jules-Verne", "Alex Martin (CCAS de Nancy)", "un an"} {
				if !strings.Contains(consent, part) {
					t.Errorf("the consent text does not say %q: %q", part, consent)
				}
			}
			if got := attrs(doc.Find("input[name=level]"), "value"); strings.Join(got, " ") != "eloigne debutant intermediaire avance autonome non-evalue" {
				t.Errorf("levels %q", got)
			}
			if got := text(doc.Find(".session-summary")); !strings.Contains(got, "mardi 1er décembre 2026, de 14 h à 16 h") {
				t.Errorf("the form does not say which session: %q", got)
			}
		})

		t.Run("NothingFilledIn", func(t *testing.T) {
			form := enrollForm(t, b, enrollPath(f.s.ID), url.Values{})
			resp, body := b.post(enrollPath(f.s.ID), form)
			doc := expectFieldError(t, resp, body, "enroll-first_name", "prénom")
			for id, want := range map[string]string{"enroll-contact": "prévenue", "enroll-level": "niveau", "enroll-consent": "d'accord"} {
				if got := text(doc.Find("#" + id + "-error")); !strings.Contains(got, want) {
					t.Errorf("#%s: %q, want %q", id, got, want)
				}
			}
			if got := doc.Find("input[name=idempotency_key]").AttrOr("value", ""); got != form.Get("idempotency_key") {
				t.Errorf("the idempotency key changed: %q, want %q", got, form.Get("idempotency_key"))
			}
			for _, p := range accessibilityProblems(doc) {
				t.Error(p)
			}
		})

		t.Run("BadPhoneKeepsTheInput", func(t *testing.T) {
			form := enrollForm(t, b, enrollPath(f.s.ID), with(personForm(), "phone", "12 34", "first_name", "Mounir"))
			resp, body := b.post(enrollPath(f.s.ID), form)
			doc := expectFieldError(t, resp, body, "enroll-phone", "téléphone portable français")
			if got := doc.Find("#enroll-phone").AttrOr("value", ""); got != "12 34" {
				t.Errorf("phone shown again as %q", got)
			}
			if got := doc.Find("#enroll-first_name").AttrOr("value", ""); got != "Mounir" {
				t.Errorf("first name shown again as %q", got)
			}
			if doc.Find(`input[name=level][value=debutant][checked]`).Length() != 1 || doc.Find(`input[name=needs][value=french][checked]`).Length() != 1 {
				t.Error("the level and needs chosen are not shown again")
			}
		})

		t.Run("ConsentIsRequired", func(t *testing.T) {
			form := enrollForm(t, b, enrollPath(f.s.ID), personForm())
			form.Del("consent")
			resp, body := b.post(enrollPath(f.s.ID), form)
			expectFieldError(t, resp, body, "enroll-consent", "d'accord")
			if n := len(e.roster(f.s.ID).Lines); n != 0 {
				t.Errorf("%d enrolled without consent", n)
			}
		})

		t.Run("EnrolledWithThePhoneInE164", func(t *testing.T) {
			page := f.enroll(t, b, f.s.ID, personForm())
			resp, body := b.get(page + "?flash=enrolled")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%.500s", resp.StatusCode, body)
			}
			doc := parseHTML(t, body)
			if got := text(doc.Find(".flash")); got != "L'inscription est enregistrée." {
				t.Errorf("flash %q", got)
			}
			if got := text(doc.Find(".contact-line")); !strings.Contains(got, "par SMS au +33612345678") {
				t.Errorf("the phone is not shown normalised: %q", got)
			}
			if got := text(doc.Find("h1")); got != "Inscription confirmée : Mon smartphone pas à pas" {
				t.Errorf("h1 %q", got)
			}
			if got := text(doc.Find(".orienter")); !strings.Contains(got, "Vous avez inscrit Nadia Benali") {
				t.Errorf("the professional is not told what to do next: %q", got)
			}
			lines := e.roster(f.s.ID).Lines
			if len(lines) != 1 {
				t.Fatalf("%d enrolled", len(lines))
			}
			bk := lines[0].Booking
			if bk.Phone != "+33612345678" || bk.Organisation != "CCAS de Nancy" || bk.OrientedBy != f.pro.ID || !bk.NeedsDevice || !bk.NeedsFrench ||
				bk.FrenchLanguage != "arabe" || !strings.Contains(bk.ConsentText, "Médiathèque Jules-Verne") {
				t.Errorf("booking %+v", bk)
			}
			for _, p := range accessibilityProblems(doc) {
				t.Error(p)
			}
		})
	})
}

// TestOrientationFormIsForOrienters: professionals and the structure's team get the form
// and a link to it on the session page; others do not.
func TestOrientationFormIsForOrienters(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		e.user("membre.ailleurs@jolibois.example.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{f.near.ID} })
		e.user("coordination@territoire.example.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.st.TerritoryID} })
		for email, may := range map[string]bool{
			proEmail: true, staffEmail2: true, "coordination@territoire.example.fr": true, "membre.ailleurs@jolibois.example.fr": false,
		} {
			b := e.signedIn(email)
			_, body := b.get(sessionPath(f.s.ID))
			link := parseHTML(t, body).Find(`a[href="` + enrollPath(f.s.ID) + `"]`)
			if (link.Length() == 1) != may || may && text(link) != "Inscrire une personne" {
				t.Errorf("%s: %d links to the form, want %v", email, link.Length(), may)
			}
			resp, _ := b.get(enrollPath(f.s.ID))
			if want := map[bool]int{true: 200, false: 403}[may]; resp.StatusCode != want {
				t.Errorf("%s: GET the form = %d, want %d", email, resp.StatusCode, want)
			}
		}
		_, doc := e.page(sessionPath(f.s.ID))
		if doc.Find(`a[href="`+enrollPath(f.s.ID)+`"]`).Length() != 0 {
			t.Error("visitors are offered the orientation form")
		}
		resp, _ := e.get(enrollPath(f.s.ID))
		expectRedirect(t, resp, "", "/login?next="+url.QueryEscape(enrollPath(f.s.ID)))

		// Too late: the page says so instead of a form that cannot succeed.
		past := wt.Session(t, e.svc, f.w, now.Add(-time.Hour), nil)
		if resp, body := e.signedIn(proEmail).get(enrollPath(past.ID)); resp.StatusCode != http.StatusConflict ||
			!strings.Contains(text(parseHTML(t, body).Find("main")), "On ne peut plus s'inscrire à cette séance.") {
			t.Errorf("a past session's form: %d\n%.300s", resp.StatusCode, body)
		}
	})
}

// TestLevelCheck: a level outside the session's range says so, with alternatives that
// fit; one click enrolls there with the same details; or the professional goes ahead.
func TestLevelCheck(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		b := e.signedIn(proEmail)

		warned := func(t *testing.T, name string) *goquery.Document {
			t.Helper()
			form := enrollForm(t, b, enrollPath(f.s.ID), with(personForm(), "level", "eloigne", "first_name", name))
			resp, body := b.post(enrollPath(f.s.ID), form)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%.500s", resp.StatusCode, body)
			}
			doc := parseHTML(t, body)
			for _, p := range accessibilityProblems(doc) {
				t.Error(p)
			}
			if n := len(e.roster(f.s.ID).Lines); n != 0 {
				t.Fatalf("%d enrolled before the professional decided", n)
			}
			return doc
		}

		t.Run("OneClickEnrollsThere", func(t *testing.T) {
			doc := warned(t, "Lina")
			warning := text(doc.Find(".level-check"))
			if !strings.Contains(warning, "« Éloigné »") || !strings.Contains(warning, "Débutant à Intermédiaire") {
				t.Errorf("the warning does not say the levels: %q", warning)
			}
			alts := doc.Find(".alternatives li")
			if alts.Length() != 1 || !strings.Contains(text(alts), "Premiers pas sur une tablette") || !strings.Contains(text(alts), "jeudi 3 décembre 2026") ||
				!strings.Contains(text(alts), "Centre social Jolibois") {
				t.Fatalf("alternatives %q", texts(alts))
			}
			form := alts.Find("form")
			if action := form.AttrOr("action", ""); action != enrollPath(f.easyS.ID) {
				t.Fatalf("the alternative posts to %q", action)
			}
			resp, body := b.post(form.AttrOr("action", ""), formOf(form))
			page := expectRedirect(t, resp, body, "/c/")
			if lines := e.roster(f.easyS.ID).Lines; len(lines) != 1 || lines[0].Booking.FirstName != "Lina" || lines[0].Booking.Phone != "+33612345678" ||
				lines[0].Booking.Level != "eloigne" || !lines[0].Booking.NeedsDevice || !strings.Contains(lines[0].Booking.ConsentText, "Centre social Jolibois") {
				t.Errorf("enrolled in the alternative: %+v", lines)
			}
			if n := len(e.roster(f.s.ID).Lines); n != 0 {
				t.Errorf("%d enrolled in the first session too", n)
			}
			// The same form again (back button, second click) is the same booking.
			resp, body = b.post(form.AttrOr("action", ""), formOf(form))
			if again := expectRedirect(t, resp, body, "/c/"); again != page {
				t.Errorf("the second click led to %q, not %q", again, page)
			}
		})

		t.Run("GoAheadAnyway", func(t *testing.T) {
			doc := warned(t, "Mia")
			main := doc.Find("form.enroll-form")
			if got := text(main.Find("button")); got != "L'inscrire quand même à cette séance" {
				t.Errorf("button %q", got)
			}
			// Another level out of range is checked again.
			resp, body := b.post(enrollPath(f.s.ID), with(formOf(main), "level", "autonome"))
			if resp.StatusCode != http.StatusOK || !strings.Contains(text(parseHTML(t, body).Find(".level-check")), "« Autonome »") {
				t.Errorf("another level went ahead unchecked: %d", resp.StatusCode)
			}
			resp, body = b.post(enrollPath(f.s.ID), formOf(main))
			expectRedirect(t, resp, body, "/c/")
			if lines := e.roster(f.s.ID).Lines; len(lines) != 1 || lines[0].Booking.Level != "eloigne" {
				t.Errorf("enrolled anyway: %+v", lines)
			}
		})

		t.Run("NotAssessedIsNotChecked", func(t *testing.T) {
			f.enroll(t, b, f.s.ID, with(personForm(), "level", "non-evalue", "first_name", "Noé", "phone", "06 11 22 33 44"))
		})
	})
}

// TestParcoursIsEnrolledAsAWhole: enrolling from any session of a parcours takes a seat
// in each, and the person's page lists every date.
func TestParcoursIsEnrolledAsAWhole(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		w := wt.Workshop(t, e.svc, f.st, func(w *workshops.Workshop) { w.Title, w.Kind = "Parcours emploi", "parcours" })
		var sessions []*workshops.Session
		for day := 1; day <= 3; day++ {
			sessions = append(sessions, &workshops.Session{StartsAt: wt.Paris(t, 2026, time.December, day*7, 9, 30),
				EndsAt: wt.Paris(t, 2026, time.December, day*7, 11, 30), Capacity: 6})
		}
		if err := e.svc.CreateSessions(t.Context(), workshops.System, w.ID, sessions); err != nil {
			t.Fatal(err)
		}
		b := e.signedIn(proEmail)
		_, body := b.get(enrollPath(sessions[1].ID))
		if got := text(parseHTML(t, body).Find(".session-summary")); !strings.Contains(got, "Parcours de 3 séances") {
			t.Errorf("the form does not say it is a parcours: %q", got)
		}
		page := f.enroll(t, b, sessions[1].ID, personForm())
		for i, s := range sessions {
			if lines := e.roster(s.ID).Lines; len(lines) != 1 || lines[0].Enrollment.Status != enrollment.Confirmed {
				t.Errorf("session %d: %+v", i, lines)
			}
		}
		_, body = b.get(page)
		dates := texts(parseHTML(t, body).Find(".conv-dates li"))
		want := []string{"lundi 7 décembre 2026, de 9 h 30 à 11 h 30", "lundi 14 décembre 2026, de 9 h 30 à 11 h 30", "lundi 21 décembre 2026, de 9 h 30 à 11 h 30"}
		if strings.Join(dates, "|") != strings.Join(want, "|") {
			t.Errorf("dates %q, want %q", dates, want)
		}
	})
}

// TestDoubleSubmissionEnrollsOnce: the same form posted twice (double click, retried
// POST) is one booking, and both land on the same page.
func TestDoubleSubmissionEnrollsOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		b := e.signedIn(proEmail)
		form := enrollForm(t, b, enrollPath(f.s.ID), personForm())
		resp, body := b.post(enrollPath(f.s.ID), form)
		first := expectRedirect(t, resp, body, "/c/")
		resp, body = b.post(enrollPath(f.s.ID), form)
		if second := expectRedirect(t, resp, body, "/c/"); second != first {
			t.Errorf("second answer %q, want %q", second, first)
		}
		if lines := e.roster(f.s.ID).Lines; len(lines) != 1 {
			t.Errorf("%d bookings, want 1", len(lines))
		}
		// A new form for the same person is refused as a duplicate, with the input kept.
		resp, body = b.post(enrollPath(f.s.ID), enrollForm(t, b, enrollPath(f.s.ID), personForm()))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(text(parseHTML(t, body).Find(".error-summary")), "Cette personne est déjà inscrite à cette séance.") ||
			!strings.Contains(body, `value="Nadia"`) {
			t.Errorf("a new form for the same person: %d\n%.400s", resp.StatusCode, body)
		}
	})
}

// TestWaitlistedConfirmation: a full session puts the person on the waiting list, and
// their page says which place in line, without a convocation to come.
func TestWaitlistedConfirmation(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		s := wt.Session(t, e.svc, f.w, wt.Paris(t, 2026, time.December, 10, 14, 0), func(s *workshops.Session) { s.Capacity = 1 })
		b := e.signedIn(proEmail)
		f.enroll(t, b, s.ID, with(personForm(), "first_name", "Premier", "phone", "06 00 00 00 01"))
		_, body := b.get(enrollPath(s.ID))
		if got := text(parseHTML(t, body).Find(".session-summary .seats")); !strings.Contains(got, "liste d'attente") {
			t.Errorf("the form does not say the session is full: %q", got)
		}
		f.enroll(t, b, s.ID, with(personForm(), "first_name", "Deuxième", "phone", "06 00 00 00 02"))
		page := f.enroll(t, b, s.ID, with(personForm(), "first_name", "Troisième", "phone", "06 00 00 00 03"))
		_, body = b.get(page)
		doc := parseHTML(t, body)
		if got := text(doc.Find("h1")); got != "Liste d'attente : Mon smartphone pas à pas" {
			t.Errorf("h1 %q", got)
		}
		if got := text(doc.Find("main")); !strings.Contains(got, "Vous êtes n°2 sur la liste d'attente") {
			t.Errorf("no position: %q", got)
		}
		if doc.Find(`a[href$=".ics"]`).Length() != 0 {
			t.Error("a waiting person is offered to add the session to their agenda")
		}
		for _, p := range accessibilityProblems(doc) {
			t.Error(p)
		}
	})
}

// TestConvocation: the person's page holds a printable convocation in plain French —
// what, when with the weekday, where, what to bring, whom to call, the cancellation link
// and its QR code — and an .ics with the feed's UID.
func TestConvocation(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		page := f.enroll(t, e.signedIn(proEmail), f.s.ID, personForm())
		resp, doc := e.page(page) // the person, without an account
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d", resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		conv := doc.Find(".convocation")
		got := text(conv)
		link := baseURL + page
		for _, want := range []string{
			"Convocation", "Pour : Nadia Benali", "Mon smartphone pas à pas", "mardi 1er décembre 2026, de 14 h à 16 h",
			"3 rue des Tilleuls", "54000 Nancy", "Smartphone", "Votre smartphone chargé.",
			"Appelez Médiathèque Jules-Verne au 03 83 00 00 00", link,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the convocation does not say %q:\n%s", want, got)
			}
		}
		qr := conv.Find(".conv-qr img")
		if src := qr.AttrOr("src", ""); !strings.HasPrefix(src, "data:image/png;base64,") || len(src) < 200 {
			t.Errorf("QR code %.60q", src)
		}
		if alt := qr.AttrOr("alt", ""); alt != "Code QR du lien pour annuler : "+link {
			t.Errorf("QR code alt %q", alt)
		}
		if doc.Find(".orienter").Length() != 0 {
			t.Error("the person is shown the professional's panel")
		}
		ics := doc.Find(`a[href="` + page + `.ics"]`)
		if text(ics) != "Ajouter à l'agenda" {
			t.Fatalf("no link to the .ics: %q", text(ics))
		}
		for _, p := range accessibilityProblems(doc) {
			t.Error(p)
		}

		resp, body := e.get(page + ".ics")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		_, feed := e.get(sessionPath(f.s.ID) + ".ics")
		uid := "UID:session-" + itoa(f.s.ID) + "@agenda.example.fr"
		if !strings.Contains(body, "METHOD:PUBLISH\r\n") || !strings.Contains(body, uid+"\r\n") || !strings.Contains(feed, uid+"\r\n") {
			t.Errorf("the .ics lacks METHOD:PUBLISH or the feed's %s:\n%s", uid, body)
		}
		if strings.Contains(body, "Nadia") || strings.Contains(body, "ATTENDEE") {
			t.Errorf("the .ics carries personal data:\n%s", body)
		}
	})
}
