package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded static files under content-hashed names
// ("/static/style.3f2a9c1b.css"), which may be cached for a year.
type staticFiles struct {
	byName   map[string]string // "style.css" → "style.3f2a9c1b.css"
	byHashed map[string]asset  // "style.3f2a9c1b.css" → content
}

type asset struct {
	body        []byte
	contentType string
}

// leafletFiles are the files of Leaflet's dist folder that the map needs: the map draws
// its own markers, so Leaflet's images are never asked for.
var leafletFiles = []string{"leaflet.js", "leaflet.css"}

// loadStatic hashes the embedded static files and, when leaflet is not nil, Leaflet's
// files, served as leaflet/leaflet.js and leaflet/leaflet.css.
func loadStatic(leaflet fs.FS) (*staticFiles, error) {
	st := &staticFiles{byName: map[string]string{}, byHashed: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		st.add(strings.TrimPrefix(p, "static/"), body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	if leaflet != nil {
		for _, name := range leafletFiles {
			body, err := fs.ReadFile(leaflet, name)
			if err != nil {
				return nil, fmt.Errorf("load Leaflet: %w", err)
			}
			st.add("leaflet/"+name, body)
		}
	}
	return st, nil
}

// add serves a file under its content-hashed name.
func (st *staticFiles) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = "application/octet-stream"
	}
	st.byName[name] = hashed
	st.byHashed[hashed] = asset{body: body, contentType: ct}
}

// has reports whether a static file exists.
func (st *staticFiles) has(name string) bool {
	_, ok := st.byName[name]
	return ok
}

// url returns the content-hashed URL of a static file. It panics on an unknown name so
// that a typo in a template fails every test that renders it.
func (st *staticFiles) url(name string) string {
	hashed, ok := st.byName[name]
	if !ok {
		panic("web: unknown static file " + name)
	}
	return "/static/" + hashed
}

func (s *server) serveStatic(c *fiber.Ctx) error {
	a, ok := s.static.byHashed[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(a.body)
}
