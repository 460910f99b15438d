package enrollment

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/workshops"
)

// Purposes of a consultation of personal data, kept in the access log.
const (
	PurposeRoster        = "liste des inscrits"
	PurposeAttendance    = "émargement"
	PurposeSheet         = "feuille d'émargement"
	PurposeOrientations  = "mes orientations"
	PurposeCancel        = "annulation d'une inscription"
	PurposeSessionChange = "personnes à prévenir d'un changement de séance"
	PurposeSearch        = "recherche d'une personne à sa demande"
	PurposeExport        = "export à la demande de la personne"
	PurposeErase         = "effacement à la demande de la personne"
)

// AccessEntry is a line of the log of who looked at a person's details.
type AccessEntry struct {
	bun.BaseModel `bun:"table:personal_data_access,alias:pda"`

	ID        int64 `bun:",pk,autoincrement"`
	At        time.Time
	UserID    int64 `bun:",nullzero"`
	BookingID int64
	Purpose   string
}

// logAccess records that a person of staff saw the details of bookings.
func (s *Service) logAccess(ctx context.Context, db bun.IDB, actor workshops.Actor, purpose string, bookingIDs []int64) error {
	if len(bookingIDs) == 0 {
		return nil
	}
	now := s.now().UTC()
	rows := make([]AccessEntry, len(bookingIDs))
	for i, id := range bookingIDs {
		rows[i] = AccessEntry{At: now, UserID: actor.UserID, BookingID: id, Purpose: purpose}
	}
	if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("log personal data access: %w", err)
	}
	return nil
}

// Line is one person enrolled in a session, as the structure sees it.
type Line struct {
	Enrollment Enrollment
	Booking    Booking
	// OrientedByName is the orienting professional's name, empty for a self-enrollment.
	OrientedByName string
	OrientedByMail string
}

// Roster is a session with the people enrolled in it: confirmed and attendance first,
// then the waiting list in order, then cancellations.
type Roster struct {
	// Session has its workshop, structure and place.
	Session *workshops.Session
	Lines   []Line
	// Vocabulary names the people's levels.
	Vocabulary *workshops.Vocabulary
}

// Confirmed returns the lines holding a seat.
func (r *Roster) Confirmed() []Line {
	return r.filter(func(e Enrollment) bool { return e.HoldsSeat() })
}

// Waiting returns the waiting list in order.
func (r *Roster) Waiting() []Line {
	return r.filter(func(e Enrollment) bool { return e.Status == Waitlisted })
}

// Cancelled returns the cancelled lines.
func (r *Roster) Cancelled() []Line {
	return r.filter(func(e Enrollment) bool { return e.Status == Cancelled })
}

func (r *Roster) filter(keep func(Enrollment) bool) []Line {
	var out []Line
	for _, l := range r.Lines {
		if keep(l.Enrollment) {
			out = append(out, l)
		}
	}
	return out
}

// Roster returns who is enrolled in a session, how to reach them and who oriented them,
// to the structure's team and the territory's coordinators. The consultation is logged.
// Returns workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) Roster(ctx context.Context, actor workshops.Actor, sessionID int64, purpose string) (*Roster, error) {
	sess := new(workshops.Session)
	if err := s.db.NewSelect().Model(sess).Relation("Workshop").Relation("Structure").Relation("Place").
		Where("s.id = ?", sessionID).Scan(ctx); err != nil {
		return nil, notFound(err, "get session")
	}
	if !actor.MayManage(sess.Structure) {
		return nil, workshops.ErrForbidden
	}
	var es []Enrollment
	if err := s.db.NewSelect().Model(&es).Relation("Booking").Where("e.session_id = ?", sessionID).Order("e.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	pros, err := professionals(ctx, s.db, es)
	if err != nil {
		return nil, err
	}
	voc, err := s.ws.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	r := &Roster{Session: sess, Vocabulary: voc}
	ids := make([]int64, 0, len(es))
	for _, e := range es {
		p := pros[e.Booking.OrientedBy]
		r.Lines = append(r.Lines, Line{Enrollment: e, Booking: *e.Booking, OrientedByName: p.Name, OrientedByMail: p.Email})
		ids = append(ids, e.BookingID)
	}
	rank := func(e Enrollment) int {
		switch {
		case e.HoldsSeat():
			return 0
		case e.Status == Waitlisted:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(r.Lines, func(a, b Line) int {
		if d := rank(a.Enrollment) - rank(b.Enrollment); d != 0 {
			return d
		}
		return a.Enrollment.Position - b.Enrollment.Position
	})
	if err := s.logAccess(ctx, s.db, actor, purpose, ids); err != nil {
		return nil, err
	}
	return r, nil
}

// MarkAttendance records who came (present) and who did not, for a session that has
// started; an absence is recorded in the outbox so that the orienting professional can
// follow up. marks maps enrollment ids to presence. Once everyone holding a seat is
// marked, the session's AttendanceTakenAt is set (it leaves the sessions to close). Returns workshops.ErrNotFound,
// workshops.ErrForbidden or workshops.ErrConflict (the session has not started).
func (s *Service) MarkAttendance(ctx context.Context, actor workshops.Actor, sessionID int64, marks map[int64]bool) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		sess := new(workshops.Session)
		if err := tx.NewSelect().Model(sess).Relation("Structure").Relation("Workshop").Where("s.id = ?", sessionID).Scan(ctx); err != nil {
			return notFound(err, "get session")
		}
		if !actor.MayManage(sess.Structure) {
			return workshops.ErrForbidden
		}
		if sess.StartsAt.After(s.now()) {
			return fmt.Errorf("%w: l'émargement se fait une fois la séance commencée", workshops.ErrConflict)
		}
		now := s.now().UTC()
		for id, present := range marks {
			e := new(Enrollment)
			err := tx.NewSelect().Model(e).Where("id = ? AND session_id = ? AND status IN (?)", id, sessionID,
				bun.In([]string{Confirmed, Attended, Absent})).Scan(ctx)
			if err != nil {
				return notFound(err, "get enrollment")
			}
			status := Absent
			if present {
				status = Attended
			}
			if e.Status == status {
				continue
			}
			e.Status, e.MarkedAt, e.UpdatedAt = status, &now, now
			if _, err := tx.NewUpdate().Model(e).Column("status", "marked_at", "updated_at").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("mark attendance: %w", err)
			}
			if status == Absent {
				b := &Booking{ID: e.BookingID, WorkshopID: sess.WorkshopID, Enrollments: []Enrollment{*e}}
				if err := s.event(ctx, tx, EventAbsent, b, sessionID); err != nil {
					return err
				}
			}
		}
		if err := closeAttendance(ctx, tx, sessionID, now); err != nil {
			return err
		}
		w := sess.Workshop
		w.Structure = sess.Structure
		return audit.Record(ctx, tx, &audit.Entry{At: now, ActorID: actor.UserID, ActorName: actor.Name, Action: "attendance",
			Entity: "session", EntityID: strconv.FormatInt(sessionID, 10), TerritoryID: sess.Structure.TerritoryID,
			StructureID: sess.StructureID, Summary: fmt.Sprintf("émargement de « %s » (%d personnes)", w.Title, len(marks))})
	})
}

// Orientation is one person a professional oriented, with the fate of each seat.
type Orientation struct {
	Booking  Booking
	Workshop *workshops.Workshop
	// Seats are the booking's enrollments with their sessions, in time order.
	Seats []Enrollment
}

// Status says in French what became of the orientation, as the professional follows it:
// confirmé, liste d'attente n°…, présent, absent, annulé.
func (o *Orientation) Status() string {
	if len(o.Seats) == 0 {
		return ""
	}
	e := o.Seats[0]
	for _, s := range o.Seats {
		if s.Status == Absent {
			e = s
		}
	}
	switch {
	case e.Session != nil && e.Session.Cancelled():
		return "annulé (séance annulée)"
	case e.Status == Waitlisted:
		return "liste d'attente n°" + strconv.Itoa(e.Position)
	case e.Status == Attended:
		return "présent"
	case e.Status == Absent:
		return "absent"
	case e.Status == Cancelled:
		return "annulé"
	}
	return "confirmé"
}

// OrientationFilter narrows a professional's orientations.
type OrientationFilter struct {
	// Status keeps the orientations with a seat of that status: confirmed, waitlisted,
	// attended, absent, or cancelled (by someone, or with its session).
	Status string
	// From and To keep the orientations with a session on those days or between them
	// (Europe/Paris, both included); zero dates do not bound.
	From, To workshops.Date
	// FirstName keeps the people whose first name holds it, whatever the case.
	FirstName string
	// Limit is 100 when zero.
	Limit int
}

// Orientations lists the people the professional oriented, newest first, with what
// became of each seat. The consultation is logged. Returns workshops.ErrForbidden.
func (s *Service) Orientations(ctx context.Context, actor workshops.Actor, f OrientationFilter) ([]Orientation, error) {
	if actor.UserID == 0 {
		return nil, workshops.ErrForbidden
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var bookings []Booking
	q := s.db.NewSelect().Model(&bookings).
		Relation("Enrollments", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Order("e.id") }).
		Relation("Enrollments.Session").
		Where("b.oriented_by = ?", actor.UserID)
	if f.Status != "" || !f.From.IsZero() || !f.To.IsZero() {
		q = q.Where("b.id IN (?)", seatsMatching(s.db, f))
	}
	if name := strings.ToLower(strings.TrimSpace(f.FirstName)); name != "" {
		q = q.Where("lower(b.first_name) LIKE ? ESCAPE '\\'", "%"+likeEscaper.Replace(name)+"%")
	}
	if err := q.OrderExpr("b.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("orientations: %w", err)
	}
	out, ids, err := orientationsOf(ctx, s.db, bookings)
	if err != nil {
		return nil, err
	}
	if err := s.logAccess(ctx, s.db, actor, PurposeOrientations, ids); err != nil {
		return nil, err
	}
	return out, nil
}
