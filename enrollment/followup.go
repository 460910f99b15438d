package enrollment

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// likeEscaper escapes the wildcards of a LIKE pattern (used with ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// seatsMatching selects the bookings with a seat of the filter's status in a session of
// its period.
func seatsMatching(db bun.IDB, f OrientationFilter) *bun.SelectQuery {
	q := db.NewSelect().TableExpr("enrollments AS fe").Column("fe.booking_id").
		Join("JOIN sessions AS fs ON fs.id = fe.session_id")
	switch f.Status {
	case "":
	case Cancelled:
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("fe.status = ?", Cancelled).WhereOr("fs.status = ?", workshops.SessionCancelled)
		})
	default:
		q = q.Where("fe.status = ?", f.Status).Where("fs.status <> ?", workshops.SessionCancelled)
	}
	if !f.From.IsZero() {
		q = q.Where("fs.starts_at >= ?", f.From.Start().UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("fs.starts_at < ?", f.To.AddDays(1).Start().UTC())
	}
	return q
}

// newOrientation puts a booking's seats in time order.
func newOrientation(b Booking, w *workshops.Workshop) Orientation {
	seats := b.Enrollments
	sortSeats(seats)
	return Orientation{Booking: b, Workshop: w, Seats: seats}
}

// orientationsOf reads the workshops (and structures) of bookings, and returns them as
// orientations with the bookings' ids.
func orientationsOf(ctx context.Context, db bun.IDB, bookings []Booking) ([]Orientation, []int64, error) {
	var keys, ids []int64
	for _, b := range bookings {
		if !slices.Contains(keys, b.WorkshopID) {
			keys = append(keys, b.WorkshopID)
		}
		ids = append(ids, b.ID)
	}
	byID := map[int64]*workshops.Workshop{}
	if len(keys) > 0 {
		var ws []workshops.Workshop
		if err := db.NewSelect().Model(&ws).Relation("Structure").Where("w.id IN (?)", bun.In(keys)).Scan(ctx); err != nil {
			return nil, nil, fmt.Errorf("orientations' workshops: %w", err)
		}
		for i := range ws {
			byID[ws[i].ID] = &ws[i]
		}
	}
	out := make([]Orientation, 0, len(bookings))
	for _, b := range bookings {
		out = append(out, newOrientation(b, byID[b.WorkshopID]))
	}
	return out, ids, nil
}

// ToCancel returns the seats a cancellation would cancel: held or awaited in sessions
// that have not started and are not cancelled.
func (o *Orientation) ToCancel(now time.Time) []Enrollment {
	var out []Enrollment
	for _, e := range o.Seats {
		if (e.Status == Confirmed || e.Status == Waitlisted) && e.Session != nil &&
			!e.Session.Cancelled() && e.Session.StartsAt.After(now) {
			out = append(out, e)
		}
	}
	return out
}

// Cancellable reports whether the orientation has seats to cancel (see ToCancel).
func (o *Orientation) Cancellable(now time.Time) bool { return len(o.ToCancel(now)) > 0 }

// Absent reports whether the person missed one of their sessions.
func (o *Orientation) Absent() bool {
	return slices.ContainsFunc(o.Seats, func(e Enrollment) bool { return e.Status == Absent })
}

// loadOrientation reads a booking with its seats (and their sessions) and its workshop
// (and structure).
func loadOrientation(ctx context.Context, db bun.IDB, id int64) (*Orientation, error) {
	b := new(Booking)
	if err := db.NewSelect().Model(b).Relation("Enrollments").Relation("Enrollments.Session").Where("b.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get booking")
	}
	w := new(workshops.Workshop)
	if err := db.NewSelect().Model(w).Relation("Structure").Where("w.id = ?", b.WorkshopID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("get workshop: %w", err)
	}
	o := newOrientation(*b, w)
	return &o, nil
}

// Orientation returns one booking with its seats, to its orienting professional or to the
// structure's team (before they cancel it, say). The consultation is logged with its
// purpose. Returns workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) Orientation(ctx context.Context, actor workshops.Actor, bookingID int64, purpose string) (*Orientation, error) {
	o, err := loadOrientation(ctx, s.db, bookingID)
	if err != nil {
		return nil, err
	}
	own := actor.UserID != 0 && actor.UserID == o.Booking.OrientedBy
	if !own && !actor.MayManage(o.Workshop.Structure) {
		return nil, workshops.ErrForbidden
	}
	return o, s.logAccess(ctx, s.db, actor, purpose, []int64{bookingID})
}

// Record is everything kept about the person of a booking, as a coordinator exports it
// at the person's request.
type Record struct {
	Orientation
	// Vocabulary names the person's level.
	Vocabulary *workshops.Vocabulary
}

// LevelLabel returns the French label of a person's level: a level of the vocabulary,
// or "non évalué".
func LevelLabel(voc *workshops.Vocabulary, code string) string {
	if l := voc.Level(code); l != nil {
		return l.Label
	}
	return "non évalué"
}

// Needs says in French what the person needs, one need a line: "prêt d'un appareil",
// "parle peu français (arabe)"…
func (p Person) Needs() []string {
	var out []string
	if p.NeedsDevice {
		out = append(out, "prêt d'un appareil")
	}
	if p.NeedsFrench {
		need := "parle peu français"
		if p.FrenchLanguage != "" {
			need += " (" + p.FrenchLanguage + ")"
		}
		out = append(out, need)
	}
	if p.NeedsMobility {
		out = append(out, "mobilité réduite")
	}
	if p.NeedsHearing {
		out = append(out, "déficience auditive")
	}
	if p.NeedsVisual {
		out = append(out, "déficience visuelle")
	}
	return out
}

// DisplayPhone writes a stored phone number (E.164) the French way: "06 12 34 56 78".
func DisplayPhone(e164 string) string {
	num, err := phonenumbers.Parse(e164, "FR")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.NATIONAL)
}
