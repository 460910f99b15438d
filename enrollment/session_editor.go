package enrollment

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// The session's management page belongs to the calendar (workshops.SessionEditor), but
// who will be told of a change, and whether anyone ever enrolled, are known here: these
// methods wrap the calendar's with the enrollments, and route a change of capacity
// through the promotion of who waits.

// SessionEditor reads a session's management page (see workshops.Service.SessionEditor),
// with who will be told of a move or a cancellation and how many enrollments the session
// ever had. Showing who will be told is a consultation of their details, and is logged.
// Returns workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) SessionEditor(ctx context.Context, actor workshops.Actor, id int64) (*workshops.SessionEditor, error) {
	ed, err := s.ws.SessionEditor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.fillEditor(ctx, actor, ed); err != nil {
		return nil, err
	}
	return ed, nil
}

// ChangeSession applies a session's form (see workshops.Service.ChangeSession); when the
// capacity grows, who waits is promoted in the same transaction. The editor comes back
// with who will be told when the change is a move to confirm, or when nothing was saved.
func (s *Service) ChangeSession(ctx context.Context, actor workshops.Actor, id int64, edit workshops.SessionEdit) (*workshops.SessionEditor, error) {
	edit.Change.Within = s.promoteOnGrowth
	ed, err := s.ws.ChangeSession(ctx, actor, id, edit)
	if ed != nil && (err != nil || ed.Move != nil) {
		if ferr := s.fillEditor(ctx, actor, ed); ferr != nil {
			return nil, ferr
		}
	}
	return ed, err
}

// CancelSessionWithReason cancels a session (see workshops.Service.CancelSessionWithReason);
// the editor comes back with who will be told when nothing was saved.
func (s *Service) CancelSessionWithReason(ctx context.Context, actor workshops.Actor, id int64, reason string) (*workshops.SessionEditor, error) {
	ed, err := s.ws.CancelSessionWithReason(ctx, actor, id, reason)
	if ed != nil && err != nil {
		if ferr := s.fillEditor(ctx, actor, ed); ferr != nil {
			return nil, ferr
		}
	}
	return ed, err
}

// RemoveSession deletes a session nobody ever enrolled in (see
// workshops.Service.RemoveSession); the editor comes back with who will be told when it
// must be cancelled instead.
func (s *Service) RemoveSession(ctx context.Context, actor workshops.Actor, id int64) (*workshops.SessionEditor, error) {
	ed, err := s.ws.RemoveSession(ctx, actor, id)
	if ed != nil && err != nil {
		if ferr := s.fillEditor(ctx, actor, ed); ferr != nil {
			return nil, ferr
		}
	}
	return ed, err
}

// fillEditor counts the session's enrollments and lists who will be told of a change:
// the people holding or waiting for a seat, then the professionals who oriented them.
func (s *Service) fillEditor(ctx context.Context, actor workshops.Actor, ed *workshops.SessionEditor) error {
	var es []Enrollment
	err := s.db.NewSelect().Model(&es).Relation("Booking").Where("e.session_id = ?", ed.Session.ID).
		OrderExpr("CASE WHEN e.status = ? THEN 0 ELSE 1 END, e.position, e.id", Confirmed).Scan(ctx)
	if err != nil {
		return fmt.Errorf("session enrollments: %w", err)
	}
	ed.Enrollments, ed.Recipients = len(es), nil
	if ed.Session.Cancelled() {
		return nil
	}
	var told []Enrollment
	for _, e := range es {
		if e.Status == Confirmed || e.Status == Waitlisted {
			told = append(told, e)
		}
	}
	pros, err := professionals(ctx, s.db, told)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(told))
	seen := map[int64]bool{}
	var proRecipients []workshops.Recipient
	for _, e := range told {
		b := e.Booking
		ids = append(ids, b.ID)
		ed.Recipients = append(ed.Recipients, workshops.Recipient{Name: recipientName(e), Via: via(b, pros[b.OrientedBy])})
		if p, ok := pros[b.OrientedBy]; ok && !seen[p.ID] {
			seen[p.ID] = true
			name := p.Name
			if b.Organisation != "" {
				name += " (" + b.Organisation + ")"
			}
			proRecipients = append(proRecipients, workshops.Recipient{Name: name, Via: "courriel", Professional: true})
		}
	}
	ed.Recipients = append(ed.Recipients, proRecipients...)
	return s.logAccess(ctx, s.db, actor, PurposeSessionChange, ids)
}

// recipientName is how the mediator knows a person enrolled.
func recipientName(e Enrollment) string {
	name := strings.TrimSpace(e.Booking.FirstName + " " + e.Booking.LastName)
	if name == "" {
		name = "Personne inscrite (données effacées)"
	}
	if e.Status == Waitlisted {
		name += " (liste d'attente)"
	}
	return name
}

// via says how a person will be told, after "par".
func via(b *Booking, pro professional) string {
	switch b.Contact {
	case ContactSMS:
		return "SMS"
	case ContactEmail:
		return "courriel"
	case ContactProfessional:
		if pro.Name != "" {
			return "l'intermédiaire de " + pro.Name
		}
		return "l'intermédiaire du professionnel qui l'a orientée"
	}
	return "courrier ou téléphone : à faire par la structure"
}

// professional is an orienting professional as the structure sees them.
type professional struct {
	ID    int64
	Name  string
	Email string
}

// professionals reads the accounts of the professionals who oriented the enrollments'
// bookings, by id.
func professionals(ctx context.Context, db bun.IDB, es []Enrollment) (map[int64]professional, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range es {
		if id := e.Booking.OrientedBy; id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	out := map[int64]professional{}
	if len(ids) == 0 {
		return out, nil
	}
	var ps []professional
	if err := db.NewSelect().Table("users").Column("id", "name", "email").Where("id IN (?)", bun.In(ids)).Scan(ctx, &ps); err != nil {
		return nil, fmt.Errorf("orienting professionals: %w", err)
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}
