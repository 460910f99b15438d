package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes is the whole route table.
func (s *server) routes(app *fiber.App) {
	app.Use(recover.New())
	app.Use(securityHeaders())
	app.Use(compress.New(compress.Config{
		Level: compress.LevelBestSpeed,
		// Feeds carry their own pre-compressed bodies (see feeds.go).
		Next: func(c *fiber.Ctx) bool { return isFeedPath(c.Path()) },
	}))

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/static/*", s.serveStatic)

	// Public pages.
	app.Get("/", s.calendarPage)
	app.Get("/sessions/:id<int>.ics", s.sessionFeed)
	app.Get("/sessions/:id", s.sessionPage)
	app.Get("/workshops/:slug", s.workshopPage)
	app.Get("/structures", s.structuresPage)
	app.Get("/structures/:slug/calendar.ics", s.structureFeed)
	app.Get("/structures/:slug", s.structurePage)

	// iCalendar feeds.
	app.Get("/calendar.ics", s.calendarFeed)

	// JSON API: read-only, open to every origin.
	api := app.Group("/api/v1", cors.New(cors.Config{AllowOrigins: "*", AllowMethods: "GET,HEAD,OPTIONS"}))
	api.Get("/openapi.json", s.apiOpenAPI)
	api.Get("/sessions", s.apiSessions)
	api.Get("/sessions/:id", s.apiSession)
	api.Get("/workshops", s.apiWorkshops)
	api.Get("/workshops/:slug", s.apiWorkshop)
	api.Get("/structures", s.apiStructures)
	api.Get("/structures/:slug", s.apiStructure)
	api.Get("/levels", s.apiLevels)
	api.Get("/themes", s.apiThemes)
	api.Use(s.apiNotFound)

	app.Use(s.notFound)
}
