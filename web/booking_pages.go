package web

// The person's page, reached through the signed link of their booking (/c/{token}): the
// session, what became of the seat, the printable convocation, "Ajouter à l'agenda" and
// cancelling. It is also the professional's confirmation after enrolling someone. No
// account: the link is the key, and a wrong one is a 404.

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

// bookingPrefix starts the path of a person's page; what follows is a secret.
const bookingPrefix = "/c/"

// errBadBookingLink answers a link that is not one of ours.
var errBadBookingLink = fiber.NewError(http.StatusNotFound,
	"Ce lien d'inscription n'existe pas. Vérifiez qu'il est complet, ou appelez la structure qui organise l'atelier.")

// bookingView is the person's page.
type bookingView struct {
	Layout
	Path        string
	CalendarURL string
	CancelURL   string
	QR          template.URL
	Person      string
	Workshop    *workshops.Workshop
	SessionURL  string
	Dates       []bookingDate
	Place       place
	Contact     contact
	Levels      levelBadge
	ToBring     []string
	Lent        []string
	// Status is the seat's: confirmed, waitlisted, cancelled, attended or absent; or
	// sessionCancelled when the structure cancelled every session of the booking.
	Status   string
	Position int
	// SessionCancelled says the structure cancelled the session.
	SessionCancelled bool
	CancelReason     string
	// Cancellable says the person may still cancel; Confirm asks them to confirm.
	Cancellable, Confirm bool
	// Started says every session has started: too late to cancel.
	Started bool
	// ContactLine says how the person will be told: "par SMS au +33612345678".
	ContactLine string
	// Orienter says the viewer is the professional who enrolled the person.
	Orienter bool
	// Problem says why the cancellation could not be made.
	Problem string
}

// sessionCancelled is the status shown when the structure cancelled the session.
const sessionCancelled = "session-cancelled"

// allCancelled reports whether the structure cancelled every session of the seats.
func allCancelled(seats []enrollment.Enrollment) bool {
	for _, e := range seats {
		if !e.Session.Cancelled() {
			return false
		}
	}
	return true
}

// bookingDate is one session of the booking.
type bookingDate struct {
	Date      string
	ISO       string
	TimeRange string
	Cancelled bool
}

// bookingToken reads the :token of a person's page.
func bookingToken(c *fiber.Ctx) string { return c.Params("token") }

// bookingPage is GET /c/{token}: the person's page; with ?annuler=1, it asks to confirm
// the cancellation.
func (s *server) bookingPage(c *fiber.Ctx) error {
	cv, err := s.en.Convocation(c.UserContext(), bookingToken(c))
	if errors.Is(err, workshops.ErrNotFound) {
		return errBadBookingLink
	}
	if err != nil {
		return err
	}
	v, err := s.newBookingView(c, cv)
	if err != nil {
		return err
	}
	v.Confirm = v.Cancellable && c.Query("annuler") == "1"
	return s.renderBooking(c, http.StatusOK, v)
}

func (s *server) renderBooking(c *fiber.Ctx, status int, v bookingView) error {
	// Personal data: out of shared caches, off disks, out of search engines.
	c.Set(fiber.HeaderCacheControl, privateFeedCacheControl)
	c.Set("X-Robots-Tag", "noindex")
	return s.render(c, status, "booking", v)
}

// cancelBookingByLink is POST /c/{token}/cancel: the person cancels. A booking already
// cancelled stays so and answers the same; a session already started cannot be.
func (s *server) cancelBookingByLink(c *fiber.Ctx) error {
	token := bookingToken(c)
	_, err := s.en.CancelByToken(c.UserContext(), token)
	switch {
	case errors.Is(err, workshops.ErrNotFound):
		return errBadBookingLink
	case errors.Is(err, enrollment.ErrClosed):
		// Shown on the page itself, with whom to call.
		cv, err := s.en.Convocation(c.UserContext(), token)
		if err != nil {
			return err
		}
		v, err := s.newBookingView(c, cv)
		if err != nil {
			return err
		}
		v.Problem = "La séance a déjà commencé ou elle est passée : l'inscription ne peut plus être annulée."
		return s.renderBooking(c, http.StatusConflict, v)
	case err != nil:
		return err
	}
	return c.Redirect(flashURL(bookingPrefix+token, "booking-cancelled"), fiber.StatusSeeOther)
}

// bookingFeed is GET /c/{token}.ics: the booking's sessions where the person holds a
// seat, for "Ajouter à l'agenda", with the same UIDs as the public feeds so that an
// agenda subscribed to those shows each session once.
func (s *server) bookingFeed(c *fiber.Ctx) error {
	cv, err := s.en.Convocation(c.UserContext(), bookingToken(c))
	if errors.Is(err, workshops.ErrNotFound) {
		return errBadBookingLink
	}
	if err != nil {
		return err
	}
	cal := ics.NewCalendar(ics.Publish)
	cal.SetName(feedTitle + cv.Workshop.Title)
	site := ics.Site{BaseURL: s.base.String(), Host: s.host}
	n := 0
	for i := range cv.Seats {
		if !cv.Seats[i].HoldsSeat() {
			continue
		}
		ev, err := s.events.SessionEvent(cv.Seats[i].Session, cv.Vocabulary, site)
		if err != nil {
			return fmt.Errorf("encode booking: %w", err)
		}
		cal.Add(ev)
		n++
	}
	if n == 0 {
		return fiber.NewError(http.StatusNotFound, "Cette inscription n'a pas de place réservée : il n'y a rien à ajouter à l'agenda.")
	}
	enc, err := cal.Encode()
	if err != nil {
		return fmt.Errorf("encode booking: %w", err)
	}
	return sendPrivateCalendar(c, enc.Body, `attachment; filename="atelier.ics"`)
}

// newBookingView lays out the person's page.
func (s *server) newBookingView(c *fiber.Ctx, cv *enrollment.Convocation) (bookingView, error) {
	b, w := cv.Booking, cv.Workshop
	now := s.ws.Now()
	path := s.localPath(cv.CancelURL)
	// The seat shown: the first session not over, or the last one.
	seat := cv.Seats[len(cv.Seats)-1]
	for _, e := range cv.Seats {
		if e.Session.EndsAt.After(now) {
			seat = e
			break
		}
	}
	first := cv.Seats[0].Session
	v := bookingView{
		Layout:      s.layout(c, "Inscription : "+w.Title+", "+frDate(first.StartsAt), ""),
		Path:        path,
		CalendarURL: path + ".ics",
		CancelURL:   cv.CancelURL,
		Person:      b.FirstName,
		Workshop:    w,
		SessionURL:  sessionURL(seat.Session.ID),
		Place:       newPlace(seat.Session.Location()),
		Contact:     newContact(seat.Session.Structure),
		Levels:      newLevelBadge(cv.Vocabulary, w.LevelMin, w.LevelMax),
		ToBring:     labels(workshops.Devices, w.DevicesToBring),
		Lent:        labels(workshops.Devices, w.DevicesLent),
		Status:      seat.Status,
		Position:    seat.Position,
		Cancellable: cv.Cancellable(now),
		Orienter:    principal(c) != nil && b.OrientedBy != 0 && principal(c).User.ID == b.OrientedBy,

		SessionCancelled: seat.Session.Cancelled(),
		CancelReason:     seat.Session.CancelReason,
	}
	if b.LastName != "" {
		v.Person += " " + b.LastName
	}
	v.ContactLine = contactLine(b)
	if allCancelled(cv.Seats) && (seat.Status == enrollment.Confirmed || seat.Status == enrollment.Waitlisted) {
		// Nothing to come to, and nothing to cancel.
		v.Status, v.Cancellable = sessionCancelled, false
	}
	v.Started = !v.Cancellable && (seat.Status == enrollment.Confirmed || seat.Status == enrollment.Waitlisted)
	for _, e := range cv.Seats {
		v.Dates = append(v.Dates, bookingDate{Date: frDate(e.Session.StartsAt), ISO: isoTime(e.Session.StartsAt),
			TimeRange: frTimeRange(e.Session.StartsAt, e.Session.EndsAt), Cancelled: e.Session.Cancelled()})
	}
	var err error
	if v.QR, err = qrDataURI(cv.CancelURL); err != nil {
		return v, err
	}
	return v, nil
}

// contactLine says how the person will be told, with the number or address they gave, so
// that a mistake shows.
func contactLine(b *enrollment.Booking) string {
	switch b.Contact {
	case enrollment.ContactSMS:
		return "par SMS au " + b.Phone
	case enrollment.ContactEmail:
		return "par courriel à " + b.Email
	case enrollment.ContactProfessional:
		return "par le professionnel qui vous a inscrit"
	}
	return "sur papier seulement, avec cette convocation"
}
