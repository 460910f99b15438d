package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
)

func TestAccountPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", func(nu *accounts.NewUser) { nu.Name = "Camille Martin" })
		b := e.browser()
		b.signIn("camille@exemple.fr", "une phrase assez longue")
		resp, body := b.get("/account")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Camille Martin") || !strings.Contains(body, "camille@exemple.fr") ||
			!strings.Contains(body, "Désactivée") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("GET /account = %d", resp.StatusCode)
		}
		if strings.Contains(body, "totp-prompt") {
			t.Error("someone who coordinates nothing is prompted for a second factor")
		}

		t.Run("ChangePassword", func(t *testing.T) {
			other := e.browser()
			other.signIn("camille@exemple.fr", "une phrase assez longue")
			b.get("/account")
			resp, body := b.post("/account/password", url.Values{"current_password": {"pas le bon"},
				"password": {"un nouveau mot de passe"}, "password_confirm": {"un nouveau mot de passe"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-current-password-error"`) ||
				!strings.Contains(body, `value="un nouveau mot de passe"`) {
				t.Fatalf("wrong current password: %d", resp.StatusCode)
			}
			resp, _ = b.post("/account/password", url.Values{"current_password": {"une phrase assez longue"},
				"password": {"un nouveau mot de passe"}, "password_confirm": {"un nouveau mot de passe"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?flash=password-changed" {
				t.Fatalf("change: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if !b.signedIn() {
				t.Error("changing the password signed this browser out")
			}
			if other.signedIn() {
				t.Error("the other session survived the new password")
			}
		})

		t.Run("SignOutEverywhereElse", func(t *testing.T) {
			other := e.browser()
			other.signIn("camille@exemple.fr", "un nouveau mot de passe")
			b.get("/account")
			resp, _ := b.post("/account/signout-everywhere", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?flash=signed-out-elsewhere" {
				t.Fatalf("sign out everywhere: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if !b.signedIn() || other.signedIn() {
				t.Errorf("this browser signed in: %v, the other: %v", b.signedIn(), other.signedIn())
			}
		})

		t.Run("APITokenShownOnceThenRevoked", func(t *testing.T) {
			bearer := func(token string) int {
				req := httptest.NewRequest(http.MethodPatch, "/api/v1/structures/nulle-part", strings.NewReader("{}"))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, _ := e.do(req)
				return resp.StatusCode
			}
			b.get("/account")
			resp, _ := b.post("/account/tokens", url.Values{"name": {"Export du lundi"}})
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || loc != "/account?flash=token-created#jetons" {
				t.Fatalf("create: %d → %q", resp.StatusCode, loc)
			}
			_, body := b.get("/account?flash=token-created")
			m := regexp.MustCompile(`id="nouveau-jeton" class="copy" type="text" readonly value="(esc_api_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatal("the new token is not shown")
			}
			secret := m[1]
			if strings.Contains(loc, secret) {
				t.Error("the secret is in the URL")
			}
			if _, body := b.get("/account"); strings.Contains(body, secret) || !strings.Contains(body, "Export du lundi") {
				t.Error("the secret is shown twice, or the token is not listed")
			}
			if status := bearer(secret); status == http.StatusUnauthorized {
				t.Fatalf("the new token is refused: %d", status)
			}
			if _, body := b.get("/account"); strings.Contains(body, "<td>Jamais</td>") {
				t.Error("the token's last use is not shown")
			}
			id := regexp.MustCompile(`action="/account/tokens/(\d+)/revoke"`).FindStringSubmatch(body)
			if id == nil {
				t.Fatal("no revoke button")
			}
			resp, _ = b.post("/account/tokens/"+id[1]+"/revoke", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?flash=token-revoked#jetons" {
				t.Fatalf("revoke: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if status := bearer(secret); status != http.StatusUnauthorized {
				t.Errorf("a revoked token: %d, want 401", status)
			}
			if _, body := b.get("/account"); !strings.Contains(body, "Révoqué le") {
				t.Error("the token is not shown as revoked")
			}

			// Someone else cannot revoke it.
			stranger := e.browser()
			e.user("autre@exemple.fr", nil)
			stranger.signIn("autre@exemple.fr", "une phrase assez longue")
			stranger.get("/account")
			if resp, _ := stranger.post("/account/tokens/"+id[1]+"/revoke", nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("someone else's token: %d, want 404", resp.StatusCode)
			}
		})
	})
}

func TestAccountPagesFollowTheAccessibilityRules(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		b := e.browser()
		check := func(what, body string) {
			t.Helper()
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range accessibilityProblems(doc) {
				t.Errorf("%s: %s", what, problem)
			}
		}
		link, _ := e.acc.IssueBootstrapLink(t.Context())
		setup := strings.TrimPrefix(link, baseURL)
		_, body := b.get(setup)
		check(setup, body)
		_, body = b.post(setup, url.Values{"email": {"x"}})
		check("POST "+setup, body)

		e.user("coordination@exemple.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{1} })
		for _, path := range []string{"/password/forgot", "/login/link/inconnu", "/password/reset/inconnu", setup} {
			_, body := b.get(path)
			check(path, body)
		}
		_, body = b.post("/password/forgot", url.Values{"email": {"pas une adresse"}})
		check("POST /password/forgot", body)
		b.signIn("coordination@exemple.fr", "une phrase assez longue")
		for _, path := range []string{"/account", "/account/totp"} {
			_, body := b.get(path)
			check(path, body)
		}
		_, body = b.post("/account/password", url.Values{"password": {"court"}})
		check("POST /account/password", body)
		_, body = b.post("/account/totp", url.Values{"code": {"1"}})
		check("POST /account/totp", body)
		b.post("/account/tokens", url.Values{"name": {"Script"}})
		_, body = b.get("/account")
		check("/account with a new token", body)

		_, body = b.get("/account/totp")
		b.post("/account/totp", url.Values{"code": {totpCode(t, totpSecret(t, body), e.clock.Now())}})
		_, body = b.get("/account/totp")
		check("/account/totp with the recovery codes", body)
		_, body = b.post("/account/totp/disable", url.Values{"password": {"faux"}})
		check("POST /account/totp/disable", body)
		nb := e.browser()
		nb.get("/login")
		nb.post("/login", url.Values{"email": {"coordination@exemple.fr"}, "password": {"une phrase assez longue"}})
		_, body = nb.get("/login/totp")
		check("/login/totp", body)
		_, body = nb.post("/login/totp", url.Values{"code": {"000000"}})
		check("POST /login/totp", body)
	})
}
