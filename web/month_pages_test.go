package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
)

// monthDays returns the day headings of the month grid, as a screen reader reads them.
func monthDays(doc *goquery.Document) []string { return texts(doc.Find(".month-grid .cell h3 .long")) }

// monthTitles returns the titles of a day's sessions (ISO date) in the month grid.
func monthTitles(doc *goquery.Document, iso string) []string {
	return texts(doc.Find(`.month-grid .cell:has(h3 time[datetime="` + iso + `"]) li a`))
}

func TestMonthPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newCalendarFixture(t, e)

		t.Run("ShowsTheCurrentMonthDayByDay", func(t *testing.T) {
			resp, doc := e.page("/month")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /month = %d", resp.StatusCode)
			}
			if got := text(doc.Find("h1")); got != "Calendrier de novembre 2026" {
				t.Errorf("h1 = %q", got)
			}
			want := []string{"mardi 24 novembre (aujourd'hui)", "mercredi 25 novembre", "vendredi 27 novembre"}
			if got := monthDays(doc); !slices.Equal(got, want) {
				t.Errorf("days with sessions = %q, want %q", got, want)
			}
			if got := monthTitles(doc, "2026-11-27"); !slices.Equal(got, []string{"14 h Démarches en ligne : la CAF", "16 h Jeux vidéo en famille"}) {
				t.Errorf("Friday = %q", got)
			}
			if doc.Find(`.month-grid .cell:has(time[datetime="2026-11-27"]) li:contains("Jeux vidéo") .badge`).Text() != "Complet" {
				t.Error("the full session is not marked Complet in words")
			}
			if n := doc.Find(".month-grid > li").Length(); n%7 != 0 || n < 28 {
				t.Errorf("%d cells: not whole weeks", n)
			}
			// 1 November 2026 is a Sunday: six days of October pad the first week.
			if n := doc.Find(".month-grid > li").FilterFunction(func(i int, s *goquery.Selection) bool {
				return i < 7 && s.HasClass("pad")
			}).Length(); n != 6 {
				t.Errorf("%d padding days before Sunday 1 November, want 6", n)
			}
			if doc.Find(`.month-grid .pad[aria-hidden=true]`).Length() == 0 || doc.Find(`.month-grid .none:not([aria-hidden=true])`).Length() != 0 {
				t.Error("empty days are read aloud")
			}
			if got := doc.Find(`.views a[aria-current=page]`).Text(); got != "Mois" {
				t.Errorf("current view = %q", got)
			}
			if doc.Find("script").Length() != 0 {
				t.Error("the month view needs a script")
			}
		})

		t.Run("AnotherMonthShowsItsCancelledSessionsInWords", func(t *testing.T) {
			_, doc := e.page("/month?month=2026-12")
			if got := text(doc.Find("h1")); got != "Calendrier de décembre 2026" {
				t.Errorf("h1 = %q", got)
			}
			cell := doc.Find(`.month-grid .cell:has(time[datetime="2026-12-01"])`)
			if cell.Find(`a[href="`+sessionPath(f.gone.ID)+`"]`).Length() != 1 || cell.Find(".badge.alert").Text() != "Annulée" {
				t.Errorf("1 December: %q", text(cell))
			}
		})

		t.Run("KeepsTheFiltersAcrossMonthsAndViews", func(t *testing.T) {
			_, doc := e.page("/month?month=2026-11&level=eloigne")
			if got := monthDays(doc); !slices.Equal(got, []string{"mardi 24 novembre (aujourd'hui)", "vendredi 27 novembre"}) {
				t.Errorf("days for level éloigné = %q", got)
			}
			links := map[string]string{
				"prev":  doc.Find(`.month-pager a[rel=prev]`).AttrOr("href", ""),
				"next":  doc.Find(`.month-pager a[rel=next]`).AttrOr("href", ""),
				"chip":  doc.Find(`.chips a`).AttrOr("href", ""),
				"list":  doc.Find(`.views a:contains("Liste")`).AttrOr("href", ""),
				"map":   doc.Find(`.views a:contains("Carte")`).AttrOr("href", ""),
				"title": doc.Find("title").Text(),
			}
			want := map[string]string{
				"prev":  "/month?level=eloigne&month=2026-10",
				"next":  "/month?level=eloigne&month=2026-12",
				"chip":  "/month?month=2026-11",
				"list":  "/?level=eloigne",
				"map":   "/map?level=eloigne",
				"title": "Calendrier de novembre 2026 (Niveau : Éloigné) — Escale, les ateliers numériques",
			}
			for k, w := range want {
				if links[k] != w {
					t.Errorf("%s = %q, want %q", k, links[k], w)
				}
			}
		})

		t.Run("TheListOffersTheMonthOfItsDates", func(t *testing.T) {
			_, doc := e.page("/?from=2026-12-01&theme=ludique")
			if got := doc.Find(`.views a:contains("Mois")`).AttrOr("href", ""); got != "/month?month=2026-12&theme=ludique" {
				t.Errorf("month link = %q", got)
			}
			if got := doc.Find(`.views a[aria-current=page]`).Text(); got != "Liste" {
				t.Errorf("current view = %q", got)
			}
		})

		t.Run("AnEmptyMonthSaysSo", func(t *testing.T) {
			_, doc := e.page("/month?month=2027-02")
			if got := text(doc.Find("h2#mois-titre")); got != "Aucune séance en février 2027" {
				t.Errorf("h2 = %q", got)
			}
		})

		t.Run("AWrongMonthIsABadRequest", func(t *testing.T) {
			for _, q := range []string{"month=2026-13", "month=demain", "month=1999-12", "month=2026-11&level=expert"} {
				if resp, _ := e.get("/month?" + q); resp.StatusCode != http.StatusBadRequest {
					t.Errorf("/month?%s = %d, want 400", q, resp.StatusCode)
				}
			}
		})
	})
}
