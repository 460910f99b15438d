package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
)

// TestMembersCannotTouchAnotherStructure: a member of structure A is refused (403) every
// page and every form of structure B, its workshops, sessions and places, and nothing of
// B changes; a coordinator of the territory may act on both.
func TestMembersCannotTouchAnotherStructure(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		b.get("/manage")
		st, w, sess, place := f.b.Slug, f.wb.Slug, itoa(f.sb.ID), itoa(f.placeB.ID)
		valid := workshopForm("Pris à B")
		sessionForm := url.Values{"date": {"2026-12-09"}, "start": {"10:00"}, "end": {"12:00"}, "capacity": {"1"}, "confirm": {"1"}}
		placeForm := url.Values{"name": {"Ailleurs"}, "address": {"2 rue X"}, "postcode": {"54000"}, "town": {"Nancy"}}
		routes := []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "/manage?structure=" + st, nil},
			{"GET", "/manage/structures/" + st, nil},
			{"GET", "/manage/structures/" + st + "/journal", nil},
			{"GET", "/manage/structures/" + st + "/workshops/new", nil},
			{"GET", "/manage/workshops/" + w, nil},
			{"GET", "/manage/workshops/" + w + "/preview", nil},
			{"GET", "/manage/workshops/" + w + "/sessions/new", nil},
			{"GET", "/manage/sessions/" + sess, nil},
			{"POST", "/manage/structures/" + st, with(placeForm, "name", "Pris", "kind", "autre")},
			{"POST", "/manage/structures/" + st + "/places", placeForm},
			{"POST", "/manage/places/" + place, placeForm},
			{"POST", "/manage/structures/" + st + "/workshops", valid},
			{"POST", "/manage/workshops/" + w, valid},
			{"POST", "/manage/workshops/" + w + "/publish", nil},
			{"POST", "/manage/workshops/" + w + "/unpublish", nil},
			{"POST", "/manage/workshops/" + w + "/duplicate", nil},
			{"POST", "/manage/workshops/" + w + "/sessions", with(seriesForm(), "step", "create")},
			{"POST", "/manage/sessions/" + sess, sessionForm},
			{"POST", "/manage/sessions/" + sess + "/cancel", url.Values{"cancel_reason": {"Pris"}}},
			{"POST", "/manage/sessions/" + sess + "/delete", nil},
			// Invalid input too: the check comes before the form's mistakes.
			{"POST", "/manage/workshops/" + w, url.Values{"title": {""}}},
			{"POST", "/manage/sessions/" + sess, url.Values{"capacity": {"dix"}}},
		}
		for _, r := range routes {
			t.Run(r.method+" "+r.path, func(t *testing.T) {
				var resp *http.Response
				var body string
				if r.method == "GET" {
					resp, body = b.get(r.path)
				} else {
					resp, body = b.post(r.path, r.form)
				}
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("status %d, want 403\n%.300s", resp.StatusCode, body)
				}
			})
		}
		wb, err := e.svc.WorkshopForEdit(t.Context(), workshops.System, f.wb.Slug)
		if err != nil || wb.Title != f.wb.Title || wb.Status != workshops.WorkshopPublished {
			t.Errorf("B's workshop changed: %+v %v", wb, err)
		}
		ed, err := e.svc.SessionEditor(t.Context(), workshops.System, f.sb.ID)
		if err != nil || ed.Session.Cancelled() || ed.Session.Capacity != f.sb.Capacity || !ed.Session.StartsAt.Equal(f.sb.StartsAt) {
			t.Errorf("B's session changed: %+v %v", ed, err)
		}

		t.Run("TheTerritorysCoordinatorMay", func(t *testing.T) {
			e.user("coordination@territoire.example.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.b.TerritoryID} })
			c := e.signedIn("coordination@territoire.example.fr")
			for _, path := range []string{"/manage?structure=" + st, "/manage/structures/" + st, "/manage/workshops/" + w, "/manage/sessions/" + sess} {
				if resp, _ := c.get(path); resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %d", path, resp.StatusCode)
				}
			}
			resp, body := c.post("/manage/sessions/"+sess+"/cancel", url.Values{"cancel_reason": {"Fermeture exceptionnelle."}})
			expectRedirect(t, resp, body, "/manage/sessions/"+sess+"?flash=session-cancelled")
		})

		t.Run("VisitorsAreSentToSignIn", func(t *testing.T) {
			resp, _ := e.get("/manage/workshops/" + w)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fmanage%2Fworkshops%2F"+w {
				t.Errorf("%d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	})
}
