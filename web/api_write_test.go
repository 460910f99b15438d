package web_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestAPIWriteWorkshop(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)

		t.Run("CreatedAsDraftNotPublic", func(t *testing.T) {
			e := e.sub(t)
			var w apiWorkshopOut
			resp := e.sendJSON(call{method: "POST", path: "/api/v1/workshops", token: r.member(), body: newWorkshopBody(r.st.Slug)}, 201, &w)
			if want := baseURL + "/api/v1/workshops/" + w.Slug; resp.Header.Get("Location") != want {
				t.Errorf("Location = %q, want %q", resp.Header.Get("Location"), want)
			}
			if w.Status != "draft" || w.Slug != "mes-demarches-en-ligne" || w.Structure.Slug != r.st.Slug {
				t.Errorf("created %+v", w)
			}
			// Defaults of the fields not sent.
			if w.Format != "collectif" || !slices.Equal(w.Languages, []string{"fr"}) || w.LifeEvent != nil {
				t.Errorf("defaults: %+v", w)
			}
			var p problem
			e.apiJSON("/api/v1/workshops/"+w.Slug, 404, &p)
			var page struct{ Items []apiWorkshopOut }
			e.apiJSON("/api/v1/workshops", 200, &page)
			if slices.ContainsFunc(page.Items, func(x apiWorkshopOut) bool { return x.Slug == w.Slug }) {
				t.Error("a draft is listed by the public API")
			}
			if resp, _ := e.get("/workshops/" + w.Slug); resp.StatusCode != 404 {
				t.Errorf("public page of a draft = %d, want 404", resp.StatusCode)
			}
		})

		t.Run("PublishedByPatchingItsStatus", func(t *testing.T) {
			e := e.sub(t)
			var w apiWorkshopOut
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops", token: r.member(), body: newWorkshopBody(r.st.Slug)}, 201, &w)
			var got apiWorkshopOut
			e.sendJSON(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(), body: map[string]any{"status": "published"}}, 200, &got)
			if got.Status != "published" || got.Title != w.Title {
				t.Errorf("after publishing: %+v", got)
			}
			var public apiWorkshopOut
			e.apiJSON("/api/v1/workshops/"+w.Slug, 200, &public)
			if public.Title != "Mes démarches en ligne" {
				t.Errorf("public workshop %+v", public)
			}
			e.sendJSON(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(), body: map[string]any{"status": "draft"}}, 200, &got)
			var p problem
			e.apiJSON("/api/v1/workshops/"+w.Slug, 404, &p)
		})

		t.Run("PatchChangesOnlyWhatIsSent", func(t *testing.T) {
			e := e.sub(t)
			body := newWorkshopBody(r.st.Slug)
			body["summary"], body["format"], body["life_event"] = "En une phrase.", "hybride", "retraite"
			body["themes"] = []string{"parcours-de-vie", "demarches-en-ligne"}
			var w apiWorkshopOut
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops", token: r.member(), body: body}, 201, &w)
			var got apiWorkshopOut
			e.sendJSON(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(),
				body: `{"title": "Mes démarches, pas à pas", "summary": null, "format": null, "life_event": ""}`}, 200, &got)
			switch {
			case got.Title != "Mes démarches, pas à pas" || got.Slug != w.Slug:
				t.Errorf("title %q, slug %q: the title changes, the slug (the public URL) stays", got.Title, got.Slug)
			case got.Summary != "" || got.LifeEvent != nil:
				t.Errorf("summary %q, life_event %v: null and empty clear", got.Summary, got.LifeEvent)
			case got.Format != "collectif":
				t.Errorf("format %q: null puts back the default", got.Format)
			case got.Description != w.Description || !slices.Equal(got.themeSlugs(), w.themeSlugs()) || got.Status != "draft":
				t.Errorf("fields not sent changed: %+v, was %+v", got, w)
			}
		})

		t.Run("ThemesInVocabularyOrderOnce", func(t *testing.T) {
			e := e.sub(t)
			body := newWorkshopBody(r.st.Slug)
			body["title"] = "Jouer en ligne"
			body["themes"] = []string{"parcours-de-vie", "ludique", "parcours-de-vie"}
			var w apiWorkshopOut
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops", token: r.member(), body: body}, 201, &w)
			if got := w.themeSlugs(); !slices.Equal(got, []string{"ludique", "parcours-de-vie"}) {
				t.Errorf("themes %q", got)
			}
			e.sendJSON(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(),
				body: map[string]any{"themes": []string{"communiquer", "ludique", "communiquer"}}}, 200, &w)
			if got := w.themeSlugs(); !slices.Equal(got, []string{"ludique", "communiquer"}) {
				t.Errorf("themes %q", got)
			}
		})

		t.Run("MarkupIsKeptAsText", func(t *testing.T) {
			e := e.sub(t)
			body := newWorkshopBody(r.st.Slug)
			body["title"] = `<script>alert("x")</script> Atelier`
			body["status"] = "published"
			var w apiWorkshopOut
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops", token: r.member(), body: body}, 201, &w)
			if w.Title != body["title"] {
				t.Errorf("title %q", w.Title)
			}
			resp, page := e.get("/workshops/" + w.Slug)
			if resp.StatusCode != 200 || strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;") {
				t.Errorf("public page %d does not show the title as text", resp.StatusCode)
			}
		})

		t.Run("KindStaysOnceThereAreSessions", func(t *testing.T) {
			e := e.sub(t)
			w := wt.Workshop(t, e.svc, r.st, nil)
			wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil)
			resp, body := e.send(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(), body: map[string]any{"kind": "parcours"}})
			checkProblem(t, resp, body, 422, []string{"kind"})
		})
	})
}

func TestAPIWriteWeeklySeriesAcrossSpringClockChange(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, func(w *workshops.Workshop) { w.DefaultCapacity = 10 })
		// Clocks go forward on Sunday 28 March 2027: Tuesdays at 14:00 Paris are 13:00 UTC
		// before, 12:00 UTC after.
		var out struct{ Items []apiSessionOut }
		resp := e.sendJSON(call{method: "POST", path: "/api/v1/workshops/" + w.Slug + "/sessions", token: r.member(), body: map[string]any{
			"frequency": "weekly", "first": "2027-03-16", "until": "2027-04-13", "skip": []string{"2027-04-06"},
			"start": "14:00", "end": "16:00", "animator": "Camille",
		}}, 201, &out)
		want := []string{"2027-03-16T14:00:00+01:00", "2027-03-23T14:00:00+01:00", "2027-03-30T14:00:00+02:00", "2027-04-13T14:00:00+02:00"}
		var got []string
		for _, s := range out.Items {
			got = append(got, s.StartsAt)
			if !strings.HasPrefix(s.EndsAt, s.StartsAt[:11]+"16:00:00+0") || s.Capacity != 10 || s.Workshop.Slug != w.Slug {
				t.Errorf("session %+v: ends at 16:00 Paris, with the workshop's capacity", s)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("starts_at %q, want %q", got, want)
		}
		if loc := resp.Header.Get("Location"); loc != baseURL+"/api/v1/sessions/"+strconv.FormatInt(out.Items[0].ID, 10) {
			t.Errorf("Location = %q, want the first session", loc)
		}
		// The read API shows the same wall-clock times.
		var page struct{ Items []apiSessionOut }
		e.apiJSON("/api/v1/sessions?structure="+r.st.Slug+"&from=2027-03-01", 200, &page)
		got = nil
		for _, s := range page.Items {
			got = append(got, s.StartsAt)
		}
		if !slices.Equal(got, want) {
			t.Errorf("read API starts_at %q, want %q", got, want)
		}
	})
}

func TestAPIWriteSessions(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, nil)
		annex := &workshops.Place{StructureID: r.st.ID, Name: "Salle des fêtes", Address: "1 place de la Mairie", Postcode: "54500", Town: "Vandœuvre-lès-Nancy"}
		if err := e.svc.CreatePlace(t.Context(), workshops.System, annex); err != nil {
			t.Fatal(err)
		}
		newSession := func(t *testing.T, e *env) apiSessionOut {
			t.Helper()
			var out struct{ Items []apiSessionOut }
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops/" + w.Slug + "/sessions", token: r.member(), body: map[string]any{
				"starts_at": "2026-12-01T14:00:00+01:00", "ends_at": "2026-12-01T16:00:00+01:00", "capacity": 6,
			}}, 201, &out)
			if len(out.Items) != 1 {
				t.Fatalf("%d sessions created", len(out.Items))
			}
			return out.Items[0]
		}
		feedEvent := func(t *testing.T, e *env, id int64) goical.Event {
			t.Helper()
			resp, body := e.get("/calendar.ics")
			if resp.StatusCode != 200 {
				t.Fatalf("GET /calendar.ics = %d", resp.StatusCode)
			}
			ev, ok := icsEvents(t, parseICS(t, []byte(body)))["session-"+strconv.FormatInt(id, 10)+"@agenda.example.fr"]
			if !ok {
				t.Fatalf("session %d is not in /calendar.ics", id)
			}
			return ev
		}

		t.Run("OneSession", func(t *testing.T) {
			e := e.sub(t)
			s := newSession(t, e)
			if s.StartsAt != "2026-12-01T14:00:00+01:00" || s.Capacity != 6 || s.Sequence != 0 || s.Status != "scheduled" {
				t.Errorf("created %+v", s)
			}
		})

		t.Run("MoveIncrementsSequenceInAPIAndFeed", func(t *testing.T) {
			e := e.sub(t)
			s := newSession(t, e)
			if got := feedEvent(t, e, s.ID).Props.Get(goical.PropSequence).Value; got != "0" {
				t.Errorf("SEQUENCE before = %s", got)
			}
			var moved apiSessionOut
			e.sendJSON(call{method: "PATCH", path: "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10), token: r.member(), body: map[string]any{
				"starts_at": "2026-12-02T09:30:00+01:00", "ends_at": "2026-12-02T11:30:00+01:00", "place_id": annex.ID,
			}}, 200, &moved)
			if moved.Sequence != 1 || moved.StartsAt != "2026-12-02T09:30:00+01:00" || moved.Location.Name != annex.Name {
				t.Errorf("moved %+v", moved)
			}
			var read apiSessionOut
			e.apiJSON("/api/v1/sessions/"+strconv.FormatInt(s.ID, 10), 200, &read)
			if read.Sequence != 1 || read.StartsAt != moved.StartsAt {
				t.Errorf("read API %+v", read)
			}
			ev := feedEvent(t, e, s.ID)
			if got := ev.Props.Get(goical.PropSequence).Value; got != "1" {
				t.Errorf("SEQUENCE after = %s, want 1", got)
			}
			if got := icsText(t, ev, goical.PropLocation); !strings.Contains(got, annex.Name) {
				t.Errorf("LOCATION %q", got)
			}
			// Capacity and animator are not a move.
			e.sendJSON(call{method: "PATCH", path: "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10), token: r.member(), body: map[string]any{
				"capacity": 12, "animator": "Dominique", "place_id": nil,
			}}, 200, &moved)
			if moved.Capacity != 12 || moved.Sequence != 2 || moved.Location.Name == annex.Name {
				t.Errorf("after going back to the structure's address: %+v (a change of place is a move)", moved)
			}
			e.sendJSON(call{method: "PATCH", path: "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10), token: r.member(), body: map[string]any{"capacity": 10}}, 200, &moved)
			if moved.Sequence != 2 {
				t.Errorf("sequence %d after a change of capacity, want 2", moved.Sequence)
			}
		})

		t.Run("CancelShowsInFeed", func(t *testing.T) {
			e := e.sub(t)
			s := newSession(t, e)
			path := "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10) + "/cancel"
			var got apiSessionOut
			e.sendJSON(call{method: "POST", path: path, token: r.member(), body: map[string]any{"reason": "Salle indisponible."}}, 200, &got)
			if got.Status != "cancelled" || !got.Cancelled || got.CancelReason == nil || *got.CancelReason != "Salle indisponible." || got.Sequence != 1 {
				t.Errorf("cancelled %+v", got)
			}
			ev := feedEvent(t, e, s.ID)
			if st := icsText(t, ev, goical.PropStatus); st != "CANCELLED" {
				t.Errorf("STATUS %q, want CANCELLED", st)
			}
			// Again: nothing changes.
			e.sendJSON(call{method: "POST", path: path, token: r.member(), body: map[string]any{"reason": "Autre motif"}}, 200, &got)
			if got.Sequence != 1 || *got.CancelReason != "Salle indisponible." {
				t.Errorf("cancelled again %+v", got)
			}
			// A cancelled session cannot be moved.
			resp, body := e.send(call{method: "PATCH", path: "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10), token: r.member(), body: map[string]any{"capacity": 9}})
			checkProblem(t, resp, body, 409, nil)
		})

		t.Run("DeleteUnusedSession", func(t *testing.T) {
			e := e.sub(t)
			s := newSession(t, e)
			path := "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10)
			resp, body := e.send(call{method: "DELETE", path: path, token: r.member()})
			if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
				t.Fatalf("DELETE = %d %s, want 204", resp.StatusCode, body)
			}
			var p problem
			e.apiJSON(path, 404, &p)
			resp, body = e.send(call{method: "DELETE", path: path, token: r.member()})
			checkProblem(t, resp, body, 404, []string{"id"})
		})

		t.Run("DeleteUsedSessionConflicts", func(t *testing.T) {
			e := e.sub(t)
			s := wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 3, 9, 30), func(s *workshops.Session) { s.SeatsTaken = 2 })
			resp, body := e.send(call{method: "DELETE", path: "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10), token: r.member()})
			checkProblem(t, resp, body, 409, nil)
			if !strings.Contains(string(body), "annulez-la") {
				t.Errorf("the problem does not say to cancel instead: %s", body)
			}
		})

		t.Run("CapacityNotBelowSeatsTaken", func(t *testing.T) {
			e := e.sub(t)
			s := wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 4, 9, 30), func(s *workshops.Session) { s.SeatsTaken = 5 })
			path := "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10)
			resp, body := e.send(call{method: "PATCH", path: path, token: r.member(), body: map[string]any{"capacity": 4}})
			checkProblem(t, resp, body, 422, []string{"capacity"})
			var got apiSessionOut
			e.sendJSON(call{method: "PATCH", path: path, token: r.member(), body: map[string]any{"capacity": 5}}, 200, &got)
			if got.Capacity != 5 || got.SeatsLeft != 0 {
				t.Errorf("session %+v", got)
			}
		})

		t.Run("SessionsOfADraftAreAnswered", func(t *testing.T) {
			e := e.sub(t)
			draft := wt.Workshop(t, e.svc, r.st, func(w *workshops.Workshop) { w.Status = workshops.WorkshopDraft })
			var out struct{ Items []apiSessionOut }
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops/" + draft.Slug + "/sessions", token: r.member(), body: map[string]any{
				"frequency": "dates", "dates": []string{"2027-01-12", "2027-01-05", "2027-01-19"}, "start": "10:00", "end": "12:00", "capacity": 4,
			}}, 201, &out)
			if len(out.Items) != 3 || out.Items[0].StartsAt != "2027-01-05T10:00:00+01:00" || out.Items[0].Workshop.Slug != draft.Slug {
				t.Fatalf("parcours %+v", out.Items)
			}
			var p problem
			e.apiJSON("/api/v1/sessions/"+strconv.FormatInt(out.Items[0].ID, 10), 404, &p)
			var got apiSessionOut
			e.sendJSON(call{method: "PATCH", path: "/api/v1/sessions/" + strconv.FormatInt(out.Items[1].ID, 10), token: r.member(), body: map[string]any{"capacity": 5}}, 200, &got)
			if got.Capacity != 5 {
				t.Errorf("session %+v", got)
			}
		})
	})
}

func TestAPIWriteStructure(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		type structureOut struct {
			Name      string   `json:"name"`
			Town      string   `json:"town"`
			Postcode  string   `json:"postcode"`
			Access    string   `json:"access"`
			Phone     string   `json:"phone"`
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
			Labels    []string `json:"labels"`
		}
		var got structureOut
		e.sendJSON(call{method: "PATCH", path: "/api/v1/structures/" + r.st.Slug, token: r.member(), body: map[string]any{
			"town": "Vandœuvre-lès-Nancy", "postcode": "54500", "access": "Tram 1, arrêt Vélodrome.",
			"labels": []string{"france-services", "aptic", "aptic"}, "latitude": nil, "longitude": nil,
		}}, 200, &got)
		if got.Town != "Vandœuvre-lès-Nancy" || got.Postcode != "54500" || got.Access != "Tram 1, arrêt Vélodrome." ||
			!slices.Equal(got.Labels, []string{"france-services", "aptic"}) || got.Latitude != nil || got.Longitude != nil {
			t.Errorf("structure %+v", got)
		}
		if got.Name != r.st.Name || got.Phone != r.st.Phone {
			t.Errorf("fields not sent changed: %+v", got)
		}
		var public structureOut
		e.apiJSON("/api/v1/structures/"+r.st.Slug, 200, &public)
		if public.Town != got.Town {
			t.Errorf("read API town %q", public.Town)
		}
		// The calendar's town filter follows the structure's sessions.
		w := wt.Workshop(t, e.svc, r.st, nil)
		wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil)
		e.sendJSON(call{method: "PATCH", path: "/api/v1/structures/" + r.st.Slug, token: r.member(), body: map[string]any{"town": "Laxou", "postcode": "54520"}}, 200, &got)
		var page struct{ Items []apiSessionOut }
		e.apiJSON("/api/v1/sessions?city=laxou", 200, &page)
		if len(page.Items) != 1 {
			t.Errorf("%d sessions in Laxou, want the structure's one", len(page.Items))
		}
	})
}
