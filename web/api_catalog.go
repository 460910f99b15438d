package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// The catalogue: workshops, structures and the levels and themes vocabularies.

// apiWorkshopRef is what a session says of its workshop: enough to list and filter it.
type apiWorkshopRef struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	LevelMin string `json:"level_min"`
	LevelMax string `json:"level_max"`
	// Themes are in the vocabulary's order.
	Themes     []apiThemeRef `json:"themes"`
	LifeEvent  *string       `json:"life_event"`
	Kind       string        `json:"kind"`
	Format     string        `json:"format"`
	Price      string        `json:"price"`
	Enrollment string        `json:"enrollment"`
	URL        string        `json:"url"`
}

// apiThemeRef names a theme where it is used.
type apiThemeRef struct {
	Slug  string `json:"slug"`
	Label string `json:"label"`
}

// apiWorkshop is a workshop with everything a person needs to know before coming.
type apiWorkshop struct {
	apiWorkshopRef
	Description            string          `json:"description"`
	PriceDetails           string          `json:"price_details"`
	Languages              []string        `json:"languages"`
	DevicesToBring         []string        `json:"devices_to_bring"`
	DevicesLent            []string        `json:"devices_lent"`
	WhatToBring            string          `json:"what_to_bring"`
	Accessibility          string          `json:"accessibility"`
	DefaultCapacity        int             `json:"default_capacity"`
	DefaultDurationMinutes int             `json:"default_duration_minutes"`
	UpdatedAt              parisTime       `json:"updated_at"`
	Structure              apiStructureRef `json:"structure"`
}

// apiWorkshopWithSessions is a workshop with its upcoming sessions.
type apiWorkshopWithSessions struct {
	apiWorkshop
	Sessions []apiSession `json:"sessions"`
}

// apiWorkshopPage is one page of workshops in slug order; there is no previous link
// because the walk only goes forward.
type apiWorkshopPage struct {
	Items      []apiWorkshop `json:"items"`
	NextCursor *string       `json:"next_cursor"`
	NextURL    *string       `json:"next_url"`
}

// apiStructureRef is what a session or workshop says of its structure.
type apiStructureRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Town string `json:"town"`
	URL  string `json:"url"`
}

// apiStructure is a structure with its address, contact and links to its sessions.
type apiStructure struct {
	apiStructureRef
	Kind          string    `json:"kind"`
	Description   string    `json:"description"`
	Address       string    `json:"address"`
	AddressExtra  string    `json:"address_extra"`
	Postcode      string    `json:"postcode"`
	Latitude      *float64  `json:"latitude"`
	Longitude     *float64  `json:"longitude"`
	Access        string    `json:"access"`
	Accessibility string    `json:"accessibility"`
	OpeningHours  string    `json:"opening_hours"`
	Phone         string    `json:"phone"`
	Email         string    `json:"email"`
	Website       string    `json:"website"`
	Labels        []string  `json:"labels"`
	UpdatedAt     parisTime `json:"updated_at"`
	ICSURL        string    `json:"ics_url"`
	SessionsURL   string    `json:"sessions_url"`
}

// apiLevel is a digital level with its La Coop equivalent.
type apiLevel struct {
	Code        string `json:"code"`
	Rank        int    `json:"rank"`
	Label       string `json:"label"`
	Description string `json:"description"`
	CoopLevel   string `json:"coop_level"`
}

// apiTheme is a theme with its equivalents in the national standard's services and in
// La Coop's thématiques.
type apiTheme struct {
	Slug            string   `json:"slug"`
	Label           string   `json:"label"`
	Description     string   `json:"description"`
	MednumServices  []string `json:"mednum_services"`
	CoopThematiques []string `json:"coop_thematiques"`
}

// maxSlugCursor bounds the after parameter of workshops: slugs are at most 80 characters.
const maxSlugCursor = 200

// apiWorkshops lists published workshops with the calendar's filters except dates and
// availability, which belong to sessions (they are ignored here).
func (s *server) apiWorkshops(c *fiber.Ctx) error {
	f, ferr := parseFilter(c)
	ferr = withoutFields(ferr, paramFrom, paramTo)
	f.From, f.To, f.Available = workshops.Date{}, workshops.Date{}, false
	limit, lerr := apiLimit(c)
	after := apiQueryValue(c, paramAfter)
	var aerr error
	if len([]rune(after)) > maxSlugCursor {
		aerr = &workshops.ValidationError{Fields: map[string]string{paramAfter: "Ce lien de page n'est pas valide. Revenez à la première page."}}
	}
	if err := joinInvalid(ferr, lerr, aerr); err != nil {
		return invalidQuery(err)
	}
	// One more than asked tells whether there is a next page.
	list, err := s.ws.Workshops(c.UserContext(), f, after, limit+1)
	if err != nil {
		return invalidQuery(err)
	}
	out := apiWorkshopPage{}
	if len(list) > limit {
		list = list[:limit]
		v := filterValues(f)
		v.Set(paramLimit, fmt.Sprint(limit))
		next := list[limit-1].Slug
		v.Set(paramAfter, next)
		u := s.abs(withQuery(apiPrefix+"/workshops", v))
		out.NextCursor, out.NextURL = &next, &u
	}
	out.Items = make([]apiWorkshop, len(list))
	for i := range list {
		out.Items[i] = s.apiWorkshopOf(&list[i])
	}
	return apiJSON(c, out)
}

// apiWorkshop shows a published workshop with its upcoming sessions.
func (s *server) apiWorkshop(c *fiber.Ctx) error {
	slug := apiPathParam(c, "slug")
	d, err := s.ws.WorkshopDetail(c.UserContext(), slug, maxWorkshopSessions)
	if err != nil {
		return notFoundAs(err, "slug", fmt.Sprintf("Aucun atelier publié ne s'appelle « %s ».", truncateRunes(slug, 80)))
	}
	return apiJSON(c, apiWorkshopWithSessions{apiWorkshop: s.apiWorkshopOf(d.Workshop), Sessions: s.apiSessionsOf(d.Upcoming)})
}

// apiStructures lists the active structures by town, optionally only some of them
// (structure, repeatable) or those of a town or postcode (city).
func (s *server) apiStructures(c *fiber.Ctx) error {
	list, err := s.ws.Structures(c.UserContext(), workshops.StructureFilter{
		Slugs: queryList(c, paramStructure),
		City:  apiQueryValue(c, paramCity),
	})
	if err != nil {
		return err
	}
	out := apiItems[apiStructure]{Items: make([]apiStructure, len(list))}
	for i := range list {
		out.Items[i] = s.apiStructureOf(&list[i])
	}
	return apiJSON(c, out)
}

// apiStructure shows an active structure.
func (s *server) apiStructure(c *fiber.Ctx) error {
	slug := apiPathParam(c, "slug")
	st, err := s.ws.Structure(c.UserContext(), slug)
	if err != nil {
		return notFoundAs(err, "slug", fmt.Sprintf("Aucune structure ne s'appelle « %s ».", truncateRunes(slug, 80)))
	}
	return apiJSON(c, s.apiStructureOf(st))
}

// apiLevels lists the digital levels, from éloigné to autonome.
func (s *server) apiLevels(c *fiber.Ctx) error {
	voc, err := s.ws.Vocabulary(c.UserContext())
	if err != nil {
		return err
	}
	out := apiItems[apiLevel]{Items: make([]apiLevel, len(voc.Levels))}
	for i, l := range voc.Levels {
		out.Items[i] = apiLevel{Code: l.Code, Rank: l.Rank, Label: l.Label, Description: l.Description, CoopLevel: l.CoopLevel}
	}
	return apiJSON(c, out)
}

// apiThemes lists the themes in their display order, with their mappings.
func (s *server) apiThemes(c *fiber.Ctx) error {
	voc, err := s.ws.Vocabulary(c.UserContext())
	if err != nil {
		return err
	}
	out := apiItems[apiTheme]{Items: make([]apiTheme, len(voc.Themes))}
	for i := range voc.Themes {
		t := &voc.Themes[i]
		out.Items[i] = apiTheme{
			Slug: t.Slug, Label: t.Label, Description: t.Description,
			MednumServices:  orEmpty(t.MappedValues(workshops.SchemeMednumService)),
			CoopThematiques: orEmpty(t.MappedValues(workshops.SchemeCoopThematique)),
		}
	}
	return apiJSON(c, out)
}

func (s *server) apiWorkshopRefOf(w *workshops.Workshop) apiWorkshopRef {
	themes := make([]apiThemeRef, len(w.Themes))
	for i, t := range w.Themes {
		themes[i] = apiThemeRef{Slug: t.Slug, Label: t.Label}
	}
	return apiWorkshopRef{
		Slug: w.Slug, Title: w.Title, Summary: w.Summary,
		LevelMin: w.LevelMin, LevelMax: w.LevelMax, Themes: themes,
		LifeEvent: optional(w.LifeEvent), Kind: w.Kind, Format: w.Format,
		Price: w.Price, Enrollment: w.Enrollment,
		URL: s.abs(pathOf("workshops", w.Slug)),
	}
}

func (s *server) apiWorkshopOf(w *workshops.Workshop) apiWorkshop {
	out := apiWorkshop{
		apiWorkshopRef: s.apiWorkshopRefOf(w),
		Description:    w.Description, PriceDetails: w.PriceDetails,
		Languages: orEmpty([]string(w.Languages)), DevicesToBring: orEmpty([]string(w.DevicesToBring)),
		DevicesLent: orEmpty([]string(w.DevicesLent)), WhatToBring: w.WhatToBring,
		Accessibility: w.Accessibility, DefaultCapacity: w.DefaultCapacity,
		DefaultDurationMinutes: w.DefaultDurationMinutes, UpdatedAt: parisTime(w.UpdatedAt),
	}
	if w.Structure != nil {
		out.Structure = s.apiStructureRefOf(w.Structure)
	}
	return out
}

func (s *server) apiStructureRefOf(st *workshops.Structure) apiStructureRef {
	return apiStructureRef{Slug: st.Slug, Name: st.Name, Town: st.Town, URL: s.abs(pathOf("structures", st.Slug))}
}

func (s *server) apiStructureOf(st *workshops.Structure) apiStructure {
	return apiStructure{
		apiStructureRef: s.apiStructureRefOf(st),
		Kind:            st.Kind, Description: st.Description,
		Address: st.Address, AddressExtra: st.AddressExtra, Postcode: st.Postcode,
		Latitude: st.Latitude, Longitude: st.Longitude,
		Access: st.AccessInfo, Accessibility: st.Accessibility, OpeningHours: st.OpeningHours,
		Phone: st.Phone, Email: st.Email, Website: st.Website,
		Labels:      orEmpty([]string(st.Labels)),
		UpdatedAt:   parisTime(st.UpdatedAt),
		ICSURL:      s.abs(pathOf("structures", st.Slug) + "/calendar.ics"),
		SessionsURL: s.abs(withQuery(apiPrefix+"/sessions", filterValues(workshops.Filter{Structures: []string{st.Slug}}))),
	}
}
