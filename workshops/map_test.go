package workshops_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestStructureMap(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		nancy := wt.Structure(t, svc, func(s *workshops.Structure) { s.Name = "B à Nancy" })
		laxou := wt.Structure(t, svc, func(s *workshops.Structure) { s.Name, s.Town, s.Postcode = "A à Laxou", "Laxou", "54520" })
		idle := wt.Structure(t, svc, func(s *workshops.Structure) { s.Name = "C sans séance" })
		games := wt.Workshop(t, svc, nancy, func(w *workshops.Workshop) { w.ThemeSlugs = []string{"ludique"} })
		mail := wt.Workshop(t, svc, laxou, nil)
		var nancyIDs []int64
		for d := 1; d <= 5; d++ {
			nancyIDs = append(nancyIDs, wt.Session(t, svc, games, now.AddDate(0, 0, d), nil).ID)
		}
		laxouNext := wt.Session(t, svc, mail, now.AddDate(0, 0, 2), nil)
		cancelled := wt.Session(t, svc, mail, now.AddDate(0, 0, 1), nil)
		if _, err := svc.CancelSession(ctx, workshops.System, cancelled.ID, "Fermeture exceptionnelle"); err != nil {
			t.Fatal(err)
		}
		wt.Session(t, svc, wt.Workshop(t, svc, idle, nil), now.AddDate(0, 0, -3), nil) // over

		m, err := svc.StructureMap(ctx, workshops.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			slug string
			n    int
			next []int64
		}
		var got []row
		for _, e := range m.Entries {
			got = append(got, row{e.Structure.Slug, e.Upcoming, ids(e.Next)})
			for _, s := range e.Next {
				if s.Workshop == nil || s.Structure == nil {
					t.Errorf("session %d without its workshop or structure", s.ID)
				}
			}
		}
		want := []row{{laxou.Slug, 1, []int64{laxouNext.ID}}, {nancy.Slug, 5, nancyIDs[:workshops.MapNext]}}
		if !slices.EqualFunc(got, want, func(a, b row) bool { return a.slug == b.slug && a.n == b.n && slices.Equal(a.next, b.next) }) {
			t.Errorf("map = %v, want %v (by town, scheduled and upcoming only, %d next)", got, want, workshops.MapNext)
		}

		themed, err := svc.StructureMap(ctx, workshops.Filter{Themes: []string{"ludique"}, City: "Nancy"})
		if err != nil {
			t.Fatal(err)
		}
		if len(themed.Entries) != 1 || themed.Entries[0].Structure.ID != nancy.ID {
			t.Errorf("filtered map = %v", themed.Entries)
		}
		empty, err := svc.StructureMap(ctx, workshops.Filter{Query: "introuvable"})
		if err != nil || len(empty.Entries) != 0 {
			t.Errorf("no match: %v, %v", empty, err)
		}
		var ve *workshops.ValidationError
		if _, err := svc.StructureMap(ctx, workshops.Filter{Levels: []string{"expert"}}); !errors.As(err, &ve) {
			t.Errorf("unknown level: %v", err)
		}
	})
}
