package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
)

// TestPersonCancelsThroughTheLink: the person's page asks to confirm, cancels once, then
// says it is cancelled; the seat goes to who waited.
func TestPersonCancelsThroughTheLink(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		pro := e.signedIn(proEmail)
		page := f.enroll(t, pro, f.s.ID, personForm())

		person := e.browser()
		_, body := person.get(page)
		ask := parseHTML(t, body).Find(`a[href="` + page + `?annuler=1#annuler-titre"]`)
		if text(ask) != "Annuler mon inscription" {
			t.Fatalf("no way to cancel on the page: %q", text(ask))
		}
		resp, body := person.get(page + "?annuler=1")
		doc := parseHTML(t, body)
		form := doc.Find(`form[action="` + page + `/cancel"]`)
		if resp.StatusCode != http.StatusOK || text(form.Find("button")) != "Oui, j'annule mon inscription" {
			t.Fatalf("no confirmation asked: %d %q", resp.StatusCode, text(form))
		}
		for _, p := range accessibilityProblems(doc) {
			t.Error(p)
		}
		if n := len(e.roster(f.s.ID).Confirmed()); n != 1 {
			t.Fatalf("asking cancelled already: %d confirmed", n)
		}
		resp, body = person.post(page+"/cancel", nil)
		expectRedirectExactly(t, resp, body, page+"?flash=booking-cancelled")
		if n := len(e.roster(f.s.ID).Cancelled()); n != 1 {
			t.Errorf("%d cancelled", n)
		}
		if lines := e.roster(f.s.ID).Cancelled(); len(lines) == 1 && lines[0].Enrollment.CancelledBy != enrollment.ByPerson {
			t.Errorf("cancelled by %q", lines[0].Enrollment.CancelledBy)
		}

		// The second visit says it is already cancelled, and offers nothing to cancel.
		_, body = person.get(page)
		doc = parseHTML(t, body)
		if got := text(doc.Find("h1")); got != "Inscription annulée : Mon smartphone pas à pas" {
			t.Errorf("h1 %q", got)
		}
		if doc.Find(`a[href*="annuler=1"], form[action$="/cancel"], .convocation`).Length() != 0 {
			t.Error("a cancelled booking still offers to cancel, or its convocation")
		}
		resp, body = person.post(page+"/cancel", nil)
		expectRedirectExactly(t, resp, body, page+"?flash=booking-cancelled")
		if n := len(e.roster(f.s.ID).Lines); n != 1 {
			t.Errorf("%d lines after a second cancellation", n)
		}
		if resp, _ := e.get(page + ".ics"); resp.StatusCode != http.StatusNotFound {
			t.Errorf(".ics of a cancelled booking: %d", resp.StatusCode)
		}
	})
}

// TestForgedLinksAreNotFound: a link that is not ours answers a French 404, on the page,
// its .ics and its cancellation, and changes nothing.
func TestForgedLinksAreNotFound(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		page := f.enroll(t, e.signedIn(proEmail), f.s.ID, personForm())
		token := strings.TrimPrefix(page, "/c/")
		id, sig, _ := strings.Cut(token, "-")
		b := e.browser()
		b.get(page + "?annuler=1") // a CSRF token, so that only the link can be refused
		for _, forged := range []string{"/c/" + id + "-" + strings.Repeat("A", len(sig)), "/c/" + token + "x", "/c/2-" + sig, "/c/nimportequoi"} {
			resp, body := b.get(forged)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(text(parseHTML(t, body).Find("main")), "Ce lien d'inscription n'existe pas") {
				t.Errorf("GET %s = %d\n%.300s", forged, resp.StatusCode, body)
			}
			if resp, _ := b.get(forged + ".ics"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s.ics = %d", forged, resp.StatusCode)
			}
			if resp, _ := b.post(forged+"/cancel", nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s/cancel = %d", forged, resp.StatusCode)
			}
		}
		if n := len(e.roster(f.s.ID).Confirmed()); n != 1 {
			t.Errorf("%d confirmed after forged cancellations", n)
		}
	})
}

// TestPastSessionsCannotBeCancelled: once the session started, the page says so instead
// of a button, and a cancellation posted anyway is refused with whom to call.
func TestPastSessionsCannotBeCancelled(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		page := f.enroll(t, e.signedIn(proEmail), f.s.ID, personForm())
		// Asked just before the session, confirmed after it started.
		e.clock.Set(f.s.StartsAt.Add(-10 * time.Minute))
		b := e.browser()
		b.get(page + "?annuler=1")
		e.clock.Set(f.s.StartsAt.Add(10 * time.Minute))
		_, body := b.get(page + "?annuler=1")
		doc := parseHTML(t, body)
		if doc.Find(`form[action$="/cancel"], a[href*="annuler=1"]`).Length() != 0 {
			t.Error("a started session still offers to cancel")
		}
		if got := text(doc.Find("main")); !strings.Contains(got, "l'inscription ne peut plus être annulée") {
			t.Errorf("the page does not say it is too late: %q", got)
		}
		resp, body := b.post(page+"/cancel", nil)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("%d", resp.StatusCode)
		}
		if got := text(parseHTML(t, body).Find(".error-summary")); !strings.Contains(got, "ne peut plus être annulée") || !strings.Contains(got, "03 83 00 00 00") {
			t.Errorf("message %q", got)
		}
		if n := len(e.roster(f.s.ID).Confirmed()); n != 1 {
			t.Errorf("%d confirmed", n)
		}
	})
}

// TestCancelledSessionIsSaidPlainly: when the structure cancels the session, the person's
// page says not to come, without a convocation nor a cancel button.
func TestCancelledSessionIsSaidPlainly(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newEnrollFixture(t, e)
		page := f.enroll(t, e.signedIn(proEmail), f.s.ID, personForm())
		if _, err := e.svc.CancelSession(t.Context(), workshops.System, f.s.ID, "Salle inondée"); err != nil {
			t.Fatal(err)
		}
		_, doc := e.page(page)
		if got := text(doc.Find("h1")); got != "Séance annulée : Mon smartphone pas à pas" {
			t.Errorf("h1 %q", got)
		}
		if got := text(doc.Find("main")); !strings.Contains(got, "Raison : Salle inondée") {
			t.Errorf("no reason: %q", got)
		}
		if doc.Find(`.convocation, a[href*="annuler=1"]`).Length() != 0 {
			t.Error("a cancelled session still has its convocation or a cancel button")
		}
		for _, p := range accessibilityProblems(doc) {
			t.Error(p)
		}
	})
}
