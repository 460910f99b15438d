package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// apiSession is a session as the API shows it: when, how many seats, and enough of its
// workshop, structure and location to list it without another request.
type apiSession struct {
	ID       int64     `json:"id"`
	Status   string    `json:"status"`
	StartsAt parisTime `json:"starts_at"`
	EndsAt   parisTime `json:"ends_at"`
	Capacity int       `json:"capacity"`
	// SeatsLeft is 0 for a cancelled session.
	SeatsLeft    int     `json:"seats_left"`
	Full         bool    `json:"full"`
	Cancelled    bool    `json:"cancelled"`
	CancelReason *string `json:"cancel_reason"`
	// Sequence and UpdatedAt grow with every change, as in the iCalendar feeds.
	Sequence  int             `json:"sequence"`
	UpdatedAt parisTime       `json:"updated_at"`
	URL       string          `json:"url"`
	ICSURL    string          `json:"ics_url"`
	Workshop  apiWorkshopRef  `json:"workshop"`
	Structure apiStructureRef `json:"structure"`
	Location  apiLocation     `json:"location"`
}

// apiLocation is where a session happens: one of the structure's places, or its own
// address. Coordinates are null when unknown.
type apiLocation struct {
	Name          string   `json:"name"`
	Address       string   `json:"address"`
	AddressExtra  string   `json:"address_extra"`
	Postcode      string   `json:"postcode"`
	Town          string   `json:"town"`
	Latitude      *float64 `json:"latitude"`
	Longitude     *float64 `json:"longitude"`
	Access        string   `json:"access"`
	Accessibility string   `json:"accessibility"`
}

// apiSessionPage is one page of sessions with the cursors and ready-made URLs of the
// neighbouring pages (null at either end).
type apiSessionPage struct {
	Items      []apiSession `json:"items"`
	NextCursor *string      `json:"next_cursor"`
	PrevCursor *string      `json:"prev_cursor"`
	NextURL    *string      `json:"next_url"`
	PrevURL    *string      `json:"prev_url"`
}

// maxWorkshopSessions bounds the upcoming sessions embedded in a workshop: a weekly series
// over a year fits.
const maxWorkshopSessions = 100

// apiSessions lists sessions with the calendar's filters, one page at a time.
func (s *server) apiSessions(c *fiber.Ctx) error {
	f, ferr := parseFilter(c)
	p, perr := parsePage(c)
	if err := joinInvalid(ferr, perr, oneCursor(p)); err != nil {
		return invalidQuery(err)
	}
	page, err := s.ws.ListSessions(c.UserContext(), f, p)
	if err != nil {
		return invalidQuery(err)
	}
	out := apiSessionPage{Items: s.apiSessionsOf(page.Sessions)}
	link := func(param string, cur *workshops.Cursor) (*string, *string) {
		if cur == nil {
			return nil, nil
		}
		v := filterValues(f)
		if p.Limit > 0 {
			v.Set(paramLimit, strconv.Itoa(p.Limit))
		}
		token := cur.String()
		v.Set(param, token)
		u := s.abs(withQuery(apiPrefix+"/sessions", v))
		return &token, &u
	}
	out.NextCursor, out.NextURL = link(paramAfter, page.Next)
	out.PrevCursor, out.PrevURL = link(paramBefore, page.Prev)
	return apiJSON(c, out)
}

// oneCursor refuses a page asked both after and before a cursor: which one was meant?
func oneCursor(p workshops.Page) error {
	if p.After != nil && p.Before != nil {
		return &workshops.ValidationError{Fields: map[string]string{
			paramBefore: "Indiquez after ou before, mais pas les deux.",
		}}
	}
	return nil
}

// apiSession shows one public session, cancelled or not.
func (s *server) apiSession(c *fiber.Ctx) error {
	raw := c.Params("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return missing{param: "id", detail: fmt.Sprintf("« %s » n'est pas un numéro de séance.", truncateRunes(raw, 40))}
	}
	sess, err := s.ws.Session(c.UserContext(), id)
	if err != nil {
		return notFoundAs(err, "id", fmt.Sprintf("Aucune séance publiée ne porte le numéro %d.", id))
	}
	return apiJSON(c, s.apiSessionOf(sess))
}

func (s *server) apiSessionsOf(sessions []workshops.Session) []apiSession {
	out := make([]apiSession, len(sessions))
	for i := range sessions {
		out[i] = s.apiSessionOf(&sessions[i])
	}
	return out
}

func (s *server) apiSessionOf(sess *workshops.Session) apiSession {
	id := strconv.FormatInt(sess.ID, 10)
	out := apiSession{
		ID:        sess.ID,
		Status:    sess.Status,
		StartsAt:  parisTime(sess.StartsAt),
		EndsAt:    parisTime(sess.EndsAt),
		Capacity:  sess.Capacity,
		SeatsLeft: sess.SeatsLeft(),
		Full:      sess.Full(),
		Cancelled: sess.Cancelled(),
		Sequence:  sess.Sequence,
		UpdatedAt: parisTime(sess.Modified()),
		URL:       s.abs("/sessions/" + id),
		ICSURL:    s.abs("/sessions/" + id + ".ics"),
		Location:  apiLocationOf(sess.Location()),
	}
	if sess.Cancelled() {
		out.CancelReason = optional(sess.CancelReason)
	}
	if sess.Workshop != nil {
		out.Workshop = s.apiWorkshopRefOf(sess.Workshop)
	}
	if sess.Structure != nil {
		out.Structure = s.apiStructureRefOf(sess.Structure)
	}
	return out
}

func apiLocationOf(l workshops.Location) apiLocation {
	return apiLocation{
		Name: l.Name, Address: l.Address, AddressExtra: l.AddressExtra,
		Postcode: l.Postcode, Town: l.Town, Latitude: l.Latitude, Longitude: l.Longitude,
		Access: l.AccessInfo, Accessibility: l.Accessibility,
	}
}
