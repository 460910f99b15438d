package enrollment_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// followUp reads what a session keeps for the mediators' lists: how many wait, and when
// its attendance was taken.
func followUp(t *testing.T, db *bun.DB, sessionID int64) (waiting int, attendance *time.Time) {
	t.Helper()
	var s workshops.Session
	if err := db.NewSelect().Model(&s).Where("s.id = ?", sessionID).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s.Waiting, s.AttendanceTakenAt
}

// expectWaiting checks a session's count of people waiting against the enrollments
// themselves, and against want.
func expectWaiting(t *testing.T, db *bun.DB, sessionID int64, want int, when string) {
	t.Helper()
	_, positions, _, _ := counts(t, db, sessionID)
	if waiting, _ := followUp(t, db, sessionID); waiting != want || len(positions) != want {
		t.Errorf("%s: the session counts %d waiting, the enrollments %d, want %d", when, waiting, len(positions), want)
	}
}

// TestSessionCountsFollowEveryChange: the count of people waiting follows enrollments,
// cancellations, promotions and capacity changes; the attendance is taken once everyone
// holding a seat is marked, not before.
func TestSessionCountsFollowEveryChange(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		team := workshops.Actor{Name: "Accueil", Structures: []int64{st.ID}}
		s := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, nil), now.Add(48*time.Hour), func(s *workshops.Session) { s.Capacity = 1 })

		a, _ := e.enroll(e.pro, s.ID, person("A"))
		expectWaiting(t, db, s.ID, 0, "a confirmed seat")
		b, _ := e.enroll(e.pro, s.ID, person("B"))
		c, _ := e.enroll(e.pro, s.ID, person("C"))
		d, _ := e.enroll(e.pro, s.ID, person("D"))
		expectWaiting(t, db, s.ID, 3, "three on the waiting list")

		if err := e.en.Cancel(ctx, e.pro, c.Booking.ID); err != nil {
			t.Fatal(err)
		}
		expectWaiting(t, db, s.ID, 2, "someone waiting cancels")
		if err := e.en.Cancel(ctx, e.pro, a.Booking.ID); err != nil {
			t.Fatal(err)
		}
		expectWaiting(t, db, s.ID, 1, "a seat frees up and B is promoted")
		capacity := 3
		if _, err := e.en.UpdateSession(ctx, team, s.ID, workshops.SessionChange{Capacity: &capacity}); err != nil {
			t.Fatal(err)
		}
		expectWaiting(t, db, s.ID, 0, "the capacity grows and D is promoted")
		e2, _ := e.enroll(e.pro, s.ID, person("E"))
		expectWaiting(t, db, s.ID, 0, "a seat left")
		if _, taken := followUp(t, db, s.ID); taken != nil {
			t.Fatalf("attendance taken before the session: %v", taken)
		}

		e.clock.Add(50 * time.Hour)
		seat := func(r *enrollment.Result) int64 { return r.Booking.Enrollments[0].ID }
		if err := e.en.MarkAttendance(ctx, team, s.ID, map[int64]bool{seat(b): true, seat(d): false}); err != nil {
			t.Fatal(err)
		}
		if _, taken := followUp(t, db, s.ID); taken != nil {
			t.Errorf("attendance taken with E not marked: %v", taken)
		}
		if err := e.en.MarkAttendance(ctx, team, s.ID, map[int64]bool{seat(e2): true}); err != nil {
			t.Fatal(err)
		}
		_, taken := followUp(t, db, s.ID)
		if taken == nil || !taken.Equal(e.clock.Now()) {
			t.Fatalf("attendance taken at %v, want %v", taken, e.clock.Now())
		}
		// Correcting a mark later keeps when the attendance was first complete.
		e.clock.Add(time.Hour)
		if err := e.en.MarkAttendance(ctx, team, s.ID, map[int64]bool{seat(d): true}); err != nil {
			t.Fatal(err)
		}
		if _, again := followUp(t, db, s.ID); again == nil || !again.Equal(*taken) {
			t.Errorf("attendance taken at %v after a correction, want %v", again, taken)
		}
	})
}

// TestParcoursWaitingIsCountedInEverySession: a parcours waits in each of its sessions.
func TestParcoursWaitingIsCountedInEverySession(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, e.ws, nil, func(w *workshops.Workshop) { w.Kind = "parcours" })
		sessions, err := e.ws.ScheduleSessions(ctx, workshops.System, w.ID, workshops.Schedule{Frequency: workshops.Weekly,
			First: workshops.DateOf(now.Add(48 * time.Hour)), Until: workshops.DateOf(now.Add(48*time.Hour + 7*24*time.Hour)),
			Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 1})
		if err != nil || len(sessions) != 2 {
			t.Fatalf("parcours: %d sessions, %v", len(sessions), err)
		}
		first, _ := e.enroll(e.pro, sessions[0].ID, person("A"))
		if _, err := e.enroll(e.pro, sessions[0].ID, person("B")); err != nil {
			t.Fatal(err)
		}
		for _, s := range sessions {
			expectWaiting(t, db, s.ID, 1, "B waits for the whole parcours")
		}
		if err := e.en.Cancel(ctx, e.pro, first.Booking.ID); err != nil {
			t.Fatal(err)
		}
		for _, s := range sessions {
			expectWaiting(t, db, s.ID, 0, "B is promoted in every session")
		}
	})
}
