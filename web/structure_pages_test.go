package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestStructuresPageGroupsByTown(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		in := func(name, town, postcode string) *workshops.Structure {
			return wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name, s.Town, s.Postcode = name, town, postcode })
		}
		in("Médiathèque Jules-Verne", "Vandœuvre-lès-Nancy", "54500")
		in("CCAS de Laxou", "Laxou", "54520")
		in("Centre social Les Nations", "Nancy", "54000")
		in("Association Génération numérique", "Nancy", "54000")
		wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name, s.Status = "Structure en attente", workshops.StructurePending })

		resp, doc := e.page("/structures")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if got := texts(doc.Find("main h2")); !slices.Equal(got, []string{"Laxou", "Nancy", "Vandœuvre-lès-Nancy"}) {
			t.Errorf("towns = %q", got)
		}
		nancy := doc.Find("main h2").Eq(1).Next().Find("li > a")
		if got := texts(nancy); !slices.Equal(got, []string{"Association Génération numérique", "Centre social Les Nations"}) {
			t.Errorf("structures of Nancy = %q", got)
		}
		if strings.Contains(text(doc.Find("main")), "en attente") {
			t.Error("a structure waiting for validation is listed")
		}
		// The towns menu leads to each town's heading.
		for _, href := range attrs(doc.Find(`nav[aria-label=Communes] a`), "href") {
			if doc.Find("h2"+href).Length() != 1 {
				t.Errorf("menu link %q leads nowhere", href)
			}
		}
	})
}

func TestStructurePage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, func(s *workshops.Structure) {
			s.Name, s.Kind = "Centre social Les Nations", "centre-social"
			s.Description = "Un lieu ouvert à tous.\n\nAteliers en petits groupes."
			s.Labels = workshops.List{"france-services", "aidants-connect"}
			s.Accessibility = "Ascenseur."
			s.Website = "https://nations.example.fr"
		})
		other := wt.Workshop(t, e.svc, nil, nil)
		w := wt.Workshop(t, e.svc, st, nil)
		var want []string
		for i := range 25 {
			s := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 1+i, 10, 0), nil)
			want = append(want, sessionPath(s.ID))
		}
		wt.Session(t, e.svc, other, wt.Paris(t, 2026, time.December, 1, 14, 0), nil)

		resp, doc := e.page("/structures/" + st.Slug)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		main := text(doc.Find("main"))
		for _, s := range []string{"Centre social à Nancy", "France Services", "Aidants Connect", "Un lieu ouvert à tous.", "3 rue des Tilleuls 54000 Nancy",
			"Accessibilité Ascenseur.", "Horaires d'ouverture Du mardi au samedi, de 10 h à 18 h", "https://nations.example.fr"} {
			if !strings.Contains(main, s) {
				t.Errorf("page lacks %q", s)
			}
		}
		if got := doc.Find(`a[href^="tel:"]`).AttrOr("href", ""); got != "tel:+33383000000" {
			t.Errorf("phone link = %q", got)
		}

		t.Run("ListsItsOwnUpcomingSessionsPageByPage", func(t *testing.T) {
			got := attrs(doc.Find("li.card h4 a"), "href")
			next := doc.Find(`nav.pager a[rel=next]`).AttrOr("href", "")
			if !strings.HasPrefix(next, "/structures/"+st.Slug+"?after=") {
				t.Fatalf("next link = %q", next)
			}
			_, page2 := e.page(next)
			got = append(got, attrs(page2.Find("li.card h4 a"), "href")...)
			if !slices.Equal(got, want) {
				t.Errorf("sessions = %v, want %v", got, want)
			}
		})

		t.Run("SubscribeToTheStructureFeed", func(t *testing.T) {
			feed := baseURL + "/structures/" + st.Slug + "/calendar.ics"
			webcal := "webcal://agenda.example.fr/structures/" + st.Slug + "/calendar.ics"
			block := doc.Find("section.subscribe")
			if got := block.Find(`a[href^="webcal:"]`).AttrOr("href", ""); got != webcal {
				t.Errorf("webcal = %q, want %q", got, webcal)
			}
			if got := block.Find(`a[href^="https://calendar.google.com/"]`).AttrOr("href", ""); got != "https://calendar.google.com/calendar/render?cid="+url.QueryEscape(webcal) {
				t.Errorf("Google = %q", got)
			}
			if got := block.Find("input[readonly]").AttrOr("value", ""); got != feed {
				t.Errorf("address = %q, want %q", got, feed)
			}
			if got := doc.Find(`head link[rel=alternate][type="text/calendar"]`).AttrOr("href", ""); got != feed {
				t.Errorf("alternate = %q", got)
			}
		})

		t.Run("UnknownSlugIsTheFrench404", func(t *testing.T) {
			for _, path := range []string{"/structures/nulle-part", "/workshops/nulle-part"} {
				resp, doc := e.page(path)
				if resp.StatusCode != http.StatusNotFound || text(doc.Find("h1")) != "Page introuvable." {
					t.Errorf("GET %s = %d %q", path, resp.StatusCode, text(doc.Find("h1")))
				}
			}
		})

		t.Run("BadCursorIs400", func(t *testing.T) {
			resp, doc := e.page("/structures/" + st.Slug + "?after=zzz")
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc.Find("main")), "Ce lien de page n'est pas valide.") {
				t.Errorf("status %d, page %q", resp.StatusCode, text(doc.Find("main")))
			}
		})
	})
}

func TestWorkshopPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, func(w *workshops.Workshop) {
			w.Title = "Photos et souvenirs"
			w.Description = "Trier ses photos.\n\nLes partager avec sa famille."
			w.ThemeSlugs = []string{"ludique"}
			w.LevelMin, w.LevelMax = "eloigne", "eloigne"
			w.DefaultDurationMinutes = 90
		})
		past := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.November, 17, 10, 0), nil)
		first := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.November, 25, 10, 0), nil)
		second := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 2, 10, 0), nil)

		resp, doc := e.page("/workshops/" + w.Slug)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if got := text(doc.Find("h1")); got != "Photos et souvenirs" {
			t.Errorf("h1 = %q", got)
		}
		main := text(doc.Find("main"))
		for _, s := range []string{"Trier ses photos. Les partager avec sa famille.", "Éloigné N'a jamais utilisé d'ordinateur", "Thème : Ludique", "Durée d'une séance 1 h 30"} {
			if !strings.Contains(main, s) {
				t.Errorf("page lacks %q", s)
			}
		}
		if got := attrs(doc.Find("li.card h4 a"), "href"); !slices.Equal(got, []string{sessionPath(first.ID), sessionPath(second.ID)}) {
			t.Errorf("upcoming sessions = %v (the one of %s is over)", got, past.StartsAt)
		}
		if got := text(doc.Find("h3.day").First()); got != "mercredi 25 novembre (demain)" {
			t.Errorf("first day = %q", got)
		}
	})
}
