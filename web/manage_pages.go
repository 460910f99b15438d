package web

// Mediators' pages: dashboard, structure profile, workshops and sessions, private feed. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) dashboardPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) createFeedToken(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) revokeFeedToken(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) editStructurePage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) updateStructure(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) createPlace(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) updatePlace(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) structureJournalPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) newWorkshopPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) createWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) editWorkshopPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) updateWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) previewWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) duplicateWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) publishWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) unpublishWorkshop(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) newSessionsPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) createSessions(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) editSessionPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) updateSession(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) cancelSession(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) deleteSession(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) privateFeed(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
