package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
)

// syncBuffer is a buffer the worker writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMailWithoutSMTPPrintsToTheConsole(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		cfg, _, err := loadConfig(envMap(nil), nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		var stdout, logs syncBuffer
		stop, err := startMail(cfg, db, slog.New(slog.NewTextHandler(&logs, nil)), &stdout)
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		_, err = notify.EnqueueEmail(context.Background(), db, "signin:1", notify.Email{
			To: "camille@exemple.fr", Subject: "Votre lien de connexion", Text: "https://agenda.example.fr/login/abc",
		}, 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(stdout.String(), "https://agenda.example.fr/login/abc") {
			if time.Now().After(deadline) {
				t.Fatalf("the email was not printed; stdout:\n%s", stdout.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		for _, want := range []string{"À : camille@exemple.fr", "Objet : Votre lien de connexion", "De : Escale"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("console lacks %q:\n%s", want, stdout.String())
			}
		}
		if !strings.Contains(logs.String(), "emails are printed to the console") || !strings.Contains(logs.String(), "message delivered") {
			t.Errorf("logs:\n%s", logs.String())
		}
		c, err := notify.Counts(context.Background(), db, notify.Scope{All: true})
		if err != nil || c[notify.StatusSent] != 1 {
			t.Errorf("counts %v (%v)", c, err)
		}
	})
}

func TestLogOutcomeMasksAddresses(t *testing.T) {
	var logs bytes.Buffer
	logOutcome(slog.New(slog.NewTextHandler(&logs, nil)), notify.Outcome{
		ID: 7, Kind: notify.KindEmail, Status: notify.StatusFailed, Attempts: 1,
		Err: errors.New("destinataire refusé par le serveur SMTP : 550 5.1.1 <camille.martin@exemple.fr>: Recipient address rejected"),
	})
	if strings.Contains(logs.String(), "camille") || !strings.Contains(logs.String(), "[adresse]") || !strings.Contains(logs.String(), "550 5.1.1") {
		t.Errorf("log line: %s", logs.String())
	}
}
