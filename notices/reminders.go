package notices

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// reminderEvent is the payload of a KindReminder event.
type reminderEvent struct {
	SessionID    int64 `json:"session_id"`
	EnrollmentID int64 `json:"enrollment_id"`
}

// reminderKey is the idempotency key of a seat's reminder: one per seat and session,
// whichever instance records it and however often.
func reminderKey(sessionID, enrollmentID int64) string {
	return fmt.Sprintf("reminder:%d:%d", sessionID, enrollmentID)
}

// ScheduleReminders records the reminders that are due: one for each confirmed seat of a
// session to come whose structure's reminder time (see workshops.Structure.ReminderAt)
// has passed, unless the seat was confirmed after that time (its confirmation just told
// the same). The worker composes them (KindReminder). Several instances may run it at
// once: a reminder is recorded once. It returns how many it recorded.
func (s *Service) ScheduleReminders(ctx context.Context) (int, error) {
	now := s.now().UTC()
	var sessions []workshops.Session
	if err := s.db.NewSelect().Model(&sessions).Relation("Structure").
		Where("s.status = ?", workshops.SessionScheduled).
		Where("s.starts_at > ? AND s.starts_at <= ?", now, now.Add(workshops.ReminderLead)).
		Where("s.seats_taken > 0").
		Order("s.starts_at", "s.id").Scan(ctx); err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	n := 0
	for _, sess := range sessions {
		due, ok := sess.Structure.ReminderAt(sess.StartsAt)
		if !ok || due.After(now) {
			continue
		}
		var seats []enrollment.Enrollment
		if err := s.db.NewSelect().Model(&seats).Column("e.id").
			Where("e.session_id = ? AND e.status = ? AND e.updated_at < ?", sess.ID, enrollment.Confirmed, due.UTC()).
			// The key of reminderKey, written in SQL: seats already reminded are skipped.
			Where("NOT EXISTS (SELECT 1 FROM outbox AS ob WHERE ob.idempotency_key = " +
				"'reminder:' || CAST(e.session_id AS TEXT) || ':' || CAST(e.id AS TEXT))").
			Order("e.id").Scan(ctx); err != nil {
			return n, fmt.Errorf("reminders of session %d: %w", sess.ID, err)
		}
		for _, e := range seats {
			payload, err := json.Marshal(reminderEvent{SessionID: sess.ID, EnrollmentID: e.ID})
			if err != nil {
				return n, err
			}
			ok, err := notify.Enqueue(ctx, s.db, &notify.Message{
				Kind: KindReminder, IdempotencyKey: reminderKey(sess.ID, e.ID), Payload: string(payload),
				StructureID: sess.StructureID, SessionID: sess.ID,
			}, now)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

// reminder composes a seat's reminder for the person by their channel, or for their
// orienting professional when the person is told through them; nothing when the seat or
// the session changed meanwhile, or for a printed convocation (already handed).
func (s *Service) reminder(ctx context.Context, tx bun.Tx, m *notify.Message) error {
	var ev reminderEvent
	if err := json.Unmarshal([]byte(m.Payload), &ev); err != nil {
		return notify.Permanent(fmt.Errorf("événement illisible : %w", err))
	}
	e := new(enrollment.Enrollment)
	err := tx.NewSelect().Model(e).Relation("Booking").Where("e.id = ?", ev.EnrollmentID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get enrollment: %w", err)
	}
	if e.Status != enrollment.Confirmed || e.Booking == nil || e.Booking.PurgedAt != nil {
		return nil
	}
	sess, err := loadSession(ctx, tx, ev.SessionID)
	if errors.Is(err, workshops.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if sess.Cancelled() || !sess.StartsAt.After(s.now()) {
		return nil
	}
	v := s.withPerson(s.sessionView(sess), e.Booking)
	if v.ThroughYou {
		return s.toProfessional(ctx, tx, m.ID, e.Booking.OrientedBy, sess, "pro-reminder", v)
	}
	return s.toPerson(ctx, tx, m.ID, e.Booking, sess, v, personal{name: "person-reminder"})
}
