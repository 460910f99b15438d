package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers 200 while the process runs (liveness).
func (s *server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 when the database is reachable and every migration is applied, 503
// otherwise (readiness: a load balancer sends no traffic until then).
func (s *server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": err.Error()})
		}
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
