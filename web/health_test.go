package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
)

func TestHealthAndReadiness(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		if resp, body := e.get("/healthz"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"ok"`) {
			t.Errorf("/healthz = %d %s", resp.StatusCode, body)
		}
		if resp, body := e.get("/readyz"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"ready"`) {
			t.Errorf("/readyz = %d %s", resp.StatusCode, body)
		}
		if _, err := db.ExecContext(t.Context(), "DELETE FROM bun_migrations"); err != nil {
			t.Fatal(err)
		}
		if resp, body := e.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz with migrations pending = %d %s, want 503", resp.StatusCode, body)
		}
	})
}

func TestUnknownPathsAnswerFrench404(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		resp, body := e.get("/nulle-part")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page introuvable") || !strings.Contains(body, `lang="fr"`) {
			t.Errorf("GET /nulle-part = %d %q", resp.StatusCode, body)
		}
		resp, body = e.get("/api/v1/nulle-part")
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":404`) {
			t.Errorf("GET /api/v1/nulle-part = %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		resp, _ := e.get("/healthz")
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
			"X-Frame-Options":        "DENY",
		} {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("HSTS over plain HTTP = %q, want none", hsts)
		}
	})
}

// TestForwardedHeadersAreTrustedOnlyFromConfiguredProxies: behind a reverse proxy that
// terminates HTTPS, HSTS is sent; the same headers from anyone else change nothing.
func TestForwardedHeadersAreTrustedOnlyFromConfiguredProxies(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		for _, tt := range []struct {
			name     string
			proxies  []string
			wantHSTS bool
		}{
			// app.Test's requests come from 0.0.0.0.
			{"FromTheConfiguredProxy", []string{"0.0.0.0"}, true},
			{"FromAnyoneElse", []string{"10.0.0.1"}, false},
			{"WithNoProxyConfigured", nil, false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				app, err := web.New(web.Deps{Workshops: workshops.NewService(db), BaseURL: baseURL, TrustedProxies: tt.proxies})
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
				req.Header.Set("X-Forwarded-Proto", "https")
				req.Header.Set("X-Forwarded-For", "203.0.113.7")
				resp, err := app.Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				if got := resp.Header.Get("Strict-Transport-Security") != ""; got != tt.wantHSTS {
					t.Errorf("HSTS sent: %v, want %v", got, tt.wantHSTS)
				}
			})
		}
	})
}
