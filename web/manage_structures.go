package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"structure-saved": "Le profil de la structure est enregistré.",
		"place-added":     "Le lieu est ajouté : il peut accueillir des séances.",
		"place-saved":     "Le lieu est enregistré.",
	})
}

// addressFields are the address fields structures and places share.
type addressFields struct {
	Address       field
	AddressExtra  field
	Postcode      field
	Town          field
	KnownTown     selectField
	Latitude      field
	Longitude     field
	AccessInfo    textArea
	Accessibility textArea
}

func newAddressFields(f *formView, towns []workshops.KnownTown) addressFields {
	picks := []choiceOption{{Value: "", Label: "— Garder la commune et les coordonnées saisies —"}}
	for _, t := range towns {
		picks = append(picks, choiceOption{Value: knownTownValue(t), Label: t.Name + " (" + t.Postcode + ")"})
	}
	return addressFields{
		Address:      f.input("address", "Adresse", "text", "Numéro et rue."),
		AddressExtra: f.input("address_extra", "Complément d'adresse", "text", "Bâtiment, étage, salle…"),
		Postcode:     f.input("postcode", "Code postal", "text", ""),
		Town:         f.input("town", "Commune", "text", ""),
		KnownTown: f.menu("known_town", "Ou choisir une commune connue",
			"Choisir une commune remplace la commune, le code postal et les coordonnées par ceux du centre de la commune.", picks),
		Latitude: f.input("latitude", "Latitude", "text",
			"Facultatif, en degrés décimaux, par exemple 48.6921. Elle place le lieu sur une carte."),
		Longitude:     f.input("longitude", "Longitude", "text", "Par exemple 6.1844."),
		AccessInfo:    f.area("access_info", "Comment venir", "Transports, parking, entrée.", 3),
		Accessibility: f.area("accessibility", "Accessibilité", "Par exemple : de plain-pied, ascenseur, boucle magnétique.", 3),
	}
}

// structureManageView is a structure's profile page, with its places.
type structureManageView struct {
	Layout
	Structure   *workshops.Structure
	PublicURL   string
	JournalURL  string
	MessagesURL string
	Errors      []fieldError
	Profile     structureForm
	Places      []placeForm
	NewPlace    placeForm
}

// structureForm is the structure's profile form.
type structureForm struct {
	Action       string
	Name         field
	Kind         selectField
	Description  textArea
	Where        addressFields
	OpeningHours textArea
	Phone        field
	Email        field
	Website      field
	Labels       choiceGroup
	Reminder     selectField
	Digest       selectField
}

// placeForm is the form of one place, or of a new one.
type placeForm struct {
	Anchor string
	Action string
	Title  string
	New    bool
	CSRF   string
	Name   field
	Where  addressFields
}

// structureForms says which form of the page was submitted, with its values and mistakes;
// the other forms show what is stored.
type structureForms struct {
	values url.Values
	ve     *workshops.ValidationError
	// place is the place submitted: -1 for the profile, 0 for a new place.
	place int64
}

func (s *server) newStructureManageView(c *fiber.Ctx, ed *workshops.StructureEditor, sub *structureForms) structureManageView {
	st := ed.Structure
	v := structureManageView{Structure: st, JournalURL: manageStructureURL(st.Slug) + "/journal", MessagesURL: messagesURL(st.Slug)}
	if st.Status == workshops.StructureActive {
		v.PublicURL = structureURL(st.Slug)
	}
	var summaries []fieldError
	profile := newFormView("st-", structureValues(st), nil)
	if sub != nil && sub.place < 0 {
		profile = newFormView("st-", sub.values, sub.ve)
	}
	v.Profile = structureForm{
		Action:       manageStructureURL(st.Slug),
		Name:         profile.input("name", "Nom de la structure", "text", ""),
		Kind:         profile.menu("kind", "Type de structure", "", options(workshops.StructureKinds)),
		Description:  profile.area("description", "Présentation", "Quelques phrases simples sur la structure et ce qu'elle propose.", 4),
		Where:        newAddressFields(profile, ed.Towns),
		OpeningHours: profile.area("opening_hours", "Horaires d'ouverture", "Par exemple : du mardi au samedi, de 10 h à 18 h.", 3),
		Phone:        profile.input("phone", "Téléphone", "tel", "Par exemple 03 83 00 00 00."),
		Email:        profile.input("email", "Courriel", "email", ""),
		Website:      profile.input("website", "Site internet", "url", "L'adresse complète, commençant par https://."),
		Labels:       profile.choices("labels", "Labels et réseaux", "", true, options(workshops.StructureLabels)),
		Reminder: profile.menu("reminder", "Rappel de la séance",
			"Un SMS ou un courriel rappelle la séance aux personnes inscrites, sauf à celles qui ont choisi le papier.", options(workshops.Reminders)),
		Digest: profile.menu("digest", "Liste des nouvelles inscriptions",
			"Un courriel à l'adresse de la structure, les jours où des personnes se sont inscrites.", options(workshops.Digests)),
	}
	summaries = append(summaries, profile.summary()...)
	for i := range ed.Places {
		p := &ed.Places[i]
		id := strconv.FormatInt(p.ID, 10)
		pf := newFormView("pl"+id+"-", placeValues(p), nil)
		if sub != nil && sub.place == p.ID {
			pf = newFormView("pl"+id+"-", sub.values, sub.ve)
		}
		v.Places = append(v.Places, placeForm{Anchor: "lieu-" + id, Action: "/manage/places/" + id, Title: p.Name,
			Name: pf.input("name", "Nom du lieu", "text", ""), Where: newAddressFields(pf, ed.Towns)})
		summaries = append(summaries, pf.summary()...)
	}
	nf := newFormView("np-", url.Values{}, nil)
	if sub != nil && sub.place == 0 {
		nf = newFormView("np-", sub.values, sub.ve)
	}
	v.NewPlace = placeForm{Anchor: "nouveau-lieu", Action: manageStructureURL(st.Slug) + "/places", Title: "Ajouter un lieu", New: true,
		Name: nf.input("name", "Nom du lieu", "text", "Par exemple : Salle des fêtes, Maison de quartier."), Where: newAddressFields(nf, ed.Towns)}
	summaries = append(summaries, nf.summary()...)
	v.Errors = summaries
	v.Layout = s.layout(c, errorTitle("Profil de "+st.Name, v.Errors), "manage")
	for i := range v.Places {
		v.Places[i].CSRF = v.CSRF
	}
	v.NewPlace.CSRF = v.CSRF
	return v
}

func coordinate(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// structureValues are the profile form's values for a stored structure.
func structureValues(st *workshops.Structure) url.Values {
	return url.Values{
		"name": {st.Name}, "kind": {st.Kind}, "description": {st.Description}, "address": {st.Address},
		"address_extra": {st.AddressExtra}, "postcode": {st.Postcode}, "town": {st.Town},
		"latitude": {coordinate(st.Latitude)}, "longitude": {coordinate(st.Longitude)},
		"access_info": {st.AccessInfo}, "accessibility": {st.Accessibility}, "opening_hours": {st.OpeningHours},
		"phone": {st.Phone}, "email": {st.Email}, "website": {st.Website}, "labels": st.Labels,
		"reminder": {st.Reminder}, "digest": {st.Digest},
	}
}

// placeValues are a place form's values for a stored place.
func placeValues(p *workshops.Place) url.Values {
	return url.Values{
		"name": {p.Name}, "address": {p.Address}, "address_extra": {p.AddressExtra}, "postcode": {p.Postcode},
		"town": {p.Town}, "latitude": {coordinate(p.Latitude)}, "longitude": {coordinate(p.Longitude)},
		"access_info": {p.AccessInfo}, "accessibility": {p.Accessibility},
	}
}

// editStructurePage is /manage/structures/{slug}: the structure's profile and places.
func (s *server) editStructurePage(c *fiber.Ctx) error {
	ed, err := s.ws.StructureEditor(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_structure", s.newStructureManageView(c, ed, nil))
}

// updateStructure saves the structure's profile.
func (s *server) updateStructure(c *fiber.Ctx) error {
	values := formValues(c)
	st, perr := parseStructureForm(values)
	ed, err := s.ws.SaveStructure(c.UserContext(), actor(c), c.Params("slug"), st, validationOf(perr))
	return s.afterStructureForm(c, ed, err, &structureForms{values: values, place: -1}, "", "structure-saved")
}

// createPlace adds a place to the structure.
func (s *server) createPlace(c *fiber.Ctx) error {
	values := formValues(c)
	p, perr := parsePlaceForm(values)
	ed, err := s.ws.AddPlace(c.UserContext(), actor(c), c.Params("slug"), p, validationOf(perr))
	return s.afterStructureForm(c, ed, err, &structureForms{values: values, place: 0}, "#lieux", "place-added")
}

// updatePlace saves one of the structure's places.
func (s *server) updatePlace(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	values := formValues(c)
	p, perr := parsePlaceForm(values)
	ed, err := s.ws.SavePlace(c.UserContext(), actor(c), id, p, validationOf(perr))
	return s.afterStructureForm(c, ed, err, &structureForms{values: values, place: id}, "#lieu-"+strconv.FormatInt(id, 10), "place-saved")
}

// afterStructureForm redirects after a saved form of the profile page, or shows the page
// again with the mistakes beside the submitted form's fields.
func (s *server) afterStructureForm(c *fiber.Ctx, ed *workshops.StructureEditor, err error, sub *structureForms, anchor, code string) error {
	if ve := validationOf(err); ve != nil && ed != nil {
		sub.ve = ve
		return s.render(c, http.StatusUnprocessableEntity, "manage_structure", s.newStructureManageView(c, ed, sub))
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL(manageStructureURL(ed.Structure.Slug), code)+anchor, fiber.StatusSeeOther)
}

// structureJournalView is a page of a structure's journal.
type structureJournalView struct {
	Layout
	Structure    *workshops.Structure
	StructureURL string
	Entries      []journalLine
	NextURL      string
	FirstURL     string
}

// structureJournalPage is /manage/structures/{slug}/journal: who did what, newest first.
func (s *server) structureJournalPage(c *fiber.Ctx) error {
	// A malformed "before" shows the first page rather than an error: it only comes
	// from a link.
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	j, err := s.ws.Journal(c.UserContext(), actor(c), c.Params("slug"), before)
	if err != nil {
		return err
	}
	st := j.Structure
	v := structureJournalView{Layout: s.layout(c, "Journal de "+st.Name, "manage"), Structure: st,
		StructureURL: manageStructureURL(st.Slug)}
	if before > 0 {
		v.Title += ", suite"
		v.FirstURL = manageStructureURL(st.Slug) + "/journal"
	}
	for i := range j.Entries {
		v.Entries = append(v.Entries, newJournalLine(&j.Entries[i]))
	}
	if j.Next > 0 {
		v.NextURL = manageStructureURL(st.Slug) + "/journal?before=" + strconv.FormatInt(j.Next, 10)
	}
	return s.render(c, http.StatusOK, "manage_journal", v)
}
