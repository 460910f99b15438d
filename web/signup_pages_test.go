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
)

func signupForm(email string) url.Values {
	return url.Values{"name": {"Alex Moreau"}, "email": {email}, "organisation": {"CCAS de Nancy"}, "password": {password}}
}

// professional returns the professional role of an email's account.
func (e *env) professional(email string) *accounts.Professional {
	e.t.Helper()
	u, err := e.acc.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("no account for %s: %v", email, err)
	}
	p, err := e.acc.Principal(context.Background(), u.ID)
	if err != nil || p.Professional == nil {
		e.t.Fatalf("no professional role for %s: %v", email, err)
	}
	return p.Professional
}

func TestSignupWaitsForACoordinator(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		other := e.coordinator("ailleurs@autre.example.fr", e.otherTerritory())

		b := e.browser()
		resp, body := b.get("/signup")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `autocomplete="new-password"`) {
			t.Fatalf("GET /signup = %d", resp.StatusCode)
		}
		resp, body = b.post("/signup", signupForm("alex@gmail.example"))
		expectRedirectExactly(t, resp, body, "/signup?sent=1")
		if b.signedIn() {
			t.Errorf("a pending professional is signed in")
		}
		if p := e.professional("alex@gmail.example"); p.Status != accounts.ProfessionalPending || p.Organisation != "CCAS de Nancy" {
			t.Errorf("professional %+v", p)
		}
		if m := e.lastEmail("alex@gmail.example"); !strings.Contains(m.BodyText, "La coordination du territoire va la vérifier") {
			t.Errorf("pending email: %q", m.BodyText)
		}
		linkIn(t, e.lastEmail("coordination@metropole.example.fr"), "/coordination")

		_, body = coord.get("/coordination")
		if !strings.Contains(body, "Alex Moreau") || !strings.Contains(body, "CCAS de Nancy") {
			t.Fatalf("the coordinator does not see the sign-up")
		}
		u, _ := e.acc.UserByEmail(context.Background(), "alex@gmail.example")
		accept := "/coordination/professionals/" + itoa(u.ID) + "/accept"
		if resp, _ := other.post(accept, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another territory's coordinator accepts: %d", resp.StatusCode)
		}
		resp, body = coord.post(accept, nil)
		expectRedirectExactly(t, resp, body, "/coordination?flash=professional-accepted")
		if p := e.professional("alex@gmail.example"); p.Status != accounts.ProfessionalActive {
			t.Errorf("status %q after acceptance", p.Status)
		}
		m := e.lastEmail("alex@gmail.example")
		if !strings.Contains(m.Subject, "validé") {
			t.Errorf("acceptance email: %q", m.Subject)
		}
		linkIn(t, m, "/login")
		if got := e.auditActions("user", itoa(u.ID)); got[len(got)-1] != "professional:accepted" {
			t.Errorf("audit: %v", got)
		}
		b.signIn("alex@gmail.example", password)
		_, body = b.get("/")
		if !strings.Contains(body, "Se déconnecter") {
			t.Errorf("the accepted professional cannot sign in")
		}
	})
}

func TestSignupRefused(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		b := e.browser()
		b.get("/signup")
		b.post("/signup", signupForm("alex@gmail.example"))
		u, _ := e.acc.UserByEmail(context.Background(), "alex@gmail.example")
		coord.get("/coordination")
		refuse := "/coordination/professionals/" + itoa(u.ID) + "/refuse"
		resp, body := coord.post(refuse, url.Values{"reason": {strings.Repeat("x", 1001)}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "1000 caractères au plus") || !strings.Contains(body, `href="#professional-`+itoa(u.ID)+`-reason"`) {
			t.Fatalf("too long a reason: %d", resp.StatusCode)
		}
		resp, body = coord.post(refuse, url.Values{"reason": {"Nous ne connaissons pas cette organisation."}})
		expectRedirectExactly(t, resp, body, "/coordination?flash=professional-refused")
		if p := e.professional("alex@gmail.example"); p.Status != accounts.ProfessionalRefused || p.RefusalReason != "Nous ne connaissons pas cette organisation." {
			t.Errorf("professional %+v", p)
		}
		if m := e.lastEmail("alex@gmail.example"); !strings.Contains(m.BodyText, "Nous ne connaissons pas cette organisation.") {
			t.Errorf("refusal email: %q", m.BodyText)
		}
		if resp, _ := coord.post(refuse, url.Values{"reason": {"encore"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("refusing twice: %d", resp.StatusCode)
		}
	})
}

func TestSignupWithAnAllowedDomainActivatesAtOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		coord.get("/coordination/domains")
		resp, body := coord.post("/coordination/domains", url.Values{"domain": {" CCAS-Nancy.example.fr "}})
		expectRedirectExactly(t, resp, body, "/coordination/domains?flash=domain-added")
		before := len(e.outbox("coordination@metropole.example.fr"))

		b := e.browser()
		b.get("/signup")
		resp, body = b.post("/signup", signupForm("alex@ccas-nancy.example.fr"))
		expectRedirectExactly(t, resp, body, "/signup?sent=1")
		if n := len(e.outbox("coordination@metropole.example.fr")); n != before {
			t.Errorf("the coordinator was asked to validate an allowed domain")
		}
		link := linkIn(t, e.lastEmail("alex@ccas-nancy.example.fr"), "/invitations/")
		_, body = b.get(link)
		if !strings.Contains(body, "Confirmer votre adresse") || !strings.Contains(body, "CCAS de Nancy") || strings.Contains(body, `name="password"`) {
			t.Fatalf("confirmation page: %.1500s", body)
		}
		resp, body = b.post(link, nil)
		expectRedirectExactly(t, resp, body, "/?flash=professional-activated")
		if !b.signedIn() {
			t.Errorf("not signed in")
		}
		if p := e.professional("alex@ccas-nancy.example.fr"); p.Status != accounts.ProfessionalActive {
			t.Errorf("status %q", p.Status)
		}
	})
}

func TestSignupDoesNotRevealAccounts(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		existing := e.user("camille@exemple.fr", nil)
		b := e.browser()
		b.get("/signup")
		newResp, newBody := b.post("/signup", signupForm("personne@exemple.fr"))
		oldResp, oldBody := b.post("/signup", signupForm("Camille@exemple.fr"))
		if newResp.StatusCode != oldResp.StatusCode || newResp.Header.Get("Location") != oldResp.Header.Get("Location") || newBody != oldBody {
			t.Errorf("an existing address answers %d %q, a new one %d %q", oldResp.StatusCode, oldResp.Header.Get("Location"),
				newResp.StatusCode, newResp.Header.Get("Location"))
		}
		m := e.lastEmail("camille@exemple.fr")
		if !strings.Contains(m.Subject, "vous avez déjà un compte") {
			t.Errorf("reminder email: %q", m.Subject)
		}
		linkIn(t, m, "/password/forgot")
		p, err := e.acc.Principal(context.Background(), existing.ID)
		if err != nil || p.Professional != nil {
			t.Errorf("the existing account changed: %+v %v", p, err)
		}
		// A second try the same day sends no second reminder.
		b.post("/signup", signupForm("camille@exemple.fr"))
		if n := len(e.outbox("camille@exemple.fr")); n != 1 {
			t.Errorf("%d reminders", n)
		}
	})
}

func TestSignupFormKeepsInputAndExplains(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		cases := []struct {
			name, field, value, shown string
		}{
			{"BadEmail", "email", "alex@", `value="alex@"`},
			{"LongName", "name", strings.Repeat("n", 20000), "120 caractères au plus"},
			{"ScriptInOrganisation", "name", "", "&lt;script&gt;"},
			{"ShortPassword", "password", "court", "au moins 12 caractères"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				b := e.browser()
				b.get("/signup")
				form := signupForm("alex@exemple.fr")
				form.Set("organisation", "<script>alert(1)</script>")
				form.Set(tc.field, tc.value)
				resp, body := b.post("/signup", form)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if !strings.Contains(body, `id="signup-`+tc.field+`-error"`) || !strings.Contains(body, tc.shown) {
					t.Errorf("no message beside %s, or %q not shown", tc.field, tc.shown)
				}
				if strings.Contains(body, "<script>alert") || strings.Contains(body, `value="`+password+`"`) {
					t.Errorf("script shown as markup, or password echoed")
				}
			})
		}
		// Control characters in a name are dropped, not refused by the database.
		b := e.browser()
		b.get("/signup")
		form := signupForm("alex@exemple.fr")
		form.Set("name", "Alex\x00 Mo\x1breau")
		resp, body := b.post("/signup", form)
		expectRedirectExactly(t, resp, body, "/signup?sent=1")
		if u, err := e.acc.UserByEmail(context.Background(), "alex@exemple.fr"); err != nil || u.Name != "Alex Moreau" {
			t.Errorf("name stored as %q (%v)", u.Name, err)
		}
	})
}
