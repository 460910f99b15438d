package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// now is the frozen present of the web tests: Tuesday 24 November 2026, 10:00 in Paris.
var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// baseURL is the public address the tests' app believes it has.
const baseURL = "https://agenda.example.fr"

// testSecret signs the tests' cancellation links.
var testSecret = []byte("le secret des tests, assez long pour signer")

// env is one test's application over a fresh database.
type env struct {
	t     *testing.T
	db    *bun.DB
	svc   *workshops.Service
	acc   *accounts.Service
	en    *enrollment.Service
	nt    *notices.Service
	clock *wt.Clock
	app   *fiber.App
}

// newEnv wires the production application (web.New) over db with a frozen clock.
func newEnv(t *testing.T, db *bun.DB) *env {
	t.Helper()
	clock := wt.NewClock(now)
	svc := workshops.NewService(db, workshops.WithClock(clock.Now))
	acc := accounts.NewService(db, svc, baseURL, accounts.WithClock(clock.Now), accounts.WithHashParams(accounts.FastHashParams))
	en := enrollment.NewService(db, svc, baseURL, testSecret, enrollment.WithClock(clock.Now))
	nt, err := notices.NewService(db, svc, en, baseURL, notices.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	app, err := web.New(web.Deps{
		Workshops:  svc,
		Accounts:   acc,
		Enrollment: en,
		Notices:    nt,
		BaseURL:    baseURL,
		Ready:      func(ctx context.Context) error { return migrations.Check(ctx, db) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, svc: svc, acc: acc, en: en, nt: nt, clock: clock, app: app}
}

// do sends a request through app.Test and returns the response with its body read.
func (e *env) do(req *http.Request) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, string(b)
}

// get sends a GET with optional header name/value pairs.
func (e *env) get(path string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(req)
}
