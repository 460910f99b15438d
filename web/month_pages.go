package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// paramMonth is the month of the month view, YYYY-MM.
const paramMonth = "month"

// monthView is the data of the month view (/month): the month's sessions as a grid of
// days, drawn by the stylesheet alone: a list of days on small screens, a grid from 50rem
// on, and a page to pin on the wall when printed. No script is involved.
type monthView struct {
	Layout
	// Month names the month: "décembre 2026".
	Month string
	Views viewLinks
	Chips []chip
	// Count is the number of sessions shown; More says the month holds more than that.
	Count int
	More  bool
	Prev  monthLink
	Next  monthLink
	Weeks [][]monthCell
	// ListURL is the list view of the same search over the month.
	ListURL string
}

// monthLink is a link to another month.
type monthLink struct {
	URL   string
	Label string
}

// monthCell is one day of the grid; Pad marks the days of the neighbouring months that
// complete the first and last weeks.
type monthCell struct {
	Pad   bool
	Day   int
	Label string
	ISO   string
	Today bool
	Items []monthItem
}

// monthItem is a session in a day of the grid.
type monthItem struct {
	URL       string
	Time      string
	ISO       string
	Title     string
	Where     string
	Cancelled bool
	Full      bool
}

var monthRE = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// parseMonth reads YYYY-MM; empty is the current month in Europe/Paris.
func parseMonth(raw string, now time.Time) (workshops.Date, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		d := workshops.DateOf(now)
		return workshops.Date{Year: d.Year, Month: d.Month, Day: 1}, nil
	}
	m := monthRE.FindStringSubmatch(raw)
	if m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if y >= 2000 && y <= 2100 && mo >= 1 && mo <= 12 {
			return workshops.Date{Year: y, Month: time.Month(mo), Day: 1}, nil
		}
	}
	return workshops.Date{}, &workshops.ValidationError{Fields: map[string]string{
		paramMonth: "Ce mois n'existe pas ou n'est pas au format attendu (AAAA-MM), par exemple 2026-03.",
	}}
}

// monthPage is /month: one month of the sessions matching the calendar's filters.
func (s *server) monthPage(c *fiber.Ctx) error {
	f, ferr := parseFilter(c)
	now := s.ws.Now()
	first, merr := parseMonth(c.Query(paramMonth), now)
	switch {
	case merr != nil:
		return invalidQuery(merr)
	case ferr != nil:
		return invalidQuery(ferr)
	}
	last := workshops.DateOf(first.Start().AddDate(0, 1, -1))
	// The month replaces any dates of the search.
	f.From, f.To = workshops.Date{}, workshops.Date{}
	monthFilter := f
	monthFilter.From, monthFilter.To = first, last
	cal, err := s.ws.Calendar(c.UserContext(), workshops.CalendarQuery{Filter: monthFilter, Page: workshops.Page{Limit: workshops.MaxPageSize}})
	if err != nil {
		return invalidQuery(err)
	}

	name := workshops.FrenchMonth(first.Month) + " " + strconv.Itoa(first.Year)
	v := monthView{Layout: s.layout(c, "Calendrier de "+name, "calendar"), Month: name}
	v.Description = "Les ateliers numériques du territoire en " + name + ", jour par jour."
	v.Chips = filterChips(func(g workshops.Filter) string { return monthURL(first, g) }, f, cal.Vocabulary, cal.Structures)
	v.Title = titleWithChips(v.Title, v.Chips)
	v.Views = newViewLinks(f, first, "month")
	v.ListURL = withQuery("/", filterValues(monthFilter))
	prev, next := first.Start().AddDate(0, -1, 0), first.Start().AddDate(0, 1, 0)
	v.Prev = monthLink{URL: monthURL(workshops.DateOf(prev), f), Label: workshops.FrenchMonth(prev.Month()) + " " + strconv.Itoa(prev.Year())}
	v.Next = monthLink{URL: monthURL(workshops.DateOf(next), f), Label: workshops.FrenchMonth(next.Month()) + " " + strconv.Itoa(next.Year())}
	v.Count, v.More = len(cal.Sessions.Sessions), cal.Sessions.Next != nil
	v.Weeks = monthGrid(first, last, workshops.DateOf(now), cal.Sessions.Sessions, now)
	return s.render(c, http.StatusOK, "month", v)
}

// monthGrid lays the sessions, in time order, out in weeks from Monday to Sunday.
func monthGrid(first, last, today workshops.Date, sessions []workshops.Session, now time.Time) [][]monthCell {
	var cells []monthCell
	// Monday is the first day of the week in France.
	lead := (int(first.Start().Weekday()) + 6) % 7
	for range lead {
		cells = append(cells, monthCell{Pad: true})
	}
	i := 0
	for d := first; !last.Before(d); d = d.AddDays(1) {
		cell := monthCell{Day: d.Day, Label: frDay(d.Start()), ISO: d.String(), Today: d == today}
		for ; i < len(sessions) && workshops.DateOf(sessions[i].StartsAt) == d; i++ {
			cell.Items = append(cell.Items, newMonthItem(&sessions[i], now))
		}
		cells = append(cells, cell)
	}
	for len(cells)%7 != 0 {
		cells = append(cells, monthCell{Pad: true})
	}
	weeks := make([][]monthCell, 0, len(cells)/7)
	for w := 0; w < len(cells); w += 7 {
		weeks = append(weeks, cells[w:w+7])
	}
	return weeks
}

func newMonthItem(s *workshops.Session, now time.Time) monthItem {
	it := monthItem{URL: sessionURL(s.ID), Time: frTime(s.StartsAt), ISO: isoTime(s.StartsAt),
		Cancelled: s.Cancelled(), Full: s.Full() && s.EndsAt.After(now)}
	if s.Workshop != nil {
		it.Title = s.Workshop.Title
	}
	if s.Structure != nil {
		it.Where = s.Structure.Name
	}
	return it
}

// viewLinks are the ways to show one search: list, month, map.
type viewLinks struct {
	List, Month, Map string
	// Current is "list", "month" or "map".
	Current string
}

// newViewLinks builds the links to the three views of a search. The month view shows the
// month of the search's start date, or of at when it has none (zero: the current month).
func newViewLinks(f workshops.Filter, at workshops.Date, current string) viewLinks {
	if !f.From.IsZero() {
		at = f.From
	}
	return viewLinks{
		List:    withQuery("/", filterValues(f)),
		Month:   monthURL(at, f),
		Map:     withQuery("/map", filterValues(f)),
		Current: current,
	}
}

// monthURL is the month view of a search in the month of d (the current month when d is
// zero); the search's dates give way to the month.
func monthURL(d workshops.Date, f workshops.Filter) string {
	f.From, f.To = workshops.Date{}, workshops.Date{}
	v := filterValues(f)
	if !d.IsZero() {
		v.Set(paramMonth, fmt.Sprintf("%04d-%02d", d.Year, d.Month))
	}
	return withQuery("/month", v)
}
