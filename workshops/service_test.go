package workshops_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// now is the frozen present of these tests: Tuesday 24 November 2026, 10:00 in Paris.
var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T, db *bun.DB) (*workshops.Service, *wt.Clock) {
	clock := wt.NewClock(now)
	return workshops.NewService(db, workshops.WithClock(clock.Now)), clock
}

func ids(sessions []workshops.Session) []int64 {
	out := make([]int64, len(sessions))
	for i, s := range sessions {
		out[i] = s.ID
	}
	return out
}

func TestCreateAndReadBack(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, func(s *workshops.Structure) {
			s.Name = "Médiathèque Jules-Verne"
			s.Town = "Vandœuvre-lès-Nancy"
			s.Postcode = "54500"
		})
		w := wt.Workshop(t, svc, st, func(w *workshops.Workshop) {
			w.ThemeSlugs = []string{"ludique", "communiquer"}
			w.Languages = workshops.List{"fr", "ar"}
		})
		start := wt.Paris(t, 2027, time.March, 28, 14, 0) // the day clocks go forward
		sess := wt.Session(t, svc, w, start, nil)

		if st.Slug != "mediatheque-jules-verne" {
			t.Errorf("structure slug = %q", st.Slug)
		}
		got, err := svc.Session(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.StartsAt.Equal(start) {
			t.Errorf("StartsAt = %s, want %s", got.StartsAt, start)
		}
		if local := got.StartsAt.In(workshops.Paris); local.Hour() != 14 || local.Day() != 28 {
			t.Errorf("wall-clock time = %s, want 14:00 on the 28th", local)
		}
		if got.Workshop == nil || got.Workshop.Title != w.Title || got.Structure == nil || got.Structure.Town != "Vandœuvre-lès-Nancy" {
			t.Fatalf("relations not loaded: %+v", got)
		}
		var themes []string
		for _, th := range got.Workshop.Themes {
			themes = append(themes, th.Slug)
		}
		if !slices.Equal(themes, []string{"ludique", "communiquer"}) {
			t.Errorf("themes = %v, want [ludique communiquer] in vocabulary order", themes)
		}
		if !slices.Equal(got.Workshop.Languages, []string{"fr", "ar"}) {
			t.Errorf("languages = %v", got.Workshop.Languages)
		}
		if got.SeatsLeft() != 8 || got.Location().Town != "Vandœuvre-lès-Nancy" {
			t.Errorf("seats left %d, location %+v", got.SeatsLeft(), got.Location())
		}

		gw, err := svc.Workshop(ctx, w.Slug)
		if err != nil || gw.Structure == nil || len(gw.Themes) != 2 {
			t.Fatalf("Workshop(%q) = %+v, %v", w.Slug, gw, err)
		}
		if _, err := svc.Session(ctx, 999999); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("unknown session: %v, want ErrNotFound", err)
		}
		if _, err := svc.Workshop(ctx, "nope"); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("unknown workshop: %v, want ErrNotFound", err)
		}
		if _, err := svc.Structure(ctx, "nope"); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("unknown structure: %v, want ErrNotFound", err)
		}

		again := wt.Structure(t, svc, func(s *workshops.Structure) { s.Name = "Médiathèque Jules Verne" })
		if again.Slug != "mediatheque-jules-verne-2" {
			t.Errorf("second structure with the same name got slug %q", again.Slug)
		}
	})
}

func TestDraftsAndPendingStructuresAreNotPublic(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		draft := wt.Workshop(t, svc, nil, func(w *workshops.Workshop) { w.Status = workshops.WorkshopDraft })
		pending := wt.Structure(t, svc, func(s *workshops.Structure) { s.Status = workshops.StructurePending })
		hidden := wt.Workshop(t, svc, pending, nil)
		visible := wt.Workshop(t, svc, nil, nil)
		start := now.Add(48 * time.Hour)
		s1 := wt.Session(t, svc, draft, start, nil)
		wt.Session(t, svc, hidden, start, nil)
		s3 := wt.Session(t, svc, visible, start, nil)

		page, err := svc.ListSessions(ctx, workshops.Filter{}, workshops.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Sessions); !slices.Equal(got, []int64{s3.ID}) {
			t.Errorf("listed %v, want only %d", got, s3.ID)
		}
		if _, err := svc.Session(ctx, s1.ID); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("draft session: %v, want ErrNotFound", err)
		}
		if _, err := svc.Workshop(ctx, draft.Slug); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("draft workshop: %v, want ErrNotFound", err)
		}
		if _, err := svc.Structure(ctx, pending.Slug); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("pending structure: %v, want ErrNotFound", err)
		}
	})
}

func TestListSessionsFilters(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		nancy := wt.Structure(t, svc, func(s *workshops.Structure) { s.Name = "Centre social Les Nations"; s.Kind = "centre-social" })
		vandoeuvre := wt.Structure(t, svc, func(s *workshops.Structure) {
			s.Name = "Médiathèque Jules-Verne"
			s.Town = "Vandœuvre-lès-Nancy"
			s.Postcode = "54500"
		})
		laxou := wt.Structure(t, svc, func(s *workshops.Structure) {
			s.Name = "CCAS de Laxou"
			s.Town = "Laxou"
			s.Postcode = "54520"
			s.Kind = "ccas"
		})
		annex := &workshops.Place{StructureID: nancy.ID, Name: "Salle des fêtes", Address: "1 place de la Mairie", Postcode: "54220", Town: "Malzéville"}
		if err := svc.CreatePlace(ctx, workshops.System, annex); err != nil {
			t.Fatal(err)
		}

		beginners := wt.Workshop(t, svc, nancy, func(w *workshops.Workshop) {
			w.Title = "Démarches en ligne : la CAF"
			w.LevelMin, w.LevelMax = "eloigne", "debutant"
			w.ThemeSlugs = []string{"demarches-en-ligne"}
		})
		games := wt.Workshop(t, svc, vandoeuvre, func(w *workshops.Workshop) {
			w.Title = "Jeux vidéo en famille"
			w.LevelMin, w.LevelMax = "debutant", "avance"
			w.ThemeSlugs = []string{"ludique", "parentalite-scolarite"}
		})
		security := wt.Workshop(t, svc, laxou, func(w *workshops.Workshop) {
			w.Title = "Se protéger des arnaques"
			w.LevelMin, w.LevelMax = "avance", "autonome"
			w.ThemeSlugs = []string{"securite-vie-privee"}
		})

		day := func(d int, h int) time.Time { return wt.Paris(t, 2026, time.December, d, h, 0) }
		sBeg := wt.Session(t, svc, beginners, day(1, 10), nil)
		sBegAnnex := wt.Session(t, svc, beginners, day(2, 10), func(s *workshops.Session) { s.PlaceID = annex.ID })
		sGames := wt.Session(t, svc, games, day(3, 14), nil)
		sFull := wt.Session(t, svc, games, day(4, 14), func(s *workshops.Session) { s.Capacity = 2; s.SeatsTaken = 2 })
		sSec := wt.Session(t, svc, security, day(10, 9), nil)
		sCancelled := wt.Session(t, svc, security, day(11, 9), nil)
		if _, err := svc.CancelSession(ctx, workshops.System, sCancelled.ID, "Animatrice malade"); err != nil {
			t.Fatal(err)
		}
		// Over before "now": never listed without a From date.
		wt.Session(t, svc, security, now.Add(-3*time.Hour), func(s *workshops.Session) { s.EndsAt = now.Add(-time.Hour) })

		date := func(s string) workshops.Date {
			d, err := workshops.ParseDate(s)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		tests := []struct {
			name   string
			filter workshops.Filter
			want   []int64
		}{
			{"NoFilterListsUpcomingInTimeOrder", workshops.Filter{}, []int64{sBeg.ID, sBegAnnex.ID, sGames.ID, sFull.ID, sSec.ID, sCancelled.ID}},
			{"LevelInsideRange", workshops.Filter{Levels: []string{"intermediaire"}}, []int64{sGames.ID, sFull.ID}},
			{"LevelAtLowerBound", workshops.Filter{Levels: []string{"eloigne"}}, []int64{sBeg.ID, sBegAnnex.ID}},
			{"LevelAtUpperBound", workshops.Filter{Levels: []string{"autonome"}}, []int64{sSec.ID, sCancelled.ID}},
			{"SeveralLevelsAreEither", workshops.Filter{Levels: []string{"eloigne", "autonome"}}, []int64{sBeg.ID, sBegAnnex.ID, sSec.ID, sCancelled.ID}},
			{"Theme", workshops.Filter{Themes: []string{"ludique"}}, []int64{sGames.ID, sFull.ID}},
			{"SeveralThemesAreEither", workshops.Filter{Themes: []string{"parentalite-scolarite", "securite-vie-privee"}}, []int64{sGames.ID, sFull.ID, sSec.ID, sCancelled.ID}},
			{"Structure", workshops.Filter{Structures: []string{laxou.Slug}}, []int64{sSec.ID, sCancelled.ID}},
			{"TownWithoutAccents", workshops.Filter{City: "vandoeuvre les nancy"}, []int64{sGames.ID, sFull.ID}},
			{"TownFirstWord", workshops.Filter{City: "Vandoeuvre"}, []int64{sGames.ID, sFull.ID}},
			{"TownIsWholeWords", workshops.Filter{City: "Nan"}, nil},
			{"TownOfAPlace", workshops.Filter{City: "MALZEVILLE"}, []int64{sBegAnnex.ID}},
			{"TownNotOfTheStructureWhenAtAPlace", workshops.Filter{City: "Nancy"}, []int64{sBeg.ID}},
			{"Postcode", workshops.Filter{City: "54520"}, []int64{sSec.ID, sCancelled.ID}},
			{"DepartementPrefix", workshops.Filter{City: "54"}, []int64{sBeg.ID, sBegAnnex.ID, sGames.ID, sFull.ID, sSec.ID, sCancelled.ID}},
			{"TextIgnoresAccentsAndCase", workshops.Filter{Query: "DEMARCHES"}, []int64{sBeg.ID, sBegAnnex.ID}},
			{"TextMatchesStructureName", workshops.Filter{Query: "jules verne"}, []int64{sGames.ID, sFull.ID}},
			{"TextNeedsEveryWord", workshops.Filter{Query: "jeux arnaques"}, nil},
			{"TextWithLikeWildcards", workshops.Filter{Query: "100% _"}, nil},
			{"Available", workshops.Filter{Available: true}, []int64{sBeg.ID, sBegAnnex.ID, sGames.ID, sSec.ID}},
			{"DateRangeIncludesBothDays", workshops.Filter{From: date("2026-12-02"), To: date("2026-12-04")}, []int64{sBegAnnex.ID, sGames.ID, sFull.ID}},
			{"FiltersCombine", workshops.Filter{Levels: []string{"debutant"}, Themes: []string{"ludique"}, City: "54500", Available: true}, []int64{sGames.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := svc.ListSessions(ctx, tt.filter, workshops.Page{})
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(page.Sessions); !slices.Equal(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			})
		}

		t.Run("InvalidFilterNamesTheField", func(t *testing.T) {
			_, err := svc.ListSessions(ctx, workshops.Filter{Levels: []string{"expert"}, Themes: []string{"cuisine"}, From: date("2026-12-10"), To: date("2026-12-01")}, workshops.Page{})
			var ve *workshops.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			for _, field := range []string{"level", "theme", "to"} {
				if ve.Fields[field] == "" {
					t.Errorf("no message for %q in %v", field, ve.Fields)
				}
			}
		})

		t.Run("WorkshopsAcceptTheSameFilters", func(t *testing.T) {
			list, err := svc.Workshops(ctx, workshops.Filter{Levels: []string{"debutant"}, City: "vandoeuvre"}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != games.ID || len(list[0].Themes) != 2 || list[0].Structure == nil {
				t.Errorf("got %+v, want the games workshop with its themes and structure", list)
			}
		})

		t.Run("StructuresByTown", func(t *testing.T) {
			list, err := svc.Structures(ctx, workshops.StructureFilter{City: "Laxou"})
			if err != nil || len(list) != 1 || list[0].ID != laxou.ID {
				t.Errorf("Structures(Laxou) = %v, %v", list, err)
			}
			towns, err := svc.Towns(ctx)
			if err != nil || !slices.Equal(towns, []string{"Laxou", "Nancy", "Vandœuvre-lès-Nancy"}) {
				t.Errorf("Towns() = %v, %v", towns, err)
			}
		})
	})
}

func TestListSessionsPagination(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, svc, nil, nil)
		var all []int64
		base := wt.Paris(t, 2026, time.December, 1, 10, 0)
		for i := range 45 {
			// Pairs of sessions at the same time test the id tie-breaker.
			start := base.Add(time.Duration(i/2) * 24 * time.Hour)
			all = append(all, wt.Session(t, svc, w, start, nil).ID)
		}

		var seen []int64
		page, err := svc.ListSessions(ctx, workshops.Filter{}, workshops.Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if page.Prev != nil {
			t.Error("first page has a previous page")
		}
		pages := []workshops.SessionPage{page}
		for page.Next != nil {
			seen = append(seen, ids(page.Sessions)...)
			page, err = svc.ListSessions(ctx, workshops.Filter{}, workshops.Page{After: page.Next, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, page)
		}
		seen = append(seen, ids(page.Sessions)...)
		if !slices.Equal(seen, all) {
			t.Fatalf("walking forward saw %v, want %v", seen, all)
		}
		if len(pages) != 3 || len(pages[2].Sessions) != 5 {
			t.Fatalf("got %d pages, last of %d", len(pages), len(page.Sessions))
		}

		back, err := svc.ListSessions(ctx, workshops.Filter{}, workshops.Page{Before: pages[2].Prev, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(back.Sessions), ids(pages[1].Sessions)) {
			t.Errorf("going back from page 3 gave %v, want page 2 %v", ids(back.Sessions), ids(pages[1].Sessions))
		}
		first, err := svc.ListSessions(ctx, workshops.Filter{}, workshops.Page{Before: back.Prev, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(first.Sessions), ids(pages[0].Sessions)) || first.Prev != nil || first.Next == nil {
			t.Errorf("going back to page 1 gave %v (prev %v)", ids(first.Sessions), first.Prev)
		}
	})
}

func TestFeedSessionsWindow(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, svc, nil, nil)
		at := func(days int) time.Time { return now.AddDate(0, 0, days) }
		tooOld := wt.Session(t, svc, w, at(-62), nil)
		old := wt.Session(t, svc, w, at(-59), nil)
		pastCancelled := wt.Session(t, svc, w, at(-3), nil)
		futureCancelled := wt.Session(t, svc, w, at(3), nil)
		soon := wt.Session(t, svc, w, at(10), nil)
		lastMonth := wt.Session(t, svc, w, at(360), nil)
		tooFar := wt.Session(t, svc, w, at(370), nil)
		for _, s := range []*workshops.Session{pastCancelled, futureCancelled} {
			if _, err := svc.CancelSession(ctx, workshops.System, s.ID, "Fermeture exceptionnelle"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := svc.FeedSessions(ctx, workshops.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{old.ID, futureCancelled.ID, soon.ID, lastMonth.ID}
		if !slices.Equal(ids(got), want) {
			t.Errorf("feed has %v, want %v (not %d, %d, %d)", ids(got), want, tooOld.ID, pastCancelled.ID, tooFar.ID)
		}
	})
}

func TestUpdateAndCancelSessionBumpSequence(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, clock := newService(t, db)
		ctx := context.Background()
		start := wt.Paris(t, 2026, time.December, 1, 10, 0)
		s := wt.Session(t, svc, nil, start, nil)
		if s.Sequence != 0 {
			t.Fatalf("new session has sequence %d", s.Sequence)
		}

		clock.Add(time.Hour)
		capacity := 12
		got, err := svc.UpdateSession(ctx, workshops.System, s.ID, workshops.SessionChange{Capacity: &capacity})
		if err != nil || got.Sequence != 0 || got.Capacity != 12 {
			t.Fatalf("capacity change: sequence %d capacity %d, %v; want 0 and 12", got.Sequence, got.Capacity, err)
		}

		clock.Add(time.Hour)
		later, laterEnd := start.Add(24*time.Hour), start.Add(26*time.Hour)
		got, err = svc.UpdateSession(ctx, workshops.System, s.ID, workshops.SessionChange{StartsAt: &later, EndsAt: &laterEnd})
		if err != nil || got.Sequence != 1 {
			t.Fatalf("move: sequence %d, %v; want 1", got.Sequence, err)
		}
		if !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("updated_at = %s, want %s", got.UpdatedAt, clock.Now())
		}

		bad := start.Add(-time.Hour)
		if _, err := svc.UpdateSession(ctx, workshops.System, s.ID, workshops.SessionChange{EndsAt: &bad}); !isValidation(err, "ends_at") {
			t.Errorf("end before start: %v, want a validation error on ends_at", err)
		}

		clock.Add(time.Hour)
		got, err = svc.CancelSession(ctx, workshops.System, s.ID, "Salle indisponible")
		if err != nil || got.Sequence != 2 || !got.Cancelled() || got.CancelReason != "Salle indisponible" {
			t.Fatalf("cancel: %+v, %v", got, err)
		}
		got, err = svc.CancelSession(ctx, workshops.System, s.ID, "encore")
		if err != nil || got.Sequence != 2 {
			t.Errorf("cancelling twice: sequence %d, %v; want unchanged 2", got.Sequence, err)
		}
		if _, err := svc.UpdateSession(ctx, workshops.System, s.ID, workshops.SessionChange{Capacity: &capacity}); !errors.Is(err, workshops.ErrConflict) {
			t.Errorf("changing a cancelled session: %v, want ErrConflict", err)
		}
		read, err := svc.Session(ctx, s.ID)
		if err != nil || read.Sequence != 2 || !read.StartsAt.Equal(later) {
			t.Errorf("read back: %+v, %v", read, err)
		}
	})
}

func isValidation(err error, field string) bool {
	var ve *workshops.ValidationError
	return errors.As(err, &ve) && ve.Fields[field] != ""
}

func TestValidation(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)

		structures := []struct {
			name  string
			edit  func(*workshops.Structure)
			field string
		}{
			{"NoName", func(s *workshops.Structure) { s.Name = "  " }, "name"},
			{"BadPostcode", func(s *workshops.Structure) { s.Postcode = "5400" }, "postcode"},
			{"UnknownKind", func(s *workshops.Structure) { s.Kind = "garage" }, "kind"},
			{"LatitudeOutOfRange", func(s *workshops.Structure) { lat, lon := 91.0, 6.0; s.Latitude, s.Longitude = &lat, &lon }, "latitude"},
			{"BadEmail", func(s *workshops.Structure) { s.Email = "pas une adresse" }, "email"},
			{"TooLongName", func(s *workshops.Structure) { s.Name = strings.Repeat("a", 20000) }, "name"},
		}
		for _, tt := range structures {
			t.Run("Structure"+tt.name, func(t *testing.T) {
				s := &workshops.Structure{Name: "Asso", Address: "1 rue A", Postcode: "54000", Town: "Nancy"}
				tt.edit(s)
				if err := svc.CreateStructure(ctx, workshops.System, s); !isValidation(err, tt.field) {
					t.Errorf("err = %v, want a message on %q", err, tt.field)
				}
			})
		}

		valid := func() *workshops.Workshop {
			return &workshops.Workshop{StructureID: st.ID, Title: "Atelier", Description: "Pour apprendre.", LevelMin: "debutant", LevelMax: "avance",
				ThemeSlugs: []string{"ludique"}, DefaultCapacity: 8, DefaultDurationMinutes: 90}
		}
		workshopCases := []struct {
			name  string
			edit  func(*workshops.Workshop)
			field string
		}{
			{"InvertedLevels", func(w *workshops.Workshop) { w.LevelMin, w.LevelMax = "avance", "debutant" }, "level_max"},
			{"UnknownLevel", func(w *workshops.Workshop) { w.LevelMin = "expert" }, "level_min"},
			{"NoTheme", func(w *workshops.Workshop) { w.ThemeSlugs = nil }, "themes"},
			{"UnknownTheme", func(w *workshops.Workshop) { w.ThemeSlugs = []string{"cuisine"} }, "themes"},
			{"CapacityZero", func(w *workshops.Workshop) { w.DefaultCapacity = 0 }, "default_capacity"},
			{"CapacityHuge", func(w *workshops.Workshop) { w.DefaultCapacity = 10000 }, "default_capacity"},
			{"UnknownDevice", func(w *workshops.Workshop) { w.DevicesLent = workshops.List{"minitel"} }, "devices_lent"},
			{"UnknownLanguage", func(w *workshops.Workshop) { w.Languages = workshops.List{"klingon"} }, "languages"},
		}
		for _, tt := range workshopCases {
			t.Run("Workshop"+tt.name, func(t *testing.T) {
				w := valid()
				tt.edit(w)
				if err := svc.CreateWorkshop(ctx, workshops.System, w); !isValidation(err, tt.field) {
					t.Errorf("err = %v, want a message on %q", err, tt.field)
				}
			})
		}
		t.Run("WorkshopScriptIsKeptAsText", func(t *testing.T) {
			w := valid()
			w.Title = `<script>alert("x")</script>`
			if err := svc.CreateWorkshop(ctx, workshops.System, w); err != nil {
				t.Fatal(err)
			}
			if w.Title != `<script>alert("x")</script>` {
				t.Errorf("title changed to %q: escaping is the templates' job", w.Title)
			}
		})

		w := wt.Workshop(t, svc, st, nil)
		start := wt.Paris(t, 2026, time.December, 1, 10, 0)
		sessionCases := []struct {
			name  string
			s     workshops.Session
			field string
		}{
			{"EndBeforeStart", workshops.Session{StartsAt: start, EndsAt: start.Add(-time.Hour), Capacity: 8}, "ends_at"},
			{"In1900", workshops.Session{StartsAt: time.Date(1900, 1, 1, 10, 0, 0, 0, time.UTC), EndsAt: time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC), Capacity: 8}, "starts_at"},
			{"CapacityZero", workshops.Session{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 0}, "capacity"},
			{"CapacityTenThousand", workshops.Session{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 10000}, "capacity"},
			{"TwelveHours", workshops.Session{StartsAt: start, EndsAt: start.Add(12 * time.Hour), Capacity: 8}, "ends_at"},
		}
		for _, tt := range sessionCases {
			t.Run("Session"+tt.name, func(t *testing.T) {
				s := tt.s
				if err := svc.CreateSessions(ctx, workshops.System, w.ID, []*workshops.Session{&s}); !isValidation(err, tt.field) {
					t.Errorf("err = %v, want a message on %q", err, tt.field)
				}
			})
		}
		t.Run("PlaceOfAnotherStructure", func(t *testing.T) {
			other := wt.Structure(t, svc, nil)
			p := &workshops.Place{StructureID: other.ID, Name: "Ailleurs", Address: "2 rue B", Postcode: "54000", Town: "Nancy"}
			if err := svc.CreatePlace(ctx, workshops.System, p); err != nil {
				t.Fatal(err)
			}
			s := &workshops.Session{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 8, PlaceID: p.ID}
			if err := svc.CreateSessions(ctx, workshops.System, w.ID, []*workshops.Session{s}); !isValidation(err, "place") {
				t.Errorf("err = %v, want a message on place", err)
			}
		})
	})
}

func TestSeriesAndParcoursFormGroups(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, svc, nil, func(w *workshops.Workshop) { w.Kind = "parcours" })
		start := wt.Paris(t, 2026, time.December, 1, 10, 0)
		var sessions []*workshops.Session
		for i := range 4 {
			st := start.AddDate(0, 0, 7*i)
			sessions = append(sessions, &workshops.Session{StartsAt: st, EndsAt: st.Add(2 * time.Hour), Capacity: 10})
		}
		if err := svc.CreateSessions(ctx, workshops.System, w.ID, sessions); err != nil {
			t.Fatal(err)
		}
		if sessions[0].GroupID == 0 || sessions[3].GroupID != sessions[0].GroupID {
			t.Fatalf("sessions not grouped: %d, %d", sessions[0].GroupID, sessions[3].GroupID)
		}
		s, err := svc.Session(ctx, sessions[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		group, err := svc.GroupSessions(ctx, s)
		if err != nil || len(group) != 4 || group[0].ID != sessions[0].ID {
			t.Errorf("GroupSessions = %v, %v", ids(group), err)
		}
		upcoming, err := svc.WorkshopSessions(ctx, w.ID, 3)
		if err != nil || len(upcoming) != 3 {
			t.Errorf("WorkshopSessions = %v, %v", ids(upcoming), err)
		}
	})
}

// TestChangesReachOtherInstances writes through one service and checks that another
// service on the same database (another server instance) sees its generation move.
func TestChangesReachOtherInstances(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			url := testdb.URL(t, d)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			open := func() *workshops.Service {
				db, err := migrationsOpen(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return workshops.NewService(db)
			}
			writer, reader := open(), open()
			go reader.WatchChanges(ctx, 20*time.Millisecond, nil)

			waitFor(t, "the watcher to be live", func() bool { _, live := reader.Changes().Generation(); return live })
			before, _ := reader.Changes().Generation()
			v0, _, err := writer.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wbefore, _ := writer.Changes().Generation()
			wt.Structure(t, writer, nil)
			if wafter, _ := writer.Changes().Generation(); wafter == wbefore {
				t.Error("the writing instance's generation did not move")
			}
			v1, _, _ := writer.State(ctx)
			if v1 != v0+1 {
				t.Errorf("calendar version %d → %d, want +1", v0, v1)
			}
			waitFor(t, "the other instance to see the change", func() bool {
				g, _ := reader.Changes().Generation()
				return g != before
			})
		})
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestVocabularyAndStructuresFollowChanges(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		first, err := svc.Structures(ctx, workshops.StructureFilter{})
		if err != nil || len(first) != 0 {
			t.Fatalf("Structures on an empty calendar = %v, %v", first, err)
		}
		wt.Structure(t, svc, nil)
		after, err := svc.Structures(ctx, workshops.StructureFilter{})
		if err != nil || len(after) != 1 {
			t.Fatalf("a new structure is not listed after a write: %v, %v", after, err)
		}
		// A change made behind the service's back (another process) is seen once the
		// generation moves, which is what WatchChanges does.
		if _, err := db.ExecContext(ctx, "UPDATE themes SET label = 'Jeux et loisirs' WHERE slug = 'ludique'"); err != nil {
			t.Fatal(err)
		}
		voc, _ := svc.Vocabulary(ctx)
		wt.Structure(t, svc, nil) // any write moves the generation
		voc2, err := svc.Vocabulary(ctx)
		if err != nil || voc2.Theme("ludique").Label != "Jeux et loisirs" {
			t.Errorf("vocabulary after a change: %q (before: %q), %v", voc2.Theme("ludique").Label, voc.Theme("ludique").Label, err)
		}
	})
}

func TestMovingASessionMovesItInTheTownFilter(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil) // Nancy, 54000
		annex := &workshops.Place{StructureID: st.ID, Name: "Salle des fêtes", Address: "1 place de la Mairie", Postcode: "57000", Town: "Metz"}
		if err := svc.CreatePlace(ctx, workshops.System, annex); err != nil {
			t.Fatal(err)
		}
		w := wt.Workshop(t, svc, st, nil)
		s := wt.Session(t, svc, w, wt.Paris(t, 2026, time.December, 1, 10, 0), nil)
		in := func(city string) bool {
			page, err := svc.ListSessions(ctx, workshops.Filter{City: city}, workshops.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return slices.Contains(ids(page.Sessions), s.ID)
		}
		if !in("Nancy") || !in("54000") || !in("54") || in("Metz") || in("57") {
			t.Fatalf("at the structure: Nancy %v 54000 %v 54 %v Metz %v 57 %v", in("Nancy"), in("54000"), in("54"), in("Metz"), in("57"))
		}
		if _, err := svc.UpdateSession(ctx, workshops.System, s.ID, workshops.SessionChange{PlaceID: &annex.ID}); err != nil {
			t.Fatal(err)
		}
		if in("Nancy") || in("54") || !in("metz") || !in("57000") || !in("57") {
			t.Fatalf("at the place: Nancy %v 54 %v metz %v 57000 %v 57 %v", in("Nancy"), in("54"), in("metz"), in("57000"), in("57"))
		}
	})
}

func TestCalendarReadModel(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		laxou := wt.Structure(t, svc, func(s *workshops.Structure) { s.Town, s.Postcode = "Laxou", "54520" })
		wt.Structure(t, svc, nil)
		w := wt.Workshop(t, svc, laxou, nil)
		sess := wt.Session(t, svc, w, now.Add(24*time.Hour), nil)

		cal, err := svc.Calendar(ctx, workshops.CalendarQuery{Filter: workshops.Filter{City: "laxou"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(cal.Structures) != 2 || len(cal.TownStructures) != 1 || cal.TownStructures[0].ID != laxou.ID {
			t.Errorf("choices: %d structures, town %v", len(cal.Structures), cal.TownStructures)
		}
		if got := ids(cal.Sessions.Sessions); !slices.Equal(got, []int64{sess.ID}) || cal.Vocabulary == nil {
			t.Errorf("sessions %v", got)
		}

		// Every mistake at once, the caller's and the filter's, with the choices still there.
		bad := &workshops.ValidationError{}
		bad.Add("from", "Cette date n'existe pas.")
		cal, err = svc.Calendar(ctx, workshops.CalendarQuery{Filter: workshops.Filter{Levels: []string{"expert"}}, Invalid: bad})
		var ve *workshops.ValidationError
		if !errors.As(err, &ve) || ve.Fields["from"] == "" || ve.Fields["level"] == "" {
			t.Fatalf("err = %v, want messages on from and level", err)
		}
		if cal == nil || len(cal.Structures) != 2 || len(cal.Sessions.Sessions) != 0 {
			t.Errorf("an invalid search still needs the form's choices and lists nothing: %+v", cal)
		}
	})
}
