package migrations_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		dialect dialect.Name
		path    string
		wantErr bool
	}{
		{in: "", dialect: dialect.SQLite, path: migrations.DefaultSQLitePath},
		{in: "sqlite:/tmp/x.db", dialect: dialect.SQLite, path: "/tmp/x.db"},
		{in: "sqlite:///tmp/x.db", dialect: dialect.SQLite, path: "/tmp/x.db"},
		{in: "file:data/y.db?mode=rwc", dialect: dialect.SQLite, path: "data/y.db"},
		{in: "postgres://u:p@localhost:5432/escale", dialect: dialect.PG},
		{in: "postgresql://localhost/escale?sslmode=disable", dialect: dialect.PG},
		{in: "mysql://localhost/escale", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := migrations.ParseURL(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseURL(%q) = %+v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Dialect != tt.dialect || got.Path != tt.path {
				t.Errorf("ParseURL(%q) = %v %q, want %v %q", tt.in, got.Dialect, got.Path, tt.dialect, tt.path)
			}
		})
	}
	t.Run("RedactsPassword", func(t *testing.T) {
		got, _ := migrations.ParseURL("postgres://escale:s3cret@db.example/escale")
		if r := got.Redacted(); r != "postgres://escale:xxxxx@db.example/escale" {
			t.Errorf("Redacted() = %q", r)
		}
	})
}

func TestMigrations(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			ctx := context.Background()
			db, err := migrations.Open(ctx, testdb.EmptyURL(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			t.Run("EmptyDatabaseIsNotReady", func(t *testing.T) {
				if err := migrations.Check(ctx, db); !errors.Is(err, migrations.ErrPending) {
					t.Fatalf("Check on an empty database = %v, want ErrPending", err)
				}
			})

			t.Run("UpDownUp", func(t *testing.T) {
				first, err := migrations.Up(ctx, db)
				if err != nil {
					t.Fatalf("up: %v", err)
				}
				if len(first.Names) == 0 {
					t.Fatal("up applied nothing on an empty database")
				}
				if err := migrations.Check(ctx, db); err != nil {
					t.Fatalf("Check after up: %v", err)
				}
				assertSeeded(t, db)

				again, err := migrations.Up(ctx, db)
				if err != nil || len(again.Names) != 0 {
					t.Fatalf("second up = %v, %v; want nothing to do", again.Names, err)
				}

				down, err := migrations.Down(ctx, db)
				if err != nil {
					t.Fatalf("down: %v", err)
				}
				if len(down.Names) != len(first.Names) {
					t.Fatalf("down rolled back %v, want %v", down.Names, first.Names)
				}
				var tables int
				q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sessions'"
				if d == dialect.PG {
					q = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'sessions'"
				}
				if err := db.QueryRowContext(ctx, q).Scan(&tables); err != nil || tables != 0 {
					t.Fatalf("after down, sessions table count = %d (%v), want 0", tables, err)
				}
				if err := migrations.Check(ctx, db); !errors.Is(err, migrations.ErrPending) {
					t.Fatalf("Check after down = %v, want ErrPending", err)
				}

				if _, err := migrations.Up(ctx, db); err != nil {
					t.Fatalf("up again: %v", err)
				}
				assertSeeded(t, db)
			})

			t.Run("ListShowsEveryMigrationApplied", func(t *testing.T) {
				list, err := migrations.List(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) == 0 {
					t.Fatal("no migrations listed")
				}
				for _, m := range list {
					if !m.Applied {
						t.Errorf("%s is not applied", m.Name)
					}
				}
			})
		})
	}
}

// TestConcurrentMigratorsBothSucceed starts several migrators at once on an empty
// PostgreSQL database, as several server instances deploying together would: the advisory
// lock must make them wait for each other, and all must come up.
func TestConcurrentMigratorsBothSucceed(t *testing.T) {
	url := testdb.EmptyURL(t, dialect.PG)
	ctx := context.Background()
	const instances = 4
	var wg sync.WaitGroup
	errs := make([]error, instances)
	applied := make([]int, instances)
	start := make(chan struct{})
	for i := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := migrations.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			<-start
			res, err := migrations.Up(ctx, db)
			errs[i] = err
			applied[i] = len(res.Names)
			if err == nil {
				errs[i] = migrations.Check(ctx, db)
			}
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
		total += applied[i]
	}
	list, err := func() ([]migrations.Status, error) {
		db, err := migrations.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return migrations.List(ctx, db)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if total != len(list) {
		t.Errorf("instances applied %d migrations in all, want each of the %d exactly once", total, len(list))
	}
}

// assertSeeded checks the vocabularies and the default territory the migrations insert.
func assertSeeded(t *testing.T, db *bun.DB) {
	t.Helper()
	for table, want := range map[string]int{"levels": 5, "themes": 8, "territories": 1, "calendar_state": 1} {
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		if n != want {
			t.Errorf("%s has %d rows, want %d", table, n, want)
		}
	}
	var mappings int
	if err := db.QueryRowContext(context.Background(), "SELECT count(DISTINCT theme_id) FROM theme_mappings WHERE scheme = 'mednum-service'").Scan(&mappings); err != nil {
		t.Fatal(err)
	}
	if mappings != 8 {
		t.Errorf("%d themes are mapped to the national standard's services, want all 8", mappings)
	}
}
