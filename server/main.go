// Command escale runs Escale: the server (with migrations applied at start), and the
// operator subcommands (migrate, demo, user, token).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/web"
	"github.com/escale-numerique/escale/workshops"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "escale:", err)
		}
		os.Exit(1)
	}
}

// run is the whole program, with its inputs injected so that tests can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := loadConfig(getenv, args, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.LogFormat, stderr)

	cmd := "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	target, err := migrations.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	db, err := migrations.OpenTarget(ctx, target)
	if err != nil {
		return err
	}
	defer db.Close()

	switch cmd {
	case "serve":
		if len(rest) > 0 {
			return fmt.Errorf("unexpected arguments %q (see --help)", rest)
		}
		return serve(ctx, cfg, db, target, logger, stdout)
	case "migrate":
		return migrateCommand(ctx, db, rest, stdout)
	case "demo":
		if err := applyMigrations(ctx, db, logger); err != nil {
			return err
		}
		return loadDemoCommand(ctx, db, workshops.NewService(db), logger, stdout)
	case "user", "token":
		if err := applyMigrations(ctx, db, logger); err != nil {
			return err
		}
		acc := accounts.NewService(db, workshops.NewService(db), cfg.BaseURL)
		if cmd == "user" {
			return userCommand(ctx, acc, rest, stdout, stderr)
		}
		return tokenCommand(ctx, acc, rest, stdout, stderr)
	case "help":
		usage(stdout)
		return nil
	}
	return fmt.Errorf("unknown command %q (see --help)", cmd)
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

func applyMigrations(ctx context.Context, db *bun.DB, logger *slog.Logger) error {
	start := time.Now()
	res, err := migrations.Up(ctx, db)
	if err != nil {
		return err
	}
	if len(res.Names) > 0 {
		logger.Info("migrations applied", "migrations", res.Names, "duration", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}

func migrateCommand(ctx context.Context, db *bun.DB, args []string, stdout io.Writer) error {
	sub := "up"
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "up":
		res, err := migrations.Up(ctx, db)
		if err != nil {
			return err
		}
		if len(res.Names) == 0 {
			fmt.Fprintln(stdout, "Aucune migration en attente.")
		}
		for _, n := range res.Names {
			fmt.Fprintln(stdout, "appliquée :", n)
		}
	case "down":
		res, err := migrations.Down(ctx, db)
		if err != nil {
			return err
		}
		if len(res.Names) == 0 {
			fmt.Fprintln(stdout, "Aucune migration à annuler.")
		}
		for _, n := range res.Names {
			fmt.Fprintln(stdout, "annulée :", n)
		}
	case "status":
		list, err := migrations.List(ctx, db)
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "en attente"
			if m.Applied {
				state = "appliquée"
			}
			fmt.Fprintf(stdout, "%-12s %s\n", state, m.Name)
		}
	default:
		return fmt.Errorf("migrate %s: expected up, down or status", sub)
	}
	return nil
}

func loadDemoCommand(ctx context.Context, db *bun.DB, svc *workshops.Service, logger *slog.Logger, stdout io.Writer) error {
	res, err := loadDemoLocked(ctx, db, svc)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if res.Created {
		logger.Info("demo territory loaded", "structures", res.Structures, "workshops", res.Workshops, "sessions", res.Sessions,
			"enrollments", res.Enrollments)
		fmt.Fprintf(stdout, "Territoire de démonstration chargé : %d structures, %d ateliers, %d séances, %d inscriptions (lieux et personnes fictifs).\n",
			res.Structures, res.Workshops, res.Sessions, res.Enrollments)
	} else {
		logger.Info("demo territory already present")
		fmt.Fprintln(stdout, "Le territoire de démonstration est déjà chargé : rien n'a été modifié.")
	}
	return nil
}

// serve migrates, wires and runs the HTTP server until ctx ends, then lets in-flight
// requests finish (within the shutdown timeout) and returns nil.
func serve(ctx context.Context, cfg Config, db *bun.DB, target migrations.Target, logger *slog.Logger, stdout io.Writer) error {
	if err := applyMigrations(ctx, db, logger); err != nil {
		return err
	}
	svc := workshops.NewService(db)
	if cfg.Demo {
		if err := loadDemoCommand(ctx, db, svc, logger, stdout); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	baseURL := cfg.BaseURL
	if baseURL == "" {
		baseURL = "http://localhost:" + strconv.Itoa(port)
	}
	acc := accounts.NewService(db, svc, baseURL)
	secret := []byte(cfg.Secret)
	if len(secret) == 0 {
		if secret, err = acc.Secret(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("server secret: %w", err)
		}
	}
	en := enrollment.NewService(db, svc, baseURL, secret)
	nt, err := notices.NewService(db, svc, en, baseURL, notices.WithSender(cfg.MailFrom))
	if err != nil {
		ln.Close()
		return err
	}
	leaflet, err := leafletFiles(cfg.LeafletDir, logger)
	if err != nil {
		ln.Close()
		return err
	}
	app, err := web.New(web.Deps{
		Leaflet:        leaflet,
		MapTiles:       cfg.MapTiles,
		MapAttribution: cfg.MapAttribution,
		Enrollment:     en,
		Notices:        nt,
		Workshops:      svc,
		Accounts:       acc,
		BaseURL:        baseURL,
		Ready:          func(ctx context.Context) error { return migrations.Check(ctx, db) },
		Logger:         logger,
		TrustedProxies: cfg.TrustedProxies,
		RetentionDays:  cfg.RetentionDays,
	})
	if err != nil {
		ln.Close()
		return err
	}
	stopMail, err := startMail(cfg, db, logger, stdout, nt.Register)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMail()

	watchCtx, stopWatching := context.WithCancel(context.Background())
	defer stopWatching()
	go svc.WatchChanges(watchCtx, time.Second, func(err error) {
		logger.Warn("calendar change watcher", "error", err)
	})
	go sweepExpired(watchCtx, acc, logger)
	go purgeDaily(watchCtx, db, en, time.Duration(cfg.RetentionDays)*24*time.Hour, logger)
	go scheduleNotices(watchCtx, nt, time.Minute, logger)

	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	local := "http://localhost:" + strconv.Itoa(port)
	if cfg.Host != "0.0.0.0" && cfg.Host != "" && cfg.Host != "::" {
		local = "http://" + net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	}
	logger.Info("escale started", "database", target.Redacted(), "listen", ln.Addr().String(), "base_url", baseURL)
	fmt.Fprintf(stdout, "Escale est prêt : ouvrez %s/ dans votre navigateur (Ctrl+C pour arrêter).\n", local)
	if err := announceFirstRun(ctx, acc, stdout, logger); err != nil {
		logger.Warn("first-run link", "error", err)
	}

	select {
	case err := <-served:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-served
	// After the HTTP server, whose last requests may enqueue; what is left waits in the
	// outbox for the next start.
	stopMail()
	logger.Info("stopped")
	return nil
}

// sweepExpired deletes expired web sessions and rate-limit counters every hour.
func sweepExpired(ctx context.Context, acc *accounts.Service, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := acc.Sweep(ctx); err != nil {
				logger.Warn("sweep expired sessions", "error", err)
			} else if n > 0 {
				logger.Info("expired sessions swept", "count", n)
			}
		}
	}
}

// scheduleNotices records the reminders that are due and writes the structures' daily
// digests, at start and then every period. With several instances each runs it: a
// reminder or a digest is written once.
func scheduleNotices(ctx context.Context, nt *notices.Service, every time.Duration, logger *slog.Logger) {
	repeat(ctx, every, func() {
		if n, err := nt.ScheduleReminders(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("reminders", "error", err)
		} else if n > 0 {
			logger.Info("reminders due", "count", n)
		}
		if n, err := nt.SendDigests(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("digests", "error", err)
		} else if n > 0 {
			logger.Info("digests written", "count", n)
		}
	})
}

// purgeDaily erases, once a day (and at start), the personal data of bookings whose last
// session ended more than the retention period ago, and the outbox messages settled
// before that period. With several instances each runs it:
// the erasure is idempotent.
func purgeDaily(ctx context.Context, db *bun.DB, en *enrollment.Service, retention time.Duration, logger *slog.Logger) {
	repeat(ctx, 24*time.Hour, func() {
		if n, err := en.Purge(ctx, retention); err != nil && ctx.Err() == nil {
			logger.Warn("retention purge", "error", err)
		} else if n > 0 {
			logger.Info("personal data erased after retention", "bookings", n)
		}
		// The messages that told people carry their names and addresses too.
		if n, err := notify.Purge(ctx, db, time.Now().Add(-retention)); err != nil && ctx.Err() == nil {
			logger.Warn("outbox retention purge", "error", err)
		} else if n > 0 {
			logger.Info("outbox messages deleted after retention", "messages", n)
		}
	})
}

// repeat runs job at once, then every period, until ctx ends.
func repeat(ctx context.Context, every time.Duration, job func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		job()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// defaultLeafletDir is where `npm ci --prefix e2e` puts Leaflet, from the repository's root.
const defaultLeafletDir = "e2e/node_modules/leaflet/dist"

// leafletFiles opens the folder of Leaflet's files for the map page. Leaflet is not
// embedded in the binary: it comes from npm, like the browser tests' packages. Without
// it, the map page shows its list of places, which is the page's content anyway; a
// folder named in the configuration must hold it.
func leafletFiles(dir string, logger *slog.Logger) (fs.FS, error) {
	named := dir != ""
	if !named {
		dir = defaultLeafletDir
	}
	if _, err := os.Stat(filepath.Join(dir, "leaflet.js")); err != nil {
		if named {
			return nil, fmt.Errorf("ESCALE_LEAFLET_DIR=%s: no leaflet.js there (the dist folder of the leaflet npm package)", dir)
		}
		logger.Info("map without Leaflet: /map shows the list of places (npm ci --prefix e2e, or set ESCALE_LEAFLET_DIR)")
		return nil, nil
	}
	logger.Info("map with Leaflet", "dir", dir)
	return os.DirFS(dir), nil
}
