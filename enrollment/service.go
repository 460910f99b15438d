package enrollment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// Service books seats. It is safe for concurrent use.
type Service struct {
	db      *bun.DB
	ws      *workshops.Service
	now     func() time.Time
	secret  []byte
	baseURL string
	batch   batcher
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read the time from now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// NewService returns an enrollment service. baseURL is the site's public address (for
// cancellation links); secret signs those links and must stay the same across restarts
// and instances.
func NewService(db *bun.DB, ws *workshops.Service, baseURL string, secret []byte, opts ...Option) *Service {
	s := &Service{db: db, ws: ws, now: time.Now, secret: secret, baseURL: strings.TrimRight(baseURL, "/")}
	s.batch.runners = 1
	if db.Dialect().Name() == dialect.PG {
		s.batch.runners = 2
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// MaxKeyLength is the longest idempotency key, in bytes.
const MaxKeyLength = 100

// MaxConsentText is the longest consent text, in characters.
const MaxConsentText = 2000

// ValidKey reports whether an idempotency key can be used: 1 to MaxKeyLength printable
// ASCII characters (what an HTTP header or a hidden field carries without surprise).
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// Request asks for a seat.
type Request struct {
	SessionID int64
	Person    Person
	// IdempotencyKey identifies one submission (a hidden field of the form, the API's
	// Idempotency-Key header): submitting it again returns the first booking.
	IdempotencyKey string
	// Self marks a self-enrollment (the public form, without an account).
	Self bool
	// Organisation is the orienting professional's organisation, kept with the booking.
	Organisation string
	// ConsentText is the exact text the person agreed to.
	ConsentText string
}

// Result is what Enroll did.
type Result struct {
	// Booking is the booking with its seats. Its Workshop and the seats' Sessions hold what
	// enrolling reads (identity, dates, seats, enrollment settings), not their descriptions.
	Booking *Booking
	// Status is Confirmed or Waitlisted (for a parcours, for every one of its sessions).
	Status string
	// Position is the place on the waiting list when Waitlisted.
	Position int
	// CancelURL is the person's cancellation link.
	CancelURL string
	// Replayed says the request was a repeat of an earlier one, answered with its booking.
	Replayed bool
}

// Enroll books a person into a session, or into every session of its parcours (all or
// nothing): confirmed while seats are left, on the waiting list otherwise (unless the
// workshop refuses one). The seat check, the booking and the seat count happen in one
// transaction with the sessions locked, so seats are never sold twice. A request whose
// idempotency key booked before is answered with that booking as it is now (Replayed),
// even when both arrive at once; a key that booked another person or session is a
// validation error naming idempotency_key. Requests arriving together are written
// together (see batch.go), each answered as if it had been alone. Returns a
// *workshops.ValidationError, workshops.ErrNotFound, workshops.ErrForbidden, ErrClosed,
// ErrFull or ErrAlreadyEnrolled.
func (s *Service) Enroll(ctx context.Context, actor workshops.Actor, req Request) (*Result, error) {
	req, key, err := s.prepare(ctx, actor, req)
	if err != nil {
		return nil, err
	}
	return s.enrollBatched(ctx, actor, req, key)
}

// prepare validates a request, cleans it, and returns it with the key its booking is
// stored under (the idempotency key is the person's or the professional's own).
func (s *Service) prepare(ctx context.Context, actor workshops.Actor, req Request) (Request, string, error) {
	voc, err := s.ws.Vocabulary(ctx)
	if err != nil {
		return req, "", err
	}
	v := &workshops.ValidationError{}
	if err := req.Person.Validate(voc); err != nil && !errors.As(err, &v) {
		return req, "", err
	}
	req.ConsentText = workshops.CleanText(req.ConsentText)
	if len([]rune(req.ConsentText)) > MaxConsentText {
		v.Add("consent_text", fmt.Sprintf("Le texte du consentement est trop long : %d caractères au plus.", MaxConsentText))
	}
	req.IdempotencyKey = strings.TrimSpace(req.IdempotencyKey)
	if !ValidKey(req.IdempotencyKey) {
		v.Add("idempotency_key", "Ce formulaire a expiré : rechargez la page et recommencez.")
	}
	if err := v.Err(); err != nil {
		return req, "", err
	}
	key := "self:" + req.IdempotencyKey
	if !req.Self {
		key = "u" + strconv.FormatInt(actor.UserID, 10) + ":" + req.IdempotencyKey
	}
	return req, key, nil
}

// errKeyTaken reports that a concurrent request inserted a booking with the same
// idempotency key while this one was deciding; Enroll then answers as for a repeat.
var errKeyTaken = errors.New("idempotency key taken by a concurrent request")

// enroll is Enroll once the request is valid: one transaction, which answers a repeated
// key with the first booking.
func (s *Service) enroll(ctx context.Context, actor workshops.Actor, req Request, key string) (*Result, error) {
	var res *Result
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// A repeat is answered before the sessions are locked, even when its session is no
		// longer public; what happens under the locks is kept short, for everyone enrolling
		// in the same session at once waits for them.
		if prior, err := s.replay(ctx, tx, req, key); err != nil || prior != nil {
			res = prior
			return err
		}
		w, sessions, err := s.lockSessions(ctx, tx, req.SessionID)
		if err != nil {
			return err
		}
		// A copy of this request (a double click) may have booked while this one waited
		// for the locks: then a refusal (already enrolled, full, closed) is its repeat's
		// answer. A booking goes on to the key's unique index, which tells the same.
		refuse := func(refusal error) error {
			prior, err := s.replay(ctx, tx, req, key)
			switch {
			case err != nil:
				return err
			case prior == nil:
				return refusal
			}
			res = prior
			return nil
		}
		if err := s.mayEnroll(actor, req, w); err != nil {
			return err
		}
		now := s.now().UTC()
		for _, sess := range sessions {
			if sess.Cancelled() || !sess.StartsAt.After(now) {
				return refuse(ErrClosed)
			}
		}
		if err := s.checkDuplicate(ctx, tx, req.Person, req.SessionID); err != nil {
			return refuse(err)
		}
		reserved := 0
		if req.Self {
			reserved = w.ReservedSeats
		}
		status := Confirmed
		for _, sess := range sessions {
			if sess.Capacity-sess.SeatsTaken-reserved <= 0 {
				status = Waitlisted
			}
		}
		if status == Waitlisted && w.NoWaitlist {
			return refuse(ErrFull)
		}
		b := newBooking(req, w, sessions, key, actor, now)
		// The key's unique index decides between copies, without an error that would abort
		// the transaction: the one that lost reads the winner's booking (committed, since
		// the insert waited for it).
		inserted, err := tx.NewInsert().Model(b).On("CONFLICT (idempotency_key) DO NOTHING").Returning("id").Exec(ctx)
		if err != nil {
			return fmt.Errorf("insert booking: %w", err)
		}
		if n, err := inserted.RowsAffected(); err != nil || n != 1 || b.ID == 0 {
			return refuse(errKeyTaken)
		}
		for _, sess := range sessions {
			e := Enrollment{BookingID: b.ID, SessionID: sess.ID, Status: status, CreatedAt: now, UpdatedAt: now}
			if status == Waitlisted {
				if e.Position, err = joinWaitingList(ctx, tx, sess.ID); err != nil {
					return err
				}
			} else if err := takeSeat(ctx, tx, sess.ID); err != nil {
				return err
			}
			if _, err := tx.NewInsert().Model(&e).Returning("id").Exec(ctx); err != nil {
				return fmt.Errorf("insert enrollment: %w", err)
			}
			e.Session = sess
			b.Enrollments = append(b.Enrollments, e)
		}
		if err := s.event(ctx, tx, EventEnrolled, b, req.SessionID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, w, "enrolled", b, status); err != nil {
			return err
		}
		res = s.result(b, req.SessionID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// replay finds the booking made earlier with the same key and answers with it as it is
// now, or returns nil when there is none. A key that booked another person or another
// session is refused: the request is not a repeat, and keys are not reusable.
func (s *Service) replay(ctx context.Context, tx bun.Tx, req Request, key string) (*Result, error) {
	// Repeats are rare: a narrow lookup first, the booking only when there is one.
	var ids []int64
	if err := tx.NewSelect().Model((*Booking)(nil)).Column("id").Where("idempotency_key = ?", key).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("find booking: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	prior := new(Booking)
	err := tx.NewSelect().Model(prior).Relation("Workshop", workshopColumns).Relation("Enrollments").Relation("Enrollments.Session").
		Where("b.id = ?", ids[0]).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("get booking: %w", err)
	}
	if !prior.sameRequest(req) {
		return nil, &workshops.ValidationError{Fields: map[string]string{"idempotency_key": "Cette clé a déjà servi pour une autre inscription " +
			"(une autre personne ou une autre séance) : chaque inscription demande une clé nouvelle, ou un formulaire rechargé."}}
	}
	sortSeats(prior.Enrollments)
	res := s.result(prior, req.SessionID)
	res.Replayed = true
	return res, nil
}

// sameRequest reports whether a (validated) request asks for what the booking holds: the
// same session and the same person. Once the personal fields are erased, the session
// alone is compared.
func (b *Booking) sameRequest(req Request) bool {
	if !slices.ContainsFunc(b.Enrollments, func(e Enrollment) bool { return e.SessionID == req.SessionID }) {
		return false
	}
	if b.PurgedAt != nil {
		return true
	}
	p := req.Person
	p.Consent = true
	return b.Person() == p && b.ConsentText == req.ConsentText
}

func newBooking(req Request, w *workshops.Workshop, sessions []*workshops.Session, key string, actor workshops.Actor, now time.Time) *Booking {
	p := req.Person
	b := &Booking{
		WorkshopID: w.ID, FirstName: p.FirstName, LastName: p.LastName, Phone: p.Phone, Email: p.Email,
		Contact: p.Contact, Level: p.Level, NeedsDevice: p.NeedsDevice, NeedsFrench: p.NeedsFrench,
		FrenchLanguage: p.FrenchLanguage, NeedsMobility: p.NeedsMobility, NeedsHearing: p.NeedsHearing,
		NeedsVisual: p.NeedsVisual, ConsentAt: now, ConsentText: req.ConsentText, IdempotencyKey: key, CreatedAt: now,
		Workshop: w,
	}
	if len(sessions) > 1 {
		b.GroupID = sessions[0].GroupID
	}
	if !req.Self {
		b.OrientedBy, b.Organisation = actor.UserID, req.Organisation
	}
	return b
}

// workshopColumns are the workshop's fields that enrolling reads (and that a Result's
// booking carries): who it is, and its enrollment settings.
func workshopColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.Column("id", "structure_id", "slug", "status", "title", "kind", "level_min", "level_max", "enrollment",
		"no_waitlist", "reserved_seats")
}

// sessionColumns are the session's fields that enrolling reads (and that a Result's
// seats carry): when, how many seats, and whether it is cancelled.
var sessionColumns = []string{"s.id", "s.workshop_id", "s.structure_id", "s.place_id", "s.group_id", "s.starts_at", "s.ends_at",
	"s.capacity", "s.seats_taken", "s.status"}

// lockSessions loads the workshop of a public session and the sessions one booking takes
// (the session, or every session of its parcours), locking them in id order so that two
// bookings never wait for each other in a circle.
func (s *Service) lockSessions(ctx context.Context, tx bun.Tx, sessionID int64) (*workshops.Workshop, []*workshops.Session, error) {
	target := new(workshops.Session)
	err := tx.NewSelect().Model(target).Column(sessionColumns...).Relation("Workshop", workshopColumns).
		Relation("Structure", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Column("id", "territory_id", "slug", "name", "status")
		}).
		Where("s.id = ?", sessionID).
		Where("workshop.status = ?", workshops.WorkshopPublished).
		Where("structure.status = ?", workshops.StructureActive).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, workshops.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get session: %w", err)
	}
	w := target.Workshop
	w.Structure = target.Structure
	target.Workshop, target.Structure = nil, nil
	parcours := w.Parcours() && target.GroupID != 0
	if !parcours && tx.Dialect().Name() != dialect.PG {
		// SQLite's transaction holds the database's write lock since it began: what was
		// read is what is.
		return w, []*workshops.Session{target}, nil
	}
	q := tx.NewSelect().Model((*workshops.Session)(nil)).Column(sessionColumns...)
	if parcours {
		q = q.Where("s.group_id = ?", target.GroupID)
	} else {
		q = q.Where("s.id = ?", target.ID)
	}
	var sessions []*workshops.Session
	if err := workshops.LockForUpdate(q.Order("s.id")).Scan(ctx, &sessions); err != nil {
		return nil, nil, fmt.Errorf("lock sessions: %w", err)
	}
	slices.SortFunc(sessions, func(a, b *workshops.Session) int { return a.StartsAt.Compare(b.StartsAt) })
	return w, sessions, nil
}

// mayEnroll says who may book: orienting professionals and the structure's team for
// anyone, and the person themselves where the workshop allows self-enrollment.
func (s *Service) mayEnroll(actor workshops.Actor, req Request, w *workshops.Workshop) error {
	if req.Self {
		if !w.OpenEnrollment() {
			return workshops.ErrForbidden
		}
		return nil
	}
	if MayOrient(actor, w.Structure) {
		return nil
	}
	return workshops.ErrForbidden
}

// checkDuplicate refuses a second booking of the same person (same first name, whatever
// its case, and same phone or email) in a session where they already hold or wait for a
// seat.
func (s *Service) checkDuplicate(ctx context.Context, tx bun.Tx, p Person, sessionID int64) error {
	h, err := readHolders(ctx, tx, []personAt{{p, sessionID}})
	if err != nil {
		return err
	}
	if h.has(p, sessionID) {
		return ErrAlreadyEnrolled
	}
	return nil
}

// takeSeat counts one more confirmed seat. The condition is the last guard: a count that
// would pass the capacity changes nothing and fails, whatever happened before.
func takeSeat(ctx context.Context, tx bun.IDB, sessionID int64) error {
	res, err := tx.NewUpdate().Model((*workshops.Session)(nil)).
		Set("seats_taken = seats_taken + 1").
		Where("id = ? AND seats_taken < capacity", sessionID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("take seat: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("take seat: session %d is full", sessionID)
	}
	return nil
}

func freeSeat(ctx context.Context, tx bun.IDB, sessionID int64) error {
	_, err := tx.NewUpdate().Model((*workshops.Session)(nil)).
		Set("seats_taken = seats_taken - 1").Where("id = ? AND seats_taken > 0", sessionID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("free seat: %w", err)
	}
	return nil
}

// result describes a booking as seen from one of its sessions.
func (s *Service) result(b *Booking, sessionID int64) *Result {
	r := &Result{Booking: b, CancelURL: s.CancelURL(b.ID)}
	for _, e := range b.Enrollments {
		if e.SessionID == sessionID || r.Status == "" {
			r.Status, r.Position = e.Status, e.Position
		}
	}
	return r
}

// CancelURL returns the person's cancellation link of a booking.
func (s *Service) CancelURL(bookingID int64) string {
	return s.baseURL + "/c/" + s.cancelToken(bookingID)
}

// cancelToken is the booking's id and a signature of it: short enough for an SMS and a QR
// code, unguessable, and the same every time it is asked for.
func (s *Service) cancelToken(bookingID int64) string {
	id := strconv.FormatInt(bookingID, 36)
	return id + "-" + s.sign(id)
}

func (s *Service) sign(id string) string {
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte("cancel:" + id))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))[:22]
}

// bookingOfToken checks a cancellation token and returns its booking id.
func (s *Service) bookingOfToken(token string) (int64, bool) {
	id, sig, ok := strings.Cut(token, "-")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(id))) {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 36, 64)
	return n, err == nil && n > 0
}

// Events recorded in the outbox for the messages the notifications compose.
const (
	// EventKind is the outbox kind of enrollment events.
	EventKind      = "enrollment"
	EventEnrolled  = "enrolled"
	EventPromoted  = "promoted"
	EventCancelled = "cancelled"
	EventAbsent    = "absent"
)

// Event is the payload of an enrollment event in the outbox.
type Event struct {
	Event     string `json:"event"`
	BookingID int64  `json:"booking_id"`
	SessionID int64  `json:"session_id"`
	Status    string `json:"status"`
	Position  int    `json:"position,omitempty"`
	By        string `json:"by,omitempty"`
}

// event records an enrollment event in the outbox, inside tx, once per (event, booking,
// session): each happens at most once to a seat.
func (s *Service) event(ctx context.Context, tx bun.IDB, kind string, b *Booking, sessionID int64) error {
	// The event is the structure's, so that only its team and its territory's
	// coordinators see it in the outbox.
	var structureID int64
	if b.Workshop != nil && b.Workshop.StructureID != 0 {
		structureID = b.Workshop.StructureID
	} else if err := tx.NewSelect().Table("workshops").Column("structure_id").Where("id = ?", b.WorkshopID).Scan(ctx, &structureID); err != nil {
		return fmt.Errorf("event's structure: %w", err)
	}
	m, err := eventMessage(kind, b, sessionID, structureID)
	if err != nil {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, m, s.now())
	return err
}

// eventMessage is the outbox message of an enrollment event of a structure.
func eventMessage(kind string, b *Booking, sessionID, structureID int64) (*notify.Message, error) {
	ev := Event{Event: kind, BookingID: b.ID, SessionID: sessionID}
	for _, e := range b.Enrollments {
		if e.SessionID == sessionID {
			ev.Status, ev.Position, ev.By = e.Status, e.Position, e.CancelledBy
		}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return &notify.Message{
		Kind:           EventKind,
		IdempotencyKey: fmt.Sprintf("%s:%s:%d:%d", EventKind, kind, b.ID, sessionID),
		Payload:        string(payload),
		StructureID:    structureID,
		SessionID:      sessionID,
	}, nil
}

// record appends an audit entry about a booking, without personal data.
func (s *Service) record(ctx context.Context, tx bun.IDB, actor workshops.Actor, w *workshops.Workshop, action string, b *Booking, detail string) error {
	return audit.Record(ctx, tx, s.auditEntry(actor, w, action, b, detail))
}

// auditEntry is the audit entry about a booking, without personal data.
func (s *Service) auditEntry(actor workshops.Actor, w *workshops.Workshop, action string, b *Booking, detail string) *audit.Entry {
	name := actor.Name
	if name == "" {
		name = "la personne elle-même"
	}
	summary := fmt.Sprintf("inscription n°%d à « %s »", b.ID, w.Title)
	if detail != "" {
		summary += " (" + detail + ")"
	}
	var territory int64
	if w.Structure != nil {
		territory = w.Structure.TerritoryID
	}
	return &audit.Entry{At: s.now(), ActorID: actor.UserID, ActorName: name, Action: action,
		Entity: "booking", EntityID: strconv.FormatInt(b.ID, 10), TerritoryID: territory, StructureID: w.StructureID, Summary: summary}
}
