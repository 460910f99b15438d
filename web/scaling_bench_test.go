package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// BenchmarkScaling checks that cost follows the page, not the database: the same pages,
// filtered page and filtered feed over a territory of 1,000 sessions, and over the same
// territory inside a database of 100,000 (99,000 more sessions in other towns and in the
// past year), on both databases:
//
//	go test ./web -run '^$' -bench Scaling -benchtime 200x -v
//
// The filtered results are the same in both databases (the benchmark checks it), so any
// difference in time is the database's size showing through. On PostgreSQL it logs the
// plan of the filtered page's main query (EXPLAIN ANALYZE).
func BenchmarkScaling(b *testing.B) {
	const filter = "city=54&level=debutant"
	for _, d := range []dialect.Name{dialect.SQLite, dialect.PG} {
		for _, size := range []struct {
			name  string
			extra int
		}{{"1k", 0}, {"100k", 99_000}} {
			b.Run(testdb.Name(d)+"/"+size.name, func(b *testing.B) {
				db := testdb.New(b, d)
				svc := scalingTerritory(b, db, size.extra)
				s, app := liveServer(b, db, svc)
				h := app.Handler()

				var feedEvents int
				for _, p := range []struct{ name, uri string }{
					{"first-page", "/"},
					{"filtered-page", "/?" + filter},
					{"api-filtered", "/api/v1/sessions?" + filter},
					{"filtered-feed-cold", "/calendar.ics?" + filter},
				} {
					if p.name == "filtered-feed-cold" {
						plain := request(p.uri)
						serve(b, h, plain, fiber.StatusOK)
						feedEvents = strings.Count(string(plain.Response.Body()), "BEGIN:VEVENT")
					}
					ctx := request(p.uri, "Accept-Encoding", "gzip")
					serve(b, h, ctx, fiber.StatusOK)
					b.Run(p.name, func(b *testing.B) {
						for b.Loop() {
							if strings.HasSuffix(p.name, "-cold") {
								s.feeds = newFeedCache(svc.Changes())
								s.events = ics.NewEventCache(feedEventCacheSize)
							}
							serve(b, h, ctx, fiber.StatusOK)
						}
					})
				}
				page, err := svc.ListSessions(context.Background(), scalingFilter(b), workshops.Page{})
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: filtered page %d sessions (first %d), filtered feed %d events", size.name,
					len(page.Sessions), page.Sessions[0].ID, feedEvents)
				if d == dialect.PG && size.extra > 0 {
					b.Log("EXPLAIN ANALYZE of the filtered page's main query:\n" + explainListSessions(b, db, svc))
				}
			})
		}
	}
}

func scalingFilter(b *testing.B) workshops.Filter {
	return workshops.Filter{City: "54", Levels: []string{"debutant"}}
}

// scalingTerritory builds the 1,000-session territory and, with extra, that many more
// sessions in 1,800 other structures of 90 other towns, over the past and the next year.
func scalingTerritory(b *testing.B, db *bun.DB, extra int) *workshops.Service {
	b.Helper()
	svc := workshops.NewService(db, workshops.WithClock(wt.NewClock(benchNow).Now))
	start := time.Now()
	wt.BuildTerritory(b, svc, wt.TerritorySpec{Structures: 200, Workshops: 400, Sessions: 1000, Days: 365, Seed: 7})
	if extra > 0 {
		wt.BuildTerritory(b, svc, wt.TerritorySpec{Structures: 1800, Workshops: 3600, Sessions: extra,
			Days: 365, PastDays: 365, Towns: 90, TownPrefix: "Commune", Seed: 8})
	}
	analyze(b, db)
	b.Logf("seeded %d extra sessions in %s", extra, time.Since(start).Round(time.Second))
	return svc
}

// analyze gathers planner statistics, as autovacuum would have done in production.
func analyze(b *testing.B, db *bun.DB) {
	if db.Dialect().Name() == dialect.PG {
		if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
}

// liveServer wires the production application with the change watcher running, as the
// server does, so that PostgreSQL's caches are live too.
func liveServer(b *testing.B, db *bun.DB, svc *workshops.Service) (*server, *fiber.App) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go svc.WatchChanges(ctx, time.Second, nil)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, live := svc.Changes().Generation(); live {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("change watcher not live")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s, app, err := newServer(Deps{Workshops: svc, BaseURL: "https://agenda.example.fr"})
	if err != nil {
		b.Fatal(err)
	}
	return s, app
}

// explainListSessions runs the filtered page's session query under EXPLAIN ANALYZE.
func explainListSessions(b *testing.B, db *bun.DB, svc *workshops.Service) string {
	seen := testdb.Statements(b, db, func(ctx context.Context) error {
		_, err := svc.ListSessions(ctx, scalingFilter(b), workshops.Page{})
		return err
	})
	for _, q := range seen {
		if strings.HasPrefix(q, `SELECT "s"."id"`) {
			return testdb.Explain(b, db, q, true)
		}
	}
	b.Fatalf("the filtered page ran no session query: %q", seen)
	return ""
}
