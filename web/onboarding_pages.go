package web

// Asking to join: a structure (/join) or an orienting professional (/signup); invitations
// and the members of a structure.

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"invitation-accepted":    "Bienvenue ! Vous faites maintenant partie de l'équipe de la structure.",
		"professional-activated": "Votre adresse est confirmée : votre compte de professionnel est ouvert.",
		"member-invited":         "L'invitation est envoyée. Le lien marche pendant 7 jours.",
	})
}

// joinOrder is the order of the join form's fields, for its error summary.
var joinOrder = []string{"name", "kind", "address", "postcode", "town", "phone", "email", "website", "labels",
	"member_name", "member_email", "consent"}

// joinView is the page where a structure asks to join, or its confirmation.
type joinView struct {
	Layout
	Form *formState
	Sent bool
}

// joinPage is /join: the form, or the confirmation after it was sent (?sent=1).
func (s *server) joinPage(c *fiber.Ctx) error {
	if c.Query("sent") == "1" {
		return s.render(c, http.StatusOK, "join", joinView{Layout: s.layout(c, "Demande envoyée", ""), Sent: true})
	}
	v := joinView{Layout: s.layout(c, "Inscrire une structure", ""), Form: newForm("join", url.Values{"kind": {"mediatheque"}}, nil)}
	return s.render(c, http.StatusOK, "join", v)
}

// requestJoin stores a structure's join request.
func (s *server) requestJoin(c *fiber.Ctx) error {
	vals := formValues(c)
	if vals.Get(honeypotField) != "" {
		return c.Redirect("/join?sent=1", fiber.StatusSeeOther)
	}
	_, err := s.acc.RequestJoin(c.UserContext(), accounts.JoinApplication{
		Structure: workshops.Structure{
			Name: vals.Get("name"), Kind: vals.Get("kind"), Address: vals.Get("address"), Postcode: vals.Get("postcode"),
			Town: vals.Get("town"), Phone: vals.Get("phone"), Email: vals.Get("email"), Website: vals.Get("website"),
			Labels: workshops.List(vals["labels"]),
		},
		Name: vals.Get("member_name"), Email: vals.Get("member_email"), Consent: vals.Get("consent") == "oui",
	})
	if ve := validationOf(err); ve != nil {
		v := joinView{Layout: s.layout(c, "Erreur : inscrire une structure", ""), Form: newForm("join", vals, ve, joinOrder...)}
		return s.render(c, http.StatusUnprocessableEntity, "join", v)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/join?sent=1", fiber.StatusSeeOther)
}

// signupOrder is the order of the sign-up form's fields.
var signupOrder = []string{"name", "email", "organisation", "password"}

// signupView is the page where an orienting professional creates an account.
type signupView struct {
	Layout
	Form *formState
	Sent bool
}

// signupPage is /signup: the form, or the confirmation (?sent=1).
func (s *server) signupPage(c *fiber.Ctx) error {
	if c.Query("sent") == "1" {
		return s.render(c, http.StatusOK, "signup", signupView{Layout: s.layout(c, "Demande de compte envoyée", ""), Sent: true})
	}
	return s.render(c, http.StatusOK, "signup", signupView{Layout: s.layout(c, "Créer un compte de professionnel", ""), Form: newForm("signup", nil, nil)})
}

// signup creates a professional's account. Whatever happened (a new account, pending or
// to confirm, or an address that already has one), the same confirmation follows: the
// email sent says the rest, so the page tells nobody who has an account.
func (s *server) signup(c *fiber.Ctx) error {
	vals := formValues(c)
	if vals.Get(honeypotField) != "" {
		return c.Redirect("/signup?sent=1", fiber.StatusSeeOther)
	}
	err := s.acc.SignUp(c.UserContext(), accounts.SignUp{Name: vals.Get("name"), Email: vals.Get("email"),
		Organisation: vals.Get("organisation"), Password: vals.Get("password")})
	if ve := validationOf(err); ve != nil {
		v := signupView{Layout: s.layout(c, "Erreur : créer un compte de professionnel", ""), Form: newForm("signup", vals, ve, signupOrder...)}
		return s.render(c, http.StatusUnprocessableEntity, "signup", v)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/signup?sent=1", fiber.StatusSeeOther)
}

// invitationView is the page an invitation link opens.
type invitationView struct {
	Layout
	Invitation *accounts.Invitation
	Token      string
	Form       *formState
}

// invitationPage is /invitations/{token}: who invites to which structure, and the form to
// accept (a name and a password when the account has none yet).
func (s *server) invitationPage(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := s.acc.Invitation(c.UserContext(), token)
	if err != nil {
		return s.invitationError(c, err)
	}
	return s.renderInvitation(c, http.StatusOK, inv, token, newForm("invitation", url.Values{"name": {inv.User.Name}}, nil))
}

// acceptInvitation uses the link, sets the password if one is given, and signs in.
func (s *server) acceptInvitation(c *fiber.Ctx) error {
	token := c.Params("token")
	vals := formValues(c)
	u, structureID, err := s.acc.AcceptInvitation(c.UserContext(), token, accounts.Acceptance{
		Name: vals.Get("name"), Password: vals.Get("password"), Confirm: vals.Get("confirm")})
	if ve := validationOf(err); ve != nil {
		inv, ierr := s.acc.Invitation(c.UserContext(), token)
		if ierr != nil {
			return s.invitationError(c, ierr)
		}
		return s.renderInvitation(c, http.StatusUnprocessableEntity, inv, token, newForm("invitation", vals, ve, "name", "password", "confirm"))
	}
	if err != nil {
		return s.invitationError(c, err)
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	if structureID == 0 {
		return c.Redirect(flashURL("/", "professional-activated"), fiber.StatusSeeOther)
	}
	return c.Redirect(flashURL("/manage", "invitation-accepted"), fiber.StatusSeeOther)
}

func (s *server) renderInvitation(c *fiber.Ctx, status int, inv *accounts.Invitation, token string, f *formState) error {
	title := "Confirmer votre adresse"
	if inv.Structure != nil {
		title = "Rejoindre " + inv.Structure.Name
	}
	if f.Invalid() {
		title = "Erreur : " + title
	}
	return s.render(c, status, "invitation", invitationView{Layout: s.layout(c, title, ""), Invitation: inv, Token: token, Form: f})
}

// invitationError answers a link that no longer works with a page saying what to do, and
// other errors as usual.
func (s *server) invitationError(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, accounts.ErrLinkInvalid):
		return s.render(c, http.StatusGone, "invitation", invitationView{Layout: s.layout(c, "Lien expiré ou déjà utilisé", "")})
	case errors.Is(err, accounts.ErrDisabled):
		return fiber.NewError(http.StatusForbidden, "Ce compte est désactivé. Contactez la coordination de votre territoire.")
	}
	return err
}

// membersView is the page of a structure's members.
type membersView struct {
	Layout
	Structure *workshops.Structure
	Members   []accounts.Member
	Form      *formState
}

// membersPage is /manage/structures/{slug}/members: the members and the invitation form.
func (s *server) membersPage(c *fiber.Ctx) error {
	return s.renderMembers(c, http.StatusOK, newForm("invite", nil, nil))
}

// inviteMember invites a colleague to the structure by email.
func (s *server) inviteMember(c *fiber.Ctx) error {
	slug := c.Params("slug")
	vals := formValues(c)
	_, err := s.acc.InviteMember(c.UserContext(), actor(c), slug, vals.Get("email"))
	if ve := validationOf(err); ve != nil {
		return s.renderMembers(c, http.StatusUnprocessableEntity, newForm("invite", vals, ve, "email"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL("/manage/structures/"+url.PathEscape(slug)+"/members", "member-invited"), fiber.StatusSeeOther)
}

func (s *server) renderMembers(c *fiber.Ctx, status int, f *formState) error {
	st, members, err := s.acc.Members(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	title := "Membres de " + st.Name
	if f.Invalid() {
		title = "Erreur : " + title
	}
	return s.render(c, status, "members", membersView{Layout: s.layout(c, title, "manage"), Structure: st, Members: members, Form: f})
}
