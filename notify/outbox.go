// Package notify owns outgoing messages: the outbox they are written to, in the same
// transaction as the change that causes them, and the worker that delivers them (email
// over SMTP, or the console in development) with retries and backoff.
package notify

import (
	"context"
	"fmt"
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
	if m.Kind == "" || m.IdempotencyKey == "" {
		return false, fmt.Errorf("notify: a message needs a kind and an idempotency key")
	}
	if m.Status == "" {
		m.Status = StatusPending
	}
	now = now.UTC()
	m.CreatedAt = now
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = now
	}
	res, err := db.NewInsert().Model(m).On("CONFLICT (idempotency_key) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Kind, err)
	}
	if n == 1 && m.Status == StatusPending {
		if err := announce(ctx, db); err != nil {
			return false, err
		}
	}
	return n == 1, nil
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
