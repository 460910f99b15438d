package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
)

func TestEmbedPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newCalendarFixture(t, e)

		t.Run("OnlyTheEmbedMayBeFramedByOtherSites", func(t *testing.T) {
			for path, framed := range map[string]bool{
				"/embed":                           true,
				"/embed?structure=" + f.verne.Slug: true,
				"/embed?level=expert":              true, // its error page too
				"/":                                false,
				"/month":                           false,
				"/structures/" + f.verne.Slug:      false,
				sessionPath(f.today.ID):            false,
				"/login":                           false,
			} {
				resp, _ := e.get(path)
				csp, xfo := resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options")
				if framed {
					if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'none'") || xfo != "" {
						t.Errorf("%s: CSP %q, X-Frame-Options %q: other sites cannot frame it", path, csp, xfo)
					}
					// The rest of the policy stays: no script, no inline style.
					if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") {
						t.Errorf("%s: CSP %q lost its other rules", path, csp)
					}
				} else if !strings.Contains(csp, "frame-ancestors 'none'") || xfo != "DENY" {
					t.Errorf("%s: CSP %q, X-Frame-Options %q: framing allowed", path, csp, xfo)
				}
			}
		})

		t.Run("ListsTheNextSessionsOfTheSearchCompactly", func(t *testing.T) {
			resp, doc := e.page("/embed?structure=" + f.verne.Slug)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := text(doc.Find("h1")); got != "Prochains ateliers numériques : Médiathèque Jules-Verne" {
				t.Errorf("h1 = %q", got)
			}
			if doc.Find("header, nav, footer, form").Length() != 0 {
				t.Error("the embed carries the site's header, menu or forms")
			}
			var hrefs []string
			doc.Find(".embed-list a").Each(func(_ int, a *goquery.Selection) {
				hrefs = append(hrefs, a.AttrOr("href", ""))
				if a.AttrOr("target", "") != "_blank" || a.AttrOr("rel", "") != "noopener" {
					t.Errorf("link %q does not open a new tab safely", a.AttrOr("href", ""))
				}
			})
			want := []string{baseURL + sessionPath(f.tomorrow.ID), baseURL + sessionPath(f.full.ID), baseURL + sessionPath(f.gone.ID)}
			if !slices.Equal(hrefs, want) {
				t.Errorf("sessions = %q, want %q", hrefs, want)
			}
			if got := texts(doc.Find(".embed-list .badge")); !slices.Equal(got, []string{"Complet", "Annulée"}) {
				t.Errorf("badges = %q", got)
			}
			if got := doc.Find(".embed-more a").AttrOr("href", ""); got != baseURL+"/?structure="+f.verne.Slug {
				t.Errorf("more = %q", got)
			}
		})

		t.Run("ShowsTenSessionsUnlessAskedForMore", func(t *testing.T) {
			_, doc := e.page("/embed?limit=2")
			if n := doc.Find(".embed-list li").Length(); n != 2 {
				t.Errorf("%d sessions with limit=2", n)
			}
			if got := text(doc.Find(".embed-more a")); got != "Voir toutes les séances et s'abonner" {
				t.Errorf("more = %q", got)
			}
			if _, doc := e.page("/embed?city=Vandœuvre-lès-Nancy"); text(doc.Find("h1")) != "Prochains ateliers numériques à Vandœuvre-lès-Nancy" {
				t.Errorf("h1 for a town = %q", text(doc.Find("h1")))
			}
		})

		t.Run("TheStructurePageOffersTheSnippet", func(t *testing.T) {
			_, doc := e.page("/structures/" + f.verne.Slug)
			code := doc.Find("textarea#embed-snippet").Text()
			want := `<iframe src="` + baseURL + `/embed?structure=` + f.verne.Slug + `" title="Prochains ateliers numériques : Médiathèque Jules-Verne"`
			if !strings.HasPrefix(code, want) || !strings.HasSuffix(code, "></iframe>") {
				t.Errorf("snippet = %q", code)
			}
			if doc.Find(`label[for=embed-snippet]`).Length() != 1 {
				t.Error("the snippet has no label")
			}
		})

		t.Run("AWrongSearchIsABadRequest", func(t *testing.T) {
			for _, q := range []string{"level=expert", "limit=0", "from=2026-02-30"} {
				if resp, _ := e.get("/embed?" + q); resp.StatusCode != http.StatusBadRequest {
					t.Errorf("/embed?%s = %d", q, resp.StatusCode)
				}
			}
		})
	})
}
