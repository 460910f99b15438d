package web_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
)

func TestAPIProblemsNameTheInvalidParameter(t *testing.T) {
	cases := []struct {
		name   string
		path   string
		status int
		params []string
	}{
		{"UnknownSessionID", "/api/v1/sessions/999999", 404, []string{"id"}},
		{"NonNumericSessionID", "/api/v1/sessions/abc", 404, []string{"id"}},
		{"ZeroSessionID", "/api/v1/sessions/0", 404, []string{"id"}},
		{"NegativeSessionID", "/api/v1/sessions/-3", 404, []string{"id"}},
		{"HugeSessionID", "/api/v1/sessions/99999999999999999999999999", 404, []string{"id"}},
		{"UnknownWorkshop", "/api/v1/workshops/atelier-inconnu", 404, []string{"slug"}},
		{"EscapedWorkshopSlug", "/api/v1/workshops/%C3%A9t%C3%A9%20%22x%22", 404, []string{"slug"}},
		{"UnknownStructure", "/api/v1/structures/structure-inconnue", 404, []string{"slug"}},
		{"ImpossibleDate", "/api/v1/sessions?from=2025-13-45", 400, []string{"from"}},
		{"DateInAnotherFormat", "/api/v1/sessions?to=01/12/2026", 400, []string{"to"}},
		{"EndBeforeStart", "/api/v1/sessions?from=2026-12-10&to=2026-12-01", 400, []string{"to"}},
		{"UnknownLevel", "/api/v1/sessions?level=expert", 400, []string{"level"}},
		{"UnknownTheme", "/api/v1/sessions?theme=cuisine", 400, []string{"theme"}},
		{"TooLongText", "/api/v1/sessions?q=" + strings.Repeat("a", 201), 400, []string{"q"}},
		{"TooLongCity", "/api/v1/sessions?city=" + strings.Repeat("b", 101), 400, []string{"city"}},
		{"BadCursor", "/api/v1/sessions?after=page-2", 400, []string{"after"}},
		{"OverflowingCursor", "/api/v1/sessions?before=99999999999999999999.1", 400, []string{"before"}},
		{"BothCursors", "/api/v1/sessions?after=1796112000.1&before=1796112000.9", 400, []string{"before"}},
		{"ZeroLimit", "/api/v1/sessions?limit=0", 400, []string{"limit"}},
		{"NegativeLimit", "/api/v1/sessions?limit=-5", 400, []string{"limit"}},
		{"LimitAboveMax", "/api/v1/sessions?limit=201", 400, []string{"limit"}},
		{"HugeLimit", "/api/v1/sessions?limit=99999999999999999999999", 400, []string{"limit"}},
		{"NonNumericLimit", "/api/v1/sessions?limit=beaucoup", 400, []string{"limit"}},
		{"EveryBadParameterAtOnce", "/api/v1/sessions?from=2025-02-30&limit=0&after=x", 400, []string{"after", "from", "limit"}},
		{"WorkshopsUnknownLevel", "/api/v1/workshops?level=expert", 400, []string{"level"}},
		{"WorkshopsHugeLimit", "/api/v1/workshops?limit=1000", 400, []string{"limit"}},
		{"WorkshopsTooLongCursor", "/api/v1/workshops?after=" + strings.Repeat("z", 201), 400, []string{"after"}},
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var p problem
				e.sub(t).apiJSON(tc.path, tc.status, &p)
				if p.Status != tc.status || p.Title == "" || p.Detail == "" {
					t.Errorf("problem = %+v", p)
				}
				if got := p.names(); !slices.Equal(got, tc.params) {
					t.Errorf("errors[].name = %q, want %q", got, tc.params)
				}
				for _, f := range p.Errors {
					if f.Detail == "" {
						t.Errorf("errors[%s] has no explanation", f.Name)
					}
				}
			})
		}
	})
}

func TestAPIProblemsAreProblemJSON(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		for _, path := range []string{"/api/v1/sessions/abc", "/api/v1/sessions?limit=0"} {
			resp, _ := e.api(path)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("GET %s: Content-Type = %q", path, ct)
			}
		}
	})
}

func TestAPIIsOpenToEveryOriginForGet(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		for _, path := range []string{"/api/v1/levels", "/api/v1/openapi.json", "/api/v1/sessions/404"} {
			resp, _ := e.get(path, "Origin", "https://www.mairie-exemple.fr")
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want *", path, got)
			}
		}

		req := httptest.NewRequest(http.MethodOptions, "/api/v1/sessions?level=debutant", nil)
		req.Header.Set("Origin", "https://www.mairie-exemple.fr")
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, _ := e.do(req)
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("preflight status = %d, want 204", resp.StatusCode)
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("preflight Access-Control-Allow-Origin = %q, want *", got)
		}
		if got := resp.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "GET") {
			t.Errorf("preflight Access-Control-Allow-Methods = %q, want GET in it", got)
		}
	})
}
