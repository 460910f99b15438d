package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/uptrace/bun/dialect"

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
