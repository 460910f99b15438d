package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations"
)

// scripts are the browser tests, run one after the other against the same server: the
// journeys change data that the page checks do not depend on.
var scripts = []string{"pages.test.mjs", "journeys.test.mjs"}

// TestBrowser builds the program, starts it with the demo territory and the accounts and
// sessions of fixtures.go on a temporary SQLite database, then runs each Node script of
// scripts against it in headless Chromium. Without Node, Chromium or the npm packages it
// skips with a loud message, unless ESCALE_TEST_BROWSER=required (CI), where it fails.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the program and a browser")
	}
	chromium := prerequisites(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "escale")
	if out, err := exec.Command("go", "build", "-o", bin, "../server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dbURL := "sqlite:" + filepath.Join(dir, "escale.db")
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "ESCALE_LOG_FORMAT=json")
	demo := exec.Command(bin, "demo")
	demo.Env = env
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("escale demo: %v\n%s", err, out)
	}

	target, err := migrations.ParseURL(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	db, err := migrations.OpenTarget(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fx := newFixtures(t, db)

	helper := startHelper(t, db)
	leaflet, _ := filepath.Abs("node_modules/leaflet/dist")
	base := startServer(t, bin, append(env,
		"PORT=0", "ESCALE_HOST=127.0.0.1",
		"ESCALE_LEAFLET_DIR="+leaflet,
		"ESCALE_MAP_TILES="+helper+"/tiles/{z}/{x}/{y}.png",
	))

	artifacts := artifactsDir(t)
	fixtures, _ := json.Marshal(fx)
	for _, script := range scripts {
		t.Run(strings.TrimSuffix(script, ".test.mjs"), func(t *testing.T) {
			args := []string{"--test", "--test-reporter=spec"}
			if pattern := os.Getenv("ESCALE_E2E_PATTERN"); pattern != "" {
				args = append(args, "--test-name-pattern="+pattern)
			}
			cmd := exec.Command("node", append(args, script)...)
			cmd.Env = append(os.Environ(),
				"ESCALE_E2E_BASE_URL="+base,
				"ESCALE_E2E_HELPER_URL="+helper,
				"ESCALE_E2E_ARTIFACTS="+artifacts,
				"ESCALE_E2E_FIXTURES="+string(fixtures),
				"ESCALE_E2E_CHROMIUM="+chromium,
			)
			out, err := cmd.CombinedOutput()
			t.Logf("node --test %s:\n%s", script, out)
			if err != nil {
				t.Fatalf("node --test %s: %v", script, err)
			}
		})
	}
	t.Logf("screenshots in %s", artifacts)
}

// prerequisites returns the Chromium to drive, skipping (or, when the browser tests are
// required, failing) when Node, Chromium or the npm packages are missing.
func prerequisites(t *testing.T) string {
	t.Helper()
	chromium := os.Getenv("ESCALE_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node (Debian: apt-get install nodejs npm)")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (Debian: apt-get install chromium; or set ESCALE_CHROMIUM)")
	}
	for _, pkg := range []string{"playwright-core", "axe-core", "leaflet"} {
		if _, err := os.Stat(filepath.Join("node_modules", pkg, "package.json")); err != nil {
			missing = append(missing, "e2e/node_modules/"+pkg+" (run: npm ci --prefix e2e)")
		}
	}
	if len(missing) == 0 {
		return chromium
	}
	msg := "browser tests need " + strings.Join(missing, ", ")
	if os.Getenv("ESCALE_TEST_BROWSER") == "required" {
		t.Fatal(msg + " (ESCALE_TEST_BROWSER=required)")
	}
	banner := strings.Repeat("!", 78)
	fmt.Fprintf(os.Stderr, "\n%s\n!! SKIPPED: %s.\n!! Set ESCALE_TEST_BROWSER=required to make this a failure.\n%s\n\n", banner, msg, banner)
	t.Skip(msg)
	return ""
}

// artifactsDir is where the scripts put their screenshots: ESCALE_E2E_ARTIFACTS, or
// artifacts/browser at the root of the repository (ignored by git), emptied first.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ESCALE_E2E_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts", "browser")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var readyLine = regexp.MustCompile(`(http://[0-9.:a-z]+)/`)

// startServer runs the program until the end of the test and returns its address.
func startServer(t *testing.T, bin string, env []string) string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("server exit: %v", err)
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("the server did not stop within 30 s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("server logs:\n%s", logs.String())
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the server exited before announcing its address:\n%s", logs.String())
			}
			if m := readyLine.FindStringSubmatch(line); m != nil {
				// Keep reading: the console mail driver prints every email.
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatal("the server did not announce its address within 60 s")
		}
	}
}

// startHelper serves what the scripts need beside the site, on a loopback port: the
// emails of the outbox (GET /mail?to=ADDRESS, the newest first, as JSON), a page of
// another site framing a URL (GET /frame?src=URL), and map tiles (one blank tile for
// every address, so that the map needs no network).
func startHelper(t *testing.T, db *bun.DB) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /mail", func(w http.ResponseWriter, r *http.Request) {
		var msgs []struct {
			Subject  string `json:"subject"`
			BodyText string `json:"text"`
		}
		err := db.NewSelect().Table("outbox").Column("subject", "body_text").
			Where("recipient = ?", r.URL.Query().Get("to")).OrderExpr("id DESC").
			Scan(r.Context(), &msgs)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(msgs)
	})
	// Another site that frames a page of Escale (the helper's origin is not the server's).
	mux.HandleFunc("GET /frame", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="fr"><title>Site d'une commune</title><h1>Site d'une commune</h1><iframe src="%s" title="Calendrier" width="600" height="500"></iframe>`,
			html.EscapeString(r.URL.Query().Get("src")))
	})
	mux.HandleFunc("GET /tiles/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(blankTile)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// lockedBuffer collects the server's logs while it writes them.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// blankTile is a plain 256×256 map tile.
var blankTile = func() []byte {
	img := image.NewGray(image.Rect(0, 0, 256, 256))
	for i := range img.Pix {
		img.Pix[i] = 0xee
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()
