package workshops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// Service reads and changes the calendar. It is safe for concurrent use.
type Service struct {
	db      *bun.DB
	now     func() time.Time
	changes *Changes

	// Small, hot, rarely changed reads, kept until the calendar changes.
	vocab      atomic.Pointer[cached[*Vocabulary]]
	structures atomic.Pointer[cached[[]Structure]]
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read the time from now (tests freeze it).
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// NewService returns a service over a migrated database.
func NewService(db *bun.DB, opts ...Option) *Service {
	db.RegisterModel((*WorkshopTheme)(nil))
	s := &Service{db: db, now: time.Now, changes: newChanges(db)}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }

// write runs fn in a transaction that also records a calendar change, and tells this
// instance's caches once it is committed.
func (s *Service) write(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return s.changes.record(ctx, tx, s.now())
	})
	if err == nil {
		s.changes.bumpLocal()
	}
	return err
}

// Write runs fn in one transaction that also records a calendar change, and drops this
// instance's caches once it commits. Other packages use it to change the calendar and
// their own tables at once, calling the service's Tx methods inside fn.
func (s *Service) Write(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.write(ctx, fn)
}

// notFound turns sql.ErrNoRows into ErrNotFound and wraps other errors.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return fmt.Errorf("%s: %w", what, err)
}

// uniqueSlug returns want (or a slug of name when want is empty), suffixed with -2, -3…
// until no row of table has it.
func uniqueSlug(ctx context.Context, db bun.IDB, table, want, name string) (string, error) {
	base := want
	if base == "" {
		base = Slugify(name)
	} else {
		base = Slugify(base)
	}
	var taken []string
	err := db.NewSelect().Table(table).Column("slug").
		Where("slug = ? OR slug LIKE ? ESCAPE '\\'", base, likePrefix(base+"-")).Scan(ctx, &taken)
	if err != nil {
		return "", fmt.Errorf("check slug: %w", err)
	}
	used := make(map[string]bool, len(taken))
	for _, t := range taken {
		used[t] = true
	}
	slug := base
	for i := 2; used[slug]; i++ {
		slug = fmt.Sprintf("%s-%d", base, i)
	}
	return slug, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likePrefix returns a LIKE pattern matching strings that start with s. Queries using it
// write "LIKE ? ESCAPE '\'": SQLite has no default escape character.
func likePrefix(s string) string { return likeEscaper.Replace(s) + "%" }

// likeContains returns a LIKE pattern matching strings that contain s.
func likeContains(s string) string { return "%" + likeEscaper.Replace(s) + "%" }
