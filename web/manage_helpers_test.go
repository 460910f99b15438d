package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// manageFixture is two structures of one territory, each with a published workshop, an
// upcoming session and a place, and a mediator who is a member of the first.
type manageFixture struct {
	a, b           *workshops.Structure
	wa, wb         *workshops.Workshop
	sa, sb         *workshops.Session
	placeA, placeB *workshops.Place
	mediator       *accounts.User
}

// mediatorEmail signs in the fixture's mediator, member of structure a.
const mediatorEmail = "camille@centre-a.example.fr"

func newManageFixture(t *testing.T, e *env) *manageFixture {
	t.Helper()
	f := &manageFixture{}
	f.a = wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Centre social A" })
	f.b = wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Médiathèque B" })
	f.wa = wt.Workshop(t, e.svc, f.a, func(w *workshops.Workshop) { w.Title = "Mon smartphone pas à pas" })
	f.wb = wt.Workshop(t, e.svc, f.b, func(w *workshops.Workshop) { w.Title = "Envoyer des photos" })
	f.sa = wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 1, 14, 0), nil)
	f.sb = wt.Session(t, e.svc, f.wb, wt.Paris(t, 2026, time.December, 2, 14, 0), nil)
	for _, p := range []struct {
		st  *workshops.Structure
		dst **workshops.Place
	}{{f.a, &f.placeA}, {f.b, &f.placeB}} {
		pl := &workshops.Place{StructureID: p.st.ID, Name: "Salle du quartier " + p.st.Name, Address: "1 place Carnot",
			Postcode: "54000", Town: "Nancy"}
		if err := e.svc.CreatePlace(t.Context(), workshops.System, pl); err != nil {
			t.Fatal(err)
		}
		*p.dst = pl
	}
	f.mediator = e.user(mediatorEmail, func(nu *accounts.NewUser) { nu.Name = "Camille"; nu.MemberOf = []int64{f.a.ID} })
	return f
}

// signedIn returns a browser signed in as email.
func (e *env) signedIn(email string) *browser {
	e.t.Helper()
	b := e.browser()
	b.signIn(email, "une phrase assez longue")
	return b
}

// parseHTML parses a page.
func parseHTML(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// expectRedirect checks a 303 to a path starting with want.
func expectRedirect(t *testing.T, resp *http.Response, body, want string) string {
	t.Helper()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, want) {
		t.Fatalf("got %d to %q, want 303 to %s…\n%.600s", resp.StatusCode, loc, want, body)
	}
	return loc
}

// expectFieldError checks that a page answered 422 with a message beside a field (by its
// id) that contains want, the field marked invalid and linked from the error summary.
func expectFieldError(t *testing.T, resp *http.Response, body, id, want string) *goquery.Document {
	t.Helper()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422\n%.800s", resp.StatusCode, body)
	}
	doc := parseHTML(t, body)
	msg := text(doc.Find("#" + id + "-error"))
	if !strings.Contains(msg, want) {
		t.Errorf("message beside #%s = %q, want %q (summary: %q)", id, msg, want, texts(doc.Find(".error-summary li")))
	}
	el := doc.Find("#" + id)
	if el.Length() == 0 {
		t.Fatalf("no #%s", id)
	}
	if goquery.NodeName(el) != "fieldset" && el.AttrOr("aria-invalid", "") != "true" {
		t.Errorf("#%s is not marked aria-invalid", id)
	}
	if !strings.Contains(el.AttrOr("aria-describedby", ""), id+"-error") {
		t.Errorf("#%s is not described by its error", id)
	}
	if doc.Find(".error-summary a").Length() == 0 {
		t.Error("no error summary")
	}
	if !strings.HasPrefix(text(doc.Find("title")), "Erreur : ") {
		t.Errorf("title %q does not say there is an error", text(doc.Find("title")))
	}
	return doc
}

// workshopForm is a complete, valid workshop form.
func workshopForm(title string) url.Values {
	return url.Values{
		"title": {title}, "summary": {"Les gestes de base."}, "description": {"Allumer, appeler, écrire un message."},
		"themes": {"prise-en-main", "communiquer"}, "level_min": {"eloigne"}, "level_max": {"debutant"},
		"format": {"collectif"}, "kind": {"a-la-carte"}, "life_event": {""}, "default_capacity": {"10"},
		"default_duration_minutes": {"1h30"}, "devices_to_bring": {"smartphone"}, "devices_lent": {"tablette"},
		"what_to_bring": {"Son téléphone chargé."}, "accessibility": {"Salle de plain-pied."}, "languages": {"fr", "ar"},
		"price": {"gratuit"}, "price_details": {""}, "enrollment": {"ouvert"},
	}
}

// with returns a copy of v with the fields set.
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}
