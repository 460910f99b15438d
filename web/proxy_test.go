package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/web"
)

// TestFormPostThroughAnHTTPSProxy runs the app on a real socket behind a TLS reverse proxy
// that says X-Forwarded-Proto: https, as production does, and drives it with a real HTTP
// client. Over HTTPS, Fiber's CSRF middleware compares the Referer with the site: a form
// posted from our own page must pass (the same-origin Referrer-Policy lets browsers send
// it), and one posted from another site must not.
func TestFormPostThroughAnHTTPSProxy(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", nil)
		app, err := web.New(web.Deps{
			Workshops: e.svc, Accounts: e.acc, BaseURL: baseURL,
			Ready:          func(ctx context.Context) error { return migrations.Check(ctx, db) },
			TrustedProxies: []string{"127.0.0.1"},
		})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = app.Listener(ln) }()
		t.Cleanup(func() { _ = app.Shutdown() })

		target := &url.URL{Scheme: "http", Host: ln.Addr().String()}
		front := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			// X-Forwarded-For (the client), X-Forwarded-Host and X-Forwarded-Proto: https.
			r.SetXForwarded()
		}})
		defer front.Close()

		client := front.Client()
		client.Jar, _ = cookiejar.New(nil)
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		send := func(method, path, referer string, form url.Values) (*http.Response, string) {
			t.Helper()
			req, err := http.NewRequest(method, front.URL+path, strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			if form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if referer != "" {
				req.Header.Set("Referer", referer)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}

		resp, body := send(http.MethodGet, "/login", "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /login through the proxy: %d", resp.StatusCode)
		}
		if got := resp.Header.Get("Referrer-Policy"); got != "same-origin" {
			t.Errorf("Referrer-Policy = %q, want same-origin", got)
		}
		if resp.Header.Get("Strict-Transport-Security") == "" {
			t.Error("no HSTS although the proxy says the request came over HTTPS")
		}
		m := csrfInput.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no CSRF token on /login")
		}
		form := url.Values{"_csrf": {m[1]}, "email": {"camille@exemple.fr"}, "password": {"une phrase assez longue"}}

		resp, _ = send(http.MethodPost, "/login", "https://evil.example/login", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a post from another site: %d, want 403", resp.StatusCode)
		}
		resp, _ = send(http.MethodPost, "/login", "", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a post without Referer over HTTPS: %d, want 403", resp.StatusCode)
		}

		// What a browser sends from our own page, with the same-origin policy.
		resp, body = send(http.MethodPost, "/login", front.URL+"/login", form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/manage" {
			t.Fatalf("the form posted from our page through the proxy: %d → %q\n%.500s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if resp, _ := send(http.MethodGet, "/account", "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("not signed in after the proxied post: %d", resp.StatusCode)
		}
	})
}
