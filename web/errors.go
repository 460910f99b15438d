package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// Problem is an RFC 9457 problem document, the body of every API error.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []ProblemField `json:"errors,omitempty"`
}

// ProblemField names one invalid input and says what is wrong with it, in French.
type ProblemField struct {
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

// badRequest is a validation error that answers 400 rather than 422: malformed query
// parameters (filters, cursors) rather than an invalid submitted document.
type badRequest struct{ *workshops.ValidationError }

func (b badRequest) Unwrap() error { return b.ValidationError }

// invalidQuery wraps a validation error of query parameters so that it answers 400.
func invalidQuery(err error) error {
	var ve *workshops.ValidationError
	if errors.As(err, &ve) {
		return badRequest{ve}
	}
	return err
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	var fe *fiber.Error
	var br badRequest
	var ve *workshops.ValidationError
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest
	// Not found before validation: an API 404 may carry a field message naming the
	// parameter that matched nothing (see missing in api.go).
	case errors.Is(err, workshops.ErrNotFound):
		return http.StatusNotFound
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity
	case errors.Is(err, workshops.ErrConflict), errors.Is(err, enrollment.ErrFull), errors.Is(err, enrollment.ErrClosed),
		errors.Is(err, enrollment.ErrAlreadyEnrolled):
		return http.StatusConflict
	case errors.Is(err, workshops.ErrForbidden), errors.Is(err, accounts.ErrDisabled):
		return http.StatusForbidden
	case errors.As(err, &fe):
		return fe.Code
	}
	return http.StatusInternalServerError
}

// frenchTitle is the short French explanation of a status.
func frenchTitle(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "La demande contient des valeurs incorrectes."
	case http.StatusUnauthorized:
		return "Identification nécessaire."
	case http.StatusForbidden:
		return "Vous n'avez pas accès à cette action."
	case http.StatusNotFound:
		return "Page introuvable."
	case http.StatusMethodNotAllowed:
		return "Cette action n'est pas possible ici."
	case http.StatusConflict:
		return "Cette action n'est plus possible."
	case http.StatusRequestEntityTooLarge:
		return "La demande est trop volumineuse."
	case http.StatusUnsupportedMediaType:
		return "Le format de la demande n'est pas pris en charge."
	case http.StatusUnprocessableEntity:
		return "Certaines informations sont à corriger."
	case http.StatusTooManyRequests:
		return "Trop de demandes : merci de patienter une minute."
	case http.StatusServiceUnavailable:
		return "Le service est momentanément indisponible."
	}
	if status >= 500 {
		return "Désolés, une erreur s'est produite de notre côté. Réessayez dans quelques instants."
	}
	return http.StatusText(status)
}

// handleError is the one place where errors become responses: problem+json under /api/,
// a French HTML page elsewhere. Only 5xx are logged, with method, path and error.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", loggedPath(c.Path()), "status", status, "error", err)
	}
	if isAPIPath(c.Path()) {
		return s.writeProblem(c, status, err)
	}
	if isFeedPath(c.Path()) {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(frenchTitle(status) + problemDetail(err, status) + "\n")
	}
	return s.renderError(c, status, err)
}

// problemDetail returns the French detail of an error that may be shown to users.
func problemDetail(err error, status int) string {
	var ve *workshops.ValidationError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ve):
		return " " + strings.Join(sortedMessages(ve), " ")
	case status == http.StatusConflict:
		msg := err.Error()
		if _, after, ok := strings.Cut(msg, ": "); ok {
			msg = after
		}
		// The domain's conflicts are French sentences without their capital and stop.
		if r := []rune(msg); len(r) > 0 {
			msg = strings.ToUpper(string(r[0])) + string(r[1:])
		}
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		return " " + msg
	case errors.As(err, &fe) && status < 500 && fe.Message != http.StatusText(status):
		return " " + fe.Message
	}
	return ""
}

func sortedMessages(ve *workshops.ValidationError) []string {
	keys := make([]string, 0, len(ve.Fields))
	for k := range ve.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, ve.Fields[k])
	}
	return out
}

func (s *server) writeProblem(c *fiber.Ctx, status int, err error) error {
	p := Problem{
		Type:   "about:blank",
		Title:  frenchTitle(status),
		Status: status,
		Detail: strings.TrimSpace(problemDetail(err, status)),
	}
	var ve *workshops.ValidationError
	if errors.As(err, &ve) {
		p.Type = s.abs("/api/v1/openapi.json#/components/schemas/Problem")
		keys := make([]string, 0, len(ve.Fields))
		for k := range ve.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p.Errors = append(p.Errors, ProblemField{Name: k, Detail: ve.Fields[k]})
		}
	}
	c.Status(status)
	if err := c.JSON(p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return nil
}

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }

func isFeedPath(p string) bool { return strings.HasSuffix(p, ".ics") }

// notFound answers every unknown path.
func (s *server) notFound(c *fiber.Ctx) error { return workshops.ErrNotFound }

// apiNotFound answers unknown API paths.
func (s *server) apiNotFound(c *fiber.Ctx) error { return workshops.ErrNotFound }
