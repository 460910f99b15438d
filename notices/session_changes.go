package notices

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// sessionChanged composes the messages of a session moved or cancelled: each person who
// holds or waits for a seat, by their channel (an updated invitation, or the calendar's
// cancellation, to those who hold one), and each orienting professional once, with the
// list of their people.
func (s *Service) sessionChanged(ctx context.Context, tx bun.Tx, m *notify.Message) error {
	var ev workshops.SessionChangeEvent
	if err := json.Unmarshal([]byte(m.Payload), &ev); err != nil {
		return notify.Permanent(fmt.Errorf("événement illisible : %w", err))
	}
	sess, err := loadSession(ctx, tx, ev.SessionID)
	if errors.Is(err, workshops.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !sess.StartsAt.After(s.now()) {
		return nil
	}
	var seats []enrollment.Enrollment
	if err := tx.NewSelect().Model(&seats).Relation("Booking").
		Where("e.session_id = ? AND e.status IN (?)", sess.ID, bun.In([]string{enrollment.Confirmed, enrollment.Waitlisted})).
		Order("e.id").Scan(ctx); err != nil {
		return fmt.Errorf("session seats: %w", err)
	}
	base := s.sessionView(sess)
	name := "session-cancelled"
	if ev.Change == workshops.ChangeMoved {
		name = "moved"
		if err := s.describeMove(ctx, tx, base, sess, &ev); err != nil {
			return err
		}
	} else {
		base.Reason = sess.CancelReason
	}

	type group struct{ people, relay []string }
	pros := map[int64]*group{}
	for _, e := range seats {
		b := e.Booking
		if b == nil || b.PurgedAt != nil {
			continue
		}
		v := s.withPerson(&view{}, b)
		person := *base
		person.FirstName, person.Name, person.PageURL = v.FirstName, v.Name, v.PageURL
		person.Waiting, person.Position = e.Status == enrollment.Waitlisted, e.Position
		var inv *invitation
		switch {
		case ev.Change == workshops.ChangeCancelled:
			inv = &invitation{method: ics.Cancel, sequence: sess.Sequence}
		case e.Status == enrollment.Confirmed:
			inv = &invitation{method: ics.Request, sequence: sess.Sequence}
		}
		if err := s.toPerson(ctx, tx, m.ID, b, sess, &person, personal{name: "person-" + name, inv: inv, convocation: true,
			urgent: ev.Change == workshops.ChangeCancelled && s.today(sess)}); err != nil {
			return err
		}
		if b.OrientedBy != 0 {
			g := pros[b.OrientedBy]
			if g == nil {
				g = &group{}
				pros[b.OrientedBy] = g
			}
			g.people = append(g.people, v.Name)
			if v.ThroughYou {
				g.relay = append(g.relay, v.Name)
			}
		}
	}
	ids := make([]int64, 0, len(pros))
	for id := range pros {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	accounts, err := professionals(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		p, ok := accounts[id]
		if !ok || p.Email == "" {
			continue
		}
		v := *base
		v.People, v.Relay = pros[id].people, pros[id].relay
		if err := s.mail(ctx, tx, m.ID, "u"+fmt.Sprint(id), p.Email, sess, "pro-"+name, &v); err != nil {
			return err
		}
	}
	return nil
}

// describeMove says in v what a move changed and where and when the session was before.
func (s *Service) describeMove(ctx context.Context, tx bun.Tx, v *view, sess *workshops.Session, ev *workshops.SessionChangeEvent) error {
	var changes []string
	switch {
	case workshops.FrenchDay(ev.BeforeStartsAt) != workshops.FrenchDay(ev.StartsAt):
		changes = append(changes, "de date")
	case !ev.BeforeStartsAt.Equal(ev.StartsAt) || !ev.BeforeEndsAt.Equal(ev.EndsAt):
		changes = append(changes, "d'horaire")
	}
	placeChanged := ev.BeforePlaceID != ev.PlaceID
	if placeChanged {
		changes = append(changes, "de lieu")
	}
	v.Change = strings.Join(changes, " et ")
	before := []string{when(ev.BeforeStartsAt)}
	if placeChanged {
		old := &workshops.Session{PlaceID: ev.BeforePlaceID, Structure: sess.Structure}
		if ev.BeforePlaceID != 0 {
			old.Place = new(workshops.Place)
			if err := tx.NewSelect().Model(old.Place).Where("pl.id = ?", ev.BeforePlaceID).Scan(ctx); err != nil {
				return fmt.Errorf("former place: %w", err)
			}
		}
		loc := old.Location()
		where := loc.Name
		if where == "" {
			where = loc.Address
		}
		before = append(before, where)
	}
	v.Before = strings.Join(before, ", ")
	return nil
}
