package workshops

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// ScheduleSessions creates the sessions a schedule describes, for a workshop (see
// CreateSessions). Returns a *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) ScheduleSessions(ctx context.Context, actor Actor, workshopID int64, sc Schedule) ([]*Session, error) {
	sessions, err := sc.Sessions()
	if err != nil {
		return nil, err
	}
	if err := s.CreateSessions(ctx, actor, workshopID, sessions); err != nil {
		return nil, err
	}
	return sessions, nil
}

// WorkshopForEdit returns a workshop, draft or published, with its structure and themes,
// to someone who may manage it. Returns ErrNotFound or ErrForbidden.
func (s *Service) WorkshopForEdit(ctx context.Context, actor Actor, slug string) (*Workshop, error) {
	if !IsSlug(slug) {
		return nil, ErrNotFound
	}
	w := new(Workshop)
	err := s.db.NewSelect().Model(w).Relation("Structure").Relation("Themes", orderThemes).
		Where("w.slug = ?", slug).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get workshop")
	}
	if !actor.MayManage(w.Structure) {
		return nil, ErrForbidden
	}
	return w, nil
}

// editableWorkshopColumns are what UpdateWorkshop replaces; the slug (the public URL), the
// structure and the status stay.
var editableWorkshopColumns = []string{"title", "summary", "description", "level_min", "level_max", "format",
	"kind", "life_event", "default_capacity", "default_duration_minutes", "devices_to_bring", "devices_lent",
	"what_to_bring", "accessibility", "languages", "price", "price_details", "enrollment", "no_waitlist", "reserved_seats",
	"search_key", "updated_at"}

// UpdateWorkshop replaces a workshop's editable fields and themes with those of w (its
// ID names the workshop). A workshop with sessions cannot change between à la carte and
// parcours. Returns a *ValidationError, ErrNotFound, ErrForbidden or ErrConflict.
func (s *Service) UpdateWorkshop(ctx context.Context, actor Actor, w *Workshop) error {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return err
	}
	w.Status = WorkshopPublished // Validate checks a status; the stored one is kept.
	if err := w.Validate(voc); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		old := new(Workshop)
		if err := tx.NewSelect().Model(old).Where("w.id = ?", w.ID).Scan(ctx); err != nil {
			return notFound(err, "get workshop")
		}
		st, err := structureFor(ctx, tx, actor, old.StructureID)
		if err != nil {
			return err
		}
		return s.saveWorkshop(ctx, tx, actor, voc, st, old, w)
	})
}

// saveWorkshop stores w's editable fields and themes over old, the stored workshop of
// the same ID, in tx; the slug, structure and status stay old's. w must be valid.
func (s *Service) saveWorkshop(ctx context.Context, tx bun.Tx, actor Actor, voc *Vocabulary, st *Structure, old, w *Workshop) error {
	if old.Kind != w.Kind {
		n, err := tx.NewSelect().Model((*Session)(nil)).Where("workshop_id = ?", old.ID).Count(ctx)
		if err != nil {
			return fmt.Errorf("count sessions: %w", err)
		}
		if n > 0 {
			return &ValidationError{Fields: map[string]string{"kind": "Des séances existent déjà : un atelier à la carte ne peut pas devenir un parcours, ni l'inverse. Créez plutôt un nouvel atelier."}}
		}
	}
	w.ID, w.StructureID, w.Slug, w.Status, w.CreatedAt = old.ID, old.StructureID, old.Slug, old.Status, old.CreatedAt
	w.UpdatedAt = s.now().UTC()
	if _, err := tx.NewUpdate().Model(w).Column(editableWorkshopColumns...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update workshop: %w", err)
	}
	if err := s.replaceThemes(ctx, tx, voc, w); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, st, "updated", "workshop", w.ID, w.Title)
}

func (s *Service) replaceThemes(ctx context.Context, tx bun.Tx, voc *Vocabulary, w *Workshop) error {
	if _, err := tx.NewDelete().Model((*WorkshopTheme)(nil)).Where("workshop_id = ?", w.ID).Exec(ctx); err != nil {
		return fmt.Errorf("clear workshop themes: %w", err)
	}
	return s.insertThemes(ctx, tx, voc, w)
}

// insertThemes links a stored workshop to the themes of w.ThemeSlugs, which must all be
// in the vocabulary, and sets w.Themes to them in the vocabulary's order; a slug given
// twice counts once.
func (s *Service) insertThemes(ctx context.Context, tx bun.Tx, voc *Vocabulary, w *Workshop) error {
	links := make([]WorkshopTheme, 0, len(w.ThemeSlugs))
	w.Themes = w.Themes[:0]
	for _, th := range voc.Themes {
		if slices.Contains(w.ThemeSlugs, th.Slug) {
			links = append(links, WorkshopTheme{WorkshopID: w.ID, ThemeID: th.ID})
			w.Themes = append(w.Themes, th)
		}
	}
	if _, err := tx.NewInsert().Model(&links).Exec(ctx); err != nil {
		return fmt.Errorf("insert workshop themes: %w", err)
	}
	return nil
}

// SetWorkshopStatus publishes a workshop or puts it back in draft (no longer public, its
// sessions leave the calendar and the feeds). Returns a *ValidationError, ErrNotFound or
// ErrForbidden.
func (s *Service) SetWorkshopStatus(ctx context.Context, actor Actor, id int64, status string) error {
	if status != WorkshopDraft && status != WorkshopPublished {
		return &ValidationError{Fields: map[string]string{"status": "Choisissez brouillon ou publié."}}
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		w := new(Workshop)
		if err := tx.NewSelect().Model(w).Where("w.id = ?", id).Scan(ctx); err != nil {
			return notFound(err, "get workshop")
		}
		st, err := structureFor(ctx, tx, actor, w.StructureID)
		if err != nil {
			return err
		}
		return s.saveWorkshopStatus(ctx, tx, actor, st, w, status)
	})
}

// saveWorkshopStatus stores a valid status of the stored workshop w in tx, if it changes.
func (s *Service) saveWorkshopStatus(ctx context.Context, tx bun.Tx, actor Actor, st *Structure, w *Workshop, status string) error {
	if w.Status == status {
		return nil
	}
	w.Status, w.UpdatedAt = status, s.now().UTC()
	if _, err := tx.NewUpdate().Model(w).Column("status", "updated_at").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("set workshop status: %w", err)
	}
	action := "published"
	if status == WorkshopDraft {
		action = "unpublished"
	}
	return s.record(ctx, tx, actor, st, action, "workshop", w.ID, w.Title)
}

// DuplicateWorkshop copies a workshop, themes included and sessions not, as a draft titled
// "Copie de …". Returns ErrNotFound or ErrForbidden.
func (s *Service) DuplicateWorkshop(ctx context.Context, actor Actor, id int64) (*Workshop, error) {
	w := new(Workshop)
	if err := s.db.NewSelect().Model(w).Relation("Themes").Where("w.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get workshop")
	}
	dup := *w
	dup.ID, dup.Slug, dup.Status = 0, "", WorkshopDraft
	dup.Title = truncate("Copie de "+w.Title, maxName-1)
	dup.ThemeSlugs = nil
	for _, t := range w.Themes {
		dup.ThemeSlugs = append(dup.ThemeSlugs, t.Slug)
	}
	dup.Themes = nil
	if err := s.CreateWorkshop(ctx, actor, &dup); err != nil {
		return nil, err
	}
	return &dup, nil
}

// StructureForEdit returns a structure, whatever its status, to someone who may manage it.
// Returns ErrNotFound or ErrForbidden.
func (s *Service) StructureForEdit(ctx context.Context, actor Actor, slug string) (*Structure, error) {
	if !IsSlug(slug) {
		return nil, ErrNotFound
	}
	st := new(Structure)
	if err := s.db.NewSelect().Model(st).Where("st.slug = ?", slug).Scan(ctx); err != nil {
		return nil, notFound(err, "get structure")
	}
	if !actor.MayManage(st) {
		return nil, ErrForbidden
	}
	return st, nil
}

// editableStructureColumns are what UpdateStructure replaces; the slug, territory and
// status stay.
var editableStructureColumns = []string{"name", "kind", "description", "address", "address_extra", "postcode",
	"town", "town_key", "latitude", "longitude", "access_info", "accessibility", "opening_hours", "phone",
	"email", "website", "labels", "reminder", "digest", "search_key", "updated_at"}

// UpdateStructure replaces a structure's profile with st's (its ID names the structure).
// Sessions held at the structure's address follow its new town. Returns a
// *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) UpdateStructure(ctx context.Context, actor Actor, st *Structure) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := structureFor(ctx, tx, actor, st.ID)
		if err != nil {
			return err
		}
		return s.saveStructure(ctx, tx, actor, old, st)
	})
}

// saveStructure stores st's profile over old, the stored structure of the same ID, in tx;
// the slug, territory and status stay old's. st must be valid.
func (s *Service) saveStructure(ctx context.Context, tx bun.Tx, actor Actor, old, st *Structure) error {
	st.ID, st.Slug, st.TerritoryID, st.Status, st.CreatedAt = old.ID, old.Slug, old.TerritoryID, old.Status, old.CreatedAt
	st.UpdatedAt = s.now().UTC()
	if _, err := tx.NewUpdate().Model(st).Column(editableStructureColumns...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update structure: %w", err)
	}
	_, err := tx.NewUpdate().Model((*Session)(nil)).
		Set("town_key = ?, postcode = ?, departement = ?", st.TownKey, st.Postcode, departement(st.Postcode)).
		Where("structure_id = ? AND place_id IS NULL", st.ID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("relocate sessions: %w", err)
	}
	return s.record(ctx, tx, actor, st, "updated", "structure", st.ID, st.Name)
}

// SetStructureStatus validates (active) or refuses a structure that asked to join, or
// suspends one. Only the coordinators of its territory may. Returns ErrNotFound,
// ErrForbidden or a *ValidationError.
func (s *Service) SetStructureStatus(ctx context.Context, actor Actor, id int64, status string) error {
	if status != StructureActive && status != StructurePending && status != StructureRefused {
		return &ValidationError{Fields: map[string]string{"status": "Statut de structure inconnu."}}
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.SetStructureStatusTx(ctx, tx, actor, id, status)
		return err
	})
}

// SetStructureStatusTx is SetStructureStatus inside a transaction of Write, returning the
// structure, for decisions that span packages (accepting a join request also creates the
// first member's account).
func (s *Service) SetStructureStatusTx(ctx context.Context, tx bun.Tx, actor Actor, id int64, status string) (*Structure, error) {
	if status != StructureActive && status != StructurePending && status != StructureRefused {
		return nil, &ValidationError{Fields: map[string]string{"status": "Statut de structure inconnu."}}
	}
	st := new(Structure)
	if err := tx.NewSelect().Model(st).Where("st.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get structure")
	}
	if !actor.Coordinates(st.TerritoryID) {
		return nil, ErrForbidden
	}
	if st.Status == status {
		return st, nil
	}
	st.Status, st.UpdatedAt = status, s.now().UTC()
	if _, err := tx.NewUpdate().Model(st).Column("status", "updated_at").WherePK().Exec(ctx); err != nil {
		return nil, fmt.Errorf("set structure status: %w", err)
	}
	return st, s.record(ctx, tx, actor, st, "status:"+status, "structure", st.ID, st.Name)
}

// Places lists a structure's other places, by name.
func (s *Service) Places(ctx context.Context, structureID int64) ([]Place, error) {
	var out []Place
	if err := s.db.NewSelect().Model(&out).Where("pl.structure_id = ?", structureID).Order("pl.name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list places: %w", err)
	}
	return out, nil
}

// UpdatePlace replaces a place's fields with p's (its ID names the place); its sessions
// follow its new town. Returns a *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) UpdatePlace(ctx context.Context, actor Actor, p *Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		old := new(Place)
		if err := tx.NewSelect().Model(old).Where("pl.id = ?", p.ID).Scan(ctx); err != nil {
			return notFound(err, "get place")
		}
		st, err := structureFor(ctx, tx, actor, old.StructureID)
		if err != nil {
			return err
		}
		p.StructureID, p.CreatedAt, p.UpdatedAt = old.StructureID, old.CreatedAt, s.now().UTC()
		if _, err := tx.NewUpdate().Model(p).ExcludeColumn("id", "structure_id", "created_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update place: %w", err)
		}
		_, err = tx.NewUpdate().Model((*Session)(nil)).
			Set("town_key = ?, postcode = ?, departement = ?", p.TownKey, p.Postcode, departement(p.Postcode)).
			Where("place_id = ?", p.ID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("relocate sessions: %w", err)
		}
		return s.record(ctx, tx, actor, st, "updated", "place", p.ID, p.Name)
	})
}

// DeleteSession deletes a session nobody ever enrolled in; any other must be cancelled,
// so that the people concerned are told. Returns ErrNotFound, ErrForbidden or ErrConflict.
func (s *Service) DeleteSession(ctx context.Context, actor Actor, id int64) error {
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		sess := new(Session)
		if err := lockForUpdate(tx.NewSelect().Model(sess).Where("s.id = ?", id)).Scan(ctx); err != nil {
			return notFound(err, "get session")
		}
		st, err := structureFor(ctx, tx, actor, sess.StructureID)
		if err != nil {
			return err
		}
		// Seats taken miss the people who waited or cancelled: their enrollments still
		// name the session (and keep it from being deleted).
		enrolled, err := tx.NewSelect().Table("enrollments").Where("session_id = ?", sess.ID).Exists(ctx)
		if err != nil {
			return fmt.Errorf("session enrollments: %w", err)
		}
		if !sess.Deletable() || enrolled {
			return fmt.Errorf("%w: des personnes sont inscrites à cette séance : annulez-la plutôt, elles seront prévenues", ErrConflict)
		}
		if _, err := tx.NewDelete().Model(sess).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return s.record(ctx, tx, actor, st, "deleted", "session", sess.ID, sess.StartsAt.In(Paris).Format("02/01/2006 15:04"))
	})
}
