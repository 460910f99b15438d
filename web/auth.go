package web

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

// Cookies. The __Host- prefix makes browsers refuse them unless Secure, without Domain and
// on path /, so a sibling subdomain cannot plant or read them. Browsers treat localhost as
// secure, so development over http://localhost works too.
const (
	sessionCookie = "__Host-escale"
	csrfCookie    = "__Host-escale_csrf"
	// csrfField is the hidden form field carrying the CSRF token.
	csrfField = "_csrf"
	// sessionLifetime bounds a signed-in session: a working day.
	sessionLifetime = 12 * time.Hour
)

// Session keys.
const (
	sessUserID = "uid"
	sessEpoch  = "epoch"
	// sessPendingUserID holds who gave a right password but still owes a second factor.
	sessPendingUserID = "pending_uid"
)

// Locals keys.
const (
	principalKey = "escale.principal"
	csrfKey      = "escale.csrf"
)

// newSessionStore keeps web sessions in the shared database storage.
func newSessionStore(storage fiber.Storage) *session.Store {
	return session.New(session.Config{
		Storage:        storage,
		KeyLookup:      "cookie:" + sessionCookie,
		CookiePath:     "/",
		CookieSecure:   true,
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		Expiration:     sessionLifetime,
	})
}

// newCSRF protects state-changing forms: a token in the session, repeated in a cookie and
// in the form. Over HTTPS it also checks that the Referer is this site (hence the
// same-origin Referrer-Policy in headers.go).
func (s *server) newCSRF() fiber.Handler {
	return csrf.New(csrf.Config{
		KeyLookup:      "form:" + csrfField,
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieSecure:   true,
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		Expiration:     sessionLifetime,
		Session:        s.sessions,
		SessionKey:     "csrf",
		ContextKey:     csrfKey,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return fiber.NewError(fiber.StatusForbidden,
				"Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.")
		},
	})
}

// formPages are the pages anonymous visitors fill in: they need a CSRF token. The person's
// page (/c/…) has the cancellation form; a session's self-enrollment form is a page of its
// own (formPageEnds), so that the session page, the most visited, writes no session.
var (
	formPages    = []string{"/login", "/password/", "/setup/", "/invitations/", "/join", "/signup", bookingPrefix}
	formPageEnds = []string{"/self-enroll"}
)

// protectForms runs the CSRF middleware on every state-changing request, and on the pages
// that show forms: every page of a signed-in person (the menu has a sign-out button) and
// the forms of visitors. Anonymous visits of the public calendar, the API and the feeds
// skip it, so they never write a session.
func (s *server) protectForms(csrfHandler fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path := c.Path()
		if isAPIPath(path) || isFeedPath(path) || strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz" {
			return c.Next()
		}
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead:
			if principal(c) != nil {
				return csrfHandler(c)
			}
			for _, p := range formPages {
				if path == p || strings.HasPrefix(path, p) {
					return csrfHandler(c)
				}
			}
			for _, p := range formPageEnds {
				if strings.HasSuffix(path, p) {
					return csrfHandler(c)
				}
			}
			return c.Next()
		}
		return csrfHandler(c)
	}
}

// identify recognises the signed-in person from the session cookie, if any. A session
// started before the person signed out everywhere, changed their password or was disabled
// is ended here, at once.
func (s *server) identify(c *fiber.Ctx) error {
	if s.acc == nil || c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	uid, _ := sess.Get(sessUserID).(int64)
	if uid == 0 {
		return c.Next()
	}
	p, err := s.acc.Principal(c.UserContext(), uid)
	epoch, _ := sess.Get(sessEpoch).(int)
	switch {
	case err == nil && p.User.SessionEpoch == epoch:
		c.Locals(principalKey, p)
	case err == nil, errors.Is(err, accounts.ErrDisabled), errors.Is(err, workshops.ErrNotFound):
		if err := sess.Destroy(); err != nil {
			return err
		}
	default:
		return err
	}
	return c.Next()
}

// principal returns the signed-in person, or nil.
func principal(c *fiber.Ctx) *accounts.Principal {
	p, _ := c.Locals(principalKey).(*accounts.Principal)
	return p
}

// actor returns who acts: the signed-in person, or an anonymous visitor.
func actor(c *fiber.Ctx) workshops.Actor {
	if p := principal(c); p != nil {
		return p.Actor()
	}
	return workshops.Actor{}
}

// requireSignedIn sends visitors to the sign-in page, coming back here afterwards.
func (s *server) requireSignedIn(c *fiber.Ctx) error {
	if principal(c) == nil {
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return c.Next()
}

// requireCoordinator lets only coordinators through.
func (s *server) requireCoordinator(c *fiber.Ctx) error {
	p := principal(c)
	if p == nil {
		return s.requireSignedIn(c)
	}
	if !p.Coordinator() {
		return workshops.ErrForbidden
	}
	return c.Next()
}

// signIn starts a fresh session for a person: a new session ID (no fixation), the
// person's epoch, and nothing else kept from before.
func (s *server) signIn(c *fiber.Ctx, u *accounts.User) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Delete(sessPendingUserID)
	sess.Set(sessUserID, u.ID)
	sess.Set(sessEpoch, u.SessionEpoch)
	if err := sess.Save(); err != nil {
		return err
	}
	return s.acc.SignedIn(c.UserContext(), u.ID)
}

// safeNext returns where to go after signing in: a local path, never another site.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	return next
}

// apiAuth recognises the person of a personal API token (Authorization: Bearer …) for
// the API's writes, and answers 401 otherwise.
func (s *server) apiAuth(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || s.acc == nil {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="escale"`)
		return fiber.NewError(fiber.StatusUnauthorized, "Un jeton d'accès personnel est nécessaire (en-tête Authorization: Bearer …).")
	}
	p, err := s.acc.PrincipalByToken(c.UserContext(), accounts.TokenAPI, strings.TrimSpace(token))
	switch {
	case err == nil:
		c.Locals(principalKey, p)
		return c.Next()
	case errors.Is(err, workshops.ErrNotFound), errors.Is(err, accounts.ErrDisabled):
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="escale", error="invalid_token"`)
		return fiber.NewError(fiber.StatusUnauthorized, "Ce jeton d'accès est inconnu, révoqué, ou son compte est désactivé.")
	}
	return err
}
