package web

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// structureInput is a structure's profile as the API receives it, under the read API's
// names. Coordinates are both set or both null.
type structureInput struct {
	Name          opt[string]         `json:"name"`
	Kind          opt[string]         `json:"kind"`
	Description   opt[string]         `json:"description"`
	Address       opt[string]         `json:"address"`
	AddressExtra  opt[string]         `json:"address_extra"`
	Postcode      opt[string]         `json:"postcode"`
	Town          opt[string]         `json:"town"`
	Latitude      opt[float64]        `json:"latitude"`
	Longitude     opt[float64]        `json:"longitude"`
	Access        opt[string]         `json:"access"`
	Accessibility opt[string]         `json:"accessibility"`
	OpeningHours  opt[string]         `json:"opening_hours"`
	Phone         opt[string]         `json:"phone"`
	Email         opt[string]         `json:"email"`
	Website       opt[string]         `json:"website"`
	Labels        opt[workshops.List] `json:"labels"`
}

// apply copies the members that were sent into st; null coordinates clear them.
func (in *structureInput) apply(st *workshops.Structure) {
	in.Name.apply(&st.Name)
	in.Kind.apply(&st.Kind)
	in.Description.apply(&st.Description)
	in.Address.apply(&st.Address)
	in.AddressExtra.apply(&st.AddressExtra)
	in.Postcode.apply(&st.Postcode)
	in.Town.apply(&st.Town)
	for _, c := range []struct {
		in  opt[float64]
		dst **float64
	}{{in.Latitude, &st.Latitude}, {in.Longitude, &st.Longitude}} {
		switch {
		case c.in.Null:
			*c.dst = nil
		case c.in.Set:
			v := c.in.Value
			*c.dst = &v
		}
	}
	in.Access.apply(&st.AccessInfo)
	in.Accessibility.apply(&st.Accessibility)
	in.OpeningHours.apply(&st.OpeningHours)
	in.Phone.apply(&st.Phone)
	in.Email.apply(&st.Email)
	in.Website.apply(&st.Website)
	in.Labels.apply(&st.Labels)
}

// structureNames are the API names of the domain's structure fields, where they differ.
var structureNames = map[string]string{"access_info": "access"}

// apiUpdateStructure changes the fields sent of a structure's profile.
func (s *server) apiUpdateStructure(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	var in structureInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	slug := apiPathParam(c, "slug")
	notFound := missing{param: "slug", detail: fmt.Sprintf("Aucune structure ne s'appelle « %s ».", truncateRunes(slug, 80))}
	if !validSlug(slug) {
		return notFound
	}
	st, err := s.ws.EditStructure(c.UserContext(), actor(c), slug, in.apply)
	if errors.Is(err, workshops.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return renamed(err, structureNames)
	}
	return apiJSON(c, s.apiStructureOf(st))
}
