package web

// The signed-in person's account: password, sessions, API tokens, second factor. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) accountPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) changePassword(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) signOutEverywhere(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) createAPIToken(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) revokeAPIToken(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) totpSetupPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) enableTOTP(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) disableTOTP(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
