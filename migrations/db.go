// Package migrations owns Escale's schema for PostgreSQL and SQLite: it opens the database
// named by DATABASE_URL, applies the embedded migrations (serialised across instances on
// PostgreSQL) and tells whether the schema is up to date.
package migrations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)
)

// DefaultSQLitePath is where the embedded database lives when DATABASE_URL is empty.
const DefaultSQLitePath = "data/escale.db"

// Target says which database a DATABASE_URL names.
type Target struct {
	Dialect dialect.Name
	// DSN is what database/sql's driver receives.
	DSN string
	// Path is the SQLite file, empty for PostgreSQL.
	Path string
}

// ParseURL reads a DATABASE_URL: empty → SQLite in ./data/, "sqlite:PATH" or "file:PATH" →
// that SQLite file, "postgres://…" or "postgresql://…" → PostgreSQL. It returns an error for
// any other scheme.
func ParseURL(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return sqliteTarget(DefaultSQLitePath), nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return Target{}, fmt.Errorf("DATABASE_URL: %w", err)
		}
		return Target{Dialect: dialect.PG, DSN: raw}, nil
	case strings.HasPrefix(raw, "sqlite://"):
		return sqliteTarget(strings.TrimPrefix(raw, "sqlite://")), nil
	case strings.HasPrefix(raw, "sqlite:"):
		return sqliteTarget(strings.TrimPrefix(raw, "sqlite:")), nil
	case strings.HasPrefix(raw, "file:"):
		return sqliteTarget(strings.TrimPrefix(raw, "file:")), nil
	}
	return Target{}, fmt.Errorf("DATABASE_URL: unsupported scheme in %q (use postgres://… or sqlite:PATH)", redact(raw))
}

func sqliteTarget(path string) Target {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// WAL lets readers in other processes (the CLI) work while the server writes;
	// busy_timeout makes a second process wait instead of failing; immediate transactions
	// take the write lock at BEGIN so that two writers never deadlock on a lock upgrade.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Statement journals (which a multi-row statement keeps in case it must be undone)
	// stay in memory instead of spilling to a temporary file, write by write.
	q.Add("_pragma", "temp_store(MEMORY)")
	// A background connection checkpoints the log (see checkpoint.go); the writer does it
	// itself only past 10,000 pages (40 MB), and a log grown that large under a peak is cut
	// back to 64 MB once checkpointed.
	q.Add("_pragma", "wal_autocheckpoint(10000)")
	q.Add("_pragma", "journal_size_limit(67108864)")
	q.Add("_pragma", "cache_size(-65536)")
	q.Set("_txlock", "immediate")
	return Target{Dialect: dialect.SQLite, Path: path, DSN: "file:" + path + "?" + q.Encode()}
}

// pgExecMode makes pgx send each statement in one round trip (the simple protocol) unless
// the URL chooses otherwise. Bun writes the arguments into the statements itself, so
// nearly every statement's text is new: pgx's default, which prepares each new text
// before running it and keeps it in a cache, costs a second round trip per statement and
// evicts what it cached.
func pgExecMode(dsn string) string {
	if strings.Contains(dsn, "default_query_exec_mode=") {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "default_query_exec_mode=simple_protocol"
}

// redact hides a password in a URL so that it can be logged.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted returns the URL with any password masked, for logs.
func (t Target) Redacted() string {
	if t.Dialect == dialect.SQLite {
		return "sqlite:" + t.Path
	}
	return redact(t.DSN)
}

// Open connects to the database named by DATABASE_URL (see ParseURL) and checks that it
// answers. It creates the SQLite file's directory when needed.
func Open(ctx context.Context, databaseURL string) (*bun.DB, error) {
	t, err := ParseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	return OpenTarget(ctx, t)
}

// OpenTarget is Open for an already parsed target.
func OpenTarget(ctx context.Context, t Target) (*bun.DB, error) {
	var db *bun.DB
	switch t.Dialect {
	case dialect.SQLite:
		if dir := filepath.Dir(t.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		sqldb, err := openSQLite(t.DSN)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One connection: SQLite has one writer at a time anyway, and a single connection
		// queues writers in Go (FIFO, no busy polling) and makes "no SQLITE_BUSY inside the
		// process" a property rather than a hope. Reads are sub-millisecond.
		sqldb.SetMaxOpenConns(1)
		sqldb.SetMaxIdleConns(1)
		sqldb.SetConnMaxLifetime(0)
		sqldb.SetConnMaxIdleTime(0)
		db = bun.NewDB(sqldb, sqlitedialect.New())
	case dialect.PG:
		sqldb, err := sql.Open("pgx", pgExecMode(t.DSN))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(20)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = bun.NewDB(sqldb, pgdialect.New())
	default:
		return nil, errors.New("open: unknown dialect")
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s: %w", t.Redacted(), err)
	}
	return db, nil
}
