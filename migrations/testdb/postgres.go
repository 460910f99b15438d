package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for admin statements
	"github.com/uptrace/bun"
)

const templateName = "escale_template"

var (
	pgOnce     sync.Once
	pgAdminURL string // a URL of the server's maintenance database
	pgSkip     string // why PostgreSQL tests are skipped, when they are
	pgErr      error
	pgCluster  *cluster
	pgTemplate string // the migrated database every test database is cloned from
)

// pgRequired reports whether a missing PostgreSQL must fail the tests.
func pgRequired() bool { return os.Getenv("ESCALE_TEST_POSTGRES") == "required" }

// postgres makes sure a server with a migrated template database is available, or decides
// to skip. It runs once per test process.
func postgres(t testing.TB) {
	t.Helper()
	pgOnce.Do(func() {
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			pgAdminURL = u
		} else {
			bin, err := findPostgresBin()
			if err != nil {
				pgSkip = err.Error()
				return
			}
			pgCluster, err = startCluster(bin)
			if err != nil {
				pgErr = fmt.Errorf("start throwaway PostgreSQL from %s: %w", bin, err)
				return
			}
			pgAdminURL = pgCluster.url("postgres")
		}
		pgErr = createTemplate()
	})
	if pgSkip != "" {
		msg := "\n*** PostgreSQL TESTS SKIPPED: " + pgSkip + " ***\n" +
			"*** Install PostgreSQL (initdb, postgres) or set TEST_DATABASE_URL; CI sets ESCALE_TEST_POSTGRES=required. ***"
		if pgRequired() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if pgErr != nil {
		t.Fatalf("testdb: postgres: %v", pgErr)
	}
}

func newPG(t testing.TB) *bun.DB {
	t.Helper()
	return open(t, pgClone(t))
}

// pgClone creates a database from the migrated template and returns its URL.
func pgClone(t testing.TB) string {
	t.Helper()
	postgres(t)
	name := fmt.Sprintf("escale_test_%d_%d", os.Getpid(), counter.Add(1))
	adminExec(t, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, pgTemplate))
	t.Cleanup(func() { dropDatabase(name) })
	return withDatabase(pgAdminURL, name)
}

// pgEmpty creates an empty database and returns its URL.
func pgEmpty(t testing.TB) string {
	t.Helper()
	postgres(t)
	name := fmt.Sprintf("escale_empty_%d_%d", os.Getpid(), counter.Add(1))
	adminExec(t, "CREATE DATABASE "+name)
	t.Cleanup(func() { dropDatabase(name) })
	return withDatabase(pgAdminURL, name)
}

func adminExec(t testing.TB, stmt string) {
	t.Helper()
	if err := adminDo(stmt); err != nil {
		t.Fatalf("testdb: %s: %v", stmt, err)
	}
}

func adminDo(stmts ...string) error {
	db, err := sql.Open("pgx", pgAdminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

func dropDatabase(name string) {
	// WITH (FORCE) ends connections a test may have leaked (PostgreSQL 13+).
	_ = adminDo(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
}

// createTemplate (re)creates the template database and migrates it. On a shared
// TEST_DATABASE_URL server each test process (one per Go package) gets its own template,
// since cloning needs exclusive access to it.
func createTemplate() error {
	pgTemplate = templateName
	if os.Getenv("TEST_DATABASE_URL") != "" {
		pgTemplate = fmt.Sprintf("%s_%d", templateName, os.Getpid())
	}
	if err := adminDo(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", pgTemplate), "CREATE DATABASE "+pgTemplate); err != nil {
		return err
	}
	return migrateURL(withDatabase(pgAdminURL, pgTemplate))
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

// findPostgresBin finds a directory holding initdb and postgres: on PATH, or under
// /usr/lib/postgresql/<version>/bin (Debian), newest version first.
func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, postgres) found on PATH or in /usr/lib/postgresql/*/bin")
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

type cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	done chan error
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// startCluster runs initdb into a temporary directory and starts postgres on a free
// loopback port. As root it runs both as the postgres user (PostgreSQL refuses root).
// The server is a direct child with a parent-death signal, so it dies with the test
// process even when that process is killed.
func startCluster(bin string) (*cluster, error) {
	dir, err := os.MkdirTemp("", "escale-pg-")
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		c := &cluster{dir: dir, port: port, done: make(chan error, 1)}
		if err := c.start(bin, data, cred); err != nil {
			return nil, err
		}
		if err := c.waitReady(30 * time.Second); err != nil {
			lastErr = err
			c.stop()
			continue
		}
		return c, nil
	}
	return nil, lastErr
}

// spawner runs exec calls on one OS thread that never exits: the kernel sends the
// parent-death signal when the thread that forked the child ends, not the process.
var spawner = make(chan func())

func init() {
	go func() {
		runtime.LockOSThread()
		for f := range spawner {
			f()
		}
	}()
}

func (c *cluster) start(bin, data string, cred *syscall.Credential) error {
	logFile, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return err
	}
	if cred != nil {
		_ = logFile.Chown(int(cred.Uid), int(cred.Gid))
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=400", "-c", "shared_buffers=128MB")
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	errc := make(chan error, 1)
	spawner <- func() { errc <- c.cmd.Start() }
	if err := <-errc; err != nil {
		logFile.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	go func() { c.done <- c.cmd.Wait(); logFile.Close() }()
	return nil
}

func (c *cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-c.done:
			log, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
			return fmt.Errorf("postgres exited: %v: %s", err, tail(string(log), 2000))
		default:
		}
		db, err := sql.Open("pgx", c.url("postgres"))
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
			if err == nil {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("postgres did not accept connections in time")
}

func (c *cluster) stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	// SIGINT is PostgreSQL's "fast shutdown".
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

func stopCluster() {
	if pgCluster == nil {
		return
	}
	pgCluster.stop()
	_ = os.RemoveAll(pgCluster.dir)
	pgCluster = nil
}

// credential returns the postgres user's credential when running as root, nil otherwise.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres user to run PostgreSQL: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
