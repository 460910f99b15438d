package workshops_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestPublishing(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, clock := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		member := workshops.Actor{Name: "Camille", Structures: []int64{st.ID}}
		outsider := workshops.Actor{Name: "Dominique", Structures: []int64{st.ID + 1000}}

		t.Run("ScheduleASeriesAndEditTheWorkshop", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, nil)
			sessions, err := svc.ScheduleSessions(ctx, member, w.ID, workshops.Schedule{
				Frequency: workshops.Weekly, First: d(t, "2026-12-01"), Until: d(t, "2026-12-15"),
				Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 10})
			if err != nil || len(sessions) != 3 || sessions[0].GroupID == 0 || sessions[2].GroupID != sessions[0].GroupID {
				t.Fatalf("ScheduleSessions = %d sessions, %v", len(sessions), err)
			}

			clock.Add(time.Minute)
			edit, err := svc.WorkshopForEdit(ctx, member, w.Slug)
			if err != nil {
				t.Fatal(err)
			}
			edit.Title, edit.ThemeSlugs = "Mon smartphone pas à pas", []string{"ludique", "communiquer"}
			if err := svc.UpdateWorkshop(ctx, member, edit); err != nil {
				t.Fatal(err)
			}
			got, err := svc.Workshop(ctx, w.Slug)
			if err != nil || got.Title != "Mon smartphone pas à pas" || len(got.Themes) != 2 || got.Slug != w.Slug {
				t.Fatalf("after update: %+v, %v", got, err)
			}
			s, _ := svc.Session(ctx, sessions[0].ID)
			if !s.Modified().Equal(clock.Now()) {
				t.Errorf("the session's Modified %s did not follow its workshop's change (%s): feeds would keep the old title", s.Modified(), clock.Now())
			}

			edit.Kind = "parcours"
			if err := svc.UpdateWorkshop(ctx, member, edit); !isValidation(err, "kind") {
				t.Errorf("à la carte → parcours with sessions: %v, want a message on kind", err)
			}
			if _, err := svc.WorkshopForEdit(ctx, outsider, w.Slug); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("outsider edits: %v", err)
			}
			edit.Kind = "a-la-carte"
			if err := svc.UpdateWorkshop(ctx, outsider, edit); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("outsider updates: %v", err)
			}
		})

		t.Run("DraftsLeaveTheCalendar", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, nil)
			s := wt.Session(t, svc, w, now.Add(48*time.Hour), nil)
			if err := svc.SetWorkshopStatus(ctx, member, w.ID, workshops.WorkshopDraft); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Session(ctx, s.ID); !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("a draft's session is public: %v", err)
			}
			if draft, err := svc.WorkshopForEdit(ctx, member, w.Slug); err != nil || draft.Status != workshops.WorkshopDraft {
				t.Errorf("the member cannot see the draft: %v", err)
			}
			if err := svc.SetWorkshopStatus(ctx, member, w.ID, workshops.WorkshopPublished); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Session(ctx, s.ID); err != nil {
				t.Errorf("published again, the session is not public: %v", err)
			}
			if err := svc.SetWorkshopStatus(ctx, member, w.ID, "archived"); !isValidation(err, "status") {
				t.Errorf("unknown status: %v", err)
			}
		})

		t.Run("DuplicateIsADraftWithoutSessions", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, func(w *workshops.Workshop) { w.ThemeSlugs = []string{"ludique", "communiquer"} })
			wt.Session(t, svc, w, now.Add(48*time.Hour), nil)
			dup, err := svc.DuplicateWorkshop(ctx, member, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if dup.Status != workshops.WorkshopDraft || dup.Title != "Copie de "+w.Title || dup.Slug == w.Slug || len(dup.Themes) != 2 {
				t.Errorf("duplicate: %+v", dup)
			}
			if got, _ := svc.WorkshopSessions(ctx, dup.ID, 10); len(got) != 0 {
				t.Errorf("the duplicate has %d sessions", len(got))
			}
			if _, err := svc.DuplicateWorkshop(ctx, outsider, w.ID); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("outsider duplicates: %v", err)
			}
		})

		t.Run("MovingTheStructureMovesItsSessions", func(t *testing.T) {
			own := wt.Structure(t, svc, nil) // Nancy
			coordinator := workshops.Actor{Name: "Coordination", Territories: []int64{own.TerritoryID}}
			s := wt.Session(t, svc, wt.Workshop(t, svc, own, nil), now.Add(48*time.Hour), nil)
			edit, err := svc.StructureForEdit(ctx, coordinator, own.Slug)
			if err != nil {
				t.Fatal(err)
			}
			edit.Town, edit.Postcode = "Laxou", "54520"
			if err := svc.UpdateStructure(ctx, coordinator, edit); err != nil {
				t.Fatal(err)
			}
			page, err := svc.ListSessions(ctx, workshops.Filter{City: "laxou"}, workshops.Page{})
			if err != nil || !slices.Contains(ids(page.Sessions), s.ID) {
				t.Errorf("the session did not follow its structure to Laxou: %v, %v", ids(page.Sessions), err)
			}
			edit.Postcode = "5452"
			if err := svc.UpdateStructure(ctx, coordinator, edit); !isValidation(err, "postcode") {
				t.Errorf("bad postcode: %v", err)
			}
		})

		t.Run("DeleteOnlyWhatNobodyEnrolledIn", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, nil)
			empty := wt.Session(t, svc, w, now.Add(48*time.Hour), nil)
			taken := wt.Session(t, svc, w, now.Add(72*time.Hour), func(s *workshops.Session) { s.SeatsTaken = 1 })
			if err := svc.DeleteSession(ctx, member, empty.ID); err != nil {
				t.Fatal(err)
			}
			if err := svc.DeleteSession(ctx, member, taken.ID); !errors.Is(err, workshops.ErrConflict) {
				t.Errorf("deleting a session with people enrolled: %v, want ErrConflict", err)
			}
			if err := svc.DeleteSession(ctx, member, empty.ID); !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("deleting twice: %v", err)
			}
		})

		t.Run("OnlyCoordinatorsValidateStructures", func(t *testing.T) {
			pending := &workshops.Structure{Name: "Asso en attente", Address: "1 rue A", Postcode: "54000", Town: "Nancy", Status: workshops.StructurePending}
			if err := svc.CreateStructure(ctx, workshops.Actor{Name: "Visiteur"}, pending); err != nil {
				t.Fatal(err)
			}
			if err := svc.SetStructureStatus(ctx, workshops.Actor{Name: "Membre", Structures: []int64{pending.ID}}, pending.ID, workshops.StructureActive); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("a member validates their own structure: %v", err)
			}
			if err := svc.SetStructureStatus(ctx, workshops.Actor{Name: "Coordination", Territories: []int64{pending.TerritoryID}}, pending.ID, workshops.StructureActive); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Structure(ctx, pending.Slug); err != nil {
				t.Errorf("validated structure is not public: %v", err)
			}
		})
	})
}

func TestAlternativesForAnotherLevel(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		lat := func(v float64) *float64 { return &v }
		nancy := wt.Structure(t, svc, func(s *workshops.Structure) { s.Latitude, s.Longitude = lat(48.69), lat(6.18) })
		near := wt.Structure(t, svc, func(s *workshops.Structure) {
			s.Town, s.Postcode, s.Latitude, s.Longitude = "Laxou", "54520", lat(48.68), lat(6.15)
		})
		far := wt.Structure(t, svc, func(s *workshops.Structure) {
			s.Town, s.Postcode, s.Latitude, s.Longitude = "Metz", "57000", lat(49.12), lat(6.18)
		})
		advanced := wt.Workshop(t, svc, nancy, func(w *workshops.Workshop) {
			w.LevelMin, w.LevelMax, w.ThemeSlugs = "avance", "autonome", []string{"securite-vie-privee"}
		})
		orig := wt.Session(t, svc, advanced, now.Add(48*time.Hour), nil)
		beginner := func(st *workshops.Structure, theme string) *workshops.Workshop {
			return wt.Workshop(t, svc, st, func(w *workshops.Workshop) {
				w.LevelMin, w.LevelMax, w.ThemeSlugs = "eloigne", "debutant", []string{theme}
			})
		}
		farSameTheme := wt.Session(t, svc, beginner(far, "securite-vie-privee"), now.Add(20*24*time.Hour), nil)
		nearOther := wt.Session(t, svc, beginner(near, "ludique"), now.Add(10*24*time.Hour), nil)
		nearOtherSooner := wt.Session(t, svc, beginner(near, "ludique"), now.Add(5*24*time.Hour), nil)
		wt.Session(t, svc, beginner(nancy, "ludique"), now.Add(3*24*time.Hour), func(s *workshops.Session) { s.SeatsTaken = s.Capacity }) // full
		farOther := wt.Session(t, svc, beginner(far, "ludique"), now.Add(24*time.Hour), nil)

		got, err := svc.Alternatives(ctx, orig.ID, "debutant", 3)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{farSameTheme.ID, nearOtherSooner.ID, nearOther.ID}
		if !slices.Equal(ids(got), want) {
			t.Errorf("alternatives %v, want %v (same theme, then nearest, then soonest; never full; %d last)", ids(got), want, farOther.ID)
		}
	})
}

func TestCheckLevelSaysWhetherAPersonFits(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		orig := wt.Session(t, svc, wt.Workshop(t, svc, st, nil), now.Add(48*time.Hour), nil) // débutant to intermédiaire
		other := wt.Session(t, svc, wt.Workshop(t, svc, st, func(w *workshops.Workshop) { w.LevelMin, w.LevelMax = "eloigne", "eloigne" }),
			now.Add(72*time.Hour), nil)
		for _, tc := range []struct {
			level string
			fits  bool
			alts  []int64
		}{
			{"debutant", true, nil},
			{"intermediaire", true, nil},
			{"eloigne", false, []int64{other.ID}},
			{"non-evalue", true, nil},
			{"", true, nil},
		} {
			lc, err := svc.CheckLevel(ctx, orig.ID, tc.level, 3)
			if err != nil {
				t.Fatal(err)
			}
			if lc.Fits != tc.fits || !slices.Equal(ids(lc.Alternatives), tc.alts) || lc.Session.ID != orig.ID || lc.Vocabulary == nil {
				t.Errorf("CheckLevel(%q) = fits %v, alternatives %v; want %v, %v", tc.level, lc.Fits, ids(lc.Alternatives), tc.fits, tc.alts)
			}
		}
		if _, err := svc.CheckLevel(ctx, 999999, "debutant", 3); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("unknown session: %v, want ErrNotFound", err)
		}
	})
}
