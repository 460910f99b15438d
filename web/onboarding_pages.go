package web

// Asking to join (structures, professionals), invitations, members. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) joinPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) requestJoin(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) signupPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) signup(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) invitationPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) acceptInvitation(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) membersPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) inviteMember(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
