package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// skipCompression says which answers go uncompressed: feeds carry their own
// pre-compressed bodies (see feeds.go), and the API's answers to writes are a few hundred
// bytes (a created resource, problem JSON), where compressing costs more CPU, on both ends,
// than it saves bytes on the wire.
func skipCompression(c *fiber.Ctx) bool {
	if isFeedPath(c.Path()) {
		return true
	}
	m := c.Method()
	return m != fiber.MethodGet && m != fiber.MethodHead && strings.HasPrefix(c.Path(), "/api/")
}

// routes is the whole route table.
func (s *server) routes(app *fiber.App) {
	app.Use(recover.New())
	app.Use(securityHeaders())
	app.Use(rejectNUL)
	app.Use(compress.New(compress.Config{
		Level: compress.LevelBestSpeed,
		Next:  skipCompression,
	}))
	app.Use(s.identify)
	if s.acc != nil {
		app.Use(s.protectForms(s.newCSRF()))
	}

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/static/*", s.serveStatic)

	// Public pages.
	app.Get("/", s.calendarPage)
	app.Get("/month", s.monthPage)
	app.Get("/map", s.mapPage)
	app.Get("/embed", s.embedPage) // the only page other sites may frame
	app.Get("/sessions/:id<int>.ics", s.sessionFeed)
	app.Get("/sessions/:id", s.sessionPage)
	app.Get("/workshops/:slug", s.workshopPage)
	app.Get("/structures", s.structuresPage)
	app.Get("/structures/:slug/calendar.ics", s.structureFeed)
	app.Get("/structures/:slug", s.structurePage)

	// iCalendar feeds.
	app.Get("/calendar.ics", s.calendarFeed)
	app.Get("/feeds/private/:token.ics", s.privateFeed)

	// JSON API: reads open to every origin; writes with a personal token.
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
	api.Post("/workshops", s.apiAuth, s.apiCreateWorkshop)
	api.Patch("/workshops/:slug", s.apiAuth, s.apiUpdateWorkshop)
	api.Post("/workshops/:slug/sessions", s.apiAuth, s.apiCreateSessions)
	api.Patch("/sessions/:id", s.apiAuth, s.apiUpdateSession)
	api.Post("/sessions/:id/cancel", s.apiAuth, s.apiCancelSession)
	api.Delete("/sessions/:id", s.apiAuth, s.apiDeleteSession)
	api.Patch("/structures/:slug", s.apiAuth, s.apiUpdateStructure)
	if s.en != nil {
		// Enrollments, with a professional's or the structure's token.
		api.Post("/sessions/:id/enrollments", s.apiAuth, s.apiEnroll)
		api.Get("/enrollments/:id", s.apiAuth, s.apiEnrollmentGet)
		api.Post("/enrollments/:id/cancel", s.apiAuth, s.apiCancelEnrollment)
	}
	api.Use(s.apiNotFound)

	if s.acc == nil {
		app.Use(s.notFound)
		return
	}
	// Rate limits (ratelimit.go) on the POSTs that check a password or a code, or that
	// email a link: per IP and per address or account, counted by every instance together.
	rl := s.newRateLimits()

	// Signing in and out, links sent by email, the first coordinator.
	app.Get("/login", s.loginPage)
	app.Post("/login", rl.passwordByIP, rl.passwordByEmail, s.login)
	app.Post("/login/link", rl.emailsByIP, rl.emailsByAddress, s.requestSignInLink)
	app.Get("/login/link/:token", s.signInLinkPage)
	app.Post("/login/link/:token", s.signInWithLink)
	app.Get("/login/totp", s.totpPage)
	app.Post("/login/totp", rl.totpByIP, rl.totpByAccount, s.verifyTOTP)
	app.Post("/logout", s.logout)
	app.Get("/password/forgot", s.forgotPasswordPage)
	app.Post("/password/forgot", rl.emailsByIP, rl.emailsByAddress, s.requestPasswordReset)
	app.Get("/password/reset/:token", s.resetPasswordPage)
	app.Post("/password/reset/:token", s.resetPassword)
	app.Get("/setup/:token", s.setupPage)
	app.Post("/setup/:token", s.setup)
	app.Get("/invitations/:token", s.invitationPage)
	app.Post("/invitations/:token", s.acceptInvitation)

	// Enrolling: a professional orients a person, or the person enrolls themselves; the
	// person's own page (convocation, cancellation) is reached through the signed link.
	if s.en != nil {
		app.Get("/sessions/:id<int>/enroll", s.requireSignedIn, s.orientPage)
		app.Post("/sessions/:id<int>/enroll", s.requireSignedIn, s.orient)
		app.Get("/sessions/:id<int>/self-enroll", s.selfEnrollPage)
		app.Post("/sessions/:id<int>/self-enroll", rl.selfEnrollByIP, s.selfEnroll)
		app.Get("/c/:token.ics", s.bookingFeed)
		app.Get("/c/:token", s.bookingPage)
		app.Post("/c/:token/cancel", s.cancelBookingByLink)
	}

	// The professional's orientations.
	if s.en != nil {
		app.Get("/orientations", s.requireSignedIn, s.orientationsPage)
		app.Post("/orientations/:id<int>/cancel", s.requireSignedIn, s.cancelOrientation)
	}

	// Asking to join: a structure, or an orienting professional.
	app.Get("/join", s.joinPage)
	app.Post("/join", s.requestJoin)
	app.Get("/signup", s.signupPage)
	app.Post("/signup", s.signup)

	// The signed-in person's account.
	account := app.Group("/account", s.requireSignedIn)
	account.Get("/", s.accountPage)
	account.Post("/password", rl.accountChecks, s.changePassword)
	account.Post("/signout-everywhere", s.signOutEverywhere)
	account.Post("/tokens", s.createAPIToken)
	account.Post("/tokens/:id<int>/revoke", s.revokeAPIToken)
	account.Get("/totp", s.totpSetupPage)
	account.Post("/totp", s.enableTOTP)
	account.Post("/totp/disable", rl.accountChecks, s.disableTOTP)

	// Mediators: their structures, workshops and sessions.
	manage := app.Group("/manage", s.requireSignedIn)
	manage.Get("/", s.dashboardPage)
	manage.Post("/feed-token", s.createFeedToken)
	manage.Post("/feed-token/revoke", s.revokeFeedToken)
	manage.Get("/structures/:slug", s.editStructurePage)
	manage.Post("/structures/:slug", s.updateStructure)
	manage.Post("/structures/:slug/places", s.createPlace)
	manage.Post("/places/:id<int>", s.updatePlace)
	manage.Get("/structures/:slug/members", s.membersPage)
	manage.Post("/structures/:slug/members", s.inviteMember)
	manage.Get("/structures/:slug/journal", s.structureJournalPage)
	manage.Get("/structures/:slug/messages", s.structureMessagesPage)
	manage.Post("/structures/:slug/convocations/:id<int>", s.markConvocationHanded)
	manage.Get("/structures/:slug/workshops/new", s.newWorkshopPage)
	manage.Post("/structures/:slug/workshops", s.createWorkshop)
	manage.Get("/workshops/:slug", s.editWorkshopPage)
	manage.Post("/workshops/:slug", s.updateWorkshop)
	manage.Get("/workshops/:slug/preview", s.previewWorkshop)
	manage.Post("/workshops/:slug/duplicate", s.duplicateWorkshop)
	manage.Post("/workshops/:slug/publish", s.publishWorkshop)
	manage.Post("/workshops/:slug/unpublish", s.unpublishWorkshop)
	manage.Get("/workshops/:slug/sessions/new", s.newSessionsPage)
	manage.Post("/workshops/:slug/sessions", s.createSessions)
	manage.Get("/sessions/:id<int>", s.editSessionPage)
	manage.Post("/sessions/:id<int>", s.updateSession)
	manage.Post("/sessions/:id<int>/cancel", s.cancelSession)
	manage.Post("/sessions/:id<int>/delete", s.deleteSession)
	if s.en != nil {
		manage.Get("/sessions/:id<int>/roster", s.rosterPage)
		manage.Post("/bookings/:id<int>/cancel", s.cancelBooking)
		manage.Get("/sessions/:id<int>/attendance", s.attendancePage)
		manage.Post("/sessions/:id<int>/attendance", s.markAttendance)
		manage.Get("/sessions/:id<int>/sheet", s.attendanceSheet)
	}

	// Coordinators: requests to validate, accounts, vocabularies, messages, the log.
	coord := app.Group("/coordination", s.requireCoordinator)
	coord.Get("/", s.coordinationPage)
	coord.Post("/requests/:id<int>/accept", s.acceptJoinRequest)
	coord.Post("/requests/:id<int>/refuse", s.refuseJoinRequest)
	coord.Post("/professionals/:id<int>/accept", s.acceptProfessional)
	coord.Post("/professionals/:id<int>/refuse", s.refuseProfessional)
	coord.Get("/domains", s.domainsPage)
	coord.Post("/domains", s.addDomain)
	coord.Post("/domains/delete", s.deleteDomain)
	coord.Get("/users", s.usersPage)
	coord.Post("/users/:id<int>/status", s.setUserStatus)
	coord.Get("/vocabulary", s.vocabularyPage)
	coord.Post("/levels/:code", s.updateLevel)
	coord.Post("/themes", s.createTheme)
	coord.Post("/themes/:slug", s.updateTheme)
	coord.Get("/outbox", s.outboxPage)
	coord.Post("/outbox/:id<int>/retry", s.retryMessage)
	coord.Get("/journal", s.journalPage)
	if s.en != nil {
		coord.Get("/people", s.peoplePage)
		coord.Get("/people/:id<int>", s.personPage)
		coord.Post("/people/:id<int>/erase", s.erasePerson)
	}

	app.Use(s.notFound)
}
