package main

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/notify"
)

// startMail starts the outbox worker in the background: it sends emails over SMTP, or
// prints them to stdout when no SMTP host is configured, and SMS through Brevo, or
// announces them on stdout without their text; register adds the handlers of events (the
// notices). stop ends the worker, letting the message in hand be recorded, and waits for
// it.
func startMail(cfg Config, db *bun.DB, logger *slog.Logger, stdout io.Writer, register ...func(*notify.Worker)) (stop func(), err error) {
	var tr notify.Transport
	if cfg.SMTPHost == "" {
		tr = notify.NewConsole(stdout, cfg.MailFromName)
		logger.Info("no SMTP server configured (ESCALE_SMTP_HOST): emails are printed to the console, not sent")
	} else {
		s, err := notify.NewSMTP(notify.SMTPConfig{
			Host: cfg.SMTPHost, Port: cfg.SMTPPort, TLS: notify.TLSMode(cfg.SMTPTLS),
			Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
			From: cfg.MailFrom, FromName: cfg.MailFromName,
		})
		if err != nil {
			return nil, err
		}
		tr = s
		logger.Info("emails are sent over SMTP", "host", cfg.SMTPHost, "port", cfg.SMTPPort, "tls", cfg.SMTPTLS, "from", cfg.MailFrom)
	}

	sms, err := smsSender(cfg, logger, stdout)
	if err != nil {
		return nil, err
	}

	w := notify.NewWorker(db, notify.WorkerConfig{
		MaxAttempts: cfg.MailMaxAttempts,
		OnOutcome:   func(o notify.Outcome) { logOutcome(logger, o) },
		OnError:     func(err error) { logger.Warn("outbox worker", "error", err) },
	})
	w.Handle(notify.KindEmail, tr.Send)
	w.Handle(notify.KindSMS, notify.SMSHandler(sms, time.Now))
	for _, r := range register {
		r(w)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}, nil
}

// smsSender returns the SMS provider the configuration names: Brevo, or the console.
func smsSender(cfg Config, logger *slog.Logger, stdout io.Writer) (notify.SMSSender, error) {
	if cfg.SMSProvider != smsBrevo {
		logger.Info("no SMS provider configured (ESCALE_SMS_API_KEY): SMS are announced on the console, without their text, not sent")
		return notify.NewConsoleSMS(stdout), nil
	}
	b, err := notify.NewBrevo(notify.BrevoConfig{APIKey: cfg.SMSAPIKey, Sender: cfg.SMSSender, BaseURL: cfg.SMSAPIURL})
	if err != nil {
		return nil, err
	}
	logger.Info("SMS are sent through Brevo", "sender", cfg.SMSSender)
	return b, nil
}

// addressRE finds email addresses that a provider may quote in its reply.
var addressRE = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// phoneRE finds phone numbers that an SMS provider may quote, with or without their plus.
var phoneRE = regexp.MustCompile(`\+?\d{8,15}\b`)

// logOutcome logs a delivery without personal data: the provider's reply, kept whole in
// the outbox for coordinators, reaches the log with its addresses and numbers masked.
func logOutcome(logger *slog.Logger, o notify.Outcome) {
	attrs := []any{"id", o.ID, "kind", o.Kind, "attempts", o.Attempts}
	if o.Err != nil {
		msg := addressRE.ReplaceAllString(o.Err.Error(), "[adresse]")
		attrs = append(attrs, "error", phoneRE.ReplaceAllString(msg, "[numéro]"))
	}
	switch {
	case o.Postponed:
		logger.Info("message postponed", append(attrs, "next_attempt_at", o.NextAttemptAt)...)
	case o.Status == notify.StatusPending:
		logger.Warn("message delivery failed, will retry", append(attrs, "next_attempt_at", o.NextAttemptAt)...)
	case o.Status == notify.StatusFailed:
		logger.Warn("message given up", attrs...)
	default:
		logger.Info("message delivered", attrs...)
	}
}
