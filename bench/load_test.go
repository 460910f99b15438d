package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// settings of a run, from the environment.
type settings struct {
	rate     int           // requests per second of the fixed-load scenarios
	duration time.Duration // of each attack
	workers  int           // concurrent connections of the full-speed scenarios
	rounds   int           // interleaved rounds of the side-by-side comparisons
	// enrollClients are the client counts of the enrollment throughput (API connections,
	// pgbench clients).
	enrollClients []int
}

func load(t *testing.T) settings {
	if os.Getenv("ESCALE_LOAD") == "" {
		t.Skip("load test: run scripts/bench.sh (or set ESCALE_LOAD=1)")
	}
	num := func(name string, def int) int {
		if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
			return v
		}
		return def
	}
	return settings{
		rate:          num("ESCALE_LOAD_RATE", 100),
		duration:      time.Duration(num("ESCALE_LOAD_SECONDS", 10)) * time.Second,
		workers:       num("ESCALE_LOAD_WORKERS", 16),
		rounds:        num("ESCALE_LOAD_ROUNDS", 3),
		enrollClients: nums("ESCALE_ENROLL_CLIENTS", []int{16, 64, 256}),
	}
}

// nums reads a comma-separated list of positive numbers from the environment.
func nums(name string, def []int) []int {
	var out []int
	for _, f := range strings.Split(os.Getenv(name), ",") {
		if v, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && v > 0 {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return def
	}
	return out
}

// TestLoad measures, on each database:
//   - latency at a fixed rate of the calendar's first page, a page filtered by level, theme
//     and town, and their API equivalents, over 10,000 upcoming sessions in 200 structures;
//   - the throughput of the cached whole-territory feed (1,000+ sessions) and of its 304,
//     side by side with a bare Fiber app serving the same bytes;
//   - the time to render that feed after a write elsewhere (its cache entry is stale).
func TestLoad(t *testing.T) {
	cfg := load(t)
	fmt.Printf("\nEscale load test: %d req/s fixed load, %s per attack, %d workers at full speed, %d rounds\n",
		cfg.rate, cfg.duration, cfg.workers, cfg.rounds)
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			pages(t, cfg, d)
			feeds(t, cfg, d)
		})
	}
}

// filtered is the filter of the "filtered" scenarios: level + theme + town.
const filtered = "level=debutant&theme=prise-en-main&city=Nancy"

func pages(t *testing.T, cfg settings, d dialect.Name) {
	db := testdb.New(t, d)
	svc := workshops.NewService(db)
	start := time.Now()
	wt.BuildTerritory(t, svc, wt.TerritorySpec{Structures: 200, Workshops: 1000, Sessions: 10_000, Days: 90, Seed: 1})
	analyze(t, db)
	fmt.Printf("\n## %s — 10,000 upcoming sessions, 200 structures (seeded in %s)\n\n", testdb.Name(d), time.Since(start).Round(time.Second))
	base := serve(t, db, svc)
	fmt.Printf("| scenario | rate | p50 | p90 | p99 | max | success |\n|---|---|---|---|---|---|---|\n")
	for _, sc := range []struct{ name, path string }{
		{"calendar, first page", "/"},
		{"calendar, level + theme + town", "/?" + filtered},
		{"API sessions, first page", "/api/v1/sessions"},
		{"API sessions, level + theme + town", "/api/v1/sessions?" + filtered},
	} {
		target := vegeta.Target{Method: http.MethodGet, URL: base + sc.path, Header: http.Header{"Accept-Encoding": {"gzip"}}}
		mustGet(t, target, http.StatusOK)
		m := attack(target, vegeta.Rate{Freq: cfg.rate, Per: time.Second}, cfg.duration, 0)
		fmt.Printf("| %s | %d/s | %s | %s | %s | %s | %.1f%% |\n", sc.name, cfg.rate,
			ms(m.Latencies.P50), ms(m.Latencies.P90), ms(m.Latencies.P99), ms(m.Latencies.Max), 100*m.Success)
		if m.Success < 1 {
			t.Errorf("%s: %.1f%% success, errors %v", sc.name, 100*m.Success, m.Errors)
		}
	}
}

func feeds(t *testing.T, cfg settings, d dialect.Name) {
	db := testdb.New(t, d)
	svc := workshops.NewService(db)
	wt.BuildTerritory(t, svc, wt.TerritorySpec{Structures: 200, Workshops: 400, Sessions: 1_100, Days: 300, Seed: 2})
	analyze(t, db)
	base := serve(t, db, svc)

	feed := vegeta.Target{Method: http.MethodGet, URL: base + "/calendar.ics", Header: http.Header{"Accept-Encoding": {"gzip"}}}
	plain := mustGet(t, vegeta.Target{Method: http.MethodGet, URL: feed.URL}, http.StatusOK)
	resp := mustGet(t, feed, http.StatusOK)
	events := bytes.Count(plain.Body, []byte("BEGIN:VEVENT"))
	fmt.Printf("\n## %s — whole-territory feed: %d events, %d bytes (%d gzipped)\n\n", testdb.Name(d), events, len(plain.Body), len(resp.Body))

	bare := bareFiber(t, resp)
	notModified := func(t vegeta.Target) vegeta.Target {
		t.Header = http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {resp.Headers.Get("ETag")}}
		return t
	}
	bareFeed := vegeta.Target{Method: http.MethodGet, URL: bare + "/calendar.ics", Header: feed.Header}
	mustGet(t, notModified(feed), http.StatusNotModified)
	mustGet(t, notModified(bareFeed), http.StatusNotModified)

	// Interleaved rounds, so that a noisy neighbour hurts both sides alike.
	full := vegeta.Rate{Freq: 0}
	throughput := map[string][]float64{}
	for range cfg.rounds {
		for _, sc := range []struct {
			name   string
			target vegeta.Target
		}{
			{"bare 200", bareFeed}, {"escale 200", feed},
			{"bare 304", notModified(bareFeed)}, {"escale 304", notModified(feed)},
		} {
			m := attack(sc.target, full, cfg.duration, cfg.workers)
			if m.Success < 1 {
				t.Errorf("%s: %.1f%% success, errors %v", sc.name, 100*m.Success, m.Errors)
			}
			throughput[sc.name] = append(throughput[sc.name], m.Throughput)
		}
	}
	fmt.Printf("| response | bare Fiber, same bytes | Escale | ratio (target) |\n|---|---|---|---|\n")
	for _, kind := range []struct{ code, target string }{{"200", "≥ 50%"}, {"304", "≥ 60%"}} {
		b, e := median(throughput["bare "+kind.code]), median(throughput["escale "+kind.code])
		fmt.Printf("| cached feed %s | %.0f req/s | %.0f req/s | %.0f%% (%s) |\n", kind.code, b, e, 100*e/b, kind.target)
	}

	// A feed re-rendered after a write elsewhere: its entry is stale, its sessions' events
	// are not. The write creates a structure awaiting validation, invisible in the feed.
	var renders []time.Duration
	for i := range 40 {
		wt.Structure(t, svc, func(s *workshops.Structure) {
			s.Name = fmt.Sprintf("Structure en attente %d", i)
			s.Status = workshops.StructurePending
		})
		waitFor(t, func() bool { _, live := svc.Changes().Generation(); return live })
		began := time.Now()
		r := mustGet(t, feed, http.StatusOK)
		renders = append(renders, time.Since(began))
		if r.Headers.Get("ETag") != resp.Headers.Get("ETag") {
			t.Errorf("the feed changed after an unrelated write")
		}
	}
	slices.Sort(renders)
	fmt.Printf("\nFeed served right after a write (re-rendered, gzip, over HTTP): p50 %s, p90 %s (%d requests)\n",
		ms(renders[len(renders)/2]), ms(renders[len(renders)*9/10]), len(renders))
}

// serve starts the production application on a loopback port, with the change watcher
// running as in the server, and returns its base URL.
func serve(t *testing.T, db *bun.DB, svc *workshops.Service) string {
	return serveWith(t, svc, func(base string) web.Deps { return web.Deps{Workshops: svc, BaseURL: base} })
}

// serveWith is serve for an application built from the dependencies deps returns for its
// base URL.
func serveWith(t *testing.T, svc *workshops.Service, deps func(base string) web.Deps) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	app, err := web.New(deps(base))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go svc.WatchChanges(ctx, time.Second, nil)
	go app.Listener(ln)
	t.Cleanup(func() { cancel(); _ = app.Shutdown() })
	waitFor(t, func() bool { _, live := svc.Changes().Generation(); return live })
	return base
}

// bareFiber serves the bytes and headers of a feed response from a bare Fiber app, the
// yardstick of the cached feed: 304 for a matching If-None-Match, 200 otherwise.
func bareFiber(t *testing.T, feed *response) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	body, etag := feed.Body, feed.Headers.Get("ETag")
	headers := map[string]string{}
	for _, h := range []string{"Content-Type", "Content-Encoding", "ETag", "Last-Modified", "Cache-Control", "Vary"} {
		headers[h] = feed.Headers.Get(h)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/calendar.ics", func(c *fiber.Ctx) error {
		if c.Get(fiber.HeaderIfNoneMatch) == etag {
			c.Set(fiber.HeaderETag, etag)
			return c.SendStatus(fiber.StatusNotModified)
		}
		for k, v := range headers {
			c.Set(k, v)
		}
		return c.Send(body)
	})
	go app.Listener(ln)
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// attack runs one vegeta attack; workers > 0 with a zero rate means full speed with
// that many concurrent connections. Bodies are read to the end but not kept.
func attack(target vegeta.Target, rate vegeta.Rate, d time.Duration, workers int) vegeta.Metrics {
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.MaxBody(0), vegeta.Timeout(30 * time.Second)}
	if workers > 0 {
		opts = append(opts, vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)), vegeta.Connections(workers))
	}
	a := vegeta.NewAttacker(opts...)
	var m vegeta.Metrics
	for res := range a.Attack(vegeta.NewStaticTargeter(target), rate, d, "load") {
		m.Add(res)
	}
	m.Close()
	return m
}

// response is what mustGet read.
type response struct {
	Body    []byte
	Headers http.Header
}

// mustGet sends one request with a plain client (vegeta paces even a single request) and
// checks its status.
func mustGet(t *testing.T, target vegeta.Target, status int) *response {
	t.Helper()
	req, err := http.NewRequest(target.Method, target.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = target.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Header.Get("Accept-Encoding") == "" {
		// Without it Go's client asks for gzip and unzips behind our back.
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != status {
		t.Fatalf("GET %s: %d (%v), want %d", target.URL, resp.StatusCode, err, status)
	}
	return &response{Body: body, Headers: resp.Header}
}

var client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}

func analyze(t *testing.T, db *bun.DB) {
	if db.Dialect().Name() == dialect.PG {
		if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
			t.Fatal(err)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string {
	return strings.TrimSuffix(fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)), "0") + " ms"
}
