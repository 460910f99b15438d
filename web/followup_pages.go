package web

// Following up: a person's data on request. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) peoplePage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) personPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) erasePerson(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
