package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// fakeLeaflet stands for Leaflet's dist folder.
var fakeLeaflet = fstest.MapFS{
	"leaflet.js":  {Data: []byte("window.L = {};")},
	"leaflet.css": {Data: []byte(".leaflet-container { overflow: hidden; }")},
}

// withLeaflet rewires the env's app with Leaflet and a tile server.
func (e *env) withLeaflet(tiles string) {
	e.t.Helper()
	app, err := web.New(web.Deps{
		Workshops: e.svc, Accounts: e.acc, Enrollment: e.en, BaseURL: baseURL,
		Ready:   func(ctx context.Context) error { return migrations.Check(ctx, e.db) },
		Leaflet: fakeLeaflet, MapTiles: tiles, MapAttribution: "© Tuiles d'essai",
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.app = app
}

func TestMapPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newCalendarFixture(t, e)
		nowhere := wt.Structure(t, e.svc, func(s *workshops.Structure) {
			s.Name, s.Latitude, s.Longitude = "Association sans adresse précise", nil, nil
		})
		wt.Session(t, e.svc, wt.Workshop(t, e.svc, nowhere, nil), f.friday.StartsAt, nil)

		t.Run("WithoutLeafletThePageIsTheListOfPlacesByTown", func(t *testing.T) {
			resp, doc := e.page("/map")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := texts(doc.Find(".map-list h3")); !slices.Equal(got, []string{"Nancy", "Vandœuvre-lès-Nancy"}) {
				t.Errorf("towns = %q", got)
			}
			if got := texts(doc.Find(".map-place h4")); !slices.Equal(got, []string{"Association sans adresse précise", "Centre social Les Nations", "Médiathèque Jules-Verne"}) {
				t.Errorf("places = %q", got)
			}
			verne := doc.Find(`.map-place:has(h4 a[href="/structures/` + f.verne.Slug + `"])`)
			// The cancelled session is not counted: two scheduled sessions remain.
			if got := text(verne.Find(".map-count a")); got != "2 séances à venir à Médiathèque Jules-Verne" {
				t.Errorf("count = %q", got)
			}
			if got := verne.Find(".map-count a").AttrOr("href", ""); got != "/?structure="+f.verne.Slug {
				t.Errorf("sessions link = %q", got)
			}
			if got := attrs(verne.Find(".map-next a"), "href"); !slices.Equal(got, []string{sessionPath(f.tomorrow.ID), sessionPath(f.full.ID)}) {
				t.Errorf("next sessions = %q", got)
			}
			if verne.AttrOr("data-lat", "") != "48.692100" || verne.AttrOr("data-lng", "") != "6.184400" {
				t.Errorf("coordinates %q, %q", verne.AttrOr("data-lat", ""), verne.AttrOr("data-lng", ""))
			}
			if _, ok := doc.Find(`.map-place:contains("sans adresse")`).Attr("data-lat"); ok {
				t.Error("a place without coordinates has a pin")
			}
			if !strings.Contains(text(doc.Find(".map-list .hint")), "Un lieu n'a pas encore sa position") {
				t.Error("the page does not say a place is missing from the map")
			}
			if doc.Find("script, #carte").Length() != 0 {
				t.Error("a map or a script without Leaflet")
			}
		})

		t.Run("KeepsTheSearch", func(t *testing.T) {
			_, doc := e.page("/map?level=eloigne")
			if got := texts(doc.Find(".map-place h4")); !slices.Equal(got, []string{"Centre social Les Nations"}) {
				t.Errorf("places for éloigné = %q", got)
			}
			if got := doc.Find(".chips a").AttrOr("href", ""); got != "/map" {
				t.Errorf("chip = %q", got)
			}
			if got := doc.Find(`.views a[aria-current=page]`).AttrOr("href", ""); got != "/map?level=eloigne" {
				t.Errorf("current view = %q", got)
			}
			_, doc = e.page("/map?q=introuvable")
			if !strings.Contains(text(doc.Find(".empty")), "Aucun lieu n'a de séance à venir pour cette recherche") {
				t.Errorf("empty search: %q", text(doc.Find(".map-list")))
			}
			if resp, _ := e.get("/map?level=expert"); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown level: %d", resp.StatusCode)
			}
		})

		t.Run("WithLeafletTheMapIsDrawnFromTheTileServerOfTheSettings", func(t *testing.T) {
			e.withLeaflet("https://{s}.tuiles.example.fr/{z}/{x}/{y}.png")
			resp, doc := e.page("/map")
			scripts := attrs(doc.Find("head script[defer]"), "src")
			styles := attrs(doc.Find(`head link[rel=stylesheet]`), "href")
			if len(scripts) != 2 || !strings.HasPrefix(scripts[0], "/static/leaflet/leaflet.") || !strings.HasPrefix(scripts[1], "/static/map.") {
				t.Errorf("scripts = %q", scripts)
			}
			if len(styles) != 2 || !strings.HasPrefix(styles[0], "/static/leaflet/leaflet.") {
				t.Errorf("stylesheets = %q", styles)
			}
			m := doc.Find("#carte")
			if m.AttrOr("data-tiles", "") != "https://{s}.tuiles.example.fr/{z}/{x}/{y}.png" || m.AttrOr("data-attribution", "") != "© Tuiles d'essai" ||
				!strings.HasPrefix(m.AttrOr("data-marker", ""), "/static/marker.") {
				t.Errorf("map settings: %v", m.Nodes[0].Attr)
			}
			if _, hidden := m.Attr("hidden"); !hidden {
				t.Error("the map shows before its script runs")
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://*.tuiles.example.fr;") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("map CSP = %q", csp)
			}
			if resp, _ := e.get("/"); strings.Contains(resp.Header.Get("Content-Security-Policy"), "tuiles") {
				t.Error("the tile server is allowed beyond the map page")
			}
			for _, src := range append(scripts, styles[0]) {
				if resp, body := e.get(src); resp.StatusCode != http.StatusOK || body == "" {
					t.Errorf("GET %s = %d", src, resp.StatusCode)
				}
			}
			// The list stays the page: the same places, whatever the script does.
			if n := doc.Find(".map-place").Length(); n != 3 {
				t.Errorf("%d places listed", n)
			}
		})

		t.Run("TheTileServerMustBeAnAddressTemplate", func(t *testing.T) {
			for _, tiles := range []string{"tiles.example.fr/{z}/{x}/{y}.png", "https://tiles.example.fr/tile.png", "ftp://tiles.example.fr/{z}/{x}/{y}"} {
				if _, err := web.New(web.Deps{Workshops: e.svc, BaseURL: baseURL, Leaflet: fakeLeaflet, MapTiles: tiles}); err == nil {
					t.Errorf("tiles %q accepted", tiles)
				}
			}
		})
	})
}
