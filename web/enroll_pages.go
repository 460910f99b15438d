package web

// Enrolling: the orientation form with its level check, self-enrollment, the person's page (convocation, cancellation) reached through the signed link. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) orientPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) orient(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) selfEnroll(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) bookingFeed(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) bookingPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) cancelBookingByLink(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
