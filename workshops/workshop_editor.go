package workshops

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// editorSessionsBack is how far back a workshop's page lists its past sessions.
const editorSessionsBack = 30 * 24 * time.Hour

// WorkshopEditor is what a workshop's form shows: the structure, the workshop as stored
// (nil for a new one), the vocabulary to choose from and the workshop's sessions.
type WorkshopEditor struct {
	Structure  *Structure
	Workshop   *Workshop
	Vocabulary *Vocabulary
	// Sessions are the workshop's sessions from 30 days ago on, in time order, with their
	// place.
	Sessions []Session
	// HasSessions says the workshop has sessions, however old: it can then no longer
	// switch between à la carte and parcours.
	HasSessions bool
}

// WorkshopSubmission is a workshop form as submitted.
type WorkshopSubmission struct {
	Workshop *Workshop
	// Status is WorkshopDraft or WorkshopPublished; empty keeps the status of an edited
	// workshop, and makes a new one a draft.
	Status string
	// Invalid holds what the caller already found wrong in the form (a number that is
	// not one); the workshop's own mistakes are added to it.
	Invalid *ValidationError
}

// NewWorkshopEditor reads the form of a new workshop of a structure. Returns ErrNotFound
// or ErrForbidden.
func (s *Service) NewWorkshopEditor(ctx context.Context, actor Actor, structureSlug string) (*WorkshopEditor, error) {
	st, err := s.StructureForEdit(ctx, actor, structureSlug)
	if err != nil {
		return nil, err
	}
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	return &WorkshopEditor{Structure: st, Vocabulary: voc}, nil
}

// WorkshopEditor reads the form and sessions of a workshop, draft or published. Returns
// ErrNotFound or ErrForbidden.
func (s *Service) WorkshopEditor(ctx context.Context, actor Actor, slug string) (*WorkshopEditor, error) {
	w, err := s.WorkshopForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	ed := &WorkshopEditor{Structure: w.Structure, Workshop: w}
	if ed.Vocabulary, err = s.Vocabulary(ctx); err != nil {
		return nil, err
	}
	err = s.db.NewSelect().Model(&ed.Sessions).Relation("Place").
		Where("s.workshop_id = ?", w.ID).Where("s.ends_at > ?", s.now().Add(-editorSessionsBack).UTC()).
		OrderExpr("s.starts_at ASC, s.id ASC").Limit(MaxFeedSessions).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("workshop sessions: %w", err)
	}
	ed.HasSessions = len(ed.Sessions) > 0
	if !ed.HasSessions {
		if ed.HasSessions, err = s.db.NewSelect().Model((*Session)(nil)).Where("workshop_id = ?", w.ID).Exists(ctx); err != nil {
			return nil, fmt.Errorf("workshop has sessions: %w", err)
		}
	}
	return ed, nil
}

// CreateWorkshopIn creates a workshop of the structure of a slug. It returns the form's
// editor in every case but ErrNotFound and ErrForbidden, with a *ValidationError naming
// every mistake (the caller's and the workshop's) when the workshop is not created.
func (s *Service) CreateWorkshopIn(ctx context.Context, actor Actor, structureSlug string, sub WorkshopSubmission) (*WorkshopEditor, error) {
	ed, err := s.NewWorkshopEditor(ctx, actor, structureSlug)
	if err != nil {
		return nil, err
	}
	w := sub.Workshop
	w.StructureID, w.Status = ed.Structure.ID, sub.Status
	if w.Status == "" {
		w.Status = WorkshopDraft
	}
	if err := joinInvalid(sub.Invalid, w.Validate(ed.Vocabulary)); err != nil {
		return ed, err
	}
	if err := s.CreateWorkshop(ctx, actor, w); err != nil {
		return ed, err
	}
	ed.Workshop = w
	return ed, nil
}

// SaveWorkshop replaces the editable fields and themes of the workshop of a slug, then
// publishes it or puts it back in draft when sub.Status asks. It returns the editor in
// every case but ErrNotFound and ErrForbidden, with a *ValidationError naming every
// mistake when nothing is saved.
func (s *Service) SaveWorkshop(ctx context.Context, actor Actor, slug string, sub WorkshopSubmission) (*WorkshopEditor, error) {
	ed, err := s.WorkshopEditor(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	w := sub.Workshop
	w.ID = ed.Workshop.ID
	// Validate checks a status; the stored one is kept unless sub.Status changes it.
	w.Status = ed.Workshop.Status
	if sub.Status != "" {
		w.Status = sub.Status
	}
	if err := joinInvalid(sub.Invalid, w.Validate(ed.Vocabulary)); err != nil {
		return ed, err
	}
	if err := s.UpdateWorkshop(ctx, actor, w); err != nil {
		return ed, err
	}
	if sub.Status != "" && sub.Status != ed.Workshop.Status {
		if err := s.SetWorkshopStatus(ctx, actor, w.ID, sub.Status); err != nil {
			return ed, err
		}
		w.Status = sub.Status
	}
	w.Slug = ed.Workshop.Slug
	ed.Workshop = w
	return ed, nil
}

// PublishWorkshop sets the status of the workshop of a slug (see SetWorkshopStatus) and
// returns it. Returns ErrNotFound, ErrForbidden or a *ValidationError.
func (s *Service) PublishWorkshop(ctx context.Context, actor Actor, slug, status string) (*Workshop, error) {
	w, err := s.WorkshopForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	if err := s.SetWorkshopStatus(ctx, actor, w.ID, status); err != nil {
		return nil, err
	}
	w.Status = status
	return w, nil
}

// CopyWorkshop duplicates the workshop of a slug as a draft (see DuplicateWorkshop) and
// returns the copy. Returns ErrNotFound or ErrForbidden.
func (s *Service) CopyWorkshop(ctx context.Context, actor Actor, slug string) (*Workshop, error) {
	w, err := s.WorkshopForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	return s.DuplicateWorkshop(ctx, actor, w.ID)
}

// WorkshopPreview reads a workshop, draft or published, as its public page shows it, with
// up to limit of its upcoming sessions (drafts' included), for the people who may manage
// it. Returns ErrNotFound or ErrForbidden.
func (s *Service) WorkshopPreview(ctx context.Context, actor Actor, slug string, limit int) (*WorkshopDetail, error) {
	w, err := s.WorkshopForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	d := &WorkshopDetail{Workshop: w}
	if d.Vocabulary, err = s.Vocabulary(ctx); err != nil {
		return nil, err
	}
	err = s.staffSessionQuery(&d.Upcoming).Where("s.workshop_id = ?", w.ID).Where("s.ends_at > ?", s.now().UTC()).
		OrderExpr("s.starts_at ASC, s.id ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("preview sessions: %w", err)
	}
	return d, s.loadThemes(ctx, d.Upcoming)
}

// joinInvalid merges the caller's validation messages with a validation error, the
// caller's first (a field keeps its first message): nil when neither has any. Errors of
// another kind are returned as they are.
func joinInvalid(invalid *ValidationError, err error) error {
	var ve *ValidationError
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	out := &ValidationError{}
	for _, e := range []*ValidationError{invalid, ve} {
		if e == nil {
			continue
		}
		for k, m := range e.Fields {
			out.Add(k, m)
		}
	}
	return out.Err()
}
