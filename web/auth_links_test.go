package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
)

func TestSignInByEmailedLink(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", nil)

		t.Run("SameAnswerWhoeverAsks", func(t *testing.T) {
			var locations []string
			for _, email := range []string{"Camille@exemple.fr", "personne@exemple.fr"} {
				b := e.browser()
				b.get("/login")
				resp, _ := b.post("/login/link", url.Values{"email": {email}})
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("%s: %d", email, resp.StatusCode)
				}
				locations = append(locations, resp.Header.Get("Location"))
				_, body := b.get(resp.Header.Get("Location"))
				if !strings.Contains(body, "Si un compte existe pour cette adresse, un lien de connexion vient d'être envoyé") {
					t.Errorf("%s: the page does not say a link may have been sent", email)
				}
			}
			if locations[0] != locations[1] || locations[0] != "/login?sent=1" {
				t.Errorf("known and unknown addresses are answered differently: %q", locations)
			}
			if n := len(e.emails("camille@exemple.fr")); n != 1 {
				t.Errorf("%d emails to the known address, want 1", n)
			}
			if n := len(e.emails("personne@exemple.fr")); n != 0 {
				t.Errorf("%d emails to an unknown address", n)
			}
		})

		t.Run("OpeningTheLinkDoesNotUseIt", func(t *testing.T) {
			link := e.lastLink("camille@exemple.fr")
			if !strings.HasPrefix(link, "/login/link/") {
				t.Fatalf("link %q", link)
			}
			scanner := e.browser()
			if resp, _ := scanner.get(link); resp.StatusCode != http.StatusOK {
				t.Fatalf("a mail scanner's GET: %d", resp.StatusCode)
			}
			b := e.browser()
			resp, body := b.get(link)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<button type="submit">Me connecter</button>`) {
				t.Fatalf("GET %s = %d", link, resp.StatusCode)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the link page may be cached: %q", resp.Header.Get("Cache-Control"))
			}
			resp, _ = b.post(link, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/manage" {
				t.Fatalf("POST %s = %d → %q", link, resp.StatusCode, resp.Header.Get("Location"))
			}
			if !b.signedIn() {
				t.Error("not signed in after using the link")
			}

			again := e.browser()
			again.get(link)
			resp, body = again.post(link, nil)
			if resp.StatusCode != http.StatusGone || !strings.Contains(body, "Ce lien ne marche plus") || !strings.Contains(body, `action="/login/link"`) {
				t.Errorf("a link used twice: %d", resp.StatusCode)
			}
			if again.signedIn() {
				t.Error("the second use signed in")
			}
		})

		t.Run("KeepsWhereThePersonWasGoing", func(t *testing.T) {
			b := e.browser()
			b.get("/login?next=/account")
			b.post("/login/link", url.Values{"email": {"camille@exemple.fr"}, "next": {"/account"}})
			link := e.lastLink("camille@exemple.fr")
			_, body := b.get(link)
			if !strings.Contains(body, `name="next" value="/account"`) {
				t.Fatalf("the link page forgets next")
			}
			resp, _ := b.post(strings.Split(link, "?")[0], url.Values{"next": {"/account"}})
			if resp.Header.Get("Location") != "/account" {
				t.Errorf("→ %q, want /account", resp.Header.Get("Location"))
			}
		})

		t.Run("ExpiresAfterFifteenMinutes", func(t *testing.T) {
			b := e.browser()
			b.get("/login")
			b.post("/login/link", url.Values{"email": {"camille@exemple.fr"}})
			link := e.lastLink("camille@exemple.fr")
			e.clock.Add(accounts.LinkTTL + time.Second)
			resp, body := b.get(link)
			if resp.StatusCode != http.StatusGone || !strings.Contains(body, "15 minutes") {
				t.Errorf("expired link page: %d", resp.StatusCode)
			}
			resp, _ = b.post(link, nil)
			if resp.StatusCode != http.StatusGone || b.signedIn() {
				t.Errorf("an expired link signs in: %d", resp.StatusCode)
			}
		})

		t.Run("NoLinkForADisabledAccount", func(t *testing.T) {
			u := e.user("ancien@exemple.fr", nil)
			if err := e.acc.SetStatus(context.Background(), workshops.System, u.ID, accounts.UserDisabled); err != nil {
				t.Fatal(err)
			}
			b := e.browser()
			b.get("/login")
			if resp, _ := b.post("/login/link", url.Values{"email": {"ancien@exemple.fr"}}); resp.Header.Get("Location") != "/login?sent=1" {
				t.Errorf("→ %q", resp.Header.Get("Location"))
			}
			if n := len(e.emails("ancien@exemple.fr")); n != 0 {
				t.Errorf("%d emails to a disabled account", n)
			}
		})

		t.Run("MalformedAddressIsSaidBesideTheForm", func(t *testing.T) {
			b := e.browser()
			b.get("/login")
			resp, body := b.post("/login/link", url.Values{"email": {"camille@"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez une adresse électronique") || !strings.Contains(body, `value="camille@"`) {
				t.Errorf("malformed address: %d", resp.StatusCode)
			}
		})
	})
}

func TestPasswordReset(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", nil)
		office, phone := e.browser(), e.browser()
		office.signIn("camille@exemple.fr", "une phrase assez longue")
		phone.signIn("camille@exemple.fr", "une phrase assez longue")

		b := e.browser()
		resp, body := b.get("/password/forgot")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `autocomplete="email"`) {
			t.Fatalf("GET /password/forgot = %d", resp.StatusCode)
		}
		before := e.outboxSize()
		resp, _ = b.post("/password/forgot", url.Values{"email": {"personne@exemple.fr"}})
		unknown := resp.Header.Get("Location")
		if e.outboxSize() != before {
			t.Error("an email was queued for an unknown address")
		}
		resp, _ = b.post("/password/forgot", url.Values{"email": {"camille@exemple.fr"}})
		if known := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || known != unknown || known != "/password/forgot?sent=1" {
			t.Fatalf("known → %d %q, unknown → %q", resp.StatusCode, known, unknown)
		}
		_, body = b.get("/password/forgot?sent=1")
		if !strings.Contains(body, "Si un compte existe pour cette adresse") {
			t.Error("the page does not say a link may have been sent")
		}
		mails := e.emails("camille@exemple.fr")
		if len(mails) != 1 || !strings.Contains(mails[0].Subject, "mot de passe") {
			t.Fatalf("emails: %+v", mails)
		}
		link := e.lastLink("camille@exemple.fr")

		resp, body = b.get(link)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `autocomplete="new-password"`) {
			t.Fatalf("GET %s = %d", link, resp.StatusCode)
		}
		resp, body = b.post(link, url.Values{"password": {"court"}, "password_confirm": {"court"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-password-error"`) ||
			!strings.Contains(body, "au moins 12 caractères") || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, `value="court"`) || !strings.Contains(body, `href="#f-password"`) {
			t.Fatalf("short password: %d %s", resp.StatusCode, body)
		}
		resp, body = b.post(link, url.Values{"password": {"un nouveau mot de passe"}, "password_confirm": {"un nouveau mot de passe !"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-password-confirm-error"`) {
			t.Fatalf("different passwords: %d", resp.StatusCode)
		}
		// The typos did not use the link up.
		resp, _ = b.post(link, url.Values{"password": {"un nouveau mot de passe"}, "password_confirm": {"un nouveau mot de passe"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?flash=password-reset" {
			t.Fatalf("reset: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := b.get("/account?flash=password-reset"); !strings.Contains(body, "Votre nouveau mot de passe est enregistré") {
			t.Error("no flash message after the reset")
		}
		if office.signedIn() || phone.signedIn() {
			t.Error("the other sessions are still open after the reset")
		}
		if _, err := e.acc.Authenticate(context.Background(), "camille@exemple.fr", "une phrase assez longue"); err == nil {
			t.Error("the old password still works")
		}
		office.signIn("camille@exemple.fr", "un nouveau mot de passe")

		again := e.browser()
		if resp, _ := again.get(link); resp.StatusCode != http.StatusGone {
			t.Errorf("a used reset link: %d", resp.StatusCode)
		}
		resp, body = again.post(link, url.Values{"password": {"encore un autre mot de passe"}, "password_confirm": {"encore un autre mot de passe"}})
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, `action="/password/forgot"`) {
			t.Errorf("a used reset link sets a password: %d", resp.StatusCode)
		}
	})
}

func TestFirstRun(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		first, err := e.acc.IssueBootstrapLink(ctx)
		if err != nil || !strings.HasPrefix(first, baseURL+"/setup/") {
			t.Fatalf("IssueBootstrapLink = %q, %v", first, err)
		}
		// The server restarted: a new link, and only that one works.
		second, _ := e.acc.IssueBootstrapLink(ctx)
		if second == first {
			t.Fatal("the same link twice")
		}
		b := e.browser()
		if resp, body := b.get(strings.TrimPrefix(first, baseURL)); resp.StatusCode != http.StatusGone || !strings.Contains(body, "premier démarrage") {
			t.Errorf("a replaced link: %d", resp.StatusCode)
		}
		path := strings.TrimPrefix(second, baseURL)
		resp, body := b.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="password_confirm"`) {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		resp, body = b.post(path, url.Values{"email": {"coordination@exemple.fr"}, "name": {" "}, "password": {"admin"}, "password_confirm": {"admin"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-name-error"`) || !strings.Contains(body, `id="f-password-error"`) ||
			!strings.Contains(body, `value="coordination@exemple.fr"`) {
			t.Fatalf("invalid form: %d", resp.StatusCode)
		}
		resp, _ = b.post(path, url.Values{"email": {"coordination@exemple.fr"}, "name": {"Alex Coordination"},
			"password": {"une phrase assez longue"}, "password_confirm": {"une phrase assez longue"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/totp?flash=setup-done" {
			t.Fatalf("setup: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = b.get("/account")
		if !strings.Contains(body, "Coordination du territoire") || !strings.Contains(body, "Activer la double authentification") {
			t.Errorf("the first account is not a coordinator asked to turn on the second factor")
		}

		other := e.browser()
		other.get("/login")
		resp, _ = other.post(path, url.Values{"email": {"autre@exemple.fr"}, "name": {"Autre"},
			"password": {"une phrase assez longue"}, "password_confirm": {"une phrase assez longue"}})
		if resp.StatusCode != http.StatusGone {
			t.Errorf("the link worked twice: %d", resp.StatusCode)
		}
		if link, err := e.acc.IssueBootstrapLink(ctx); link != "" || err != nil {
			t.Errorf("a first-run link while a coordinator exists: %q, %v", link, err)
		}
	})
}

func TestNoFirstRunLinkOnceSomeoneCoordinates(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		link, _ := e.acc.IssueBootstrapLink(ctx)
		e.user("coordination@exemple.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{1} })
		if again, err := e.acc.IssueBootstrapLink(ctx); again != "" || err != nil {
			t.Errorf("IssueBootstrapLink = %q, %v", again, err)
		}
		b := e.browser()
		if resp, _ := b.get(strings.TrimPrefix(link, baseURL)); resp.StatusCode != http.StatusGone {
			t.Errorf("a link issued before a coordinator existed still opens the form: %d", resp.StatusCode)
		}
	})
}
