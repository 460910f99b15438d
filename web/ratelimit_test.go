package web_test

import (
	"fmt"
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

var waitMessage = regexp.MustCompile(`Réessayez dans \d+ minutes?\.`)

// tooMany checks a tripped limit: 429 with the form again and a French message.
func tooMany(t *testing.T, what string, resp *http.Response, body string, form string) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: %d, want 429", what, resp.StatusCode)
	}
	if !strings.Contains(body, "Trop de tentatives") || !waitMessage.MatchString(body) {
		t.Errorf("%s: no French message saying how long to wait", what)
	}
	if !strings.Contains(body, `action="`+form+`"`) {
		t.Errorf("%s: the form %s is not shown again", what, form)
	}
}

func TestPasswordAttemptsAreLimited(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newProxiedEnv(t, db)
		e.user("camille@exemple.fr", nil)
		attempt := func(ip, email, password string) (*http.Response, string) {
			b := e.browser()
			b.ip = ip
			b.get("/login")
			return b.post("/login", url.Values{"email": {email}, "password": {password}})
		}

		t.Run("PerAddress", func(t *testing.T) {
			for i := range 10 {
				if resp, _ := attempt(fmt.Sprintf("198.51.100.%d", i+1), "camille@exemple.fr", "mauvais mot de passe"); resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
				}
			}
			resp, body := attempt("198.51.100.200", "Camille@exemple.fr", "une phrase assez longue")
			tooMany(t, "the 11th attempt on an address, from a new IP", resp, body, "/login")
			if !strings.Contains(body, `value="Camille@exemple.fr"`) || !strings.Contains(body, "lien de connexion par courriel") {
				t.Error("the address typed is not kept, or the link is not suggested")
			}
			if resp, _ := attempt("198.51.100.200", "personne@exemple.fr", "mauvais mot de passe"); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("another address from the same IP: %d", resp.StatusCode)
			}
			e.clock.Add(16 * time.Minute)
			if resp, _ := attempt("198.51.100.201", "camille@exemple.fr", "une phrase assez longue"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("after the window: %d", resp.StatusCode)
			}
		})

		t.Run("PerIP", func(t *testing.T) {
			for i := range 20 {
				if resp, _ := attempt("203.0.113.7", fmt.Sprintf("essai%d@exemple.fr", i), "mauvais mot de passe"); resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
				}
			}
			resp, body := attempt("203.0.113.7", "camille@exemple.fr", "une phrase assez longue")
			tooMany(t, "the 21st attempt from an IP, on a new address", resp, body, "/login")
			if resp, _ := attempt("203.0.113.8", "camille@exemple.fr", "une phrase assez longue"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the same address from another IP: %d", resp.StatusCode)
			}
		})

		t.Run("SuccessesDoNotCount", func(t *testing.T) {
			for i := range 25 {
				if resp, _ := attempt("192.0.2.1", "camille@exemple.fr", "une phrase assez longue"); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("sign-in %d: %d", i+1, resp.StatusCode)
				}
			}
		})
	})
}

func TestEmailedLinksAreLimited(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newProxiedEnv(t, db)
		e.user("camille@exemple.fr", nil)
		ask := func(ip, path, email string) (*http.Response, string) {
			b := e.browser()
			b.ip = ip
			b.get("/login")
			return b.post(path, url.Values{"email": {email}})
		}

		t.Run("PerAddress", func(t *testing.T) {
			// Sign-in links and reset links count together: both fill the same mailbox.
			for i := range 5 {
				path := []string{"/login/link", "/password/forgot"}[i%2]
				if resp, _ := ask(fmt.Sprintf("198.51.100.%d", i+1), path, "camille@exemple.fr"); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("request %d: %d", i+1, resp.StatusCode)
				}
			}
			resp, body := ask("198.51.100.100", "/login/link", "camille@exemple.fr")
			tooMany(t, "the 6th link to an address", resp, body, "/login/link")
			resp, body = ask("198.51.100.101", "/password/forgot", "camille@exemple.fr")
			tooMany(t, "the 7th link to an address", resp, body, "/password/forgot")
			if !strings.Contains(body, `value="camille@exemple.fr"`) {
				t.Error("the address typed is not kept")
			}
			if n := len(e.emails("camille@exemple.fr")); n != 5 {
				t.Errorf("%d emails sent, want 5", n)
			}
			// An unknown address trips the same way: the limit tells nothing either.
			for range 5 {
				ask("198.51.100.150", "/login/link", "personne@exemple.fr")
			}
			resp, body = ask("198.51.100.151", "/login/link", "personne@exemple.fr")
			tooMany(t, "the 6th link to an unknown address", resp, body, "/login/link")
		})

		t.Run("PerIP", func(t *testing.T) {
			for i := range 20 {
				if resp, _ := ask("203.0.113.9", "/login/link", fmt.Sprintf("essai%d@exemple.fr", i)); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("request %d: %d", i+1, resp.StatusCode)
				}
			}
			resp, body := ask("203.0.113.9", "/password/forgot", "nouveau@exemple.fr")
			tooMany(t, "the 21st link from an IP", resp, body, "/password/forgot")
			if resp, _ := ask("203.0.113.10", "/password/forgot", "nouveau@exemple.fr"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("another IP: %d", resp.StatusCode)
			}
		})
	})
}

func TestSecondFactorAttemptsAreLimited(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newProxiedEnv(t, db)
		e.user("coordination@exemple.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{1} })
		b := e.browser()
		b.signIn("coordination@exemple.fr", "une phrase assez longue")
		_, body := b.get("/account/totp")
		b.post("/account/totp", url.Values{"code": {totpCode(t, totpSecret(t, body), e.clock.Now())}})

		pending := func(ip string) *browser {
			nb := e.browser()
			nb.ip = ip
			nb.get("/login")
			nb.post("/login", url.Values{"email": {"coordination@exemple.fr"}, "password": {"une phrase assez longue"}})
			return nb
		}
		for i := range 5 {
			if resp, _ := pending(fmt.Sprintf("198.51.100.%d", i+1)).post("/login/totp", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
			}
		}
		resp, body := pending("198.51.100.100").post("/login/totp", url.Values{"code": {"000000"}})
		tooMany(t, "the 6th code for an account", resp, body, "/login/totp")

		// The signed-in person's own checks are limited too.
		for range 10 {
			b.post("/account/totp/disable", url.Values{"password": {"pas le bon"}})
		}
		resp, body = b.post("/account/totp/disable", url.Values{"password": {"pas le bon"}})
		tooMany(t, "the 11th password to turn the second factor off", resp, body, "/account/totp/disable")
		resp, body = b.post("/account/password", url.Values{"current_password": {"pas le bon"}})
		tooMany(t, "the 12th password check", resp, body, "/account/password")
	})
}
