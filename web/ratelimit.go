package web

// Rate limits on what checks a secret (a password, a second-factor code) and on what
// sends an email anyone can ask for (sign-in and reset links). Each is counted twice: per
// IP, so one machine cannot try many accounts, and per address or account, so many
// machines cannot try one. Counters live in the shared database storage (namespace
// "ratelimit"), so that every server instance counts together. The IP is c.IP(), which
// believes X-Forwarded-For only from ESCALE_TRUSTED_PROXIES: nobody else can dodge the
// limit by making up addresses.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// rateLimits are the limiters of the routes that need one, wired in routes.go.
type rateLimits struct {
	// Password attempts: failures only count, so that a busy office behind one address
	// is not locked out by people who type their password right.
	passwordByIP, passwordByEmail fiber.Handler
	// Second-factor codes after the password or the link: failures only.
	totpByIP, totpByAccount fiber.Handler
	// Emails with a link (sign-in, reset), shared by both forms: every request counts, as
	// the answer is the same whether an email left or not.
	emailsByIP, emailsByAddress fiber.Handler
	// The signed-in person's own checks (current password, code to turn the second factor
	// off): failures only.
	accountChecks fiber.Handler
	// Self-enrollments, public and without an account: every request counts, so that a
	// script cannot fill a session's seats or waiting list.
	selfEnrollByIP fiber.Handler
}

// Limits: how many in how long.
const (
	passwordPerIP      = 20
	passwordPerAddress = 10
	passwordWindow     = 15 * time.Minute
	totpPerIP          = 20
	totpPerAccount     = 5
	totpWindow         = 15 * time.Minute
	emailsPerIP        = 20
	emailsPerIPWindow  = 15 * time.Minute
	emailsPerAddress   = 5
	emailsWindow       = time.Hour
	checksPerAccount   = 10
	checksWindow       = 15 * time.Minute
	// A family or a few neighbours enrolling from one connection, a mobile operator's
	// shared address: generous, but far below what a script would need.
	selfEnrollPerIP  = 20
	selfEnrollWindow = time.Hour
)

// newRateLimits builds the limiters over the accounts' shared storage.
func (s *server) newRateLimits() *rateLimits {
	storage := s.acc.NewStorage("ratelimit")
	limit := func(name string, max int, window time.Duration, failuresOnly bool, key func(*fiber.Ctx) string) fiber.Handler {
		return limiter.New(limiter.Config{
			Max:                    max,
			Expiration:             window,
			Storage:                storage,
			SkipSuccessfulRequests: failuresOnly,
			KeyGenerator:           func(c *fiber.Ctx) string { return name + ":" + key(c) },
			LimitReached:           s.tooManyAttempts,
		})
	}
	byIP := func(c *fiber.Ctx) string { return c.IP() }
	byEmail := func(c *fiber.Ctx) string { return hashedEmail(c.FormValue("email")) }
	byPending := func(c *fiber.Ctx) string {
		if sess, err := s.sessions.Get(c); err == nil {
			if uid, _ := sess.Get(sessPendingUserID).(int64); uid != 0 {
				return strconv.FormatInt(uid, 10)
			}
		}
		return "none"
	}
	bySignedIn := func(c *fiber.Ctx) string {
		if p := principal(c); p != nil {
			return strconv.FormatInt(p.User.ID, 10)
		}
		return "none"
	}
	return &rateLimits{
		passwordByIP:    limit("password-ip", passwordPerIP, passwordWindow, true, byIP),
		passwordByEmail: limit("password-email", passwordPerAddress, passwordWindow, true, byEmail),
		totpByIP:        limit("totp-ip", totpPerIP, totpWindow, true, byIP),
		totpByAccount:   limit("totp-user", totpPerAccount, totpWindow, true, byPending),
		emailsByIP:      limit("emails-ip", emailsPerIP, emailsPerIPWindow, false, byIP),
		emailsByAddress: limit("emails-email", emailsPerAddress, emailsWindow, false, byEmail),
		accountChecks:   limit("checks-user", checksPerAccount, checksWindow, true, bySignedIn),
		selfEnrollByIP:  limit("self-enroll-ip", selfEnrollPerIP, selfEnrollWindow, false, byIP),
	}
}

// hashedEmail keys a counter by address without keeping the address itself.
func hashedEmail(raw string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(raw))))
	return hex.EncodeToString(sum[:16])
}

// tooManyMessage says, in French, how long to wait.
func tooManyMessage(c *fiber.Ctx) string {
	return "Trop de tentatives : pour protéger les comptes, cette action est bloquée un moment. Réessayez dans " + waitText(c) + "."
}

// waitText says how long a tripped limit lasts: "1 minute", "12 minutes".
func waitText(c *fiber.Ctx) string {
	secs, _ := strconv.Atoi(c.GetRespHeader(fiber.HeaderRetryAfter))
	n := max(1, int(math.Ceil(float64(secs)/60)))
	if n == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// tooManyAttempts answers a tripped limit with 429 and the form it protects, as it was
// filled, with a French message saying how long to wait.
func (s *server) tooManyAttempts(c *fiber.Ctx) error {
	msg := tooManyMessage(c)
	const status = http.StatusTooManyRequests
	email := strings.TrimSpace(c.FormValue("email"))
	switch c.Route().Path {
	case "/login", "/login/link":
		v := loginView{Layout: s.layout(c, "Erreur : se connecter", "login"), Email: email,
			Next: safeNext(c.FormValue("next"), ""), Error: msg}
		if c.Route().Path == "/login" {
			v.Error += " Vous pouvez aussi recevoir un lien de connexion par courriel."
		}
		return s.render(c, status, "login", v)
	case "/login/totp":
		return s.renderTOTPStep(c, status, strings.TrimSpace(c.FormValue("code")), msg)
	case "/password/forgot":
		v := forgotView{Layout: s.layout(c, "Erreur : mot de passe oublié", "login"), Email: emailField("f-email", email), Limited: msg}
		return s.render(c, status, "password_forgot", v)
	case "/account/password":
		v, err := s.newAccountView(c, "Erreur : mon compte")
		if err != nil {
			return err
		}
		v.Limited = msg
		return s.render(c, status, "account", v)
	case "/account/totp/disable":
		v, err := s.newTOTPView(c, "Erreur : double authentification")
		if err != nil {
			return err
		}
		v.Limited = msg
		return s.render(c, status, "account_totp", v)
	case "/sessions/:id<int>/self-enroll":
		return s.selfEnrollLimited(c, "Trop d'inscriptions depuis cette connexion : pour protéger les places, "+
			"l'inscription en ligne est bloquée un moment. Réessayez dans "+waitText(c)+", ou appelez la structure.")
	}
	return fiber.NewError(status, msg)
}
