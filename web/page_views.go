package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

// The pages' view models are computed in Go so that the templates only lay out text:
// every French wording and every decision (full, cancelled, over) is made once, here.

// levelBadge shows a workshop's level range in words and as a pictogram: one bar per level,
// rising like a staircase, filled inside the range and outlined outside it, so that the
// range reads by shape and not by colour.
type levelBadge struct {
	// Text names the levels in words: "Débutant à Intermédiaire".
	Text string
	// Alt is the pictogram's text alternative: "niveaux 2 à 3 sur 5".
	Alt  string
	Bars []levelBar
}

// levelBar is one bar of the pictogram, in SVG user units.
type levelBar struct {
	X, Y, H int
	On      bool
}

// Pictogram geometry: a 30×20 viewBox, bars 4 wide every 6 units.
const (
	pictoHeight = 20
	barStep     = 6
)

func newLevelBadge(voc *workshops.Vocabulary, min, max string) levelBadge {
	lo, hi := voc.Level(min), voc.Level(max)
	if lo == nil || hi == nil {
		return levelBadge{Text: "Niveau non précisé"}
	}
	b := levelBadge{Text: lo.Label, Alt: fmt.Sprintf("niveau %d sur %d", lo.Rank, len(voc.Levels))}
	if lo.Rank != hi.Rank {
		b.Text = lo.Label + " à " + hi.Label
		b.Alt = fmt.Sprintf("niveaux %d à %d sur %d", lo.Rank, hi.Rank, len(voc.Levels))
	}
	n := len(voc.Levels)
	for i, l := range voc.Levels {
		h := pictoHeight * (i + 1) / n
		b.Bars = append(b.Bars, levelBar{X: 1 + barStep*i, Y: pictoHeight - h, H: h, On: l.Rank >= lo.Rank && l.Rank <= hi.Rank})
	}
	return b
}

// sessionCard is one session in a list.
type sessionCard struct {
	URL       string
	Title     string
	Start     time.Time
	TimeRange string
	Structure string
	Town      string
	Levels    levelBadge
	Themes    []string
	Seats     string
	Cancelled bool
	Full      bool
	Over      bool
}

func newSessionCard(voc *workshops.Vocabulary, now time.Time, s *workshops.Session) sessionCard {
	c := sessionCard{
		URL:       sessionURL(s.ID),
		Start:     s.StartsAt,
		TimeRange: frTimeRange(s.StartsAt, s.EndsAt),
		Town:      s.Location().Town,
		Cancelled: s.Cancelled(),
		Full:      s.Full(),
		Over:      !s.EndsAt.After(now),
		Seats:     seatsText(s),
	}
	if s.Structure != nil {
		c.Structure = s.Structure.Name
	}
	if w := s.Workshop; w != nil {
		c.Title = w.Title
		c.Levels = newLevelBadge(voc, w.LevelMin, w.LevelMax)
		for _, t := range w.Themes {
			c.Themes = append(c.Themes, t.Label)
		}
	}
	switch {
	case c.Cancelled:
		c.Seats = "Annulée"
	case c.Over:
		c.Seats = "Séance terminée"
	}
	return c
}

// dayGroup is the sessions of one day, under a heading like "mardi 3 mars (demain)".
type dayGroup struct {
	Day      string
	ISO      string
	Relative string
	Sessions []sessionCard
}

// groupByDay groups sessions, already in time order, by their day in Europe/Paris.
func groupByDay(voc *workshops.Vocabulary, now time.Time, sessions []workshops.Session) []dayGroup {
	var days []dayGroup
	var last workshops.Date
	for i := range sessions {
		s := &sessions[i]
		d := workshops.DateOf(s.StartsAt)
		if len(days) == 0 || d != last {
			g := dayGroup{Day: frDay(s.StartsAt), ISO: d.String()}
			if d.Year != workshops.DateOf(now).Year {
				g.Day = frDate(s.StartsAt)
			}
			// Only the nearest days deserve a word: "dans 12 jours" under a date adds nothing.
			if rel := relDays(now, s.StartsAt); rel == "aujourd'hui" || rel == "demain" {
				g.Relative = rel
			}
			days = append(days, g)
			last = d
		}
		days[len(days)-1].Sessions = append(days[len(days)-1].Sessions, newSessionCard(voc, now, s))
	}
	return days
}

// dateLine is a session in a short list of dates (other dates, a parcours' sessions).
type dateLine struct {
	URL       string
	Date      string
	ISO       string
	TimeRange string
	Where     string
	Seats     string
	Current   bool
	Cancelled bool
}

func newDateLine(now time.Time, s *workshops.Session, current int64) dateLine {
	l := dateLine{
		URL: sessionURL(s.ID), Date: frDate(s.StartsAt), ISO: isoTime(s.StartsAt),
		TimeRange: frTimeRange(s.StartsAt, s.EndsAt), Where: s.Location().Town,
		Seats: seatsText(s), Current: s.ID == current, Cancelled: s.Cancelled(),
	}
	if !s.Cancelled() && !s.EndsAt.After(now) {
		l.Seats = "Séance terminée"
	}
	return l
}

// pager holds the links to the neighbouring pages of a keyset-paginated list.
type pager struct {
	Prev, Next string
}

// newPager builds the links of a page of sessions at path, keeping the filter's parameters
// and an explicit page size.
func newPager(path string, base url.Values, page workshops.SessionPage, limit int) pager {
	link := func(param string, c *workshops.Cursor) string {
		if c == nil {
			return ""
		}
		v := url.Values{}
		for k, vs := range base {
			v[k] = append([]string(nil), vs...)
		}
		if limit > 0 {
			v.Set(paramLimit, strconv.Itoa(limit))
		}
		v.Set(param, c.String())
		return withQuery(path, v)
	}
	return pager{Prev: link(paramBefore, page.Prev), Next: link(paramAfter, page.Next)}
}

// subscribeView is a Subscribe ready for a template: html/template would neutralise the
// webcal: scheme of a plain string, and this one is ours.
type subscribeView struct {
	HTTPS  string
	Webcal template.URL
	Google string
}

func newSubscribeView(s Subscribe) subscribeView {
	return subscribeView{HTTPS: s.HTTPS, Webcal: template.URL(s.Webcal), Google: s.Google}
}

// contact is a structure's contact details, ready for links.
type contact struct {
	Name    string
	URL     string
	Phone   string
	Tel     template.URL
	Email   string
	Website string
	Hours   string
}

func newContact(st *workshops.Structure) contact {
	return contact{
		Name: st.Name, URL: structureURL(st.Slug), Phone: st.Phone, Tel: telURL(st.Phone),
		Email: st.Email, Website: st.Website, Hours: st.OpeningHours,
	}
}

// telURL turns a French phone number as people write it ("03 83 00 00 00") into a tel:
// link in international form, or "" when it has no digits.
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		}
	}
	n := b.String()
	if strings.Trim(n, "+") == "" {
		return ""
	}
	if len(n) == 10 && n[0] == '0' {
		n = "+33" + n[1:]
	}
	// Only digits and a leading plus remain: safe in an href.
	return template.URL("tel:" + n)
}

// place is where something happens, with a map link.
type place struct {
	workshops.Location
	MapURL string
}

func newPlace(l workshops.Location) place {
	p := place{Location: l}
	if l.HasCoordinates() {
		p.MapURL = mapURL(*l.Latitude, *l.Longitude)
	}
	return p
}

// mapURL links to OpenStreetMap with a marker: a plain link, no map script on our pages.
func mapURL(lat, lon float64) string {
	la, lo := strconv.FormatFloat(lat, 'f', 5, 64), strconv.FormatFloat(lon, 'f', 5, 64)
	return "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=18/" + la + "/" + lo
}

// levelInfo is a level with its plain-words definition.
type levelInfo struct {
	Label       string
	Description string
	Rank        int
	Badge       levelBadge
}

func levelInfos(voc *workshops.Vocabulary, min, max string) []levelInfo {
	var out []levelInfo
	for _, l := range voc.LevelRange(min, max) {
		out = append(out, levelInfo{Label: l.Label, Description: l.Description, Rank: l.Rank, Badge: newLevelBadge(voc, l.Code, l.Code)})
	}
	return out
}

// labels returns the French labels of codes of a fixed vocabulary.
func labels(cs workshops.Choices, codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, cs.Label(c))
	}
	return out
}

func themeLabels(themes []workshops.Theme) []string {
	out := make([]string, 0, len(themes))
	for _, t := range themes {
		out = append(out, t.Label)
	}
	return out
}

func sessionURL(id int64) string      { return "/sessions/" + strconv.FormatInt(id, 10) }
func workshopURL(slug string) string  { return "/workshops/" + url.PathEscape(slug) }
func structureURL(slug string) string { return "/structures/" + url.PathEscape(slug) }

func isoTime(t time.Time) string { return t.In(workshops.Paris).Format(time.RFC3339) }

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// field is a text input of a form with its label, hint and error, laid out by the "field"
// template so that every input is labelled and described the same way.
type field struct {
	ID          string
	Name        string
	Label       string
	Hint        string
	Type        string
	Value       string
	Error       string
	List        string
	Placeholder string
	// Autocomplete helps browsers and password managers fill the input ("email",
	// "new-password", "one-time-code").
	Autocomplete string
	// Inputmode asks phones for a suited keyboard ("numeric").
	Inputmode string
}

// DescribedBy returns the ids of the hint and error that describe the input.
func (f field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}
