package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// feedCache keeps rendered feeds until the calendar changes.
type feedCache struct {
	changes *workshops.Changes
}

func newFeedCache(ch *workshops.Changes) *feedCache { return &feedCache{changes: ch} }

// calendarFeed is /calendar.ics.
func (s *server) calendarFeed(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// structureFeed is /structures/{slug}/calendar.ics.
func (s *server) structureFeed(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// sessionFeed is /sessions/{id}.ics.
func (s *server) sessionFeed(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
