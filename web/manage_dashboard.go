package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"feed-created": "Votre agenda privé est prêt. Copiez son adresse maintenant : elle ne sera plus affichée en entier.",
		"feed-revoked": "L'adresse de votre agenda privé est désactivée : les agendas abonnés ne reçoivent plus rien.",
	})
}

// sessFeedSecret keeps a new feed token's secret in the web session between the POST that
// creates it and the page that shows it, once: a secret never travels in a URL.
const sessFeedSecret = "feed_secret"

// dashboardView is a person's space (/manage).
type dashboardView struct {
	Layout
	Boards        []boardView
	Coordinator   bool
	Search        field
	Territory     []territoryLine
	TerritoryMore bool
	Searched      bool
	Feed          privateFeedView
}

// boardView is one structure on the dashboard.
type boardView struct {
	ID             string
	Name           string
	Pending        bool
	Member         bool
	ProfileURL     string
	JournalURL     string
	MessagesURL    string
	NewWorkshopURL string
	PublicURL      string
	Workshops      []workshopLine
	Drafts         []workshopLine
	Upcoming       []manageSessionLine
	MoreUpcoming   bool
	ToClose        []manageSessionLine
}

// workshopLine is a workshop in a list of the dashboard.
type workshopLine struct {
	Title       string
	URL         string
	SessionsURL string
	Draft       bool
}

// territoryLine is a structure of a coordinator's territory.
type territoryLine struct {
	Name       string
	Town       string
	Status     string
	BoardURL   string
	ProfileURL string
}

// privateFeedView is the private feed block of the dashboard.
type privateFeedView struct {
	// Active says the person has a working feed address.
	Active   bool
	TokenID  int64
	Created  string
	LastUsed string
	// New holds the full address just after it was made: shown once.
	New *subscribeView
}

// structureStatuses name a structure's status in the coordinators' list.
var structureStatuses = map[string]string{
	workshops.StructureActive:  "validée",
	workshops.StructurePending: "en attente de validation",
	workshops.StructureRefused: "refusée",
}

// dashboardPage is /manage: the person's structures with their sessions and drafts, the
// territory's structures for coordinators, and the private feed.
func (s *server) dashboardPage(c *fiber.Ctx) error {
	p := principal(c)
	q := workshops.DashboardQuery{Structure: c.Query("structure"), Search: c.Query("q")}
	sp, err := s.acc.Space(c.UserContext(), p, q)
	if err != nil {
		return err
	}
	v := dashboardView{Layout: s.layout(c, "Mon espace", "manage"), Coordinator: sp.Dashboard.Coordinator}
	for i := range sp.Dashboard.Boards {
		v.Boards = append(v.Boards, newBoardView(v.Now, &sp.Dashboard.Boards[i]))
	}
	if v.Coordinator {
		v.Search = field{ID: "d-q", Name: "q", Label: "Rechercher une structure du territoire", Type: "search",
			Value: q.Search, Hint: "Son nom, sa commune ou son code postal."}
		v.Searched = q.Search != ""
		for _, st := range sp.Dashboard.Territory {
			v.Territory = append(v.Territory, territoryLine{Name: st.Name, Town: st.Town, Status: structureStatuses[st.Status],
				BoardURL: "/manage?structure=" + url.QueryEscape(st.Slug) + "#" + boardID(st.Slug), ProfileURL: manageStructureURL(st.Slug)})
		}
		v.TerritoryMore = sp.Dashboard.TerritoryMore
	}
	v.Feed, err = s.newPrivateFeedView(c, sp.FeedToken)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_dashboard", v)
}

func boardID(slug string) string { return "structure-" + slug }

func newBoardView(now time.Time, b *workshops.StructureBoard) boardView {
	st := b.Structure
	v := boardView{
		ID: boardID(st.Slug), Name: st.Name, Pending: st.Status != workshops.StructureActive, Member: b.Member,
		ProfileURL: manageStructureURL(st.Slug), JournalURL: manageStructureURL(st.Slug) + "/journal", MessagesURL: messagesURL(st.Slug),
		NewWorkshopURL: manageStructureURL(st.Slug) + "/workshops/new", MoreUpcoming: b.MoreUpcoming,
	}
	if !v.Pending {
		v.PublicURL = structureURL(st.Slug)
	}
	for _, w := range b.Workshops {
		l := workshopLine{Title: w.Title, URL: manageWorkshopURL(w.Slug), SessionsURL: manageWorkshopURL(w.Slug) + "/sessions/new",
			Draft: w.Status == workshops.WorkshopDraft}
		v.Workshops = append(v.Workshops, l)
		if l.Draft {
			v.Drafts = append(v.Drafts, l)
		}
	}
	for i := range b.Upcoming {
		v.Upcoming = append(v.Upcoming, newManageSessionLine(now, &b.Upcoming[i]))
	}
	for i := range b.ToClose {
		// Closing a session is taking its attendance.
		l := newManageSessionLine(now, &b.ToClose[i])
		l.URL = attendanceURL(b.ToClose[i].ID)
		v.ToClose = append(v.ToClose, l)
	}
	return v
}

// newPrivateFeedView describes the person's private feed, with its full address when it
// was just made (taken out of the web session, so that it shows once).
func (s *server) newPrivateFeedView(c *fiber.Ctx, tok *accounts.Token) (privateFeedView, error) {
	var v privateFeedView
	if tok == nil {
		return v, nil
	}
	v.Active, v.TokenID = true, tok.ID
	v.Created = frDate(tok.CreatedAt)
	if tok.LastUsedAt != nil {
		v.LastUsed = frDate(*tok.LastUsedAt) + " à " + frTime(*tok.LastUsedAt)
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return v, err
	}
	if secret, _ := sess.Get(sessFeedSecret).(string); secret != "" {
		sess.Delete(sessFeedSecret)
		if err := sess.Save(); err != nil {
			return v, err
		}
		sub := newSubscribeView(s.subscribeLinks(privateFeedPath(secret), workshops.Filter{}))
		v.New = &sub
	}
	return v, nil
}

// privateFeedPath is the path of the private feed of a token's secret.
func privateFeedPath(secret string) string { return privateFeedPrefix + secret + ".ics" }

// createFeedToken makes a new private feed address (the previous one stops working) and
// shows it once.
func (s *server) createFeedToken(c *fiber.Ctx) error {
	p := principal(c)
	secret, _, err := s.acc.CreateToken(c.UserContext(), p.User.ID, accounts.TokenFeed, "Agenda privé")
	if err != nil {
		return err
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessFeedSecret, secret)
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect(flashURL("/manage", "feed-created")+"#agenda-prive", fiber.StatusSeeOther)
}

// revokeFeedToken stops the private feed address.
func (s *server) revokeFeedToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.FormValue("token_id"), 10, 64)
	if err != nil || id <= 0 {
		return workshops.ErrNotFound
	}
	if err := s.acc.RevokeToken(c.UserContext(), principal(c).User.ID, id); err != nil {
		return err
	}
	return c.Redirect(flashURL("/manage", "feed-revoked")+"#agenda-prive", fiber.StatusSeeOther)
}
