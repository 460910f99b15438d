package web

// The second factor: the code asked after the password or the link, and the account
// page that turns it on (QR code, recovery codes) or off.

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

// More session keys (see auth.go).
const (
	// sessNext is where to go once the second factor is given.
	sessNext = "next"
	// sessPendingAt is when the first step (password or link) succeeded, in Unix seconds.
	sessPendingAt = "pending_at"
)

// secondFactorDelay bounds the time between the first step of a sign-in and the code.
const secondFactorDelay = 10 * time.Minute

func init() {
	registerFlash(map[string]string{
		"totp-on":  "La double authentification est activée.",
		"totp-off": "La double authentification est désactivée.",
	})
}

// completeFirstStep ends a successful first step of a sign-in (password, emailed link,
// new password): straight in, or on to the second factor for those who turned it on.
func (s *server) completeFirstStep(c *fiber.Ctx, u *accounts.User, next string) error {
	if !u.HasTOTP() {
		if err := s.signIn(c, u); err != nil {
			return err
		}
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	// A new session ID already: what an attacker planted before is not carried to the
	// signed-in session.
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Delete(sessUserID)
	sess.Set(sessPendingUserID, u.ID)
	sess.Set(sessPendingAt, s.acc.Now().Unix())
	sess.Set(sessNext, next)
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect("/login/totp", fiber.StatusSeeOther)
}

// totpView is the second step of a sign-in.
type totpView struct {
	Layout
	Errors []fieldError
	Code   field
}

func codeField(value, msg string) field {
	return field{ID: "f-code", Name: "code", Label: "Code de vérification", Type: "text", Value: value, Error: msg,
		Hint: "Les 6 chiffres affichés par votre application, ou un de vos codes de secours.", Autocomplete: "one-time-code"}
}

// renderTOTPStep shows the second step, with a message beside the code when there is one.
func (s *server) renderTOTPStep(c *fiber.Ctx, status int, code, msg string) error {
	title := "Code de vérification"
	v := totpView{Layout: s.layout(c, title, "login"), Code: codeField(code, msg)}
	if msg != "" {
		v.Title = "Erreur : " + title
		v.Errors = []fieldError{{Href: "#f-code", Message: msg}}
	}
	return s.render(c, status, "login_totp", v)
}

// pendingUser returns who gave their first step and still owes the code, or 0; an
// attempt older than secondFactorDelay is forgotten.
func (s *server) pendingUser(c *fiber.Ctx) (int64, bool, error) {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return 0, false, err
	}
	uid, _ := sess.Get(sessPendingUserID).(int64)
	if uid == 0 {
		return 0, false, nil
	}
	at, _ := sess.Get(sessPendingAt).(int64)
	if s.acc.Now().Sub(time.Unix(at, 0)) > secondFactorDelay {
		sess.Delete(sessPendingUserID)
		sess.Delete(sessPendingAt)
		sess.Delete(sessNext)
		return 0, true, sess.Save()
	}
	return uid, false, nil
}

// totpPage asks for the second factor after the password or the link.
func (s *server) totpPage(c *fiber.Ctx) error {
	uid, expired, err := s.pendingUser(c)
	switch {
	case err != nil:
		return err
	case expired:
		return c.Redirect(flashURL("/login", "second-factor-expired"), fiber.StatusSeeOther)
	case uid == 0:
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return s.renderTOTPStep(c, http.StatusOK, "", "")
}

// verifyTOTP checks the second factor and signs the person in.
func (s *server) verifyTOTP(c *fiber.Ctx) error {
	uid, expired, err := s.pendingUser(c)
	switch {
	case err != nil:
		return err
	case expired:
		return c.Redirect(flashURL("/login", "second-factor-expired"), fiber.StatusSeeOther)
	case uid == 0:
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	code := strings.TrimSpace(c.FormValue("code"))
	u, err := s.acc.VerifySecondFactor(c.UserContext(), uid, code)
	switch {
	case errors.Is(err, accounts.ErrSecondFactor):
		return s.renderTOTPStep(c, http.StatusUnprocessableEntity, code,
			"Ce code ne correspond pas, ou il a déjà servi. Tapez le code affiché maintenant par l'application.")
	case err != nil:
		return err
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	next, _ := sess.Get(sessNext).(string)
	sess.Delete(sessNext)
	sess.Delete(sessPendingAt)
	if err := sess.Save(); err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(safeNext(next, "/manage"), fiber.StatusSeeOther)
}

// totpSetupView is /account/totp: the QR code to scan and the first code to confirm, or
// the second factor's state and the way to turn it off.
type totpSetupView struct {
	Layout
	Enabled bool
	// QR is the otpauth URL as a PNG data URI; Secret the same secret, to type.
	QR     template.URL
	Secret string
	// RecoveryCodes are shown once, right after turning the second factor on.
	RecoveryCodes     []string
	RecoveryCodesLeft int
	Errors            []fieldError
	Code              field
	// The form that turns it off: the password or a code.
	Password, DisableCode field
	HasPassword           bool
	Limited               string
}

// newTOTPView builds /account/totp for the signed-in person.
func (s *server) newTOTPView(c *fiber.Ctx, title string) (totpSetupView, error) {
	p := principal(c)
	v := totpSetupView{Layout: s.layout(c, title, "account"), Enabled: p.User.HasTOTP(), HasPassword: p.User.HasPassword(),
		Code: field{ID: "f-code", Name: "code", Label: "Code affiché par l'application", Type: "text", Autocomplete: "one-time-code",
			Hint: "6 chiffres, par exemple 123456."},
		Password: field{ID: "f-password", Name: "password", Label: "Votre mot de passe", Type: "password", Autocomplete: "current-password"},
		DisableCode: field{ID: "f-disable-code", Name: "code", Label: "Ou un code de vérification", Type: "text", Autocomplete: "one-time-code",
			Hint: "Les 6 chiffres de l'application, ou un code de secours."}}
	// The page that turns the second factor on need not ask to turn it on.
	v.PromptTOTP = false
	if v.Enabled {
		ov, err := s.acc.AccountOverview(c.UserContext(), p.User.ID)
		if err != nil {
			return v, err
		}
		v.RecoveryCodesLeft = ov.RecoveryCodesLeft
		return v, nil
	}
	enr, err := s.acc.StartTOTP(c.UserContext(), p.User.ID)
	if err != nil {
		return v, err
	}
	if v.QR, err = qrDataURI(enr.URL); err != nil {
		return v, err
	}
	// Grouped by four, as authenticator apps show it, so it is easier to type.
	for i := 0; i < len(enr.Secret); i += 4 {
		v.Secret += enr.Secret[i:min(i+4, len(enr.Secret))] + " "
	}
	v.Secret = strings.TrimSpace(v.Secret)
	return v, nil
}

// totpSetupPage shows the QR code to scan, or the second factor's state.
func (s *server) totpSetupPage(c *fiber.Ctx) error {
	v, err := s.newTOTPView(c, "Double authentification")
	if err != nil {
		return err
	}
	codes, err := s.takeRevealed(c, revealCodes)
	if err != nil {
		return err
	}
	if codes != "" {
		v.RecoveryCodes = strings.Split(codes, "\n")
	}
	noStore(c)
	return s.render(c, http.StatusOK, "account_totp", v)
}

// enableTOTP turns the second factor on with a first code, then shows the recovery codes
// once.
func (s *server) enableTOTP(c *fiber.Ctx) error {
	code := strings.TrimSpace(c.FormValue("code"))
	codes, err := s.acc.EnableTOTP(c.UserContext(), principal(c).User.ID, code)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v, err := s.newTOTPView(c, "Erreur : double authentification")
		if err != nil {
			return err
		}
		v.Code.Value = code
		v.Errors = formErrors(ve, &v.Code)
		noStore(c)
		return s.render(c, http.StatusUnprocessableEntity, "account_totp", v)
	case errors.Is(err, accounts.ErrTOTPEnabled):
		return c.Redirect("/account/totp", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	if err := s.reveal(c, revealCodes, strings.Join(codes, "\n")); err != nil {
		return err
	}
	return c.Redirect(flashURL("/account/totp", "totp-on"), fiber.StatusSeeOther)
}

// disableTOTP turns the second factor off, given the password or a code.
func (s *server) disableTOTP(c *fiber.Ctx) error {
	password, code := c.FormValue("password"), strings.TrimSpace(c.FormValue("code"))
	err := s.acc.DisableTOTP(c.UserContext(), principal(c).User.ID, password, code)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v, err := s.newTOTPView(c, "Erreur : double authentification")
		if err != nil {
			return err
		}
		v.Password.Value, v.DisableCode.Value = password, code
		v.Errors = formErrors(ve, &v.Password, &v.DisableCode)
		return s.render(c, http.StatusUnprocessableEntity, "account_totp", v)
	case err != nil:
		return err
	}
	return c.Redirect(flashURL("/account", "totp-off"), fiber.StatusSeeOther)
}
