package main

import (
	"io"
	"slices"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		cfg, rest, err := loadConfig(envMap(nil), nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DatabaseURL != "" || cfg.Port != 8080 || cfg.Host != "0.0.0.0" || cfg.LogFormat != "auto" || cfg.Demo || cfg.ShutdownTimeout != 30*time.Second || len(rest) != 0 {
			t.Errorf("defaults = %+v, rest %v", cfg, rest)
		}
		if cfg.SMTPHost != "" || cfg.SMTPPort != 587 || cfg.SMTPTLS != "starttls" || cfg.MailFromName != "Escale" || cfg.MailMaxAttempts != 8 {
			t.Errorf("mail defaults = %+v", cfg)
		}
		if cfg.SMSProvider != "console" || cfg.SMSAPIKey != "" || cfg.SMSSender != "" || cfg.SMSAPIURL != "" {
			t.Errorf("SMS defaults = %+v", cfg)
		}
	})
	t.Run("SMS", func(t *testing.T) {
		env := map[string]string{"ESCALE_SMS_API_KEY": "xkeysib-abc", "ESCALE_SMS_SENDER": "EscaleNancy"}
		cfg, _, err := loadConfig(envMap(env), nil, io.Discard)
		if err != nil || cfg.SMSProvider != "brevo" || cfg.SMSAPIKey != "xkeysib-abc" || cfg.SMSSender != "EscaleNancy" {
			t.Errorf("a key chooses Brevo: %+v (%v)", cfg, err)
		}
		cfg, _, err = loadConfig(envMap(env), []string{"--sms-provider", "Console"}, io.Discard)
		if err != nil || cfg.SMSProvider != "console" {
			t.Errorf("the console can be forced: provider %q (%v)", cfg.SMSProvider, err)
		}
		cfg, _, err = loadConfig(envMap(nil), []string{"--sms-api-key", "k", "--sms-sender", "CCAS54", "--sms-api-url", "http://127.0.0.1:9/v3"}, io.Discard)
		if err != nil || cfg.SMSProvider != "brevo" || cfg.SMSSender != "CCAS54" || cfg.SMSAPIURL != "http://127.0.0.1:9/v3" {
			t.Errorf("flags: %+v (%v)", cfg, err)
		}
	})
	t.Run("SMTP", func(t *testing.T) {
		env := envMap(map[string]string{
			"ESCALE_SMTP_HOST":      "smtp.example.fr",
			"ESCALE_SMTP_TLS":       "TLS",
			"ESCALE_SMTP_USERNAME":  "agenda",
			"ESCALE_SMTP_PASSWORD":  " secret ",
			"ESCALE_MAIL_FROM":      "agenda@example.fr",
			"ESCALE_MAIL_FROM_NAME": "Agenda du Grand Nancy",
		})
		cfg, _, err := loadConfig(env, []string{"--mail-max-attempts", "3"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.SMTPHost != "smtp.example.fr" || cfg.SMTPPort != 465 || cfg.SMTPTLS != "tls" || cfg.SMTPUsername != "agenda" ||
			cfg.SMTPPassword != " secret " || cfg.MailFrom != "agenda@example.fr" || cfg.MailFromName != "Agenda du Grand Nancy" || cfg.MailMaxAttempts != 3 {
			t.Errorf("cfg = %+v", cfg)
		}
		cfg, _, err = loadConfig(env, []string{"--smtp-port", "2525", "--smtp-tls", "starttls"}, io.Discard)
		if err != nil || cfg.SMTPPort != 2525 || cfg.SMTPTLS != "starttls" {
			t.Errorf("flags: port %d, tls %s (%v)", cfg.SMTPPort, cfg.SMTPTLS, err)
		}
	})
	t.Run("EnvironmentThenFlags", func(t *testing.T) {
		env := envMap(map[string]string{
			"DATABASE_URL":           "postgres://escale@db/escale",
			"PORT":                   "9000",
			"ESCALE_BASE_URL":        "https://agenda.example.fr/",
			"ESCALE_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.0/8",
			"ESCALE_DEMO":            "true",
		})
		cfg, rest, err := loadConfig(env, []string{"--port", "9100", "migrate", "status"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Port != 9100 {
			t.Errorf("flag did not override PORT: %d", cfg.Port)
		}
		if cfg.DatabaseURL != "postgres://escale@db/escale" || cfg.BaseURL != "https://agenda.example.fr" || !cfg.Demo {
			t.Errorf("cfg = %+v", cfg)
		}
		if !slices.Equal(cfg.TrustedProxies, []string{"10.0.0.1", "10.0.0.0/8"}) {
			t.Errorf("trusted proxies = %v", cfg.TrustedProxies)
		}
		if !slices.Equal(rest, []string{"migrate", "status"}) {
			t.Errorf("rest = %v", rest)
		}
	})
	bad := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"PortNotANumber", map[string]string{"PORT": "http"}, nil},
		{"PortOutOfRange", nil, []string{"--port", "70000"}},
		{"RelativeBaseURL", map[string]string{"ESCALE_BASE_URL": "agenda.example.fr"}, nil},
		{"UnknownLogFormat", nil, []string{"--log-format", "xml"}},
		{"DemoNotABool", map[string]string{"ESCALE_DEMO": "peut-être"}, nil},
		{"BadTimeout", map[string]string{"ESCALE_SHUTDOWN_TIMEOUT": "30"}, nil},
		{"UnknownFlag", nil, []string{"--nope"}},
		{"SMTPHostWithoutSender", map[string]string{"ESCALE_SMTP_HOST": "smtp.example.fr"}, nil},
		{"BadSender", map[string]string{"ESCALE_MAIL_FROM": "Escale <agenda@example.fr>"}, nil},
		{"UnknownTLSMode", map[string]string{"ESCALE_SMTP_TLS": "ssl"}, nil},
		{"SMTPPortNotANumber", map[string]string{"ESCALE_SMTP_PORT": "smtp"}, nil},
		{"SMTPPortOutOfRange", nil, []string{"--smtp-port", "70000"}},
		{"NoAttempt", map[string]string{"ESCALE_MAIL_MAX_ATTEMPTS": "0"}, nil},
		{"UnknownSMSProvider", map[string]string{"ESCALE_SMS_PROVIDER": "twilio"}, nil},
		{"BrevoWithoutKey", map[string]string{"ESCALE_SMS_PROVIDER": "brevo", "ESCALE_SMS_SENDER": "Escale"}, nil},
		{"BrevoWithoutSender", map[string]string{"ESCALE_SMS_API_KEY": "k"}, nil},
		{"SenderWithSpace", map[string]string{"ESCALE_SMS_API_KEY": "k", "ESCALE_SMS_SENDER": "Escale Nancy"}, nil},
		{"SenderTooLong", map[string]string{"ESCALE_SMS_API_KEY": "k", "ESCALE_SMS_SENDER": "EscaleGrandNancy"}, nil},
		{"SenderWithAccent", map[string]string{"ESCALE_SMS_API_KEY": "k", "ESCALE_SMS_SENDER": "Médiathèque"}, nil},
		{"SenderAllDigits", map[string]string{"ESCALE_SMS_API_KEY": "k", "ESCALE_SMS_SENDER": "0612345678"}, nil},
		{"RelativeSMSAPIURL", map[string]string{"ESCALE_SMS_API_KEY": "k", "ESCALE_SMS_SENDER": "Escale", "ESCALE_SMS_API_URL": "api.brevo.com/v3"}, nil},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := loadConfig(envMap(tt.env), tt.args, io.Discard); err == nil {
				t.Error("accepted a bad configuration")
			}
		})
	}
}
