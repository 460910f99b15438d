package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

// privateFeedCacheControl keeps a private feed out of every shared cache and off disks:
// it shows how many people are enrolled.
const privateFeedCacheControl = "private, no-store"

// privateFeed is /feeds/private/{token}.ics: the sessions of a person's structures, drafts
// and seats taken included, for their own agenda. It is rendered on every request, never
// kept in the public feeds' cache. An unknown or revoked token answers 404.
func (s *server) privateFeed(c *fiber.Ctx) error {
	if s.acc == nil {
		return workshops.ErrNotFound
	}
	pf, err := s.acc.PrivateFeed(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	now := s.ws.Now()
	cal := ics.NewCalendar(ics.Publish)
	cal.SetName(feedTitle + "séances de " + pf.Owner + " (privé)")
	cal.SetRefresh(feedRefresh)
	cal.SetSizeLimit(feedMaxBytes, now)
	site := ics.Site{BaseURL: s.base.String(), Host: s.host}
	for i := range pf.Feed.Sessions {
		cal.Add(ics.StaffSessionEvent(&pf.Feed.Sessions[i], pf.Feed.Vocabulary, site))
	}
	enc, err := cal.Encode()
	if err != nil {
		return fmt.Errorf("encode private feed: %w", err)
	}
	return sendPrivateCalendar(c, enc.Body, `inline; filename="mes-seances.ics"`)
}

// sendPrivateCalendar answers a calendar of one person's own (a private feed, a booking's
// .ics): kept out of shared caches, off disks and out of search engines.
func sendPrivateCalendar(c *fiber.Ctx, body []byte, disposition string) error {
	c.Set(fiber.HeaderCacheControl, privateFeedCacheControl)
	c.Set(fiber.HeaderContentType, feedContentType)
	c.Set(fiber.HeaderContentDisposition, disposition)
	c.Set("X-Robots-Tag", "noindex")
	return c.Send(body)
}

// privateFeedPrefix starts the path of every private feed; what follows is a secret.
const privateFeedPrefix = "/feeds/private/"

// loggedPath is a request path as the logs may keep it: the secret of a private feed
// address or of a person's page is left out, since anyone reading the logs could
// otherwise subscribe to the feed, or read and cancel the person's enrollment.
func loggedPath(path string) string {
	for _, p := range []string{privateFeedPrefix, bookingPrefix} {
		if strings.HasPrefix(path, p) {
			return p + "…"
		}
	}
	return path
}
