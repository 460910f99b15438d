package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// call is one request to the API's writes.
type call struct {
	method, path string
	// token is sent as "Authorization: Bearer …" unless empty.
	token string
	// body is sent as is when a string, marshalled as JSON otherwise (nil: no body).
	body any
	// contentType defaults to application/json when there is a body.
	contentType string
	// header holds further request headers (Idempotency-Key).
	header http.Header
}

func (c call) raw(t *testing.T) []byte {
	t.Helper()
	switch b := c.body.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	case []byte:
		return b
	}
	raw, err := json.Marshal(c.body)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (c call) request(raw []byte) *http.Request {
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(c.method, c.path, body)
	if raw != nil {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	return req
}

// send makes the call through the application and checks the response against the
// OpenAPI document, and the request too when it succeeded: every body the API accepts
// is documented, and every answer, errors included, has the documented shape.
func (e *env) send(c call) (*http.Response, []byte) {
	e.t.Helper()
	raw := c.raw(e.t)
	resp, body := e.do(c.request(raw))
	// The application read the first request's body: the validator gets its own copy.
	checkAgainstSpec(e.t, c.request(raw), resp, []byte(body), true)
	return resp, []byte(body)
}

// sendJSON is send for a response expected with status want, decoded into dst (unless
// nil).
func (e *env) sendJSON(c call, want int, dst any) *http.Response {
	e.t.Helper()
	resp, body := e.send(c)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s = %d, want %d: %s", c.method, c.path, resp.StatusCode, want, body)
	}
	if dst != nil {
		if err := json.Unmarshal(body, dst); err != nil {
			e.t.Fatalf("%s %s: decode: %v\n%s", c.method, c.path, err, body)
		}
	}
	return resp
}

// roles are the people of the authorization tests, each with a personal API token.
type roles struct {
	// st is the structure acted on; other is another structure of the same territory;
	// elsewhere is another territory.
	st, other *workshops.Structure
	elsewhere *workshops.Territory
	// tokens by role name; "anonymous" has none.
	tokens map[string]string
}

// Role names, in the order of the authorization table.
const (
	roleAnonymous     = "anonymous"
	roleRevoked       = "revoked token"
	roleProfessional  = "professional"
	roleOtherMember   = "member of another structure"
	roleMember        = "member"
	roleFarCoordinate = "coordinator of another territory"
	roleCoordinator   = "coordinator"
)

var allRoles = []string{roleAnonymous, roleRevoked, roleProfessional, roleOtherMember, roleMember, roleFarCoordinate, roleCoordinator}

// newRoles creates two structures of the default territory, another territory, and one
// account with an API token per role.
func newRoles(t *testing.T, e *env) *roles {
	t.Helper()
	ctx := context.Background()
	r := &roles{
		st:        wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Name = "Médiathèque des Trois-Maisons" }),
		other:     wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Name = "Centre social Jolibois" }),
		elsewhere: &workshops.Territory{Name: "Pays basque"},
		tokens:    map[string]string{},
	}
	if err := e.svc.CreateTerritory(ctx, workshops.System, r.elsewhere); err != nil {
		t.Fatal(err)
	}
	people := []struct {
		role, email string
		edit        func(*accounts.NewUser)
	}{
		{roleRevoked, "ancienne@mediatheque.example.fr", func(u *accounts.NewUser) { u.MemberOf = []int64{r.st.ID} }},
		{roleProfessional, "assistante.sociale@ccas.example.fr", func(u *accounts.NewUser) {
			u.Organisation, u.ProfessionalTerritory = "CCAS de Nancy", r.st.TerritoryID
		}},
		{roleOtherMember, "mediateur@jolibois.example.fr", func(u *accounts.NewUser) { u.MemberOf = []int64{r.other.ID} }},
		{roleMember, "mediatrice@mediatheque.example.fr", func(u *accounts.NewUser) { u.MemberOf = []int64{r.st.ID} }},
		{roleFarCoordinate, "coordination@paysbasque.example.fr", func(u *accounts.NewUser) { u.CoordinatorOf = []int64{r.elsewhere.ID} }},
		{roleCoordinator, "coordination@grandnancy.example.fr", func(u *accounts.NewUser) { u.CoordinatorOf = []int64{r.st.TerritoryID} }},
	}
	for _, p := range people {
		u := e.user(p.email, p.edit)
		secret, tok, err := e.acc.CreateToken(ctx, u.ID, accounts.TokenAPI, "script")
		if err != nil {
			t.Fatal(err)
		}
		if p.role == roleRevoked {
			if err := e.acc.RevokeToken(ctx, u.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
		}
		r.tokens[p.role] = secret
	}
	return r
}

// member returns the token of a member of the structure acted on.
func (r *roles) member() string { return r.tokens[roleMember] }

// apiWorkshopOut is the part of a workshop answer the tests read.
type apiWorkshopOut struct {
	Slug        string  `json:"slug"`
	Title       string  `json:"title"`
	Summary     string  `json:"summary"`
	Description string  `json:"description"`
	Status      string  `json:"status"`
	Format      string  `json:"format"`
	LifeEvent   *string `json:"life_event"`
	Themes      []struct {
		Slug string `json:"slug"`
	} `json:"themes"`
	Languages       []string `json:"languages"`
	DefaultCapacity int      `json:"default_capacity"`
	Structure       struct {
		Slug string `json:"slug"`
	} `json:"structure"`
}

func (w apiWorkshopOut) themeSlugs() []string {
	var out []string
	for _, th := range w.Themes {
		out = append(out, th.Slug)
	}
	return out
}

// apiSessionOut is the part of a session answer the tests read.
type apiSessionOut struct {
	ID           int64   `json:"id"`
	Status       string  `json:"status"`
	StartsAt     string  `json:"starts_at"`
	EndsAt       string  `json:"ends_at"`
	Capacity     int     `json:"capacity"`
	SeatsLeft    int     `json:"seats_left"`
	Cancelled    bool    `json:"cancelled"`
	CancelReason *string `json:"cancel_reason"`
	Sequence     int     `json:"sequence"`
	Location     struct {
		Name string `json:"name"`
		Town string `json:"town"`
	} `json:"location"`
	Workshop struct {
		Slug string `json:"slug"`
	} `json:"workshop"`
}

// newWorkshopBody is a valid body for POST /api/v1/workshops, for a structure.
func newWorkshopBody(structure string) map[string]any {
	return map[string]any{
		"structure":                structure,
		"title":                    "Mes démarches en ligne",
		"description":              "Créer son compte Ameli, déclarer ses revenus, pas à pas.",
		"level_min":                "debutant",
		"level_max":                "intermediaire",
		"themes":                   []string{"demarches-en-ligne"},
		"default_capacity":         8,
		"default_duration_minutes": 120,
	}
}

// checkProblem asserts that an answer is a problem document with a status and the
// invalid members named, each with an explanation.
func checkProblem(t *testing.T, resp *http.Response, body []byte, status int, names []string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var p problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("decode problem: %v\n%s", err, body)
	}
	if p.Status != status || p.Title == "" {
		t.Errorf("problem = %+v", p)
	}
	got := p.names()
	slices.Sort(got)
	want := slices.Clone(names)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("errors[].name = %q, want %q (%s)", got, want, body)
	}
	for _, f := range p.Errors {
		if f.Detail == "" {
			t.Errorf("errors[%s] has no explanation", f.Name)
		}
	}
}
