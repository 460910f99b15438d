package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// mapSettings is how the map page draws its map; nil draws none (Leaflet is missing).
type mapSettings struct {
	tiles, attribution string
	// policy is the page's Content Security Policy: the site's, with images from the
	// tile server.
	policy string
	// styles and scripts are the content-hashed URLs the page loads.
	styles, scripts []string
	marker          string
}

// newMapSettings checks the tile server's URL template and returns the map's settings,
// or nil when Leaflet was not given.
func newMapSettings(d Deps, st *staticFiles) (*mapSettings, error) {
	if d.Leaflet == nil {
		return nil, nil
	}
	m := &mapSettings{tiles: d.MapTiles, attribution: d.MapAttribution}
	if m.tiles == "" {
		m.tiles, m.attribution = DefaultMapTiles, DefaultMapAttribution
	}
	origin, err := tileOrigin(m.tiles)
	if err != nil {
		return nil, err
	}
	m.policy = strings.Replace(contentSecurityPolicy, "img-src 'self' data:", "img-src 'self' data: "+origin, 1)
	m.styles = []string{st.url("leaflet/leaflet.css")}
	m.scripts = []string{st.url("leaflet/leaflet.js"), st.url("map.js")}
	m.marker = st.url("marker.svg")
	return m, nil
}

// tileOrigin returns the CSP source of a tile server's URL template: its scheme and
// host, with a {s} subdomain as a wildcard.
func tileOrigin(tiles string) (string, error) {
	const anySub = "subdomain-wildcard"
	u, err := url.Parse(strings.NewReplacer("{s}", anySub, "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tiles))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		!strings.Contains(tiles, "{z}") || !strings.Contains(tiles, "{x}") || !strings.Contains(tiles, "{y}") {
		return "", fmt.Errorf("web: map tiles %q: expected an http(s) URL template with {z}, {x} and {y}", tiles)
	}
	return u.Scheme + "://" + strings.ReplaceAll(u.Host, anySub, "*"), nil
}

// mapView is the data of the map page (/map): the places that hold upcoming sessions of
// a search, by town, each with its next sessions. The list is the page; with Leaflet and
// JavaScript, map.js draws the same places on a map above it.
type mapView struct {
	Layout
	Views  viewLinks
	Chips  []chip
	Towns  []mapTown
	Count  int
	NoPins int
	Map    *mapFrame
}

// mapFrame is what map.js needs to draw the map.
type mapFrame struct {
	Tiles, Attribution, Marker string
}

// mapTown is the places of one town.
type mapTown struct {
	Town   string
	Anchor string
	Places []mapPlace
}

// mapPlace is a structure on the map.
type mapPlace struct {
	Name, URL, Address string
	// Lat and Lng are empty when the structure has no coordinates: it is only listed.
	Lat, Lng string
	Count    string
	Next     []mapSession
	// SessionsURL is the list of its sessions matching the search.
	SessionsURL string
	More        bool
}

// mapSession is one of a place's next sessions.
type mapSession struct {
	URL, When, ISO, Title, Seats string
}

// mapPage is /map: the map of the places with upcoming sessions matching the calendar's
// filters; without JavaScript (or Leaflet), the list of these places by town.
func (s *server) mapPage(c *fiber.Ctx) error {
	f, ferr := parseFilter(c)
	if ferr != nil {
		return invalidQuery(ferr)
	}
	m, err := s.ws.StructureMap(c.UserContext(), f)
	if err != nil {
		return invalidQuery(err)
	}
	v := mapView{Layout: s.layout(c, "Carte des lieux et de leurs séances", "calendar")}
	v.Description = "La carte des lieux qui proposent des ateliers numériques, avec leurs prochaines séances."
	v.Views = newViewLinks(f, workshops.Date{}, "map")
	structures := make([]workshops.Structure, len(m.Entries))
	for i, e := range m.Entries {
		structures[i] = e.Structure
	}
	v.Chips = filterChips(func(g workshops.Filter) string { return withQuery("/map", filterValues(g)) }, f, m.Vocabulary, structures)
	v.Title = titleWithChips(v.Title, v.Chips)
	var lastKey string
	for _, e := range m.Entries {
		st := &e.Structure
		if len(v.Towns) == 0 || st.TownKey != lastKey {
			v.Towns = append(v.Towns, mapTown{Town: st.Town, Anchor: "commune-" + workshops.Slugify(st.Town)})
			lastKey = st.TownKey
		}
		g := f
		g.Structures = []string{st.Slug}
		p := mapPlace{
			Name: st.Name, URL: structureURL(st.Slug), Address: st.Location().OneLine(),
			Count:       plural(e.Upcoming, "séance à venir", "séances à venir"),
			SessionsURL: listURL(g), More: e.Upcoming > len(e.Next),
		}
		if st.Latitude != nil && st.Longitude != nil {
			p.Lat = strconv.FormatFloat(*st.Latitude, 'f', 6, 64)
			p.Lng = strconv.FormatFloat(*st.Longitude, 'f', 6, 64)
		} else {
			v.NoPins++
		}
		for i := range e.Next {
			sess := &e.Next[i]
			ms := mapSession{URL: sessionURL(sess.ID), When: frDay(sess.StartsAt) + ", " + frTime(sess.StartsAt),
				ISO: isoTime(sess.StartsAt), Seats: seatsText(sess)}
			if sess.Workshop != nil {
				ms.Title = sess.Workshop.Title
			}
			p.Next = append(p.Next, ms)
		}
		town := &v.Towns[len(v.Towns)-1]
		town.Places = append(town.Places, p)
		v.Count++
	}
	if s.maps != nil && v.Count > v.NoPins {
		c.Set(fiber.HeaderContentSecurityPolicy, s.maps.policy)
		v.Styles, v.Scripts = s.maps.styles, s.maps.scripts
		v.Map = &mapFrame{Tiles: s.maps.tiles, Attribution: s.maps.attribution, Marker: s.maps.marker}
	}
	return s.render(c, http.StatusOK, "map", v)
}
