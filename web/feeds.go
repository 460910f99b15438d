package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

// Feed policy.
const (
	// feedMaxBytes keeps feeds under the size Google Calendar is known to refuse.
	feedMaxBytes = 1_000_000
	// feedRefresh is how often subscribed applications are asked to fetch feeds again.
	feedRefresh = time.Hour
	// feedTitle starts the name of every feed.
	feedTitle = "Ateliers numériques — "
	// feedEventCacheSize bounds the encoded events kept between renders (about 1 KB each).
	feedEventCacheSize = 20_000
)

// feedSpec says which feed a request asks for.
type feedSpec struct {
	// path is the canonical path of the feed.
	path string
	// structure is the slug of a structure's feed.
	structure string
	// session is the id of a session's .ics.
	session int64
	// filename is offered to browsers that save the file.
	filename string
}

// calendarFeed is /calendar.ics: every public session, or those matching the filters.
func (s *server) calendarFeed(c *fiber.Ctx) error {
	return s.serveFeed(c, feedSpec{path: "/calendar.ics", filename: "ateliers-numeriques.ics"})
}

// structureFeed is /structures/{slug}/calendar.ics: one structure's sessions.
func (s *server) structureFeed(c *fiber.Ctx) error {
	slug := c.Params("slug")
	return s.serveFeed(c, feedSpec{
		path:      "/structures/" + slug + "/calendar.ics",
		structure: slug,
		filename:  slug + ".ics",
	})
}

// sessionFeed is /sessions/{id}.ics: one session, for "Ajouter à mon agenda".
func (s *server) sessionFeed(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return workshops.ErrNotFound
	}
	return s.serveFeed(c, feedSpec{
		path:     "/sessions/" + strconv.FormatInt(id, 10) + ".ics",
		session:  id,
		filename: "seance-" + strconv.FormatInt(id, 10) + ".ics",
	})
}

// serveFeed answers a feed request from the cache when it can, and renders it otherwise.
// The Changes generation is read before anything else, so that an entry rendered from
// data older than a write is never stored under the generation that follows the write.
func (s *server) serveFeed(c *fiber.Ctx, spec feedSpec) error {
	gen, live := s.feeds.changes.Generation()
	now := s.ws.Now()
	if live {
		// The fast path: a repeated request spelled the canonical way (as our own links
		// are) is found without parsing anything.
		if e := s.feeds.get(c.Request().Header.RequestURI(), gen, now.UnixNano()); e != nil {
			return s.feeds.send(c, e, true)
		}
	}
	f, err := parseFilter(c)
	if err != nil {
		return invalidQuery(err)
	}
	f = canonicalFilter(f)
	key := spec.path
	if spec.session == 0 {
		// A session's .ics takes the filters only to reject malformed ones.
		key = withQuery(spec.path, filterValues(f))
	}
	if live {
		if e := s.feeds.get([]byte(key), gen, now.UnixNano()); e != nil {
			return s.feeds.send(c, e, true)
		}
	}
	ctx := c.UserContext()
	e, err := s.feeds.fill(key, gen, live, func() (*feedEntry, error) {
		return s.renderFeed(ctx, key, gen, now, spec, f)
	})
	if err != nil {
		return err
	}
	return s.feeds.send(c, e, live)
}

// renderFeed reads a feed with one domain call and encodes it.
func (s *server) renderFeed(ctx context.Context, key string, gen uint64, now time.Time, spec feedSpec, f workshops.Filter) (*feedEntry, error) {
	var feed *workshops.Feed
	var err error
	if spec.session != 0 {
		feed, err = s.ws.SessionFeed(ctx, spec.session)
	} else {
		feed, err = s.ws.Feed(ctx, spec.structure, f)
	}
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &ve):
		// The only input of a feed is its query string: unknown levels or themes are a
		// malformed request (400), not an invalid document (422).
		return nil, invalidQuery(err)
	case err != nil:
		return nil, err
	}
	cal := ics.NewCalendar(ics.Publish)
	cal.SetName(feedName(feed, spec, f))
	cal.SetRefresh(feedRefresh)
	cal.SetSizeLimit(feedMaxBytes, now)
	site := ics.Site{BaseURL: s.base.String(), Host: s.host}
	for i := range feed.Sessions {
		ev, err := s.events.SessionEvent(&feed.Sessions[i], feed.Vocabulary, site)
		if err != nil {
			return nil, fmt.Errorf("encode feed %s: %w", key, err)
		}
		cal.Add(ev)
	}
	enc, err := cal.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode feed %s: %w", key, err)
	}
	if enc.Dropped > 0 {
		s.log.Warn("feed over 1 MB: farthest sessions left out", "feed", key, "kept", enc.Events, "dropped", enc.Dropped)
	}
	until := workshops.DateOf(now).AddDays(1).Start()
	return newFeedEntry(key, gen, until, enc.Body, feed.Changed, spec.filename)
}

// canonicalFilter sorts and deduplicates the repeatable filters, so that one feed has one
// cache key and one name however its URL lists them.
func canonicalFilter(f workshops.Filter) workshops.Filter {
	norm := func(list []string) []string {
		if len(list) == 0 {
			return nil
		}
		return slices.Compact(slices.Sorted(slices.Values(list)))
	}
	f.Levels, f.Themes, f.Structures = norm(f.Levels), norm(f.Themes), norm(f.Structures)
	return f
}

// feedName names a feed in subscribing applications: "Ateliers numériques — Médiathèque
// de Nancy", "Ateliers numériques — Grand Nancy (Débutant, Ludique)".
func feedName(feed *workshops.Feed, spec feedSpec, f workshops.Filter) string {
	switch {
	case spec.session != 0 && len(feed.Sessions) == 1:
		sess := &feed.Sessions[0]
		return feedTitle + sess.Workshop.Title + " (" + sess.Structure.Name + ")"
	case feed.Structure != nil:
		f.Structures = nil
		return feedTitle + feed.Structure.Name + filterSummary(feed, f)
	}
	return feedTitle + feed.Territory + filterSummary(feed, f)
}

// filterSummary says in words which filters a feed applies: " (Débutant, Ludique, Nancy)".
func filterSummary(feed *workshops.Feed, f workshops.Filter) string {
	var parts []string
	for _, code := range f.Levels {
		if l := feed.Vocabulary.Level(code); l != nil {
			parts = append(parts, l.Label)
		}
	}
	for _, slug := range f.Themes {
		if t := feed.Vocabulary.Theme(slug); t != nil {
			parts = append(parts, t.Label)
		}
	}
	for _, st := range feed.Structures {
		parts = append(parts, st.Name)
	}
	if f.City != "" {
		parts = append(parts, f.City)
	}
	if f.Query != "" {
		parts = append(parts, "« "+f.Query+" »")
	}
	if !f.From.IsZero() {
		parts = append(parts, "à partir du "+frDayOfYear(f.From))
	}
	if !f.To.IsZero() {
		parts = append(parts, "jusqu'au "+frDayOfYear(f.To))
	}
	if f.Available {
		parts = append(parts, "places disponibles")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// frDayOfYear writes a date without its weekday: "1er décembre 2026".
func frDayOfYear(d workshops.Date) string {
	day := strconv.Itoa(d.Day)
	if d.Day == 1 {
		day = "1er"
	}
	return day + " " + workshops.FrenchMonth(d.Month) + " " + strconv.Itoa(d.Year)
}
