package enrollment

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// MayOrient reports whether a signed-in person may enroll someone else in a session of a
// structure: orienting professionals, and the structure's team (its members and its
// territory's coordinators).
func MayOrient(actor workshops.Actor, st *workshops.Structure) bool {
	return actor.Professional || st != nil && actor.MayManage(st)
}

// Convocation is what the person's page shows about a booking: the booking, its seats in
// time order each with its session (workshop with its themes, structure and place), the
// vocabulary naming the levels, and the cancellation link.
type Convocation struct {
	Booking    *Booking
	Workshop   *workshops.Workshop
	Seats      []Enrollment
	Vocabulary *workshops.Vocabulary
	CancelURL  string
}

// Convocation reads the booking of a cancellation link with everything its convocation
// shows, whatever became of the booking or of its workshop since. Returns
// workshops.ErrNotFound for a wrong link.
func (s *Service) Convocation(ctx context.Context, token string) (*Convocation, error) {
	id, ok := s.bookingOfToken(token)
	if !ok {
		return nil, workshops.ErrNotFound
	}
	b := new(Booking)
	if err := s.db.NewSelect().Model(b).Relation("Enrollments").Where("b.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get booking")
	}
	ids := make([]int64, 0, len(b.Enrollments))
	for _, e := range b.Enrollments {
		ids = append(ids, e.SessionID)
	}
	var sessions []workshops.Session
	if len(ids) > 0 {
		err := s.db.NewSelect().Model(&sessions).Relation("Workshop").Relation("Structure").Relation("Place").
			Where("s.id IN (?)", bun.In(ids)).Order("s.starts_at", "s.id").Scan(ctx)
		if err != nil {
			return nil, fmt.Errorf("booking sessions: %w", err)
		}
	}
	if len(sessions) == 0 {
		return nil, workshops.ErrNotFound
	}
	w := sessions[0].Workshop
	if err := s.db.NewSelect().Model(&w.Themes).
		Join("JOIN workshop_themes AS wt ON wt.theme_id = th.id").
		Where("wt.workshop_id = ?", w.ID).Order("th.position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("workshop themes: %w", err)
	}
	voc, err := s.ws.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	cv := &Convocation{Booking: b, Workshop: w, Vocabulary: voc, CancelURL: s.CancelURL(b.ID)}
	byID := map[int64]Enrollment{}
	for _, e := range b.Enrollments {
		byID[e.SessionID] = e
	}
	for i := range sessions {
		sess := &sessions[i]
		sess.Workshop = w
		e := byID[sess.ID]
		e.Session = sess
		cv.Seats = append(cv.Seats, e)
	}
	return cv, nil
}

// Cancellable reports whether the person may still cancel: a seat held or waited for in a
// session not started yet (Cancel and CancelByToken leave the others alone).
func (c *Convocation) Cancellable(now time.Time) bool {
	for _, e := range c.Seats {
		if (e.Status == Confirmed || e.Status == Waitlisted) && e.Session.StartsAt.After(now) {
			return true
		}
	}
	return false
}
