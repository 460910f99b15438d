package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
)

var recoveryCode = regexp.MustCompile(`<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>`)

func TestSecondFactor(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("coordination@exemple.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{1} })
		const password = "une phrase assez longue"
		b := e.browser()
		b.signIn("coordination@exemple.fr", password)

		if _, body := b.get("/account"); !strings.Contains(body, `href="/account/totp">Activer la double authentification</a></p></div>`) {
			t.Error("a coordinator without a second factor is not prompted to turn it on")
		}
		resp, body := b.get("/account/totp")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<img src="data:image/png;base64,`) {
			t.Fatalf("GET /account/totp = %d, no QR code", resp.StatusCode)
		}
		secret := totpSecret(t, body)
		if _, again := b.get("/account/totp"); totpSecret(t, again) != secret {
			t.Error("reloading the page changed the secret the phone scanned")
		}

		resp, body = b.post("/account/totp", url.Values{"code": {"000000"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-code-error"`) || !strings.Contains(body, `value="000000"`) {
			t.Fatalf("wrong first code: %d", resp.StatusCode)
		}
		enabling := totpCode(t, secret, e.clock.Now())
		resp, _ = b.post("/account/totp", url.Values{"code": {enabling}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/totp?flash=totp-on" {
			t.Fatalf("enable: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = b.get("/account/totp?flash=totp-on")
		var codes []string
		for _, m := range recoveryCode.FindAllStringSubmatch(body, -1) {
			codes = append(codes, m[1])
		}
		if len(codes) != accounts.RecoveryCodeCount {
			t.Fatalf("%d recovery codes shown, want %d", len(codes), accounts.RecoveryCodeCount)
		}
		if _, body := b.get("/account/totp"); recoveryCode.MatchString(body) || !strings.Contains(body, "Il vous reste 10 codes de secours") {
			t.Error("the recovery codes are shown twice")
		}
		if _, body := b.get("/account"); strings.Contains(body, "totp-prompt") {
			t.Error("still prompted once the second factor is on")
		}

		// signInWithCode signs a new browser in with the password then a code.
		signInWithCode := func(code string) (*browser, *http.Response, string) {
			t.Helper()
			nb := e.browser()
			nb.get("/login?next=/account")
			resp, _ := nb.post("/login", url.Values{"email": {"coordination@exemple.fr"}, "password": {password}, "next": {"/account"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/totp" {
				t.Fatalf("the password leads to %d %q, not the code", resp.StatusCode, resp.Header.Get("Location"))
			}
			if nb.signedIn() {
				t.Fatal("signed in before giving the code")
			}
			if resp, body := nb.get("/login/totp"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `autocomplete="one-time-code"`) {
				t.Fatalf("GET /login/totp = %d", resp.StatusCode)
			}
			resp, body := nb.post("/login/totp", url.Values{"code": {code}})
			return nb, resp, body
		}

		t.Run("ACodeServesOnce", func(t *testing.T) {
			nb, resp, body := signInWithCode(enabling)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "déjà servi") || nb.signedIn() {
				t.Fatalf("the code that turned the second factor on signs in: %d", resp.StatusCode)
			}
			e.clock.Add(30 * time.Second)
			code := totpCode(t, secret, e.clock.Now())
			nb, resp, _ = signInWithCode(code)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" || !nb.signedIn() {
				t.Fatalf("a fresh code: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, resp, _ := signInWithCode(code); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("the same code again: %d", resp.StatusCode)
			}
		})

		t.Run("APhoneSlightlyAheadIsAccepted", func(t *testing.T) {
			e.clock.Add(60 * time.Second)
			if _, resp, _ := signInWithCode(totpCode(t, secret, e.clock.Now().Add(30*time.Second))); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("a code of the next step: %d", resp.StatusCode)
			}
			e.clock.Add(5 * time.Minute)
			if _, resp, _ := signInWithCode(totpCode(t, secret, e.clock.Now().Add(-3*time.Minute))); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a code of three minutes ago: %d", resp.StatusCode)
			}
		})

		t.Run("RecoveryCodeWorksOnce", func(t *testing.T) {
			nb, resp, _ := signInWithCode(strings.ToUpper(codes[0]))
			if resp.StatusCode != http.StatusSeeOther || !nb.signedIn() {
				t.Fatalf("a recovery code: %d", resp.StatusCode)
			}
			if _, body := nb.get("/account"); !strings.Contains(body, "Il vous reste 9 codes de secours") {
				t.Error("the used recovery code is still counted")
			}
			if _, resp, _ := signInWithCode(codes[0]); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a recovery code used twice: %d", resp.StatusCode)
			}
		})

		t.Run("TheLinkLeadsToTheCodeToo", func(t *testing.T) {
			nb := e.browser()
			nb.get("/login")
			nb.post("/login/link", url.Values{"email": {"coordination@exemple.fr"}})
			link := e.lastLink("coordination@exemple.fr")
			nb.get(link)
			resp, _ := nb.post(link, nil)
			if resp.Header.Get("Location") != "/login/totp" || nb.signedIn() {
				t.Fatalf("the link signs in without the code: %q", resp.Header.Get("Location"))
			}
			e.clock.Add(30 * time.Second)
			resp, _ = nb.post("/login/totp", url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
			if resp.StatusCode != http.StatusSeeOther || !nb.signedIn() {
				t.Errorf("code after the link: %d", resp.StatusCode)
			}
		})

		t.Run("TheCodeIsAskedWithinTenMinutes", func(t *testing.T) {
			nb := e.browser()
			nb.get("/login")
			nb.post("/login", url.Values{"email": {"coordination@exemple.fr"}, "password": {password}})
			e.clock.Add(11 * time.Minute)
			resp, _ := nb.post("/login/totp", url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?flash=second-factor-expired" || nb.signedIn() {
				t.Errorf("a late code: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp, _ := e.browser().get("/login/totp"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Errorf("the code page without a first step: %d", resp.StatusCode)
			}
		})

		t.Run("TurningItOffNeedsThePasswordOrACode", func(t *testing.T) {
			resp, body := b.post("/account/totp/disable", url.Values{"password": {"pas le bon mot de passe"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-password-error"`) {
				t.Fatalf("wrong password: %d", resp.StatusCode)
			}
			resp, body = b.post("/account/totp/disable", url.Values{"code": {"123 456"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-disable-code-error"`) {
				t.Fatalf("wrong code: %d", resp.StatusCode)
			}
			resp, _ = b.post("/account/totp/disable", url.Values{"code": {codes[1]}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?flash=totp-off" {
				t.Fatalf("disable: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, body := b.get("/account"); !strings.Contains(body, "totp-prompt") {
				t.Error("the coordinator is not prompted again")
			}
			nb := e.browser()
			nb.signIn("coordination@exemple.fr", password)
			if !nb.signedIn() {
				t.Error("the password alone does not sign in once the second factor is off")
			}
		})
	})
}
