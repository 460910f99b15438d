package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// BenchmarkAPISessions measures /api/v1/sessions over 10,000 upcoming sessions in 200
// structures: the first page, and a page filtered like the calendar (level, theme, town).
//
//	go test ./web -run '^$' -bench APISessions -benchtime 2000x
func BenchmarkAPISessions(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(testdb.Name(d), func(b *testing.B) {
			app := benchTerritory(b, d, 200, 50)
			for _, q := range []struct{ name, path string }{
				{"FirstPage", "/api/v1/sessions"},
				{"Filtered", "/api/v1/sessions?level=debutant&theme=communiquer&city=laxou"},
			} {
				b.Run(q.name, func(b *testing.B) {
					for b.Loop() {
						resp, err := app.Test(httptest.NewRequest(http.MethodGet, q.path, nil), -1)
						if err != nil || resp.StatusCode != http.StatusOK {
							b.Fatalf("GET %s: %v %v", q.path, resp.StatusCode, err)
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				})
			}
		})
	}
}

// benchTerritory creates structures×perStructure weekly sessions from the frozen now,
// spread over four towns and two themes, and returns the production app over them.
func benchTerritory(b *testing.B, d dialect.Name, structures, perStructure int) interface {
	Test(*http.Request, ...int) (*http.Response, error)
} {
	b.Helper()
	db := testdb.New(b, d)
	clock := wt.NewClock(now)
	svc := workshops.NewService(db, workshops.WithClock(clock.Now))
	towns := []struct{ town, postcode string }{{"Nancy", "54000"}, {"Laxou", "54520"}, {"Vandœuvre-lès-Nancy", "54500"}, {"Villers-lès-Nancy", "54600"}}
	themes := []string{"prise-en-main", "communiquer", "demarches-en-ligne", "ludique"}
	levels := [][2]string{{"eloigne", "debutant"}, {"debutant", "intermediaire"}, {"intermediaire", "avance"}}
	for i := range structures {
		t := towns[i%len(towns)]
		st := wt.Structure(b, svc, func(st *workshops.Structure) {
			st.Name, st.Town, st.Postcode = fmt.Sprintf("Structure %03d", i), t.town, t.postcode
		})
		lv := levels[i%len(levels)]
		w := wt.Workshop(b, svc, st, func(w *workshops.Workshop) {
			w.LevelMin, w.LevelMax, w.ThemeSlugs = lv[0], lv[1], []string{themes[i%len(themes)], themes[(i+1)%len(themes)]}
		})
		sessions := make([]*workshops.Session, perStructure)
		first := now.Add(time.Duration(i) * time.Hour)
		for j := range sessions {
			start := first.AddDate(0, 0, 7*j)
			sessions[j] = &workshops.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 10}
		}
		if err := svc.CreateSessions(context.Background(), workshops.System, w.ID, sessions); err != nil {
			b.Fatal(err)
		}
	}
	// PostgreSQL's autovacuum gives production tables planner statistics that fresh ones
	// lack (without them the first page takes ~20× longer). SQLite gathers none unless
	// told to, so it is measured as it runs.
	if d == dialect.PG {
		if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	app, err := web.New(web.Deps{Workshops: svc, BaseURL: baseURL})
	if err != nil {
		b.Fatal(err)
	}
	return app
}

// BenchmarkAPIEnroll measures POST /api/v1/sessions/{id}/enrollments through the whole
// application (token, JSON, one transaction with the sessions locked): a new person each
// time, spread over 100 sessions (independent enrollments), and a repeat of one request
// (answered with the first booking). Throughput under concurrency is measured over HTTP
// by the load test (bench/, scripts/bench.sh enroll).
//
//	go test ./web -run '^$' -bench APIEnroll -benchtime 2000x
func BenchmarkAPIEnroll(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(testdb.Name(d), func(b *testing.B) {
			app, token, sessions := benchEnrollApp(b, d, 100)
			post := func(session int64, key, name string) int {
				body := fmt.Sprintf(`{"first_name":%q,"contact":"professional","level":"debutant","consent":true,"consent_text":"J'accepte."}`, name)
				req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/enrollments", session), strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Idempotency-Key", key)
				resp, err := app.Test(req, -1)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			b.Run("NewPerson", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if st := post(sessions[i%len(sessions)], fmt.Sprint("n-", i), fmt.Sprint("Personne ", i)); st != http.StatusCreated {
						b.Fatalf("status %d", st)
					}
					i++
				}
			})
			b.Run("Repeat", func(b *testing.B) {
				for b.Loop() {
					if st := post(sessions[0], "n-0", "Personne 0"); st != http.StatusOK {
						b.Fatalf("status %d", st)
					}
				}
			})
		})
	}
}

// benchEnrollApp returns the production app with accounts and enrollments over n sessions
// of 200 seats, a professional's API token, and the sessions' ids.
func benchEnrollApp(b *testing.B, d dialect.Name, n int) (interface {
	Test(*http.Request, ...int) (*http.Response, error)
}, string, []int64) {
	b.Helper()
	ctx := context.Background()
	db := testdb.New(b, d)
	clock := wt.NewClock(now)
	svc := workshops.NewService(db, workshops.WithClock(clock.Now))
	acc := accounts.NewService(db, svc, baseURL, accounts.WithClock(clock.Now), accounts.WithHashParams(accounts.FastHashParams))
	en := enrollment.NewService(db, svc, baseURL, testSecret, enrollment.WithClock(clock.Now))
	u, err := acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "pro@ccas.example.fr", Name: "Pro", Organisation: "CCAS", ProfessionalTerritory: 1})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := acc.CreateToken(ctx, u.ID, accounts.TokenAPI, "bench")
	if err != nil {
		b.Fatal(err)
	}
	st := wt.Structure(b, svc, nil)
	var ids []int64
	for i := range n {
		w := wt.Workshop(b, svc, st, nil)
		ids = append(ids, wt.Session(b, svc, w, now.Add(time.Duration(24+i)*time.Hour), func(s *workshops.Session) { s.Capacity = 200 }).ID)
	}
	app, err := web.New(web.Deps{Workshops: svc, Accounts: acc, Enrollment: en, BaseURL: baseURL})
	if err != nil {
		b.Fatal(err)
	}
	return app, token, ids
}
