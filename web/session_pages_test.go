package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestSessionPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, func(s *workshops.Structure) {
			s.Name = "France Services de Laxou"
			s.Kind = "france-services"
			s.Address, s.Postcode, s.Town = "12 avenue de la Résistance", "54520", "Laxou"
			s.AccessInfo = "Tram ligne 1, arrêt Laxou-Provinces."
			s.Accessibility = "Accès de plain-pied, boucle magnétique."
			s.Phone, s.Email = "03 83 12 34 56", "laxou@france-services.example.fr"
			s.OpeningHours = "Lundi : 9 h - 12 h\nJeudi : 14 h - 17 h"
		})
		w := wt.Workshop(t, e.svc, st, func(w *workshops.Workshop) {
			w.Title = "Ma retraite en ligne"
			w.LevelMin, w.LevelMax = "debutant", "intermediaire"
			w.ThemeSlugs = []string{"parcours-de-vie", "demarches-en-ligne"}
			w.LifeEvent = "retraite"
			w.DevicesToBring, w.DevicesLent = workshops.List{"smartphone"}, workshops.List{"tablette", "ordinateur"}
			w.Languages = workshops.List{"fr", "ar"}
			w.Price, w.PriceDetails = "pass-aptic", "Un chèque APTIC par séance"
		})
		s := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.November, 27, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 6 })
		later := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 4, 14, 0), nil)

		resp, doc := e.page(sessionPath(s.ID))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		page := text(doc.Find("main"))
		t.Logf("page text: %s", page)
		checks := []struct {
			name string
			want string
		}{
			{"What", "Ma retraite en ligne"},
			{"WhenWithWeekdayAndRelativeDay", "vendredi 27 novembre 2026, de 14 h à 16 h (dans 3 jours)"},
			{"Duration", "Durée : 2 h"},
			{"FullAddress", "France Services de Laxou 12 avenue de la Résistance 54520 Laxou"},
			{"Access", "Tram ligne 1, arrêt Laxou-Provinces."},
			{"Accessibility", "Accès de plain-pied, boucle magnétique."},
			{"SeatsLeft", "2 places restantes"},
			{"LevelsInWords", "Débutant à Intermédiaire"},
			{"LevelDefinitions", "Est équipé mais ne sait pas se servir de l'appareil."},
			{"Themes", "Thèmes : Parcours de vie, Démarches en ligne"},
			{"LifeEvent", "Moment de vie : Départ à la retraite"},
			{"WhatToBring", "À apporter Smartphone"},
			{"WhatIsLent", "Prêté sur place Tablette, Ordinateur"},
			{"Price", "Gratuit avec le Pass numérique APTIC — Un chèque APTIC par séance"},
			{"Languages", "Langues Français, Arabe"},
			{"Format", "Format En groupe"},
			{"OpeningHours", "Lundi : 9 h - 12 h Jeudi : 14 h - 17 h"},
		}
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) {
				if !strings.Contains(page, c.want) {
					t.Errorf("page lacks %q", c.want)
				}
			})
		}

		t.Run("Links", func(t *testing.T) {
			links := map[string]string{
				"Voir le lieu sur une carte (OpenStreetMap)": "https://www.openstreetmap.org/?mlat=48.69210&mlon=6.18440#map=18/48.69210/6.18440",
				"Ajouter à mon agenda":                       sessionPath(s.ID) + ".ics",
				"03 83 12 34 56":                             "tel:+33383123456",
				"laxou@france-services.example.fr":           "mailto:laxou@france-services.example.fr",
				"France Services de Laxou":                   "/structures/" + st.Slug,
			}
			for label, want := range links {
				a := doc.Find("main a").FilterFunction(func(_ int, a *goquery.Selection) bool { return text(a) == label }).First()
				if got := a.AttrOr("href", ""); got != want {
					t.Errorf("link %q = %q, want %q", label, got, want)
				}
			}
			if got := doc.Find(`head link[rel=alternate][type="text/calendar"]`).AttrOr("href", ""); got != baseURL+sessionPath(s.ID)+".ics" {
				t.Errorf("alternate = %q", got)
			}
		})

		t.Run("OtherDatesOfTheWorkshop", func(t *testing.T) {
			others := doc.Find("#autres-dates + ol.dates li")
			if got := attrs(others.Find("a"), "href"); !slices.Equal(got, []string{sessionPath(later.ID)}) {
				t.Errorf("other dates = %v", got)
			}
			if got := text(others); got != "vendredi 4 décembre 2026, de 14 h à 16 h — Laxou — 8 places restantes" {
				t.Errorf("other date = %q", got)
			}
		})

		t.Run("TitleSaysWhatAndWhen", func(t *testing.T) {
			if got := text(doc.Find("title")); got != "Ma retraite en ligne, vendredi 27 novembre 2026 — Escale, les ateliers numériques" {
				t.Errorf("title = %q", got)
			}
		})
	})
}

func TestSessionPageStates(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, nil)
		cancelled := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 2, 10, 0), nil)
		if _, err := e.svc.CancelSession(t.Context(), workshops.System, cancelled.ID, "Salle en travaux"); err != nil {
			t.Fatal(err)
		}
		past := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.November, 20, 10, 0), nil)
		full := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 3, 10, 0), func(s *workshops.Session) { s.SeatsTaken = s.Capacity })

		t.Run("CancelledSaysSoAtTheTopWithTheReason", func(t *testing.T) {
			_, doc := e.page(sessionPath(cancelled.ID))
			if got := text(doc.Find("h1")); !strings.HasPrefix(got, "Annulée ") {
				t.Errorf("h1 = %q", got)
			}
			notice := doc.Find("h1 + .notice")
			if got := text(notice); !strings.Contains(got, "Cette séance est annulée. Raison : Salle en travaux") {
				t.Errorf("notice under the title = %q", got)
			}
			if doc.Find(`a[href$=".ics"]`).Length() != 0 {
				t.Error("a cancelled session is offered to the agenda")
			}
			if strings.Contains(text(doc.Find("main")), "Pour inscrire") {
				t.Error("a cancelled session invites enrollments")
			}
		})

		t.Run("PastSaysItIsOver", func(t *testing.T) {
			resp, doc := e.page(sessionPath(past.ID))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := text(doc.Find("h1 + .notice")); !strings.Contains(got, "Cette séance est terminée.") {
				t.Errorf("notice = %q", got)
			}
			if strings.Contains(text(doc.Find(".when")), "il y a") {
				t.Errorf("when = %q", text(doc.Find(".when")))
			}
		})

		t.Run("Full", func(t *testing.T) {
			_, doc := e.page(sessionPath(full.ID))
			if got := text(doc.Find(".seats")); got != "Complet" {
				t.Errorf("seats = %q", got)
			}
		})

		t.Run("UnknownOrMalformedIDIsTheFrench404", func(t *testing.T) {
			for _, path := range []string{"/sessions/999999", "/sessions/abc", "/sessions/0", "/sessions/-3", "/sessions/12abc"} {
				resp, doc := e.page(path)
				if resp.StatusCode != http.StatusNotFound || text(doc.Find("h1")) != "Page introuvable." {
					t.Errorf("GET %s = %d %q", path, resp.StatusCode, text(doc.Find("h1")))
				}
			}
		})
	})
}

func TestSessionPageOfAParcoursListsAllItsSessions(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, func(w *workshops.Workshop) { w.Kind = "parcours" })
		var sessions []*workshops.Session
		for i := range 3 {
			start := wt.Paris(t, 2026, time.December, 1+7*i, 14, 0)
			sessions = append(sessions, &workshops.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 8})
		}
		if err := e.svc.CreateSessions(t.Context(), workshops.System, w.ID, sessions); err != nil {
			t.Fatal(err)
		}
		// Another cohort of the same parcours, later: an "other date", not part of this one.
		next := wt.Session(t, e.svc, w, wt.Paris(t, 2027, time.January, 12, 14, 0), nil)

		_, doc := e.page(sessionPath(sessions[1].ID))
		h := doc.Find("h2").FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.HasPrefix(text(s), "Parcours") })
		if got := text(h); got != "Parcours de 3 séances" {
			t.Fatalf("parcours heading = %q", got)
		}
		items := h.NextAllFiltered("ol.dates").First().Find("li")
		if items.Length() != 3 || !strings.Contains(text(items.Eq(1)), "(cette séance)") {
			t.Errorf("parcours sessions = %q", texts(items))
		}
		if got := attrs(items.Find("a"), "href"); !slices.Equal(got, []string{sessionPath(sessions[0].ID), sessionPath(sessions[2].ID)}) {
			t.Errorf("parcours links = %v", got)
		}
		if got := attrs(doc.Find("#autres-dates + ol.dates a"), "href"); !slices.Equal(got, []string{sessionPath(next.ID)}) {
			t.Errorf("other dates = %v", got)
		}
	})
}
