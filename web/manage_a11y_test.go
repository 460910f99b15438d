package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestManagePagesFollowTheAccessibilityRules runs the machine-checkable rules of the
// public pages (see TestPagesFollowTheAccessibilityRules) on every mediator's page, as
// first shown and shown again with mistakes.
func TestManagePagesFollowTheAccessibilityRules(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		taken := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 8, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 2 })
		cancelled := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 9, 14, 0), nil)
		if _, err := e.svc.CancelSession(t.Context(), workshops.System, cancelled.ID, "Fermeture"); err != nil {
			t.Fatal(err)
		}
		e.user("coord@territoire.example.fr", func(nu *accounts.NewUser) {
			nu.CoordinatorOf = []int64{f.a.TerritoryID}
			nu.MemberOf = []int64{f.a.ID}
		})
		e.enrollAs(f.sa.ID, enrollment.Person{FirstName: "Gaston", Contact: enrollment.ContactPaper})
		e.enrollAs(f.sa.ID, enrollment.Person{FirstName: "Inconnu", Email: "inconnu@exemple.fr", Contact: enrollment.ContactEmail})
		e.composeNotices()
		b := e.signedIn("coord@territoire.example.fr")
		b.get("/manage")
		b.post("/manage/feed-token", nil)
		sess := "/manage/sessions/" + itoa(f.sa.ID)
		move := url.Values{"date": {"2026-12-03"}, "start": {"15:00"}, "end": {"17:00"}, "place": {itoa(f.placeA.ID)}, "capacity": {"8"}}
		checkAccessibility(t, b, []a11yPage{
			{"DashboardWithNewFeed", "GET", "/manage", nil, 200},
			{"DashboardOfAnotherStructure", "GET", "/manage?structure=" + f.b.Slug + "&q=a", nil, 200},
			{"Structure", "GET", "/manage/structures/" + f.a.Slug, nil, 200},
			{"StructureWithMistakes", "POST", "/manage/structures/" + f.a.Slug, url.Values{"latitude": {"x"}}, 422},
			{"PlaceWithMistakes", "POST", "/manage/places/" + itoa(f.placeA.ID), url.Values{"name": {""}}, 422},
			{"Journal", "GET", "/manage/structures/" + f.a.Slug + "/journal", nil, 200},
			{"Messages", "GET", "/manage/structures/" + f.a.Slug + "/messages", nil, 200},
			{"FailedMessages", "GET", "/manage/structures/" + f.a.Slug + "/messages?status=failed", nil, 200},
			{"NewWorkshop", "GET", "/manage/structures/" + f.a.Slug + "/workshops/new", nil, 200},
			{"NewWorkshopWithMistakes", "POST", "/manage/structures/" + f.a.Slug + "/workshops", url.Values{"default_capacity": {"dix"}}, 422},
			{"Workshop", "GET", "/manage/workshops/" + f.wa.Slug, nil, 200},
			{"Preview", "GET", "/manage/workshops/" + f.wa.Slug + "/preview", nil, 200},
			{"NewSessions", "GET", "/manage/workshops/" + f.wa.Slug + "/sessions/new", nil, 200},
			{"SessionDays", "POST", "/manage/workshops/" + f.wa.Slug + "/sessions", seriesForm(), 200},
			{"MoreDateLines", "POST", "/manage/workshops/" + f.wa.Slug + "/sessions", url.Values{"step": {"more"}, "frequency": {"dates"}}, 200},
			{"SessionsWithMistakes", "POST", "/manage/workshops/" + f.wa.Slug + "/sessions", url.Values{"frequency": {"dates"}, "dates": {"x"}}, 422},
			{"Session", "GET", sess, nil, 200},
			{"SessionMoveToConfirm", "POST", sess, move, 200},
			{"SessionWithMistakes", "POST", sess, with(move, "end", "10:00"), 422},
			{"SessionThatCannotBeDeleted", "POST", "/manage/sessions/" + itoa(taken.ID) + "/delete", nil, 409},
			{"CancelledSession", "GET", "/manage/sessions/" + itoa(cancelled.ID), nil, 200},
			{"Forbidden", "GET", "/manage/structures/nulle-part", nil, 404},
		})
	})
}

// a11yPage is a page to check, as a GET or a POSTed form, and its expected status.
type a11yPage struct {
	name, method, path string
	form               url.Values
	status             int
}

// checkAccessibility loads each page with a browser, checks its status and runs the
// accessibility rules on it, one subtest a page.
func checkAccessibility(t *testing.T, b *browser, pages []a11yPage) {
	t.Helper()
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if p.method == "GET" {
				resp, body = b.get(p.path)
			} else {
				resp, body = b.post(p.path, p.form)
			}
			if resp.StatusCode != p.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, p.status)
			}
			for _, problem := range accessibilityProblems(parseHTML(t, body)) {
				t.Error(problem)
			}
		})
	}
}
