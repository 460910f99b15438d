package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// embedLimit is how many sessions the embeddable calendar shows unless asked otherwise.
const embedLimit = 10

// embedPolicy is the Content Security Policy of the embeddable calendar: the site's, but
// any site may frame it.
var embedPolicy = strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors *", 1)

// embedView is the data of the embeddable calendar (/embed): a compact list of the next
// sessions of a search, for a structure's or a town's website.
type embedView struct {
	Layout
	Heading string
	Items   []embedItem
	// More says there are more sessions than shown; MoreURL is the full calendar of the
	// same search.
	More    bool
	MoreURL string
}

// embedItem is one session of the embeddable calendar.
type embedItem struct {
	URL       string
	When      string
	ISO       string
	Title     string
	Where     string
	Levels    levelBadge
	Seats     string
	Cancelled bool
	Full      bool
}

// embedPage is /embed: the next sessions matching the calendar's filters, in a layout
// without the site's header, which other sites may frame (and only this page).
func (s *server) embedPage(c *fiber.Ctx) error {
	allowFraming(c)
	f, ferr := parseFilter(c)
	p, perr := parsePage(c)
	if ferr != nil {
		return invalidQuery(ferr)
	}
	if perr != nil {
		return invalidQuery(perr)
	}
	if p.Limit == 0 {
		p.Limit = embedLimit
	}
	p.After, p.Before = nil, nil
	cal, err := s.ws.Calendar(c.UserContext(), workshops.CalendarQuery{Filter: f, Page: p})
	if err != nil {
		return invalidQuery(err)
	}
	v := embedView{Heading: embedHeading(f, cal.Structures), More: cal.Sessions.Next != nil,
		MoreURL: s.abs(listURL(f))}
	v.Layout = s.layout(c, v.Heading, "")
	for i := range cal.Sessions.Sessions {
		sess := &cal.Sessions.Sessions[i]
		card := newSessionCard(cal.Vocabulary, v.Now, sess)
		v.Items = append(v.Items, embedItem{
			URL: s.abs(card.URL), When: frDay(sess.StartsAt) + ", " + frTime(sess.StartsAt), ISO: isoTime(sess.StartsAt),
			Title: card.Title, Where: strings.TrimSuffix(card.Structure+", "+card.Town, ", "), Levels: card.Levels,
			Seats: card.Seats, Cancelled: card.Cancelled, Full: card.Full,
		})
	}
	return s.render(c, http.StatusOK, "embed", v)
}

// allowFraming lets any site frame the response, replacing the site-wide refusal.
func allowFraming(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, embedPolicy)
	c.Response().Header.Del(fiber.HeaderXFrameOptions)
}

// embedHeading names what the embedded calendar shows: a structure, a town, or the
// territory's workshops.
func embedHeading(f workshops.Filter, structures []workshops.Structure) string {
	if len(f.Structures) == 1 {
		for _, st := range structures {
			if st.Slug == f.Structures[0] {
				return "Prochains ateliers numériques : " + st.Name
			}
		}
	}
	if f.City != "" {
		return "Prochains ateliers numériques à " + f.City
	}
	return "Prochains ateliers numériques"
}

// embedSnippet is the HTML a website pastes to show a structure's calendar.
func (s *server) embedSnippet(st *workshops.Structure) string {
	src := s.abs(withQuery("/embed", filterValues(workshops.Filter{Structures: []string{st.Slug}})))
	return fmt.Sprintf(`<iframe src="%s" title="Prochains ateliers numériques : %s" width="100%%" height="520" style="border: 1px solid #b0b0b0; max-width: 40rem;" loading="lazy"></iframe>`,
		template.HTMLEscapeString(src), template.HTMLEscapeString(st.Name))
}
