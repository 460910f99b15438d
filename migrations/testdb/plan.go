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
// database plans that statement: EXPLAIN QUERY PLAN's details on SQLite, EXPLAIN's text
// on PostgreSQL, one line per step. Gather the tables' statistics (ANALYZE) first, as a
// database in service has them.
func Plan(t testing.TB, db *bun.DB, read func(ctx context.Context) error) string {
	t.Helper()
	ctx := context.Background()
	rec := &statements{}
	db.AddQueryHook(rec)
	err := read(ctx)
	rec.mu.Lock()
	seen := rec.seen
	rec.off = true
	rec.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("testdb.Plan: the read ran %d statements, not one: %q", len(seen), seen)
	}
	explain := "EXPLAIN "
	if db.Dialect().Name() == dialect.SQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := db.QueryContext(ctx, explain+seen[0])
	if err != nil {
		t.Fatalf("explain %s: %v", seen[0], err)
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
