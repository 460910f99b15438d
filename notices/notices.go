// Package notices decides who is told what when something happens to a seat or a session,
// and by which channel: the person as they chose (SMS, email with a calendar invitation,
// through their orienting professional, or a printed convocation the structure hands),
// the orienting professional, the structure. It composes those messages from French
// templates into the outbox, inside the transaction that handles the event (see
// notify.Worker.HandleEvent), each with an idempotency key made of the event, the
// recipient and the channel, so that an event handled twice sends nothing twice. It also
// schedules the reminders.
package notices

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// KindReminder is the outbox kind of a reminder due: the event the scheduler records for a
// seat, composed into the person's message by the worker.
const KindReminder = "reminder"

// Service composes the notices. It is safe for concurrent use.
type Service struct {
	db     *bun.DB
	ws     *workshops.Service
	en     *enrollment.Service
	site   ics.Site
	sender string
	now    func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read the time from now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithSender is the address invitations name as their organizer when a structure has no
// email address of its own (the sender of every email): without it,
// ne-pas-repondre@ the site's host.
func WithSender(address string) Option { return func(s *Service) { s.sender = address } }

// NewService returns the notices of a site whose public address is baseURL (links and
// calendar UIDs). It returns an error for a base URL without a host.
func NewService(db *bun.DB, ws *workshops.Service, en *enrollment.Service, baseURL string, opts ...Option) (*Service, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("notices: base URL %q has no host", baseURL)
	}
	s := &Service{db: db, ws: ws, en: en, now: time.Now,
		site: ics.Site{BaseURL: strings.TrimRight(baseURL, "/"), Host: u.Hostname()}}
	for _, opt := range opts {
		opt(s)
	}
	if s.sender == "" {
		s.sender = "ne-pas-repondre@" + u.Hostname()
	}
	return s, nil
}

// Register makes a worker compose the messages of enrollment events, session changes and
// reminders.
func (s *Service) Register(w *notify.Worker) {
	w.HandleEvent(enrollment.EventKind, s.enrollmentEvent)
	w.HandleEvent(notify.KindSessionChanged, s.sessionChanged)
	w.HandleEvent(KindReminder, s.reminder)
}

// Channels a person is reached by, as the keys of their messages name them.
const (
	channelSMS   = "sms"
	channelEmail = "email"
	channelPaper = "paper"
)

// personChannel says how the person of a booking is told: the channel they chose when it
// can be used, otherwise whichever address they gave; "" when only their orienting
// professional is told, or nobody can be (data erased).
func personChannel(b *enrollment.Booking) string {
	switch {
	case b.PurgedAt != nil:
		return ""
	case b.Contact == enrollment.ContactPaper:
		return channelPaper
	case b.Contact == enrollment.ContactProfessional && b.OrientedBy != 0:
		return ""
	case b.Contact == enrollment.ContactSMS && b.Phone != "":
		return channelSMS
	case b.Contact == enrollment.ContactEmail && b.Email != "":
		return channelEmail
	case b.Email != "":
		return channelEmail
	case b.Phone != "":
		return channelSMS
	}
	return ""
}

// key is the idempotency key of one message: the event (an outbox id), the recipient
// ("b12" the person of booking 12, "u3" user 3, "s5" structure 5) and the channel.
func key(eventID int64, recipient, channel string) string {
	return fmt.Sprintf("notice:%d:%s:%s", eventID, recipient, channel)
}

// invitation is a calendar invitation to send with an email.
type invitation struct {
	method   ics.Method
	sequence int
}

// personal is what to send the person of a booking.
type personal struct {
	// name is the message's template.
	name string
	// inv, when not nil, goes with an email.
	inv *invitation
	// convocation records, for a person who chose paper, that a new printed convocation
	// is due.
	convocation bool
	// urgent sends an SMS even in the quiet hours: the session is cancelled, today.
	urgent bool
}

// toPerson sends the person of a booking a message by their channel, or records the
// convocation to hand.
func (s *Service) toPerson(ctx context.Context, tx bun.Tx, eventID int64, b *enrollment.Booking, sess *workshops.Session,
	shared *view, n personal) error {
	recipient := "b" + fmt.Sprint(b.ID)
	v := *shared
	switch personChannel(b) {
	case channelPaper:
		if n.convocation {
			return enrollment.ConvocationDue(ctx, tx, b.ID, s.now())
		}
	case channelSMS:
		l, err := compose(n.name, &v)
		if err != nil {
			return err
		}
		_, err = notify.Enqueue(ctx, tx, &notify.Message{
			Kind: notify.KindSMS, IdempotencyKey: key(eventID, recipient, channelSMS), Recipient: b.Phone,
			BodyText: l.SMS, StructureID: sess.StructureID, SessionID: sess.ID, Urgent: n.urgent,
		}, s.now())
		return err
	case channelEmail:
		var cal []byte
		if n.inv != nil {
			var err error
			if cal, err = s.invitation(ctx, tx, sess, b, n.inv); err != nil {
				return err
			}
		}
		v.Invitation = cal != nil
		l, err := compose(n.name, &v)
		if err != nil {
			return err
		}
		m := s.email(eventID, recipient, b.Email, sess, l)
		if cal != nil {
			m.Calendar, m.CalendarMethod = string(cal), string(n.inv.method)
		}
		_, err = notify.Enqueue(ctx, tx, m, s.now())
		return err
	}
	return nil
}

// today reports whether a session starts on today's date in Paris.
func (s *Service) today(sess *workshops.Session) bool {
	return workshops.DateOf(sess.StartsAt) == workshops.DateOf(s.now())
}

// email is an email from a session's structure, replies going to its contact.
func (s *Service) email(eventID int64, recipient, to string, sess *workshops.Session, l letter) *notify.Message {
	return &notify.Message{
		Kind: notify.KindEmail, IdempotencyKey: key(eventID, recipient, channelEmail), Recipient: to,
		FromName: sess.Structure.Name, ReplyTo: sess.Structure.Email, Subject: l.Subject, BodyText: l.Text, BodyHTML: l.HTML,
		StructureID: sess.StructureID, SessionID: sess.ID,
	}
}

// invitation writes the person's calendar invitation to a session: the structure
// organizes (or the sender, for a structure without an address), the person attends.
func (s *Service) invitation(ctx context.Context, tx bun.Tx, sess *workshops.Session, b *enrollment.Booking, inv *invitation) ([]byte, error) {
	voc := &workshops.Vocabulary{}
	if err := tx.NewSelect().Model(&voc.Levels).Order("rank").Scan(ctx); err != nil {
		return nil, fmt.Errorf("invitation levels: %w", err)
	}
	org := ics.Party{Name: sess.Structure.Name, Email: sess.Structure.Email}
	if org.Email == "" {
		org.Email = s.sender
	}
	who := ics.Party{Name: strings.TrimSpace(b.FirstName + " " + b.LastName), Email: b.Email}
	return ics.Invitation(inv.method, sess, voc, s.site, org, who, inv.sequence, s.now())
}

// professional is an orienting professional's account, as messages need it.
type professional struct {
	ID     int64
	Name   string
	Email  string
	Status string
}

// professionals loads the active accounts of ids.
func professionals(ctx context.Context, tx bun.IDB, ids []int64) (map[int64]professional, error) {
	out := map[int64]professional{}
	if len(ids) == 0 {
		return out, nil
	}
	var ps []professional
	if err := tx.NewSelect().Table("users").Column("id", "name", "email", "status").
		Where("id IN (?)", bun.In(ids)).Where("status = 'active'").Scan(ctx, &ps); err != nil {
		return nil, fmt.Errorf("professionals: %w", err)
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// toProfessional sends the orienting professional of a booking the message name.
func (s *Service) toProfessional(ctx context.Context, tx bun.Tx, eventID, userID int64, sess *workshops.Session, name string, v *view) error {
	if userID == 0 {
		return nil
	}
	ps, err := professionals(ctx, tx, []int64{userID})
	if err != nil {
		return err
	}
	p, ok := ps[userID]
	if !ok || p.Email == "" {
		return nil
	}
	return s.mail(ctx, tx, eventID, "u"+fmt.Sprint(userID), p.Email, sess, name, v)
}

// mail composes the message name and sends it by email.
func (s *Service) mail(ctx context.Context, tx bun.Tx, eventID int64, recipient, to string, sess *workshops.Session, name string, v *view) error {
	l, err := compose(name, v)
	if err != nil {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, s.email(eventID, recipient, to, sess, l), s.now())
	return err
}

// loadSession reads a session with its workshop, structure and place, inside tx.
func loadSession(ctx context.Context, tx bun.IDB, id int64) (*workshops.Session, error) {
	sess := new(workshops.Session)
	err := tx.NewSelect().Model(sess).Relation("Workshop").Relation("Structure").Relation("Place").
		Where("s.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, workshops.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	return sess, nil
}
