package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestProgramEndToEnd builds the real binary, starts it on port 0 with a temporary
// database of each dialect and the demo data, checks that it serves, then stops it with
// SIGTERM and expects a clean exit.
func TestProgramEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := filepath.Join(t.TempDir(), "escale")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			url := testdb.EmptyURL(t, d)
			cmd := exec.Command(bin, "--demo")
			cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "PORT=0", "ESCALE_HOST=127.0.0.1", "ESCALE_LOG_FORMAT=json")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			cmd.Stderr = &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer func() {
				if cmd.ProcessState == nil {
					_ = cmd.Process.Kill()
				}
			}()

			base := readURL(t, stdout)
			for path, want := range map[string]string{
				"/healthz":      `"ok"`,
				"/readyz":       `"ready"`,
				"/":             "<html lang=\"fr\"",
				"/calendar.ics": "BEGIN:VCALENDAR",
			} {
				body := httpGet(t, base+path)
				if !strings.Contains(body, want) {
					t.Errorf("GET %s: %q not found in %.300q", path, want, body)
				}
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v\nlogs:\n%s", err, logs.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the program did not stop within 30 s of SIGTERM")
			}
			if !strings.Contains(logs.String(), "emails are printed to the console") {
				t.Errorf("no log line saying where emails go in:\n%s", logs.String())
			}
			if !strings.Contains(logs.String(), `"msg":"stopped"`) {
				t.Errorf("no shutdown log line in:\n%s", logs.String())
			}
		})
	}
}

var readyLine = regexp.MustCompile(`(http://[0-9.:a-z]+)/`)

// readURL waits for the line announcing the address to open.
func readURL(t *testing.T, stdout io.Reader) string {
	t.Helper()
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
				t.Fatal("the program exited before announcing its address")
			}
			if m := readyLine.FindStringSubmatch(line); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatal("the program did not announce its address within 60 s")
		}
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s = %d", url, resp.StatusCode)
	}
	return string(b)
}

// TestMigrateCommand runs the migrate subcommands against a fresh database.
func TestMigrateCommand(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(testdb.Name(d), func(t *testing.T) {
			url := testdb.EmptyURL(t, d)
			env := envMap(map[string]string{"DATABASE_URL": url})
			run := func(args ...string) string {
				var out strings.Builder
				if err := run(context.Background(), args, env, &out, io.Discard); err != nil {
					t.Fatalf("%v: %v", args, err)
				}
				return out.String()
			}
			if out := run("migrate", "status"); !strings.Contains(out, "en attente") {
				t.Errorf("status on an empty database: %q", out)
			}
			if out := run("migrate"); !strings.Contains(out, "appliquée") {
				t.Errorf("migrate: %q", out)
			}
			if out := run("migrate", "up"); !strings.Contains(out, "Aucune migration en attente") {
				t.Errorf("second migrate: %q", out)
			}
			if out := run("migrate", "down"); !strings.Contains(out, "annulée") {
				t.Errorf("migrate down: %q", out)
			}
			if err := run2(env, "migrate", "sideways"); err == nil {
				t.Error("migrate sideways succeeded")
			}
		})
	}
}

func run2(env func(string) string, args ...string) error {
	return run(context.Background(), args, env, io.Discard, io.Discard)
}
