package web

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// workshopInput is a workshop as the API receives it: every editable field, under its
// read API name.
type workshopInput struct {
	Title                  opt[string]         `json:"title"`
	Summary                opt[string]         `json:"summary"`
	Description            opt[string]         `json:"description"`
	LevelMin               opt[string]         `json:"level_min"`
	LevelMax               opt[string]         `json:"level_max"`
	Themes                 opt[[]string]       `json:"themes"`
	Format                 opt[string]         `json:"format"`
	Kind                   opt[string]         `json:"kind"`
	LifeEvent              opt[string]         `json:"life_event"`
	DefaultCapacity        opt[int]            `json:"default_capacity"`
	DefaultDurationMinutes opt[int]            `json:"default_duration_minutes"`
	DevicesToBring         opt[workshops.List] `json:"devices_to_bring"`
	DevicesLent            opt[workshops.List] `json:"devices_lent"`
	WhatToBring            opt[string]         `json:"what_to_bring"`
	Accessibility          opt[string]         `json:"accessibility"`
	Languages              opt[workshops.List] `json:"languages"`
	Price                  opt[string]         `json:"price"`
	PriceDetails           opt[string]         `json:"price_details"`
	Enrollment             opt[string]         `json:"enrollment"`
	Status                 opt[string]         `json:"status"`
}

// newWorkshopInput is a new workshop: its fields and the slug of its structure.
type newWorkshopInput struct {
	Structure     opt[string] `json:"structure"`
	workshopInput `json:",inline"`
}

// apply copies the members that were sent into w. Emptied fields that have a default
// (format, kind, price, enrollment, languages) get it back from the domain; an empty
// status, or none on a new workshop, is draft: nothing is public before it is asked to be.
func (in *workshopInput) apply(w *workshops.Workshop) {
	in.Title.apply(&w.Title)
	in.Summary.apply(&w.Summary)
	in.Description.apply(&w.Description)
	in.LevelMin.apply(&w.LevelMin)
	in.LevelMax.apply(&w.LevelMax)
	in.Themes.apply(&w.ThemeSlugs)
	in.Format.apply(&w.Format)
	in.Kind.apply(&w.Kind)
	in.LifeEvent.apply(&w.LifeEvent)
	in.DefaultCapacity.apply(&w.DefaultCapacity)
	in.DefaultDurationMinutes.apply(&w.DefaultDurationMinutes)
	in.DevicesToBring.apply(&w.DevicesToBring)
	in.DevicesLent.apply(&w.DevicesLent)
	in.WhatToBring.apply(&w.WhatToBring)
	in.Accessibility.apply(&w.Accessibility)
	in.Languages.apply(&w.Languages)
	in.Price.apply(&w.Price)
	in.PriceDetails.apply(&w.PriceDetails)
	in.Enrollment.apply(&w.Enrollment)
	in.Status.apply(&w.Status)
	if w.Status == "" {
		w.Status = workshops.WorkshopDraft
	}
}

// apiManagedWorkshop is a workshop as the writes return it: the read API's shape and its
// status, since it may be a draft (whose public url and API address answer 404 until it
// is published).
type apiManagedWorkshop struct {
	apiWorkshop
	Status string `json:"status"`
}

func (s *server) apiManagedWorkshopOf(w *workshops.Workshop) apiManagedWorkshop {
	return apiManagedWorkshop{apiWorkshop: s.apiWorkshopOf(w), Status: w.Status}
}

// apiCreateWorkshop creates a workshop of a structure the token's owner manages: 201
// with the workshop, a draft unless status says published.
func (s *server) apiCreateWorkshop(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	var in newWorkshopInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	w := &workshops.Workshop{}
	in.apply(w)
	slug := in.Structure.Value
	var st *workshops.Structure
	var stErr error
	switch {
	case slug == "":
		stErr = invalidMember("structure", "Indiquez la structure qui propose l'atelier, par son identifiant (slug).")
	case !validSlug(slug):
		stErr = invalidMember("structure", fmt.Sprintf("Aucune structure ne porte l'identifiant « %s ».", truncateRunes(slug, 80)))
	default:
		var err error
		st, err = s.ws.StructureForEdit(ctx, who, slug)
		if errors.Is(err, workshops.ErrNotFound) {
			stErr = invalidMember("structure", fmt.Sprintf("Aucune structure ne porte l'identifiant « %s ».", truncateRunes(slug, 80)))
		} else if err != nil {
			return err
		}
	}
	if stErr != nil {
		// Say everything that is wrong at once: the workshop's own fields too.
		voc, err := s.ws.Vocabulary(ctx)
		if err != nil {
			return err
		}
		return joinInvalid(stErr, w.Validate(voc))
	}
	w.StructureID = st.ID
	if err := s.ws.CreateWorkshop(ctx, who, w); err != nil {
		return err
	}
	w.Structure = st
	return apiCreated(c, s.abs(apiPrefix+pathOf("workshops", w.Slug)), s.apiManagedWorkshopOf(w))
}

// apiUpdateWorkshop changes the fields sent of a workshop, its status included.
func (s *server) apiUpdateWorkshop(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	var in workshopInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	slug := apiPathParam(c, "slug")
	notFound := missing{param: "slug", detail: fmt.Sprintf("Aucun atelier ne s'appelle « %s ».", truncateRunes(slug, 80))}
	if !validSlug(slug) {
		return notFound
	}
	w, err := s.ws.EditWorkshop(c.UserContext(), actor(c), slug, in.apply)
	if errors.Is(err, workshops.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	return apiJSON(c, s.apiManagedWorkshopOf(w))
}
