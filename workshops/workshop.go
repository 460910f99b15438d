package workshops

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Workshop is what is taught: a collective workshop offered by a structure, tagged with a
// level range and themes, with one or more dated sessions.
type Workshop struct {
	bun.BaseModel `bun:"table:workshops,alias:w"`

	ID          int64 `bun:",pk,autoincrement"`
	StructureID int64
	Structure   *Structure `bun:"rel:belongs-to,join:structure_id=id"`
	Slug        string
	// Status is "draft" (not public) or "published".
	Status      string
	Title       string
	Summary     string
	Description string
	// LevelMin and LevelMax are level codes: the workshop is for people from LevelMin to
	// LevelMax included.
	LevelMin               string
	LevelMax               string
	Format                 string
	Kind                   string
	LifeEvent              string
	DefaultCapacity        int
	DefaultDurationMinutes int
	DevicesToBring         List `bun:",type:text"`
	DevicesLent            List `bun:",type:text"`
	WhatToBring            string
	Accessibility          string
	Languages              List `bun:",type:text"`
	Price                  string
	PriceDetails           string
	Enrollment             string
	// NoWaitlist refuses a waiting list: a full session then refuses enrollments.
	NoWaitlist bool
	// ReservedSeats are kept for people oriented by a professional: self-enrollment sees
	// that many fewer seats.
	ReservedSeats int
	SearchKey     string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Themes are loaded by the listing queries; ThemeSlugs is what CreateWorkshop stores.
	Themes     []Theme  `bun:"m2m:workshop_themes,join:Workshop=Theme"`
	ThemeSlugs []string `bun:"-"`
}

// WorkshopTheme links workshops and themes.
type WorkshopTheme struct {
	bun.BaseModel `bun:"table:workshop_themes,alias:wt"`

	WorkshopID int64     `bun:",pk"`
	Workshop   *Workshop `bun:"rel:belongs-to,join:workshop_id=id"`
	ThemeID    int64     `bun:",pk"`
	Theme      *Theme    `bun:"rel:belongs-to,join:theme_id=id"`
}

// Workshop statuses.
const (
	WorkshopDraft     = "draft"
	WorkshopPublished = "published"
)

// Parcours reports whether the workshop's sessions are enrolled as a whole.
func (w *Workshop) Parcours() bool { return w.Kind == "parcours" }

// OpenEnrollment reports whether people may enroll themselves.
func (w *Workshop) OpenEnrollment() bool { return w.Enrollment == "ouvert" }

// HasTheme reports whether the workshop carries the theme of a slug.
func (w *Workshop) HasTheme(slug string) bool {
	for _, t := range w.Themes {
		if t.Slug == slug {
			return true
		}
	}
	return false
}

func (w *Workshop) normalize() {
	w.Title = cleanLine(w.Title)
	w.Summary = cleanLine(w.Summary)
	w.Description = cleanText(w.Description)
	w.WhatToBring = cleanText(w.WhatToBring)
	w.Accessibility = cleanText(w.Accessibility)
	w.PriceDetails = cleanLine(w.PriceDetails)
	// A theme named twice would be linked twice: the second link breaks the primary key.
	w.ThemeSlugs = slices.Compact(slices.Sorted(slices.Values(w.ThemeSlugs)))
	defaults := map[*string]string{
		&w.Status: WorkshopPublished, &w.Format: "collectif", &w.Kind: "a-la-carte",
		&w.Price: "gratuit", &w.Enrollment: "professionnels",
	}
	for field, def := range defaults {
		if *field == "" {
			*field = def
		}
	}
	if len(w.Languages) == 0 {
		w.Languages = List{"fr"}
	}
	w.ThemeSlugs, w.Languages = distinct(w.ThemeSlugs), distinct(w.Languages)
	w.DevicesToBring, w.DevicesLent = distinct(w.DevicesToBring), distinct(w.DevicesLent)
	w.SearchKey = searchKey(w.Title, w.Summary, w.Description, LifeEvents.Label(w.LifeEvent))
}

// Validate checks the workshop's fields against the vocabulary and returns a
// *ValidationError naming each invalid one.
func (w *Workshop) Validate(voc *Vocabulary) error {
	w.normalize()
	v := &ValidationError{}
	checkRequired(v, "title", w.Title, maxName, "Indiquez le titre de l'atelier.")
	checkLength(v, "summary", w.Summary, maxLine)
	checkRequired(v, "description", w.Description, maxText, "Décrivez l'atelier en quelques phrases simples.")
	checkLength(v, "what_to_bring", w.WhatToBring, maxShort)
	checkLength(v, "accessibility", w.Accessibility, maxShort)
	checkLength(v, "price_details", w.PriceDetails, maxLine)
	lo, hi := voc.Level(w.LevelMin), voc.Level(w.LevelMax)
	switch {
	case lo == nil:
		v.Add("level_min", "Choisissez le niveau le plus bas dans la liste.")
	case hi == nil:
		v.Add("level_max", "Choisissez le niveau le plus haut dans la liste.")
	case lo.Rank > hi.Rank:
		v.Add("level_max", "Le niveau le plus haut doit être au-dessus du niveau le plus bas.")
	}
	if len(w.ThemeSlugs) == 0 {
		v.Add("themes", "Choisissez au moins un thème.")
	}
	for _, slug := range w.ThemeSlugs {
		if voc.Theme(slug) == nil {
			v.Add("themes", "Choisissez les thèmes dans la liste.")
		}
	}
	if w.Status != WorkshopDraft && w.Status != WorkshopPublished {
		v.Add("status", "Choisissez brouillon ou publié.")
	}
	choices := []struct {
		field string
		value string
		set   Choices
		msg   string
	}{
		{"format", w.Format, Formats, "Choisissez le format dans la liste."},
		{"kind", w.Kind, WorkshopKinds, "Choisissez « à la carte » ou « parcours »."},
		{"price", w.Price, Prices, "Choisissez le tarif dans la liste."},
		{"enrollment", w.Enrollment, EnrollmentModes, "Choisissez qui peut inscrire."},
	}
	for _, c := range choices {
		if !c.set.Has(c.value) {
			v.Add(c.field, c.msg)
		}
	}
	if w.LifeEvent != "" && !LifeEvents.Has(w.LifeEvent) {
		v.Add("life_event", "Choisissez le moment de vie dans la liste.")
	}
	for field, list := range map[string]List{"devices_to_bring": w.DevicesToBring, "devices_lent": w.DevicesLent} {
		for _, d := range list {
			if !Devices.Has(d) {
				v.Add(field, "Choisissez les appareils dans la liste.")
			}
		}
	}
	for _, l := range w.Languages {
		if !Languages.Has(l) {
			v.Add("languages", "Choisissez les langues dans la liste.")
		}
	}
	if w.DefaultCapacity < 1 || w.DefaultCapacity > MaxCapacity {
		v.Add("default_capacity", fmt.Sprintf("Indiquez un nombre de places entre 1 et %d.", MaxCapacity))
	}
	if w.ReservedSeats < 0 || w.ReservedSeats > w.DefaultCapacity {
		v.Add("reserved_seats", "Les places réservées aux orientations ne peuvent pas dépasser le nombre de places.")
	}
	if w.DefaultDurationMinutes < 15 || w.DefaultDurationMinutes > MaxDurationMinutes {
		v.Add("default_duration_minutes", "Indiquez une durée entre 15 minutes et 8 heures.")
	}
	return v.Err()
}

// CreateWorkshop validates and stores a workshop with its themes (w.ThemeSlugs), giving
// it a unique slug from its title when it has none. Returns a *ValidationError,
// ErrNotFound (unknown structure) or ErrForbidden.
func (s *Service) CreateWorkshop(ctx context.Context, actor Actor, w *Workshop) error {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return err
	}
	if err := w.Validate(voc); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		st, err := structureFor(ctx, tx, actor, w.StructureID)
		if err != nil {
			return err
		}
		slug, err := uniqueSlug(ctx, tx, "workshops", w.Slug, w.Title)
		if err != nil {
			return err
		}
		w.Slug = slug
		now := s.now().UTC()
		w.CreatedAt, w.UpdatedAt = now, now
		if _, err := tx.NewInsert().Model(w).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert workshop: %w", err)
		}
		if err := s.insertThemes(ctx, tx, voc, w); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, st, "created", "workshop", w.ID, w.Title)
	})
}

// Workshop returns the published workshop of a slug, with its structure and themes, or
// ErrNotFound.
func (s *Service) Workshop(ctx context.Context, slug string) (*Workshop, error) {
	if !IsSlug(slug) {
		return nil, ErrNotFound
	}
	w := new(Workshop)
	err := s.db.NewSelect().Model(w).
		Relation("Structure").
		Relation("Themes", orderThemes).
		Where("w.slug = ?", slug).
		Where("w.status = ?", WorkshopPublished).
		Where("structure.status = ?", StructureActive).
		Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get workshop")
	}
	return w, nil
}

// Workshops lists the published workshops matching f (its dates and seat availability do
// not apply: they belong to sessions), ordered by slug, at most limit of them after the
// workshop whose slug is after (keyset pagination). It returns a *ValidationError for an
// invalid filter.
func (s *Service) Workshops(ctx context.Context, f Filter, after string, limit int) ([]Workshop, error) {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(voc); err != nil {
		return nil, err
	}
	var out []Workshop
	q := s.db.NewSelect().Model(&out).
		Relation("Structure").
		Relation("Themes", orderThemes).
		Where("w.status = ?", WorkshopPublished).
		Where("structure.status = ?", StructureActive)
	q = f.applyToWorkshops(q, voc)
	if after != "" {
		q = q.Where("w.slug > ?", after)
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	if err := q.Order("w.slug").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list workshops: %w", err)
	}
	return out, nil
}

func orderThemes(q *bun.SelectQuery) *bun.SelectQuery { return q.Order("th.position") }
