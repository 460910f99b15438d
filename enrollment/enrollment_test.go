package enrollment_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

type env struct {
	db    *bun.DB
	ws    *workshops.Service
	en    *enrollment.Service
	acc   *accounts.Service
	clock *wt.Clock
	pro   workshops.Actor
}

func newEnv(t *testing.T, db *bun.DB) *env {
	t.Helper()
	clock := wt.NewClock(now)
	ws := workshops.NewService(db, workshops.WithClock(clock.Now))
	acc := accounts.NewService(db, ws, "https://agenda.example.fr", accounts.WithClock(clock.Now), accounts.WithHashParams(accounts.FastHashParams))
	u, err := acc.CreateUser(context.Background(), workshops.System, accounts.NewUser{Email: "pro@ccas.example.fr", Name: "Alex Pro",
		Organisation: "CCAS de Nancy", ProfessionalTerritory: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := acc.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, ws: ws, acc: acc, clock: clock, pro: p.Actor(),
		en: enrollment.NewService(db, ws, "https://agenda.example.fr", []byte("secret de test"), enrollment.WithClock(clock.Now))}
}

var keys atomic.Int64

func person(name string) enrollment.Person {
	return enrollment.Person{FirstName: name, Contact: enrollment.ContactProfessional, Level: "debutant", Consent: true}
}

func (e *env) enroll(actor workshops.Actor, sessionID int64, p enrollment.Person) (*enrollment.Result, error) {
	return e.en.Enroll(context.Background(), actor, enrollment.Request{SessionID: sessionID, Person: p,
		IdempotencyKey: fmt.Sprint("k", keys.Add(1)), ConsentText: "J'accepte."})
}

// counts reads a session's seats and waiting list from the enrollments themselves.
func counts(t *testing.T, db *bun.DB, sessionID int64) (confirmed int, positions []int, seatsTaken, capacity int) {
	t.Helper()
	ctx := context.Background()
	var es []enrollment.Enrollment
	if err := db.NewSelect().Model(&es).Where("session_id = ?", sessionID).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		switch e.Status {
		case enrollment.Confirmed:
			confirmed++
		case enrollment.Waitlisted:
			positions = append(positions, e.Position)
		}
	}
	slices.Sort(positions)
	if err := db.NewSelect().Table("sessions").Column("seats_taken", "capacity").Where("id = ?", sessionID).Scan(ctx, &seatsTaken, &capacity); err != nil {
		t.Fatal(err)
	}
	return confirmed, positions, seatsTaken, capacity
}

// TestTwoHundredPeopleForTwentySeats: 200 concurrent enrollments on a 20-seat session end
// with exactly 20 confirmed and 180 waiting at positions 1…180, without an error.
func TestTwoHundredPeopleForTwentySeats(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		s := wt.Session(t, e.ws, nil, now.Add(72*time.Hour), func(s *workshops.Session) { s.Capacity = 20 })
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		start := make(chan struct{})
		began := time.Now()
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := e.enroll(e.pro, s.ID, person(fmt.Sprintf("Personne %d", i))); err != nil {
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("enroll: %v", err)
		}
		t.Logf("200 concurrent enrollments took %s", time.Since(began).Round(time.Millisecond))
		confirmed, positions, taken, _ := counts(t, db, s.ID)
		want := make([]int, 180)
		for i := range want {
			want[i] = i + 1
		}
		if confirmed != 20 || taken != 20 || !slices.Equal(positions, want) {
			t.Errorf("confirmed %d, seats taken %d, waiting positions %v", confirmed, taken, positions)
		}
	})
}

// TestRandomInterleavingKeepsTheInvariants interleaves enrollments, cancellations and
// capacity changes from many goroutines, then checks: confirmed seats never exceed the
// capacity and match the count; nobody waits while a seat is free; positions are 1…n;
// nobody is enrolled twice in a session.
func TestRandomInterleavingKeepsTheInvariants(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, e.ws, nil, nil)
		var sessions []*workshops.Session
		for i := range 3 {
			sessions = append(sessions, wt.Session(t, e.ws, w, now.Add(time.Duration(48+i)*time.Hour), func(s *workshops.Session) { s.Capacity = 5 }))
		}
		var mu sync.Mutex
		var bookings []int64
		var wg sync.WaitGroup
		for g := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(g), 7))
				for i := range 25 {
					sess := sessions[r.IntN(len(sessions))]
					switch op := r.IntN(10); {
					case op < 6:
						res, err := e.enroll(e.pro, sess.ID, person(fmt.Sprintf("P%d-%d", g, i)))
						if err != nil {
							t.Errorf("enroll: %v", err)
							continue
						}
						mu.Lock()
						bookings = append(bookings, res.Booking.ID)
						mu.Unlock()
					case op < 9:
						mu.Lock()
						if len(bookings) == 0 {
							mu.Unlock()
							continue
						}
						id := bookings[r.IntN(len(bookings))]
						mu.Unlock()
						if err := e.en.Cancel(ctx, e.pro, id); err != nil && !errors.Is(err, enrollment.ErrClosed) {
							t.Errorf("cancel: %v", err)
						}
					default:
						_, taken, _ := func() (int, int, int) { c, _, tk, cp := counts(t, db, sess.ID); return c, tk, cp }()
						capacity := max(taken, 1) + r.IntN(4)
						if _, err := e.en.UpdateSession(ctx, workshops.System, sess.ID, workshops.SessionChange{Capacity: &capacity}); err != nil {
							var ve *workshops.ValidationError
							if !errors.As(err, &ve) { // lowering below seats taken meanwhile is refused
								t.Errorf("capacity: %v", err)
							}
						}
					}
				}
			}()
		}
		wg.Wait()
		for _, s := range sessions {
			confirmed, positions, taken, capacity := counts(t, db, s.ID)
			if confirmed > capacity || taken != confirmed {
				t.Errorf("session %d: %d confirmed, %d counted, capacity %d", s.ID, confirmed, taken, capacity)
			}
			if len(positions) > 0 && confirmed < capacity {
				t.Errorf("session %d: %d waiting while %d of %d seats are taken", s.ID, len(positions), confirmed, capacity)
			}
			if waiting, _ := followUp(t, db, s.ID); waiting != len(positions) {
				t.Errorf("session %d counts %d waiting, %d are", s.ID, waiting, len(positions))
			}
			for i, p := range positions {
				if p != i+1 {
					t.Errorf("session %d: positions %v are not 1…n", s.ID, positions)
					break
				}
			}
			var dup int
			if err := db.NewSelect().TableExpr("(SELECT booking_id, count(*) AS n FROM enrollments WHERE session_id = ? GROUP BY booking_id HAVING count(*) > 1) AS d", s.ID).
				ColumnExpr("count(*)").Scan(ctx, &dup); err != nil || dup != 0 {
				t.Errorf("session %d: %d bookings enrolled twice (%v)", s.ID, dup, err)
			}
		}
	})
}
