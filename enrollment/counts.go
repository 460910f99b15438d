package enrollment

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// A session keeps, next to seats_taken, how many people wait for a seat (waiting) and
// when the attendance of everyone holding a seat was recorded (attendance_taken_at), so
// that the mediators' lists and dashboard read them without counting enrollments. Every
// change of status goes through the helpers below, inside the transaction that locked
// the session.

// joinWaitingList puts one more person at the end of a session's waiting list and
// returns their position. Positions run from 1 to the count of people waiting, without a
// gap (closeGap), so the count, one more, is the new position: one statement, which
// matters while the session is locked by everyone enrolling at once.
func joinWaitingList(ctx context.Context, tx bun.IDB, sessionID int64) (int, error) {
	var position int
	if err := tx.NewUpdate().Model((*workshops.Session)(nil)).Set("waiting = waiting + 1").
		Where("id = ?", sessionID).Returning("waiting").Scan(ctx, &position); err != nil {
		return 0, fmt.Errorf("waiting list position: %w", err)
	}
	return position, nil
}

// countWaiting adds delta to a session's count of people waiting.
func countWaiting(ctx context.Context, tx bun.IDB, sessionID int64, delta int) error {
	_, err := tx.NewUpdate().Model((*workshops.Session)(nil)).
		Set("waiting = waiting + ?", delta).Where("id = ?", sessionID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("count waiting: %w", err)
	}
	return nil
}

// closeAttendance records that the attendance of a session was taken once nobody
// holding a seat is left unmarked; it keeps the first time it was complete.
func closeAttendance(ctx context.Context, tx bun.IDB, sessionID int64, now time.Time) error {
	unmarked := tx.NewSelect().Model((*Enrollment)(nil)).
		Where("session_id = ? AND status = ?", sessionID, Confirmed)
	n, err := unmarked.Count(ctx)
	if err != nil {
		return fmt.Errorf("attendance left: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, err = tx.NewUpdate().Model((*workshops.Session)(nil)).Set("attendance_taken_at = ?", now).
		Where("id = ? AND attendance_taken_at IS NULL", sessionID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("close attendance: %w", err)
	}
	return nil
}

// promoteOnGrowth promotes who waits when a session's capacity grows, inside the
// transaction of the change (see workshops.SessionChange.Within).
func (s *Service) promoteOnGrowth(ctx context.Context, tx bun.IDB, before, after *workshops.Session) error {
	if after.Capacity <= before.Capacity {
		return nil
	}
	w := new(workshops.Workshop)
	if err := tx.NewSelect().Model(w).Where("w.id = ?", after.WorkshopID).Scan(ctx); err != nil {
		return fmt.Errorf("get workshop: %w", err)
	}
	return s.promote(ctx, tx, w, []int64{after.ID})
}
