package workshops

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// Edits that change some fields of a thing and keep the others (the JSON API's PATCH):
// reading, changing and storing happen in one transaction, so that two people editing
// different fields at the same time do not undo each other's change.

// EditWorkshop changes the workshop of a slug, draft or published: it loads it (with
// ThemeSlugs filled from its themes), checks that the actor may manage it, lets edit
// change its fields, then validates it and stores its editable fields, themes and status
// as UpdateWorkshop and SetWorkshopStatus do. It returns the stored workshop with its
// structure and themes. Returns a *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) EditWorkshop(ctx context.Context, actor Actor, slug string, edit func(w *Workshop)) (*Workshop, error) {
	if !IsSlug(slug) {
		return nil, ErrNotFound
	}
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	var out *Workshop
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		old := new(Workshop)
		if err := lockForUpdate(tx.NewSelect().Model(old).Where("w.slug = ?", slug)).Scan(ctx); err != nil {
			return notFound(err, "get workshop")
		}
		st, err := structureFor(ctx, tx, actor, old.StructureID)
		if err != nil {
			return err
		}
		var links []WorkshopTheme
		if err := tx.NewSelect().Model(&links).Relation("Theme").Where("wt.workshop_id = ?", old.ID).Scan(ctx); err != nil {
			return fmt.Errorf("get workshop themes: %w", err)
		}
		w := *old
		w.Structure, w.Themes, w.ThemeSlugs = nil, nil, make([]string, 0, len(links))
		for _, l := range links {
			w.ThemeSlugs = append(w.ThemeSlugs, l.Theme.Slug)
		}
		edit(&w)
		if err := w.Validate(voc); err != nil {
			return err
		}
		status := w.Status
		if err := s.saveWorkshop(ctx, tx, actor, voc, st, old, &w); err != nil {
			return err
		}
		if err := s.saveWorkshopStatus(ctx, tx, actor, st, &w, status); err != nil {
			return err
		}
		w.Structure, out = st, &w
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EditStructure changes the profile of the structure of a slug, whatever its status: it
// loads it, checks that the actor may manage it, lets edit change its fields, then
// validates and stores them as UpdateStructure does. It returns the stored structure.
// Returns a *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) EditStructure(ctx context.Context, actor Actor, slug string, edit func(st *Structure)) (*Structure, error) {
	if !IsSlug(slug) {
		return nil, ErrNotFound
	}
	var out *Structure
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		old := new(Structure)
		if err := lockForUpdate(tx.NewSelect().Model(old).Where("st.slug = ?", slug)).Scan(ctx); err != nil {
			return notFound(err, "get structure")
		}
		if !actor.MayManage(old) {
			return ErrForbidden
		}
		st := *old
		edit(&st)
		if err := st.Validate(); err != nil {
			return err
		}
		if err := s.saveStructure(ctx, tx, actor, old, &st); err != nil {
			return err
		}
		out = &st
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SessionsForEdit returns sessions by id — of draft workshops too, cancelled or not —
// with their workshop (and its themes), structure and place, in chronological order, to
// someone who may manage every one of them. Returns ErrNotFound when one is missing, or
// ErrForbidden.
func (s *Service) SessionsForEdit(ctx context.Context, actor Actor, ids ...int64) ([]Session, error) {
	ids = distinct(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	var out []Session
	err := s.db.NewSelect().Model(&out).Relation("Workshop").Relation("Structure").Relation("Place").
		Where("s.id IN (?)", bun.In(ids)).Order("s.starts_at", "s.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("get sessions: %w", err)
	}
	if len(out) != len(ids) {
		return nil, ErrNotFound
	}
	if slices.ContainsFunc(out, func(sess Session) bool { return !actor.MayManage(sess.Structure) }) {
		return nil, ErrForbidden
	}
	if err := s.loadThemes(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}
