package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/valyala/fasthttp"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// The feed benchmarks, on both databases:
//
//	go test ./web -run '^$' -bench Feed -benchmem
//
// FeedRender is a cache miss through the whole handler (filter, one domain call, encode,
// hash, gzip), cold and after a write elsewhere; its other sub-benchmarks split the cold
// miss. FeedCacheHit and FeedNotModified are what
// repeated polls cost, to compare with BareFiber serving the same bytes.

// benchNow is the frozen present of the benchmarks.
var benchNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// benchTerritory fills db with n sessions, from 50 days ago to 11 months ahead, across 50
// structures and 100 workshops with texts of realistic length.
func benchTerritory(b *testing.B, db *bun.DB, n int) *workshops.Service {
	b.Helper()
	svc := workshops.NewService(db, workshops.WithClock(wt.NewClock(benchNow).Now))
	per := n / 100
	span := 330 * 24 * time.Hour / time.Duration(per)
	themes := [][]string{{"prise-en-main"}, {"ludique", "communiquer"}, {"demarches-en-ligne"}, {"parcours-de-vie", "emploi-insertion"}}
	for i := range 50 {
		st := wt.Structure(b, svc, func(st *workshops.Structure) {
			st.Name = fmt.Sprintf("Médiathèque de quartier n° %d", i)
			st.Town = []string{"Nancy", "Vandœuvre-lès-Nancy", "Laxou", "Maxéville", "Tomblaine"}[i%5]
		})
		for j := range 2 {
			ws := wt.Workshop(b, svc, st, func(ws *workshops.Workshop) {
				ws.Title = fmt.Sprintf("Atelier numérique : %s", []string{"mon smartphone", "mes démarches", "mes photos", "ma messagerie"}[(i+j)%4])
				ws.Summary = "Les gestes de base, pas à pas, en petit groupe."
				ws.ThemeSlugs = themes[(i+j)%4]
			})
			sessions := make([]*workshops.Session, per)
			for k := range sessions {
				at := benchNow.Add(-50*24*time.Hour + time.Duration(k)*span + time.Duration(i*2+j)*time.Hour)
				sessions[k] = &workshops.Session{StartsAt: at, EndsAt: at.Add(2 * time.Hour), Capacity: 10}
			}
			if err := svc.CreateSessions(context.Background(), workshops.System, ws.ID, sessions); err != nil {
				b.Fatal(err)
			}
		}
	}
	// As autovacuum would: without statistics, PostgreSQL plans the joins for one row.
	if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return svc
}

// benchServer is the server New builds, without templates: the feeds need none.
func benchServer(svc *workshops.Service) *server {
	base, _ := url.Parse("https://agenda.example.fr")
	return &server{
		ws: svc, base: base, host: base.Hostname(),
		log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		feeds:  newFeedCache(svc.Changes()),
		events: ics.NewEventCache(feedEventCacheSize),
	}
}

// request prepares a reusable request context for a handler.
func request(uri string, headers ...string) *fasthttp.RequestCtx {
	var req fasthttp.Request
	req.SetRequestURI(uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	ctx := new(fasthttp.RequestCtx)
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4000}, nil)
	return ctx
}

// serve runs one request through a handler and checks its status.
func serve(b *testing.B, h fasthttp.RequestHandler, ctx *fasthttp.RequestCtx, status int) {
	ctx.Response.Reset()
	h(ctx)
	if got := ctx.Response.StatusCode(); got != status {
		b.Fatalf("status %d, want %d: %s", got, status, ctx.Response.Body())
	}
}

func eachDialect(b *testing.B, fn func(b *testing.B, db *bun.DB)) {
	for _, d := range []dialect.Name{dialect.SQLite, dialect.PG} {
		b.Run(testdb.Name(d), func(b *testing.B) { fn(b, testdb.New(b, d)) })
	}
}

func BenchmarkFeedRender(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *bun.DB) {
		svc := benchTerritory(b, db, 1000)
		s := benchServer(svc)
		app := fiber.New(fiber.Config{Immutable: true, ErrorHandler: s.handleError})
		app.Get("/calendar.ics", s.calendarFeed)
		h := app.Handler()
		ctx := request("/calendar.ics", "Accept-Encoding", "gzip")
		serve(b, h, ctx, fiber.StatusOK)
		// cold: nothing rendered before (the first request after a start).
		b.Run("miss-cold", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.feeds = newFeedCache(svc.Changes())
				s.events = ics.NewEventCache(feedEventCacheSize)
				serve(b, h, ctx, fiber.StatusOK)
			}
		})
		// after-write: the feed's entry is stale (a write happened somewhere) but the
		// sessions' encoded events are still valid, which is the common case.
		b.Run("miss-after-write", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.feeds = newFeedCache(svc.Changes())
				serve(b, h, ctx, fiber.StatusOK)
			}
		})
		bg := context.Background()
		feed, err := svc.Feed(bg, "", workshops.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%d sessions", len(feed.Sessions))
		b.Run("query", func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Feed(bg, "", workshops.Filter{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		var body []byte
		b.Run("encode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cal := ics.NewCalendar(ics.Publish)
				cal.SetName("Ateliers numériques — Mon territoire")
				cal.SetRefresh(time.Hour)
				cal.SetSizeLimit(feedMaxBytes, benchNow)
				site := ics.Site{BaseURL: "https://agenda.example.fr", Host: "agenda.example.fr"}
				for i := range feed.Sessions {
					cal.Add(ics.SessionEvent(&feed.Sessions[i], feed.Vocabulary, site))
				}
				enc, err := cal.Encode()
				if err != nil {
					b.Fatal(err)
				}
				body = enc.Body
			}
			b.ReportMetric(float64(len(body)), "bytes")
		})
		b.Run("hash+gzip", func(b *testing.B) {
			for b.Loop() {
				if _, err := newFeedEntry("k", 1, benchNow, body, benchNow, "x.ics"); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// hitApp is the production application over a filled database, with the feed cached.
func hitApp(b *testing.B) fasthttp.RequestHandler {
	b.Helper()
	svc := benchTerritory(b, testdb.New(b, dialect.SQLite), 1000)
	app, err := New(Deps{Workshops: svc, BaseURL: "https://agenda.example.fr"})
	if err != nil {
		b.Fatal(err)
	}
	return app.Handler()
}

func BenchmarkFeedCacheHit(b *testing.B) {
	h := hitApp(b)
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			ctx := request("/calendar.ics", "Accept-Encoding", enc)
			serve(b, h, ctx, fiber.StatusOK)
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, ctx, fiber.StatusOK)
			}
			b.ReportMetric(float64(len(ctx.Response.Body())), "bytes")
		})
	}
}

func BenchmarkFeedNotModified(b *testing.B) {
	h := hitApp(b)
	ctx := request("/calendar.ics", "Accept-Encoding", "gzip")
	serve(b, h, ctx, fiber.StatusOK)
	ctx = request("/calendar.ics", "Accept-Encoding", "gzip", "If-None-Match", string(ctx.Response.Header.Peek("ETag")))
	b.ReportAllocs()
	for b.Loop() {
		serve(b, h, ctx, fiber.StatusNotModified)
	}
}

// BenchmarkBareFiber is the reference: a bare Fiber app serving the same gzipped bytes
// from memory, and its 304.
func BenchmarkBareFiber(b *testing.B) {
	h := hitApp(b)
	ctx := request("/calendar.ics", "Accept-Encoding", "gzip")
	serve(b, h, ctx, fiber.StatusOK)
	body := append([]byte(nil), ctx.Response.Body()...)
	etag := string(ctx.Response.Header.Peek("ETag"))
	bare := fiber.New()
	bare.Get("/calendar.ics", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderETag, etag)
		if string(c.Request().Header.Peek(fiber.HeaderIfNoneMatch)) == etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, feedContentType)
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(body)
	})
	bh := bare.Handler()
	b.Run("200", func(b *testing.B) {
		ctx := request("/calendar.ics", "Accept-Encoding", "gzip")
		b.ReportAllocs()
		for b.Loop() {
			serve(b, bh, ctx, fiber.StatusOK)
		}
	})
	b.Run("304", func(b *testing.B) {
		ctx := request("/calendar.ics", "Accept-Encoding", "gzip", "If-None-Match", etag)
		b.ReportAllocs()
		for b.Loop() {
			serve(b, bh, ctx, fiber.StatusNotModified)
		}
	})
}
