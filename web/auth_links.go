package web

// Sign-in by emailed link, password reset, the second factor at sign-in, the first coordinator. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) requestSignInLink(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) signInLinkPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) signInWithLink(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) totpPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) verifyTOTP(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) forgotPasswordPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) requestPasswordReset(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) resetPasswordPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) resetPassword(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) setupPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) setup(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
