package web

import "github.com/gofiber/fiber/v2"

// calendarPage is the public calendar (/).
func (s *server) calendarPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// sessionPage is /sessions/{id}.
func (s *server) sessionPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// workshopPage is /workshops/{slug}.
func (s *server) workshopPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// structuresPage is /structures.
func (s *server) structuresPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// structurePage is /structures/{slug}.
func (s *server) structurePage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
