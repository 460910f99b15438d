package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// cancelBookingView asks to confirm the cancellation of a person's seats.
type cancelBookingView struct {
	Layout
	Name      string
	Workshop  string
	Structure string
	// Sessions are the seats to be cancelled: held or awaited, in sessions to come.
	Sessions []string
	Action   string
	Back     string
	// Session is the roster to go back to, for the structure.
	Session string
	// Conflict explains why the booking cannot be cancelled any more.
	Conflict string
}

// errNotCancellable replaces enrollment.ErrClosed when a cancellation finds nothing to
// cancel.
var errNotCancellable = fmt.Errorf("%w: cette inscription ne peut plus être annulée : ses séances ont commencé, ou elle est déjà annulée", workshops.ErrConflict)

// bookingCancel says where a cancellation comes from: the form's address starts with
// prefix, the browser goes back to back with the flash message, and the page is in the
// nav section.
type bookingCancel struct {
	prefix, back, flash, nav string
}

// cancelWithConfirmation is the cancellation of a booking, from the professional's
// orientations or the structure's roster: a form without confirm=1 shows what will be
// cancelled and asks to confirm; with it, the seats are cancelled (freed, and who waits
// promoted) and the browser goes back.
func (s *server) cancelWithConfirmation(c *fiber.Ctx, from bookingCancel) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	if c.FormValue("confirm") == "1" {
		if err := s.en.Cancel(ctx, who, id); err != nil {
			if errors.Is(err, enrollment.ErrClosed) {
				return errNotCancellable
			}
			return err
		}
		return c.Redirect(flashURL(from.back, from.flash), fiber.StatusSeeOther)
	}
	o, err := s.en.Orientation(ctx, who, id, enrollment.PurposeCancel)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(o.Booking.FirstName + " " + o.Booking.LastName)
	if name == "" {
		name = "cette personne"
	}
	v := cancelBookingView{Name: name, Workshop: o.Workshop.Title, Structure: o.Workshop.Structure.Name,
		Action: from.prefix + strconv.FormatInt(id, 10) + "/cancel", Back: from.back, Session: c.FormValue("session")}
	now := s.ws.Now()
	for _, e := range o.ToCancel(now) {
		v.Sessions = append(v.Sessions, frDate(e.Session.StartsAt)+", "+frTimeRange(e.Session.StartsAt, e.Session.EndsAt))
	}
	status, title := http.StatusOK, "Annuler l'inscription de "+name
	if !o.Cancellable(now) {
		status, title = http.StatusConflict, "Erreur : "+title
		v.Conflict = sentence(problemDetail(errNotCancellable, http.StatusConflict))
	}
	v.Layout = s.layout(c, title, from.nav)
	return s.render(c, status, "booking_cancel", v)
}
