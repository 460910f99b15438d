package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestEditingTheStructureProfile(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		path := "/manage/structures/" + f.a.Slug

		_, body := b.get(path)
		doc := parseHTML(t, body)
		if v := doc.Find("#st-name").AttrOr("value", ""); v != "Centre social A" {
			t.Errorf("name %q", v)
		}
		towns := texts(doc.Find("#st-known_town option"))
		if len(towns) < 21 || !containsString(towns, "Vandœuvre-lès-Nancy (54500)") || !containsString(towns, "Nancy (54000)") {
			t.Errorf("known towns %q", towns)
		}

		t.Run("PickingAKnownTownSetsItsCoordinates", func(t *testing.T) {
			form := url.Values{"name": {"Centre social A"}, "kind": {"centre-social"}, "address": {"12 avenue Jeanne-d'Arc"},
				"postcode": {"54000"}, "town": {"Nancy"}, "latitude": {""}, "longitude": {""},
				"known_town":    {doc.Find(`#st-known_town option:contains("Vandœuvre")`).AttrOr("value", "")},
				"opening_hours": {"Lundi : 9 h – 12 h\nMardi : fermé"}, "phone": {"03 83 11 22 33"},
				"labels": {"france-services", "aptic"}, "description": {"Un centre social."}}
			resp, body := b.post(path, form)
			expectRedirect(t, resp, body, path+"?flash=structure-saved")
			st, err := e.svc.StructureForEdit(t.Context(), workshops.System, f.a.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if st.Town != "Vandœuvre-lès-Nancy" || st.Postcode != "54500" || st.Latitude == nil || *st.Latitude < 48.6 || *st.Longitude > 6.2 {
				t.Errorf("stored %q %q %v %v", st.Town, st.Postcode, st.Latitude, st.Longitude)
			}
			if !st.Labels.Has("aptic") || st.OpeningHours != "Lundi : 9 h – 12 h\nMardi : fermé" {
				t.Errorf("labels %q hours %q", st.Labels, st.OpeningHours)
			}
			_, body = e.get("/structures/" + f.a.Slug)
			if page := text(parseHTML(t, body).Find("main")); !strings.Contains(page, "54500 Vandœuvre-lès-Nancy") || !strings.Contains(page, "Pass numérique APTIC") {
				t.Errorf("the public page does not show the new profile: %.500s", page)
			}
			// Sessions at the structure's address follow it to its new town.
			if _, body := e.get("/?city=54500"); !strings.Contains(body, "/sessions/"+itoa(f.sa.ID)) {
				t.Error("the structure's session did not follow it")
			}
		})

		t.Run("CoordinatesTypedWithACommaAreKept", func(t *testing.T) {
			form := url.Values{"name": {"Centre social A"}, "kind": {"centre-social"}, "address": {"12 avenue Jeanne-d'Arc"},
				"postcode": {"54500"}, "town": {"Vandœuvre-lès-Nancy"}, "latitude": {"48,6601"}, "longitude": {"6,1702"}}
			resp, body := b.post(path, form)
			expectRedirect(t, resp, body, path+"?flash=structure-saved")
			_, body = b.get(path)
			doc := parseHTML(t, body)
			if lat := doc.Find("#st-latitude").AttrOr("value", ""); lat != "48.6601" {
				t.Errorf("latitude shown as %q", lat)
			}
		})

		t.Run("ChoosingRemindersAndDigest", func(t *testing.T) {
			_, body := b.get(path)
			if v := parseHTML(t, body).Find("#st-reminder option[selected]").AttrOr("value", ""); v != workshops.ReminderDayBefore10 {
				t.Errorf("default reminder shown as %q", v)
			}
			form := url.Values{"name": {"Centre social A"}, "kind": {"centre-social"}, "address": {"12 avenue Jeanne-d'Arc"},
				"postcode": {"54500"}, "town": {"Vandœuvre-lès-Nancy"}, "reminder": {workshops.ReminderDayBefore18},
				"digest": {workshops.DigestDaily}}
			resp, body := b.post(path, form)
			expectRedirect(t, resp, body, path+"?flash=structure-saved")
			if st, err := e.svc.StructureForEdit(t.Context(), workshops.System, f.a.Slug); err != nil ||
				st.Reminder != workshops.ReminderDayBefore18 || st.Digest != workshops.DigestDaily {
				t.Fatalf("stored reminder %q, digest %q, %v", st.Reminder, st.Digest, err)
			}
			resp, body = b.post(path, with(form, "reminder", "la-veille"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choisissez quand les personnes inscrites reçoivent un rappel.") {
				t.Errorf("unknown reminder: %d", resp.StatusCode)
			}
			if v := parseHTML(t, body).Find("#st-reminder").AttrOr("aria-describedby", ""); !strings.Contains(v, "st-reminder-error") {
				t.Errorf("the mistake is not linked to the field: aria-describedby %q", v)
			}
		})

		t.Run("AddingAndEditingPlaces", func(t *testing.T) {
			form := url.Values{"name": {"Maison de quartier"}, "address": {"5 rue du Placieux"}, "postcode": {""}, "town": {""},
				"known_town": {"Villers-lès-Nancy|54600|48.6728|6.1528"}, "access_info": {"Tram ligne 1, arrêt Placieux."}}
			resp, body := b.post(path+"/places", form)
			expectRedirect(t, resp, body, path+"?flash=place-added#lieux")
			ed, err := e.svc.StructureEditor(t.Context(), workshops.System, f.a.Slug)
			if err != nil {
				t.Fatal(err)
			}
			var added *workshops.Place
			for i := range ed.Places {
				if ed.Places[i].Name == "Maison de quartier" {
					added = &ed.Places[i]
				}
			}
			if added == nil || added.Town != "Villers-lès-Nancy" || added.Postcode != "54600" || added.Latitude == nil {
				t.Fatalf("added %+v", added)
			}
			resp, body = b.post("/manage/places/"+itoa(added.ID), with(form, "known_town", "", "name", "Maison de quartier du Placieux",
				"town", "Villers-lès-Nancy", "postcode", "54600"))
			expectRedirect(t, resp, body, path+"?flash=place-saved#lieu-"+itoa(added.ID))
			_, body = b.get(path)
			doc := parseHTML(t, body)
			if v := doc.Find("#pl"+itoa(added.ID)+"-name").AttrOr("value", ""); v != "Maison de quartier du Placieux" {
				t.Errorf("place name %q", v)
			}
			// The place is offered for sessions.
			_, body = b.get("/manage/workshops/" + f.wa.Slug + "/sessions/new")
			if !strings.Contains(body, "Maison de quartier du Placieux, Villers-lès-Nancy") {
				t.Error("the new place is not offered for sessions")
			}
		})
	})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestStructureJournal(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		b.get("/manage")
		e.clock.Add(time.Hour)
		resp, body := b.post("/manage/sessions/"+itoa(f.sa.ID)+"/cancel", url.Values{"cancel_reason": {"Salle en travaux"}})
		expectRedirect(t, resp, body, "/manage/sessions/")

		_, body = b.get("/manage/structures/" + f.a.Slug + "/journal")
		doc := parseHTML(t, body)
		lines := texts(doc.Find(".journal li"))
		if len(lines) < 4 {
			t.Fatalf("journal %q", lines)
		}
		if want := "mardi 24 novembre 2026 à 11 h — Camille a annulé la séance : Motif : Salle en travaux"; lines[0] != want {
			t.Errorf("newest entry %q, want %q", lines[0], want)
		}
		if !strings.Contains(strings.Join(lines, "\n"), "Escale (système) a créé l'atelier : Mon smartphone pas à pas") {
			t.Errorf("journal %q", lines)
		}
		if strings.Contains(strings.Join(lines, "\n"), "Médiathèque B") || strings.Contains(strings.Join(lines, "\n"), "Envoyer des photos") {
			t.Error("the journal shows another structure's entries")
		}

		t.Run("Paged", func(t *testing.T) {
			for i := range 60 {
				wt.Session(t, e.svc, f.wa, wt.Paris(t, 2027, time.January, 1+i%28, 8+i/28, 0), nil)
			}
			_, body := b.get("/manage/structures/" + f.a.Slug + "/journal")
			doc := parseHTML(t, body)
			first := texts(doc.Find(".journal li"))
			next := doc.Find(`a[rel=next]`).AttrOr("href", "")
			if len(first) != 50 || next == "" {
				t.Fatalf("%d entries, next %q", len(first), next)
			}
			_, body = b.get(next)
			doc = parseHTML(t, body)
			second := texts(doc.Find(".journal li"))
			if len(second) != 60+len(lines)-50 || second[0] == first[49] {
				t.Errorf("second page: %d entries", len(second))
			}
			if !strings.HasSuffix(text(doc.Find("title")), "suite — Escale, les ateliers numériques") {
				t.Errorf("title %q", text(doc.Find("title")))
			}
			if resp, _ := b.get("/manage/structures/" + f.a.Slug + "/journal?before=n%27importe"); resp.StatusCode != http.StatusOK {
				t.Errorf("a malformed page link: %d", resp.StatusCode)
			}
		})
	})
}

func TestDashboard(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		full := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 3, 9, 0), func(s *workshops.Session) { s.Capacity, s.SeatsTaken, s.Waiting = 6, 6, 2 })
		past := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.November, 17, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 2 })
		// Nobody came to this one: there is no attendance to take.
		wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.November, 18, 14, 0), nil)
		old := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.September, 1, 14, 0), nil)
		b := e.signedIn(mediatorEmail)

		resp, body := b.get("/manage")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", resp.StatusCode)
		}
		doc := parseHTML(t, body)
		board := doc.Find("#structure-" + f.a.Slug)
		upcoming := texts(board.Find("h3:contains('Prochaines séances') + ul li"))
		want := []string{
			"mardi 1er décembre 2026, de 14 h à 16 h — Mon smartphone pas à pas Centre social A — 0 inscrit sur 8",
			"jeudi 3 décembre 2026, de 9 h à 11 h — Mon smartphone pas à pas Centre social A — 6 inscrits sur 6 (complet), 2 en liste d'attente — liste des inscrits du jeudi 3 décembre 2026",
		}
		if strings.Join(upcoming, "\n") != strings.Join(want, "\n") {
			t.Errorf("upcoming:\n%s\nwant:\n%s", strings.Join(upcoming, "\n"), strings.Join(want, "\n"))
		}
		toClose := board.Find("h3:contains('Séances à clôturer') ~ ul").First()
		// Closing a session is taking its attendance.
		if got := attrs(toClose.Find("a"), "href"); len(got) != 2 || got[0] != "/manage/sessions/"+itoa(past.ID)+"/attendance" {
			t.Errorf("sessions to close %q (the one of September is too old: %d)", got, old.ID)
		}
		if doc.Find("#structure-"+f.b.Slug).Length() != 0 || doc.Find("#territoire-titre").Length() != 0 {
			t.Error("a member sees another structure or the territory")
		}
		for _, href := range []string{"/manage/structures/" + f.a.Slug + "/workshops/new", "/manage/structures/" + f.a.Slug,
			"/manage/structures/" + f.a.Slug + "/journal"} {
			if board.Find(`a[href="`+href+`"]`).Length() == 0 {
				t.Errorf("no link to %s", href)
			}
		}
		_ = full

		t.Run("CoordinatorsReachTheirTerritory", func(t *testing.T) {
			e.user("coord@territoire.example.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.a.TerritoryID} })
			c := e.signedIn("coord@territoire.example.fr")
			_, body := c.get("/manage")
			doc := parseHTML(t, body)
			names := texts(doc.Find("#territoire-titre ~ ul li > a:first-child"))
			if !containsString(names, "Centre social A") || !containsString(names, "Médiathèque B") {
				t.Errorf("territory %q", names)
			}
			_, body = c.get("/manage?q=CENTRE+social")
			names = texts(parseHTML(t, body).Find("#territoire-titre ~ ul li > a:first-child"))
			if fmt.Sprint(names) != "[Centre social A]" {
				t.Errorf("search %q", names)
			}
			_, body = c.get("/manage?structure=" + f.b.Slug)
			if got := text(parseHTML(t, body).Find("#structure-" + f.b.Slug + " h3:contains('Prochaines séances') + ul")); !strings.Contains(got, "Envoyer des photos") {
				t.Errorf("B's board %q", got)
			}
			if resp, _ := c.get("/manage?structure=nulle-part"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("unknown structure: %d", resp.StatusCode)
			}
		})
	})
}
