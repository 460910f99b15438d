package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// demoCounts are the rows the demo's enrollments write, to tell that a load wrote nothing.
type demoCounts struct {
	bookings, enrollments, messages, audit, users int
	version                                       int64
}

func countDemo(t *testing.T, db *bun.DB, svc *workshops.Service) demoCounts {
	t.Helper()
	ctx := context.Background()
	var c demoCounts
	for table, n := range map[string]*int{"bookings": &c.bookings, "enrollments": &c.enrollments, "outbox": &c.messages,
		"audit_log": &c.audit, "users": &c.users} {
		got, err := db.NewSelect().Table(table).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		*n = int(got)
	}
	v, _, err := svc.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.version = v
	return c
}

func TestDemoEnrollsPeople(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc, clock, _ := loadAt(t, db, demoNow)
		began := time.Now()
		made, err := loadDemoEnrollments(ctx, db, svc)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d bookings in %s", made, time.Since(began).Round(time.Millisecond))
		sessions := allSessions(t, svc)
		var es []enrollment.Enrollment
		if err := db.NewSelect().Model(&es).Relation("Booking").Order("e.session_id", "e.position").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		bySession := map[int64][]enrollment.Enrollment{}
		for _, e := range es {
			bySession[e.SessionID] = append(bySession[e.SessionID], e)
		}

		t.Run("SeatsAreTheEnrollments", func(t *testing.T) {
			for _, s := range sessions {
				held := 0
				var waiting []int
				for _, e := range bySession[s.ID] {
					switch {
					case e.HoldsSeat():
						held++
					case e.Status == enrollment.Waitlisted:
						waiting = append(waiting, e.Position)
					}
				}
				if held != s.SeatsTaken || held > s.Capacity {
					t.Errorf("session %d of %s: %d seats taken, %d held by enrollments, capacity %d", s.ID, s.Workshop.Slug, s.SeatsTaken, held, s.Capacity)
				}
				for i, p := range waiting {
					if p != i+1 {
						t.Errorf("session %d: waiting positions %v", s.ID, waiting)
						break
					}
				}
				if len(waiting) > 0 && held < s.Capacity {
					t.Errorf("session %d: people wait while seats are free", s.ID)
				}
			}
		})

		t.Run("PartlyFilledFullAndWaiting", func(t *testing.T) {
			partly, full, nearly, waitlisted := 0, 0, 0, 0
			for _, s := range sessions {
				if s.StartsAt.Before(demoNow) || s.Cancelled() {
					continue
				}
				switch {
				case s.Full():
					full++
				case s.SeatsLeft() == 1:
					nearly++
				case s.SeatsTaken > 0:
					partly++
				}
				if slices.ContainsFunc(bySession[s.ID], func(e enrollment.Enrollment) bool { return e.Status == enrollment.Waitlisted }) {
					waitlisted++
				}
			}
			if partly < 10 || full < 3 || nearly < 3 || waitlisted < 1 {
				t.Errorf("upcoming sessions: %d partly filled, %d full, %d with one seat left, %d with a waiting list", partly, full, nearly, waitlisted)
			}
		})

		t.Run("PastSessionsHaveTheirAttendance", func(t *testing.T) {
			withAttendance, attended, absent := 0, 0, 0
			for _, s := range sessions {
				if !s.StartsAt.Before(demoNow) {
					continue
				}
				marked := false
				for _, e := range bySession[s.ID] {
					switch e.Status {
					case enrollment.Attended:
						attended++
						marked = true
					case enrollment.Absent:
						absent++
						marked = true
					case enrollment.Confirmed, enrollment.Waitlisted:
						t.Errorf("session %d is past and enrollment %d is still %s", s.ID, e.ID, e.Status)
					}
				}
				if marked {
					withAttendance++
				}
			}
			if withAttendance < 3 || attended == 0 || absent == 0 || absent*3 > attended {
				t.Errorf("%d past sessions with attendance: %d present, %d absent", withAttendance, attended, absent)
			}
		})

		t.Run("InventedPeopleOrientedOrOnTheirOwn", func(t *testing.T) {
			oriented, self := map[int64]int{}, 0
			for _, e := range es {
				b := e.Booking
				if b.Phone != "" || b.Email != "" && !strings.HasSuffix(b.Email, "@example.org") || !slices.Contains(demoFirstNames, b.FirstName) {
					t.Errorf("booking %d: %q %q %q %q", b.ID, b.FirstName, b.LastName, b.Phone, b.Email)
				}
				if b.SelfEnrolled() {
					self++
				} else {
					oriented[b.OrientedBy]++
				}
			}
			if len(oriented) != len(demoPros) || self == 0 {
				t.Errorf("%d professionals oriented people, %d seats self-enrolled", len(oriented), self)
			}
		})

		t.Run("NothingAnnouncedForInventedPeople", func(t *testing.T) {
			pending, err := db.NewSelect().Model((*notify.Message)(nil)).
				Where("status = ? AND kind = ?", notify.StatusPending, enrollment.EventKind).Count(ctx)
			if err != nil || pending != 0 {
				t.Errorf("%d enrollment events waiting to be announced after the demo's load (%v)", pending, err)
			}
		})

		t.Run("LoadedOnce", func(t *testing.T) {
			before := countDemo(t, db, svc)
			for _, at := range []time.Time{demoNow, demoNow.AddDate(0, 0, 21)} {
				clock.Set(at)
				if n, err := loadDemoEnrollments(ctx, db, svc); err != nil || n != 0 {
					t.Errorf("at %s: another load made %d bookings, %v", at, n, err)
				}
				if after := countDemo(t, db, svc); after != before {
					t.Errorf("at %s: another load wrote: %+v, then %+v", at, before, after)
				}
			}
			clock.Set(demoNow)
		})
	})
}

// TestDemoEnrollmentsResume: a load stopped midway is finished by the next one, which
// makes each missing booking once; a seat a visitor of the demo freed stays free.
func TestDemoEnrollmentsResume(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc, _, _ := loadAt(t, db, demoNow)
		plan, err := demoSeatPlan(ctx, svc, demoTerritory())
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, u := range plan {
			want += u.confirmed + u.waiting
		}
		first, err := enrollDemo(ctx, db, svc, plan[:len(plan)/2])
		if err != nil {
			t.Fatal(err)
		}
		rest, err := loadDemoEnrollments(ctx, db, svc)
		if err != nil {
			t.Fatal(err)
		}
		if first+rest != want || countDemo(t, db, svc).bookings != want {
			t.Errorf("%d then %d bookings made, %d in the database, want %d", first, rest, countDemo(t, db, svc).bookings, want)
		}

		var b enrollment.Booking
		if err := db.NewSelect().Model(&b).Where("oriented_by IS NOT NULL").OrderExpr("id DESC").Limit(1).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		en := enrollment.NewService(db, svc, "", nil, enrollment.WithClock(svc.Now))
		if err := en.Cancel(ctx, workshops.System, b.ID); err != nil {
			t.Fatal(err)
		}
		before := countDemo(t, db, svc)
		if n, err := loadDemoEnrollments(ctx, db, svc); err != nil || n != 0 {
			t.Errorf("after a cancellation, the load made %d bookings, %v", n, err)
		}
		if after := countDemo(t, db, svc); after != before {
			t.Errorf("after a cancellation, the load wrote: %+v, then %+v", before, after)
		}
	})
}
