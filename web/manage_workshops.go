package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"workshop-created":     "L'atelier est enregistré en brouillon : il n'est pas encore public. Ajoutez ses séances, puis publiez-le.",
		"workshop-published":   "L'atelier est publié : il apparaît dans le calendrier avec ses séances.",
		"workshop-saved":       "Les modifications de l'atelier sont enregistrées.",
		"workshop-unpublished": "L'atelier est repassé en brouillon : il n'apparaît plus dans le calendrier.",
		"workshop-duplicated":  "Voici la copie de l'atelier, en brouillon et sans séances. Modifiez-la puis ajoutez ses séances.",
	})
}

// manageWorkshopURL is the address of a workshop's management page.
func manageWorkshopURL(slug string) string { return "/manage/workshops/" + url.PathEscape(slug) }

// manageSessionURL is the address of a session's management page.
func manageSessionURL(id int64) string { return "/manage/sessions/" + strconv.FormatInt(id, 10) }

// seatsAndWaiting says how many seats of a session are taken, and how many people wait:
// "6 inscrits sur 6 (complet), 2 en liste d'attente".
func seatsAndWaiting(s *workshops.Session) string {
	out := ics.Enrolled(s)
	if s.Waiting > 0 {
		out += ", " + strconv.Itoa(s.Waiting) + " en liste d'attente"
	}
	return out
}

// manageStructureURL is the address of a structure's profile page.
func manageStructureURL(slug string) string { return "/manage/structures/" + url.PathEscape(slug) }

// workshopFormView is the page of a workshop's form: a new workshop, or one to change with
// its sessions and its publishing buttons.
type workshopFormView struct {
	Layout
	Structure *workshops.Structure
	// Workshop is the stored workshop, nil for a new one.
	Workshop      *workshops.Workshop
	Action        string
	StructureURL  string
	Errors        []fieldError
	TitleInput    field
	Summary       field
	About         textArea
	Themes        choiceGroup
	LevelMin      selectField
	LevelMax      selectField
	LifeEvent     selectField
	Format        choiceGroup
	Kind          choiceGroup
	KindLocked    bool
	Capacity      field
	Duration      field
	ToBring       choiceGroup
	Lent          choiceGroup
	WhatToBring   textArea
	Accessibility textArea
	Languages     choiceGroup
	Price         choiceGroup
	PriceDetails  field
	Enrollment    choiceGroup
	// Sessions are the workshop's sessions, from a month ago on.
	Sessions []manageSessionLine
}

// newWorkshopFormView lays out the form from values as typed and the mistakes found.
func (s *server) newWorkshopFormView(c *fiber.Ctx, ed *workshops.WorkshopEditor, values url.Values, ve *workshops.ValidationError) workshopFormView {
	f := newFormView("w-", values, ve)
	voc := ed.Vocabulary
	var levels, themes []choiceOption
	levels = append(levels, choiceOption{Value: "", Label: "— Choisir un niveau —"})
	for _, l := range voc.Levels {
		levels = append(levels, choiceOption{Value: l.Code, Label: strconv.Itoa(l.Rank) + ". " + l.Label})
	}
	for _, t := range voc.Themes {
		themes = append(themes, choiceOption{Value: t.Slug, Label: t.Label})
	}
	lifeEvents := append([]choiceOption{{Value: "", Label: "Aucun en particulier"}}, options(workshops.LifeEvents)...)
	v := workshopFormView{
		Structure:    ed.Structure,
		Workshop:     ed.Workshop,
		StructureURL: manageStructureURL(ed.Structure.Slug),
		TitleInput:   f.input("title", "Titre de l'atelier", "text", "Court et parlant, par exemple « Envoyer des photos à ses proches »."),
		Summary:      f.input("summary", "Résumé en une phrase", "text", "Il s'affiche dans le calendrier, sous le titre."),
		About: f.area("description", "Description en langage simple",
			"Ce que l'on apprend, pour qui, comment se passe l'atelier. Des phrases courtes, sans jargon.", 6),
		LevelMin: f.menu("level_min", "Niveau le plus bas", "Du niveau 1, le plus éloigné du numérique, au niveau 5, autonome.",
			levels),
		LevelMax:  f.menu("level_max", "Niveau le plus haut", "", levels),
		Themes:    f.choices("themes", "Thèmes", "Cochez un ou plusieurs thèmes.", true, themes),
		LifeEvent: f.menu("life_event", "Moment de vie", "Pour un atelier « Parcours de vie ».", lifeEvents),
		Languages: f.choices("languages", "Langues de l'atelier", "", true, options(workshops.Languages)),
		Format:    f.choices("format", "Format", "", false, options(workshops.Formats)),
		Kind: f.choices("kind", "Organisation des séances",
			"Un parcours : la personne s'inscrit à toutes les séances ensemble.", false, options(workshops.WorkshopKinds)),
		KindLocked: ed.HasSessions,
		Capacity:   f.number("default_capacity", "Nombre de places habituel", "Il sera proposé pour chaque nouvelle séance."),
		Duration: f.input("default_duration_minutes", "Durée habituelle d'une séance",
			"text", "En minutes (par exemple 90) ou en heures (par exemple 1h30)."),
		ToBring:       f.choices("devices_to_bring", "Appareils à apporter", "La personne vient avec son appareil.", true, options(workshops.Devices)),
		Lent:          f.choices("devices_lent", "Appareils prêtés sur place", "", true, options(workshops.Devices)),
		WhatToBring:   f.area("what_to_bring", "Autres choses à prévoir", "Par exemple : identifiants de la CAF, carte Vitale, chargeur.", 3),
		Accessibility: f.area("accessibility", "Accessibilité de l'atelier", "Par exemple : grands caractères, rythme adapté, interprète.", 3),
		Price:         f.choices("price", "Tarif", "", false, options(workshops.Prices)),
		PriceDetails:  f.input("price_details", "Précisions sur le tarif", "text", "Par exemple : 2 € la séance, ou 1 chèque APTIC."),
		Enrollment:    f.choices("enrollment", "Qui peut inscrire", "", false, options(workshops.EnrollmentModes)),
	}
	v.Errors = f.summary()
	if ed.Workshop == nil {
		v.Action = manageStructureURL(ed.Structure.Slug) + "/workshops"
		v.Layout = s.layout(c, errorTitle("Nouvel atelier — "+ed.Structure.Name, v.Errors), "manage")
	} else {
		v.Action = manageWorkshopURL(ed.Workshop.Slug)
		v.Layout = s.layout(c, errorTitle("Modifier l'atelier « "+ed.Workshop.Title+" »", v.Errors), "manage")
		for i := range ed.Sessions {
			v.Sessions = append(v.Sessions, newManageSessionLine(v.Now, &ed.Sessions[i]))
		}
	}
	return v
}

// workshopValues are the form's values for a stored workshop, or the defaults of a new one.
func workshopValues(w *workshops.Workshop) url.Values {
	if w == nil {
		return url.Values{"format": {"collectif"}, "kind": {"a-la-carte"}, "price": {"gratuit"},
			"enrollment": {"professionnels"}, "languages": {"fr"}, "default_capacity": {"8"},
			"default_duration_minutes": {"120"}}
	}
	v := url.Values{
		"title": {w.Title}, "summary": {w.Summary}, "description": {w.Description},
		"level_min": {w.LevelMin}, "level_max": {w.LevelMax}, "format": {w.Format}, "kind": {w.Kind},
		"life_event": {w.LifeEvent}, "what_to_bring": {w.WhatToBring}, "accessibility": {w.Accessibility},
		"price": {w.Price}, "price_details": {w.PriceDetails}, "enrollment": {w.Enrollment},
		"default_capacity":         {strconv.Itoa(w.DefaultCapacity)},
		"default_duration_minutes": {strconv.Itoa(w.DefaultDurationMinutes)},
		"devices_to_bring":         w.DevicesToBring, "devices_lent": w.DevicesLent, "languages": w.Languages,
	}
	for _, t := range w.Themes {
		v.Add("themes", t.Slug)
	}
	return v
}

// newWorkshopPage is /manage/structures/{slug}/workshops/new.
func (s *server) newWorkshopPage(c *fiber.Ctx) error {
	ed, err := s.ws.NewWorkshopEditor(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_workshop", s.newWorkshopFormView(c, ed, workshopValues(nil), nil))
}

// createWorkshop saves a new workshop, as a draft or published.
func (s *server) createWorkshop(c *fiber.Ctx) error {
	values := formValues(c)
	sub, perr := parseWorkshopForm(values)
	sub.Invalid = validationOf(perr)
	ed, err := s.ws.CreateWorkshopIn(c.UserContext(), actor(c), c.Params("slug"), sub)
	if ve := validationOf(err); ve != nil && ed != nil {
		return s.render(c, http.StatusUnprocessableEntity, "manage_workshop", s.newWorkshopFormView(c, ed, values, ve))
	}
	if err != nil {
		return err
	}
	code := "workshop-created"
	if ed.Workshop.Status == workshops.WorkshopPublished {
		code = "workshop-published"
	}
	return c.Redirect(flashURL(manageWorkshopURL(ed.Workshop.Slug), code), fiber.StatusSeeOther)
}

// editWorkshopPage is /manage/workshops/{slug}: the workshop's form and its sessions.
func (s *server) editWorkshopPage(c *fiber.Ctx) error {
	ed, err := s.ws.WorkshopEditor(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_workshop", s.newWorkshopFormView(c, ed, workshopValues(ed.Workshop), nil))
}

// updateWorkshop saves a workshop's form, and publishes it when asked.
func (s *server) updateWorkshop(c *fiber.Ctx) error {
	values := formValues(c)
	sub, perr := parseWorkshopForm(values)
	sub.Invalid = validationOf(perr)
	ed, err := s.ws.SaveWorkshop(c.UserContext(), actor(c), c.Params("slug"), sub)
	if ve := validationOf(err); ve != nil && ed != nil {
		return s.render(c, http.StatusUnprocessableEntity, "manage_workshop", s.newWorkshopFormView(c, ed, values, ve))
	}
	if err != nil {
		return err
	}
	code := "workshop-saved"
	if sub.Status == workshops.WorkshopPublished && ed.Workshop.Status == workshops.WorkshopPublished {
		code = "workshop-published"
	}
	return c.Redirect(flashURL(manageWorkshopURL(ed.Workshop.Slug), code), fiber.StatusSeeOther)
}

// previewWorkshop is /manage/workshops/{slug}/preview: the workshop as its public page
// shows it, drafts included, under a banner.
func (s *server) previewWorkshop(c *fiber.Ctx) error {
	d, err := s.ws.WorkshopPreview(c.UserContext(), actor(c), c.Params("slug"), workshopSessionsShown+1)
	if err != nil {
		return err
	}
	v := s.newWorkshopView(c, d)
	w := d.Workshop
	v.Layout = s.layout(c, "Aperçu : "+w.Title, "manage")
	v.Preview = &previewBanner{EditURL: manageWorkshopURL(w.Slug), Draft: w.Status == workshops.WorkshopDraft}
	if !v.Preview.Draft {
		v.Preview.PublicURL = workshopURL(w.Slug)
	}
	// A draft's sessions have no public page yet: link to where they are managed.
	for i := range v.Days {
		for j := range v.Days[i].Sessions {
			card := &v.Days[i].Sessions[j]
			card.URL = "/manage" + card.URL
		}
	}
	return s.render(c, http.StatusOK, "workshop", v)
}

// previewBanner tops the preview of a workshop.
type previewBanner struct {
	Draft     bool
	EditURL   string
	PublicURL string
}

// duplicateWorkshop copies a workshop as a draft without sessions.
func (s *server) duplicateWorkshop(c *fiber.Ctx) error {
	w, err := s.ws.CopyWorkshop(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.Redirect(flashURL(manageWorkshopURL(w.Slug), "workshop-duplicated"), fiber.StatusSeeOther)
}

// publishWorkshop makes a workshop public.
func (s *server) publishWorkshop(c *fiber.Ctx) error {
	return s.setWorkshopStatus(c, workshops.WorkshopPublished, "workshop-published")
}

// unpublishWorkshop puts a workshop back in draft.
func (s *server) unpublishWorkshop(c *fiber.Ctx) error {
	return s.setWorkshopStatus(c, workshops.WorkshopDraft, "workshop-unpublished")
}

func (s *server) setWorkshopStatus(c *fiber.Ctx, status, code string) error {
	w, err := s.ws.PublishWorkshop(c.UserContext(), actor(c), c.Params("slug"), status)
	if err != nil {
		return err
	}
	return c.Redirect(flashURL(manageWorkshopURL(w.Slug), code), fiber.StatusSeeOther)
}

// manageSessionLine is a session in a mediator's list.
type manageSessionLine struct {
	URL       string
	Title     string
	Date      string
	ISO       string
	TimeRange string
	Where     string
	// Seats says how many seats are taken, and how many people wait.
	Seats     string
	Full      bool
	Cancelled bool
	Over      bool
	Draft     bool
	// RosterURL leads to who is enrolled or waiting, when anyone is.
	RosterURL string
}

func newManageSessionLine(now time.Time, s *workshops.Session) manageSessionLine {
	l := manageSessionLine{
		URL: manageSessionURL(s.ID), Date: frDate(s.StartsAt), ISO: isoTime(s.StartsAt),
		TimeRange: frTimeRange(s.StartsAt, s.EndsAt), Seats: seatsAndWaiting(s),
		Full: s.Full(), Cancelled: s.Cancelled(), Over: !s.EndsAt.After(now),
	}
	if s.SeatsTaken > 0 || s.Waiting > 0 {
		l.RosterURL = rosterURL(s.ID)
	}
	if s.Place != nil && s.PlaceID != 0 {
		l.Where = s.Place.Name
	} else if s.Structure != nil {
		l.Where = s.Structure.Name
	}
	if w := s.Workshop; w != nil {
		l.Title, l.Draft = w.Title, w.Status == workshops.WorkshopDraft
	}
	return l
}
