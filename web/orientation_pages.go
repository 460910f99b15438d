package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// The professional's follow-up: "Mes orientations", every person they oriented and what
// became of each seat, and cancelling one (the structure cancels from its roster through
// the same confirmation).

func init() {
	registerFlash(map[string]string{
		"orientation-cancelled": "L'inscription est annulée. La place est libérée pour une autre personne.",
	})
}

// orientationLimit is how many orientations the page lists, newest first.
const orientationLimit = 100

// orientationStatuses are the choices of the status filter.
var orientationStatuses = []choiceOption{
	{Value: "", Label: "Toutes"},
	{Value: enrollment.Confirmed, Label: "Confirmé"},
	{Value: enrollment.Waitlisted, Label: "Liste d'attente"},
	{Value: enrollment.Attended, Label: "Présent"},
	{Value: enrollment.Absent, Label: "Absent"},
	{Value: enrollment.Cancelled, Label: "Annulé"},
}

// orientationsView is /orientations.
type orientationsView struct {
	Layout
	Errors   []fieldError
	Status   selectField
	From, To field
	Name     field
	Filtered bool
	Lines    []orientationLine
	// More says older orientations match too: the list stops at orientationLimit.
	More bool
	// Absent counts the people of the list who missed a session, to follow up.
	Absent    int
	AbsentURL string
}

// orientationLine is one person oriented.
type orientationLine struct {
	ID        int64
	Name      string
	Workshop  string
	Structure string
	Sessions  []string
	Status    string
	Absent    bool
	// Cancellable offers to cancel: a seat is held or awaited in a session to come.
	Cancellable bool
	Oriented    string
}

// orientationsPage lists the people the professional oriented, filtered by status,
// period and first name (query parameters status, from, to, q).
func (s *server) orientationsPage(c *fiber.Ctx) error {
	values := url.Values{}
	for _, k := range []string{"status", "from", "to", "q"} {
		values.Set(k, strings.TrimSpace(c.Query(k)))
	}
	filter := enrollment.OrientationFilter{FirstName: values.Get("q"), Limit: orientationLimit + 1}
	if st := values.Get("status"); slices.ContainsFunc(orientationStatuses, func(o choiceOption) bool { return o.Value == st }) {
		filter.Status = st
	}
	ve := &workshops.ValidationError{}
	for name, dst := range map[string]*workshops.Date{"from": &filter.From, "to": &filter.To} {
		if raw := values.Get(name); raw != "" {
			d, err := workshops.ParseDate(raw)
			if err != nil {
				ve.Add(name, "Cette date n'existe pas ou n'est pas au format attendu (AAAA-MM-JJ), par exemple 2026-03-05.")
				continue
			}
			*dst = d
		}
	}
	v := s.newOrientationsView(c, values, validationOf(ve.Err()))
	if len(v.Errors) > 0 {
		return s.render(c, http.StatusBadRequest, "orientations", v)
	}
	list, err := s.en.Orientations(c.UserContext(), actor(c), filter)
	if err != nil {
		return err
	}
	if len(list) > orientationLimit {
		list, v.More = list[:orientationLimit], true
	}
	now := s.ws.Now()
	for i := range list {
		o := &list[i]
		l := orientationLine{ID: o.Booking.ID, Name: strings.TrimSpace(o.Booking.FirstName + " " + o.Booking.LastName),
			Status: o.Status(), Absent: o.Absent(), Cancellable: o.Cancellable(now), Oriented: frDate(o.Booking.CreatedAt)}
		if o.Workshop != nil {
			l.Workshop = o.Workshop.Title
			if o.Workshop.Structure != nil {
				l.Structure = o.Workshop.Structure.Name
			}
		}
		for _, e := range o.Seats {
			if e.Session != nil {
				l.Sessions = append(l.Sessions, frDate(e.Session.StartsAt)+", "+frTimeRange(e.Session.StartsAt, e.Session.EndsAt))
			}
		}
		if l.Absent {
			v.Absent++
		}
		v.Lines = append(v.Lines, l)
	}
	return s.render(c, http.StatusOK, "orientations", v)
}

func (s *server) newOrientationsView(c *fiber.Ctx, values url.Values, ve *workshops.ValidationError) orientationsView {
	f := newFormView("o-", values, ve)
	v := orientationsView{
		Status: f.menu("status", "État", "", orientationStatuses),
		From:   f.input("from", "Séances à partir du", "date", ""),
		To:     f.input("to", "Séances jusqu'au", "date", ""),
		Name:   f.input("q", "Prénom", "search", "Tout ou partie du prénom."),
	}
	v.Filtered = values.Get("status") != "" || values.Get("from") != "" || values.Get("to") != "" || values.Get("q") != ""
	v.AbsentURL = "/orientations?status=" + enrollment.Absent
	v.Errors = f.summary()
	v.Layout = s.layout(c, errorTitle("Mes orientations", v.Errors), "orientations")
	return v
}

// cancelOrientation cancels a person's seats on behalf of the professional who oriented
// them, once confirmed.
func (s *server) cancelOrientation(c *fiber.Ctx) error {
	return s.cancelWithConfirmation(c, bookingCancel{prefix: "/orientations/", back: "/orientations",
		flash: "orientation-cancelled", nav: "orientations"})
}
