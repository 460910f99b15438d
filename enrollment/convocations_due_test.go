package enrollment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestConvocationsToHand: a person who chose paper appears on the structure's to-do list
// when a convocation is due, leaves it once handed, and comes back at the next change;
// other contacts never appear, and only the structure's team may see or mark.
func TestConvocationsToHand(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		s := wt.Session(t, e.ws, nil, now.Add(72*time.Hour), nil)
		st := &workshops.Structure{ID: s.StructureID}
		if err := db.NewSelect().Model(st).WherePK().Scan(ctx); err != nil {
			t.Fatal(err)
		}
		member := workshops.Actor{UserID: 0, Name: "Camille", Structures: []int64{st.ID}}
		paper := person("Dominique")
		paper.Contact = enrollment.ContactPaper
		onPaper, err := e.enroll(e.pro, s.ID, paper)
		if err != nil {
			t.Fatal(err)
		}
		byPro, err := e.enroll(e.pro, s.ID, person("Sacha"))
		if err != nil {
			t.Fatal(err)
		}
		due := func(id int64) {
			t.Helper()
			if err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return enrollment.ConvocationDue(ctx, tx, id, e.clock.Now())
			}); err != nil {
				t.Fatal(err)
			}
		}
		list := func() []enrollment.DueConvocation {
			t.Helper()
			cs, err := e.en.ConvocationsDue(ctx, member, st)
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		if cs := list(); len(cs) != 0 {
			t.Fatalf("%d convocations before any is due", len(cs))
		}
		due(onPaper.Booking.ID)
		due(byPro.Booking.ID)
		cs := list()
		if len(cs) != 1 || cs[0].Booking.FirstName != "Dominique" || cs[0].Next == nil || cs[0].Next.ID != s.ID ||
			cs[0].PageURL != onPaper.CancelURL || cs[0].Workshop == nil {
			t.Fatalf("convocations %+v", cs)
		}
		var logged int64
		if logged, err = db.NewSelect().Model((*enrollment.AccessEntry)(nil)).Where("purpose = ?", enrollment.PurposeConvocations).Count(ctx); err != nil || logged != 1 {
			t.Errorf("access log: %d entries, %v", logged, err)
		}

		other := workshops.Actor{UserID: 0, Name: "Ailleurs", Structures: []int64{st.ID + 1000}}
		if _, err := e.en.ConvocationsDue(ctx, other, st); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("another structure's member listed: %v", err)
		}
		if err := e.en.MarkConvocationHanded(ctx, other, onPaper.Booking.ID); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("another structure's member marked: %v", err)
		}
		if err := e.en.MarkConvocationHanded(ctx, member, 999999); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("unknown booking: %v", err)
		}

		e.clock.Add(time.Minute)
		if err := e.en.MarkConvocationHanded(ctx, member, onPaper.Booking.ID); err != nil {
			t.Fatal(err)
		}
		if cs := list(); len(cs) != 0 {
			t.Errorf("%d convocations after it was handed", len(cs))
		}
		e.clock.Add(time.Minute)
		due(onPaper.Booking.ID)
		if cs := list(); len(cs) != 1 {
			t.Errorf("%d convocations after the next change, want 1", len(cs))
		}
		// Once the session has begun, there is nothing left to hand.
		e.clock.Set(s.StartsAt.Add(time.Minute))
		if cs := list(); len(cs) != 0 {
			t.Errorf("%d convocations for a session that has begun", len(cs))
		}
	})
}
