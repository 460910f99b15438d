package web

// Coordinators' pages: requests to validate, accounts, allowed domains, the journal; the
// vocabularies are in coordination_vocabulary.go. The /coordination group already lets
// only coordinators in; the domain methods check the territory of each decision.

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"request-accepted":      "La structure est validée : elle est visible et sa première personne a reçu une invitation.",
		"request-refused":       "La demande est refusée. La personne a reçu la raison par courriel.",
		"professional-accepted": "Le compte du professionnel est validé. Il a reçu un courriel.",
		"professional-refused":  "La demande de compte est refusée. La personne a reçu la raison par courriel.",
		"domain-added":          "Le domaine est ajouté.",
		"domain-removed":        "Le domaine est retiré.",
		"user-disabled":         "Le compte est désactivé : la personne ne peut plus se connecter.",
		"user-enabled":          "Le compte est réactivé.",
	})
}

// refusal is a refusal form that came back invalid, to show again beside its request.
type refusal struct {
	// Kind is "request" or "professional"; ID the request's or the person's.
	Kind string
	ID   int64
	Form *formState
}

// coordinationView is the page of what waits for a decision.
type coordinationView struct {
	Layout
	Section string
	Pending *accounts.Pending
	Refusal *refusal
}

// RefusalFor returns the form of a refusal: the invalid one shown again, or an empty one.
func (v coordinationView) RefusalFor(kind string, id int64) *formState {
	if v.Refusal != nil && v.Refusal.Kind == kind && v.Refusal.ID == id {
		return v.Refusal.Form
	}
	return newForm(kind+"-"+strconv.FormatInt(id, 10), nil, nil)
}

// coordinationPage is /coordination: the join requests and professional sign-ups of the
// coordinator's territories.
func (s *server) coordinationPage(c *fiber.Ctx) error {
	return s.renderCoordination(c, http.StatusOK, nil)
}

func (s *server) renderCoordination(c *fiber.Ctx, status int, r *refusal) error {
	p, err := s.acc.PendingRequests(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	title := "Demandes à valider"
	if r != nil {
		title = "Erreur : " + title
	}
	return s.render(c, status, "coordination", coordinationView{Layout: s.layout(c, title, "coordination"),
		Section: "requests", Pending: p, Refusal: r})
}

// acceptJoinRequest validates a structure.
func (s *server) acceptJoinRequest(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return workshops.ErrNotFound
	}
	if _, err := s.acc.AcceptJoinRequest(c.UserContext(), actor(c), int64(id)); err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination", "request-accepted"), fiber.StatusSeeOther)
}

// refuseJoinRequest refuses a structure, with a reason sent to the requester.
func (s *server) refuseJoinRequest(c *fiber.Ctx) error {
	return s.refuse(c, "request", func(id int64, reason string) error {
		_, err := s.acc.RefuseJoinRequest(c.UserContext(), actor(c), id, reason)
		return err
	}, "request-refused")
}

// acceptProfessional validates an orienting professional.
func (s *server) acceptProfessional(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return workshops.ErrNotFound
	}
	if err := s.acc.AcceptProfessional(c.UserContext(), actor(c), int64(id)); err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination", "professional-accepted"), fiber.StatusSeeOther)
}

// refuseProfessional refuses an orienting professional, with a reason sent to them.
func (s *server) refuseProfessional(c *fiber.Ctx) error {
	return s.refuse(c, "professional", func(id int64, reason string) error {
		return s.acc.RefuseProfessional(c.UserContext(), actor(c), id, reason)
	}, "professional-refused")
}

// refuse runs a refusal and shows its form again beside its request when the reason is
// missing or too long.
func (s *server) refuse(c *fiber.Ctx, kind string, decide func(id int64, reason string) error, flash string) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return workshops.ErrNotFound
	}
	vals := formValues(c)
	err = decide(int64(id), vals.Get("reason"))
	if ve := validationOf(err); ve != nil {
		r := &refusal{Kind: kind, ID: int64(id), Form: newForm(kind+"-"+strconv.Itoa(id), vals, ve, "reason")}
		return s.renderCoordination(c, http.StatusUnprocessableEntity, r)
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination", flash), fiber.StatusSeeOther)
}

// domainsView is the page of allowed email domains.
type domainsView struct {
	Layout
	Section     string
	Domains     []accounts.AllowedDomain
	Territories []workshops.Territory
	Form        *formState
}

// domainsPage is /coordination/domains.
func (s *server) domainsPage(c *fiber.Ctx) error {
	return s.renderDomains(c, http.StatusOK, newForm("domain", nil, nil))
}

// addDomain allows an email domain in one of the coordinator's territories.
func (s *server) addDomain(c *fiber.Ctx) error {
	vals := formValues(c)
	territory, _ := strconv.ParseInt(vals.Get("territory"), 10, 64)
	err := s.acc.AddDomain(c.UserContext(), actor(c), territory, vals.Get("domain"))
	if ve := validationOf(err); ve != nil {
		return s.renderDomains(c, http.StatusUnprocessableEntity, newForm("domain", vals, ve, "domain"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/domains", "domain-added"), fiber.StatusSeeOther)
}

// deleteDomain stops allowing an email domain.
func (s *server) deleteDomain(c *fiber.Ctx) error {
	vals := formValues(c)
	territory, _ := strconv.ParseInt(vals.Get("territory"), 10, 64)
	if err := s.acc.RemoveDomain(c.UserContext(), actor(c), territory, vals.Get("domain")); err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/domains", "domain-removed"), fiber.StatusSeeOther)
}

func (s *server) renderDomains(c *fiber.Ctx, status int, f *formState) error {
	domains, err := s.acc.AllowedDomains(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	title := "Domaines autorisés"
	if f.Invalid() {
		title = "Erreur : " + title
	}
	return s.render(c, status, "coordination_domains", domainsView{Layout: s.layout(c, title, "coordination"),
		Section: "domains", Domains: domains, Territories: principal(c).Territories, Form: f})
}

// usersView is the page of the territory's accounts.
type usersView struct {
	Layout
	Section  string
	Accounts []accounts.TerritoryAccount
	// Self is the coordinator's own account, which they cannot disable.
	Self int64
}

// usersPage is /coordination/users.
func (s *server) usersPage(c *fiber.Ctx) error {
	list, err := s.acc.TerritoryAccounts(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "coordination_users", usersView{Layout: s.layout(c, "Comptes du territoire", "coordination"),
		Section: "users", Accounts: list, Self: principal(c).User.ID})
}

// setUserStatus disables or enables an account.
func (s *server) setUserStatus(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return workshops.ErrNotFound
	}
	status := c.FormValue("status")
	if err := s.acc.SetStatus(c.UserContext(), actor(c), int64(id), status); err != nil {
		return err
	}
	flash := "user-enabled"
	if status == accounts.UserDisabled {
		flash = "user-disabled"
	}
	return c.Redirect(flashURL("/coordination/users", flash), fiber.StatusSeeOther)
}

// journalPageSize is how many entries of the journal a page shows.
const journalPageSize = 50

// journalView is a page of the territory's journal.
type journalView struct {
	Layout
	Section string
	Entries []journalLine
	// Next is the URL of older entries, empty on the last page.
	Next string
}

// journalPage is /coordination/journal: who did what in the coordinator's territories,
// newest first, 50 entries a page (?before=<id> for older ones).
func (s *server) journalPage(c *fiber.Ctx) error {
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	entries, next, err := s.acc.Journal(c.UserContext(), actor(c), before, journalPageSize)
	if err != nil {
		return err
	}
	v := journalView{Layout: s.layout(c, "Journal des actions", "coordination"), Section: "journal"}
	for i := range entries {
		v.Entries = append(v.Entries, newJournalLine(&entries[i]))
	}
	if next != 0 {
		v.Next = "/coordination/journal?" + url.Values{"before": {strconv.FormatInt(next, 10)}}.Encode()
	}
	return s.render(c, http.StatusOK, "coordination_journal", v)
}
