package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// apiWorkshopList is a page of workshops as the tests read it.
type apiWorkshopList struct {
	Items []struct {
		Slug      string `json:"slug"`
		Title     string `json:"title"`
		Structure struct {
			Slug string `json:"slug"`
		} `json:"structure"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
	NextURL    *string `json:"next_url"`
}

func (l apiWorkshopList) titles() []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Title)
	}
	return out
}

func TestAPIWorkshopsFiltersLikeTheCalendar(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  []string // in slug order
		// ignored marks parameters the endpoint accepts without documenting them.
		ignored bool
	}{
		{name: "NoFilterListsPublishedWorkshops", query: "", want: []string{"Annulé", "Complet", "Démarches en ligne : la CAF", "En janvier",
			"Jeux et photos sur tablette", "Passé", "Smartphone débutant", "Smartphone en cours"}},
		{name: "Level", query: "level=eloigne", want: []string{"Jeux et photos sur tablette"}},
		{name: "Theme", query: "theme=securite-vie-privee", want: []string{"En janvier"}},
		{name: "Structure", query: "structure=france-services-de-laxou", want: []string{"Complet", "Démarches en ligne : la CAF"}},
		{name: "CityWithAccents", query: "city=" + url.QueryEscape("Vandœuvre-lès-Nancy"), want: []string{"Annulé", "Jeux et photos sur tablette"}},
		{name: "Text", query: "q=" + url.QueryEscape("DÉMARCHES"), want: []string{"Démarches en ligne : la CAF"}},
		{name: "DatesAndAvailabilityBelongToSessions", query: "from=2025-13-45&to=x&available=1&level=eloigne", want: []string{"Jeux et photos sur tablette"}, ignored: true},
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		calendar(t, e)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var list apiWorkshopList
				if tc.ignored {
					e.sub(t).apiJSONUndocumented("/api/v1/workshops?"+tc.query, http.StatusOK, &list)
				} else {
					e.sub(t).apiJSON("/api/v1/workshops?"+tc.query, http.StatusOK, &list)
				}
				if got := list.titles(); !slices.Equal(got, tc.want) {
					t.Errorf("?%s = %q, want %q", tc.query, got, tc.want)
				}
			})
		}
	})
}

func TestAPIWorkshopsPaginationWalksForwardBySlug(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, nil)
		var want []string
		for _, title := range []string{"Écrire un courriel", "Arnaques en ligne", "Visio en famille", "Banque en ligne", "Zoom sur les photos"} {
			w := wt.Workshop(t, e.svc, st, func(w *workshops.Workshop) { w.Title = title })
			want = append(want, w.Slug)
		}
		wt.Workshop(t, e.svc, st, func(w *workshops.Workshop) { w.Title, w.Status = "Brouillon", workshops.WorkshopDraft })
		slices.Sort(want)

		var got []string
		pages := 0
		for link := "/api/v1/workshops?limit=2"; link != ""; pages++ {
			var list apiWorkshopList
			e.apiJSON(link, http.StatusOK, &list)
			for _, it := range list.Items {
				got = append(got, it.Slug)
			}
			link = ""
			if list.NextURL != nil {
				if *list.NextCursor != list.Items[len(list.Items)-1].Slug {
					t.Errorf("next_cursor %q is not the last slug of the page", *list.NextCursor)
				}
				link = localPath(t, *list.NextURL)
			}
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Errorf("walked %v in %d pages, want %v in 3", got, pages, want)
		}
	})
}

func TestAPIWorkshopShowsItsUpcomingSessions(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, func(w *workshops.Workshop) {
			w.Title, w.LifeEvent, w.ThemeSlugs = "Préparer sa retraite", "retraite", []string{"parcours-de-vie", "demarches-en-ligne"}
		})
		wt.Session(t, e.svc, w, wt.Paris(t, 2026, 11, 17, 14, 0), nil) // over: not shown
		soon := wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 8, 14, 0), nil)
		first := wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil)
		if _, err := e.svc.CancelSession(t.Context(), workshops.System, soon.ID, "Salle indisponible"); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Slug      string  `json:"slug"`
			LifeEvent *string `json:"life_event"`
			Themes    []struct {
				Slug string `json:"slug"`
			} `json:"themes"`
			Sessions []apiSessionItem `json:"sessions"`
		}
		e.apiJSON("/api/v1/workshops/"+w.Slug, http.StatusOK, &got)
		if got.Slug != "preparer-sa-retraite" || got.LifeEvent == nil || *got.LifeEvent != "retraite" {
			t.Errorf("workshop = %+v", got)
		}
		if len(got.Themes) != 2 || got.Themes[0].Slug != "parcours-de-vie" || got.Themes[1].Slug != "demarches-en-ligne" {
			t.Errorf("themes = %+v, want the vocabulary's order", got.Themes)
		}
		if len(got.Sessions) != 2 || got.Sessions[0].ID != first.ID || got.Sessions[1].ID != soon.ID || !got.Sessions[1].Cancelled {
			t.Errorf("sessions = %+v, want the two upcoming ones, the cancelled one included", got.Sessions)
		}
		if r := got.Sessions[1].CancelReason; r == nil || *r != "Salle indisponible" {
			t.Errorf("cancel_reason = %v, want the reason given", r)
		}
	})
}

func TestAPIStructures(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		calendar(t, e)
		wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Name, st.Status = "En attente", workshops.StructurePending })
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{"France Services de Laxou", "Médiathèque Jean-Jaurès", "Centre social Les Nations"}},
			{"city=vandoeuvre", []string{"Centre social Les Nations"}},
			{"city=5452", []string{"France Services de Laxou"}},
			{"structure=centre-social-les-nations&structure=mediatheque-jean-jaures", []string{"Médiathèque Jean-Jaurès", "Centre social Les Nations"}},
		} {
			var list struct {
				Items []struct {
					Name        string `json:"name"`
					SessionsURL string `json:"sessions_url"`
				} `json:"items"`
			}
			e.apiJSON("/api/v1/structures?"+tc.query, http.StatusOK, &list)
			var got []string
			for _, it := range list.Items {
				got = append(got, it.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("?%s = %q, want %q (by town, then name)", tc.query, got, tc.want)
			}
		}

		var st struct {
			Slug        string `json:"slug"`
			ICSURL      string `json:"ics_url"`
			SessionsURL string `json:"sessions_url"`
		}
		e.apiJSON("/api/v1/structures/france-services-de-laxou", http.StatusOK, &st)
		if st.ICSURL != baseURL+"/structures/france-services-de-laxou/calendar.ics" {
			t.Errorf("ics_url = %s", st.ICSURL)
		}
		var sessions apiSessionList
		e.apiJSON(localPath(t, st.SessionsURL), http.StatusOK, &sessions)
		if len(sessions.Items) != 2 {
			t.Errorf("sessions_url %s lists %d sessions, want the structure's 2", st.SessionsURL, len(sessions.Items))
		}
		var p problem
		e.apiJSON("/api/v1/structures/en-attente", http.StatusNotFound, &p)
	})
}

func TestAPILevelsMapOntoLaCoopLevels(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		var list struct {
			Items []struct {
				Code      string `json:"code"`
				Rank      int    `json:"rank"`
				Label     string `json:"label"`
				CoopLevel string `json:"coop_level"`
			} `json:"items"`
		}
		e.apiJSON("/api/v1/levels", http.StatusOK, &list)
		var got []string
		for _, l := range list.Items {
			got = append(got, fmt.Sprintf("%d %s %s → %s", l.Rank, l.Code, l.Label, l.CoopLevel))
		}
		want := []string{
			"1 eloigne Éloigné → Debutant",
			"2 debutant Débutant → Debutant",
			"3 intermediaire Intermédiaire → Intermediaire",
			"4 avance Avancé → Avance",
			"5 autonome Autonome → Avance",
		}
		if !slices.Equal(got, want) {
			t.Errorf("levels = %q, want %q", got, want)
		}
	})
}

func TestAPIThemesCarryTheirMappings(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		var list struct {
			Items []struct {
				Slug            string   `json:"slug"`
				MednumServices  []string `json:"mednum_services"`
				CoopThematiques []string `json:"coop_thematiques"`
			} `json:"items"`
		}
		e.apiJSON("/api/v1/themes", http.StatusOK, &list)
		var slugs []string
		for _, th := range list.Items {
			slugs = append(slugs, th.Slug)
			if len(th.MednumServices) == 0 || len(th.CoopThematiques) == 0 {
				t.Errorf("theme %s has no mapping: %+v", th.Slug, th)
			}
			if th.Slug == "ludique" {
				if !slices.Equal(th.MednumServices, []string{"Loisirs et créations numériques"}) ||
					!slices.Equal(th.CoopThematiques, []string{"CreerAvecLeNumerique", "CultureNumerique"}) {
					t.Errorf("ludique maps to %q and %q", th.MednumServices, th.CoopThematiques)
				}
			}
		}
		want := []string{"ludique", "parcours-de-vie", "prise-en-main", "communiquer", "demarches-en-ligne",
			"securite-vie-privee", "emploi-insertion", "parentalite-scolarite"}
		if !slices.Equal(slugs, want) {
			t.Errorf("themes = %q, want %q", slugs, want)
		}
	})
}
