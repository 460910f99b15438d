package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestSessionPageTellsWhoWillBeTold: moving or cancelling a session shows the people
// enrolled or waiting, how each will be told, and their professionals; a session
// anyone ever enrolled in cannot be deleted, even once they all cancelled.
func TestSessionPageTellsWhoWillBeTold(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		b := e.signedIn(mediatorEmail)
		path := "/manage/sessions/" + itoa(f.s.ID)
		move := url.Values{"date": {"2026-12-11"}, "start": {"14:00"}, "end": {"16:00"}, "place": {""}, "capacity": {"2"}}

		resp, body := b.post(path, move)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("move: %d\n%.600s", resp.StatusCode, body)
		}
		told := texts(parseHTML(t, body).Find(".notice[aria-labelledby=verifier] li"))
		want := []string{"Fatima Benali — par SMS", "Jean — par l'intermédiaire de Alex Martin", "Awa (liste d'attente) — par courriel",
			"Alex Martin (CCAS de Nancy) — par courriel"}
		if strings.Join(told, "\n") != strings.Join(want, "\n") {
			t.Errorf("told:\n%s\nwant:\n%s", strings.Join(told, "\n"), strings.Join(want, "\n"))
		}
		if n := accesses(t, db, f.mediator.ID, enrollment.PurposeSessionChange); n != 3 {
			t.Errorf("%d consultations logged for who will be told, want 3", n)
		}

		for _, r := range []*enrollment.Result{f.fatima, f.jean, f.awa} {
			if err := e.en.Cancel(t.Context(), f.proActor, r.Booking.ID); err != nil {
				t.Fatal(err)
			}
		}
		_, body = b.get(path)
		doc := parseHTML(t, body)
		if got := text(doc.Find("main")); !strings.Contains(got, "Personne n'est inscrit pour l'instant : aucun message ne sera envoyé.") ||
			!strings.Contains(got, "la séance ne peut pas être supprimée") {
			t.Errorf("after everyone cancelled: %q", got)
		}
		if resp, _ := b.post(path+"/delete", nil); resp.StatusCode != http.StatusConflict {
			t.Errorf("deleting a session people had enrolled in: %d, want 409", resp.StatusCode)
		}
	})
}

// TestRaisingTheCapacityPromotesWhoWaits, from the session's form and from the API.
func TestRaisingTheCapacityPromotesWhoWaits(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		b := e.signedIn(mediatorEmail)
		path := "/manage/sessions/" + itoa(f.s.ID)
		form := url.Values{"date": {"2026-12-10"}, "start": {"14:00"}, "end": {"16:00"}, "place": {""}, "animator": {"Camille"}}

		resp, body := b.post(path, with(form, "capacity", "3"))
		expectRedirect(t, resp, body, path+"?flash=session-saved")
		if got := enrollmentOf(t, db, seat(f.awa)); got.Status != enrollment.Confirmed || got.Position != 0 {
			t.Errorf("Awa after the capacity grew: %+v", got)
		}
		_, body = b.get(path)
		if got := text(parseHTML(t, body).Find(".facts")); !strings.Contains(got, "3 inscrits sur 3 (complet)") || strings.Contains(got, "attente") {
			t.Errorf("facts %q", got)
		}

		// Through the API: someone new waits, then a larger capacity seats them.
		zoe := e.orient(f.proActor, f.s.ID, enrollment.Person{FirstName: "Zoé", Contact: enrollment.ContactPaper, Level: "debutant", Consent: true})
		if zoe.Status != enrollment.Waitlisted {
			t.Fatalf("Zoé: %+v", zoe)
		}
		u := e.user("api@centre-a.example.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{f.a.ID} })
		token, _, err := e.acc.CreateToken(t.Context(), u.ID, accounts.TokenAPI, "script")
		if err != nil {
			t.Fatal(err)
		}
		e.sendJSON(call{method: http.MethodPatch, path: "/api/v1/sessions/" + itoa(f.s.ID), token: token, body: map[string]any{"capacity": 4}}, http.StatusOK, nil)
		if got := enrollmentOf(t, db, seat(zoe)); got.Status != enrollment.Confirmed {
			t.Errorf("Zoé after the API raised the capacity: %+v", got)
		}
	})
}

// TestFollowUpPagesFollowTheAccessibilityRules runs the machine-checkable rules of the
// public pages (see TestPagesFollowTheAccessibilityRules) on every follow-up page, as
// first shown and shown again with mistakes.
func TestFollowUpPagesFollowTheAccessibilityRules(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		e.user("coord@territoire.example.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.a.TerritoryID} })
		sess := "/manage/sessions/" + itoa(f.s.ID)
		person := "/coordination/people/" + itoa(f.fatima.Booking.ID)
		checkAccessibility(t, e.signedIn(proEmail), []a11yPage{
			{"Orientations", "GET", "/orientations", nil, 200},
			{"OrientationsWithMistakes", "GET", "/orientations?from=hier", nil, 400},
			{"OrientationCancelToConfirm", "POST", "/orientations/" + itoa(f.jean.Booking.ID) + "/cancel", nil, 200},
		})
		checkAccessibility(t, e.signedIn("coord@territoire.example.fr"), []a11yPage{
			{"People", "GET", "/coordination/people", nil, 200},
			{"PeopleFound", "GET", "/coordination/people?q=fatima", nil, 200},
			{"PeopleWithMistakes", "GET", "/coordination/people?q=f", nil, 422},
			{"Person", "GET", person, nil, 200},
			{"PersonEraseWithMistakes", "POST", person + "/erase", nil, 422},
		})
		checkAccessibility(t, e.signedIn(mediatorEmail), []a11yPage{
			{"Roster", "GET", sess + "/roster", nil, 200},
			{"Sheet", "GET", sess + "/sheet", nil, 200},
			{"AttendanceBeforeTheSession", "GET", sess + "/attendance", nil, 200},
			{"BookingCancelToConfirm", "POST", "/manage/bookings/" + itoa(f.fatima.Booking.ID) + "/cancel", url.Values{"session": {itoa(f.s.ID)}}, 200},
		})
		e.clock.Add(17 * 24 * time.Hour)
		checkAccessibility(t, e.signedIn(mediatorEmail), []a11yPage{
			{"Attendance", "GET", sess + "/attendance", nil, 200},
			{"AttendanceWithMistakes", "POST", sess + "/attendance", nil, 422},
			{"BookingCancelTooLate", "POST", "/manage/bookings/" + itoa(f.fatima.Booking.ID) + "/cancel", nil, 409},
		})
	})
}
