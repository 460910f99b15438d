// Package testdb hands each test a fresh, migrated database on SQLite and on PostgreSQL.
//
// SQLite databases are copies of a template file migrated once per test process.
// PostgreSQL databases are clones (CREATE DATABASE … TEMPLATE) of a template database
// migrated once, on the server named by TEST_DATABASE_URL or, failing that, on a throwaway
// cluster that the test process starts itself from the machine's initdb and postgres
// binaries (as the postgres user when running as root) and that dies with it.
//
// Without any PostgreSQL on the machine the PostgreSQL half of every test is skipped with a
// loud message, unless ESCALE_TEST_POSTGRES=required, which makes it a failure (CI sets it).
//
// A package that uses testdb runs its tests through Main:
//
//	func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }
package testdb

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/migrations"
)

// Dialects are the databases every storage test runs on.
var Dialects = []dialect.Name{dialect.SQLite, dialect.PG}

// Main runs the package's tests and then stops the throwaway PostgreSQL cluster, if one was
// started. Use it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	stopCluster()
	return code
}

// Run runs fn as one subtest per dialect ("sqlite", "pg"), each with a fresh migrated
// database.
func Run(t *testing.T, fn func(t *testing.T, db *bun.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(Name(d)), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// Name is the short name of a dialect used in subtest names.
func Name(d dialect.Name) string {
	if d == dialect.PG {
		return "pg"
	}
	return "sqlite"
}

// New returns a fresh migrated database of the given dialect, closed and removed when the
// test ends. It skips (or fails, see the package doc) when PostgreSQL is unavailable.
func New(t testing.TB, d dialect.Name) *bun.DB {
	t.Helper()
	switch d {
	case dialect.SQLite:
		return newSQLite(t)
	case dialect.PG:
		return newPG(t)
	}
	t.Fatalf("testdb: unknown dialect %v", d)
	return nil
}

// URL returns a DATABASE_URL for a fresh migrated database of the dialect (for tests that
// start the real program). The database is removed when the test ends.
func URL(t testing.TB, d dialect.Name) string {
	t.Helper()
	switch d {
	case dialect.SQLite:
		return "sqlite:" + sqliteCopy(t)
	case dialect.PG:
		return pgClone(t)
	}
	t.Fatalf("testdb: unknown dialect %v", d)
	return ""
}

// EmptyURL returns a DATABASE_URL for an empty, unmigrated database of the dialect.
func EmptyURL(t testing.TB, d dialect.Name) string {
	t.Helper()
	switch d {
	case dialect.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "empty.db")
	case dialect.PG:
		return pgEmpty(t)
	}
	t.Fatalf("testdb: unknown dialect %v", d)
	return ""
}

var (
	sqliteOnce     sync.Once
	sqliteTemplate string
	sqliteErr      error
	counter        atomic.Int64
)

func newSQLite(t testing.TB) *bun.DB {
	t.Helper()
	return open(t, "sqlite:"+sqliteCopy(t))
}

func sqliteCopy(t testing.TB) string {
	t.Helper()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "escale-sqlite-template-")
		if err != nil {
			sqliteErr = err
			return
		}
		sqliteTemplate = filepath.Join(dir, "template.db")
		sqliteErr = migrateURL("sqlite:" + sqliteTemplate)
	})
	if sqliteErr != nil {
		t.Fatalf("testdb: sqlite template: %v", sqliteErr)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("test%d.db", counter.Add(1)))
	if err := copyFile(sqliteTemplate, path); err != nil {
		t.Fatalf("testdb: copy sqlite template: %v", err)
	}
	return path
}

// migrateURL opens, migrates and closes a database. Closing the last SQLite connection
// checkpoints the WAL into the main file, so the file can then be copied alone.
func migrateURL(url string) error {
	ctx := context.Background()
	db, err := migrations.Open(ctx, url)
	if err != nil {
		return err
	}
	if _, err := migrations.Up(ctx, db); err != nil {
		_ = db.Close()
		return err
	}
	return db.Close()
}

func open(t testing.TB, url string) *bun.DB {
	t.Helper()
	db, err := migrations.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
