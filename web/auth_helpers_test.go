package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/web"
)

// newProxiedEnv is newEnv with an app that trusts the test connection (0.0.0.0) as a
// reverse proxy, so that browsers with an ip send X-Forwarded-For and are told apart.
func newProxiedEnv(t *testing.T, db *bun.DB) *env {
	t.Helper()
	e := newEnv(t, db)
	app, err := web.New(web.Deps{
		Workshops: e.svc, Accounts: e.acc, Enrollment: e.en, BaseURL: baseURL,
		Ready:          func(ctx context.Context) error { return migrations.Check(ctx, db) },
		TrustedProxies: []string{"0.0.0.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	return e
}

// emails returns the emails of the outbox to an address, oldest first.
func (e *env) emails(to string) []notify.Message {
	e.t.Helper()
	var out []notify.Message
	if err := e.db.NewSelect().Model(&out).Where("kind = ? AND recipient = ?", notify.KindEmail, to).OrderExpr("id").Scan(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// outboxSize counts every message of the outbox.
func (e *env) outboxSize() int {
	e.t.Helper()
	n, err := e.db.NewSelect().Model((*notify.Message)(nil)).Count(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return int(n)
}

var siteLink = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `(/\S+)`)

// lastLink returns the local path of the link in the last email to an address.
func (e *env) lastLink(to string) string {
	e.t.Helper()
	ms := e.emails(to)
	if len(ms) == 0 {
		e.t.Fatalf("no email to %s", to)
	}
	m := siteLink.FindStringSubmatch(ms[len(ms)-1].BodyText)
	if m == nil {
		e.t.Fatalf("no link in %q", ms[len(ms)-1].BodyText)
	}
	return m[1]
}

// signedIn reports whether the browser's session opens /account.
func (b *browser) signedIn() bool {
	b.e.t.Helper()
	resp, _ := b.get("/account")
	return resp.StatusCode == http.StatusOK
}

var secretText = regexp.MustCompile(`<code class="secret">([A-Z2-7 ]+)</code>`)

// totpSecret reads the secret shown as text on /account/totp.
func totpSecret(t *testing.T, body string) string {
	t.Helper()
	m := secretText.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no TOTP secret on the page")
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// totpCode is what an authenticator app shows at a time.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}
