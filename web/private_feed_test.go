package web_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

var privateFeedURL = regexp.MustCompile(`https://agenda\.example\.fr(/feeds/private/esc_feed_[A-Za-z0-9_-]{43}\.ics)`)

func TestPrivateFeed(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		draft := wt.Workshop(t, e.svc, f.a, func(w *workshops.Workshop) { w.Title = "Atelier en préparation"; w.Status = workshops.WorkshopDraft })
		inDraft := wt.Session(t, e.svc, draft, wt.Paris(t, 2026, time.December, 10, 9, 30), nil)
		full := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 15, 14, 0), func(s *workshops.Session) { s.Capacity, s.SeatsTaken = 10, 10 })
		some := wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 16, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 3 })
		b := e.signedIn(mediatorEmail)

		_, body := b.get("/manage")
		if !strings.Contains(body, "Créer l'adresse de mon agenda privé") {
			t.Fatalf("no way to create a private feed:\n%s", body)
		}
		resp, body := b.post("/manage/feed-token", nil)
		expectRedirect(t, resp, body, "/manage?flash=feed-created#agenda-prive")

		// The address is shown once, as https:// and webcal://.
		_, body = b.get("/manage?flash=feed-created")
		m := privateFeedURL.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the new address is not shown:\n%.3000s", body)
		}
		path := m[1]
		if !strings.Contains(body, `href="webcal://agenda.example.fr`+path+`"`) {
			t.Error("no webcal:// link")
		}
		_, body = b.get("/manage")
		if strings.Contains(body, path) || !strings.Contains(body, "esc_feed_••••••••") {
			t.Error("the address is shown a second time, or not masked")
		}

		resp, feed := e.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("private feed: %d", resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		checkICSWire(t, []byte(feed))
		unfolded := strings.ReplaceAll(feed, "\r\n ", "")
		for _, want := range []string{"METHOD:PUBLISH\r\n", "NAME:Ateliers numériques — séances de Camille (privé)\r\n",
			"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("the feed lacks %q", want)
			}
		}
		events := icsEvents(t, parseICS(t, []byte(feed)))
		uid := func(s *workshops.Session) string { return "session-" + itoa(s.ID) + "@agenda.example.fr" }
		if _, ok := events[uid(f.sb)]; ok {
			t.Error("the feed shows another structure's session")
		}
		for s, want := range map[*workshops.Session][2]string{
			inDraft: {"Atelier en préparation (brouillon)", "0 inscrit sur 8\n"},
			full:    {"Mon smartphone pas à pas", "10 inscrits sur 10 (complet)\n"},
			some:    {"Mon smartphone pas à pas", "3 inscrits sur 8\n"},
		} {
			ev, ok := events[uid(s)]
			if !ok {
				t.Errorf("session %d missing", s.ID)
				continue
			}
			if got := icsText(t, ev, "SUMMARY"); got != want[0] {
				t.Errorf("SUMMARY %q, want %q", got, want[0])
			}
			desc := icsText(t, ev, "DESCRIPTION")
			if !strings.HasPrefix(desc, want[1]) || !strings.HasSuffix(desc, "Gérer la séance : https://agenda.example.fr/manage/sessions/"+itoa(s.ID)) {
				t.Errorf("DESCRIPTION %q", desc)
			}
		}
		if _, body := e.get("/calendar.ics"); strings.Contains(body, "inscrit") || strings.Contains(body, "brouillon") {
			t.Error("the public feed shows seats taken or drafts")
		}
		if dir := os.Getenv("ICS_CHECK"); dir != "" {
			runIcsCheck(t, dir, []byte(feed))
		}

		t.Run("ANewAddressReplacesTheOld", func(t *testing.T) {
			resp, body := b.post("/manage/feed-token", nil)
			expectRedirect(t, resp, body, "/manage?flash=feed-created")
			_, body = b.get("/manage")
			m2 := privateFeedURL.FindStringSubmatch(body)
			if m2 == nil || m2[1] == path {
				t.Fatal("no new address")
			}
			if resp, _ := e.get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("the old address: %d, want 404", resp.StatusCode)
			}
			path = m2[1]
			if resp, _ := e.get(path); resp.StatusCode != http.StatusOK {
				t.Errorf("the new address: %d", resp.StatusCode)
			}
		})

		t.Run("RevokingStopsIt", func(t *testing.T) {
			_, body := b.get("/manage")
			id := regexp.MustCompile(`name="token_id" value="(\d+)"`).FindStringSubmatch(body)
			if id == nil {
				t.Fatal("no revoke form")
			}
			resp, body := b.post("/manage/feed-token/revoke", map[string][]string{"token_id": {id[1]}})
			expectRedirect(t, resp, body, "/manage?flash=feed-revoked")
			if resp, _ := e.get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a revoked address: %d, want 404", resp.StatusCode)
			}
			if resp, _ := b.post("/manage/feed-token/revoke", map[string][]string{"token_id": {id[1]}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("revoking twice: %d, want 404", resp.StatusCode)
			}
		})

		t.Run("UnknownTokensAreNotFound", func(t *testing.T) {
			for _, p := range []string{"/feeds/private/esc_feed_nimportequoi.ics", "/feeds/private/x.ics", "/feeds/private/esc_api_abc.ics"} {
				if resp, _ := e.get(p); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", p, resp.StatusCode)
				}
			}
		})
	})
}

// runIcsCheck runs the independent validator (ICS_CHECK names it, relative to the
// repository root or absolute) on a feed with its strictest feed profile.
func runIcsCheck(t *testing.T, check string, feed []byte) {
	t.Helper()
	if !filepath.IsAbs(check) {
		check = filepath.Join("..", check)
	}
	file := filepath.Join(t.TempDir(), "private.ics")
	if err := os.WriteFile(file, feed, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(check, "--profile", "feed", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 0 failures") {
		t.Fatalf("ics-check: %v\n%s", err, out)
	}
	t.Logf("ics-check: %s", strings.TrimSpace(string(out)))
}
