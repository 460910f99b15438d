package web_test

import (
	"context"
	"fmt"
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

// apiSessionItem is what the tests read of a session in the API.
type apiSessionItem struct {
	ID           int64   `json:"id"`
	Status       string  `json:"status"`
	StartsAt     string  `json:"starts_at"`
	EndsAt       string  `json:"ends_at"`
	UpdatedAt    string  `json:"updated_at"`
	SeatsLeft    int     `json:"seats_left"`
	Full         bool    `json:"full"`
	Cancelled    bool    `json:"cancelled"`
	CancelReason *string `json:"cancel_reason"`
	Sequence     int     `json:"sequence"`
	URL          string  `json:"url"`
	ICSURL       string  `json:"ics_url"`
	Workshop     struct {
		Slug  string `json:"slug"`
		Title string `json:"title"`
	} `json:"workshop"`
	Location struct {
		Town      string   `json:"town"`
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
	} `json:"location"`
}

// apiSessionList is a page of sessions as the tests read it.
type apiSessionList struct {
	Items      []apiSessionItem `json:"items"`
	NextCursor *string          `json:"next_cursor"`
	PrevCursor *string          `json:"prev_cursor"`
	NextURL    *string          `json:"next_url"`
	PrevURL    *string          `json:"prev_url"`
}

// calendar is a small territory whose sessions each answer a different filter. Every
// session is named by its workshop's title, which the tests compare.
func calendar(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	structure := func(name, town, postcode string) *workshops.Structure {
		return wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Name, st.Town, st.Postcode = name, town, postcode })
	}
	nancy := structure("Médiathèque Jean-Jaurès", "Nancy", "54000")
	vandoeuvre := structure("Centre social Les Nations", "Vandœuvre-lès-Nancy", "54500")
	laxou := structure("France Services de Laxou", "Laxou", "54520")
	workshop := func(st *workshops.Structure, title, lo, hi string, themes ...string) *workshops.Workshop {
		return wt.Workshop(t, e.svc, st, func(w *workshops.Workshop) {
			w.Title, w.LevelMin, w.LevelMax, w.ThemeSlugs = title, lo, hi, themes
		})
	}
	at := func(w *workshops.Workshop, day, hour int, edit func(*workshops.Session)) *workshops.Session {
		month, year := time.December, 2026
		if day < 0 { // days of November, before the frozen now
			month, day = time.November, -day
		}
		return wt.Session(t, e.svc, w, wt.Paris(t, year, month, day, hour, 0), edit)
	}
	at(workshop(nancy, "Smartphone en cours", "debutant", "intermediaire", "prise-en-main"), -24, 9, nil)
	at(workshop(nancy, "Passé", "debutant", "intermediaire", "prise-en-main"), -20, 14, nil)
	at(workshop(nancy, "Smartphone débutant", "debutant", "intermediaire", "prise-en-main"), 1, 14, nil)
	at(workshop(vandoeuvre, "Jeux et photos sur tablette", "eloigne", "eloigne", "ludique"), 2, 10, nil)
	at(workshop(laxou, "Démarches en ligne : la CAF", "intermediaire", "avance", "demarches-en-ligne"), 3, 14, nil)
	at(workshop(laxou, "Complet", "debutant", "avance", "communiquer"), 4, 14, func(s *workshops.Session) { s.Capacity, s.SeatsTaken = 4, 4 })
	cancelled := at(workshop(vandoeuvre, "Annulé", "debutant", "avance", "communiquer"), 5, 14, nil)
	if _, err := e.svc.CancelSession(ctx, workshops.System, cancelled.ID, "Animatrice malade."); err != nil {
		t.Fatal(err)
	}
	wt.Session(t, e.svc, workshop(nancy, "En janvier", "autonome", "autonome", "securite-vie-privee"), wt.Paris(t, 2027, time.January, 15, 14, 0), nil)
	draft := wt.Workshop(t, e.svc, nancy, func(w *workshops.Workshop) { w.Title, w.Status = "Brouillon", workshops.WorkshopDraft })
	at(draft, 6, 14, nil)
}

func TestAPISessionsFiltersLikeTheCalendar(t *testing.T) {
	upcoming := []string{"Smartphone en cours", "Smartphone débutant", "Jeux et photos sur tablette",
		"Démarches en ligne : la CAF", "Complet", "Annulé", "En janvier"}
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"NoFilterListsWhatIsNotOver", "", upcoming},
		{"LevelKeepsRangesIncludingIt", "level=eloigne", []string{"Jeux et photos sur tablette"}},
		{"LevelInsideARange", "level=avance", []string{"Démarches en ligne : la CAF", "Complet", "Annulé"}},
		{"RepeatedLevelIsEither", "level=eloigne&level=autonome", []string{"Jeux et photos sur tablette", "En janvier"}},
		{"Theme", "theme=ludique", []string{"Jeux et photos sur tablette"}},
		{"RepeatedThemeIsEither", "theme=ludique&theme=securite-vie-privee", []string{"Jeux et photos sur tablette", "En janvier"}},
		{"Structure", "structure=france-services-de-laxou", []string{"Démarches en ligne : la CAF", "Complet"}},
		{"CityWithoutAccents", "city=vandoeuvre", []string{"Jeux et photos sur tablette", "Annulé"}},
		{"CityWithAccentsAndCase", "city=" + url.QueryEscape("VANDŒUVRE-LÈS-NANCY"), []string{"Jeux et photos sur tablette", "Annulé"}},
		{"CityAsPostcode", "city=54520", []string{"Démarches en ligne : la CAF", "Complet"}},
		{"CityAsDepartement", "city=54", upcoming},
		{"TextIgnoresAccentsAndCase", "q=DEMARCHES", []string{"Démarches en ligne : la CAF"}},
		{"TextNeedsEveryWord", "q=" + url.QueryEscape("démarches caf"), []string{"Démarches en ligne : la CAF"}},
		{"TextMatchesTheStructure", "q=laxou", []string{"Démarches en ligne : la CAF", "Complet"}},
		{"FromAndToAreParisDaysIncluded", "from=2026-12-02&to=2026-12-03", []string{"Jeux et photos sur tablette", "Démarches en ligne : la CAF"}},
		{"FromReachesThePast", "from=2026-11-01&to=2026-11-30", []string{"Passé", "Smartphone en cours"}},
		{"AvailableDropsFullCancelledAndStarted", "available=1", []string{"Smartphone débutant", "Jeux et photos sur tablette", "Démarches en ligne : la CAF", "En janvier"}},
		{"AvailableAcceptsTrue", "available=true&level=debutant", []string{"Smartphone débutant"}},
		{"FiltersCombine", "level=debutant&city=nancy&from=2026-12-01", []string{"Smartphone débutant"}},
		{"NothingMatches", "q=introuvable", nil},
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		calendar(t, e)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var page apiSessionList
				e.sub(t).apiJSON("/api/v1/sessions?"+tc.query, http.StatusOK, &page)
				var got []string
				for _, it := range page.Items {
					got = append(got, it.Workshop.Title)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("?%s = %q, want %q", tc.query, got, tc.want)
				}
				if page.NextURL != nil || page.PrevURL != nil {
					t.Errorf("?%s: one page only, got next %v prev %v", tc.query, page.NextURL, page.PrevURL)
				}
			})
		}
	})
}

func TestAPISessionsShowsSeatsAndCancellation(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		calendar(t, e)
		var page apiSessionList
		e.apiJSON("/api/v1/sessions?from=2026-12-04&to=2026-12-05", http.StatusOK, &page)
		if len(page.Items) != 2 {
			t.Fatalf("got %d sessions, want the full one and the cancelled one", len(page.Items))
		}
		full, cancelled := page.Items[0], page.Items[1]
		if !full.Full || full.SeatsLeft != 0 || full.Cancelled || full.Status != "scheduled" || full.CancelReason != nil {
			t.Errorf("full session = %+v", full)
		}
		if cancelled.Full || cancelled.SeatsLeft != 0 || !cancelled.Cancelled || cancelled.Status != "cancelled" ||
			cancelled.CancelReason == nil || *cancelled.CancelReason != "Animatrice malade." || cancelled.Sequence != 1 {
			t.Errorf("cancelled session = %+v", cancelled)
		}
		if want := fmt.Sprintf("%s/sessions/%d", baseURL, full.ID); full.URL != want || full.ICSURL != want+".ics" {
			t.Errorf("links = %s %s, want %s(.ics)", full.URL, full.ICSURL, want)
		}
	})
}

func TestAPISessionsPaginationWalksForwardAndBackAcrossTies(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, nil)
		w := wt.Workshop(t, e.svc, st, func(w *workshops.Workshop) { w.ThemeSlugs = []string{"ludique"} })
		other := wt.Workshop(t, e.svc, st, func(w *workshops.Workshop) { w.ThemeSlugs = []string{"communiquer"} })
		// Three sessions at the same minute, two at another, one alone; a session of
		// another theme between them must never show up in the pages.
		starts := []time.Time{
			wt.Paris(t, 2026, 12, 1, 14, 0), wt.Paris(t, 2026, 12, 1, 14, 0), wt.Paris(t, 2026, 12, 1, 14, 0),
			wt.Paris(t, 2026, 12, 2, 10, 0), wt.Paris(t, 2026, 12, 2, 10, 0), wt.Paris(t, 2026, 12, 9, 9, 30),
			wt.Paris(t, 2026, 11, 30, 18, 0),
		}
		var want []int64
		for i, start := range starts {
			wt.Session(t, e.svc, other, start, nil)
			s := wt.Session(t, e.svc, w, start, nil)
			if i == len(starts)-1 {
				want = append([]int64{s.ID}, want...)
			} else {
				want = append(want, s.ID)
			}
		}

		var forward []int64
		var pages []apiSessionList
		link := "/api/v1/sessions?theme=ludique&limit=2"
		for link != "" {
			var page apiSessionList
			e.apiJSON(link, http.StatusOK, &page)
			if len(page.Items) == 0 || len(page.Items) > 2 {
				t.Fatalf("%s: %d items", link, len(page.Items))
			}
			if (len(pages) == 0) != (page.PrevURL == nil) {
				t.Errorf("%s: prev_url %v on page %d", link, page.PrevURL, len(pages)+1)
			}
			for _, it := range page.Items {
				forward = append(forward, it.ID)
			}
			pages = append(pages, page)
			link = ""
			if page.NextURL != nil {
				link = localPath(t, *page.NextURL)
				if q, _ := url.ParseQuery(strings.SplitN(link, "?", 2)[1]); q.Get("theme") != "ludique" || q.Get("limit") != "2" || q.Get("after") != *page.NextCursor {
					t.Errorf("next_url %s lost the filters or the cursor", link)
				}
			}
		}
		if !slices.Equal(forward, want) {
			t.Fatalf("forward walk = %v, want %v", forward, want)
		}
		if len(pages) != 4 {
			t.Errorf("walked %d pages of 2, want 4", len(pages))
		}

		var backward []int64
		link = localPath(t, *pages[len(pages)-1].PrevURL)
		for link != "" {
			var page apiSessionList
			e.apiJSON(link, http.StatusOK, &page)
			ids := make([]int64, 0, len(page.Items))
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			backward = append(ids, backward...)
			if page.NextURL == nil {
				t.Errorf("%s: a page reached backwards must link forward", link)
			}
			link = ""
			if page.PrevURL != nil {
				link = localPath(t, *page.PrevURL)
			}
		}
		last := pages[len(pages)-1].Items
		if got, wantBack := backward, want[:len(want)-len(last)]; !slices.Equal(got, wantBack) {
			t.Errorf("backward walk = %v, want %v", got, wantBack)
		}
	})
}

func TestAPISessionsLimitBounds(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, nil)
		for day := 1; day <= 25; day++ {
			wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, day, 14, 0), nil)
		}
		for _, tc := range []struct {
			query string
			items int
			next  bool
		}{
			{"", 20, true},
			{"limit=1", 1, true},
			{"limit=25", 25, false},
			{"limit=200", 25, false},
		} {
			var page apiSessionList
			e.apiJSON("/api/v1/sessions?"+tc.query, http.StatusOK, &page)
			if len(page.Items) != tc.items || (page.NextURL != nil) != tc.next {
				t.Errorf("?%s: %d items, next %v; want %d, next %v", tc.query, len(page.Items), page.NextURL, tc.items, tc.next)
			}
		}
	})
}

func TestAPITimesCarryTheParisOffsetOfTheirSeason(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, nil)
		for _, tc := range []struct {
			name       string
			start      time.Time
			want, ends string
		}{
			{"Winter", wt.Paris(t, 2026, 12, 1, 14, 0), "2026-12-01T14:00:00+01:00", "2026-12-01T16:00:00+01:00"},
			{"Summer", wt.Paris(t, 2027, 6, 15, 9, 30), "2027-06-15T09:30:00+02:00", "2027-06-15T11:30:00+02:00"},
			// Clocks go forward at 2:00 on 28 March 2027: two hours from 1:30 end at 4:30.
			{"SpringForwardDay", wt.Paris(t, 2027, 3, 28, 1, 30), "2027-03-28T01:30:00+01:00", "2027-03-28T04:30:00+02:00"},
			{"SpringForwardDayAfternoon", wt.Paris(t, 2027, 3, 28, 14, 0), "2027-03-28T14:00:00+02:00", "2027-03-28T16:00:00+02:00"},
			// Clocks go back at 3:00 on 31 October 2027: 2:30 happens twice, the first is meant.
			{"FallBackDay", wt.Paris(t, 2027, 10, 31, 2, 30), "2027-10-31T02:30:00+02:00", "2027-10-31T03:30:00+01:00"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := wt.Session(t, e.svc, w, tc.start, nil)
				var got apiSessionItem
				e.sub(t).apiJSON(fmt.Sprintf("/api/v1/sessions/%d", s.ID), http.StatusOK, &got)
				if got.StartsAt != tc.want || got.EndsAt != tc.ends {
					t.Errorf("starts_at, ends_at = %s, %s; want %s, %s", got.StartsAt, got.EndsAt, tc.want, tc.ends)
				}
				if got.UpdatedAt != "2026-11-24T10:00:00+01:00" {
					t.Errorf("updated_at = %s, want the frozen now in Paris", got.UpdatedAt)
				}
			})
		}
	})
}

func TestAPISessionHidesWhatIsNotPublic(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		pending := wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Status = workshops.StructurePending })
		draft := wt.Workshop(t, e.svc, nil, func(w *workshops.Workshop) { w.Status = workshops.WorkshopDraft })
		for name, s := range map[string]*workshops.Session{
			"DraftWorkshop":    wt.Session(t, e.svc, draft, wt.Paris(t, 2026, 12, 1, 14, 0), nil),
			"PendingStructure": wt.Session(t, e.svc, wt.Workshop(t, e.svc, pending, nil), wt.Paris(t, 2026, 12, 1, 14, 0), nil),
		} {
			t.Run(name, func(t *testing.T) {
				var p problem
				e.sub(t).apiJSON(fmt.Sprintf("/api/v1/sessions/%d", s.ID), http.StatusNotFound, &p)
				if !slices.Equal(p.names(), []string{"id"}) {
					t.Errorf("problem names %v, want [id]", p.names())
				}
			})
		}
	})
}
