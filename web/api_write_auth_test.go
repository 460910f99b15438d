package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// apiWriteRoute is one state-changing route of the API, with a valid request and a way
// to tell whether it changed anything.
type apiWriteRoute struct {
	// method and pattern as in the route table.
	method, pattern string
	// status answered when allowed.
	status int
	// request builds the call (without token) on fresh things of the structure.
	request func(f *authFixture) call
	// changed reports whether the call had an effect.
	changed func(t *testing.T, f *authFixture) bool
}

// authFixture is what one cell of the table acts on: fresh things of the structure.
type authFixture struct {
	t    *testing.T
	e    *env
	r    *roles
	w    *workshops.Workshop
	sess *workshops.Session
	n    int
	// booking is the enrollment the professional made in sess, once asked for.
	booking int64
}

// orientation has the professional enroll someone in the fixture's session.
func (f *authFixture) orientation() int64 {
	res, err := f.e.en.Enroll(f.t.Context(), f.r.actorOf(f.t, f.e, roleProfessional), enrollment.Request{SessionID: f.sess.ID,
		Person:         enrollment.Person{FirstName: "Awa", Contact: enrollment.ContactProfessional, Level: "debutant", Consent: true},
		IdempotencyKey: fmt.Sprint("tableau-", f.n), ConsentText: "J'accepte."})
	if err != nil {
		f.t.Fatal(err)
	}
	f.booking = res.Booking.ID
	return f.booking
}

func (f *authFixture) sessionPath() string {
	return "/api/v1/sessions/" + strconv.FormatInt(f.sess.ID, 10)
}

func (f *authFixture) session(t *testing.T) (*workshops.Session, error) {
	list, err := f.e.svc.SessionsForEdit(t.Context(), workshops.System, f.sess.ID)
	if err != nil {
		return nil, err
	}
	return &list[0], nil
}

func (f *authFixture) workshop(t *testing.T, slug string) *workshops.Workshop {
	w, err := f.e.svc.WorkshopForEdit(t.Context(), workshops.System, slug)
	if errors.Is(err, workshops.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return w
}

var apiWriteRoutes = []apiWriteRoute{
	{"POST", "/api/v1/workshops", 201,
		func(f *authFixture) call {
			b := newWorkshopBody(f.r.st.Slug)
			b["title"] = fmt.Sprintf("Atelier du tableau %d", f.n)
			return call{method: "POST", path: "/api/v1/workshops", body: b}
		},
		func(t *testing.T, f *authFixture) bool {
			return f.workshop(t, fmt.Sprintf("atelier-du-tableau-%d", f.n)) != nil
		}},
	{"PATCH", "/api/v1/workshops/:slug", 200,
		func(f *authFixture) call {
			return call{method: "PATCH", path: "/api/v1/workshops/" + f.w.Slug, body: map[string]any{"title": "Titre changé"}}
		},
		func(t *testing.T, f *authFixture) bool { return f.workshop(t, f.w.Slug).Title == "Titre changé" }},
	{"POST", "/api/v1/workshops/:slug/sessions", 201,
		func(f *authFixture) call {
			return call{method: "POST", path: "/api/v1/workshops/" + f.w.Slug + "/sessions", body: map[string]any{
				"frequency": "once", "first": "2027-01-05", "start": "14:00", "end": "16:00"}}
		},
		func(t *testing.T, f *authFixture) bool {
			d, err := f.e.svc.WorkshopDetail(t.Context(), f.w.Slug, 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(d.Upcoming) != 1
		}},
	{"PATCH", "/api/v1/sessions/:id", 200,
		func(f *authFixture) call {
			return call{method: "PATCH", path: f.sessionPath(), body: map[string]any{"capacity": 11}}
		},
		func(t *testing.T, f *authFixture) bool {
			s, err := f.session(t)
			return err != nil || s.Capacity == 11
		}},
	{"POST", "/api/v1/sessions/:id/cancel", 200,
		func(f *authFixture) call {
			return call{method: "POST", path: f.sessionPath() + "/cancel", body: map[string]any{"reason": "Salle indisponible."}}
		},
		func(t *testing.T, f *authFixture) bool {
			s, err := f.session(t)
			return err != nil || s.Cancelled()
		}},
	{"DELETE", "/api/v1/sessions/:id", 204,
		func(f *authFixture) call { return call{method: "DELETE", path: f.sessionPath()} },
		func(t *testing.T, f *authFixture) bool {
			_, err := f.session(t)
			return errors.Is(err, workshops.ErrNotFound)
		}},
	{"PATCH", "/api/v1/structures/:slug", 200,
		func(f *authFixture) call {
			return call{method: "PATCH", path: "/api/v1/structures/" + f.r.st.Slug, body: map[string]any{"opening_hours": fmt.Sprintf("Horaires %d", f.n)}}
		},
		func(t *testing.T, f *authFixture) bool {
			st, err := f.e.svc.StructureForEdit(t.Context(), workshops.System, f.r.st.Slug)
			if err != nil {
				t.Fatal(err)
			}
			return st.OpeningHours == fmt.Sprintf("Horaires %d", f.n)
		}},
	{"POST", "/api/v1/sessions/:id/enrollments", 201,
		func(f *authFixture) call {
			return enrollCall(f.sess.ID, "", fmt.Sprint("tableau-", f.n), enrollBody("Awa"))
		},
		func(t *testing.T, f *authFixture) bool {
			s, err := f.session(t)
			return err != nil || s.SeatsTaken != 0
		}},
	{"POST", "/api/v1/enrollments/:id/cancel", 200,
		func(f *authFixture) call {
			return call{method: "POST", path: enrollmentPath(f.orientation()) + "/cancel"}
		},
		func(t *testing.T, f *authFixture) bool {
			s, err := f.session(t)
			return err != nil || s.SeatsTaken == 0
		}},
}

// apiWriteDefault are who may use a write of the calendar: the structure's members and
// its territory's coordinators.
var apiWriteDefault = map[string]bool{roleMember: true, roleCoordinator: true}

// apiWriteAllowed lists the routes that others may use too: the professional enrolls,
// and cancels the people they oriented.
var apiWriteAllowed = map[string]map[string]bool{
	"POST /api/v1/sessions/:id/enrollments": {roleProfessional: true, roleMember: true, roleCoordinator: true},
	"POST /api/v1/enrollments/:id/cancel":   {roleProfessional: true, roleMember: true, roleCoordinator: true},
}

func (rt apiWriteRoute) allowed() map[string]bool {
	if a, ok := apiWriteAllowed[rt.method+" "+rt.pattern]; ok {
		return a
	}
	return apiWriteDefault
}

// TestAPIWritesCheckWhoActs enumerates every state-changing API route × every role: only
// the structure's members and its territory's coordinators may act (and the orienting
// professional, on enrollments); without a valid token the answer is 401 with a
// WWW-Authenticate challenge, with one 403; a denied call changes nothing.
func TestAPIWritesCheckWhoActs(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)

		// The table covers the route table: a new write route must join it.
		var routes, covered []string
		for _, rt := range e.app.GetRoutes(true) {
			if strings.HasPrefix(rt.Path, "/api/v1/") && !slices.Contains([]string{"GET", "HEAD", "OPTIONS", "USE"}, rt.Method) {
				routes = append(routes, rt.Method+" "+rt.Path)
			}
		}
		for _, rt := range apiWriteRoutes {
			covered = append(covered, rt.method+" "+rt.pattern)
		}
		sort.Strings(routes)
		sort.Strings(covered)
		if !slices.Equal(routes, covered) {
			t.Errorf("API write routes %q, covered by the table %q", routes, covered)
		}

		n := 0
		for _, rt := range apiWriteRoutes {
			for _, role := range allRoles {
				t.Run(rt.method+" "+rt.pattern+"/"+role, func(t *testing.T) {
					e := e.sub(t)
					n++
					w := wt.Workshop(t, e.svc, r.st, nil)
					f := &authFixture{t: t, e: e, r: r, w: w, n: n,
						sess: wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil)}
					c := rt.request(f)
					c.token = r.tokens[role]
					resp, body := e.send(c)
					want, allowed := rt.status, rt.allowed()
					switch {
					case role == roleAnonymous || role == roleRevoked:
						want = http.StatusUnauthorized
					case !allowed[role]:
						want = http.StatusForbidden
					}
					if resp.StatusCode != want {
						t.Fatalf("%s %s as %s = %d, want %d: %s", c.method, c.path, role, resp.StatusCode, want, body)
					}
					if want == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
						t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
					}
					if got := rt.changed(t, f); got != allowed[role] {
						t.Errorf("as %s, changed = %v", role, got)
					}
				})
			}
		}
	})
}

// TestAPIWriteAuthentication: only a well-formed Bearer header with a live API token
// identifies someone.
func TestAPIWriteAuthentication(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, nil)
		for name, header := range map[string]string{
			"Basic":              "Basic " + r.member(),
			"LowercaseScheme":    "bearer " + r.member(),
			"UnknownToken":       "Bearer esc_api_inconnu",
			"TokenOfAnotherKind": "Bearer esc_feed_" + strings.TrimPrefix(r.member(), "esc_api_"),
			"Empty":              "Bearer ",
		} {
			t.Run(name, func(t *testing.T) {
				e := e.sub(t)
				c := call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, body: `{"title":"x"}`}
				req := c.request(c.raw(t))
				req.Header.Set("Authorization", header)
				resp, body := e.do(req)
				checkProblem(t, resp, []byte(body), http.StatusUnauthorized, nil)
				if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Bearer realm="escale"`) {
					t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
				}
			})
		}
	})
}

// TestAPIWritesAreNotOpenToOtherSites: CORS lets other sites read, not write.
func TestAPIWritesAreNotOpenToOtherSites(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		for _, method := range []string{"POST", "PATCH", "DELETE"} {
			req, _ := http.NewRequest(http.MethodOptions, "/api/v1/sessions/1", nil)
			req.Header.Set("Origin", "https://www.mairie-exemple.fr")
			req.Header.Set("Access-Control-Request-Method", method)
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			resp, _ := e.do(req)
			if got := resp.Header.Get("Access-Control-Allow-Methods"); strings.Contains(got, method) {
				t.Errorf("preflight for %s allows %q", method, got)
			}
		}
	})
}

// TestOpenAPIDescribesEveryWriteRoute compares the route table's state-changing API
// routes with the document's operations, both ways, and checks that each one asks for
// the bearer token.
func TestOpenAPIDescribesEveryWriteRoute(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		_, doc := readOpenAPI(t)
		param := regexp.MustCompile(`:(\w+)(<[^>]*>)?`)
		var routes []string
		for _, r := range e.app.GetRoutes(true) {
			if strings.HasPrefix(r.Path, "/api/v1/") && !slices.Contains([]string{"GET", "HEAD", "OPTIONS", "USE"}, r.Method) {
				routes = append(routes, r.Method+" "+param.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}"))
			}
		}
		var documented []string
		for p, ops := range doc.Paths {
			for method, raw := range ops {
				if method == "get" || method == "parameters" {
					continue
				}
				documented = append(documented, strings.ToUpper(method)+" "+p)
				var op struct {
					Security []map[string][]string `json:"security"`
				}
				if err := json.Unmarshal(raw, &op); err != nil {
					t.Fatal(err)
				}
				if len(op.Security) != 1 || op.Security[0]["bearerAuth"] == nil {
					t.Errorf("%s %s: security = %v, want bearerAuth", method, p, op.Security)
				}
			}
		}
		sort.Strings(routes)
		sort.Strings(documented)
		if !slices.Equal(routes, documented) {
			t.Errorf("write routes %q, documented %q", routes, documented)
		}
	})
}

// TestAPIWriteRefusesWhoManagesNothingWhateverTheBody: a token whose owner manages no
// structure (an orienting professional's) gets 403 before its body is even read, on
// every write of the calendar.
func TestAPIWriteRefusesWhoManagesNothingWhateverTheBody(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, nil)
		f := &authFixture{t: t, e: e, r: r, w: w, sess: wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil)}
		for _, rt := range apiWriteRoutes {
			if rt.allowed()[roleProfessional] {
				continue
			}
			t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
				c := rt.request(f)
				c.token = r.tokens[roleProfessional]
				if c.body != nil {
					c.body = `{"inconnu": [1, 2`
				}
				resp, body := e.sub(t).send(c)
				checkProblem(t, resp, body, http.StatusForbidden, nil)
			})
		}
	})
}
