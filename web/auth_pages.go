package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
)

// loginView is the sign-in page: by password, or by a link sent by email.
type loginView struct {
	Layout
	Email string
	Next  string
	// Error is shown above the form (a wrong email or password, said without telling
	// which).
	Error string
	// Sent says a link was sent (if an account exists).
	Sent bool
}

// loginPage is /login.
func (s *server) loginPage(c *fiber.Ctx) error {
	if principal(c) != nil {
		return c.Redirect(safeNext(c.Query("next"), "/manage"), fiber.StatusSeeOther)
	}
	v := loginView{Layout: s.layout(c, "Se connecter", "login"), Next: safeNext(c.Query("next"), ""),
		Sent: c.Query("sent") == "1"}
	return s.render(c, http.StatusOK, "login", v)
}

// login checks an email and password, then asks for the second factor when the person
// has one, or signs them in.
func (s *server) login(c *fiber.Ctx) error {
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	next := safeNext(c.FormValue("next"), "/manage")
	u, err := s.acc.Authenticate(c.UserContext(), email, password)
	switch {
	case errors.Is(err, accounts.ErrBadCredentials), errors.Is(err, accounts.ErrDisabled):
		v := loginView{Layout: s.layout(c, "Erreur : se connecter", "login"), Email: email, Next: next,
			Error: "L'adresse électronique ou le mot de passe est incorrect."}
		if errors.Is(err, accounts.ErrDisabled) {
			v.Error = "Ce compte est désactivé. Contactez la coordination de votre territoire."
		}
		return s.render(c, http.StatusUnprocessableEntity, "login", v)
	case err != nil:
		return err
	}
	return s.completeFirstStep(c, u, next)
}

// logout ends the session.
func (s *server) logout(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
