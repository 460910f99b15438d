package workshops

import (
	"context"
	"errors"
)

// The read models below gather what one page shows, so that each page is one call.

// SessionDetail is what a session's page shows.
type SessionDetail struct {
	Session    *Session
	Vocabulary *Vocabulary
	// Parcours holds every session of the parcours the session belongs to, in order;
	// empty when the workshop is not a parcours.
	Parcours []Session
	// Upcoming holds the workshop's sessions not yet over, in order (the session itself
	// included when it is one of them), at most the limit asked for.
	Upcoming []Session
}

// SessionDetail reads a public session's page with up to limit upcoming sessions of its
// workshop beyond its parcours. Returns ErrNotFound.
func (s *Service) SessionDetail(ctx context.Context, id int64, limit int) (*SessionDetail, error) {
	sess, err := s.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &SessionDetail{Session: sess}
	if d.Vocabulary, err = s.Vocabulary(ctx); err != nil {
		return nil, err
	}
	if sess.GroupID != 0 && sess.Workshop.Parcours() {
		if d.Parcours, err = s.GroupSessions(ctx, sess); err != nil {
			return nil, err
		}
	}
	if d.Upcoming, err = s.WorkshopSessions(ctx, sess.WorkshopID, limit+len(d.Parcours)+1); err != nil {
		return nil, err
	}
	return d, nil
}

// WorkshopDetail is what a workshop's page shows.
type WorkshopDetail struct {
	Workshop   *Workshop
	Vocabulary *Vocabulary
	// Upcoming holds the workshop's sessions not yet over, in order, at most the limit.
	Upcoming []Session
}

// WorkshopDetail reads a published workshop with up to limit of its upcoming sessions.
// Returns ErrNotFound.
func (s *Service) WorkshopDetail(ctx context.Context, slug string, limit int) (*WorkshopDetail, error) {
	w, err := s.Workshop(ctx, slug)
	if err != nil {
		return nil, err
	}
	d := &WorkshopDetail{Workshop: w}
	if d.Vocabulary, err = s.Vocabulary(ctx); err != nil {
		return nil, err
	}
	if d.Upcoming, err = s.WorkshopSessions(ctx, w.ID, limit); err != nil {
		return nil, err
	}
	return d, nil
}

// StructureDetail is what a structure's page shows.
type StructureDetail struct {
	Structure  *Structure
	Vocabulary *Vocabulary
	// Sessions is one page of the structure's upcoming sessions.
	Sessions SessionPage
}

// StructureDetail reads an active structure with one page of its upcoming sessions.
// Returns ErrNotFound.
func (s *Service) StructureDetail(ctx context.Context, slug string, p Page) (*StructureDetail, error) {
	st, err := s.Structure(ctx, slug)
	if err != nil {
		return nil, err
	}
	d := &StructureDetail{Structure: st}
	if d.Vocabulary, err = s.Vocabulary(ctx); err != nil {
		return nil, err
	}
	if d.Sessions, err = s.ListSessions(ctx, Filter{Structures: []string{st.Slug}}, p); err != nil {
		return nil, err
	}
	return d, nil
}

// Calendar is what the calendar page shows: its search form's choices and, for a valid
// search, one page of sessions.
type Calendar struct {
	Vocabulary *Vocabulary
	// Structures are every active structure, by town (the form's towns come from them).
	Structures []Structure
	// TownStructures are the structures of the town searched (nil without a town).
	TownStructures []Structure
	// Sessions is the page of sessions; empty when the search is invalid.
	Sessions SessionPage
}

// CalendarQuery is a calendar search.
type CalendarQuery struct {
	Filter Filter
	Page   Page
	// Invalid holds what the caller already found wrong in the search (malformed
	// parameters); the filter's own mistakes are added to it.
	Invalid *ValidationError
}

// Calendar reads the calendar page. For an invalid search it still returns the form's
// choices, together with a *ValidationError naming every mistake (the caller's and the
// filter's) and no sessions.
func (s *Service) Calendar(ctx context.Context, q CalendarQuery) (*Calendar, error) {
	c := &Calendar{}
	var err error
	if c.Vocabulary, err = s.Vocabulary(ctx); err != nil {
		return nil, err
	}
	if c.Structures, err = s.Structures(ctx, StructureFilter{}); err != nil {
		return nil, err
	}
	invalid := &ValidationError{}
	if q.Invalid != nil {
		for k, v := range q.Invalid.Fields {
			invalid.Add(k, v)
		}
	}
	var ve *ValidationError
	if errors.As(q.Filter.Validate(c.Vocabulary), &ve) {
		for k, v := range ve.Fields {
			invalid.Add(k, v)
		}
	}
	if q.Filter.City != "" && invalid.Fields["city"] == "" {
		if c.TownStructures, err = s.Structures(ctx, StructureFilter{City: q.Filter.City}); err != nil {
			return nil, err
		}
	}
	if err := invalid.Err(); err != nil {
		return c, err
	}
	if c.Sessions, err = s.ListSessions(ctx, q.Filter, q.Page); err != nil {
		return c, err
	}
	return c, nil
}
