package web

// The signed-in person's account: password, sessions, API tokens (the second factor is in
// totp_pages.go).

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

// Secrets shown once travel from the POST that creates them to the page it redirects to
// in the session, never in a URL (which browsers keep in their history and proxies log).
const (
	revealToken = "reveal_token"
	revealCodes = "reveal_codes"
)

func init() {
	registerFlash(map[string]string{
		"password-changed": "Votre mot de passe est changé. Vos autres connexions sont fermées.",
		"signed-out-elsewhere": "Vos autres connexions sont fermées : ordinateurs, téléphones et navigateurs doivent se " +
			"connecter à nouveau. Celle-ci reste ouverte.",
		"token-created": "Le jeton est créé. Copiez-le maintenant : il ne sera plus affiché.",
		"token-revoked": "Le jeton est révoqué : il ne donne plus accès à l'API.",
	})
}

// reveal stores a secret to show once on the next page.
func (s *server) reveal(c *fiber.Ctx, key, secret string) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(key, secret)
	return sess.Save()
}

// takeRevealed returns the secret stored by reveal and forgets it.
func (s *server) takeRevealed(c *fiber.Ctx, key string) (string, error) {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return "", err
	}
	secret, _ := sess.Get(key).(string)
	if secret == "" {
		return "", nil
	}
	sess.Delete(key)
	return secret, sess.Save()
}

// accountView is /account.
type accountView struct {
	Layout
	Principal *accounts.Principal
	Overview  *accounts.Overview
	// NewToken is the secret of the token just created, shown once.
	NewToken string
	Errors   []fieldError
	// The password form; Current is absent for people without a password yet.
	Current, Password, PasswordConfirm field
	TokenName                          field
	// Limited is the message of a tripped rate limit (see ratelimit.go).
	Limited string
}

// newAccountView builds the account page, with the password and token forms empty.
func (s *server) newAccountView(c *fiber.Ctx, title string) (accountView, error) {
	p := principal(c)
	ov, err := s.acc.AccountOverview(c.UserContext(), p.User.ID)
	if err != nil {
		return accountView{}, err
	}
	v := accountView{Layout: s.layout(c, title, "account"), Principal: p, Overview: ov,
		Current: field{ID: "f-current-password", Name: "current_password", Label: "Mot de passe actuel", Type: "password",
			Autocomplete: "current-password"},
		TokenName: field{ID: "f-token-name", Name: "name", Label: "Nom du jeton", Type: "text",
			Hint: "Pour vous souvenir de son usage, par exemple « Export pour le site de la mairie »."}}
	v.Password, v.PasswordConfirm = passwordFields("", "")
	return v, nil
}

// accountPage is /account: who one is, the password, the sessions, the API tokens and
// the second factor.
func (s *server) accountPage(c *fiber.Ctx) error {
	v, err := s.newAccountView(c, "Mon compte")
	if err != nil {
		return err
	}
	if v.NewToken, err = s.takeRevealed(c, revealToken); err != nil {
		return err
	}
	noStore(c)
	return s.render(c, http.StatusOK, "account", v)
}

// changePassword changes the password, ends the other sessions and keeps this one.
func (s *server) changePassword(c *fiber.Ctx) error {
	current, password, confirm := c.FormValue("current_password"), c.FormValue("password"), c.FormValue("password_confirm")
	u, err := s.acc.ChangePassword(c.UserContext(), principal(c).User.ID, current, password, confirm)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v, err := s.newAccountView(c, "Erreur : mon compte")
		if err != nil {
			return err
		}
		v.Current.Value = current
		v.Password.Value, v.PasswordConfirm.Value = password, confirm
		v.Errors = formErrors(ve, &v.Current, &v.Password, &v.PasswordConfirm)
		noStore(c)
		return s.render(c, http.StatusUnprocessableEntity, "account", v)
	case err != nil:
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(flashURL("/account", "password-changed"), fiber.StatusSeeOther)
}

// signOutEverywhere ends every session of the person, then opens a fresh one here.
func (s *server) signOutEverywhere(c *fiber.Ctx) error {
	u, err := s.acc.SignOutElsewhere(c.UserContext(), principal(c).User.ID)
	if err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(flashURL("/account", "signed-out-elsewhere"), fiber.StatusSeeOther)
}

// createAPIToken creates a personal API token and shows its secret once.
func (s *server) createAPIToken(c *fiber.Ctx) error {
	name := c.FormValue("name")
	secret, _, err := s.acc.CreateToken(c.UserContext(), principal(c).User.ID, accounts.TokenAPI, name)
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		v, err := s.newAccountView(c, "Erreur : mon compte")
		if err != nil {
			return err
		}
		v.TokenName.Value = name
		v.Errors = formErrors(ve, &v.TokenName)
		return s.render(c, http.StatusUnprocessableEntity, "account", v)
	case err != nil:
		return err
	}
	if err := s.reveal(c, revealToken, secret); err != nil {
		return err
	}
	return c.Redirect(flashURL("/account", "token-created")+"#jetons", fiber.StatusSeeOther)
}

// revokeAPIToken revokes one of the person's API tokens.
func (s *server) revokeAPIToken(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return workshops.ErrNotFound
	}
	if err := s.acc.RevokeToken(c.UserContext(), principal(c).User.ID, int64(id)); err != nil {
		return err
	}
	return c.Redirect(flashURL("/account", "token-revoked")+"#jetons", fiber.StatusSeeOther)
}
