// Package web is all of Escale's HTTP: the route table, HTML pages, JSON API, iCalendar
// feeds, templates and static files. Handlers read input, call one domain method and
// render; they never touch SQL.
package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/workshops"
)

// Deps is what the web layer needs from the rest of the program.
type Deps struct {
	// Workshops is the calendar domain.
	Workshops *workshops.Service
	// Accounts signs people in; nil serves only the public calendar (no sign-in).
	Accounts *accounts.Service
	// Enrollment books seats; nil serves no enrollment pages.
	Enrollment *enrollment.Service
	// Notices composes the messages to the people enrolled; nil serves no structure's
	// messages page.
	Notices *notices.Service
	// BaseURL is the public address of the site (ESCALE_BASE_URL), used for absolute
	// links in feeds and for the host part of feed UIDs, e.g. "https://agenda.example.fr".
	BaseURL string
	// Ready tells whether the database is reachable and migrated (for /readyz).
	Ready func(ctx context.Context) error
	// Logger receives 5xx errors; nil means slog.Default().
	Logger *slog.Logger
	// TrustedProxies are the addresses whose X-Forwarded-* headers are believed.
	TrustedProxies []string
	// RetentionDays is how long personal data is kept after a booking's last session
	// (ESCALE_RETENTION_DAYS), as the consent texts say; zero means 365.
	RetentionDays int
	// Leaflet holds Leaflet's leaflet.js and leaflet.css (the dist folder of the npm
	// package); nil shows the map page as its list of places, without a map.
	Leaflet fs.FS
	// MapTiles is the tile server's URL template ({z}/{x}/{y}, optional {s} and {r}), and
	// MapAttribution the credit it requires; see DefaultMapTiles.
	MapTiles       string
	MapAttribution string
}

// DefaultMapTiles and DefaultMapAttribution are OpenStreetMap's own tile server, whose
// usage policy suits a small site (set ESCALE_MAP_TILES for a larger one).
const (
	DefaultMapTiles       = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultMapAttribution = "© les contributeurs d'OpenStreetMap"
)

// server holds the handlers' shared state.
type server struct {
	ws      *workshops.Service
	acc     *accounts.Service
	en      *enrollment.Service
	notices *notices.Service
	// editor changes sessions: the enrollment service when there is one.
	editor   sessionEditing
	sessions *session.Store
	base     *url.URL
	host     string
	ready    func(ctx context.Context) error
	log      *slog.Logger
	views    *views
	static   *staticFiles
	maps     *mapSettings
	feeds    *feedCache
	events   *ics.EventCache
	started  time.Time
	// retentionDays is how long personal data is kept, for the consent texts.
	retentionDays int
}

// New builds the Fiber application: it parses every template and hashes every static
// file first, so that a broken template stops the program at start.
func New(d Deps) (*fiber.App, error) {
	_, app, err := newServer(d)
	return app, err
}

// newServer is New, also returning the handlers' state for in-package benchmarks.
func newServer(d Deps) (*server, *fiber.App, error) {
	if d.Workshops == nil {
		return nil, nil, errors.New("web: Deps.Workshops is required")
	}
	base, err := url.Parse(strings.TrimRight(d.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, nil, fmt.Errorf("web: base URL %q must be absolute, like https://agenda.example.fr", d.BaseURL)
	}
	st, err := loadStatic(d.Leaflet)
	if err != nil {
		return nil, nil, err
	}
	maps, err := newMapSettings(d, st)
	if err != nil {
		return nil, nil, err
	}
	v, err := loadViews(st)
	if err != nil {
		return nil, nil, err
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &server{
		ws:      d.Workshops,
		acc:     d.Accounts,
		en:      d.Enrollment,
		editor:  d.Workshops,
		notices: d.Notices,
		base:    base,
		host:    base.Hostname(),
		ready:   d.Ready,
		log:     logger,
		views:   v,
		static:  st,
		maps:    maps,
		feeds:   newFeedCache(d.Workshops.Changes()),
		events:  ics.NewEventCache(feedEventCacheSize),
		started: time.Now(),

		retentionDays: cmp.Or(d.RetentionDays, 365),
	}
	app := fiber.New(fiber.Config{
		AppName:                 "Escale",
		ErrorHandler:            s.handleError,
		Immutable:               true,
		DisableStartupMessage:   true,
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            60 * time.Second,
		IdleTimeout:             120 * time.Second,
		BodyLimit:               1 << 20,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.TrustedProxies,
		ProxyHeader:             proxyHeader(d.TrustedProxies),
	})
	if d.Enrollment != nil {
		s.editor = d.Enrollment
	}
	if d.Accounts != nil {
		s.sessions = newSessionStore(d.Accounts.NewStorage("session"))
	}
	s.routes(app)
	return s, app, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// abs returns the absolute URL of a path on the public site.
func (s *server) abs(path string) string {
	return s.base.String() + path
}
