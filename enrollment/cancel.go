package enrollment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// Cancel cancels a booking's upcoming seats on behalf of its orienting professional or of
// the structure's team, frees them and promotes who waits, in one transaction. Returns
// workshops.ErrNotFound, workshops.ErrForbidden, ErrAlreadyCancelled (nothing changed) or
// ErrClosed (every session is past: close it with attendance instead).
func (s *Service) Cancel(ctx context.Context, actor workshops.Actor, bookingID int64) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		b, w, err := s.bookingForChange(ctx, tx, bookingID)
		if err != nil {
			return err
		}
		by := ""
		switch {
		case actor.UserID != 0 && actor.UserID == b.OrientedBy:
			by = ByProfessional
		case actor.MayManage(w.Structure):
			by = ByStructure
		default:
			return workshops.ErrForbidden
		}
		if b.cancelled() {
			return ErrAlreadyCancelled
		}
		return s.cancel(ctx, tx, actor, w, b, by)
	})
}

// CancelByToken cancels a booking through the person's cancellation link (no account).
// A booking already cancelled is returned as it is. Returns workshops.ErrNotFound for a
// wrong link and ErrClosed for a past session.
func (s *Service) CancelByToken(ctx context.Context, token string) (*Booking, error) {
	id, ok := s.bookingOfToken(token)
	if !ok {
		return nil, workshops.ErrNotFound
	}
	var out *Booking
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		b, w, err := s.bookingForChange(ctx, tx, id)
		if err != nil {
			return err
		}
		out = b
		if !b.active() {
			return nil
		}
		return s.cancel(ctx, tx, workshops.Actor{}, w, b, ByPerson)
	})
	return out, err
}

// BookingByToken returns the booking of a cancellation link with its sessions, to show
// before confirming. Returns workshops.ErrNotFound.
func (s *Service) BookingByToken(ctx context.Context, token string) (*Booking, error) {
	id, ok := s.bookingOfToken(token)
	if !ok {
		return nil, workshops.ErrNotFound
	}
	b := new(Booking)
	err := s.db.NewSelect().Model(b).
		Relation("Enrollments", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Order("e.session_id") }).
		Relation("Enrollments.Session").Where("b.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, workshops.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get booking: %w", err)
	}
	return b, nil
}

// active reports whether the booking still holds or waits for a seat somewhere.
func (b *Booking) active() bool {
	for _, e := range b.Enrollments {
		if e.Status == Confirmed || e.Status == Waitlisted {
			return true
		}
	}
	return false
}

// cancelled reports whether the booking was cancelled: it holds no seat, waits for none,
// and its seats were cancelled rather than closed with attendance.
func (b *Booking) cancelled() bool {
	return !b.active() && slices.ContainsFunc(b.Enrollments, func(e Enrollment) bool { return e.Status == Cancelled })
}

// bookingForChange locks the sessions a booking takes part in, then loads the booking with
// its enrollments, its workshop and structure. The lock comes first: statuses read before
// it could be stale (a promotion committed meanwhile), and acting on them would free a
// seat twice or leave a hole in a waiting list.
func (s *Service) bookingForChange(ctx context.Context, tx bun.Tx, id int64) (*Booking, *workshops.Workshop, error) {
	var ids []int64
	if err := tx.NewSelect().Model((*Enrollment)(nil)).Column("session_id").Where("booking_id = ?", id).Scan(ctx, &ids); err != nil {
		return nil, nil, fmt.Errorf("booking sessions: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil, workshops.ErrNotFound
	}
	var sessions []*workshops.Session
	if err := workshops.LockForUpdate(tx.NewSelect().Model(&sessions).Where("s.id IN (?)", bun.In(ids)).Order("s.id")).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("lock sessions: %w", err)
	}
	b := new(Booking)
	err := tx.NewSelect().Model(b).Relation("Enrollments").Where("b.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, workshops.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get booking: %w", err)
	}
	w := new(workshops.Workshop)
	if err := tx.NewSelect().Model(w).Relation("Structure").Where("w.id = ?", b.WorkshopID).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("get workshop: %w", err)
	}
	byID := map[int64]*workshops.Session{}
	for _, sess := range sessions {
		byID[sess.ID] = sess
	}
	for i := range b.Enrollments {
		b.Enrollments[i].Session = byID[b.Enrollments[i].SessionID]
	}
	return b, w, nil
}

// cancel cancels the booking's seats in sessions not yet started, frees them, shortens the
// waiting lists it was on, and promotes who waits.
func (s *Service) cancel(ctx context.Context, tx bun.Tx, actor workshops.Actor, w *workshops.Workshop, b *Booking, by string) error {
	now := s.now().UTC()
	touched := []int64{}
	for i := range b.Enrollments {
		e := &b.Enrollments[i]
		if e.Status != Confirmed && e.Status != Waitlisted {
			continue
		}
		if !e.Session.StartsAt.After(now) {
			continue
		}
		wasSeat, pos := e.Status == Confirmed, e.Position
		e.Status, e.Position, e.CancelledAt, e.CancelledBy, e.CancelledByUser, e.UpdatedAt = Cancelled, 0, &now, by, actor.UserID, now
		if _, err := tx.NewUpdate().Model(e).
			Column("status", "position", "cancelled_at", "cancelled_by", "cancelled_by_user", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("cancel enrollment: %w", err)
		}
		if wasSeat {
			if err := freeSeat(ctx, tx, e.SessionID); err != nil {
				return err
			}
		} else if err := closeGap(ctx, tx, e.SessionID, pos); err != nil {
			return err
		}
		touched = append(touched, e.SessionID)
		if err := s.event(ctx, tx, EventCancelled, b, e.SessionID); err != nil {
			return err
		}
	}
	if len(touched) == 0 {
		return fmt.Errorf("%w: la séance a eu lieu, l'inscription ne s'annule plus ; elle se clôt avec l'émargement", ErrClosed)
	}
	if err := s.record(ctx, tx, actor, w, "cancelled", b, "par "+frBy(by)); err != nil {
		return err
	}
	return s.promote(ctx, tx, w, touched)
}

func frBy(by string) string {
	switch by {
	case ByPerson:
		return "la personne"
	case ByProfessional:
		return "le professionnel"
	}
	return "la structure"
}

// closeGap takes one person off a session's waiting list: everyone waiting behind the
// position that was left moves up, and the session counts one fewer waiting.
func closeGap(ctx context.Context, tx bun.IDB, sessionID int64, position int) error {
	_, err := tx.NewUpdate().Model((*Enrollment)(nil)).Set("position = position - 1").
		Where("session_id = ? AND status = ? AND position > ?", sessionID, Waitlisted, position).Exec(ctx)
	if err != nil {
		return fmt.Errorf("waiting list: %w", err)
	}
	return countWaiting(ctx, tx, sessionID, -1)
}

// promote confirms who waits while seats are free, first in line first, in the
// caller's transaction (sessions already locked). A parcours' waiting list is promoted
// only when every one of its sessions has a seat free.
func (s *Service) promote(ctx context.Context, tx bun.IDB, w *workshops.Workshop, sessionIDs []int64) error {
	for {
		var sessions []workshops.Session
		q := tx.NewSelect().Model(&sessions)
		if w.Parcours() {
			q = q.Where("s.group_id = (SELECT group_id FROM sessions WHERE id = ?)", sessionIDs[0])
		} else {
			q = q.Where("s.id IN (?)", bun.In(sessionIDs))
		}
		if err := q.Order("s.id").Scan(ctx); err != nil {
			return fmt.Errorf("promote: %w", err)
		}
		promoted := false
		for _, group := range promotionUnits(w, sessions) {
			ok, err := s.promoteFirst(ctx, tx, group)
			if err != nil {
				return err
			}
			promoted = promoted || ok
		}
		if !promoted {
			return nil
		}
	}
}

// promotionUnits groups the sessions whose seats are promoted together: each session of
// an à la carte workshop alone, all the sessions of a parcours at once.
func promotionUnits(w *workshops.Workshop, sessions []workshops.Session) [][]workshops.Session {
	if w.Parcours() {
		return [][]workshops.Session{sessions}
	}
	units := make([][]workshops.Session, len(sessions))
	for i := range sessions {
		units[i] = sessions[i : i+1]
	}
	return units
}

// promoteFirst confirms the first booking waiting for a unit of sessions, if every one of
// them has a seat free. It reports whether it promoted someone.
func (s *Service) promoteFirst(ctx context.Context, tx bun.IDB, unit []workshops.Session) (bool, error) {
	if len(unit) == 0 {
		return false, nil
	}
	for _, sess := range unit {
		if sess.Cancelled() || sess.SeatsTaken >= sess.Capacity || !sess.StartsAt.After(s.now()) {
			return false, nil
		}
	}
	var first Enrollment
	err := tx.NewSelect().Model(&first).Where("session_id = ? AND status = ?", unit[0].ID, Waitlisted).
		Order("position").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("first waiting: %w", err)
	}
	b := new(Booking)
	if err := tx.NewSelect().Model(b).Relation("Enrollments").Where("b.id = ?", first.BookingID).Scan(ctx); err != nil {
		return false, fmt.Errorf("get booking: %w", err)
	}
	now := s.now().UTC()
	for i := range b.Enrollments {
		e := &b.Enrollments[i]
		if e.Status != Waitlisted {
			continue
		}
		pos := e.Position
		e.Status, e.Position, e.UpdatedAt = Confirmed, 0, now
		if _, err := tx.NewUpdate().Model(e).Column("status", "position", "updated_at").WherePK().Exec(ctx); err != nil {
			return false, fmt.Errorf("promote: %w", err)
		}
		if err := takeSeat(ctx, tx, e.SessionID); err != nil {
			return false, err
		}
		if err := closeGap(ctx, tx, e.SessionID, pos); err != nil {
			return false, err
		}
		if err := s.event(ctx, tx, EventPromoted, b, e.SessionID); err != nil {
			return false, err
		}
	}
	return true, nil
}

// UpdateSession changes a session (see workshops.Service.UpdateSession) and, when its
// capacity grows, promotes who waits in the same transaction. Returns what that returns.
func (s *Service) UpdateSession(ctx context.Context, actor workshops.Actor, id int64, ch workshops.SessionChange) (*workshops.Session, error) {
	ch.Within = s.promoteOnGrowth
	return s.ws.UpdateSession(ctx, actor, id, ch)
}
