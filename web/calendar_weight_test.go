package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// weightBudget is what the calendar page with 20 sessions may transfer, compressed,
// including its stylesheet and images: cheap phones on slow connections.
const weightBudget = 60 * 1024

func TestCalendarPageWeighsAtMost60KBCompressed(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		// A territory's worth of structures makes the structure menu realistic.
		var structures []*workshops.Structure
		for i := range 60 {
			structures = append(structures, wt.Structure(t, e.svc, func(s *workshops.Structure) {
				s.Name = fmt.Sprintf("Centre social et culturel du quartier numéro %d", i+1)
				s.Town = fmt.Sprintf("Commune-de-Meurthe-et-Moselle-%02d", i%20)
			}))
		}
		levels := []string{"eloigne", "debutant", "intermediaire", "avance", "autonome"}
		for i := range 25 {
			w := wt.Workshop(t, e.svc, structures[i], func(w *workshops.Workshop) {
				w.Title = fmt.Sprintf("Prendre en main son smartphone et ses applications du quotidien, séance %d", i+1)
				w.LevelMin, w.LevelMax = levels[i%3], levels[2+i%3]
				w.ThemeSlugs = []string{"prise-en-main", "communiquer", "demarches-en-ligne"}
			})
			wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 1+i/4, 9+i%4*2, 30), nil)
		}

		resp, body := e.get("/")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if n := doc.Find("li.card").Length(); n != 20 {
			t.Fatalf("%d sessions on the page, want 20", n)
		}
		total := gzipSize(t, []byte(body))
		t.Logf("HTML: %d bytes, %d compressed", len(body), total)
		var assets []string
		doc.Find(`link[href^="/"], img[src], script[src], source[srcset], link[rel=preload]`).Each(func(_ int, el *goquery.Selection) {
			if rel := el.AttrOr("rel", ""); rel == "alternate" {
				return
			}
			assets = append(assets, el.AttrOr("href", el.AttrOr("src", el.AttrOr("srcset", ""))))
		})
		if len(assets) == 0 {
			t.Fatal("no stylesheet found: the budget would not count it")
		}
		for _, a := range assets {
			resp, asset := e.get(a)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", a, resp.StatusCode)
			}
			n := gzipSize(t, []byte(asset))
			t.Logf("%s: %d bytes, %d compressed", a, len(asset), n)
			total += n
		}
		t.Logf("total transferred: %d bytes compressed (budget %d)", total, weightBudget)
		if total > weightBudget {
			t.Errorf("the calendar page transfers %d bytes compressed, over the %d-byte budget", total, weightBudget)
		}
	})
}

// gzipSize is the size of b compressed at the level the server uses.
func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
