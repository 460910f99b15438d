package web_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestFeedsPassIcsCheck serves the feed world on 127.0.0.1 and runs
// scripts/ics-check-feeds.sh, the independent validator (three third-party parsers plus
// byte-level and HTTP checks), against it. It runs only when ICS_CHECK names the
// validator, whose first run installs Debian and npm packages:
//
//	ICS_CHECK=../shared/tools/ics-check/ics-check go test ./web -run IcsCheck -v
func TestFeedsPassIcsCheck(t *testing.T) {
	check := os.Getenv("ICS_CHECK")
	if check == "" {
		t.Skip("set ICS_CHECK to the path of ics-check to run the independent validator")
	}
	if !filepath.IsAbs(check) {
		// Relative to the repository root, where go test is usually run from.
		check = filepath.Join("..", check)
	}
	check, err := filepath.Abs(check)
	if err != nil {
		t.Fatal(err)
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		newFeedWorld(t, e)
		watchChanges(t, e.svc)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = e.app.Listener(ln) }()
		t.Cleanup(func() { _ = e.app.Shutdown() })

		cmd := exec.Command("bash", filepath.Join("..", "scripts", "ics-check-feeds.sh"), "http://"+ln.Addr().String(), "la-clairiere")
		cmd.Env = append(os.Environ(), "ICS_CHECK="+check)
		out, err := cmd.CombinedOutput()
		lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
		last := lines[len(lines)-1]
		if err != nil || !bytes.HasSuffix(last, []byte(" 0 failures")) {
			t.Fatalf("ics-check: %v\n%s", err, out)
		}
		t.Logf("%s", last)
	})
}
