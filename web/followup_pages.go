package web

// Following up: the structure's rosters and attendance, a person's data on request. (Not built yet.)

import "github.com/gofiber/fiber/v2"

func (s *server) rosterPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) cancelBooking(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) attendancePage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) markAttendance(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) attendanceSheet(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) peoplePage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) personPage(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *server) erasePerson(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
