package enrollment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// Enrollment statuses.
const (
	Confirmed  = "confirmed"
	Waitlisted = "waitlisted"
	Cancelled  = "cancelled"
	Attended   = "attended"
	Absent     = "absent"
)

// Who cancelled.
const (
	ByPerson       = "person"
	ByProfessional = "professional"
	ByStructure    = "structure"
)

// Errors of the enrollment service.
var (
	// ErrFull reports a session without seats left nor waiting list.
	ErrFull = errors.New("la séance est complète et n'a pas de liste d'attente")
	// ErrClosed reports a session that cannot be enrolled in: cancelled, past or not public.
	ErrClosed = errors.New("on ne peut plus s'inscrire à cette séance")
	// ErrAlreadyCancelled reports a booking cancelled before: it is an ErrClosed, and a
	// caller that repeats a cancellation may take it as done.
	ErrAlreadyCancelled = fmt.Errorf("%w: l'inscription est déjà annulée", ErrClosed)
	// ErrAlreadyEnrolled reports that the person is already enrolled in the session.
	ErrAlreadyEnrolled = errors.New("cette personne est déjà inscrite à cette séance")
)

// Booking is one person booked into one session, or into every session of a parcours.
type Booking struct {
	bun.BaseModel `bun:"table:bookings,alias:b"`

	ID         int64 `bun:",pk,autoincrement"`
	WorkshopID int64
	// GroupID is the parcours' session group; zero for an à la carte booking.
	GroupID int64 `bun:",nullzero"`
	// OrientedBy is the orienting professional's account; zero for a self-enrollment.
	OrientedBy   int64 `bun:",nullzero"`
	Organisation string

	FirstName      string
	LastName       string
	Phone          string
	Email          string
	Contact        string
	Level          string
	NeedsDevice    bool
	NeedsFrench    bool
	FrenchLanguage string
	NeedsMobility  bool
	NeedsHearing   bool
	NeedsVisual    bool
	ConsentAt      time.Time
	ConsentText    string

	IdempotencyKey string
	CreatedAt      time.Time
	// PurgedAt is set once the personal fields were erased (retention).
	PurgedAt *time.Time
	// ConvocationDueAt is when a person who chose paper last had to be handed a
	// convocation (see ConvocationDue), ConvocationHandedAt when the structure last did.
	ConvocationDueAt    *time.Time
	ConvocationHandedAt *time.Time

	// Workshop is loaded by Enroll and Booking only.
	Workshop    *workshops.Workshop `bun:"rel:belongs-to,join:workshop_id=id"`
	Enrollments []Enrollment        `bun:"rel:has-many,join:id=booking_id"`
}

// Person returns the booking's personal data as a Person.
func (b *Booking) Person() Person {
	return Person{FirstName: b.FirstName, LastName: b.LastName, Phone: b.Phone, Email: b.Email, Contact: b.Contact,
		Level: b.Level, NeedsDevice: b.NeedsDevice, NeedsFrench: b.NeedsFrench, FrenchLanguage: b.FrenchLanguage,
		NeedsMobility: b.NeedsMobility, NeedsHearing: b.NeedsHearing, NeedsVisual: b.NeedsVisual, Consent: true}
}

// SelfEnrolled reports whether the person enrolled themselves.
func (b *Booking) SelfEnrolled() bool { return b.OrientedBy == 0 }

// Enrollment is a booking's seat in one session.
type Enrollment struct {
	bun.BaseModel `bun:"table:enrollments,alias:e"`

	ID        int64 `bun:",pk,autoincrement"`
	BookingID int64
	Booking   *Booking `bun:"rel:belongs-to,join:booking_id=id"`
	SessionID int64
	Session   *workshops.Session `bun:"rel:belongs-to,join:session_id=id"`
	Status    string
	// Position is the place on the session's waiting list (1 is next), 0 otherwise.
	Position        int
	CancelledAt     *time.Time
	CancelledBy     string
	CancelledByUser int64 `bun:",nullzero"`
	MarkedAt        *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// HoldsSeat reports whether the enrollment takes a confirmed seat (attendance marked or
// not).
func (e *Enrollment) HoldsSeat() bool {
	return e.Status == Confirmed || e.Status == Attended || e.Status == Absent
}

// notFound turns sql.ErrNoRows into workshops.ErrNotFound and wraps other errors.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return workshops.ErrNotFound
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Booking returns a booking as it is now — its workshop, each of its seats with its
// session, in time order, with its status and waiting-list position — to the
// professional who oriented the person and to the structure's team. The person's details
// are not read (the personal fields are left empty), so the consultation is not logged.
// Returns workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) Booking(ctx context.Context, actor workshops.Actor, id int64) (*Booking, error) {
	b := new(Booking)
	err := s.db.NewSelect().Model(b).
		Column("b.id", "b.workshop_id", "b.group_id", "b.oriented_by", "b.organisation", "b.created_at", "b.purged_at").
		Relation("Workshop").Relation("Workshop.Structure").
		Relation("Enrollments").Relation("Enrollments.Session").
		Where("b.id = ?", id).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get booking")
	}
	if (actor.UserID == 0 || b.OrientedBy != actor.UserID) && !actor.MayManage(b.Workshop.Structure) {
		return nil, workshops.ErrForbidden
	}
	sortSeats(b.Enrollments)
	return b, nil
}

// sortSeats puts a booking's enrollments (their sessions loaded) in time order.
func sortSeats(es []Enrollment) {
	slices.SortFunc(es, func(x, y Enrollment) int { return x.Session.StartsAt.Compare(y.Session.StartsAt) })
}
