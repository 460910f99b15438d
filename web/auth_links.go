package web

// Sign-in by a link sent by email, password reset, and the first coordinator's account
// (the second factor asked after the first step is in totp_pages.go).

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"password-reset":        "Votre nouveau mot de passe est enregistré. Vos autres connexions sont fermées.",
		"setup-done":            "Votre compte de coordination est créé. Protégez-le maintenant avec la double authentification.",
		"second-factor-expired": "Le délai pour taper le code de vérification est dépassé : connectez-vous à nouveau.",
	})
}

// linkView is the page a sign-in link opens: a button, because email scanners that open
// links must not use them up.
type linkView struct {
	Layout
	Token string
	Next  string
}

// linkInvalidView says a link no longer works, and offers to ask another.
type linkInvalidView struct {
	Layout
	// Kind is "sign-in", "reset", "setup" or "disabled".
	Kind  string
	Email field
}

// renderLinkInvalid answers a link that is used, expired or unknown (410), or that opens
// a disabled account (403).
func (s *server) renderLinkInvalid(c *fiber.Ctx, kind string, err error) error {
	status := http.StatusGone
	if errors.Is(err, accounts.ErrDisabled) {
		kind, status = "disabled", http.StatusForbidden
	}
	v := linkInvalidView{Layout: s.layout(c, "Ce lien ne marche plus", "login"), Kind: kind,
		Email: emailField("f-email", "")}
	noStore(c)
	return s.render(c, status, "link_invalid", v)
}

// noStore keeps pages that carry a secret (a link's token, a new API token, recovery
// codes) out of caches.
func noStore(c *fiber.Ctx) { c.Set(fiber.HeaderCacheControl, "no-store") }

func emailField(id, value string) field {
	return field{ID: id, Name: "email", Label: "Adresse électronique", Type: "email", Value: value, Autocomplete: "email"}
}

// requestSignInLink emails a sign-in link when an active account has the address, and
// answers the same either way: nobody learns who has an account.
func (s *server) requestSignInLink(c *fiber.Ctx) error {
	email, next := strings.TrimSpace(c.FormValue("email")), safeNext(c.FormValue("next"), "")
	err := s.acc.RequestSignInLink(c.UserContext(), email, next)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v := loginView{Layout: s.layout(c, "Erreur : se connecter", "login"), Email: email, Next: next,
			Error: ve.Fields["email"]}
		return s.render(c, http.StatusUnprocessableEntity, "login", v)
	case err != nil:
		return err
	}
	return c.Redirect("/login?sent=1", fiber.StatusSeeOther)
}

// signInLinkPage shows the button that uses a sign-in link.
func (s *server) signInLinkPage(c *fiber.Ctx) error {
	token := c.Params("token")
	if _, err := s.acc.PeekLink(c.UserContext(), accounts.PurposeSignIn, token); err != nil {
		if errors.Is(err, accounts.ErrLinkInvalid) {
			return s.renderLinkInvalid(c, "sign-in", err)
		}
		return err
	}
	noStore(c)
	v := linkView{Layout: s.layout(c, "Se connecter avec le lien reçu", "login"), Token: token,
		Next: safeNext(c.Query("next"), "")}
	return s.render(c, http.StatusOK, "login_link", v)
}

// signInWithLink uses a sign-in link: once, within LinkTTL.
func (s *server) signInWithLink(c *fiber.Ctx) error {
	u, err := s.acc.SignInWithLink(c.UserContext(), c.Params("token"))
	switch {
	case errors.Is(err, accounts.ErrLinkInvalid), errors.Is(err, accounts.ErrDisabled):
		return s.renderLinkInvalid(c, "sign-in", err)
	case err != nil:
		return err
	}
	return s.completeFirstStep(c, u, safeNext(c.FormValue("next"), "/manage"))
}

// forgotView is the form that asks for a password reset link.
type forgotView struct {
	Layout
	Errors []fieldError
	Email  field
	Sent   bool
	// Limited says the rate limit tripped (see ratelimit.go).
	Limited string
}

// forgotPasswordPage asks for the address to send a reset link to.
func (s *server) forgotPasswordPage(c *fiber.Ctx) error {
	v := forgotView{Layout: s.layout(c, "Mot de passe oublié", "login"), Email: emailField("f-email", ""),
		Sent: c.Query("sent") == "1"}
	return s.render(c, http.StatusOK, "password_forgot", v)
}

// requestPasswordReset emails a reset link when an active account has the address, and
// answers the same either way.
func (s *server) requestPasswordReset(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	err := s.acc.RequestPasswordReset(c.UserContext(), email)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v := forgotView{Layout: s.layout(c, "Erreur : mot de passe oublié", "login"), Email: emailField("f-email", email)}
		v.Errors = formErrors(ve, &v.Email)
		return s.render(c, http.StatusUnprocessableEntity, "password_forgot", v)
	case err != nil:
		return err
	}
	return c.Redirect("/password/forgot?sent=1", fiber.StatusSeeOther)
}

// newPasswordView is a form that sets a new password: a reset, or the first run.
type newPasswordView struct {
	Layout
	Errors []fieldError
	// Action is where the form posts.
	Action          string
	Email, Name     field
	Password        field
	PasswordConfirm field
}

func passwordFields(password, confirm string) (field, field) {
	return field{ID: "f-password", Name: "password", Label: "Nouveau mot de passe", Type: "password", Value: password,
			Hint: "Au moins 12 caractères. Une phrase facile à retenir convient, par exemple « le café du mardi à Laxou ».", Autocomplete: "new-password"},
		field{ID: "f-password-confirm", Name: "password_confirm", Label: "Le même mot de passe, encore une fois", Type: "password",
			Value: confirm, Autocomplete: "new-password"}
}

// resetPasswordPage shows the new password form of a reset link.
func (s *server) resetPasswordPage(c *fiber.Ctx) error {
	token := c.Params("token")
	if _, err := s.acc.PeekLink(c.UserContext(), accounts.PurposeReset, token); err != nil {
		if errors.Is(err, accounts.ErrLinkInvalid) {
			return s.renderLinkInvalid(c, "reset", err)
		}
		return err
	}
	v := newPasswordView{Layout: s.layout(c, "Choisir un nouveau mot de passe", "login"), Action: "/password/reset/" + token}
	v.Password, v.PasswordConfirm = passwordFields("", "")
	noStore(c)
	return s.render(c, http.StatusOK, "password_reset", v)
}

// resetPassword sets the new password, ends every other session and signs the person in.
func (s *server) resetPassword(c *fiber.Ctx) error {
	token := c.Params("token")
	password, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	u, err := s.acc.ResetPassword(c.UserContext(), token, password, confirm)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v := newPasswordView{Layout: s.layout(c, "Erreur : choisir un nouveau mot de passe", "login"), Action: "/password/reset/" + token}
		v.Password, v.PasswordConfirm = passwordFields(password, confirm)
		v.Errors = formErrors(ve, &v.Password, &v.PasswordConfirm)
		noStore(c)
		return s.render(c, http.StatusUnprocessableEntity, "password_reset", v)
	case errors.Is(err, accounts.ErrLinkInvalid), errors.Is(err, accounts.ErrDisabled):
		return s.renderLinkInvalid(c, "reset", err)
	case err != nil:
		return err
	}
	return s.completeFirstStep(c, u, flashURL("/account", "password-reset"))
}

// setupPage is the first run's form: the first coordinator's account.
func (s *server) setupPage(c *fiber.Ctx) error {
	token := c.Params("token")
	if err := s.acc.CheckBootstrapLink(c.UserContext(), token); err != nil {
		if errors.Is(err, accounts.ErrLinkInvalid) {
			return s.renderLinkInvalid(c, "setup", err)
		}
		return err
	}
	v := setupForm(s.layout(c, "Premier démarrage", "login"), token, accounts.FirstCoordinator{})
	noStore(c)
	return s.render(c, http.StatusOK, "setup", v)
}

func setupForm(l Layout, token string, fc accounts.FirstCoordinator) newPasswordView {
	v := newPasswordView{Layout: l, Action: "/setup/" + token,
		Email: emailField("f-email", fc.Email),
		Name: field{ID: "f-name", Name: "name", Label: "Votre nom", Type: "text", Value: fc.Name, Autocomplete: "name",
			Hint: "Prénom et nom : ils apparaissent dans le journal des modifications."}}
	v.Password, v.PasswordConfirm = passwordFields(fc.Password, fc.PasswordConfirm)
	v.Password.Label = "Mot de passe"
	return v
}

// setup creates the first coordinator and signs them in.
func (s *server) setup(c *fiber.Ctx) error {
	token := c.Params("token")
	fc := accounts.FirstCoordinator{Email: strings.TrimSpace(c.FormValue("email")), Name: c.FormValue("name"),
		Password: c.FormValue("password"), PasswordConfirm: c.FormValue("password_confirm")}
	u, err := s.acc.Bootstrap(c.UserContext(), token, fc)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v := setupForm(s.layout(c, "Erreur : premier démarrage", "login"), token, fc)
		v.Errors = formErrors(ve, &v.Email, &v.Name, &v.Password, &v.PasswordConfirm)
		noStore(c)
		return s.render(c, http.StatusUnprocessableEntity, "setup", v)
	case errors.Is(err, accounts.ErrLinkInvalid):
		return s.renderLinkInvalid(c, "setup", err)
	case err != nil:
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(flashURL("/account/totp", "setup-done"), fiber.StatusSeeOther)
}

// formErrors puts each message of a validation error beside its field and returns the
// error summary, in the order of the fields; a message for no field of the form still
// appears in the summary, linking to the first field.
func formErrors(ve *workshops.ValidationError, fields ...*field) []fieldError {
	var out []fieldError
	seen := map[string]bool{}
	for _, f := range fields {
		if msg := ve.Fields[f.Name]; msg != "" {
			f.Error = msg
			seen[f.Name] = true
			out = append(out, fieldError{Href: "#" + f.ID, Message: msg})
		}
	}
	for _, msg := range sortedMessages(&workshops.ValidationError{Fields: withoutKeys(ve.Fields, seen)}) {
		href := "#contenu"
		if len(fields) > 0 {
			href = "#" + fields[0].ID
		}
		out = append(out, fieldError{Href: href, Message: msg})
	}
	return out
}

func withoutKeys(m map[string]string, drop map[string]bool) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !drop[k] {
			out[k] = v
		}
	}
	return out
}
