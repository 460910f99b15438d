package web

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// calendarView is the data of the calendar page (/).
type calendarView struct {
	Layout
	Form filterForm
	// Errors is the error summary at the top, in the order of the form.
	Errors    []fieldError
	Chips     []chip
	Filtered  bool
	Days      []dayGroup
	Pager     pager
	Widen     []chip
	Subscribe subscribeView
	Views     viewLinks
}

// filterForm is the filter form as the user filled it: raw text is kept as typed, even
// when it is wrong, so that it can be corrected rather than retyped.
type filterForm struct {
	Q, City, From, To field
	Available         bool
	Levels            []option
	Themes            []option
	Structures        []option
	// MoreStructures keeps, as hidden fields, the structures beyond the first when a link
	// asked for several: the select shows one.
	MoreStructures []string
	// TooManyStructures says the menu holds only the selection: name a town first.
	TooManyStructures bool
	Towns             []string
	// Errors holds one French message per query parameter.
	Errors map[string]string
	// More opens the "more criteria" section: some of its criteria are set or wrong.
	More bool
}

// option is a choice of the form.
type option struct {
	Value   string
	Label   string
	Checked bool
	Badge   levelBadge
}

// fieldError is a line of the error summary, linking to the field to correct.
type fieldError struct {
	Href    string
	Message string
}

// chip is an active filter shown as a link that removes it.
type chip struct {
	Label string
	URL   string
}

// errorOrder is the order of the form's fields, for the error summary.
var errorOrder = []string{paramQuery, paramCity, paramLevel, paramTheme, paramStructure, paramFrom, paramTo,
	paramAvailable, paramAfter, paramBefore, paramLimit}

// calendarPage is the public calendar (/): upcoming sessions matching the filters of the
// query string, one page at a time.
func (s *server) calendarPage(c *fiber.Ctx) error {
	f, ferr := parseFilter(c)
	p, perr := parsePage(c)
	invalid := &workshops.ValidationError{}
	merge(invalid, ferr)
	merge(invalid, perr)
	cal, err := s.ws.Calendar(c.UserContext(), workshops.CalendarQuery{Filter: f, Page: p, Invalid: invalid})
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		invalid = ve
	case err != nil:
		return err
	default:
		invalid = &workshops.ValidationError{}
	}
	voc, structures := cal.Vocabulary, cal.Structures

	v := calendarView{Layout: s.layout(c, "Calendrier des ateliers numériques", "calendar")}
	v.Description = "Les ateliers numériques du territoire : trouver une séance par niveau, thème, lieu et date, et s'y abonner dans son agenda."
	v.Filtered = !f.IsZero()
	// The structure menu lists a town's structures when the search names a town: a
	// territory of a thousand structures cannot be one menu.
	choices := structures
	if cal.TownStructures != nil {
		choices = cal.TownStructures
	}
	v.Form = newFilterForm(c, f, voc, structures, choices)
	v.Chips = filterChips(listURL, f, voc, structures)
	v.Views = newViewLinks(f, workshops.Date{}, "list")
	if p.After != nil || p.Before != nil {
		v.Title += ", suite"
	}
	// The title says what is searched: several tabs of searches stay distinguishable.
	v.Title = titleWithChips(v.Title, v.Chips)

	if invalid.Err() == nil {
		v.Days = groupByDay(voc, v.Now, cal.Sessions.Sessions)
		v.Pager = newPager("/", filterValues(f), cal.Sessions, p.Limit)
	}
	if invalid.Err() != nil {
		v.Title = "Erreur : " + v.Title
		v.Form.setErrors(invalid.Fields)
		v.Errors = summary(invalid, f, v.Form)
		return s.render(c, http.StatusBadRequest, "calendar", v)
	}
	if len(v.Days) == 0 {
		v.Widen = v.Chips
	}
	feed := s.subscribeLinks("/calendar.ics", f)
	v.Subscribe = newSubscribeView(feed)
	v.FeedURL = feed.HTTPS
	return s.render(c, http.StatusOK, "calendar", v)
}

// titleWithChips adds the criteria of a search to a page's title: several tabs of
// searches stay distinguishable.
func titleWithChips(title string, chips []chip) string {
	if len(chips) == 0 {
		return title
	}
	labels := make([]string, len(chips))
	for i, ch := range chips {
		labels[i] = ch.Label
	}
	return title + " (" + strings.Join(labels, ", ") + ")"
}

// listURL is the calendar's list view of a search.
func listURL(f workshops.Filter) string { return withQuery("/", filterValues(f)) }

// merge adds the messages of a validation error to dst; other errors cannot happen here.
func merge(dst *workshops.ValidationError, err error) {
	var ve *workshops.ValidationError
	if errors.As(err, &ve) {
		for k, m := range ve.Fields {
			dst.Add(k, m)
		}
	}
}

// maxStructureChoices is the longest structure menu offered without a town to narrow it.
const maxStructureChoices = 150

// newFilterForm fills the form: towns come from every structure, the structure menu from
// choices (the structures of the town searched, or all of them) when there are not too
// many, and otherwise holds only what is selected, with a hint to name a town first.
func newFilterForm(c *fiber.Ctx, f workshops.Filter, voc *workshops.Vocabulary, structures, choices []workshops.Structure) filterForm {
	form := filterForm{
		Q: field{ID: "f-q", Name: paramQuery, Label: "Mot-clé", Type: "search", Value: c.Query(paramQuery),
			Hint: "Par exemple : smartphone, courriel, CAF, photos."},
		City: field{ID: "f-city", Name: paramCity, Label: "Commune ou code postal", Type: "text",
			Value: c.Query(paramCity), List: "f-towns", Hint: "Par exemple : Nancy ou 54000."},
		From:      field{ID: "f-from", Name: paramFrom, Label: "Du", Type: "date", Value: c.Query(paramFrom)},
		To:        field{ID: "f-to", Name: paramTo, Label: "Au", Type: "date", Value: c.Query(paramTo)},
		Available: f.Available,
		More: len(f.Themes) > 0 || len(f.Structures) > 0 || !f.From.IsZero() || !f.To.IsZero() ||
			f.Available,
	}
	for _, l := range voc.Levels {
		form.Levels = append(form.Levels, option{Value: l.Code, Label: l.Label, Checked: slices.Contains(f.Levels, l.Code),
			Badge: newLevelBadge(voc, l.Code, l.Code)})
	}
	for _, t := range voc.Themes {
		form.Themes = append(form.Themes, option{Value: t.Slug, Label: t.Label, Checked: slices.Contains(f.Themes, t.Slug)})
	}
	var selected string
	if len(f.Structures) > 0 {
		selected = f.Structures[0]
		form.MoreStructures = f.Structures[1:]
	}
	seen := map[string]bool{}
	for _, st := range structures {
		if !seen[st.TownKey] {
			seen[st.TownKey] = true
			form.Towns = append(form.Towns, st.Town)
		}
	}
	form.TooManyStructures = len(choices) > maxStructureChoices
	for _, st := range choices {
		if form.TooManyStructures && st.Slug != selected {
			continue
		}
		form.Structures = append(form.Structures, option{Value: st.Slug, Label: st.Name + " (" + st.Town + ")", Checked: st.Slug == selected})
	}
	if selected != "" && !slices.ContainsFunc(form.Structures, func(o option) bool { return o.Value == selected }) {
		// Selected in a link, outside the town searched: keep it rather than drop it.
		form.MoreStructures = f.Structures
	}
	return form
}

// setErrors places each message beside its field. A wrong date is shown in a text input:
// a date input would blank what was typed instead of letting it be corrected.
func (form *filterForm) setErrors(msgs map[string]string) {
	form.Errors = msgs
	form.More = true
	for _, fl := range []*field{&form.Q, &form.City, &form.From, &form.To} {
		fl.Error = msgs[fl.Name]
		if fl.Error != "" && fl.Type == "date" {
			fl.Type, fl.Hint, fl.Placeholder = "text", "Format : AAAA-MM-JJ, par exemple 2026-03-05.", "AAAA-MM-JJ"
		}
	}
}

// filterChips lists the active filters, each with the link (made by link) to the same
// search without it.
func filterChips(link func(workshops.Filter) string, f workshops.Filter, voc *workshops.Vocabulary, structures []workshops.Structure) []chip {
	var chips []chip
	add := func(label string, without func(*workshops.Filter)) {
		g := f
		g.Levels = slices.Clone(f.Levels)
		g.Themes = slices.Clone(f.Themes)
		g.Structures = slices.Clone(f.Structures)
		without(&g)
		chips = append(chips, chip{Label: label, URL: link(g)})
	}
	for i, code := range f.Levels {
		label := code
		if l := voc.Level(code); l != nil {
			label = l.Label
		}
		add("Niveau : "+label, func(g *workshops.Filter) { g.Levels = slices.Delete(g.Levels, i, i+1) })
	}
	for i, slug := range f.Themes {
		label := slug
		if t := voc.Theme(slug); t != nil {
			label = t.Label
		}
		add("Thème : "+label, func(g *workshops.Filter) { g.Themes = slices.Delete(g.Themes, i, i+1) })
	}
	for i, slug := range f.Structures {
		label := slug
		for _, st := range structures {
			if st.Slug == slug {
				label = st.Name
			}
		}
		add("Structure : "+label, func(g *workshops.Filter) { g.Structures = slices.Delete(g.Structures, i, i+1) })
	}
	if f.City != "" {
		add("Commune : "+f.City, func(g *workshops.Filter) { g.City = "" })
	}
	if f.Query != "" {
		add("Mot-clé : "+f.Query, func(g *workshops.Filter) { g.Query = "" })
	}
	if !f.From.IsZero() {
		add("À partir du "+frDate(f.From.Start()), func(g *workshops.Filter) { g.From = workshops.Date{} })
	}
	if !f.To.IsZero() {
		add("Jusqu'au "+frDate(f.To.Start()), func(g *workshops.Filter) { g.To = workshops.Date{} })
	}
	if f.Available {
		add("Places disponibles seulement", func(g *workshops.Filter) { g.Available = false })
	}
	return chips
}

// summary turns validation messages into the error summary's links, in the form's order:
// each points at its field, or, for a broken page link, at the first page.
func summary(ve *workshops.ValidationError, f workshops.Filter, form filterForm) []fieldError {
	var out []fieldError
	for _, name := range errorOrder {
		msg, ok := ve.Fields[name]
		if !ok {
			continue
		}
		href := "#f-" + name
		switch name {
		case paramLevel:
			if len(form.Levels) > 0 {
				href = "#f-level-" + form.Levels[0].Value
			}
		case paramTheme:
			if len(form.Themes) > 0 {
				href = "#f-theme-" + form.Themes[0].Value
			}
		case paramAfter, paramBefore, paramLimit:
			href = withQuery("/", filterValues(f))
		}
		out = append(out, fieldError{Href: href, Message: msg})
	}
	// A message for a parameter the form does not know still deserves to be read.
	var others []string
	for name := range ve.Fields {
		if !slices.Contains(errorOrder, name) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	for _, name := range others {
		out = append(out, fieldError{Href: "#f-q", Message: ve.Fields[name]})
	}
	return out
}
