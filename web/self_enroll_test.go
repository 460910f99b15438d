package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// selfForm is a valid self-enrollment: Yanis, by email.
func selfForm() url.Values {
	return url.Values{"first_name": {"Yanis"}, "email": {"Yanis@Exemple.fr"}, "contact": {"email"}, "level": {"non-evalue"}, "consent": {"oui"}}
}

// openWorkshop makes the fixture's workshop take self-enrollment, with reserved seats.
func openWorkshop(t *testing.T, e *env, f *enrollFixture, reserved int) {
	t.Helper()
	w, err := e.svc.WorkshopForEdit(t.Context(), workshops.System, f.w.Slug)
	if err != nil {
		t.Fatal(err)
	}
	w.Enrollment, w.ReservedSeats = "ouvert", reserved
	for _, th := range w.Themes {
		w.ThemeSlugs = append(w.ThemeSlugs, th.Slug)
	}
	if err := e.svc.UpdateWorkshop(t.Context(), workshops.System, w); err != nil {
		t.Fatal(err)
	}
}

// TestSelfEnrollment: where the workshop allows it, anyone enrolls from the session page,
// without an account, with a consent in the first person; robots filling the hidden field
// are answered as if enrolled and nothing is stored.
func TestSelfEnrollment(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)

		t.Run("ClosedWhenTheWorkshopDoesNotTakeIt", func(t *testing.T) {
			_, doc := e.page(sessionPath(f.s.ID))
			if doc.Find(`a[href="`+selfEnrollPath(f.s.ID)+`"]`).Length() != 0 {
				t.Error("the session page offers self-enrollment")
			}
			b := e.browser()
			resp, body := b.get(selfEnrollPath(f.s.ID))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(text(parseHTML(t, body).Find("main")), "ne prend pas d'inscription directe") {
				t.Errorf("GET = %d\n%.300s", resp.StatusCode, body)
			}
			b.get("/login")
			resp, _ = b.post(selfEnrollPath(f.s.ID), with(selfForm(), "idempotency_key", "cle-1234567890"))
			if resp.StatusCode != http.StatusForbidden || len(e.roster(f.s.ID).Lines) != 0 {
				t.Errorf("POST = %d, %d enrolled", resp.StatusCode, len(e.roster(f.s.ID).Lines))
			}
		})

		openWorkshop(t, e, f, 0)

		t.Run("FromTheSessionPage", func(t *testing.T) {
			b := e.browser()
			_, body := b.get(sessionPath(f.s.ID))
			link := parseHTML(t, body).Find(`a[href="` + selfEnrollPath(f.s.ID) + `"]`)
			if text(link) != "Je m'inscris à cette séance" {
				t.Fatalf("no link to the form on the session page: %q", text(link))
			}
			if _, ok := b.cookies["__Host-escale"]; ok {
				t.Error("the session page started a session for a visitor")
			}
			form := enrollForm(t, b, selfEnrollPath(f.s.ID), selfForm())
			_, body = b.get(selfEnrollPath(f.s.ID))
			doc := parseHTML(t, body)
			for _, p := range accessibilityProblems(doc) {
				t.Error(p)
			}
			if got := text(doc.Find("#enroll-consent-text")); !strings.HasPrefix(got, "Mon prénom") || !strings.Contains(got, "Médiathèque Jules-Verne") {
				t.Errorf("consent %q", got)
			}
			if got := attrs(doc.Find("input[name=contact]"), "value"); strings.Join(got, " ") != "sms email paper" {
				t.Errorf("contact choices %q", got)
			}
			resp, body := b.post(selfEnrollPath(f.s.ID), form)
			page := expectRedirect(t, resp, body, "/c/")
			if !strings.HasSuffix(page, "?flash=self-enrolled") {
				t.Errorf("flash of %q", page)
			}
			lines := e.roster(f.s.ID).Lines
			if len(lines) != 1 || !lines[0].Booking.SelfEnrolled() || lines[0].Booking.Email != "yanis@exemple.fr" ||
				!strings.HasPrefix(lines[0].Booking.ConsentText, "Mon prénom") {
				t.Fatalf("booking %+v", lines)
			}
			_, body = b.get(page)
			doc = parseHTML(t, body)
			if got := text(doc.Find(".flash")); got != "Votre inscription est enregistrée." {
				t.Errorf("flash %q", got)
			}
			if got := text(doc.Find(".contact-line")); got != "Pour vous prévenir : par courriel à yanis@exemple.fr." {
				t.Errorf("contact line %q", got)
			}
		})

		t.Run("Mistakes", func(t *testing.T) {
			b := e.browser()
			form := enrollForm(t, b, selfEnrollPath(f.s.ID), with(selfForm(), "email", "yanis-at-exemple", "first_name", "Yanis D."))
			resp, body := b.post(selfEnrollPath(f.s.ID), form)
			doc := expectFieldError(t, resp, body, "enroll-email", "adresse électronique")
			for _, p := range accessibilityProblems(doc) {
				t.Error(p)
			}
		})

		t.Run("HoneypotStoresNothing", func(t *testing.T) {
			before := len(e.roster(f.s.ID).Lines)
			b := e.browser()
			form := enrollForm(t, b, selfEnrollPath(f.s.ID), with(selfForm(), "homepage", "https://spam.example", "first_name", "Robot"))
			resp, body := b.post(selfEnrollPath(f.s.ID), form)
			expectRedirectExactly(t, resp, body, sessionPath(f.s.ID)+"?flash=self-enrolled")
			if n := len(e.roster(f.s.ID).Lines); n != before {
				t.Errorf("%d enrolled, want %d", n, before)
			}
		})

		t.Run("ReservedSeatsAreNotOffered", func(t *testing.T) {
			s := wt.Session(t, e.svc, f.w, wt.Paris(t, 2026, time.December, 15, 14, 0), func(s *workshops.Session) { s.Capacity = 2 })
			openWorkshop(t, e, f, 2)
			b := e.browser()
			_, body := b.get(selfEnrollPath(s.ID))
			if got := text(parseHTML(t, body).Find(".session-summary .seats")); !strings.Contains(got, "liste d'attente") {
				t.Errorf("seats shown to the public: %q", got)
			}
			resp, body := b.post(selfEnrollPath(s.ID), enrollForm(t, b, selfEnrollPath(s.ID), selfForm()))
			page := expectRedirect(t, resp, body, "/c/")
			_, body = b.get(page)
			if got := text(parseHTML(t, body).Find("h1")); !strings.HasPrefix(got, "Liste d'attente") {
				t.Errorf("h1 %q", got)
			}
		})
	})
}

// TestSelfEnrollmentIsRateLimited: one connection cannot fill a session; the form comes
// back with a French message saying how long to wait.
func TestSelfEnrollmentIsRateLimited(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newProxiedEnv(t, db)
		f := newEnrollFixture(t, e)
		openWorkshop(t, e, f, 0)
		b := e.browser()
		b.ip = "192.0.2.10"
		form := enrollForm(t, b, selfEnrollPath(f.s.ID), url.Values{})
		for i := range 20 {
			if resp, _ := b.post(selfEnrollPath(f.s.ID), form); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
			}
		}
		resp, body := b.post(selfEnrollPath(f.s.ID), with(form, "first_name", "Vingt-et-un"))
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("21st attempt: %d", resp.StatusCode)
		}
		doc := parseHTML(t, body)
		if got := text(doc.Find(".error-summary")); !strings.Contains(got, "Trop d'inscriptions depuis cette connexion") || !strings.Contains(got, "Réessayez dans") {
			t.Errorf("message %q", got)
		}
		if got := doc.Find("#enroll-first_name").AttrOr("value", ""); got != "Vingt-et-un" {
			t.Errorf("the input is lost: %q", got)
		}
		// Another connection is not held up.
		other := e.browser()
		other.ip = "192.0.2.11"
		resp, body = other.post(selfEnrollPath(f.s.ID), enrollForm(t, other, selfEnrollPath(f.s.ID), selfForm()))
		expectRedirect(t, resp, body, "/c/")
	})
}
