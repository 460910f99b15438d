package enrollment_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestConvocationShowsEverySeatOfTheLink(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, e.ws, nil, func(w *workshops.Workshop) { w.Kind = "parcours" })
		sessions, err := e.ws.ScheduleSessions(ctx, workshops.System, w.ID, workshops.Schedule{Frequency: workshops.Weekly,
			First: workshops.DateOf(now.Add(48 * time.Hour)), Until: workshops.DateOf(now.Add(48*time.Hour + 2*7*24*time.Hour)),
			Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 2})
		if err != nil || len(sessions) != 3 {
			t.Fatalf("parcours: %d sessions, %v", len(sessions), err)
		}
		r, err := e.enroll(e.pro, sessions[1].ID, person("Amina"))
		if err != nil {
			t.Fatal(err)
		}
		token := strings.TrimPrefix(r.CancelURL, "https://agenda.example.fr/c/")
		cv, err := e.en.Convocation(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if cv.Booking.FirstName != "Amina" || cv.CancelURL != r.CancelURL || cv.Workshop.ID != w.ID || len(cv.Workshop.Themes) != 1 || cv.Vocabulary == nil {
			t.Errorf("convocation %+v", cv)
		}
		if len(cv.Seats) != 3 {
			t.Fatalf("%d seats, want the parcours' 3", len(cv.Seats))
		}
		for i, seat := range cv.Seats {
			if seat.Session.ID != sessions[i].ID || seat.Status != enrollment.Confirmed || seat.Session.Structure == nil || seat.Session.Workshop != cv.Workshop {
				t.Errorf("seat %d: %+v", i, seat)
			}
		}
		if !cv.Cancellable(now) {
			t.Error("upcoming seats are cancellable")
		}
		if cv.Cancellable(sessions[2].StartsAt) {
			t.Error("once every session started, nothing is cancellable")
		}
		if _, err := e.en.Convocation(ctx, token+"x"); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("a forged link: %v", err)
		}
		if _, err := e.en.CancelByToken(ctx, token); err != nil {
			t.Fatal(err)
		}
		if cv, err := e.en.Convocation(ctx, token); err != nil || cv.Cancellable(now) || cv.Seats[0].Status != enrollment.Cancelled {
			t.Errorf("after cancelling: %v", err)
		}
	})
}

func TestMayOrient(t *testing.T) {
	st := &workshops.Structure{ID: 7, TerritoryID: 3}
	for _, tc := range []struct {
		name  string
		actor workshops.Actor
		want  bool
	}{
		{"professional", workshops.Actor{UserID: 1, Professional: true}, true},
		{"member", workshops.Actor{UserID: 1, Structures: []int64{7}}, true},
		{"coordinator", workshops.Actor{UserID: 1, Territories: []int64{3}}, true},
		{"member elsewhere", workshops.Actor{UserID: 1, Structures: []int64{8}}, false},
		{"coordinator elsewhere", workshops.Actor{UserID: 1, Territories: []int64{4}}, false},
		{"anonymous", workshops.Actor{}, false},
	} {
		if got := enrollment.MayOrient(tc.actor, st); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
