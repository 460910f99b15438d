package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/valyala/fasthttp"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestEnrollLoad measures enrolling (issue 4, §7) on each database, in one run:
//   - the raw rate of single-row INSERT transactions on the database: pgbench with a
//     one-INSERT script on PostgreSQL (as many clients as the API gets connections), a Go
//     loop of one-row insert transactions on SQLite (one writer, as the application has);
//   - independent enrollments per second through the HTTP API at full speed: new people,
//     spread over 500 sessions, each request with its own idempotency key;
//   - 200 enrollments sent at once through the API to a 20-seat session: its duration,
//     and that exactly 20 are confirmed and 180 wait at positions 1…180.
//
// The raw rate and the API are measured in interleaved rounds (medians), so that a noisy
// neighbour hurts both alike.
func TestEnrollLoad(t *testing.T) {
	cfg := load(t)
	fmt.Printf("\nEscale enrollment load test: %v clients at full speed, %s per attack, %d rounds\n",
		cfg.enrollClients, cfg.duration, cfg.rounds)
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) { enrollLoad(t, cfg, d) })
	}
}

// enrollSite is the application over one database, with what the scenarios need.
type enrollSite struct {
	db       *bun.DB
	url      string // the database's DATABASE_URL, for pgbench
	base     string // the application's address
	token    string // a professional's API token
	sessions []int64
	svc      *workshops.Service
	en       *enrollment.Service
	keys     atomic.Int64
}

func enrollLoad(t *testing.T, cfg settings, d dialect.Name) {
	s := newEnrollSite(t, d, 500)
	settingsLine := "WAL, synchronous=NORMAL, one connection (as the server runs it)"
	if d == dialect.PG {
		settingsLine = pgSettings(t, s.db) + ", pool of 20 connections (as the server runs it)"
	}
	fmt.Printf("\n## %s — %s\n\n", testdb.Name(d), settingsLine)
	// A site in service: people already enrolled, and the planner's statistics say so (as
	// autovacuum keeps them). Statistics taken on empty bookings make PostgreSQL check every
	// seat's booking by reading the whole table.
	warm := cfg
	warm.duration = 2 * time.Second
	s.attackEnroll(warm)
	analyze(t, s.db)

	// Each client count in turn: the raw rate with that many clients (PostgreSQL), then the
	// API with that many connections, in interleaved rounds. The ratio takes the best of
	// each, whatever the count that gave it.
	type figures struct {
		clients     int
		raw, api    []float64
		latencies   []attackMetrics
		batchedReqs float64
	}
	var all []*figures
	for _, n := range cfg.enrollClients {
		f := &figures{clients: n}
		c := cfg
		c.workers = n
		var batches, requests int64
		for range cfg.rounds {
			f.raw = append(f.raw, s.rawInserts(t, c, d))
			b0, r0 := s.en.BatchStats()
			m := s.attackEnroll(c)
			b1, r1 := s.en.BatchStats()
			batches, requests = batches+b1-b0, requests+r1-r0
			if m.codes[http.StatusCreated] != m.requests {
				t.Errorf("enrollments: status codes %v, errors %v", m.codes, m.errs)
			}
			f.api, f.latencies = append(f.api, m.throughput), append(f.latencies, m)
		}
		f.batchedReqs = float64(requests) / float64(max(batches, 1))
		all = append(all, f)
	}
	rawName := "a Go loop of one-row insert transactions, one writer"
	if d == dialect.PG {
		rawName = "pgbench, one-INSERT script"
	}
	fmt.Printf("Raw: %s. API: independent enrollments at full speed, medians of %d rounds.\n\n", rawName, cfg.rounds)
	fmt.Printf("| clients | raw single-row INSERT tx/s | API enrollments/s | p50 | p99 | requests per batch | ratio |\n|---|---|---|---|---|---|---|\n")
	var bestRaw, bestAPI float64
	for _, f := range all {
		r, a := median(f.raw), median(f.api)
		m := f.latencies[slices.Index(f.api, a)]
		bestRaw, bestAPI = max(bestRaw, r), max(bestAPI, a)
		fmt.Printf("| %d | %.0f (rounds %s) | %.0f (rounds %s) | %s | %s | %.1f | %.1f%% |\n", f.clients, r, rates(f.raw), a, rates(f.api),
			ms(m.p50), ms(m.p99), f.batchedReqs, 100*a/r)
	}
	fmt.Printf("\n| measure | figure |\n|---|---|\n")
	fmt.Printf("| best raw rate, best API rate | %.0f tx/s, %.0f enrollments/s |\n", bestRaw, bestAPI)
	target := "target ≥ 25%"
	if strings.Contains(settingsLine, "fsync=off") {
		// Such a cluster loses committed transactions in a crash: no deployment runs it, and
		// its raw rate is PostgreSQL without the cost of a commit, the very cost batching
		// shares. The target is read on a durable cluster (scripts/bench.sh runs one).
		target = "the target ≥ 25% is read on a durable PostgreSQL"
	}
	fmt.Printf("| ratio (%s) | %.1f%% |\n", target, 100*bestAPI/bestRaw)

	var durations []time.Duration
	for i := range cfg.rounds {
		durations = append(durations, s.twoHundredOnTwenty(t, i))
	}
	slices.Sort(durations)
	fmt.Printf("| 200 enrollments at once on a 20-seat session (target < 2 s) | %s median, %s max over %d rounds: 20 confirmed, 180 waiting at 1…180 |\n",
		durations[len(durations)/2].Round(time.Millisecond), durations[len(durations)-1].Round(time.Millisecond), len(durations))
}

func rates(xs []float64) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(out, ", ")
}

// newEnrollSite starts the production application (accounts, enrollments, the change
// watcher) over a fresh database on a loopback port, with a professional's token and n
// upcoming sessions of 200 seats in 50 workshops.
func newEnrollSite(t *testing.T, d dialect.Name, n int) *enrollSite {
	t.Helper()
	ctx := context.Background()
	url := testdb.URL(t, d)
	db, err := migrations.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := workshops.NewService(db)
	var acc *accounts.Service
	s := &enrollSite{db: db, url: url, svc: svc}
	s.base = serveWith(t, svc, func(base string) web.Deps {
		acc = accounts.NewService(db, svc, base, accounts.WithHashParams(accounts.FastHashParams))
		var opts []enrollment.Option
		if n, err := strconv.Atoi(os.Getenv("ESCALE_ENROLL_BATCHING")); err == nil {
			opts = append(opts, enrollment.WithBatching(n))
		}
		s.en = enrollment.NewService(db, svc, base, []byte("le secret du banc d'essai"), opts...)
		return web.Deps{Workshops: svc, Accounts: acc, Enrollment: s.en, BaseURL: base}
	})

	u, err := acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "orientation@ccas.example.org", Name: "Banc d'essai",
		Organisation: "CCAS", ProfessionalTerritory: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.token, _, err = acc.CreateToken(ctx, u.ID, accounts.TokenAPI, "banc d'essai"); err != nil {
		t.Fatal(err)
	}
	first := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	for i := range 50 {
		st := wt.Structure(t, svc, func(st *workshops.Structure) { st.Name = fmt.Sprintf("Structure %02d", i) })
		w := wt.Workshop(t, svc, st, nil)
		batch := make([]*workshops.Session, n/50)
		for j := range batch {
			start := first.AddDate(0, 0, j).Add(time.Duration(i) * time.Hour)
			batch[j] = &workshops.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: workshops.MaxCapacity}
		}
		if err := svc.CreateSessions(ctx, workshops.System, w.ID, batch); err != nil {
			t.Fatal(err)
		}
		for _, sess := range batch {
			s.sessions = append(s.sessions, sess.ID)
		}
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE raw_inserts (id "+map[bool]string{true: "BIGSERIAL", false: "INTEGER"}[d == dialect.PG]+
		" PRIMARY KEY, session_id BIGINT NOT NULL, name TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	analyze(t, db)
	return s
}

// pgSettings says whether commits wait for the disk on this PostgreSQL.
func pgSettings(t *testing.T, db *bun.DB) string {
	var fsync, sync string
	if err := db.QueryRowContext(context.Background(), "SELECT current_setting('fsync'), current_setting('synchronous_commit')").Scan(&fsync, &sync); err != nil {
		t.Fatal(err)
	}
	return "fsync=" + fsync + ", synchronous_commit=" + sync
}

// rawInserts measures single-row insert transactions for one attack's duration.
func (s *enrollSite) rawInserts(t *testing.T, cfg settings, d dialect.Name) float64 {
	t.Helper()
	if d == dialect.PG {
		return s.pgbench(t, cfg)
	}
	ctx := context.Background()
	n := 0
	start := time.Now()
	for time.Since(start) < cfg.duration {
		err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO raw_inserts (session_id, name, created_at) VALUES (?, ?, ?)", n%500, "Personne", time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

var tpsRE = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs pgbench with a one-INSERT script on the site's database.
func (s *enrollSite) pgbench(t *testing.T, cfg settings) float64 {
	t.Helper()
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
		if len(dirs) == 0 {
			t.Fatal("pgbench not found on PATH nor in /usr/lib/postgresql/*/bin")
		}
		slices.Sort(dirs)
		bin = dirs[len(dirs)-1]
	}
	script := filepath.Join(t.TempDir(), "insert.sql")
	if err := os.WriteFile(script, []byte("\\set s random(1, 500)\n"+
		"INSERT INTO raw_inserts (session_id, name, created_at) VALUES (:s, 'Personne', now());\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--no-vacuum", "--client", strconv.Itoa(cfg.workers), "--jobs", "2",
		"--time", strconv.Itoa(int(cfg.duration.Seconds())), "--file", script, s.url).CombinedOutput()
	m := tpsRE.FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("pgbench: %v\n%s", err, out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	return tps
}

// body is a valid enrollment of a new person, with the consent text the client read.
func (s *enrollSite) body(n int64) []byte {
	return fmt.Appendf(nil, `{"first_name":"Personne %d","contact":"professional","level":"debutant","needs_device":%t,"consent":true,`+
		`"consent_text":"Son prénom, son niveau et ses besoins sont transmis à la structure qui organise l'atelier."}`, n, n%3 == 0)
}

func (s *enrollSite) header(n int64) http.Header {
	return http.Header{"Authorization": {"Bearer " + s.token}, "Content-Type": {"application/json"},
		"Idempotency-Key": {"banc-" + strconv.FormatInt(n, 10)}}
}

// attackEnroll enrolls new people at full speed, spread over the sessions: cfg.workers
// clients, each on its own kept-alive connection, each sending its next request as soon as
// the previous one is answered (a closed loop, as pgbench's clients).
//
// The clients are fasthttp's, not vegeta's: they share the machine with the server, and
// net/http's client (two goroutines per connection, a fresh request and response each
// time) took a fifth of its CPU, more than the server's own HTTP handling, which the raw
// rate's load generator (pgbench, in C) does not take from PostgreSQL.
func (s *enrollSite) attackEnroll(cfg settings) attackMetrics {
	host := strings.TrimPrefix(s.base, "http://")
	client := &fasthttp.HostClient{Addr: host, MaxConns: cfg.workers, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	type tally struct {
		latencies []time.Duration
		codes     map[int]int
		errs      map[string]int
	}
	tallies := make([]tally, cfg.workers)
	began := time.Now()
	deadline := began.Add(cfg.duration)
	var wg sync.WaitGroup
	for i := range tallies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tl := tally{codes: map[int]int{}, errs: map[string]int{}}
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for time.Now().Before(deadline) {
				n := s.keys.Add(1)
				req.Reset()
				req.Header.SetMethod(fasthttp.MethodPost)
				req.SetRequestURI(fmt.Sprintf("%s/api/v1/sessions/%d/enrollments", s.base, s.sessions[int(n)%len(s.sessions)]))
				for k, v := range s.header(n) {
					req.Header.Set(k, v[0])
				}
				req.SetBody(s.body(n))
				start := time.Now()
				err := client.Do(req, resp)
				tl.latencies = append(tl.latencies, time.Since(start))
				if err != nil {
					tl.errs[err.Error()]++
					continue
				}
				tl.codes[resp.StatusCode()]++
			}
			tallies[i] = tl
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	m := attackMetrics{codes: map[int]int{}, errs: map[string]int{}}
	var all []time.Duration
	for _, tl := range tallies {
		all = append(all, tl.latencies...)
		for c, n := range tl.codes {
			m.codes[c] += n
		}
		for e, n := range tl.errs {
			m.errs[e] += n
		}
	}
	slices.Sort(all)
	m.requests = len(all)
	m.throughput = float64(m.codes[fasthttp.StatusCreated]) / elapsed.Seconds()
	if len(all) > 0 {
		m.p50, m.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	return m
}

// attackMetrics are what an attack measured: answers per status code, transport errors,
// enrollments per second, and the latencies' median and 99th percentile.
type attackMetrics struct {
	requests   int
	codes      map[int]int
	errs       map[string]int
	throughput float64
	p50, p99   time.Duration
}

// twoHundredOnTwenty sends 200 enrollments at once to a new 20-seat session and returns
// how long they took, checking that exactly 20 are confirmed and 180 wait at 1…180.
func (s *enrollSite) twoHundredOnTwenty(t *testing.T, round int) time.Duration {
	t.Helper()
	ctx := context.Background()
	w := wt.Workshop(t, s.svc, nil, nil)
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	sess := &workshops.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 20}
	if err := s.svc.CreateSessions(ctx, workshops.System, w.ID, []*workshops.Session{sess}); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200, MaxConnsPerHost: 200}}
	type answer struct {
		Status   string `json:"status"`
		Position *int   `json:"position"`
	}
	answers := make([]answer, 200)
	errs := make([]error, 200)
	url := fmt.Sprintf("%s/api/v1/sessions/%d/enrollments", s.base, sess.ID)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := s.keys.Add(1)
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(s.body(n))))
			req.Header = s.header(n)
			<-ready
			resp, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusCreated {
				errs[i] = fmt.Errorf("status %d: %s", resp.StatusCode, raw)
				return
			}
			errs[i] = json.Unmarshal(raw, &answers[i])
		}()
	}
	// Every request is built and waiting: the clock starts when they are let go.
	time.Sleep(100 * time.Millisecond)
	began := time.Now()
	close(ready)
	wg.Wait()
	took := time.Since(began)

	confirmed := 0
	var positions []int
	for i, a := range answers {
		switch {
		case errs[i] != nil:
			t.Errorf("round %d, request %d: %v", round, i, errs[i])
		case a.Status == enrollment.Confirmed:
			confirmed++
		case a.Status == enrollment.Waitlisted && a.Position != nil:
			positions = append(positions, *a.Position)
		}
	}
	slices.Sort(positions)
	want := make([]int, 180)
	for i := range want {
		want[i] = i + 1
	}
	list, err := s.svc.SessionsForEdit(ctx, workshops.System, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if confirmed != 20 || !slices.Equal(positions, want) || list[0].SeatsTaken != 20 {
		t.Errorf("round %d: %d confirmed, %d seats taken, waiting positions %v", round, confirmed, list[0].SeatsTaken, positions)
	}
	return took
}
