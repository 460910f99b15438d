package web_test

// Who may post which form: every state-changing route of the HTML side × every role.
// The JSON API's half is api_write_auth_test.go.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// htmlRoles are the people of the HTML authorization table (role names as in
// api_write_helpers_test.go).
var htmlRoles = []string{roleAnonymous, roleProfessional, roleOtherMember, roleMember, roleFarCoordinate, roleCoordinator}

// Who may post a form.
var (
	// everyone: public forms, the same whoever posts them (a link's token, a password or
	// a pending first step is what counts, never the role).
	everyone = htmlRoles
	// signedIn: every signed-in person, on their own account (password, sessions, API
	// tokens, second factor, private feed token).
	signedIn = htmlRoles[1:]
	// structureStaff: the structure's members and its territory's coordinators.
	structureStaff = []string{roleMember, roleCoordinator}
	// territoryCoordinator: the coordinators of the territory concerned only.
	territoryCoordinator = []string{roleCoordinator}
	// anyCoordinator: the vocabularies are the whole instance's, kept by every coordinator.
	anyCoordinator = []string{roleFarCoordinate, roleCoordinator}
	// orienters: who may enroll someone else, orienting professionals and the structure's
	// team (enrollment.MayOrient).
	orienters = []string{roleProfessional, roleMember, roleCoordinator}
	// nobody: the first-run form once a coordinator exists.
	nobody []string
	// orientingOrStaff: the professional who oriented the person (the table's
	// professional orients them), and the structure's team, who may cancel any seat.
	orientingOrStaff = []string{roleProfessional, roleMember, roleCoordinator}
)

// htmlWriteRoute is a state-changing route of the HTML side and who may use it.
type htmlWriteRoute struct {
	// pattern as in the route table.
	pattern string
	allowed []string
	// status answered to the allowed roles: a 303 goes to the request's location.
	status int
	// refused is answered to the others (0: 403, and a 303 to the sign-in page for
	// anonymous visitors under /account, /manage and /coordination).
	refused int
	// request builds a valid form on fresh things, for one cell of the table.
	request func(t *testing.T, c *htmlCell) htmlRequest
}

// htmlWriteRoutes is every POST route outside /api, with who may post it.
var htmlWriteRoutes = []htmlWriteRoute{
	// Signing in and out, links sent by email, the first coordinator.
	{"/login", everyone, 303, 0, signInForm},
	{"/login/link", everyone, 303, 0, signInLinkRequest},
	{"/login/link/:token", everyone, 303, 0, signInLinkUse},
	{"/login/totp", everyone, 303, 0, secondFactorForm},
	{"/logout", everyone, 303, 0, signOutForm},
	{"/password/forgot", everyone, 303, 0, passwordResetRequest},
	{"/password/reset/:token", everyone, 303, 0, passwordResetForm},
	{"/setup/:token", nobody, 0, http.StatusGone, firstRunForm},
	{"/invitations/:token", everyone, 303, 0, invitationForm},
	// Asking to join.
	{"/join", everyone, 303, 0, joinRequestForm},
	{"/signup", everyone, 303, 0, signUpForm},
	// Enrolling in a session of structure A: orienting someone, enrolling oneself where the
	// workshop allows it, cancelling through the person's link.
	{"/sessions/:id<int>/enroll", orienters, 303, 0, orientationForm},
	{"/sessions/:id<int>/self-enroll", everyone, 303, 0, selfEnrollmentForm},
	{"/c/:token/cancel", everyone, 303, 0, cancelThroughLinkForm},
	// The signed-in person's own account.
	{"/account/password", signedIn, 303, 0, changePasswordForm},
	{"/account/signout-everywhere", signedIn, 303, 0, signOutEverywhereForm},
	{"/account/tokens", signedIn, 303, 0, newAPITokenForm},
	{"/account/tokens/:id<int>/revoke", signedIn, 303, 0, revokeAPITokenForm},
	{"/account/totp", signedIn, 303, 0, enableTOTPForm},
	{"/account/totp/disable", signedIn, 303, 0, disableTOTPForm},
	// Mediators: the private feed of their own sessions, and structure A's things.
	{"/manage/feed-token", signedIn, 303, 0, newFeedTokenForm},
	{"/manage/feed-token/revoke", signedIn, 303, 0, revokeFeedTokenForm},
	{"/manage/structures/:slug", structureStaff, 303, 0, structureProfileForm},
	{"/manage/structures/:slug/places", structureStaff, 303, 0, newPlaceForm},
	{"/manage/places/:id<int>", structureStaff, 303, 0, placeForm},
	{"/manage/structures/:slug/members", structureStaff, 303, 0, inviteMemberForm},
	{"/manage/structures/:slug/workshops", structureStaff, 303, 0, newWorkshopForm},
	{"/manage/workshops/:slug", structureStaff, 303, 0, editWorkshopForm},
	{"/manage/workshops/:slug/duplicate", structureStaff, 303, 0, duplicateWorkshopForm},
	{"/manage/workshops/:slug/publish", structureStaff, 303, 0, publishWorkshopForm},
	{"/manage/workshops/:slug/unpublish", structureStaff, 303, 0, unpublishWorkshopForm},
	{"/manage/workshops/:slug/sessions", structureStaff, 303, 0, newSessionsForm},
	{"/manage/sessions/:id<int>", structureStaff, 303, 0, editSessionForm},
	{"/manage/sessions/:id<int>/cancel", structureStaff, 303, 0, cancelSessionForm},
	{"/manage/sessions/:id<int>/delete", structureStaff, 303, 0, deleteSessionForm},
	{"/manage/bookings/:id<int>/cancel", structureStaff, 303, 0, cancelBookingForm},
	{"/manage/sessions/:id<int>/attendance", structureStaff, 303, 0, attendanceForm},
	// Professionals: the people they oriented.
	{"/orientations/:id<int>/cancel", orientingOrStaff, 303, 0, cancelOrientationForm},
	{"/manage/structures/:slug/convocations/:id<int>", structureStaff, 303, 0, convocationHandedForm},
	// Coordinators: decisions about the territory, and the shared vocabularies.
	{"/coordination/requests/:id<int>/accept", territoryCoordinator, 303, 0, acceptJoinRequestForm},
	{"/coordination/requests/:id<int>/refuse", territoryCoordinator, 303, 0, refuseJoinRequestForm},
	{"/coordination/professionals/:id<int>/accept", territoryCoordinator, 303, 0, acceptProfessionalForm},
	{"/coordination/professionals/:id<int>/refuse", territoryCoordinator, 303, 0, refuseProfessionalForm},
	{"/coordination/domains", territoryCoordinator, 303, 0, addDomainForm},
	{"/coordination/domains/delete", territoryCoordinator, 303, 0, removeDomainForm},
	{"/coordination/users/:id<int>/status", territoryCoordinator, 303, 0, disableUserForm},
	{"/coordination/levels/:code", anyCoordinator, 303, 0, levelForm},
	{"/coordination/themes", anyCoordinator, 303, 0, newThemeForm},
	{"/coordination/themes/:slug", anyCoordinator, 303, 0, themeForm},
	{"/coordination/outbox/:id<int>/retry", territoryCoordinator, 303, 0, retryMessageForm},
	{"/coordination/people/:id<int>/erase", territoryCoordinator, 303, 0, erasePersonForm},
}

// htmlRequest is one form to post, and how to tell whether it had its effect.
type htmlRequest struct {
	path string
	form url.Values
	// location starts the Location of the 303 answered when allowed.
	location string
	changed  func(t *testing.T) bool
}

// htmlFixture is what every cell of one database shares: structures A (the member's) and
// B of the default territory, another territory with its own structure, and a
// coordinator of the default territory who is none of the roles (see newSessionsForm).
type htmlFixture struct {
	home      int64
	a, b      *workshops.Structure
	elsewhere *workshops.Territory
	far       *workshops.Structure
}

// staffEmail is the fixture's coordinator of the default territory.
const staffEmail = "coordination.equipe@grandnancy.example.fr"

func newHTMLFixture(t *testing.T, e *env) *htmlFixture {
	t.Helper()
	f := &htmlFixture{home: e.territory(), elsewhere: &workshops.Territory{Name: "Pays basque"}}
	f.a = wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Name = "Médiathèque des Trois-Maisons" })
	f.b = wt.Structure(t, e.svc, func(st *workshops.Structure) { st.Name = "Centre social Jolibois" })
	if err := e.svc.CreateTerritory(t.Context(), workshops.System, f.elsewhere); err != nil {
		t.Fatal(err)
	}
	f.far = wt.Structure(t, e.svc, func(st *workshops.Structure) {
		st.Name, st.TerritoryID, st.Town, st.Postcode = "Médiathèque de Bayonne", f.elsewhere.ID, "Bayonne", "64100"
	})
	e.user(staffEmail, func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.home} })
	return f
}

// grant gives an account the roles of a role name.
func (f *htmlFixture) grant(role string) func(*accounts.NewUser) {
	return func(nu *accounts.NewUser) {
		switch role {
		case roleProfessional:
			nu.Organisation, nu.ProfessionalTerritory = "CCAS de Nancy", f.home
		case roleOtherMember:
			nu.MemberOf = []int64{f.b.ID}
		case roleMember:
			nu.MemberOf = []int64{f.a.ID}
		case roleFarCoordinate:
			nu.CoordinatorOf = []int64{f.elsewhere.ID}
		case roleCoordinator:
			nu.CoordinatorOf = []int64{f.home}
		}
	}
}

// htmlCell is one (route, role) of the table.
type htmlCell struct {
	e    *env
	f    *htmlFixture
	role string
	// n makes the cell's names and addresses unique.
	n int
	// user is the role's own fresh account, so that one cell's password change or
	// disabled second factor changes no other; the anonymous visitor's is an account
	// nobody signed in to, which the account forms must leave as it is.
	user *accounts.User
	// b is signed in as user, except for the anonymous visitor, and holds a CSRF token.
	b *browser
}

func newHTMLCell(e *env, f *htmlFixture, role string, n int) *htmlCell {
	e.t.Helper()
	email := fmt.Sprintf("personne%d@exemple.fr", n)
	c := &htmlCell{e: e, f: f, role: role, n: n, user: e.user(email, f.grant(role)), b: e.browser()}
	if role == roleAnonymous {
		c.b.get("/login")
	} else {
		c.b.signIn(email, password)
	}
	return c
}

// subtestName turns a route pattern into a readable subtest name:
// "manage/workshops/{slug}/publish".
func subtestName(pattern string) string {
	return strings.TrimPrefix(routeParam.ReplaceAllString(pattern, "{$1}"), "/")
}

var routeParam = regexp.MustCompile(`:(\w+)(<[^>]*>)?`)

// needsSignIn reports whether a route sends anonymous visitors to the sign-in page.
func needsSignIn(pattern string) bool {
	for _, p := range []string{"/account/", "/manage/", "/coordination/", "/orientations/"} {
		if strings.HasPrefix(pattern, p) {
			return true
		}
	}
	return pattern == "/sessions/:id<int>/enroll"
}

// TestHTMLWritesCheckWhoActs enumerates every POST route outside the API × every role,
// each time with a valid form on fresh things, so that only the role can make a
// difference: the allowed roles get the route's answer and the form has its effect; a
// signed-in person without the right gets 403, an anonymous visitor is sent to sign in,
// and a refused form changes nothing.
func TestHTMLWritesCheckWhoActs(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newHTMLFixture(t, e)
		checkHTMLTableCoversRoutes(t, e)

		n := 0
		for _, rt := range htmlWriteRoutes {
			for _, role := range htmlRoles {
				t.Run(subtestName(rt.pattern)+"/"+role, func(t *testing.T) {
					n++
					c := newHTMLCell(e.sub(t), f, role, n)
					req := rt.request(t, c)
					resp, body := c.b.post(req.path, req.form)
					allowed := slices.Contains(rt.allowed, role)
					status, location := rt.refused, ""
					switch {
					case allowed:
						status, location = rt.status, req.location
					case role == roleAnonymous && needsSignIn(rt.pattern):
						status, location = http.StatusSeeOther, "/login?next="+url.QueryEscape(req.path)
					case status == 0:
						status = http.StatusForbidden
					}
					got := resp.Header.Get("Location")
					if resp.StatusCode != status || status == http.StatusSeeOther && !strings.HasPrefix(got, location) {
						t.Fatalf("POST %s as %s = %d to %q, want %d to %q…\n%.400s", req.path, role, resp.StatusCode, got, status, location, body)
					}
					if changed := req.changed(t); changed != allowed {
						t.Errorf("POST %s as %s: changed = %v, want %v", req.path, role, changed, allowed)
					}
				})
			}
		}

		// The 403s of the other territory's coordinator come from the territory, not from
		// an account that can do nothing.
		t.Run("TheOtherTerritorysCoordinatorManagesTheirOwn", func(t *testing.T) {
			e := e.sub(t)
			n++
			c := newHTMLCell(e, f, roleFarCoordinate, n)
			w := wt.Workshop(t, e.svc, f.far, func(w *workshops.Workshop) { w.Status = workshops.WorkshopDraft })
			resp, body := c.b.post("/manage/workshops/"+w.Slug+"/publish", nil)
			expectRedirect(t, resp, body, "/manage/workshops/"+w.Slug+"?flash=workshop-published")
		})
	})
}

// checkHTMLTableCoversRoutes compares the table with the route table: a new form must
// join it.
func checkHTMLTableCoversRoutes(t *testing.T, e *env) {
	t.Helper()
	var routes, covered []string
	for _, rt := range e.app.GetRoutes(true) {
		if rt.Method == http.MethodPost && !strings.HasPrefix(rt.Path, "/api/") {
			routes = append(routes, rt.Path)
		}
	}
	for _, rt := range htmlWriteRoutes {
		covered = append(covered, rt.pattern)
	}
	sort.Strings(routes)
	sort.Strings(covered)
	if !slices.Equal(routes, covered) {
		t.Errorf("POST routes %q, covered by the table %q", routes, covered)
	}
}

// TestHTMLWritesNeedTheCSRFToken: a coordinator of the territory may post most of the
// table's forms, so only the CSRF check stops one posted without its token, or with the
// token of another session: 403 for every route, and nothing changes.
func TestHTMLWritesNeedTheCSRFToken(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newHTMLFixture(t, e)
		n := 0
		for _, rt := range htmlWriteRoutes {
			t.Run(subtestName(rt.pattern), func(t *testing.T) {
				n++
				c := newHTMLCell(e.sub(t), f, roleCoordinator, n)
				req := rt.request(t, c)
				stranger := c.e.browser()
				stranger.get("/login")
				for name, token := range map[string]string{"NoToken": "", "AnotherSessionsToken": stranger.csrf} {
					form := with(req.form, "_csrf", token)
					if token == "" {
						delete(form, "_csrf")
					}
					resp, body := c.b.postAsIs(req.path, form)
					if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Ce formulaire a expiré") {
						t.Errorf("%s: POST %s = %d, want 403\n%.300s", name, req.path, resp.StatusCode, body)
					}
				}
				if req.changed(t) {
					t.Errorf("POST %s without a valid CSRF token changed something", req.path)
				}
			})
		}
	})
}

// postAsIs submits a form exactly as given, CSRF token or not.
func (b *browser) postAsIs(path string, form url.Values) (*http.Response, string) {
	b.e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// The forms of the table, one per route, each on fresh things.

// target creates an account with a password that the public forms act on.
func (c *htmlCell) target() *accounts.User {
	return c.e.user(fmt.Sprintf("cible%d@exemple.fr", c.n), nil)
}

// reload reads an account again.
func (c *htmlCell) reload(t *testing.T, u *accounts.User) *accounts.User {
	t.Helper()
	got, err := c.e.acc.UserByEmail(t.Context(), u.Email)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// signedInOnce reports whether someone ever signed in to an account.
func (c *htmlCell) signedInOnce(u *accounts.User) func(t *testing.T) bool {
	return func(t *testing.T) bool { return c.reload(t, u).LastSignInAt != nil }
}

// emailed reports whether an address was sent an email.
func (c *htmlCell) emailed(to string) func(t *testing.T) bool {
	return func(t *testing.T) bool { return len(c.e.sub(t).emails(to)) > 0 }
}

func signInForm(t *testing.T, c *htmlCell) htmlRequest {
	u := c.target()
	return htmlRequest{path: "/login", form: url.Values{"email": {u.Email}, "password": {password}},
		location: "/manage", changed: c.signedInOnce(u)}
}

func signInLinkRequest(t *testing.T, c *htmlCell) htmlRequest {
	u := c.target()
	return htmlRequest{path: "/login/link", form: url.Values{"email": {u.Email}}, location: "/login?sent=1", changed: c.emailed(u.Email)}
}

func signInLinkUse(t *testing.T, c *htmlCell) htmlRequest {
	u := c.target()
	if err := c.e.acc.RequestSignInLink(t.Context(), u.Email, ""); err != nil {
		t.Fatal(err)
	}
	return htmlRequest{path: c.e.lastLink(u.Email), location: "/manage", changed: c.signedInOnce(u)}
}

// secondFactorForm: the browser gave the password of an account with a second factor; the
// code is what signs it in.
func secondFactorForm(t *testing.T, c *htmlCell) htmlRequest {
	u := c.target()
	secret := enableTOTP(t, c.e, u)
	resp, body := c.b.post("/login", url.Values{"email": {u.Email}, "password": {password}})
	expectRedirect(t, resp, body, "/login/totp")
	c.b.get("/login/totp")
	// The code that turned the second factor on cannot serve again: the next one.
	code := totpCode(t, secret, c.e.clock.Now().Add(30*time.Second))
	return htmlRequest{path: "/login/totp", form: url.Values{"code": {code}}, location: "/manage", changed: c.signedInOnce(u)}
}

// enableTOTP turns a person's second factor on and returns its secret.
func enableTOTP(t *testing.T, e *env, u *accounts.User) string {
	t.Helper()
	enr, err := e.acc.StartTOTP(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.EnableTOTP(t.Context(), u.ID, totpCode(t, enr.Secret, e.clock.Now())); err != nil {
		t.Fatal(err)
	}
	return enr.Secret
}

// signOutForm: whoever posts it is signed out afterwards (a visitor already was).
func signOutForm(t *testing.T, c *htmlCell) htmlRequest {
	return htmlRequest{path: "/logout", location: "/", changed: func(t *testing.T) bool { return !c.b.signedIn() }}
}

func passwordResetRequest(t *testing.T, c *htmlCell) htmlRequest {
	u := c.target()
	return htmlRequest{path: "/password/forgot", form: url.Values{"email": {u.Email}}, location: "/password/forgot?sent=1",
		changed: c.emailed(u.Email)}
}

// newPassword is the password the forms of the table choose.
const newPassword = "un autre mot de passe bien long"

// hasPassword reports whether an account's password is now newPassword.
func (c *htmlCell) hasPassword(u *accounts.User) func(t *testing.T) bool {
	return func(t *testing.T) bool {
		_, err := c.e.acc.Authenticate(t.Context(), u.Email, newPassword)
		return err == nil
	}
}

func passwordResetForm(t *testing.T, c *htmlCell) htmlRequest {
	u := c.target()
	if err := c.e.acc.RequestPasswordReset(t.Context(), u.Email); err != nil {
		t.Fatal(err)
	}
	return htmlRequest{path: c.e.lastLink(u.Email), form: url.Values{"password": {newPassword}, "password_confirm": {newPassword}},
		location: "/account?flash=password-reset", changed: c.hasPassword(u)}
}

// firstRunForm: a first-run link printed before the first coordinator existed creates
// nobody once one does, whoever posts it.
func firstRunForm(t *testing.T, c *htmlCell) htmlRequest {
	token, err := c.e.acc.IssueLink(t.Context(), c.e.db, accounts.Link{Purpose: accounts.PurposeBootstrap}, accounts.BootstrapTTL)
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("premier%d@exemple.fr", c.n)
	return htmlRequest{path: "/setup/" + token,
		form: url.Values{"email": {email}, "name": {"Dominique Premier"}, "password": {newPassword}, "password_confirm": {newPassword}},
		changed: func(t *testing.T) bool {
			_, err := c.e.acc.UserByEmail(t.Context(), email)
			return err == nil
		}}
}

// invitationForm: the invitation's link, not the role, lets a colleague join structure A.
func invitationForm(t *testing.T, c *htmlCell) htmlRequest {
	email := fmt.Sprintf("collegue%d@exemple.fr", c.n)
	if _, err := c.e.acc.InviteMember(t.Context(), workshops.System, c.f.a.Slug, email); err != nil {
		t.Fatal(err)
	}
	path := linkIn(t, c.e.lastEmail(email), "/invitations/")
	return htmlRequest{path: path, form: url.Values{"name": {"Sacha Collègue"}, "password": {newPassword}, "confirm": {newPassword}},
		location: "/manage?flash=invitation-accepted",
		changed:  func(t *testing.T) bool { return c.reload(t, &accounts.User{Email: email}).HasPassword() }}
}

func joinRequestForm(t *testing.T, c *htmlCell) htmlRequest {
	email := fmt.Sprintf("demande%d@tilleuls.example.fr", c.n)
	form := with(joinForm(), "name", fmt.Sprintf("Centre social n°%d", c.n), "member_email", email)
	return htmlRequest{path: "/join", form: form, location: "/join?sent=1", changed: func(t *testing.T) bool {
		p, err := c.e.acc.PendingRequests(t.Context(), workshops.System)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(p.JoinRequests, func(jr accounts.JoinRequest) bool { return jr.Email == email })
	}}
}

func signUpForm(t *testing.T, c *htmlCell) htmlRequest {
	email := fmt.Sprintf("inscription%d@mds.example.fr", c.n)
	return htmlRequest{path: "/signup",
		form:     url.Values{"name": {"Alex Martin"}, "email": {email}, "organisation": {"MDS de Nancy"}, "password": {password}},
		location: "/signup?sent=1",
		changed: func(t *testing.T) bool {
			_, err := c.e.acc.UserByEmail(t.Context(), email)
			return err == nil
		}}
}

func changePasswordForm(t *testing.T, c *htmlCell) htmlRequest {
	return htmlRequest{path: "/account/password",
		form:     url.Values{"current_password": {password}, "password": {newPassword}, "password_confirm": {newPassword}},
		location: "/account?flash=password-changed", changed: c.hasPassword(c.user)}
}

func signOutEverywhereForm(t *testing.T, c *htmlCell) htmlRequest {
	epoch := c.reload(t, c.user).SessionEpoch
	return htmlRequest{path: "/account/signout-everywhere", location: "/account?flash=signed-out-elsewhere",
		changed: func(t *testing.T) bool { return c.reload(t, c.user).SessionEpoch != epoch }}
}

// tokens lists the user's tokens of a kind.
func (c *htmlCell) tokens(t *testing.T, kind string) []accounts.Token {
	t.Helper()
	list, err := c.e.acc.Tokens(t.Context(), c.user.ID, kind)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// newToken creates a token of the user's and returns a check that it was revoked.
func (c *htmlCell) newToken(t *testing.T, kind string) (int64, func(t *testing.T) bool) {
	t.Helper()
	_, tok, err := c.e.acc.CreateToken(t.Context(), c.user.ID, kind, "Script")
	if err != nil {
		t.Fatal(err)
	}
	return tok.ID, func(t *testing.T) bool {
		list := c.tokens(t, kind)
		return !slices.ContainsFunc(list, func(k accounts.Token) bool { return k.ID == tok.ID && k.Active() })
	}
}

func newAPITokenForm(t *testing.T, c *htmlCell) htmlRequest {
	return htmlRequest{path: "/account/tokens", form: url.Values{"name": {"Export pour le site de la mairie"}},
		location: "/account?flash=token-created", changed: func(t *testing.T) bool { return len(c.tokens(t, accounts.TokenAPI)) > 0 }}
}

func revokeAPITokenForm(t *testing.T, c *htmlCell) htmlRequest {
	id, revoked := c.newToken(t, accounts.TokenAPI)
	return htmlRequest{path: "/account/tokens/" + itoa(id) + "/revoke", location: "/account?flash=token-revoked", changed: revoked}
}

func enableTOTPForm(t *testing.T, c *htmlCell) htmlRequest {
	enr, err := c.e.acc.StartTOTP(t.Context(), c.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	return htmlRequest{path: "/account/totp", form: url.Values{"code": {totpCode(t, enr.Secret, c.e.clock.Now())}},
		location: "/account/totp?flash=totp-on", changed: func(t *testing.T) bool { return c.reload(t, c.user).HasTOTP() }}
}

func disableTOTPForm(t *testing.T, c *htmlCell) htmlRequest {
	enableTOTP(t, c.e, c.user)
	return htmlRequest{path: "/account/totp/disable", form: url.Values{"password": {password}},
		location: "/account?flash=totp-off", changed: func(t *testing.T) bool { return !c.reload(t, c.user).HasTOTP() }}
}

func newFeedTokenForm(t *testing.T, c *htmlCell) htmlRequest {
	return htmlRequest{path: "/manage/feed-token", location: "/manage?flash=feed-created",
		changed: func(t *testing.T) bool { return len(c.tokens(t, accounts.TokenFeed)) > 0 }}
}

func revokeFeedTokenForm(t *testing.T, c *htmlCell) htmlRequest {
	id, revoked := c.newToken(t, accounts.TokenFeed)
	return htmlRequest{path: "/manage/feed-token/revoke", form: url.Values{"token_id": {itoa(id)}},
		location: "/manage?flash=feed-revoked", changed: revoked}
}

// structureA reads structure A again.
func (c *htmlCell) structureA(t *testing.T) *workshops.StructureEditor {
	t.Helper()
	ed, err := c.e.svc.StructureEditor(t.Context(), workshops.System, c.f.a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return ed
}

// hasPlace reports whether structure A has a place of that name.
func (c *htmlCell) hasPlace(name string) func(t *testing.T) bool {
	return func(t *testing.T) bool {
		return slices.ContainsFunc(c.structureA(t).Places, func(p workshops.Place) bool { return p.Name == name })
	}
}

func structureProfileForm(t *testing.T, c *htmlCell) htmlRequest {
	st := c.f.a
	hours := fmt.Sprintf("Du mardi au samedi, de 10 h à 18 h (%d)", c.n)
	form := url.Values{"name": {st.Name}, "kind": {st.Kind}, "address": {st.Address}, "postcode": {st.Postcode}, "town": {st.Town},
		"latitude": {"48.6921"}, "longitude": {"6.1844"}, "opening_hours": {hours}, "phone": {st.Phone}, "email": {st.Email},
		"labels": st.Labels}
	return htmlRequest{path: "/manage/structures/" + st.Slug, form: form, location: "/manage/structures/" + st.Slug + "?flash=structure-saved",
		changed: func(t *testing.T) bool { return c.structureA(t).Structure.OpeningHours == hours }}
}

func placeValuesNamed(name string) url.Values {
	return url.Values{"name": {name}, "address": {"1 place Carnot"}, "postcode": {"54000"}, "town": {"Nancy"},
		"access_info": {"Tram ligne 1, arrêt Carnot."}}
}

func newPlaceForm(t *testing.T, c *htmlCell) htmlRequest {
	name := fmt.Sprintf("Salle du tableau %d", c.n)
	return htmlRequest{path: "/manage/structures/" + c.f.a.Slug + "/places", form: placeValuesNamed(name),
		location: "/manage/structures/" + c.f.a.Slug + "?flash=place-added", changed: c.hasPlace(name)}
}

func placeForm(t *testing.T, c *htmlCell) htmlRequest {
	p := &workshops.Place{StructureID: c.f.a.ID, Name: fmt.Sprintf("Salle %d", c.n), Address: "1 place Carnot", Postcode: "54000", Town: "Nancy"}
	if err := c.e.svc.CreatePlace(t.Context(), workshops.System, p); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("Salle renommée %d", c.n)
	return htmlRequest{path: "/manage/places/" + itoa(p.ID), form: placeValuesNamed(name),
		location: "/manage/structures/" + c.f.a.Slug + "?flash=place-saved", changed: c.hasPlace(name)}
}

func inviteMemberForm(t *testing.T, c *htmlCell) htmlRequest {
	email := fmt.Sprintf("invitee%d@exemple.fr", c.n)
	return htmlRequest{path: "/manage/structures/" + c.f.a.Slug + "/members", form: url.Values{"email": {email}},
		location: "/manage/structures/" + c.f.a.Slug + "/members?flash=member-invited",
		changed: func(t *testing.T) bool {
			_, err := c.e.acc.UserByEmail(t.Context(), email)
			return err == nil
		}}
}

// workshop reads a workshop again, nil when there is none of that slug.
func (c *htmlCell) workshop(t *testing.T, slug string) *workshops.Workshop {
	t.Helper()
	w, err := c.e.svc.WorkshopForEdit(t.Context(), workshops.System, slug)
	if errors.Is(err, workshops.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// freshWorkshop creates a workshop of structure A, published or draft.
func (c *htmlCell) freshWorkshop(t *testing.T, status string) *workshops.Workshop {
	t.Helper()
	return wt.Workshop(t, c.e.svc, c.f.a, func(w *workshops.Workshop) {
		w.Title, w.Status = fmt.Sprintf("Atelier frais %d", c.n), status
	})
}

func newWorkshopForm(t *testing.T, c *htmlCell) htmlRequest {
	title := fmt.Sprintf("Atelier du tableau %d", c.n)
	return htmlRequest{path: "/manage/structures/" + c.f.a.Slug + "/workshops", form: workshopForm(title),
		location: "/manage/workshops/atelier-du-tableau-", changed: func(t *testing.T) bool {
			return c.workshop(t, fmt.Sprintf("atelier-du-tableau-%d", c.n)) != nil
		}}
}

func editWorkshopForm(t *testing.T, c *htmlCell) htmlRequest {
	w := c.freshWorkshop(t, workshops.WorkshopPublished)
	title := fmt.Sprintf("Titre changé %d", c.n)
	return htmlRequest{path: "/manage/workshops/" + w.Slug, form: workshopForm(title),
		location: "/manage/workshops/" + w.Slug + "?flash=workshop-saved",
		changed:  func(t *testing.T) bool { return c.workshop(t, w.Slug).Title == title }}
}

func duplicateWorkshopForm(t *testing.T, c *htmlCell) htmlRequest {
	w := c.freshWorkshop(t, workshops.WorkshopPublished)
	return htmlRequest{path: "/manage/workshops/" + w.Slug + "/duplicate", location: "/manage/workshops/copie-de-" + w.Slug,
		changed: func(t *testing.T) bool { return c.workshop(t, "copie-de-"+w.Slug) != nil }}
}

func publishWorkshopForm(t *testing.T, c *htmlCell) htmlRequest {
	w := c.freshWorkshop(t, workshops.WorkshopDraft)
	return htmlRequest{path: "/manage/workshops/" + w.Slug + "/publish", location: "/manage/workshops/" + w.Slug + "?flash=workshop-published",
		changed: func(t *testing.T) bool { return c.workshop(t, w.Slug).Status == workshops.WorkshopPublished }}
}

func unpublishWorkshopForm(t *testing.T, c *htmlCell) htmlRequest {
	w := c.freshWorkshop(t, workshops.WorkshopPublished)
	return htmlRequest{path: "/manage/workshops/" + w.Slug + "/unpublish", location: "/manage/workshops/" + w.Slug + "?flash=workshop-unpublished",
		changed: func(t *testing.T) bool { return c.workshop(t, w.Slug).Status == workshops.WorkshopDraft }}
}

// newSessionsForm creates one session, its day seen: the key of the days seen comes from
// the form as the fixture's coordinator is shown it, since a refused role is shown
// nothing.
func newSessionsForm(t *testing.T, c *htmlCell) htmlRequest {
	w := c.freshWorkshop(t, workshops.WorkshopPublished)
	path := "/manage/workshops/" + w.Slug + "/sessions"
	form := url.Values{"frequency": {"once"}, "first": {"2027-01-05"}, "start": {"14:00"}, "end": {"16:00"}, "capacity": {"8"},
		"place": {""}, "animator": {"Camille"}, "step": {"preview"}}
	_, body := c.e.signedIn(staffEmail).post(path, with(form))
	m := seenInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no days shown to the coordinator:\n%.500s", body)
	}
	form = with(form, "step", "create", "seen", m[1])
	return htmlRequest{path: path, form: form, location: "/manage/workshops/" + w.Slug + "?flash=sessions-created",
		changed: func(t *testing.T) bool {
			ed, err := c.e.svc.WorkshopEditor(t.Context(), workshops.System, w.Slug)
			if err != nil {
				t.Fatal(err)
			}
			return len(ed.Sessions) > 0
		}}
}

// freshSession creates a session without enrollments of a new workshop of structure A,
// and returns it with a way to read it again (nil once deleted).
func (c *htmlCell) freshSession(t *testing.T) (*workshops.Session, func(t *testing.T) *workshops.Session) {
	t.Helper()
	w := c.freshWorkshop(t, workshops.WorkshopPublished)
	s := wt.Session(t, c.e.svc, w, wt.Paris(t, 2026, time.December, 1, 14, 0), nil)
	return s, func(t *testing.T) *workshops.Session {
		list, err := c.e.svc.SessionsForEdit(t.Context(), workshops.System, s.ID)
		if errors.Is(err, workshops.ErrNotFound) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return &list[0]
	}
}

func editSessionForm(t *testing.T, c *htmlCell) htmlRequest {
	s, reload := c.freshSession(t)
	path := "/manage/sessions/" + itoa(s.ID)
	// The same day, time and place: a plain change, saved at once (a move is shown first).
	form := url.Values{"date": {"2026-12-01"}, "start": {"14:00"}, "end": {"16:00"}, "place": {""}, "capacity": {"11"}, "animator": {"Camille"}}
	return htmlRequest{path: path, form: form, location: path + "?flash=session-saved",
		changed: func(t *testing.T) bool { return reload(t).Capacity == 11 }}
}

func cancelSessionForm(t *testing.T, c *htmlCell) htmlRequest {
	s, reload := c.freshSession(t)
	path := "/manage/sessions/" + itoa(s.ID)
	return htmlRequest{path: path + "/cancel", form: url.Values{"cancel_reason": {"Salle indisponible."}},
		location: path + "?flash=session-cancelled", changed: func(t *testing.T) bool { return reload(t).Cancelled() }}
}

func deleteSessionForm(t *testing.T, c *htmlCell) htmlRequest {
	s, reload := c.freshSession(t)
	return htmlRequest{path: "/manage/sessions/" + itoa(s.ID) + "/delete", location: "/manage/workshops/",
		changed: func(t *testing.T) bool { return reload(t) == nil }}
}

// enrolled reports whether a session has someone enrolled, or cancelled when cancelled.
func (c *htmlCell) enrolled(sessionID int64, cancelled bool) func(t *testing.T) bool {
	return func(t *testing.T) bool {
		r := c.e.sub(t).roster(sessionID)
		if cancelled {
			return len(r.Cancelled()) > 0
		}
		return len(r.Lines) > 0
	}
}

func orientationForm(t *testing.T, c *htmlCell) htmlRequest {
	s, _ := c.freshSession(t)
	return htmlRequest{path: enrollPath(s.ID), form: with(personForm(), "idempotency_key", fmt.Sprintf("tableau-%d", c.n)),
		location: "/c/", changed: c.enrolled(s.ID, false)}
}

func selfEnrollmentForm(t *testing.T, c *htmlCell) htmlRequest {
	w := wt.Workshop(t, c.e.svc, c.f.a, func(w *workshops.Workshop) { w.Title, w.Enrollment = fmt.Sprintf("Atelier ouvert %d", c.n), "ouvert" })
	s := wt.Session(t, c.e.svc, w, wt.Paris(t, 2026, time.December, 1, 14, 0), nil)
	return htmlRequest{path: selfEnrollPath(s.ID), form: with(selfForm(), "idempotency_key", fmt.Sprintf("tableau-%d", c.n)),
		location: "/c/", changed: c.enrolled(s.ID, false)}
}

// cancelThroughLinkForm: the link, not the role, lets anyone cancel the person's seat.
func cancelThroughLinkForm(t *testing.T, c *htmlCell) htmlRequest {
	s, _ := c.freshSession(t)
	res, err := c.e.en.Enroll(t.Context(), workshops.System, enrollment.Request{SessionID: s.ID, IdempotencyKey: fmt.Sprintf("tableau-%d", c.n),
		Person: enrollment.Person{FirstName: "Nadia", Contact: enrollment.ContactPaper, Level: "debutant", Consent: true}})
	if err != nil {
		t.Fatal(err)
	}
	page := localPath(t, res.CancelURL)
	return htmlRequest{path: page + "/cancel", location: page + "?flash=booking-cancelled", changed: c.enrolled(s.ID, true)}
}

// convocationHandedForm marks handed the convocation of a fresh person of structure A who
// chose paper, whose convocation is due.
func convocationHandedForm(t *testing.T, c *htmlCell) htmlRequest {
	s, _ := c.freshSession(t)
	r, err := c.e.en.Enroll(t.Context(), workshops.System, enrollment.Request{SessionID: s.ID, IdempotencyKey: fmt.Sprint("paper-", c.n),
		Person:      enrollment.Person{FirstName: "Gaston", Contact: enrollment.ContactPaper, Level: "debutant", Consent: true},
		ConsentText: "J'accepte."})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.e.db.RunInTx(t.Context(), nil, func(ctx context.Context, tx bun.Tx) error {
		return enrollment.ConvocationDue(ctx, tx, r.Booking.ID, c.e.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	path := "/manage/structures/" + c.f.a.Slug
	return htmlRequest{path: path + "/convocations/" + itoa(r.Booking.ID), location: path + "/messages?flash=convocation-handed",
		changed: func(t *testing.T) bool {
			b := &enrollment.Booking{ID: r.Booking.ID}
			if err := c.e.db.NewSelect().Model(b).WherePK().Scan(t.Context()); err != nil {
				t.Fatal(err)
			}
			return b.ConvocationHandedAt != nil
		}}
}

// joinRequest stores a pending join request of a structure of the default territory, and
// returns it with a way to tell whether it was decided.
func (c *htmlCell) joinRequest(t *testing.T) (*accounts.JoinRequest, func(t *testing.T) bool) {
	t.Helper()
	jr, err := c.e.acc.RequestJoin(t.Context(), accounts.JoinApplication{
		Structure: workshops.Structure{Name: fmt.Sprintf("Tiers-lieu n°%d", c.n), Kind: "tiers-lieu", Address: "1 place Stanislas",
			Postcode: "54000", Town: "Nancy"},
		Name: "Sam Petit", Email: fmt.Sprintf("sam%d@exemple.fr", c.n), Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	return jr, func(t *testing.T) bool {
		p, err := c.e.acc.PendingRequests(t.Context(), workshops.System)
		if err != nil {
			t.Fatal(err)
		}
		return !slices.ContainsFunc(p.JoinRequests, func(r accounts.JoinRequest) bool { return r.ID == jr.ID })
	}
}

func acceptJoinRequestForm(t *testing.T, c *htmlCell) htmlRequest {
	jr, decided := c.joinRequest(t)
	return htmlRequest{path: "/coordination/requests/" + itoa(jr.ID) + "/accept", location: "/coordination?flash=request-accepted",
		changed: decided}
}

func refuseJoinRequestForm(t *testing.T, c *htmlCell) htmlRequest {
	jr, decided := c.joinRequest(t)
	return htmlRequest{path: "/coordination/requests/" + itoa(jr.ID) + "/refuse", form: url.Values{"reason": {"Structure hors du territoire."}},
		location: "/coordination?flash=request-refused", changed: decided}
}

// pendingProfessional signs up an orienting professional of the default territory, and
// returns their account with a way to read their status.
func (c *htmlCell) pendingProfessional(t *testing.T) (*accounts.User, func(t *testing.T) string) {
	t.Helper()
	email := fmt.Sprintf("pro%d@mds.example.fr", c.n)
	if err := c.e.acc.SignUp(t.Context(), accounts.SignUp{Name: "Alex Martin", Email: email, Organisation: "MDS de Nancy", Password: password}); err != nil {
		t.Fatal(err)
	}
	u := c.reload(t, &accounts.User{Email: email})
	return u, func(t *testing.T) string {
		p, err := c.e.acc.Principal(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.Professional.Status
	}
}

func acceptProfessionalForm(t *testing.T, c *htmlCell) htmlRequest {
	u, status := c.pendingProfessional(t)
	return htmlRequest{path: "/coordination/professionals/" + itoa(u.ID) + "/accept", location: "/coordination?flash=professional-accepted",
		changed: func(t *testing.T) bool { return status(t) != accounts.ProfessionalPending }}
}

func refuseProfessionalForm(t *testing.T, c *htmlCell) htmlRequest {
	u, status := c.pendingProfessional(t)
	return htmlRequest{path: "/coordination/professionals/" + itoa(u.ID) + "/refuse", form: url.Values{"reason": {"Organisation inconnue."}},
		location: "/coordination?flash=professional-refused", changed: func(t *testing.T) bool { return status(t) != accounts.ProfessionalPending }}
}

// domainAllowed reports whether a domain is allowed in the default territory.
func (c *htmlCell) domainAllowed(domain string) func(t *testing.T) bool {
	return func(t *testing.T) bool {
		list, err := c.e.acc.AllowedDomains(t.Context(), workshops.System)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(list, func(d accounts.AllowedDomain) bool { return d.TerritoryID == c.f.home && d.Domain == domain })
	}
}

func addDomainForm(t *testing.T, c *htmlCell) htmlRequest {
	domain := fmt.Sprintf("ccas-%d.example.fr", c.n)
	return htmlRequest{path: "/coordination/domains", form: url.Values{"domain": {domain}, "territory": {itoa(c.f.home)}},
		location: "/coordination/domains?flash=domain-added", changed: c.domainAllowed(domain)}
}

func removeDomainForm(t *testing.T, c *htmlCell) htmlRequest {
	domain := fmt.Sprintf("ccas-%d.example.fr", c.n)
	if err := c.e.acc.AddDomain(t.Context(), workshops.System, c.f.home, domain); err != nil {
		t.Fatal(err)
	}
	allowed := c.domainAllowed(domain)
	return htmlRequest{path: "/coordination/domains/delete", form: url.Values{"domain": {domain}, "territory": {itoa(c.f.home)}},
		location: "/coordination/domains?flash=domain-removed", changed: func(t *testing.T) bool { return !allowed(t) }}
}

func disableUserForm(t *testing.T, c *htmlCell) htmlRequest {
	u := c.e.user(fmt.Sprintf("mediateur%d@exemple.fr", c.n), c.f.grant(roleMember))
	return htmlRequest{path: "/coordination/users/" + itoa(u.ID) + "/status", form: url.Values{"status": {accounts.UserDisabled}},
		location: "/coordination/users?flash=user-disabled",
		changed:  func(t *testing.T) bool { return c.reload(t, u).Status == accounts.UserDisabled }}
}

// vocabulary reads the levels and themes again.
func (c *htmlCell) vocabulary(t *testing.T) *workshops.Vocabulary {
	t.Helper()
	voc, err := c.e.svc.Vocabulary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return voc
}

func levelForm(t *testing.T, c *htmlCell) htmlRequest {
	label := fmt.Sprintf("Autonome (%d)", c.n)
	return htmlRequest{path: "/coordination/levels/autonome", form: url.Values{"label": {label}, "description": {"N'a plus besoin d'aide."}},
		location: "/coordination/vocabulary?flash=level-saved",
		changed:  func(t *testing.T) bool { return c.vocabulary(t).Level("autonome").Label == label }}
}

// hasTheme reports whether a theme has that label.
func (c *htmlCell) hasTheme(label string) func(t *testing.T) bool {
	return func(t *testing.T) bool {
		return slices.ContainsFunc(c.vocabulary(t).Themes, func(th workshops.Theme) bool { return th.Label == label })
	}
}

func newThemeForm(t *testing.T, c *htmlCell) htmlRequest {
	label := fmt.Sprintf("Thème du tableau %d", c.n)
	return htmlRequest{path: "/coordination/themes", form: url.Values{"label": {label}, "description": {"Jouer ensemble."}, "position": {"20"}},
		location: "/coordination/vocabulary?flash=theme-created", changed: c.hasTheme(label)}
}

func themeForm(t *testing.T, c *htmlCell) htmlRequest {
	th, err := c.e.svc.CreateTheme(t.Context(), workshops.System, workshops.ThemeInput{Label: fmt.Sprintf("Thème frais %d", c.n), Position: 30})
	if err != nil {
		t.Fatal(err)
	}
	label := fmt.Sprintf("Thème changé %d", c.n)
	return htmlRequest{path: "/coordination/themes/" + th.Slug, form: url.Values{"label": {label}, "position": {"30"}},
		location: "/coordination/vocabulary?flash=theme-saved", changed: c.hasTheme(label)}
}

// retryMessageForm: a failed email about structure A.
func retryMessageForm(t *testing.T, c *htmlCell) htmlRequest {
	m := &notify.Message{Kind: notify.KindEmail, IdempotencyKey: fmt.Sprintf("tableau-%d", c.n), Recipient: "personne@exemple.fr",
		Subject: "Votre inscription", StructureID: c.f.a.ID, Status: notify.StatusFailed, LastError: "550 boîte inconnue"}
	if _, err := notify.Enqueue(t.Context(), c.e.db, m, c.e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return htmlRequest{path: "/coordination/outbox/" + itoa(m.ID) + "/retry", location: "/coordination/outbox?status=failed&flash=message-retried",
		changed: func(t *testing.T) bool {
			failed, err := notify.List(t.Context(), c.e.db, notify.Filter{Scope: notify.Scope{All: true}, Status: notify.StatusFailed, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			return !slices.ContainsFunc(failed, func(f notify.Message) bool { return f.ID == m.ID })
		}}
}

// booking enrolls someone in a fresh session of structure A, on behalf of who (the
// system when zero), and returns the enrollment with its session.
func (c *htmlCell) booking(t *testing.T, who workshops.Actor) (*enrollment.Result, *workshops.Session) {
	t.Helper()
	if who.UserID == 0 {
		who = workshops.System
	}
	s, _ := c.freshSession(t)
	r, err := c.e.en.Enroll(t.Context(), who, enrollment.Request{SessionID: s.ID, IdempotencyKey: fmt.Sprintf("tableau-%d", c.n),
		Person:      enrollment.Person{FirstName: fmt.Sprintf("Personne %d", c.n), Contact: enrollment.ContactPaper, Level: "debutant", Consent: true},
		ConsentText: "J'accepte."})
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

// seatStatus reads the status of an enrollment again.
func (c *htmlCell) seatStatus(r *enrollment.Result) func(t *testing.T) string {
	return func(t *testing.T) string { return enrollmentOf(t, c.e.db, seat(r)).Status }
}

func cancelBookingForm(t *testing.T, c *htmlCell) htmlRequest {
	r, s := c.booking(t, workshops.Actor{})
	status := c.seatStatus(r)
	roster := "/manage/sessions/" + itoa(s.ID) + "/roster"
	return htmlRequest{path: "/manage/bookings/" + itoa(r.Booking.ID) + "/cancel", form: url.Values{"session": {itoa(s.ID)}, "confirm": {"1"}},
		location: roster + "?flash=seat-cancelled", changed: func(t *testing.T) bool { return status(t) == enrollment.Cancelled }}
}

// cancelOrientationForm: the table's professional oriented the person of their cell; the
// others' cells hold a self-enrollment.
func cancelOrientationForm(t *testing.T, c *htmlCell) htmlRequest {
	var who workshops.Actor
	if c.role == roleProfessional {
		who = c.e.actorOf(c.user)
	}
	r, _ := c.booking(t, who)
	status := c.seatStatus(r)
	return htmlRequest{path: "/orientations/" + itoa(r.Booking.ID) + "/cancel", form: url.Values{"confirm": {"1"}},
		location: "/orientations?flash=orientation-cancelled", changed: func(t *testing.T) bool { return status(t) == enrollment.Cancelled }}
}

// attendanceForm: a session of yesterday where someone held a seat.
func attendanceForm(t *testing.T, c *htmlCell) htmlRequest {
	r, s := c.booking(t, workshops.Actor{})
	start := wt.Paris(t, 2026, time.November, 23, 14, 0)
	end := start.Add(2 * time.Hour)
	if _, err := c.e.svc.UpdateSession(t.Context(), workshops.System, s.ID, workshops.SessionChange{StartsAt: &start, EndsAt: &end}); err != nil {
		t.Fatal(err)
	}
	path := "/manage/sessions/" + itoa(s.ID) + "/attendance"
	status := c.seatStatus(r)
	return htmlRequest{path: path, form: url.Values{"presence-" + itoa(seat(r)): {"present"}}, location: path + "?flash=attendance-saved",
		changed: func(t *testing.T) bool { return status(t) == enrollment.Attended }}
}

func erasePersonForm(t *testing.T, c *htmlCell) htmlRequest {
	r, _ := c.booking(t, workshops.Actor{})
	path := "/coordination/people/" + itoa(r.Booking.ID)
	return htmlRequest{path: path + "/erase", form: url.Values{"confirm": {"1"}}, location: path + "?flash=person-erased",
		changed: func(t *testing.T) bool {
			var b enrollment.Booking
			if err := c.e.db.NewSelect().Model(&b).Where("id = ?", r.Booking.ID).Scan(t.Context()); err != nil {
				t.Fatal(err)
			}
			return b.PurgedAt != nil
		}}
}
