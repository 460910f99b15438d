package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the program's configuration, read once from the environment and then from
// command-line flags, which take precedence.
type Config struct {
	// DatabaseURL: empty → embedded SQLite in ./data/; postgres://… → PostgreSQL.
	DatabaseURL string
	// Host and Port are where the server listens.
	Host string
	Port int
	// BaseURL is the site's public address, for absolute links in feeds and messages.
	BaseURL string
	// TrustedProxies are reverse-proxy addresses or CIDRs whose X-Forwarded-* are believed.
	TrustedProxies []string
	// LogFormat is "text", "json", or "auto" (text on a terminal, JSON otherwise).
	LogFormat string
	// Demo loads the demo territory at start (idempotent).
	Demo bool
	// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
	ShutdownTimeout time.Duration
}

// envVars documents every environment variable; the README's table follows it.
var envVars = []struct{ name, flag, help string }{
	{"DATABASE_URL", "database-url", "base de données : vide = SQLite dans ./data/escale.db ; postgres://… = PostgreSQL"},
	{"PORT", "port", "port d'écoute HTTP (8080)"},
	{"ESCALE_HOST", "host", "adresse d'écoute (0.0.0.0)"},
	{"ESCALE_BASE_URL", "base-url", "adresse publique du site, pour les liens absolus des flux (http://localhost:PORT)"},
	{"ESCALE_TRUSTED_PROXIES", "trusted-proxies", "adresses ou réseaux des relais inverses dont on croit les en-têtes X-Forwarded-* (aucun)"},
	{"ESCALE_LOG_FORMAT", "log-format", "format des journaux : auto, text ou json (auto)"},
	{"ESCALE_DEMO", "demo", "charger le territoire de démonstration au démarrage (false)"},
	{"ESCALE_SHUTDOWN_TIMEOUT", "shutdown-timeout", "délai laissé aux requêtes en cours à l'arrêt (30s)"},
}

// loadConfig reads the environment through getenv, then the flags in args. It returns the
// remaining arguments (a subcommand and its own arguments).
func loadConfig(getenv func(string) string, args []string, stderr io.Writer) (Config, []string, error) {
	cfg := Config{Host: "0.0.0.0", Port: 8080, LogFormat: "auto", ShutdownTimeout: 30 * time.Second}
	var errs []error
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	cfg.DatabaseURL = env("DATABASE_URL")
	if v := env("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("PORT=%q: expected a port number", v))
		}
		cfg.Port = p
	}
	if v := env("ESCALE_HOST"); v != "" {
		cfg.Host = v
	}
	cfg.BaseURL = env("ESCALE_BASE_URL")
	if v := env("ESCALE_TRUSTED_PROXIES"); v != "" {
		cfg.TrustedProxies = splitList(v)
	}
	if v := env("ESCALE_LOG_FORMAT"); v != "" {
		cfg.LogFormat = v
	}
	if v := env("ESCALE_DEMO"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ESCALE_DEMO=%q: expected true or false", v))
		}
		cfg.Demo = b
	}
	if v := env("ESCALE_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ESCALE_SHUTDOWN_TIMEOUT=%q: expected a duration like 30s", v))
		}
		cfg.ShutdownTimeout = d
	}
	if len(errs) > 0 {
		return cfg, nil, errors.Join(errs...)
	}

	fs := flag.NewFlagSet("escale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "DATABASE_URL")
	fs.IntVar(&cfg.Port, "port", cfg.Port, "PORT")
	fs.StringVar(&cfg.Host, "host", cfg.Host, "ESCALE_HOST")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "ESCALE_BASE_URL")
	proxies := fs.String("trusted-proxies", strings.Join(cfg.TrustedProxies, ","), "ESCALE_TRUSTED_PROXIES")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "ESCALE_LOG_FORMAT")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "ESCALE_DEMO")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "ESCALE_SHUTDOWN_TIMEOUT")
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	cfg.TrustedProxies = splitList(*proxies)
	switch cfg.LogFormat {
	case "auto", "text", "json":
	default:
		return cfg, nil, fmt.Errorf("log format %q: expected auto, text or json", cfg.LogFormat)
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return cfg, nil, fmt.Errorf("port %d: expected 0 to 65535", cfg.Port)
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, nil, fmt.Errorf("base URL %q: expected an absolute http(s) address like https://agenda.example.fr", cfg.BaseURL)
		}
		cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	return cfg, fs.Args(), nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Escale — calendrier partagé des ateliers numériques.

Utilisation :
  escale [options]                 lancer le serveur (les migrations s'appliquent au démarrage)
  escale [options] migrate [up]    appliquer les migrations en attente
  escale [options] migrate down    annuler le dernier groupe de migrations
  escale [options] migrate status  lister les migrations
  escale [options] demo            charger le territoire de démonstration et quitter
  escale [options] user add --email ADRESSE --role coordinator|member|professional
         [--structure SLUG] [--organisation NOM] [--territory SLUG] [--name NOM]
                                   créer un compte (ou lui ajouter un rôle)
  escale [options] user list [--json]
                                   lister les comptes : adresse, nom, état, rôles (séparés par des tabulations)
  escale [options] token add --email ADRESSE [--name NOM]
                                   créer un jeton d'API et l'écrire seul sur la sortie standard

Options (chacune a sa variable d'environnement) :
`)
	for _, v := range envVars {
		fmt.Fprintf(w, "  --%-18s %-24s %s\n", v.flag, v.name, v.help)
	}
}
