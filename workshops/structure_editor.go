package workshops

import (
	"context"
)

// StructureEditor is what a structure's profile page shows.
type StructureEditor struct {
	Structure *Structure
	// Places are the structure's other places, by name.
	Places []Place
	// Towns are towns with coordinates to pick from (see knownTowns).
	Towns []KnownTown
	// Place is the place a form was submitted for: a new one (ID zero) or one of Places.
	Place *Place
}

// StructureEditor reads a structure's profile page, whatever the structure's status.
// Returns ErrNotFound or ErrForbidden.
func (s *Service) StructureEditor(ctx context.Context, actor Actor, slug string) (*StructureEditor, error) {
	st, err := s.StructureForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	return s.structureEditor(ctx, st)
}

func (s *Service) structureEditor(ctx context.Context, st *Structure) (*StructureEditor, error) {
	ed := &StructureEditor{Structure: st}
	var err error
	if ed.Places, err = s.Places(ctx, st.ID); err != nil {
		return nil, err
	}
	if ed.Towns, err = s.knownTowns(ctx, st.TerritoryID); err != nil {
		return nil, err
	}
	return ed, nil
}

// SaveStructure replaces the profile of the structure of a slug with st's (see
// UpdateStructure). It returns the editor in every case but ErrNotFound and ErrForbidden,
// with a *ValidationError naming every mistake (invalid's first) when nothing is saved.
func (s *Service) SaveStructure(ctx context.Context, actor Actor, slug string, st *Structure, invalid *ValidationError) (*StructureEditor, error) {
	ed, err := s.StructureEditor(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	st.ID = ed.Structure.ID
	if err := joinInvalid(invalid, st.Validate()); err != nil {
		return ed, err
	}
	if err := s.UpdateStructure(ctx, actor, st); err != nil {
		return ed, err
	}
	return ed, nil
}

// AddPlace adds a place to the structure of a slug (see CreatePlace). It returns the
// editor in every case but ErrNotFound and ErrForbidden, with a *ValidationError naming
// every mistake when nothing is saved.
func (s *Service) AddPlace(ctx context.Context, actor Actor, slug string, p *Place, invalid *ValidationError) (*StructureEditor, error) {
	ed, err := s.StructureEditor(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	p.ID, p.StructureID = 0, ed.Structure.ID
	ed.Place = p
	if err := joinInvalid(invalid, p.Validate()); err != nil {
		return ed, err
	}
	if err := s.CreatePlace(ctx, actor, p); err != nil {
		return ed, err
	}
	return ed, nil
}

// SavePlace replaces the fields of the place of an id with p's (see UpdatePlace). It
// returns the editor of the place's structure in every case but ErrNotFound and
// ErrForbidden, with a *ValidationError naming every mistake when nothing is saved.
func (s *Service) SavePlace(ctx context.Context, actor Actor, id int64, p *Place, invalid *ValidationError) (*StructureEditor, error) {
	old := new(Place)
	if err := s.db.NewSelect().Model(old).Where("pl.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get place")
	}
	st := new(Structure)
	if err := s.db.NewSelect().Model(st).Where("st.id = ?", old.StructureID).Scan(ctx); err != nil {
		return nil, notFound(err, "get structure")
	}
	if !actor.MayManage(st) {
		return nil, ErrForbidden
	}
	ed, err := s.structureEditor(ctx, st)
	if err != nil {
		return nil, err
	}
	p.ID, p.StructureID = id, st.ID
	ed.Place = p
	if err := joinInvalid(invalid, p.Validate()); err != nil {
		return ed, err
	}
	if err := s.UpdatePlace(ctx, actor, p); err != nil {
		return ed, err
	}
	return ed, nil
}
