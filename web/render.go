package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates
var templateFS embed.FS

// views is the template cache: one template set per page, each holding the layout, the
// partials and that page. Parsed once, at start.
type views struct {
	pages map[string]*template.Template
}

// Layout is what the layout template needs from every page.
type Layout struct {
	// Title says where the user is, without the site name (the layout appends it).
	Title string
	// Description is the page's meta description.
	Description string
	// FeedURL, when set, is announced as the page's iCalendar alternate.
	FeedURL string
	// Now is the time of the request, for relative dates ("dans 3 jours").
	Now time.Time
	// Nav names the current section for the navigation ("calendar", "structures").
	Nav string
	// User is the signed-in person, nil for visitors.
	User *userNav
	// CSRF is the token every state-changing form repeats in its _csrf field.
	CSRF string
	// Flash says what the action that led here did (see flash.go).
	Flash string
	// PromptTOTP asks a coordinator without a second factor to turn it on.
	PromptTOTP bool
	// Styles and Scripts are the content-hashed URLs of the page's own stylesheets and
	// scripts, beside the site's stylesheet (scripts are deferred, and only enhance).
	Styles, Scripts []string
}

// userNav is what the layout shows of the signed-in person.
type userNav struct {
	Name         string
	Coordinator  bool
	Member       bool
	Professional bool
}

func loadViews(st *staticFiles) (*views, error) {
	funcs := templateFuncs(st)
	partials, err := fs.Glob(templateFS, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, p := range pages {
		// Pages meant to be framed by other sites (embed*.html) have a layout of their own,
		// without the site's header.
		layout := "templates/layout.html"
		if strings.HasPrefix(path.Base(p), "embed") {
			layout = "templates/embed_layout.html"
		}
		files := append([]string{layout}, partials...)
		files = append(files, p)
		t, err := template.New(path.Base(layout)).Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", p, err)
		}
		v.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return v, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (v *views) execute(w io.Writer, page string, data any) error {
	t, ok := v.pages[page]
	if !ok {
		return fmt.Errorf("no template for page %q", page)
	}
	return t.ExecuteTemplate(w, t.Name(), data)
}

// render writes a page with a status. It renders into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (s *server) render(c *fiber.Ctx, status int, page string, data any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := s.views.execute(buf, page, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Status(status)
	c.Response().SetBody(buf.Bytes()) // copies: the buffer goes back to the pool
	return nil
}

// layout returns the common page fields.
func (s *server) layout(c *fiber.Ctx, title, nav string) Layout {
	l := Layout{Title: title, Nav: nav, Now: s.ws.Now()}
	if p := principal(c); p != nil {
		l.User = &userNav{Name: p.Actor().Name, Coordinator: p.Coordinator(), Member: p.Member(), Professional: p.OrientingProfessional()}
		l.PromptTOTP = p.Coordinator() && !p.User.HasTOTP()
	}
	l.CSRF, _ = c.Locals(csrfKey).(string)
	l.Flash = flashMessage(c.Query("flash"))
	return l
}

// errorPage is the data of the error page.
type errorPage struct {
	Layout
	Status  int
	Message string
	Detail  string
}

func (s *server) renderError(c *fiber.Ctx, status int, err error) error {
	p := errorPage{Layout: s.layout(c, frenchTitle(status), ""), Status: status, Message: frenchTitle(status),
		Detail: strings.TrimSpace(problemDetail(err, status))}
	if status == fiber.StatusNotFound {
		p.Layout.Title = "Page introuvable"
	}
	if rerr := s.render(c, status, "error", p); rerr != nil {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(p.Message)
	}
	return nil
}
