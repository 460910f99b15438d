package testdb

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Plan runs read (which must run exactly one statement on db) and returns how the
// database plans that statement (see Explain). Gather the tables' statistics (ANALYZE)
// first, as a database in service has them.
func Plan(t testing.TB, db *bun.DB, read func(ctx context.Context) error) string {
	t.Helper()
	seen := Statements(t, db, read)
	if len(seen) != 1 {
		t.Fatalf("testdb.Plan: the read ran %d statements, not one: %q", len(seen), seen)
	}
	return Explain(t, db, seen[0], false)
}

// Statements runs fn and returns the statements it ran on db, in order.
func Statements(t testing.TB, db *bun.DB, fn func(ctx context.Context) error) []string {
	t.Helper()
	rec := &statements{}
	db.AddQueryHook(rec)
	err := fn(context.Background())
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.off = true
	if err != nil {
		t.Fatal(err)
	}
	return rec.seen
}

// Explain returns how the database plans query, one line per step: EXPLAIN QUERY PLAN's
// details on SQLite, EXPLAIN's text on PostgreSQL, where analyze also runs the query and
// reports its times and buffers (EXPLAIN (ANALYZE, BUFFERS)).
func Explain(t testing.TB, db *bun.DB, query string, analyze bool) string {
	t.Helper()
	explain := "EXPLAIN "
	switch {
	case db.Dialect().Name() == dialect.SQLite:
		explain = "EXPLAIN QUERY PLAN "
	case analyze:
		explain = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	rows, err := db.QueryContext(context.Background(), explain+query)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		// SQLite's rows are (id, parent, notused, detail); PostgreSQL's, one line of text.
		vals := make([]any, len(cols))
		var line string
		for i := range vals {
			vals[i] = new(any)
		}
		vals[len(vals)-1] = &line
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// statements records the statements run through a database, until turned off.
type statements struct {
	mu   sync.Mutex
	off  bool
	seen []string
}

func (s *statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (s *statements) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.off {
		s.seen = append(s.seen, e.Query)
	}
}
