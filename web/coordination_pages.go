package web

// Coordinators' pages: requests, accounts, domains, vocabularies, outbox, log. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) coordinationPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) acceptJoinRequest(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) refuseJoinRequest(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) acceptProfessional(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) refuseProfessional(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) domainsPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) addDomain(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) deleteDomain(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) usersPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) setUserStatus(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) vocabularyPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) updateLevel(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) createTheme(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) updateTheme(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) outboxPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) retryMessage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) journalPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
