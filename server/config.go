package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/web"
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
	// SMTPHost is the mail server; empty prints emails to the console (development).
	SMTPHost string
	// SMTPPort is 587, or 465 with implicit TLS, unless set.
	SMTPPort int
	// SMTPTLS is starttls, tls (implicit, from the first byte) or none.
	SMTPTLS string
	// SMTPUsername and SMTPPassword authenticate to the server when the username is set.
	SMTPUsername string
	SMTPPassword string
	// MailFrom is the sender address, required with an SMTP host; MailFromName its
	// display name when a message has no structure's name.
	MailFrom     string
	MailFromName string
	// MailMaxAttempts is how many attempts a message (email or SMS) gets before it is
	// given up.
	MailMaxAttempts int
	// SMSProvider is "brevo" or "console"; empty: brevo with an API key, console without.
	SMSProvider string
	// SMSAPIKey is the Brevo API key, SMSSender the sender name shown on phones (3 to 11
	// letters or digits), SMSAPIURL Brevo's API address (tests point it elsewhere).
	SMSAPIKey string
	SMSSender string
	SMSAPIURL string
	// Secret signs the links given to people (cancellation links); empty: one is created
	// and kept in the database.
	Secret string
	// RetentionDays is how long personal data is kept after a booking's last session.
	RetentionDays int
	// LeafletDir holds Leaflet's leaflet.js and leaflet.css for the map page; empty looks
	// in e2e/node_modules/leaflet/dist (after npm ci --prefix e2e) and, without them,
	// the map page is its list of places.
	LeafletDir string
	// MapTiles is the tile server's URL template, MapAttribution the credit it asks for.
	MapTiles       string
	MapAttribution string
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
	{"ESCALE_SMTP_HOST", "smtp-host", "serveur SMTP des courriels ; vide = courriels affichés dans la console (développement)"},
	{"ESCALE_SMTP_PORT", "smtp-port", "port du serveur SMTP (587 ; 465 avec --smtp-tls tls)"},
	{"ESCALE_SMTP_TLS", "smtp-tls", "chiffrement SMTP : starttls, tls ou none (starttls)"},
	{"ESCALE_SMTP_USERNAME", "smtp-username", "identifiant SMTP (aucun)"},
	{"ESCALE_SMTP_PASSWORD", "smtp-password", "mot de passe SMTP, de préférence par la variable d'environnement (aucun)"},
	{"ESCALE_MAIL_FROM", "mail-from", "adresse d'expédition des courriels (obligatoire avec un serveur SMTP)"},
	{"ESCALE_MAIL_FROM_NAME", "mail-from-name", "nom d'expéditeur affiché (Escale)"},
	{"ESCALE_MAIL_MAX_ATTEMPTS", "mail-max-attempts", "tentatives d'envoi d'un message avant de l'abandonner (8)"},
	{"ESCALE_SMS_PROVIDER", "sms-provider", "fournisseur des SMS : brevo ou console (brevo avec une clé d'API, console sinon)"},
	{"ESCALE_SMS_API_KEY", "sms-api-key", "clé d'API Brevo, de préférence par la variable d'environnement (aucune)"},
	{"ESCALE_SMS_SENDER", "sms-sender", "nom d'expéditeur des SMS, 3 à 11 lettres ou chiffres (obligatoire avec Brevo)"},
	{"ESCALE_SMS_API_URL", "sms-api-url", "adresse de l'API Brevo (https://api.brevo.com/v3)"},
	{"ESCALE_SECRET", "secret", "secret qui signe les liens d'annulation (vide : créé et gardé dans la base)"},
	{"ESCALE_RETENTION_DAYS", "retention-days", "jours de conservation des données personnelles après la dernière séance (365)"},
	{"ESCALE_LEAFLET_DIR", "leaflet-dir", "dossier de leaflet.js et leaflet.css pour la carte (e2e/node_modules/leaflet/dist s'il existe ; sans Leaflet, la carte est une liste)"},
	{"ESCALE_MAP_TILES", "map-tiles", "adresse des tuiles de la carte, avec {z}, {x} et {y} (https://tile.openstreetmap.org/{z}/{x}/{y}.png)"},
	{"ESCALE_MAP_ATTRIBUTION", "map-attribution", "mention exigée par le serveur de tuiles (© les contributeurs d'OpenStreetMap)"},
}

// loadConfig reads the environment through getenv, then the flags in args. It returns the
// remaining arguments (a subcommand and its own arguments).
func loadConfig(getenv func(string) string, args []string, stderr io.Writer) (Config, []string, error) {
	cfg := Config{
		Host: "0.0.0.0", Port: 8080, LogFormat: "auto", ShutdownTimeout: 30 * time.Second,
		SMTPTLS: string(notify.TLSStartTLS), MailFromName: "Escale", MailMaxAttempts: 8, RetentionDays: 365,
		MapTiles: web.DefaultMapTiles, MapAttribution: web.DefaultMapAttribution,
	}
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
	cfg.SMTPHost = env("ESCALE_SMTP_HOST")
	if v := env("ESCALE_SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ESCALE_SMTP_PORT=%q: expected a port number", v))
		}
		cfg.SMTPPort = p
	}
	if v := env("ESCALE_SMTP_TLS"); v != "" {
		cfg.SMTPTLS = v
	}
	cfg.SMTPUsername = env("ESCALE_SMTP_USERNAME")
	// A password may begin or end with a space.
	cfg.SMTPPassword = getenv("ESCALE_SMTP_PASSWORD")
	cfg.MailFrom = env("ESCALE_MAIL_FROM")
	if v := env("ESCALE_MAIL_FROM_NAME"); v != "" {
		cfg.MailFromName = v
	}
	if v := env("ESCALE_MAIL_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ESCALE_MAIL_MAX_ATTEMPTS=%q: expected a number", v))
		}
		cfg.MailMaxAttempts = n
	}
	cfg.SMSProvider = env("ESCALE_SMS_PROVIDER")
	cfg.SMSAPIKey = env("ESCALE_SMS_API_KEY")
	cfg.SMSSender = env("ESCALE_SMS_SENDER")
	cfg.SMSAPIURL = env("ESCALE_SMS_API_URL")
	cfg.Secret = getenv("ESCALE_SECRET")
	cfg.LeafletDir = env("ESCALE_LEAFLET_DIR")
	if v := env("ESCALE_MAP_TILES"); v != "" {
		cfg.MapTiles = v
	}
	if v := env("ESCALE_MAP_ATTRIBUTION"); v != "" {
		cfg.MapAttribution = v
	}
	if v := env("ESCALE_RETENTION_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ESCALE_RETENTION_DAYS=%q: expected a number of days", v))
		}
		cfg.RetentionDays = n
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
	fs.StringVar(&cfg.SMTPHost, "smtp-host", cfg.SMTPHost, "ESCALE_SMTP_HOST")
	fs.IntVar(&cfg.SMTPPort, "smtp-port", cfg.SMTPPort, "ESCALE_SMTP_PORT")
	fs.StringVar(&cfg.SMTPTLS, "smtp-tls", cfg.SMTPTLS, "ESCALE_SMTP_TLS")
	fs.StringVar(&cfg.SMTPUsername, "smtp-username", cfg.SMTPUsername, "ESCALE_SMTP_USERNAME")
	fs.StringVar(&cfg.SMTPPassword, "smtp-password", cfg.SMTPPassword, "ESCALE_SMTP_PASSWORD")
	fs.StringVar(&cfg.MailFrom, "mail-from", cfg.MailFrom, "ESCALE_MAIL_FROM")
	fs.StringVar(&cfg.MailFromName, "mail-from-name", cfg.MailFromName, "ESCALE_MAIL_FROM_NAME")
	fs.IntVar(&cfg.MailMaxAttempts, "mail-max-attempts", cfg.MailMaxAttempts, "ESCALE_MAIL_MAX_ATTEMPTS")
	fs.StringVar(&cfg.SMSProvider, "sms-provider", cfg.SMSProvider, "ESCALE_SMS_PROVIDER")
	fs.StringVar(&cfg.SMSAPIKey, "sms-api-key", cfg.SMSAPIKey, "ESCALE_SMS_API_KEY")
	fs.StringVar(&cfg.SMSSender, "sms-sender", cfg.SMSSender, "ESCALE_SMS_SENDER")
	fs.StringVar(&cfg.SMSAPIURL, "sms-api-url", cfg.SMSAPIURL, "ESCALE_SMS_API_URL")
	fs.StringVar(&cfg.Secret, "secret", cfg.Secret, "ESCALE_SECRET")
	fs.IntVar(&cfg.RetentionDays, "retention-days", cfg.RetentionDays, "ESCALE_RETENTION_DAYS")
	fs.StringVar(&cfg.LeafletDir, "leaflet-dir", cfg.LeafletDir, "ESCALE_LEAFLET_DIR")
	fs.StringVar(&cfg.MapTiles, "map-tiles", cfg.MapTiles, "ESCALE_MAP_TILES")
	fs.StringVar(&cfg.MapAttribution, "map-attribution", cfg.MapAttribution, "ESCALE_MAP_ATTRIBUTION")
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
	if cfg.Secret != "" && len(cfg.Secret) < 32 {
		return cfg, nil, errors.New("secret: at least 32 characters (for example: openssl rand -hex 32)")
	}
	if cfg.RetentionDays < 30 || cfg.RetentionDays > 3650 {
		return cfg, nil, fmt.Errorf("retention %d days: expected 30 to 3650", cfg.RetentionDays)
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
	if err := checkMail(&cfg); err != nil {
		return cfg, nil, err
	}
	if err := checkSMS(&cfg); err != nil {
		return cfg, nil, err
	}
	return cfg, fs.Args(), nil
}

// SMS providers, as ESCALE_SMS_PROVIDER names them.
const (
	smsBrevo   = "brevo"
	smsConsole = "console"
)

// checkSMS validates the SMS settings and chooses the provider when none is named: Brevo
// when an API key is given, the console otherwise.
func checkSMS(cfg *Config) error {
	cfg.SMSProvider = strings.ToLower(cfg.SMSProvider)
	if cfg.SMSProvider == "" {
		cfg.SMSProvider = smsConsole
		if cfg.SMSAPIKey != "" {
			cfg.SMSProvider = smsBrevo
		}
	}
	switch cfg.SMSProvider {
	case smsConsole:
		return nil
	case smsBrevo:
	default:
		return fmt.Errorf("SMS provider %q: expected brevo or console", cfg.SMSProvider)
	}
	if cfg.SMSAPIKey == "" {
		return errors.New("ESCALE_SMS_API_KEY: a Brevo API key is required to send SMS through Brevo")
	}
	if cfg.SMSSender == "" {
		return errors.New("ESCALE_SMS_SENDER: a sender name is required to send SMS through Brevo (3 to 11 letters or digits, for example EscaleNancy)")
	}
	if err := notify.CheckSMSSender(cfg.SMSSender); err != nil {
		return fmt.Errorf("ESCALE_SMS_SENDER: %w", err)
	}
	if cfg.SMSAPIURL != "" {
		u, err := url.Parse(cfg.SMSAPIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("SMS API URL %q: expected an absolute http(s) address like %s", cfg.SMSAPIURL, notify.BrevoURL)
		}
	}
	return nil
}

// checkMail validates the email settings and fills in the port the TLS mode implies.
func checkMail(cfg *Config) error {
	mode, err := notify.ParseTLSMode(cfg.SMTPTLS)
	if err != nil {
		return err
	}
	cfg.SMTPTLS = string(mode)
	if cfg.SMTPPort == 0 {
		cfg.SMTPPort = 587
		if mode == notify.TLSImplicit {
			cfg.SMTPPort = 465
		}
	}
	if cfg.SMTPPort < 1 || cfg.SMTPPort > 65535 {
		return fmt.Errorf("SMTP port %d: expected 1 to 65535", cfg.SMTPPort)
	}
	if cfg.MailMaxAttempts < 1 {
		return fmt.Errorf("mail max attempts %d: expected at least 1", cfg.MailMaxAttempts)
	}
	if cfg.SMTPHost != "" && cfg.MailFrom == "" {
		return errors.New("ESCALE_MAIL_FROM: a sender address is required with an SMTP server")
	}
	if cfg.MailFrom != "" {
		if a, err := mail.ParseAddress(cfg.MailFrom); err != nil || a.Address != cfg.MailFrom {
			return fmt.Errorf("sender address %q: expected an address like agenda@example.fr", cfg.MailFrom)
		}
	}
	return nil
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
