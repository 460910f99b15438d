package web

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

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
// enrolled will be told) or changes its capacity (a capacity that grows promotes who
// waits) or animator.
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
	if _, err := s.editor.UpdateSession(ctx, who, id, ch); err != nil {
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
	if _, err := s.ws.CancelSession(c.UserContext(), actor(c), id, in.Reason.Value); err != nil {
		return s.sessionError(renamed(err, map[string]string{"cancel_reason": "reason"}), id)
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
