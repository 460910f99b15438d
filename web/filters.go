package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// Query parameter names of the calendar's filters, shared by the pages, feeds and API.
const (
	paramLevel     = "level"
	paramTheme     = "theme"
	paramStructure = "structure"
	paramCity      = "city"
	paramQuery     = "q"
	paramFrom      = "from"
	paramTo        = "to"
	paramAvailable = "available"
	paramAfter     = "after"
	paramBefore    = "before"
	paramLimit     = "limit"
)

// parseFilter reads the calendar's filters from the query string. Malformed values (a
// date like 2025-13-45) come back as a *workshops.ValidationError naming the parameter;
// unknown levels and themes are the domain's to reject.
func parseFilter(c *fiber.Ctx) (workshops.Filter, error) {
	args := c.Context().QueryArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			if s := strings.TrimSpace(string(v)); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	f := workshops.Filter{
		Levels:     multi(paramLevel),
		Themes:     multi(paramTheme),
		Structures: multi(paramStructure),
		City:       strings.TrimSpace(c.Query(paramCity)),
		Query:      strings.TrimSpace(c.Query(paramQuery)),
		Available:  isTrue(c.Query(paramAvailable)),
	}
	ve := &workshops.ValidationError{}
	for name, dst := range map[string]*workshops.Date{paramFrom: &f.From, paramTo: &f.To} {
		raw := strings.TrimSpace(c.Query(name))
		if raw == "" {
			continue
		}
		d, err := workshops.ParseDate(raw)
		if err != nil {
			ve.Add(name, "Cette date n'existe pas ou n'est pas au format attendu (AAAA-MM-JJ), par exemple 2026-03-05.")
			continue
		}
		*dst = d
	}
	return f, ve.Err()
}

// parsePage reads the pagination parameters (after, before, limit).
func parsePage(c *fiber.Ctx) (workshops.Page, error) {
	var p workshops.Page
	ve := &workshops.ValidationError{}
	for name, dst := range map[string]**workshops.Cursor{paramAfter: &p.After, paramBefore: &p.Before} {
		raw := strings.TrimSpace(c.Query(name))
		if raw == "" {
			continue
		}
		cur, err := workshops.ParseCursor(raw)
		if err != nil {
			ve.Add(name, "Ce lien de page n'est pas valide. Revenez à la première page.")
			continue
		}
		*dst = &cur
	}
	if raw := strings.TrimSpace(c.Query(paramLimit)); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > workshops.MaxPageSize {
			ve.Add(paramLimit, "Indiquez un nombre de résultats par page entre 1 et 200.")
		} else {
			p.Limit = n
		}
	}
	return p, ve.Err()
}

func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "on", "oui", "yes":
		return true
	}
	return false
}

// filterValues is the inverse of parseFilter: the query parameters of a filter, in a
// stable order, for links, chips and feed URLs.
func filterValues(f workshops.Filter) url.Values {
	v := url.Values{}
	for _, l := range f.Levels {
		v.Add(paramLevel, l)
	}
	for _, t := range f.Themes {
		v.Add(paramTheme, t)
	}
	for _, s := range f.Structures {
		v.Add(paramStructure, s)
	}
	if f.City != "" {
		v.Set(paramCity, f.City)
	}
	if f.Query != "" {
		v.Set(paramQuery, f.Query)
	}
	if !f.From.IsZero() {
		v.Set(paramFrom, f.From.String())
	}
	if !f.To.IsZero() {
		v.Set(paramTo, f.To.String())
	}
	if f.Available {
		v.Set(paramAvailable, "1")
	}
	return v
}

// withQuery joins a path and query parameters.
func withQuery(path string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// Subscribe holds the ways to subscribe to a feed in a phone or desktop agenda.
type Subscribe struct {
	// HTTPS is the plain feed address, to copy into any agenda.
	HTTPS string
	// Webcal opens the agenda application directly (Apple Calendar, Outlook, ICSx5…).
	Webcal string
	// Google adds the feed to Google Agenda.
	Google string
}

// subscribeLinks returns the subscription links of the feed at path with the filter's
// parameters (the feed of what the page currently shows).
func (s *server) subscribeLinks(path string, f workshops.Filter) Subscribe {
	https := s.abs(withQuery(path, filterValues(f)))
	webcal := "webcal://" + strings.TrimPrefix(strings.TrimPrefix(https, "https://"), "http://")
	return Subscribe{
		HTTPS:  https,
		Webcal: webcal,
		Google: "https://calendar.google.com/calendar/render?cid=" + url.QueryEscape(webcal),
	}
}
