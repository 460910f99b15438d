package workshops

import (
	"context"
	"errors"
	"fmt"
)

// SessionEditor is what a session's management page shows.
type SessionEditor struct {
	// Session has its workshop, structure and place.
	Session *Session
	// Places are the structure's other places, by name.
	Places []Place
	// Move is a change of date, time or place waiting to be confirmed: nothing is saved
	// until the mediator has seen who will be told.
	Move *SessionMove
	// Recipients are who will be told when the session moves or is cancelled: the people
	// enrolled or waiting, and the professionals who oriented them. The enrollment
	// service fills it (see enrollment.Service.SessionEditor); empty otherwise.
	Recipients []Recipient
	// Enrollments counts the enrollments ever made in the session, cancelled ones
	// included; the enrollment service fills it. A session with any cannot be deleted.
	Enrollments int
}

// Deletable reports whether the session may be deleted rather than cancelled: nobody
// ever enrolled in it.
func (e *SessionEditor) Deletable() bool { return e.Session.Deletable() && e.Enrollments == 0 }

// SessionMove is a session before and after a change of date, time or place; both have
// their place (nil at the structure's address).
type SessionMove struct {
	Before, After Session
}

// Recipient is someone who will be told of a change to a session.
type Recipient struct {
	// Name is how the mediator knows them: a first name or initials, or a professional
	// with their organisation.
	Name string
	// Via says how they will be told ("SMS", "courriel", "l'intermédiaire de …").
	Via string
	// Professional marks an orienting professional rather than a person enrolled.
	Professional bool
}

// People counts the recipients who are people enrolled (not their professionals).
func (e *SessionEditor) People() int {
	n := 0
	for _, r := range e.Recipients {
		if !r.Professional {
			n++
		}
	}
	return n
}

// SessionEdit is a session's form as submitted.
type SessionEdit struct {
	Change SessionChange
	// Confirmed says the mediator has seen who will be told of a move.
	Confirmed bool
	// Invalid holds what the caller already found wrong in the form; the session's own
	// mistakes are added to it.
	Invalid *ValidationError
}

// Deletable reports whether the session may be deleted rather than cancelled: nobody
// ever enrolled in it.
func (s *Session) Deletable() bool { return s.SeatsTaken == 0 }

// SessionEditor reads a session's management page. Returns ErrNotFound or ErrForbidden.
func (s *Service) SessionEditor(ctx context.Context, actor Actor, id int64) (*SessionEditor, error) {
	var rows []Session
	if err := s.staffSessionQuery(&rows).Where("s.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	sess := &rows[0]
	if !actor.MayManage(sess.Structure) {
		return nil, ErrForbidden
	}
	places, err := s.Places(ctx, sess.StructureID)
	if err != nil {
		return nil, err
	}
	return &SessionEditor{Session: sess, Places: places}, nil
}

// place returns the structure's place of an id, or nil.
func (e *SessionEditor) place(id int64) *Place {
	for i := range e.Places {
		if e.Places[i].ID == id {
			return &e.Places[i]
		}
	}
	return nil
}

// ChangeSession applies a session's form. A change of date, time or place is saved only
// once confirmed: until then the editor's Move shows it and nothing is written (see
// UpdateSession for what saving does). It returns the editor in every case but
// ErrNotFound and ErrForbidden, with a *ValidationError naming every mistake, or
// ErrConflict for a cancelled session, when nothing is saved.
func (s *Service) ChangeSession(ctx context.Context, actor Actor, id int64, edit SessionEdit) (*SessionEditor, error) {
	ed, err := s.SessionEditor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if ed.Session.Cancelled() {
		return ed, fmt.Errorf("%w: la séance est annulée, elle ne peut plus être modifiée", ErrConflict)
	}
	ch := edit.Change
	after := *ed.Session
	if ch.StartsAt != nil {
		after.StartsAt = ch.StartsAt.UTC()
	}
	if ch.EndsAt != nil {
		after.EndsAt = ch.EndsAt.UTC()
	}
	if ch.PlaceID != nil {
		after.PlaceID = *ch.PlaceID
	}
	if ch.Capacity != nil {
		after.Capacity = *ch.Capacity
	}
	if ch.Animator != nil {
		after.Animator = *ch.Animator
	}
	v := &ValidationError{}
	if edit.Invalid != nil {
		for k, m := range edit.Invalid.Fields {
			v.Add(k, m)
		}
	}
	if after.PlaceID != 0 {
		if after.Place = ed.place(after.PlaceID); after.Place == nil {
			v.Add("place", "Choisissez un lieu de la structure.")
		}
	} else {
		after.Place = nil
	}
	if err := joinInvalid(v, after.Validate()); err != nil {
		return ed, err
	}
	before := *ed.Session
	moved := !after.StartsAt.Equal(before.StartsAt) || !after.EndsAt.Equal(before.EndsAt) || after.PlaceID != before.PlaceID
	if moved && !edit.Confirmed {
		ed.Move = &SessionMove{Before: before, After: after}
		return ed, nil
	}
	if _, err := s.UpdateSession(ctx, actor, id, ch); err != nil {
		return ed, err
	}
	return ed, nil
}

// CancelSessionWithReason cancels a session (see CancelSession); the reason, shown to the
// public and to the people enrolled, is required. It returns the editor in every case but
// ErrNotFound and ErrForbidden, with a *ValidationError when nothing is saved.
func (s *Service) CancelSessionWithReason(ctx context.Context, actor Actor, id int64, reason string) (*SessionEditor, error) {
	ed, err := s.SessionEditor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.CancelSession(ctx, actor, id, reason); err != nil {
		return ed, err
	}
	return ed, nil
}

// RemoveSession deletes a session nobody ever enrolled in (see DeleteSession). It
// returns the editor in every case but ErrNotFound and ErrForbidden, with ErrConflict
// when the session must be cancelled instead.
func (s *Service) RemoveSession(ctx context.Context, actor Actor, id int64) (*SessionEditor, error) {
	ed, err := s.SessionEditor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.DeleteSession(ctx, actor, id); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return ed, err
	}
	return ed, nil
}
