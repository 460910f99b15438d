package notices

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// seatChange is one enrollment event with what the messages need: the booking, the seats
// it concerns (several for a parcours, changed together), the first of them.
type seatChange struct {
	id      int64
	event   enrollment.Event
	booking *enrollment.Booking
	// seats are the booking's enrollments that changed together with the event's, in
	// time order; lead is the first, whose session the messages are about.
	seats []enrollment.Enrollment
	lead  *workshops.Session
}

// enrollmentEvent composes the messages of an enrollment event (enrolled, on the waiting
// list, promoted, cancelled, absent) as issue 5's table says.
func (s *Service) enrollmentEvent(ctx context.Context, tx bun.Tx, m *notify.Message) error {
	c := &seatChange{id: m.ID}
	if err := json.Unmarshal([]byte(m.Payload), &c.event); err != nil {
		return notify.Permanent(fmt.Errorf("événement illisible : %w", err))
	}
	c.booking = new(enrollment.Booking)
	err := tx.NewSelect().Model(c.booking).Relation("Enrollments").Relation("Enrollments.Session").
		Where("b.id = ?", c.event.BookingID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || err == nil && c.booking.PurgedAt != nil {
		// Erased in the meantime: nobody left to tell.
		return nil
	}
	if err != nil {
		return fmt.Errorf("get booking: %w", err)
	}
	var lead *enrollment.Enrollment
	c.seats, lead = together(c.booking, c.event.SessionID)
	if lead == nil {
		return nil
	}
	if lead.SessionID != c.event.SessionID && c.event.Event != enrollment.EventEnrolled {
		// A parcours is cancelled or promoted all at once, each seat recording its event:
		// the first seat's event tells about all of them, the others tell nothing. (Its
		// enrollment records one event, for the session it was asked from.)
		return nil
	}
	if c.lead, err = loadSession(ctx, tx, lead.SessionID); err != nil {
		if errors.Is(err, workshops.ErrNotFound) {
			return nil
		}
		return err
	}
	switch c.event.Event {
	case enrollment.EventEnrolled:
		if c.event.Status == enrollment.Waitlisted {
			return s.waitlisted(ctx, tx, c, lead)
		}
		return s.confirmed(ctx, tx, c, "confirmed")
	case enrollment.EventPromoted:
		return s.confirmed(ctx, tx, c, "promoted")
	case enrollment.EventCancelled:
		return s.cancelled(ctx, tx, c)
	case enrollment.EventAbsent:
		return s.toProfessional(ctx, tx, c.id, c.booking.OrientedBy, c.lead, "pro-absent", s.seatView(c))
	}
	return nil
}

// together returns the seats of a booking that changed at the same instant as its seat in
// a session, in time order, and the first of them; nil when the booking has no seat there.
func together(b *enrollment.Booking, sessionID int64) ([]enrollment.Enrollment, *enrollment.Enrollment) {
	var self *enrollment.Enrollment
	for i := range b.Enrollments {
		if b.Enrollments[i].SessionID == sessionID {
			self = &b.Enrollments[i]
		}
	}
	if self == nil || self.Session == nil {
		return nil, nil
	}
	var seats []enrollment.Enrollment
	for _, e := range b.Enrollments {
		if e.Session != nil && e.UpdatedAt.Equal(self.UpdatedAt) {
			seats = append(seats, e)
		}
	}
	slices.SortFunc(seats, func(x, y enrollment.Enrollment) int { return x.Session.StartsAt.Compare(y.Session.StartsAt) })
	return seats, &seats[0]
}

// seatView describes a seat change for the templates.
func (s *Service) seatView(c *seatChange) *view {
	v := s.withPerson(s.sessionView(c.lead), c.booking)
	for _, e := range c.seats[1:] {
		v.Others = append(v.Others, when(e.Session.StartsAt))
	}
	return v
}

// confirmed tells of a seat confirmed, at enrollment or promoted from the waiting list
// (what is "confirmed" or "promoted"): the person with an invitation, the professional.
func (s *Service) confirmed(ctx context.Context, tx bun.Tx, c *seatChange, what string) error {
	if !c.lead.StartsAt.After(s.now()) {
		return nil
	}
	inv := &invitation{method: ics.Request, sequence: c.lead.Sequence}
	v := s.seatView(c)
	if err := s.toPerson(ctx, tx, c.id, c.booking, c.lead, v, personal{name: "person-" + what, inv: inv, convocation: true}); err != nil {
		return err
	}
	return s.toProfessional(ctx, tx, c.id, c.booking.OrientedBy, c.lead, "pro-"+what, v)
}

// waitlisted tells the person and the professional the place on the waiting list.
func (s *Service) waitlisted(ctx context.Context, tx bun.Tx, c *seatChange, seat *enrollment.Enrollment) error {
	if !c.lead.StartsAt.After(s.now()) {
		return nil
	}
	v := s.seatView(c)
	v.Position, v.Waiting = c.event.Position, true
	if seat.Status == enrollment.Waitlisted {
		// The line may have moved since.
		v.Position = seat.Position
	}
	if err := s.toPerson(ctx, tx, c.id, c.booking, c.lead, v, personal{name: "person-waitlisted", convocation: true}); err != nil {
		return err
	}
	return s.toProfessional(ctx, tx, c.id, c.booking.OrientedBy, c.lead, "pro-waitlisted", v)
}

// cancelled tells of a seat cancelled: the person (with the calendar's cancellation)
// unless they did it through their professional, the professional unless they did it,
// and the structure unless it did.
func (s *Service) cancelled(ctx context.Context, tx bun.Tx, c *seatChange) error {
	v := s.seatView(c)
	by := c.event.By
	v.ByPerson = by == enrollment.ByPerson
	switch by {
	case enrollment.ByStructure:
		v.ByWhom = c.lead.Structure.Name
	case enrollment.ByProfessional:
		v.ByWhom = "la personne qui vous accompagne"
		if ps, err := professionals(ctx, tx, []int64{c.booking.OrientedBy}); err != nil {
			return err
		} else if p, ok := ps[c.booking.OrientedBy]; ok && p.Name != "" {
			v.ByWhom = p.Name
			if c.booking.Organisation != "" {
				v.ByWhom += " (" + c.booking.Organisation + ")"
			}
		}
	}
	// The calendar's copy goes with a higher SEQUENCE than the invitation it cancels.
	inv := &invitation{method: ics.Cancel, sequence: c.lead.Sequence + 1}
	if err := s.toPerson(ctx, tx, c.id, c.booking, c.lead, v,
		personal{name: "person-cancelled", inv: inv, urgent: !v.ByPerson && s.today(c.lead)}); err != nil {
		return err
	}
	if by != enrollment.ByProfessional {
		if err := s.toProfessional(ctx, tx, c.id, c.booking.OrientedBy, c.lead, "pro-cancelled", v); err != nil {
			return err
		}
	}
	if by != enrollment.ByStructure && c.lead.Structure.Email != "" {
		return s.mail(ctx, tx, c.id, "s"+fmt.Sprint(c.lead.StructureID), c.lead.Structure.Email, c.lead, "structure-cancelled", v)
	}
	return nil
}
