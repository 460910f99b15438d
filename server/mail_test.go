package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
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

// startWorker starts the outbox worker as the server does, configured from env, with the
// event handlers of register; stop may be called twice.
func startWorker(t *testing.T, db *bun.DB, env map[string]string, register ...func(*notify.Worker)) (stdout, logs *syncBuffer, stop func()) {
	t.Helper()
	cfg, _, err := loadConfig(envMap(env), nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	stdout, logs = &syncBuffer{}, &syncBuffer{}
	stop, err = startMail(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), stdout, register...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return stdout, logs, stop
}

func TestMailWithoutSMTPPrintsToTheConsole(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		stdout, logs, stop := startWorker(t, db, nil)
		_, err := notify.EnqueueEmail(context.Background(), db, "signin:1", notify.Email{
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

// TestServerWorkerComposesNotices: the server's worker composes the notices of an
// enrollment and delivers them, here to the console.
func TestServerWorkerComposesNotices(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := workshops.NewService(db)
		en := enrollment.NewService(db, ws, "https://agenda.example.fr", []byte("secret de test"))
		nt, err := notices.NewService(db, ws, en, "https://agenda.example.fr")
		if err != nil {
			t.Fatal(err)
		}
		stdout, _, stop := startWorker(t, db, nil, nt.Register)
		s := wt.Session(t, ws, nil, time.Now().Add(72*time.Hour), nil)
		_, err = en.Enroll(ctx, workshops.System, enrollment.Request{SessionID: s.ID, IdempotencyKey: "k1", ConsentText: "J'accepte.",
			Person: enrollment.Person{FirstName: "Dominique", Email: "dominique@exemple.fr", Contact: enrollment.ContactEmail, Level: "debutant", Consent: true}})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(stdout.String(), "invitation.ics") {
			if time.Now().After(deadline) {
				t.Fatalf("the confirmation was not printed; stdout:\n%s", stdout.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		for _, want := range []string{"À : dominique@exemple.fr", "Objet : Votre place est réservée", "invitation d'agenda REQUEST"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("console lacks %q:\n%s", want, stdout.String())
			}
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

// waitForStatus waits until the outbox holds n messages of status.
func waitForStatus(t *testing.T, db *bun.DB, status string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := notify.Counts(context.Background(), db, notify.Scope{All: true})
		if err == nil && c[status] == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox counts %v (%v), want %d %s", c, err, n, status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// urgentSMS is an SMS that goes out at any hour, so that these tests pass at night too.
func urgentSMS(key, to string) *notify.Message {
	return &notify.Message{Kind: notify.KindSMS, IdempotencyKey: key, Recipient: to, Urgent: true,
		BodyText: "Séance annulée aujourd’hui. Camille, l’atelier n’a pas lieu."}
}

func TestSMSThroughBrevo(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		var mu sync.Mutex
		var bodies []map[string]any
		brevo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if r.URL.Path != "/v3/transactionalSMS/send" || r.Header.Get("api-key") != "xkeysib-test" || json.NewDecoder(r.Body).Decode(&body) != nil {
				t.Errorf("request %s %s, key %q", r.Method, r.URL, r.Header.Get("api-key"))
			}
			mu.Lock()
			bodies = append(bodies, body)
			mu.Unlock()
			if body["recipient"] == "33699999999" {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"code":"invalid_parameter","message":"Invalid phone number 33699999999"}`)
				return
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"messageId":1511882900176220}`)
		}))
		defer brevo.Close()
		stdout, logs, stop := startWorker(t, db, map[string]string{
			"ESCALE_SMS_API_KEY": "xkeysib-test", "ESCALE_SMS_SENDER": "EscaleNancy", "ESCALE_SMS_API_URL": brevo.URL + "/v3",
		})
		for _, m := range []*notify.Message{urgentSMS("sms:1", "+33612345678"), urgentSMS("sms:2", "+33699999999")} {
			if _, err := notify.Enqueue(context.Background(), db, m, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		waitForStatus(t, db, notify.StatusSent, 1)
		waitForStatus(t, db, notify.StatusFailed, 1)
		stop()

		mu.Lock()
		defer mu.Unlock()
		if len(bodies) != 2 || bodies[0]["sender"] != "EscaleNancy" || bodies[0]["content"] != "Séance annulée aujourd'hui. Camille, l'atelier n'a pas lieu." {
			t.Errorf("Brevo received %v", bodies)
		}
		if !strings.Contains(logs.String(), "SMS are sent through Brevo") || !strings.Contains(logs.String(), "message given up") {
			t.Errorf("logs:\n%s", logs.String())
		}
		for _, secret := range []string{"33699999999", "33612345678", "xkeysib-test", "Camille"} {
			if strings.Contains(logs.String()+stdout.String(), secret) {
				t.Errorf("the log or the console shows %q:\n%s%s", secret, logs.String(), stdout.String())
			}
		}
	})
}

func TestSMSWithoutProviderOnTheConsole(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		stdout, logs, stop := startWorker(t, db, nil)
		if _, err := notify.Enqueue(context.Background(), db, urgentSMS("sms:1", "+33612345678"), time.Now()); err != nil {
			t.Fatal(err)
		}
		waitForStatus(t, db, notify.StatusSent, 1)
		stop()
		if out := stdout.String(); !strings.Contains(out, "SMS à +33 6 •• •• •• 78") || strings.Contains(out, "Camille") {
			t.Errorf("console:\n%s", out)
		}
		if !strings.Contains(logs.String(), "SMS are announced on the console") {
			t.Errorf("logs:\n%s", logs.String())
		}
	})
}

func TestLogOutcomeMasksPhoneNumbers(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	logOutcome(logger, notify.Outcome{
		ID: 8, Kind: notify.KindSMS, Status: notify.StatusFailed, Attempts: 1,
		Err: errors.New("SMS refusé par Brevo (400 invalid_parameter Invalid phone number 33612345678 or +33612345678)"),
	})
	logOutcome(logger, notify.Outcome{ID: 9, Kind: notify.KindSMS, Status: notify.StatusPending, Postponed: true, NextAttemptAt: time.Date(2026, 3, 11, 7, 0, 0, 0, time.UTC)})
	out := logs.String()
	if strings.Contains(out, "612345678") || strings.Count(out, "[numéro]") != 2 || !strings.Contains(out, "400 invalid_parameter") {
		t.Errorf("log: %s", out)
	}
	if !strings.Contains(out, "message postponed") || !strings.Contains(out, "next_attempt_at=2026-03-11T07:00:00") {
		t.Errorf("postponed message's log: %s", out)
	}
}
