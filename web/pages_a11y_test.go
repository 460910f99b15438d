package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestPagesFollowTheAccessibilityRules checks, on every kind of public page, the rules a
// machine can check: French language, one h1 and no skipped heading level, a title that
// says where one is, a skip link, labelled fields, pictograms with a text alternative, no
// script, no inline style (the CSP forbids it), unique ids and in-page links that land.
func TestPagesFollowTheAccessibilityRules(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newCalendarFixture(t, e)
		past := wt.Session(t, e.svc, f.caf, wt.Paris(t, 2026, time.November, 20, 14, 0), nil)
		pages := []struct {
			path   string
			status int
		}{
			{"/", http.StatusOK},
			{"/?level=debutant&theme=ludique&available=1", http.StatusOK},
			{"/?q=aquarelle", http.StatusOK},
			{"/?from=2025-13-45&level=expert", http.StatusBadRequest},
			{"/month", http.StatusOK},
			{"/month?month=2026-12&level=debutant", http.StatusOK},
			{"/map", http.StatusOK},
			{"/map?level=avance", http.StatusOK},
			{sessionPath(f.today.ID), http.StatusOK},
			{sessionPath(f.gone.ID), http.StatusOK},
			{sessionPath(past.ID), http.StatusOK},
			{"/workshops/" + f.games.Slug, http.StatusOK},
			{"/structures", http.StatusOK},
			{"/structures/" + f.verne.Slug, http.StatusOK},
			{"/nulle-part", http.StatusNotFound},
		}
		for _, p := range pages {
			t.Run(p.path, func(t *testing.T) {
				resp, doc := e.page(p.path)
				if resp.StatusCode != p.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, p.status)
				}
				for _, problem := range accessibilityProblems(doc) {
					t.Error(problem)
				}
			})
		}
	})
}

func accessibilityProblems(doc *goquery.Document) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	if lang := doc.Find("html").AttrOr("lang", ""); lang != "fr" {
		add("html lang = %q", lang)
	}
	title := text(doc.Find("head title"))
	if !strings.HasSuffix(title, " — Escale, les ateliers numériques") || strings.HasPrefix(title, " — ") {
		add("title %q does not say where one is", title)
	}
	if n := doc.Find("h1").Length(); n != 1 {
		add("%d h1", n)
	}
	prev := 0
	doc.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, h *goquery.Selection) {
		level := int(goquery.NodeName(h)[1] - '0')
		if prev == 0 && level != 1 {
			add("first heading is %s %q", goquery.NodeName(h), text(h))
		}
		if level > prev+1 && prev != 0 {
			add("heading %s %q follows an h%d", goquery.NodeName(h), text(h), prev)
		}
		prev = level
	})
	skip := doc.Find("body a").First()
	if href := skip.AttrOr("href", ""); href != "#contenu" || doc.Find("main#contenu").Length() != 1 {
		add("the first link is %q, not a skip link to the main content", href)
	}
	if n := doc.Find("script, style, [style]").Length(); n != 0 {
		add("%d scripts or inline styles", n)
	}
	if n := doc.Find(`link[rel=stylesheet]`).Length(); n != 1 {
		add("%d stylesheets, want one", n)
	}
	ids := map[string]bool{}
	doc.Find("[id]").Each(func(_ int, el *goquery.Selection) {
		id := el.AttrOr("id", "")
		if ids[id] {
			add("duplicate id %q", id)
		}
		ids[id] = true
	})
	doc.Find(`a[href^="#"]`).Each(func(_ int, a *goquery.Selection) {
		if id := strings.TrimPrefix(a.AttrOr("href", ""), "#"); !ids[id] {
			add("link %q leads to no element", a.AttrOr("href", ""))
		}
	})
	doc.Find(`[aria-describedby]`).Each(func(_ int, el *goquery.Selection) {
		for _, id := range strings.Fields(el.AttrOr("aria-describedby", "")) {
			if !ids[id] {
				add("aria-describedby names a missing %q", id)
			}
		}
	})
	doc.Find(`input:not([type=hidden]), select, textarea`).Each(func(_ int, in *goquery.Selection) {
		id := in.AttrOr("id", "")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			add("field %s name=%q has no label", goquery.NodeName(in), in.AttrOr("name", ""))
		}
	})
	doc.Find("svg").Each(func(_ int, svg *goquery.Selection) {
		hidden := svg.AttrOr("aria-hidden", "") == "true"
		if !hidden && (svg.AttrOr("role", "") != "img" || svg.AttrOr("aria-label", "") == "") {
			add("a pictogram has no text alternative")
		}
	})
	doc.Find("a").Each(func(_ int, a *goquery.Selection) {
		if text(a) == "" && a.AttrOr("aria-label", "") == "" {
			add("link %q has no text", a.AttrOr("href", ""))
		}
	})
	return out
}
