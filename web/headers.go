package web

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// contentSecurityPolicy allows only our own scripts, styles and images, and forbids
// framing by other sites.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries; HSTS only over HTTPS (directly,
// or through a trusted proxy that says so).
func securityHeaders() fiber.Handler {
	return helmet.New(helmet.Config{
		ContentSecurityPolicy: contentSecurityPolicy,
		// same-origin, not helmet's no-referrer: CSRF checks compare the Referer of HTTPS
		// form posts.
		ReferrerPolicy:            "same-origin",
		XFrameOptions:             "DENY",
		HSTSMaxAge:                63072000,
		CrossOriginEmbedderPolicy: "unsafe-none",
		// Feeds and the API are meant to be fetched from anywhere.
		CrossOriginResourcePolicy: "cross-origin",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), interest-cohort=()",
	})
}

// rejectNUL answers 400 to a path or query parameter holding a NUL byte: no page, feed or
// API call has any use for one, and databases refuse them in queries.
func rejectNUL(c *fiber.Ctx) error {
	bad := strings.ContainsRune(c.Path(), 0)
	if !bad {
		c.Context().QueryArgs().VisitAll(func(k, v []byte) {
			bad = bad || bytes.IndexByte(k, 0) >= 0 || bytes.IndexByte(v, 0) >= 0
		})
	}
	if bad {
		return fiber.NewError(fiber.StatusBadRequest, "L'adresse contient un caractère invalide.")
	}
	return c.Next()
}
