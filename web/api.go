package web

import "github.com/gofiber/fiber/v2"

func (s *server) apiOpenAPI(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (s *server) apiSessions(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
func (s *server) apiSession(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (s *server) apiWorkshops(c *fiber.Ctx) error  { return fiber.ErrNotImplemented }
func (s *server) apiWorkshop(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
func (s *server) apiStructures(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (s *server) apiStructure(c *fiber.Ctx) error  { return fiber.ErrNotImplemented }
func (s *server) apiLevels(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (s *server) apiThemes(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
