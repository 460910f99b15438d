package web

// The API's writes, with a personal token. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) apiCreateWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) apiUpdateWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) apiCreateSessions(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) apiUpdateSession(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) apiCancelSession(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) apiDeleteSession(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) apiUpdateStructure(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
