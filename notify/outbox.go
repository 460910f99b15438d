// Package notify owns outgoing messages: the outbox they are written to, in the same
// transaction as the change that causes them, and the worker that delivers them (email
// over SMTP, or the console in development) with retries and backoff.
package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Message kinds.
const (
	// KindEmail is a composed email, sent as it is.
	KindEmail = "email"
	// KindSMS is a text message: BodyText to the E.164 number in Recipient, delivered by
	// SMSHandler (transliterated to GSM-7, outside quiet hours unless Urgent).
	KindSMS = "sms"
	// KindSessionChanged records that a session was moved or cancelled: the people
	// enrolled and their orienting professionals must be told (package notices composes
	// those messages).
	KindSessionChanged = "session-changed"
)

// MessageKinds are the kinds of messages that reach people (the others are events they
// are composed from): what a structure's messages page lists. The outbox's index by
// structure holds these kinds only, and its condition repeats this list, in this order.
var MessageKinds = []string{KindEmail, KindSMS}

// Message statuses.
const (
	// StatusPending waits for delivery, or for its next attempt.
	StatusPending = "pending"
	// StatusSent was accepted by the provider (the SMTP server).
	StatusSent = "sent"
	// StatusFailed was given up: refused for good, or too many attempts. A coordinator may
	// retry it.
	StatusFailed = "failed"
	// StatusDone is an event whose messages were composed and enqueued.
	StatusDone = "done"
)

// Message is one row of the outbox.
type Message struct {
	bun.BaseModel `bun:"table:outbox,alias:ob"`

	ID   int64 `bun:",pk,autoincrement"`
	Kind string
	// IdempotencyKey identifies the message: a second Enqueue with the same key writes
	// nothing, so that a retried action does not send twice.
	IdempotencyKey string
	// Recipient is an email address for KindEmail, a phone number in E.164 format
	// (+33612345678) for KindSMS.
	Recipient string
	// FromName is the sender's display name (a structure), ReplyTo where replies go.
	FromName string
	ReplyTo  string
	Subject  string
	BodyText string
	BodyHTML string
	// Calendar, on an email, is an iCalendar invitation whose METHOD is CalendarMethod
	// (REQUEST or CANCEL): sent as an alternative of the text, and attached as a .ics file.
	Calendar       string
	CalendarMethod string
	// Payload is JSON for event kinds.
	Payload string
	// StructureID and SessionID say whose messages these are (the structure sees them).
	StructureID int64 `bun:",nullzero"`
	SessionID   int64 `bun:",nullzero"`
	// Urgent sends an SMS even during quiet hours (a session cancelled the same day).
	Urgent bool
	// ProviderRef is the provider's id of a delivered message (Brevo's messageId), to
	// trace it with the provider's support; empty when the provider gives none.
	ProviderRef   string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LockedUntil   *time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// Enqueue writes a message into the outbox inside the caller's transaction, due now, and
// wakes the workers (on PostgreSQL, when the transaction commits). It returns false,
// writing nothing, when a message with the same idempotency key exists.
func Enqueue(ctx context.Context, db bun.IDB, m *Message, now time.Time) (bool, error) {
	n, err := EnqueueMany(ctx, db, []*Message{m}, now)
	return n == 1, err
}

// EnqueueMany writes messages into the outbox in one statement, as Enqueue does, and
// returns how many were written: a message whose idempotency key exists is skipped.
// The workers are woken once. Only a single message gets its ID set.
func EnqueueMany(ctx context.Context, db bun.IDB, msgs []*Message, now time.Time) (int, error) {
	q, pending, err := EnqueueQuery(db, msgs, now)
	if err != nil || q == nil {
		return 0, err
	}
	if len(msgs) > 1 {
		// Skipped messages return no row: the ids would land on the wrong messages.
		q = q.Returning("NULL")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", msgs[0].Kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", msgs[0].Kind, err)
	}
	if n > 0 && pending {
		if err := announce(ctx, db); err != nil {
			return 0, err
		}
	}
	return int(n), nil
}

// EnqueueQuery is EnqueueMany's statement, unsent, for a caller that sends it with others
// in one round trip; it is nil when there is nothing to write. When pending is true, the
// caller sends AnnounceSQL's statement after it, in the same transaction.
func EnqueueQuery(db bun.IDB, msgs []*Message, now time.Time) (q *bun.InsertQuery, pending bool, err error) {
	if len(msgs) == 0 {
		return nil, false, nil
	}
	now = now.UTC()
	for _, m := range msgs {
		if m.Kind == "" || m.IdempotencyKey == "" {
			return nil, false, fmt.Errorf("notify: a message needs a kind and an idempotency key")
		}
		if m.Status == "" {
			m.Status = StatusPending
		}
		m.CreatedAt = now
		if m.NextAttemptAt.IsZero() {
			m.NextAttemptAt = now
		}
		pending = pending || m.Status == StatusPending
	}
	return db.NewInsert().Model(&msgs).On("CONFLICT (idempotency_key) DO NOTHING").ExcludeColumn(unset(msgs)...), pending, nil
}

// optional are the columns a message may leave to the table's default (empty, zero or
// NULL), and whether a message sets each.
var optional = []struct {
	column string
	set    func(*Message) bool
}{
	{"recipient", func(m *Message) bool { return m.Recipient != "" }},
	{"from_name", func(m *Message) bool { return m.FromName != "" }},
	{"reply_to", func(m *Message) bool { return m.ReplyTo != "" }},
	{"subject", func(m *Message) bool { return m.Subject != "" }},
	{"body_text", func(m *Message) bool { return m.BodyText != "" }},
	{"body_html", func(m *Message) bool { return m.BodyHTML != "" }},
	{"calendar", func(m *Message) bool { return m.Calendar != "" }},
	{"calendar_method", func(m *Message) bool { return m.CalendarMethod != "" }},
	{"payload", func(m *Message) bool { return m.Payload != "" }},
	{"urgent", func(m *Message) bool { return m.Urgent }},
	{"provider_ref", func(m *Message) bool { return m.ProviderRef != "" }},
	{"attempts", func(m *Message) bool { return m.Attempts != 0 }},
	{"locked_until", func(m *Message) bool { return m.LockedUntil != nil }},
	{"last_error", func(m *Message) bool { return m.LastError != "" }},
	{"sent_at", func(m *Message) bool { return m.SentAt != nil }},
}

// unset returns the optional columns that no message sets: the statement leaves them
// out, which makes it shorter to send and to parse (an event uses a third of them).
func unset(msgs []*Message) []string {
	var out []string
	for _, o := range optional {
		if !slices.ContainsFunc(msgs, o.set) {
			out = append(out, o.column)
		}
	}
	return out
}

// Email is a composed email to enqueue.
type Email struct {
	To       string
	Subject  string
	Text     string
	HTML     string
	ReplyTo  string
	FromName string
}

// EnqueueEmail writes an email into the outbox (see Enqueue).
func EnqueueEmail(ctx context.Context, db bun.IDB, key string, e Email, structureID int64, now time.Time) (bool, error) {
	return Enqueue(ctx, db, &Message{
		Kind: KindEmail, IdempotencyKey: key, Recipient: e.To, FromName: e.FromName, ReplyTo: e.ReplyTo,
		Subject: e.Subject, BodyText: e.Text, BodyHTML: e.HTML, StructureID: structureID,
	}, now)
}
