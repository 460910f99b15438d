package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// A person's data at their request (right of access, right to erasure): coordinators
// find a person of their territory, see and download what is kept about them, and erase
// it. Every search and every look is logged by the domain.

func init() {
	registerFlash(map[string]string{
		"person-erased": "Les données personnelles sont effacées. Restent, sans nom ni coordonnées, le niveau, les besoins et les présences, pour les statistiques du territoire.",
	})
}

func personURL(id int64) string { return "/coordination/people/" + strconv.FormatInt(id, 10) }

// peopleView is /coordination/people.
type peopleView struct {
	Layout
	Section  string
	Errors   []fieldError
	Search   field
	Searched bool
	People   []personResult
}

// personResult is a booking found by a search.
type personResult struct {
	URL       string
	Name      string
	Reach     []string
	Workshop  string
	Structure string
	Sessions  []string
	Status    string
}

// peoplePage finds the people of the coordinator's territories by name, phone or email.
func (s *server) peoplePage(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	v := peopleView{Section: "people", Searched: q != ""}
	var ve *workshops.ValidationError
	if v.Searched {
		found, err := s.en.FindBookings(c.UserContext(), actor(c), enrollment.PersonQuery{Text: q})
		ve = validationOf(err)
		if err != nil && ve == nil {
			return err
		}
		for i := range found {
			o := &found[i]
			b := o.Booking
			r := personResult{URL: personURL(b.ID), Name: strings.TrimSpace(b.FirstName + " " + b.LastName), Status: o.Status(),
				Sessions: seatDates(o.Seats)}
			if b.Phone != "" {
				r.Reach = append(r.Reach, enrollment.DisplayPhone(b.Phone))
			}
			if b.Email != "" {
				r.Reach = append(r.Reach, b.Email)
			}
			if o.Workshop != nil {
				r.Workshop, r.Structure = o.Workshop.Title, o.Workshop.Structure.Name
			}
			v.People = append(v.People, r)
		}
	}
	f := newFormView("p-", url.Values{"q": {q}}, ve)
	v.Search = f.input("q", "Prénom, nom, téléphone ou adresse électronique", "search", "Au moins deux caractères.")
	v.Errors = f.summary()
	v.Layout = s.layout(c, errorTitle("Données d'une personne", v.Errors), "coordination")
	status := http.StatusOK
	if ve != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "coordination_people", v)
}

// seatDates writes the dates of a booking's seats.
func seatDates(seats []enrollment.Enrollment) []string {
	var out []string
	for _, e := range seats {
		if e.Session != nil {
			out = append(out, frDate(e.Session.StartsAt)+", "+frTimeRange(e.Session.StartsAt, e.Session.EndsAt))
		}
	}
	return out
}

// personView is /coordination/people/{id}: what is kept about a person.
type personView struct {
	Layout
	Section  string
	ID       int64
	JSONURL  string
	EraseURL string
	Record   personExport
	Level    string
	Needs    []string
	Contact  string
	Erased   string
	Seats    []personSeat
	Errors   []fieldError
	Confirm  choiceGroup
}

// personSeat is a seat of the person, in words.
type personSeat struct {
	Workshop  string
	Structure string
	When      string
	Status    string
}

// personExport is what is kept about a person, as downloaded at their request.
type personExport struct {
	BookingID      int64        `json:"booking_id"`
	FirstName      string       `json:"first_name"`
	LastName       string       `json:"last_name"`
	Phone          string       `json:"phone"`
	Email          string       `json:"email"`
	Contact        string       `json:"contact"`
	Level          string       `json:"level"`
	NeedsDevice    bool         `json:"needs_device"`
	NeedsFrench    bool         `json:"needs_french"`
	FrenchLanguage string       `json:"french_language"`
	NeedsMobility  bool         `json:"needs_mobility"`
	NeedsHearing   bool         `json:"needs_hearing"`
	NeedsVisual    bool         `json:"needs_visual"`
	ConsentAt      time.Time    `json:"consent_at"`
	ConsentText    string       `json:"consent_text"`
	SelfEnrolled   bool         `json:"self_enrolled"`
	Organisation   string       `json:"orienting_organisation,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	ErasedAt       *time.Time   `json:"erased_at,omitempty"`
	Seats          []seatExport `json:"seats"`
}

// seatExport is one seat of the person.
type seatExport struct {
	SessionID   int64      `json:"session_id"`
	Workshop    string     `json:"workshop"`
	Structure   string     `json:"structure"`
	StartsAt    time.Time  `json:"starts_at"`
	EndsAt      time.Time  `json:"ends_at"`
	Status      string     `json:"status"`
	Position    int        `json:"position,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	CancelledBy string     `json:"cancelled_by,omitempty"`
	MarkedAt    *time.Time `json:"marked_at,omitempty"`
}

func newPersonExport(r *enrollment.Record) personExport {
	b := r.Booking
	out := personExport{BookingID: b.ID, FirstName: b.FirstName, LastName: b.LastName, Phone: b.Phone, Email: b.Email,
		Contact: b.Contact, Level: b.Level, NeedsDevice: b.NeedsDevice, NeedsFrench: b.NeedsFrench, FrenchLanguage: b.FrenchLanguage,
		NeedsMobility: b.NeedsMobility, NeedsHearing: b.NeedsHearing, NeedsVisual: b.NeedsVisual, ConsentAt: b.ConsentAt.UTC(),
		ConsentText: b.ConsentText, SelfEnrolled: b.SelfEnrolled(), Organisation: b.Organisation, CreatedAt: b.CreatedAt.UTC(),
		ErasedAt: b.PurgedAt, Seats: []seatExport{}}
	for _, e := range r.Seats {
		out.Seats = append(out.Seats, seatExport{SessionID: e.SessionID, Workshop: r.Workshop.Title, Structure: r.Workshop.Structure.Name,
			StartsAt: e.Session.StartsAt.UTC(), EndsAt: e.Session.EndsAt.UTC(), Status: e.Status, Position: e.Position,
			CancelledAt: e.CancelledAt, CancelledBy: e.CancelledBy, MarkedAt: e.MarkedAt})
	}
	return out
}

// seatStatuses name a seat's status for the coordinator.
var seatStatuses = map[string]string{
	enrollment.Confirmed:  "confirmé",
	enrollment.Waitlisted: "liste d'attente",
	enrollment.Attended:   "présent",
	enrollment.Absent:     "absent",
	enrollment.Cancelled:  "annulé",
}

func (s *server) newPersonView(c *fiber.Ctx, r *enrollment.Record, values url.Values, ve *workshops.ValidationError) personView {
	b := r.Booking
	v := personView{Section: "people", ID: b.ID, JSONURL: personURL(b.ID) + "?format=json", EraseURL: personURL(b.ID) + "/erase",
		Record: newPersonExport(r), Level: enrollment.LevelLabel(r.Vocabulary, b.Level), Needs: b.Person().Needs(),
		Contact: structureContacts[b.Contact]}
	if b.PurgedAt != nil {
		v.Erased = frDate(*b.PurgedAt)
	}
	for _, e := range r.Seats {
		st := seatStatuses[e.Status]
		if e.Status == enrollment.Waitlisted {
			st += " n°" + strconv.Itoa(e.Position)
		}
		v.Seats = append(v.Seats, personSeat{Workshop: r.Workshop.Title, Structure: r.Workshop.Structure.Name,
			When: frDate(e.Session.StartsAt) + ", " + frTimeRange(e.Session.StartsAt, e.Session.EndsAt), Status: st})
	}
	f := newFormView("x-", values, ve)
	v.Confirm = f.choices("confirm", "Confirmation", "", true, []choiceOption{
		{Value: "1", Label: "La personne a demandé l'effacement de ses données, et j'ai vérifié qu'il s'agit bien d'elle."}})
	v.Errors = f.summary()
	title := "Données de la personne"
	if b.FirstName != "" {
		title = "Données de " + strings.TrimSpace(b.FirstName+" "+b.LastName)
	}
	v.Layout = s.layout(c, errorTitle(title, v.Errors), "coordination")
	return v
}

// personPage shows everything kept about the person of a booking, or downloads it as
// JSON (?format=json), for a coordinator answering the person's request.
func (s *server) personPage(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	r, err := s.en.Export(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	if c.Query("format") == "json" {
		body, err := json.MarshalIndent(newPersonExport(r), "", "  ")
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="escale-personne-`+strconv.FormatInt(id, 10)+`.json"`)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Send(body)
	}
	return s.render(c, http.StatusOK, "coordination_person", s.newPersonView(c, r, url.Values{}, nil))
}

// erasePerson erases the personal fields of a booking at the person's request, once the
// coordinator ticked the confirmation; the anonymous facts stay.
func (s *server) erasePerson(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	if c.FormValue("confirm") != "1" {
		r, err := s.en.Export(ctx, who, id)
		if err != nil {
			return err
		}
		ve := &workshops.ValidationError{Fields: map[string]string{"confirm": "Cochez la case pour confirmer : l'effacement ne peut pas être défait."}}
		return s.render(c, http.StatusUnprocessableEntity, "coordination_person", s.newPersonView(c, r, url.Values{}, ve))
	}
	if err := s.en.Erase(ctx, who, id); err != nil {
		return err
	}
	return c.Redirect(flashURL(personURL(id), "person-erased"), fiber.StatusSeeOther)
}
