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

func TestFeedReadsWhatAFeedShows(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, clock := newService(t, db)
		ctx := context.Background()
		a := wt.Structure(t, svc, nil)
		b := wt.Structure(t, svc, nil)
		sa := wt.Session(t, svc, wt.Workshop(t, svc, a, nil), now.AddDate(0, 0, 2), nil)
		sb := wt.Session(t, svc, wt.Workshop(t, svc, b, nil), now.AddDate(0, 0, 3), nil)

		all, err := svc.Feed(ctx, "", workshops.Filter{Structures: []string{b.Slug}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(all.Sessions), []int64{sb.ID}) || all.Structure != nil {
			t.Errorf("filtered feed: sessions %v, structure %v", ids(all.Sessions), all.Structure)
		}
		if len(all.Structures) != 1 || all.Structures[0].Slug != b.Slug {
			t.Errorf("filtered feed names structures %v", all.Structures)
		}
		if all.Territory != "Mon territoire" || all.Vocabulary.Level("debutant") == nil {
			t.Errorf("territory %q, vocabulary %v", all.Territory, all.Vocabulary)
		}
		if !all.Changed.Equal(now) {
			t.Errorf("Changed = %v, want the last write, %v", all.Changed, now)
		}

		// A structure's feed is that structure's, whatever the filter says.
		own, err := svc.Feed(ctx, a.Slug, workshops.Filter{Structures: []string{b.Slug}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(own.Sessions), []int64{sa.ID}) || own.Structure == nil || own.Structure.ID != a.ID {
			t.Errorf("structure feed: sessions %v, structure %v", ids(own.Sessions), own.Structure)
		}

		// The window moves at midnight: Changed follows it.
		clock.Add(36 * time.Hour)
		later, err := svc.Feed(ctx, "", workshops.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if want := workshops.StartOfDay(clock.Now()); !later.Changed.Equal(want) {
			t.Errorf("Changed the next day = %v, want midnight %v", later.Changed, want)
		}

		one, err := svc.SessionFeed(ctx, sb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(one.Sessions), []int64{sb.ID}) || one.Sessions[0].Structure == nil || one.Sessions[0].Workshop == nil {
			t.Errorf("session feed: %v", one.Sessions)
		}

		for name, err := range map[string]error{
			"unknown structure": second(svc.Feed(ctx, "nulle-part", workshops.Filter{})),
			"unknown session":   second(svc.SessionFeed(ctx, 999999)),
		} {
			if !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
		var ve *workshops.ValidationError
		if err := second(svc.Feed(ctx, "", workshops.Filter{Levels: []string{"expert"}})); !errors.As(err, &ve) {
			t.Errorf("unknown level: %v, want a validation error", err)
		}
	})
}

func second[T any](_ T, err error) error { return err }
