package workshops_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestEditWorkshop(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, clock := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		mediator := workshops.Actor{Name: "Camille", Structures: []int64{st.ID}}

		t.Run("ChangesWhatEditChangesAndTheStatus", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, func(w *workshops.Workshop) {
				w.ThemeSlugs, w.Status = []string{"ludique", "prise-en-main"}, workshops.WorkshopDraft
			})
			clock.Add(time.Minute)
			got, err := svc.EditWorkshop(ctx, mediator, w.Slug, func(e *workshops.Workshop) {
				if !slices.Equal(e.ThemeSlugs, []string{"ludique", "prise-en-main"}) || e.Title != w.Title {
					t.Errorf("edit sees %q, %q: the stored workshop", e.Title, e.ThemeSlugs)
				}
				e.Title, e.Status, e.Slug = "Nouveau titre", workshops.WorkshopPublished, "autre-slug"
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != "Nouveau titre" || got.Slug != w.Slug || got.Structure == nil || got.Structure.ID != st.ID || len(got.Themes) != 2 {
				t.Errorf("returned %+v", got)
			}
			public, err := svc.Workshop(ctx, w.Slug)
			if err != nil || public.Title != "Nouveau titre" || public.Description != w.Description || len(public.Themes) != 2 {
				t.Fatalf("stored %+v, %v", public, err)
			}
			entries, err := audit.List(ctx, db, audit.Filter{Structures: []int64{st.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if entries[0].Action != "published" || entries[1].Action != "updated" {
				t.Errorf("audit log starts with %s, %s; want published, updated", entries[0].Action, entries[1].Action)
			}
		})

		t.Run("InvalidChangesNothing", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, nil)
			_, err := svc.EditWorkshop(ctx, mediator, w.Slug, func(e *workshops.Workshop) {
				e.Title, e.DefaultCapacity, e.Status = "Changé", 0, workshops.WorkshopDraft
			})
			if !isValidation(err, "default_capacity") {
				t.Fatalf("err = %v", err)
			}
			if got, err := svc.Workshop(ctx, w.Slug); err != nil || got.Title != w.Title {
				t.Errorf("stored %+v, %v", got, err)
			}
		})

		t.Run("ChecksWhoActs", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, nil)
			other := workshops.Actor{UserID: 9, Name: "Autre", Structures: []int64{st.ID + 1000}}
			called := false
			_, err := svc.EditWorkshop(ctx, other, w.Slug, func(*workshops.Workshop) { called = true })
			if !errors.Is(err, workshops.ErrForbidden) || called {
				t.Errorf("err = %v, edit called = %v", err, called)
			}
			if _, err := svc.EditWorkshop(ctx, mediator, "inconnu", func(*workshops.Workshop) {}); !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("unknown slug: %v", err)
			}
		})

		t.Run("KindStaysOnceThereAreSessions", func(t *testing.T) {
			w := wt.Workshop(t, svc, st, nil)
			wt.Session(t, svc, w, now.Add(48*time.Hour), nil)
			_, err := svc.EditWorkshop(ctx, mediator, w.Slug, func(e *workshops.Workshop) { e.Kind = "parcours" })
			if !isValidation(err, "kind") {
				t.Errorf("err = %v", err)
			}
		})
	})
}

// TestRepeatedCodesCountOnce: a theme, language, device or label given twice is stored
// once (a repeated theme used to break the link table's key).
func TestRepeatedCodesCountOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, func(st *workshops.Structure) { st.Labels = workshops.List{"aptic", "aptic"} })
		if !slices.Equal(st.Labels, workshops.List{"aptic"}) {
			t.Errorf("labels %q", st.Labels)
		}
		w := wt.Workshop(t, svc, st, func(w *workshops.Workshop) {
			w.ThemeSlugs = []string{"ludique", "communiquer", "ludique"}
			w.Languages = workshops.List{"fr", "ar", "fr"}
			w.DevicesLent = workshops.List{"tablette", "tablette"}
		})
		got, err := svc.Workshop(ctx, w.Slug)
		if err != nil {
			t.Fatal(err)
		}
		var themes []string
		for _, th := range got.Themes {
			themes = append(themes, th.Slug)
		}
		if !slices.Equal(themes, []string{"ludique", "communiquer"}) || !slices.Equal(got.Languages, workshops.List{"fr", "ar"}) ||
			!slices.Equal(got.DevicesLent, workshops.List{"tablette"}) {
			t.Errorf("stored themes %q, languages %q, devices lent %q", themes, got.Languages, got.DevicesLent)
		}
		w.ID = got.ID
		w.ThemeSlugs = []string{"communiquer", "communiquer"}
		if err := svc.UpdateWorkshop(ctx, workshops.System, w); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEditStructure(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		coordinator := workshops.Actor{Name: "Coordination", Territories: []int64{st.TerritoryID}}
		got, err := svc.EditStructure(ctx, coordinator, st.Slug, func(e *workshops.Structure) {
			e.Town, e.Postcode, e.Slug = "Laxou", "54520", "autre"
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Town != "Laxou" || got.Slug != st.Slug || got.Name != st.Name || got.Phone != st.Phone {
			t.Errorf("returned %+v", got)
		}
		if _, err := svc.EditStructure(ctx, coordinator, st.Slug, func(e *workshops.Structure) { e.Postcode = "?" }); !isValidation(err, "postcode") {
			t.Errorf("bad postcode: %v", err)
		}
		stranger := workshops.Actor{UserID: 4, Name: "Autre", Territories: []int64{st.TerritoryID + 1000}}
		if _, err := svc.EditStructure(ctx, stranger, st.Slug, func(*workshops.Structure) {}); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("stranger: %v", err)
		}
		if _, err := svc.EditStructure(ctx, coordinator, "inconnue", func(*workshops.Structure) {}); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("unknown: %v", err)
		}
		public, err := svc.Structure(ctx, st.Slug)
		if err != nil || public.Town != "Laxou" || public.Postcode != "54520" {
			t.Errorf("stored %+v, %v", public, err)
		}
	})
}

func TestSessionsForEdit(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		draft := wt.Workshop(t, svc, st, func(w *workshops.Workshop) { w.Status = workshops.WorkshopDraft })
		late := wt.Session(t, svc, draft, now.Add(72*time.Hour), nil)
		early := wt.Session(t, svc, draft, now.Add(48*time.Hour), nil)
		mediator := workshops.Actor{Name: "Camille", Structures: []int64{st.ID}}

		got, err := svc.SessionsForEdit(ctx, mediator, late.ID, early.ID, late.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != early.ID || got[1].ID != late.ID {
			t.Fatalf("sessions %+v, want early then late", got)
		}
		if got[0].Workshop == nil || got[0].Workshop.Slug != draft.Slug || len(got[0].Workshop.Themes) != 1 || got[0].Structure == nil {
			t.Errorf("relations not loaded: %+v", got[0])
		}
		other := workshops.Actor{UserID: 3, Name: "Autre", Structures: []int64{st.ID + 1000}}
		if _, err := svc.SessionsForEdit(ctx, other, early.ID); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("another structure's member: %v", err)
		}
		if _, err := svc.SessionsForEdit(ctx, mediator, early.ID, 999999); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("missing session: %v", err)
		}
	})
}
