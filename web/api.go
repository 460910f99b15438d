package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// The read-only JSON API under /api/v1: shared plumbing (JSON writing, times, errors,
// query parameters) and the OpenAPI document. Resources live in api_sessions.go and
// api_catalog.go; write endpoints will sit beside them in their own files.

// apiPrefix is where the API lives; its links are built from it.
const apiPrefix = "/api/v1"

// openAPIDocument describes every API path, parameter, response and the Problem schema.
// Its server is the relative "/api/v1", so that it holds on any host.
//
//go:embed openapi.json
var openAPIDocument []byte

// apiOpenAPI serves the OpenAPI 3.1 document.
func (s *server) apiOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(openAPIDocument)
}

// apiJSON writes v as the JSON body of a 200 response. It encodes into a pooled buffer so
// that an encoding error is a clean 500, and leaves &, < and > unescaped: next_url links
// stay readable and the body is never HTML.
func apiJSON(c *fiber.Ctx, v any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Response().SetBody(buf.Bytes()) // copies: the buffer goes back to the pool
	return nil
}

// parisTime is an instant written as RFC 3339 in Europe/Paris, with the offset of its
// season: "2026-12-01T14:00:00+01:00", "2027-06-15T14:00:00+02:00".
type parisTime time.Time

// MarshalText writes the time in Europe/Paris, to the second.
func (t parisTime) MarshalText() ([]byte, error) {
	return time.Time(t).In(workshops.Paris).AppendFormat(make([]byte, 0, len(time.RFC3339)+6), time.RFC3339), nil
}

// apiItems is the envelope of a list that has no pagination (yet): clients read .items,
// so that paging or metadata can be added without breaking them.
type apiItems[T any] struct {
	Items []T `json:"items"`
}

// missing is a 404 that names the path parameter nobody matched (id, slug), so that the
// problem document says which value was not found.
type missing struct {
	param  string
	detail string
}

// Error names the parameter, for logs.
func (m missing) Error() string { return m.param + " " + workshops.ErrNotFound.Error() }

// Unwrap makes the error a workshops.ErrNotFound (hence 404) carrying a field message
// (hence errors[] in the problem document).
func (m missing) Unwrap() []error {
	return []error{workshops.ErrNotFound, &workshops.ValidationError{Fields: map[string]string{m.param: m.detail}}}
}

// notFoundAs turns a domain ErrNotFound into a missing naming param; other errors pass.
func notFoundAs(err error, param, detail string) error {
	if errors.Is(err, workshops.ErrNotFound) {
		return missing{param: param, detail: detail}
	}
	return err
}

// joinInvalid merges the validation errors of several parsers into one, so that a
// client learns about every bad parameter at once; any other error wins.
func joinInvalid(errs ...error) error {
	all := &workshops.ValidationError{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ve *workshops.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for k, msg := range ve.Fields {
			all.Add(k, msg)
		}
	}
	return all.Err()
}

// apiLimit reads the page size parameter of lists that are not sessions (same bounds and
// message as parsePage).
func apiLimit(c *fiber.Ctx) (int, error) {
	raw := strings.TrimSpace(c.Query(paramLimit))
	if raw == "" {
		return workshops.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > workshops.MaxPageSize {
		return 0, &workshops.ValidationError{Fields: map[string]string{
			paramLimit: "Indiquez un nombre de résultats par page entre 1 et 200.",
		}}
	}
	return n, nil
}

// queryList returns the non-empty values of a repeatable query parameter.
func queryList(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Context().QueryArgs().PeekMulti(name) {
		if s := strings.TrimSpace(string(v)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// optional returns nil for an empty string, for fields that are null when unset.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orEmpty keeps JSON arrays as [] rather than null.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// truncateRunes shortens what a client typed before quoting it back.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// pathOf returns the public path of a resource from its slug.
func pathOf(collection, slug string) string {
	return "/" + collection + "/" + url.PathEscape(slug)
}

// apiPathParam returns a path parameter as the client typed it (Fiber leaves it escaped).
func apiPathParam(c *fiber.Ctx, name string) string {
	raw := c.Params(name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return strings.TrimSpace(raw)
}

// apiQueryValue returns a single query parameter, trimmed.
func apiQueryValue(c *fiber.Ctx, name string) string {
	return strings.TrimSpace(c.Query(name))
}

// withoutFields drops from a validation error the parameters an endpoint ignores.
func withoutFields(err error, names ...string) error {
	var ve *workshops.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, n := range names {
		delete(ve.Fields, n)
	}
	return ve.Err()
}
