package web_test

import (
	"net/http"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestNULBytesAreRefusedNotCrashed: databases refuse NUL bytes in queries; a NUL in a
// path or a filter is a bad request, never a 500.
func TestNULBytesAreRefusedNotCrashed(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		for _, path := range []string{
			"/api/v1/workshops/%00", "/api/v1/structures/%00", "/api/v1/sessions?structure=%00",
			"/workshops/a%00b", "/structures/%00", "/?structure=%00", "/calendar.ics?q=%00", "/?level=%00",
		} {
			// 404 for a path (no such slug), 400 for a query parameter.
			if resp, body := e.get(path); resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d %.200s, want 400 or 404", path, resp.StatusCode, body)
			}
		}
	})
}
