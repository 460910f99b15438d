package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// enrollFixture is a médiathèque with a workshop for débutant to intermédiaire and its
// session on Tuesday 1 December 2026 at 14:00, a centre social nearby with a workshop
// for éloigné people on the same theme, an orienting professional and a member of the
// médiathèque.
type enrollFixture struct {
	st, near   *workshops.Structure
	w, easy    *workshops.Workshop
	s, easyS   *workshops.Session
	pro, staff *accounts.User
}

// Accounts of the enrollment fixture.
const (
	proEmail    = "alex.martin@ccas-nancy.example.fr"
	staffEmail2 = "sacha@mediatheque.example.fr"
)

func newEnrollFixture(t *testing.T, e *env) *enrollFixture {
	t.Helper()
	f := &enrollFixture{}
	f.st = wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Médiathèque Jules-Verne" })
	f.near = wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name, s.Town, s.Postcode = "Centre social Jolibois", "Laxou", "54520" })
	f.w = wt.Workshop(t, e.svc, f.st, func(w *workshops.Workshop) { w.Title = "Mon smartphone pas à pas" })
	f.easy = wt.Workshop(t, e.svc, f.near, func(w *workshops.Workshop) {
		w.Title, w.LevelMin, w.LevelMax = "Premiers pas sur une tablette", "eloigne", "eloigne"
	})
	f.s = wt.Session(t, e.svc, f.w, wt.Paris(t, 2026, time.December, 1, 14, 0), nil)
	f.easyS = wt.Session(t, e.svc, f.easy, wt.Paris(t, 2026, time.December, 3, 10, 0), nil)
	f.pro = e.user(proEmail, func(nu *accounts.NewUser) {
		nu.Name, nu.Organisation, nu.ProfessionalTerritory = "Alex Martin", "CCAS de Nancy", e.territory()
	})
	f.staff = e.user(staffEmail2, func(nu *accounts.NewUser) { nu.Name, nu.MemberOf = "Sacha", []int64{f.st.ID} })
	return f
}

// enrollPath is a session's orientation form; selfEnrollPath its public form.
func enrollPath(id int64) string     { return "/sessions/" + itoa(id) + "/enroll" }
func selfEnrollPath(id int64) string { return "/sessions/" + itoa(id) + "/self-enroll" }

// personForm is a valid orientation: Nadia, by SMS, débutante, who agreed.
func personForm() url.Values {
	return url.Values{"first_name": {"Nadia"}, "last_name": {"Benali"}, "phone": {"06 12 34 56 78"}, "contact": {"sms"},
		"level": {"debutant"}, "needs": {"device", "french"}, "french_language": {"arabe"}, "consent": {"oui"}}
}

// enrollForm shows a form to the browser and returns its fields (the idempotency key
// drawn for it) completed with values.
func enrollForm(t *testing.T, b *browser, path string, values url.Values) url.Values {
	t.Helper()
	resp, body := b.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d\n%.500s", path, resp.StatusCode, body)
	}
	key := parseHTML(t, body).Find(`input[name=idempotency_key]`).AttrOr("value", "")
	if len(key) < 20 {
		t.Fatalf("GET %s: idempotency key %q", path, key)
	}
	form := with(values, "idempotency_key", key)
	return form
}

// enroll fills in a session's orientation form and returns the person's page it leads to.
func (f *enrollFixture) enroll(t *testing.T, b *browser, sessionID int64, values url.Values) string {
	t.Helper()
	resp, body := b.post(enrollPath(sessionID), enrollForm(t, b, enrollPath(sessionID), values))
	loc := expectRedirect(t, resp, body, "/c/")
	return strings.TrimSuffix(loc, "?flash=enrolled")
}

// roster returns who is enrolled in a session, as the system sees it.
func (e *env) roster(sessionID int64) *enrollment.Roster {
	e.t.Helper()
	r, err := e.en.Roster(e.t.Context(), workshops.System, sessionID, "tests")
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// formOf returns the fields of a page's form (hidden ones included), checked boxes and
// radio buttons only, as a browser would send them.
func formOf(form *goquery.Selection) url.Values {
	vals := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, typ := in.AttrOr("name", ""), in.AttrOr("type", "text")
		if name == "" || (typ == "checkbox" || typ == "radio") && !in.Is("[checked]") {
			return
		}
		vals.Add(name, in.AttrOr("value", ""))
	})
	return vals
}
