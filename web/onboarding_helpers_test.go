package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// password is the password of every account the tests create.
const password = "une phrase assez longue"

// outbox returns the emails waiting in the outbox for an address, oldest first.
func (e *env) outbox(to string) []notify.Message {
	e.t.Helper()
	var out []notify.Message
	if err := e.db.NewSelect().Model(&out).Where("recipient = ?", to).Order("id").Scan(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// lastEmail returns the newest email to an address, failing the test when there is none.
func (e *env) lastEmail(to string) notify.Message {
	e.t.Helper()
	msgs := e.outbox(to)
	if len(msgs) == 0 {
		e.t.Fatalf("no email to %s", to)
	}
	return msgs[len(msgs)-1]
}

// linkIn returns the path of the first link of the site in an email that starts with
// prefix.
func linkIn(t *testing.T, m notify.Message, prefix string) string {
	t.Helper()
	for _, l := range siteLink.FindAllStringSubmatch(m.BodyText, -1) {
		if strings.HasPrefix(l[1], prefix) {
			return l[1]
		}
	}
	t.Fatalf("no link %s… in %q", prefix, m.BodyText)
	return ""
}

// territory returns the id of the default territory.
func (e *env) territory() int64 {
	e.t.Helper()
	var id int64
	if err := e.db.NewSelect().Table("territories").Column("id").Order("id").Limit(1).Scan(context.Background(), &id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// otherTerritory creates a second territory and returns its id.
func (e *env) otherTerritory() int64 {
	e.t.Helper()
	t := &workshops.Territory{Name: "Autre territoire"}
	if err := e.svc.CreateTerritory(context.Background(), workshops.System, t); err != nil {
		e.t.Fatal(err)
	}
	return t.ID
}

// coordinator creates a coordinator of a territory and returns a browser signed in as them.
func (e *env) coordinator(email string, territory int64) *browser {
	e.t.Helper()
	e.user(email, func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{territory} })
	b := e.browser()
	b.signIn(email, password)
	return b
}

// auditActions returns the actions of the log's entries about an entity, oldest first.
func (e *env) auditActions(entity, id string) []string {
	e.t.Helper()
	var entries []audit.Entry
	if err := e.db.NewSelect().Model(&entries).Where("entity = ? AND entity_id = ?", entity, id).Order("id").Scan(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, 0, len(entries))
	for _, en := range entries {
		out = append(out, en.Action)
	}
	return out
}

// expectRedirect checks a 303 to a location.
func expectRedirectExactly(t *testing.T, resp *http.Response, body, location string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		t.Fatalf("got %d → %q, want 303 → %q; %.500s", resp.StatusCode, resp.Header.Get("Location"), location, body)
	}
}

// joinForm is a valid join request.
func joinForm() url.Values {
	return url.Values{
		"name": {"Centre social des Tilleuls"}, "kind": {"centre-social"}, "address": {"12 rue des Tilleuls"},
		"postcode": {"54000"}, "town": {"Nancy"}, "phone": {"03 83 11 22 33"}, "email": {"accueil@tilleuls.example.fr"},
		"website": {"https://tilleuls.example.fr"}, "labels": {"conseillers-numeriques", "aidants-connect"},
		"member_name": {"Dominique Durand"}, "member_email": {"dominique@tilleuls.example.fr"}, "consent": {"oui"},
	}
}
