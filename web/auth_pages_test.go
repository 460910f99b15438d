package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
)

func TestSignInWithPassword(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", nil)
		b := e.browser()

		resp, body := b.get("/login")
		if resp.StatusCode != http.StatusOK || b.csrf == "" || !strings.Contains(body, `autocomplete="current-password"`) {
			t.Fatalf("GET /login = %d, csrf %q", resp.StatusCode, b.csrf)
		}
		for _, c := range resp.Cookies() {
			if strings.HasPrefix(c.Name, "__Host-") && (!c.Secure || !c.HttpOnly || c.Path != "/" || c.SameSite != http.SameSiteLaxMode) {
				t.Errorf("cookie %s is not Secure, HttpOnly, SameSite=Lax on /: %+v", c.Name, c)
			}
		}
		before := b.cookies["__Host-escale"]

		resp, body = b.post("/login", url.Values{"email": {"camille@exemple.fr"}, "password": {"mauvais mot de passe"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "L&#39;adresse électronique ou le mot de passe est incorrect.") {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
		resp, body = b.post("/login", url.Values{"email": {"personne@exemple.fr"}, "password": {"une phrase assez longue"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "L&#39;adresse électronique ou le mot de passe est incorrect.") {
			t.Fatalf("unknown email says something else than a wrong password: %d", resp.StatusCode)
		}

		resp, _ = b.post("/login", url.Values{"email": {"Camille@exemple.fr"}, "password": {"une phrase assez longue"}, "next": {"/account"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
			t.Fatalf("sign in: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if after := b.cookies["__Host-escale"]; after == "" || after == before {
			t.Errorf("the session ID was not renewed at sign-in (%q → %q)", before, after)
		}
		_, body = b.get("/")
		if !strings.Contains(body, "Se déconnecter") || !strings.Contains(body, "Mon compte") {
			t.Errorf("the signed-in menu is missing")
		}

		resp, _ = b.post("/logout", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if resp, _ := b.get("/account"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("after logout /account = %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestFormsNeedTheirCSRFToken(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", nil)
		b := e.browser()
		b.get("/login")
		resp, _ := b.post("/login", url.Values{"_csrf": {"faux"}, "email": {"camille@exemple.fr"}, "password": {"une phrase assez longue"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a forged token: %d, want 403", resp.StatusCode)
		}
		other := e.browser()
		resp, _ = other.post("/login", url.Values{"_csrf": {b.csrf}, "email": {"camille@exemple.fr"}, "password": {"une phrase assez longue"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("someone else's token: %d, want 403", resp.StatusCode)
		}
	})
}

func TestSessionsEndWhenTheAccountChanges(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		u := e.user("camille@exemple.fr", nil)
		signedIn := func(b *browser) bool {
			resp, _ := b.get("/account")
			return resp.StatusCode != http.StatusSeeOther
		}
		b := e.browser()
		b.signIn("camille@exemple.fr", "une phrase assez longue")
		if !signedIn(b) {
			t.Fatal("not signed in")
		}
		if err := e.acc.SignOutEverywhere(context.Background(), u.ID); err != nil {
			t.Fatal(err)
		}
		if signedIn(b) {
			t.Error("still signed in after signing out everywhere")
		}
		b.signIn("camille@exemple.fr", "une phrase assez longue")
		if err := e.acc.SetStatus(context.Background(), workshops.System, u.ID, accounts.UserDisabled); err != nil {
			t.Fatal(err)
		}
		if signedIn(b) {
			t.Error("a disabled account is still signed in")
		}
		b.get("/login")
		if resp, body := b.post("/login", url.Values{"email": {"camille@exemple.fr"}, "password": {"une phrase assez longue"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "désactivé") {
			t.Errorf("a disabled account signs in: %d", resp.StatusCode)
		}
	})
}

func TestNextIsAlwaysLocal(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		e.user("camille@exemple.fr", nil)
		for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
			b := e.browser()
			b.get("/login")
			resp, _ := b.post("/login", url.Values{"email": {"camille@exemple.fr"}, "password": {"une phrase assez longue"}, "next": {next}})
			if loc := resp.Header.Get("Location"); loc != "/manage" {
				t.Errorf("next=%q sent to %q", next, loc)
			}
		}
	})
}
