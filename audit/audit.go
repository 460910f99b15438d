// Package audit keeps the append-only log of who created, changed, cancelled or deleted
// what, and when. Entries are written in the transaction of the change they describe, so
// the log never says something happened that did not, nor misses what did.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Entry is one line of the log.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log,alias:al"`

	ID int64 `bun:",pk,autoincrement"`
	At time.Time
	// ActorID is the person who acted; zero for the system (a command line, the demo).
	ActorID int64 `bun:",nullzero"`
	// ActorName is the person's name when they acted, kept if they are renamed or erased.
	ActorName string
	// Action is a verb: created, updated, published, unpublished, cancelled, deleted,
	// validated, refused, invited…
	Action string
	// Entity names the kind of thing acted on (structure, workshop, session, user…) and
	// EntityID which one.
	Entity   string
	EntityID string
	// TerritoryID and StructureID say whose part of the log the entry belongs to.
	TerritoryID int64 `bun:",nullzero"`
	StructureID int64 `bun:",nullzero"`
	// Summary says in French what changed, without personal data about people enrolled.
	Summary string
}

// Record appends an entry, inside the caller's transaction.
func Record(ctx context.Context, db bun.IDB, e *Entry) error {
	return RecordMany(ctx, db, []*Entry{e})
}

// RecordMany appends entries in one statement, inside the caller's transaction.
func RecordMany(ctx context.Context, db bun.IDB, entries []*Entry) error {
	q := RecordQuery(db, entries)
	if q == nil {
		return nil
	}
	if len(entries) > 1 {
		q = q.Returning("NULL") // nobody reads their ids back
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("record audit entry: %w", err)
	}
	return nil
}

// RecordQuery is RecordMany's statement, unsent, for a caller that sends it with others in
// one round trip; it is nil when there is nothing to record.
func RecordQuery(db bun.IDB, entries []*Entry) *bun.InsertQuery {
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		if e.At.IsZero() {
			e.At = time.Now()
		}
		e.At = e.At.UTC()
	}
	return db.NewInsert().Model(&entries)
}

// Filter says which part of the log to read.
type Filter struct {
	// Territories and Structures select entries of those territories or structures
	// (either matches); with both empty, nothing is returned.
	Territories []int64
	Structures  []int64
	// Before reads entries older than this id (for paging); zero reads the newest.
	Before int64
	// Limit is 50 when zero, at most 500.
	Limit int
}

// List returns entries of the log, newest first.
func List(ctx context.Context, db bun.IDB, f Filter) ([]Entry, error) {
	if len(f.Territories) == 0 && len(f.Structures) == 0 {
		return nil, nil
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var out []Entry
	q := db.NewSelect().Model(&out).WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		if len(f.Territories) > 0 {
			q = q.WhereOr("al.territory_id IN (?)", bun.In(f.Territories))
		}
		if len(f.Structures) > 0 {
			q = q.WhereOr("al.structure_id IN (?)", bun.In(f.Structures))
		}
		return q
	})
	if f.Before > 0 {
		q = q.Where("al.id < ?", f.Before)
	}
	if err := q.OrderExpr("al.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return out, nil
}
