package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Errors of the outbox's admin helpers.
var (
	// ErrNotFound is returned for a message that does not exist.
	ErrNotFound = errors.New("notify: message not found")
	// ErrOutOfScope is returned for a message that exists outside the scope, so that the
	// caller refuses it as it refuses anything else outside someone's rights.
	ErrOutOfScope = errors.New("notify: message outside the scope")
	// ErrNotFailed is returned when retrying a message that has not failed.
	ErrNotFailed = errors.New("notify: only a failed message can be retried")
)

// Scope says whose messages a coordinator or a structure may see.
type Scope struct {
	// All selects every message, including those of no structure (sign-in links): for
	// coordinators.
	All bool
	// Structures selects the messages of these structures. With All false, no structure
	// and no NoStructure, nothing is selected.
	Structures []int64
	// NoStructure also selects the messages about no structure (sign-in links, requests
	// to join): a coordinator's, with their territories' structures.
	NoStructure bool
	// Kinds, when not empty, keeps messages of these kinds only (a structure's team sees
	// its emails and SMS, not the events they were composed from).
	Kinds []string
}

func (s Scope) apply(q *bun.SelectQuery) (*bun.SelectQuery, bool) {
	if len(s.Kinds) > 0 {
		q = q.Where("ob.kind IN (?)", bun.In(s.Kinds))
	}
	switch {
	case s.All:
		return q, true
	case len(s.Structures) > 0 || s.NoStructure:
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if len(s.Structures) > 0 {
				q = q.WhereOr("ob.structure_id IN (?)", bun.In(s.Structures))
			}
			if s.NoStructure {
				q = q.WhereOr("ob.structure_id IS NULL")
			}
			return q
		}), true
	}
	return q, false
}

// Filter says which messages List returns.
type Filter struct {
	Scope
	// Status keeps messages of one status (StatusPending…); empty keeps all.
	Status string
	// Kind keeps messages of one kind; empty keeps all.
	Kind string
	// Before reads messages older than this id (for paging); zero reads the newest.
	Before int64
	// Limit is 50 when zero, at most 500.
	Limit int
}

// listColumns leaves the bodies out: an email's text may hold a sign-in link, which
// nobody but its recipient should be able to read, not even a coordinator.
var listColumns = []string{
	"id", "kind", "idempotency_key", "recipient", "from_name", "reply_to", "subject",
	"structure_id", "session_id", "urgent", "provider_ref", "status", "attempts", "next_attempt_at", "locked_until",
	"last_error", "created_at", "sent_at",
}

// List returns messages newest first, without their bodies or payloads, with the
// provider's error of failed attempts in LastError.
func List(ctx context.Context, db bun.IDB, f Filter) ([]Message, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var out []Message
	q, ok := f.Scope.apply(db.NewSelect().Model(&out).Column(listColumns...))
	if !ok {
		return nil, nil
	}
	if f.Status != "" {
		q = q.Where("ob.status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("ob.kind = ?", f.Kind)
	}
	if f.Before > 0 {
		q = q.Where("ob.id < ?", f.Before)
	}
	if err := q.OrderExpr("ob.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}

// ListPage returns one page of size messages of f (see List), and the id to read the next
// page from (Filter.Before), zero on the last page.
func ListPage(ctx context.Context, db bun.IDB, f Filter, size int) ([]Message, int64, error) {
	f.Limit = size + 1
	msgs, err := List(ctx, db, f)
	if err != nil || len(msgs) <= size {
		return msgs, 0, err
	}
	msgs = msgs[:size]
	return msgs, msgs[size-1].ID, nil
}

// Counts returns the number of messages per status in the scope; every status is present,
// zero when it has no message.
func Counts(ctx context.Context, db bun.IDB, s Scope) (map[string]int, error) {
	out := map[string]int{StatusPending: 0, StatusSent: 0, StatusFailed: 0, StatusDone: 0}
	var rows []struct {
		Status string
		N      int
	}
	q, ok := s.apply(db.NewSelect().Model((*Message)(nil)).ColumnExpr("ob.status, count(*) AS n"))
	if !ok {
		return out, nil
	}
	if err := q.GroupExpr("ob.status").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// Retry puts a failed message of the scope back in the queue, due now with its attempts
// reset; its last error stays visible until the next attempt. It returns ErrNotFound,
// ErrOutOfScope or ErrNotFailed.
func Retry(ctx context.Context, db bun.IDB, id int64, s Scope, now time.Time) error {
	var found []Message
	if q, ok := s.apply(db.NewSelect().Model(&found).Column("id", "status").Where("ob.id = ?", id)); ok {
		if err := q.Scan(ctx); err != nil {
			return fmt.Errorf("retry outbox message %d: %w", id, err)
		}
	}
	if len(found) == 0 {
		exists, err := db.NewSelect().Model((*Message)(nil)).Where("id = ?", id).Exists(ctx)
		switch {
		case err != nil:
			return fmt.Errorf("retry outbox message %d: %w", id, err)
		case exists:
			return ErrOutOfScope
		}
		return ErrNotFound
	}
	res, err := db.NewUpdate().Model((*Message)(nil)).
		Set("status = ?", StatusPending).
		Set("attempts = 0").
		Set("next_attempt_at = ?", now.UTC()).
		Set("locked_until = NULL").
		Where("id = ?", id).Where("status = ?", StatusFailed).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("retry outbox message %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("retry outbox message %d: %w", id, err)
	} else if n == 0 {
		return ErrNotFailed
	}
	return announce(ctx, db)
}

// Settle marks the pending messages of a kind about some sessions done, without
// delivering them, and returns how many it settled: for data loaded in bulk that must not
// announce itself (the demo's enrollments would otherwise send a confirmation each).
func Settle(ctx context.Context, db bun.IDB, kind string, sessionIDs []int64, now time.Time) (int64, error) {
	if len(sessionIDs) == 0 {
		return 0, nil
	}
	res, err := db.NewUpdate().Model((*Message)(nil)).
		Set("status = ?", StatusDone).
		Set("sent_at = ?", now.UTC()).
		Where("kind = ? AND status = ? AND locked_until IS NULL", kind, StatusPending).
		Where("session_id IN (?)", bun.In(sessionIDs)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("settle %s messages: %w", kind, err)
	}
	return res.RowsAffected()
}

// Purge deletes the messages settled before a time — sent, failed or, for events, done —
// with their recipients, texts and payloads: personal data (names, addresses, phone
// numbers, cancellation links) must not outlive the retention period in the outbox either.
// Pending messages stay whatever their age. It returns how many rows went.
func Purge(ctx context.Context, db bun.IDB, before time.Time) (int64, error) {
	res, err := db.NewDelete().Model((*Message)(nil)).
		Where("status IN (?)", bun.In([]string{StatusSent, StatusFailed, StatusDone})).
		Where("created_at < ?", before).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge outbox: %w", err)
	}
	return res.RowsAffected()
}
