package web

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// newSessionsInput is what POST /workshops/{slug}/sessions receives: one session
// (starts_at and ends_at, instants with their offset), or a schedule (frequency, the days
// it needs, start and end as Paris wall-clock times). capacity, place_id and animator
// apply to every session; capacity defaults to the workshop's default capacity.
type newSessionsInput struct {
	StartsAt  opt[string]   `json:"starts_at"`
	EndsAt    opt[string]   `json:"ends_at"`
	Frequency opt[string]   `json:"frequency"`
	First     opt[string]   `json:"first"`
	Until     opt[string]   `json:"until"`
	Dates     opt[[]string] `json:"dates"`
	Skip      opt[[]string] `json:"skip"`
	Start     opt[string]   `json:"start"`
	End       opt[string]   `json:"end"`
	Capacity  opt[int]      `json:"capacity"`
	PlaceID   opt[int64]    `json:"place_id"`
	Animator  opt[string]   `json:"animator"`
}

// scheduleMembers are the members of a schedule, by the frequencies they go with.
var scheduleMembers = map[string][]string{
	workshops.Once:        {"first"},
	workshops.Weekly:      {"first", "until", "skip"},
	workshops.Fortnightly: {"first", "until", "skip"},
	workshops.OnDates:     {"dates", "skip"},
}

// sent returns the names of the schedule members that were sent.
func (in *newSessionsInput) sent() map[string]bool {
	out := map[string]bool{}
	for name, o := range map[string]bool{
		"first": in.First.Set, "until": in.Until.Set, "dates": in.Dates.Set, "skip": in.Skip.Set,
		"start": in.Start.Set, "end": in.End.Set,
	} {
		if o {
			out[name] = true
		}
	}
	return out
}

// session reads a single session, or names what is wrong with it.
func (in *newSessionsInput) session(capacity int) (*workshops.Session, error) {
	v := &workshops.ValidationError{}
	for name := range in.sent() {
		v.Add(name, "Ce champ décrit une série : il ne s'emploie qu'avec frequency.")
	}
	sess := &workshops.Session{Capacity: capacity}
	parseInstant(v, "starts_at", in.StartsAt, &sess.StartsAt)
	parseInstant(v, "ends_at", in.EndsAt, &sess.EndsAt)
	in.Capacity.applyIfGiven(&sess.Capacity)
	in.PlaceID.apply(&sess.PlaceID)
	in.Animator.apply(&sess.Animator)
	if v.Err() != nil {
		// The rest of the session's rules, so that every problem is named at once.
		check := *sess
		return nil, joinInvalid(v, renamed(check.Validate(), sessionNames))
	}
	return sess, nil
}

// schedule reads a schedule, or names what is wrong with it.
func (in *newSessionsInput) schedule(capacity int) (workshops.Schedule, error) {
	v := &workshops.ValidationError{}
	sc := workshops.Schedule{Frequency: in.Frequency.Value, Capacity: capacity}
	if in.StartsAt.Set {
		v.Add("starts_at", "Une série se décrit par first (ou dates) et start, pas par starts_at.")
	}
	if in.EndsAt.Set {
		v.Add("ends_at", "Une série se décrit par end (l'heure de fin), pas par ends_at.")
	}
	if allowed, ok := scheduleMembers[sc.Frequency]; ok {
		for name := range in.sent() {
			if name != "start" && name != "end" && !slices.Contains(allowed, name) {
				v.Add(name, fmt.Sprintf("Ce champ ne s'emploie pas avec frequency « %s ».", sc.Frequency))
			}
		}
	}
	sc.First = parseDate(v, "first", in.First.Value)
	sc.Until = parseDate(v, "until", in.Until.Value)
	for i, d := range in.Dates.Value {
		sc.Dates = append(sc.Dates, parseDate(v, "dates/"+strconv.Itoa(i), d))
	}
	for i, d := range in.Skip.Value {
		sc.Skip = append(sc.Skip, parseDate(v, "skip/"+strconv.Itoa(i), d))
	}
	sc.Start = parseClock(v, "start", in.Start, "Indiquez l'heure de début, par exemple 14:00.")
	sc.End = parseClock(v, "end", in.End, "Indiquez l'heure de fin, par exemple 16:00.")
	in.Capacity.applyIfGiven(&sc.Capacity)
	in.PlaceID.apply(&sc.PlaceID)
	in.Animator.apply(&sc.Animator)
	if v.Err() != nil {
		_, err := sc.Sessions()
		return sc, joinInvalid(v, err)
	}
	return sc, nil
}

// parseClock reads a Paris wall-clock time ("14:00") from member name, recording msg in v
// when it is missing and a format message when it is not a time.
func parseClock(v *workshops.ValidationError, name string, o opt[string], msg string) workshops.Clock {
	if !o.given() || strings.TrimSpace(o.Value) == "" {
		v.Add(name, msg)
		return workshops.Clock{}
	}
	c, err := workshops.ParseClock(strings.TrimSpace(o.Value))
	if err != nil {
		v.Add(name, "Indiquez une heure au format HH:MM, par exemple 14:00.")
	}
	return c
}

// sessionNames are the API names of the domain's session fields, where they differ.
var sessionNames = map[string]string{"place": "place_id", "cancel_reason": "reason"}

// scheduleNames are the API names of the fields of the sessions a schedule makes: their
// days and times come from first (or dates), start and end.
func scheduleNames(frequency string) map[string]string {
	day := "first"
	if frequency == workshops.OnDates {
		day = "dates"
	}
	return map[string]string{"place": "place_id", "starts_at": day, "ends_at": "end"}
}

// apiCreateSessions adds one session, or the sessions of a schedule (a weekly or
// fortnightly series, or a parcours on chosen dates), to a workshop: 201 with the
// sessions created, in order, and the first one's address in Location.
func (s *server) apiCreateSessions(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	var in newSessionsInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	slug := apiPathParam(c, "slug")
	notFound := missing{param: "slug", detail: fmt.Sprintf("Aucun atelier ne s'appelle « %s ».", truncateRunes(slug, 80))}
	if !validSlug(slug) {
		return notFound
	}
	w, err := s.ws.WorkshopForEdit(ctx, who, slug)
	if errors.Is(err, workshops.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	var created []*workshops.Session
	if in.Frequency.Set {
		sc, err := in.schedule(w.DefaultCapacity)
		if err != nil {
			return err
		}
		created, err = s.ws.ScheduleSessions(ctx, who, w.ID, sc)
		if err != nil {
			return renamed(err, scheduleNames(sc.Frequency))
		}
	} else {
		sess, err := in.session(w.DefaultCapacity)
		if err != nil {
			return err
		}
		created = []*workshops.Session{sess}
		if err := s.ws.CreateSessions(ctx, who, w.ID, created); err != nil {
			return renamed(err, sessionNames)
		}
	}
	ids := make([]int64, len(created))
	for i, sess := range created {
		ids[i] = sess.ID
	}
	list, err := s.ws.SessionsForEdit(ctx, who, ids...)
	if err != nil {
		return err
	}
	return apiCreated(c, s.abs(apiPrefix+"/sessions/"+strconv.FormatInt(list[0].ID, 10)),
		apiItems[apiSession]{Items: s.apiSessionsOf(list)})
}

// sessionChangeInput is what PATCH /sessions/{id} receives. Times are instants with
// their offset; place_id null or 0 moves the session back to its structure's address.
type sessionChangeInput struct {
	StartsAt opt[string] `json:"starts_at"`
	EndsAt   opt[string] `json:"ends_at"`
	PlaceID  opt[int64]  `json:"place_id"`
	Capacity opt[int]    `json:"capacity"`
	Animator opt[string] `json:"animator"`
}

// change turns the members sent into a domain change, or names what is wrong with them.
// null times and capacity become zero values, which the domain refuses by name.
func (in *sessionChangeInput) change() (workshops.SessionChange, error) {
	v := &workshops.ValidationError{}
	var ch workshops.SessionChange
	if in.StartsAt.Set {
		ch.StartsAt = new(time.Time)
		parseInstant(v, "starts_at", in.StartsAt, ch.StartsAt)
	}
	if in.EndsAt.Set {
		ch.EndsAt = new(time.Time)
		parseInstant(v, "ends_at", in.EndsAt, ch.EndsAt)
	}
	if in.PlaceID.Set {
		ch.PlaceID = new(int64)
		in.PlaceID.apply(ch.PlaceID)
	}
	if in.Capacity.Set {
		ch.Capacity = new(int)
		in.Capacity.apply(ch.Capacity)
	}
	if in.Animator.Set {
		ch.Animator = new(string)
		in.Animator.apply(ch.Animator)
	}
	return ch, v.Err()
}

// apiUpdateSession moves a session (time, place: its SEQUENCE grows and the people
// enrolled will be told) or changes its capacity or animator.
func (s *server) apiUpdateSession(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	var in sessionChangeInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	id, err := sessionID(c)
	if err != nil {
		return err
	}
	ch, err := in.change()
	if err != nil {
		return err
	}
	ctx, who := c.UserContext(), actor(c)
	if _, err := s.ws.UpdateSession(ctx, who, id, ch); err != nil {
		return s.sessionError(err, id)
	}
	return s.renderManagedSession(c, id)
}

// cancelInput is what POST /sessions/{id}/cancel receives: the reason, shown to the
// public and to the people enrolled.
type cancelInput struct {
	Reason opt[string] `json:"reason"`
}

// apiCancelSession cancels a session with a reason: it stays in the calendar and its
// feeds, marked cancelled. Cancelling it again changes nothing.
func (s *server) apiCancelSession(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	var in cancelInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	id, err := sessionID(c)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Reason.Value) == "" {
		return invalidMember("reason", "Indiquez le motif de l'annulation : il est montré au public et aux personnes inscrites.")
	}
	if _, err := s.ws.CancelSession(c.UserContext(), actor(c), id, in.Reason.Value); err != nil {
		return s.sessionError(err, id)
	}
	return s.renderManagedSession(c, id)
}

// apiDeleteSession deletes a session nobody ever enrolled in (204); any other must be
// cancelled (409).
func (s *server) apiDeleteSession(c *fiber.Ctx) error {
	if err := mayWrite(c); err != nil {
		return err
	}
	id, err := sessionID(c)
	if err != nil {
		return err
	}
	if err := s.ws.DeleteSession(c.UserContext(), actor(c), id); err != nil {
		return s.sessionError(err, id)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// sessionError names the path's id when no session has it, and the API's members in a
// validation error.
func (s *server) sessionError(err error, id int64) error {
	if errors.Is(err, workshops.ErrNotFound) {
		return missing{param: "id", detail: fmt.Sprintf("Aucune séance ne porte le numéro %d.", id)}
	}
	return renamed(err, sessionNames)
}

// renderManagedSession answers with a session as the read API shows it, even when its
// workshop is a draft.
func (s *server) renderManagedSession(c *fiber.Ctx, id int64) error {
	list, err := s.ws.SessionsForEdit(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return apiJSON(c, s.apiSessionOf(&list[0]))
}
