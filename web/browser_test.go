package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

// browser is a test client over app.Test that keeps cookies like a browser and reads the
// CSRF token from the forms it is shown.
type browser struct {
	e       *env
	cookies map[string]string
	csrf    string
	// ip, when set, is sent as X-Forwarded-For (believed by apps that trust the test
	// connection as a proxy, see newProxiedEnv).
	ip string
}

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.e.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if b.ip != "" {
		req.Header.Set("X-Forwarded-For", b.ip)
	}
	resp, body := b.e.do(req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	if m := csrfInput.FindStringSubmatch(body); m != nil {
		b.csrf = m[1]
	}
	return resp, body
}

// get loads a page.
func (b *browser) get(path string) (*http.Response, string) {
	b.e.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post submits a form with the CSRF token of the last page shown.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs a browser in with a password, checking the redirection.
func (b *browser) signIn(email, password string) {
	b.e.t.Helper()
	b.get("/login")
	resp, body := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("sign in as %s: %d %.300s", email, resp.StatusCode, body)
	}
}

// user creates an account with a password and roles.
func (e *env) user(email string, edit func(*accounts.NewUser)) *accounts.User {
	e.t.Helper()
	nu := accounts.NewUser{Email: email, Name: strings.Split(email, "@")[0], Password: "une phrase assez longue"}
	if edit != nil {
		edit(&nu)
	}
	u, err := e.acc.CreateUser(context.Background(), workshops.System, nu)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}
