package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// structuresView is the data of the list of structures, by town.
type structuresView struct {
	Layout
	Towns []townGroup
	Count int
}

// townGroup is the structures of one town.
type townGroup struct {
	Town       string
	Anchor     string
	Structures []structureLine
}

// structureLine is a structure in the list.
type structureLine struct {
	Name    string
	URL     string
	Kind    string
	Address string
	Labels  []string
}

// structuresPage is /structures: every active structure, grouped by town.
func (s *server) structuresPage(c *fiber.Ctx) error {
	list, err := s.ws.Structures(c.UserContext(), workshops.StructureFilter{})
	if err != nil {
		return err
	}
	v := structuresView{Layout: s.layout(c, "Les lieux des ateliers", "structures"), Count: len(list)}
	v.Description = "Les médiathèques, centres sociaux, CCAS, France Services et associations qui proposent des ateliers numériques, commune par commune."
	var lastKey string
	for i := range list {
		st := &list[i]
		if len(v.Towns) == 0 || st.TownKey != lastKey {
			v.Towns = append(v.Towns, townGroup{Town: st.Town, Anchor: "commune-" + workshops.Slugify(st.Town)})
			lastKey = st.TownKey
		}
		g := &v.Towns[len(v.Towns)-1]
		g.Structures = append(g.Structures, structureLine{
			Name: st.Name, URL: structureURL(st.Slug), Kind: workshops.StructureKinds.Label(st.Kind),
			Address: workshops.Location{Address: st.Address, AddressExtra: st.AddressExtra, Postcode: st.Postcode, Town: st.Town}.OneLine(), Labels: labels(workshops.StructureLabels, st.Labels),
		})
	}
	return s.render(c, http.StatusOK, "structures", v)
}

// structureView is the data of a structure page.
type structureView struct {
	Layout
	Structure  *workshops.Structure
	Kind       string
	Paragraphs []string
	Place      place
	Labels     []string
	Contact    contact
	Days       []dayGroup
	Pager      pager
	Subscribe  subscribeView
	// CalendarURL is the calendar filtered on the structure, to combine with other filters.
	CalendarURL string
	// EmbedURL is the structure's embeddable calendar, EmbedSnippet the HTML to paste in a
	// website to show it.
	EmbedURL     string
	EmbedSnippet string
}

// structurePage is /structures/{slug}: the structure, how to reach it, and its upcoming
// sessions, one page at a time.
func (s *server) structurePage(c *fiber.Ctx) error {
	p, perr := parsePage(c)
	d, err := s.ws.StructureDetail(c.UserContext(), c.Params("slug"), p)
	switch {
	case errors.Is(err, workshops.ErrNotFound):
		return err
	case perr != nil:
		return invalidQuery(perr)
	case err != nil:
		return invalidQuery(err)
	}
	st, voc, page := d.Structure, d.Vocabulary, d.Sessions
	feed := s.subscribeLinks(structureURL(st.Slug)+"/calendar.ics", workshops.Filter{})
	v := structureView{
		Layout:       s.layout(c, st.Name, "structures"),
		Structure:    st,
		Kind:         workshops.StructureKinds.Label(st.Kind),
		Paragraphs:   paragraphs(st.Description),
		Place:        newPlace(st.Location()),
		Labels:       labels(workshops.StructureLabels, st.Labels),
		Contact:      newContact(st),
		Pager:        newPager(structureURL(st.Slug), nil, page, p.Limit),
		Subscribe:    newSubscribeView(feed),
		CalendarURL:  withQuery("/", filterValues(workshops.Filter{Structures: []string{st.Slug}})),
		EmbedURL:     withQuery("/embed", filterValues(workshops.Filter{Structures: []string{st.Slug}})),
		EmbedSnippet: s.embedSnippet(st),
	}
	v.Days = groupByDay(voc, v.Now, page.Sessions)
	v.FeedURL = feed.HTTPS
	v.Description = v.Kind + " à " + st.Town + " : adresse, horaires, contact et prochains ateliers numériques."
	if p.After != nil || p.Before != nil {
		v.Title += ", suite des séances"
	}
	return s.render(c, http.StatusOK, "structure", v)
}
