package web

// The API's enrollments: a professional (or the structure's team) enrolls a person in a
// session with a personal token, follows what became of the enrollment, and cancels it.
//
// Enrolling is safe to retry: every request carries an idempotency key (the
// Idempotency-Key header or the idempotency_key member), and a request whose key already
// booked is answered 200 with that booking as it is now, where the first answer was 201.
// A key that booked another person or session is a 422 naming idempotency_key.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// headerIdempotencyKey carries the key of a request that may be retried.
const headerIdempotencyKey = "Idempotency-Key"

// enrollmentInput is what POST /sessions/{id}/enrollments receives: the minimal data about
// the person, their consent, and the request's idempotency key.
type enrollmentInput struct {
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	Phone          string `json:"phone"`
	Email          string `json:"email"`
	Contact        string `json:"contact"`
	Level          string `json:"level"`
	NeedsDevice    bool   `json:"needs_device"`
	NeedsFrench    bool   `json:"needs_french"`
	FrenchLanguage string `json:"french_language"`
	NeedsMobility  bool   `json:"needs_mobility"`
	NeedsHearing   bool   `json:"needs_hearing"`
	NeedsVisual    bool   `json:"needs_visual"`
	Consent        bool   `json:"consent"`
	ConsentText    string `json:"consent_text"`
	IdempotencyKey string `json:"idempotency_key"`
}

func (in *enrollmentInput) person() enrollment.Person {
	return enrollment.Person{
		FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone, Email: in.Email, Contact: in.Contact,
		Level: in.Level, NeedsDevice: in.NeedsDevice, NeedsFrench: in.NeedsFrench, FrenchLanguage: in.FrenchLanguage,
		NeedsMobility: in.NeedsMobility, NeedsHearing: in.NeedsHearing, NeedsVisual: in.NeedsVisual, Consent: in.Consent,
	}
}

// apiKeyMessage says how to send an idempotency key.
const apiKeyMessage = "Envoyez une clé d'idempotence, nouvelle pour chaque inscription et reprise telle quelle pour la réessayer : " +
	"l'en-tête Idempotency-Key ou le champ idempotency_key, de 1 à 100 caractères ASCII imprimables (un UUID, par exemple)."

// idempotencyKey returns the request's key: the header's (a quoted structured-field
// string or a bare token) or the body's; both may be sent if they agree.
func (in *enrollmentInput) idempotencyKey(header string) (string, error) {
	header = strings.TrimSpace(header)
	if len(header) >= 2 && header[0] == '"' && header[len(header)-1] == '"' {
		header = header[1 : len(header)-1]
	}
	body := strings.TrimSpace(in.IdempotencyKey)
	if header != "" && body != "" && header != body {
		return "", invalidMember("idempotency_key", "L'en-tête Idempotency-Key et le champ idempotency_key diffèrent : envoyez la même clé, ou une seule des deux.")
	}
	if header != "" {
		return header, nil
	}
	return body, nil
}

// apiEnrollment is a booking as its orienting professional and the structure follow it:
// where it stands, in which sessions, and the person's cancellation link, without the
// person's details.
type apiEnrollment struct {
	ID int64 `json:"id"`
	// Status and Position are those of the first seat: a parcours is enrolled, promoted
	// and cancelled as a whole, and Sessions gives each seat's own.
	Status    string                `json:"status"`
	Position  *int                  `json:"position"`
	CancelURL string                `json:"cancel_url"`
	URL       string                `json:"url"`
	CreatedAt parisTime             `json:"created_at"`
	Workshop  apiEnrollmentWorkshop `json:"workshop"`
	Sessions  []apiSeat             `json:"sessions"`
}

// apiEnrollmentWorkshop names the workshop of an enrollment.
type apiEnrollmentWorkshop struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// apiSeat is an enrollment's seat in one session.
type apiSeat struct {
	ID        int64     `json:"id"`
	StartsAt  parisTime `json:"starts_at"`
	EndsAt    parisTime `json:"ends_at"`
	Cancelled bool      `json:"cancelled"`
	Status    string    `json:"status"`
	Position  *int      `json:"position"`
	URL       string    `json:"url"`
	APIURL    string    `json:"api_url"`
}

func (s *server) apiEnrollmentOf(b *enrollment.Booking) apiEnrollment {
	out := apiEnrollment{
		ID: b.ID, CancelURL: s.en.CancelURL(b.ID), URL: s.abs(apiPrefix + "/enrollments/" + strconv.FormatInt(b.ID, 10)),
		CreatedAt: parisTime(b.CreatedAt), Sessions: make([]apiSeat, 0, len(b.Enrollments)),
	}
	if w := b.Workshop; w != nil {
		out.Workshop = apiEnrollmentWorkshop{Slug: w.Slug, Title: w.Title, URL: s.abs(pathOf("workshops", w.Slug))}
	}
	for i, e := range b.Enrollments {
		seat := apiSeat{ID: e.SessionID, Status: e.Status, Position: position(e)}
		if sess := e.Session; sess != nil {
			id := strconv.FormatInt(sess.ID, 10)
			seat.StartsAt, seat.EndsAt, seat.Cancelled = parisTime(sess.StartsAt), parisTime(sess.EndsAt), sess.Cancelled()
			seat.URL, seat.APIURL = s.abs("/sessions/"+id), s.abs(apiPrefix+"/sessions/"+id)
		}
		if i == 0 {
			out.Status, out.Position = seat.Status, seat.Position
		}
		out.Sessions = append(out.Sessions, seat)
	}
	return out
}

// position is a seat's place on the waiting list, or nil when it is not waiting.
func position(e enrollment.Enrollment) *int {
	if e.Status != enrollment.Waitlisted {
		return nil
	}
	p := e.Position
	return &p
}

// apiEnroll books a person into a session (or every session of its parcours): 201 with
// the enrollment, confirmed or on the waiting list; 200 with the same enrollment, as it is
// now, for a repeat of a request already answered.
func (s *server) apiEnroll(c *fiber.Ctx) error {
	var in enrollmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	id, err := sessionID(c)
	if err != nil {
		return err
	}
	key, err := in.idempotencyKey(c.Get(headerIdempotencyKey))
	if err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	req := enrollment.Request{SessionID: id, Person: in.person(), IdempotencyKey: key, ConsentText: in.ConsentText}
	if p := principal(c); p != nil && p.Professional != nil {
		req.Organisation = p.Professional.Organisation
	}
	if strings.TrimSpace(req.ConsentText) == "" {
		// The client did not send the text it read to the person: it is the form's, which
		// names the structure.
		sess, err := s.ws.Session(ctx, id)
		if err != nil {
			return s.sessionError(err, id)
		}
		req.ConsentText = s.orientConsent(sess.Structure, who.Name, req.Organisation)
	}
	res, err := s.en.Enroll(ctx, who, req)
	if err != nil {
		var ve *workshops.ValidationError
		if errors.As(err, &ve) && ve.Fields["idempotency_key"] != "" && !enrollment.ValidKey(strings.TrimSpace(key)) {
			ve.Fields["idempotency_key"] = apiKeyMessage
		}
		return s.sessionError(err, id)
	}
	out := s.apiEnrollmentOf(res.Booking)
	if res.Replayed {
		return apiJSON(c, out)
	}
	return apiCreated(c, out.URL, out)
}

// enrollmentID reads the enrollment number of the path, or returns a 404 naming id.
func enrollmentID(c *fiber.Ctx) (int64, error) { return pathID(c, "d'inscription") }

// enrollmentError names the path's id when no enrollment has it.
func enrollmentError(err error, id int64) error {
	if errors.Is(err, workshops.ErrNotFound) {
		return missing{param: "id", detail: fmt.Sprintf("Aucune inscription ne porte le numéro %d.", id)}
	}
	return err
}

// apiEnrollmentGet shows an enrollment to its orienting professional and to the
// structure's team: its status, waiting-list position and sessions, without the
// person's details (which are not read, so nothing is logged).
func (s *server) apiEnrollmentGet(c *fiber.Ctx) error {
	id, err := enrollmentID(c)
	if err != nil {
		return err
	}
	b, err := s.en.Booking(c.UserContext(), actor(c), id)
	if err != nil {
		return enrollmentError(err, id)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return apiJSON(c, s.apiEnrollmentOf(b))
}

// apiCancelEnrollment cancels an enrollment's upcoming seats, on behalf of its orienting
// professional or of the structure: who waits is promoted. Cancelling it again changes
// nothing. The body may be absent or an empty object.
func (s *server) apiCancelEnrollment(c *fiber.Ctx) error {
	if len(strings.TrimSpace(string(c.Body()))) > 0 {
		var none struct{}
		if err := decodeJSON(c, &none); err != nil {
			return err
		}
	}
	id, err := enrollmentID(c)
	if err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	// A repeated cancellation (a client retrying) is answered as the first one was.
	if err := s.en.Cancel(ctx, who, id); err != nil && !errors.Is(err, enrollment.ErrAlreadyCancelled) {
		return enrollmentError(err, id)
	}
	b, err := s.en.Booking(ctx, who, id)
	if err != nil {
		return enrollmentError(err, id)
	}
	return apiJSON(c, s.apiEnrollmentOf(b))
}
