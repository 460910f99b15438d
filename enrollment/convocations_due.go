package enrollment

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// PurposeConvocations is the purpose logged when the structure lists the convocations to
// hand.
const PurposeConvocations = "convocations à remettre"

// ConvocationDue records, inside the caller's transaction, that a person who chose paper
// must be handed a new printed convocation: the structure's to-do list shows it until the
// structure marks it handed. It changes nothing for other contacts or erased bookings.
func ConvocationDue(ctx context.Context, db bun.IDB, bookingID int64, at time.Time) error {
	_, err := db.NewUpdate().Model((*Booking)(nil)).
		Set("convocation_due_at = ?", at.UTC()).
		Where("id = ? AND contact = ? AND purged_at IS NULL", bookingID, ContactPaper).Exec(ctx)
	if err != nil {
		return fmt.Errorf("convocation due: %w", err)
	}
	return nil
}

// DueConvocation is a printed convocation the structure must hand to a person who chose
// paper.
type DueConvocation struct {
	// Booking has its Enrollments, each with its Session.
	Booking  Booking
	Workshop *workshops.Workshop
	// Next is the booking's next session still held or waited for.
	Next *workshops.Session
	// PageURL is the person's page, where the convocation prints.
	PageURL string
}

// ConvocationsDue lists, oldest first, the convocations a structure must hand: people who
// chose paper, with a session to come, whose last convocation is older than the last
// change. The consultation is logged. Returns workshops.ErrForbidden.
func (s *Service) ConvocationsDue(ctx context.Context, actor workshops.Actor, st *workshops.Structure) ([]DueConvocation, error) {
	if !actor.MayManage(st) {
		return nil, workshops.ErrForbidden
	}
	now := s.now().UTC()
	var bookings []Booking
	err := s.db.NewSelect().Model(&bookings).
		Relation("Enrollments").Relation("Enrollments.Session").
		Where("b.workshop_id IN (SELECT id FROM workshops WHERE structure_id = ?)", st.ID).
		Where("b.contact = ? AND b.purged_at IS NULL", ContactPaper).
		Where("b.convocation_due_at IS NOT NULL").
		Where("(b.convocation_handed_at IS NULL OR b.convocation_handed_at < b.convocation_due_at)").
		Where(`EXISTS (SELECT 1 FROM enrollments AS e JOIN sessions AS s ON s.id = e.session_id
			WHERE e.booking_id = b.id AND e.status IN (?) AND s.starts_at > ?)`, bun.In([]string{Confirmed, Waitlisted}), now).
		OrderExpr("b.convocation_due_at, b.id").Limit(200).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("convocations: %w", err)
	}
	byID := map[int64]*workshops.Workshop{}
	if len(bookings) > 0 {
		var ws []workshops.Workshop
		if err := s.db.NewSelect().Model(&ws).Where("w.structure_id = ?", st.ID).Scan(ctx); err != nil {
			return nil, fmt.Errorf("convocations: %w", err)
		}
		for i := range ws {
			byID[ws[i].ID] = &ws[i]
		}
	}
	out := make([]DueConvocation, 0, len(bookings))
	ids := make([]int64, 0, len(bookings))
	for _, b := range bookings {
		c := DueConvocation{Booking: b, Workshop: byID[b.WorkshopID], PageURL: s.CancelURL(b.ID)}
		slices.SortFunc(c.Booking.Enrollments, func(x, y Enrollment) int { return x.Session.StartsAt.Compare(y.Session.StartsAt) })
		for _, e := range c.Booking.Enrollments {
			if (e.Status == Confirmed || e.Status == Waitlisted) && e.Session.StartsAt.After(now) {
				c.Next = e.Session
				break
			}
		}
		out = append(out, c)
		ids = append(ids, b.ID)
	}
	if err := s.logAccess(ctx, s.db, actor, PurposeConvocations, ids); err != nil {
		return nil, err
	}
	return out, nil
}

// MarkConvocationHanded records that the structure handed (or posted) a person's printed
// convocation: it leaves the to-do list until the next change. Returns
// workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) MarkConvocationHanded(ctx context.Context, actor workshops.Actor, bookingID int64) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		b := new(Booking)
		if err := tx.NewSelect().Model(b).Where("b.id = ?", bookingID).Scan(ctx); err != nil {
			return notFound(err, "get booking")
		}
		w := new(workshops.Workshop)
		if err := tx.NewSelect().Model(w).Relation("Structure").Where("w.id = ?", b.WorkshopID).Scan(ctx); err != nil {
			return notFound(err, "get workshop")
		}
		if !actor.MayManage(w.Structure) {
			return workshops.ErrForbidden
		}
		now := s.now().UTC()
		if _, err := tx.NewUpdate().Model(b).Set("convocation_handed_at = ?", now).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("convocation handed: %w", err)
		}
		return s.record(ctx, tx, actor, w, "convocation", b, "convocation remise")
	})
}
