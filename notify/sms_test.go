package notify_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	"github.com/escale-numerique/escale/workshops/workshopstest"
)

// smsFixture is a worker delivering SMS through a fake Brevo, on a frozen clock.
type smsFixture struct {
	db     *bun.DB
	clock  *workshopstest.Clock
	brevo  *fakeBrevo
	worker *notify.Worker

	mu       sync.Mutex
	outcomes []notify.Outcome
}

func newSMSFixture(t *testing.T, db *bun.DB, at time.Time, cfg notify.WorkerConfig) *smsFixture {
	t.Helper()
	f := &smsFixture{db: db, clock: workshopstest.NewClock(at), brevo: startBrevo(t)}
	cfg.Now = f.clock.Now
	cfg.OnOutcome = func(o notify.Outcome) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.outcomes = append(f.outcomes, o)
	}
	f.worker = notify.NewWorker(db, cfg)
	f.worker.Handle(notify.KindSMS, notify.SMSHandler(f.brevo.sender(t), f.clock.Now))
	return f
}

// sms is an SMS as the notifications enqueue it.
func sms(key, to, text string, urgent bool) *notify.Message {
	return &notify.Message{Kind: notify.KindSMS, IdempotencyKey: key, Recipient: to, BodyText: text, Urgent: urgent}
}

func mustEnqueueSMS(t *testing.T, db bun.IDB, m *notify.Message, now time.Time) {
	t.Helper()
	ok, err := notify.Enqueue(context.Background(), db, m, now)
	if err != nil || !ok {
		t.Fatalf("enqueue %s: %v, %v", m.IdempotencyKey, ok, err)
	}
}

// paris is a wall-clock time in Europe/Paris.
func paris(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, workshops.Paris)
}

const confirmation = "Bonjour Camille. Vous êtes inscrite à l’atelier « Découvrir sa tablette », mardi 10 mars à 14 h. Pour annuler : https://esc.fr/c/Ab3dE5"

func TestSMSDelivered(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newSMSFixture(t, db, paris(2026, 3, 10, 10, 0), notify.WorkerConfig{})
		st := mustCreateStructure(t, db, "Médiathèque Jules Verne")
		m := sms("enrollment:1:confirmed:sms", "+33612345678", confirmation, false)
		m.StructureID = st
		mustEnqueueSMS(t, db, m, f.clock.Now())

		if n := process(t, f.worker); n != 1 {
			t.Fatalf("claimed %d messages, want 1", n)
		}
		got := messageByKey(t, db, m.IdempotencyKey)
		if got.Status != notify.StatusSent || got.Attempts != 1 || got.SentAt == nil || !got.SentAt.Equal(f.clock.Now()) ||
			got.LastError != "" || got.ProviderRef != "1511882900176220" || got.Urgent {
			t.Errorf("after delivery: %+v", got)
		}
		calls := f.brevo.received()
		if len(calls) != 1 {
			t.Fatalf("Brevo received %d requests, want 1", len(calls))
		}
		want, seg := notify.FitSMS(confirmation)
		if calls[0]["recipient"] != "33612345678" || calls[0]["content"] != want || calls[0]["unicodeEnabled"] != false {
			t.Errorf("Brevo received %v, want the GSM-7 text %q", calls[0], want)
		}
		if seg.Count != 1 {
			t.Errorf("the confirmation takes %d SMS", seg.Count)
		}
		listed, err := notify.List(context.Background(), db, notify.Filter{Scope: notify.Scope{Structures: []int64{st}}, Kind: notify.KindSMS})
		if err != nil || len(listed) != 1 || listed[0].ProviderRef != "1511882900176220" || listed[0].BodyText != "" {
			t.Errorf("List = %+v, %v", listed, err)
		}
		if n := process(t, f.worker); n != 0 {
			t.Errorf("claimed %d messages after everything was sent", n)
		}
	})
}

func TestSMSPermanentFailure(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newSMSFixture(t, db, paris(2026, 3, 10, 10, 0), notify.WorkerConfig{})
		st := mustCreateStructure(t, db, "Centre social Les Nations")
		f.brevo.answer(func(call brevoCall) brevoReply {
			if call["recipient"] == "33699999999" {
				return brevoReply{status: http.StatusBadRequest, body: `{"code":"invalid_parameter","message":"Invalid phone number"}`}
			}
			return brevoReply{status: http.StatusCreated, body: `{"messageId":42}`}
		})
		for _, m := range []*notify.Message{
			sms("refused", "+33699999999", "Bonjour", false),
			sms("malformed", "06 12 34 56 78", "Bonjour", false),
			sms("empty", "+33612345678", " \n", false),
			sms("good", "+33612345679", "Bonjour", false),
		} {
			m.StructureID = st
			mustEnqueueSMS(t, db, m, f.clock.Now())
		}
		process(t, f.worker)

		failed, err := notify.List(context.Background(), db, notify.Filter{Scope: notify.Scope{Structures: []int64{st}}, Status: notify.StatusFailed})
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]string{}
		for _, m := range failed {
			if m.Attempts != 1 {
				t.Errorf("%s failed after %d attempts, want 1", m.IdempotencyKey, m.Attempts)
			}
			reasons[m.IdempotencyKey] = m.LastError
		}
		if len(reasons) != 3 ||
			!strings.Contains(reasons["refused"], "400 invalid_parameter Invalid phone number") ||
			reasons["malformed"] != "numéro de téléphone invalide" || reasons["empty"] != "SMS sans texte" {
			t.Errorf("failed messages and their reasons: %q", reasons)
		}
		if good := messageByKey(t, db, "good"); good.Status != notify.StatusSent || good.ProviderRef != "42" {
			t.Errorf("the other SMS: %+v", good)
		}
		if calls := f.brevo.received(); len(calls) != 2 {
			t.Errorf("Brevo received %d requests, want 2 (the malformed number and the empty text never leave)", len(calls))
		}
		f.clock.Add(2 * time.Hour)
		if n := process(t, f.worker); n != 0 {
			t.Errorf("claimed %d messages after permanent failures", n)
		}
	})
}

func TestSMSTemporaryFailureIsRetried(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newSMSFixture(t, db, paris(2026, 3, 10, 10, 0), notify.WorkerConfig{MaxAttempts: 2})
		f.brevo.answer(func(brevoCall) brevoReply {
			return brevoReply{status: http.StatusServiceUnavailable, body: `{"code":"service_unavailable","message":"Try again later"}`}
		})
		mustEnqueueSMS(t, db, sms("retried", "+33612345678", "Bonjour", false), f.clock.Now())
		process(t, f.worker)
		m := messageByKey(t, db, "retried")
		if m.Status != notify.StatusPending || m.Attempts != 1 || !strings.Contains(m.LastError, "503 service_unavailable Try again later") ||
			!m.NextAttemptAt.After(f.clock.Now()) {
			t.Fatalf("after a 503: %+v", m)
		}
		if n := process(t, f.worker); n != 0 {
			t.Fatalf("retried before the backoff")
		}
		mustEnqueueSMS(t, db, sms("dead", "+33612345679", "Bonjour", false), f.clock.Now())
		process(t, f.worker)

		// Brevo is back for the first SMS's retry, down again for the second's.
		f.brevo.answer(func(call brevoCall) brevoReply {
			if call["recipient"] == "33612345679" {
				return brevoReply{status: http.StatusTooManyRequests, body: `{"code":"too_many_requests","message":"Slow down"}`}
			}
			return brevoReply{status: http.StatusCreated, body: `{"messageId":7}`}
		})
		f.clock.Add(time.Hour)
		process(t, f.worker)
		if m := messageByKey(t, db, "retried"); m.Status != notify.StatusSent || m.Attempts != 2 || m.ProviderRef != "7" || m.LastError != "" {
			t.Errorf("once Brevo is back: %+v", m)
		}
		if m := messageByKey(t, db, "dead"); m.Status != notify.StatusFailed || m.Attempts != 2 || !strings.Contains(m.LastError, "429 too_many_requests") {
			t.Errorf("after MaxAttempts failures: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
		}
		if calls := f.brevo.received(); len(calls) != 4 {
			t.Errorf("Brevo received %d requests, want 4", len(calls))
		}
	})
}

func TestQuietHours(t *testing.T) {
	utc := func(month time.Month, day, hour, min, sec int) time.Time {
		return time.Date(2026, month, day, hour, min, sec, 0, time.UTC)
	}
	// In 2026 Paris moves from UTC+1 to UTC+2 on 29 March at 02:00 (01:00 UTC), and back
	// on 25 October at 03:00 (01:00 UTC).
	for _, tt := range []struct {
		name  string
		at    time.Time
		until time.Time // zero: not quiet
	}{
		{"WinterMorning", utc(3, 10, 7, 0, 0), time.Time{}},                                                  // 08:00 CET
		{"WinterJustBefore8", utc(3, 10, 6, 59, 59), utc(3, 10, 7, 0, 0)},                                    // 07:59:59 CET
		{"WinterJustBefore20", utc(3, 10, 18, 59, 59), time.Time{}},                                          // 19:59:59 CET
		{"Winter20", utc(3, 10, 19, 0, 0), utc(3, 11, 7, 0, 0)},                                              // 20:00 CET
		{"WinterMidnight", utc(3, 10, 23, 0, 0), utc(3, 11, 7, 0, 0)},                                        // 00:00 CET
		{"EveOfSpringForward", utc(3, 28, 21, 0, 0), utc(3, 29, 6, 0, 0)},                                    // 22:00 CET → 08:00 CEST
		{"SpringForwardBefore", utc(3, 29, 0, 30, 0), utc(3, 29, 6, 0, 0)},                                   // 01:30 CET
		{"SpringForwardAfter", utc(3, 29, 1, 30, 0), utc(3, 29, 6, 0, 0)},                                    // 03:30 CEST
		{"SpringForwardJustBefore8", utc(3, 29, 5, 59, 59), utc(3, 29, 6, 0, 0)},                             // 07:59:59 CEST
		{"SpringForward8", utc(3, 29, 6, 0, 0), time.Time{}},                                                 // 08:00 CEST
		{"SummerEvening", utc(3, 29, 18, 0, 0), utc(3, 30, 6, 0, 0)},                                         // 20:00 CEST
		{"SummerLateAfternoon", utc(3, 29, 17, 59, 0), time.Time{}},                                          // 19:59 CEST
		{"EveOfFallBack", utc(10, 24, 18, 0, 0), utc(10, 25, 7, 0, 0)},                                       // 20:00 CEST → 08:00 CET
		{"FallBackFirst230", utc(10, 25, 0, 30, 0), utc(10, 25, 7, 0, 0)},                                    // 02:30 CEST
		{"FallBackSecond230", utc(10, 25, 1, 30, 0), utc(10, 25, 7, 0, 0)},                                   // 02:30 CET
		{"FallBack0730", utc(10, 25, 6, 30, 0), utc(10, 25, 7, 0, 0)},                                        // 07:30 CET, 08:30 the day before's offset
		{"FallBack8", utc(10, 25, 7, 0, 0), time.Time{}},                                                     // 08:00 CET
		{"NewYearsEve", time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC), utc(1, 1, 7, 0, 0).AddDate(1, 0, 0)}, // 23:00 CET
	} {
		t.Run(tt.name, func(t *testing.T) {
			until, quiet := notify.QuietHours(tt.at)
			if quiet != !tt.until.IsZero() || !until.Equal(tt.until) {
				t.Errorf("QuietHours(%v, Paris %v) = %v, %v; want until %v", tt.at, tt.at.In(workshops.Paris), until, quiet, tt.until)
			}
		})
	}
}

func TestSMSQuietHours(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		// Saturday 28 March 2026, 22:00 in Paris; the clocks go forward in the night.
		f := newSMSFixture(t, db, paris(2026, 3, 28, 22, 0), notify.WorkerConfig{})
		mustEnqueueSMS(t, db, sms("reminder", "+33612345678", "Rappel : atelier demain.", false), f.clock.Now())
		mustEnqueueSMS(t, db, sms("cancelled-today", "+33612345679", "Séance annulée aujourd'hui.", true), f.clock.Now())

		if n := process(t, f.worker); n != 2 {
			t.Fatalf("claimed %d, want 2", n)
		}
		if m := messageByKey(t, db, "cancelled-today"); m.Status != notify.StatusSent || !m.Urgent {
			t.Errorf("the urgent SMS: status %s, urgent %v", m.Status, m.Urgent)
		}
		morning := time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC) // 08:00 CEST
		m := messageByKey(t, db, "reminder")
		if m.Status != notify.StatusPending || m.Attempts != 0 || m.LastError != "" || m.LockedUntil != nil || !m.NextAttemptAt.Equal(morning) {
			t.Fatalf("the reminder at night: status %s, attempts %d, error %q, locked %v, due %v (want %v)",
				m.Status, m.Attempts, m.LastError, m.LockedUntil, m.NextAttemptAt, morning)
		}
		f.mu.Lock()
		var postponed []notify.Outcome
		for _, o := range f.outcomes {
			if o.Postponed {
				postponed = append(postponed, o)
			}
		}
		f.mu.Unlock()
		if len(postponed) != 1 || postponed[0].Kind != notify.KindSMS || postponed[0].Status != notify.StatusPending ||
			postponed[0].Attempts != 0 || !postponed[0].NextAttemptAt.Equal(morning) || postponed[0].Err != nil {
			t.Errorf("postponed outcomes %+v", postponed)
		}

		// 07:59:59 in Paris: a day of winter time would already be at 08:59:59.
		f.clock.Set(morning.Add(-time.Second))
		if n := process(t, f.worker); n != 0 {
			t.Fatalf("claimed %d before 08:00", n)
		}
		f.clock.Set(morning)
		if n := process(t, f.worker); n != 1 {
			t.Fatalf("claimed %d at 08:00, want 1", n)
		}
		if m := messageByKey(t, db, "reminder"); m.Status != notify.StatusSent || m.Attempts != 1 {
			t.Errorf("the reminder at 08:00: status %s, attempts %d", m.Status, m.Attempts)
		}
		if calls := f.brevo.received(); len(calls) != 2 || calls[0]["recipient"] != "33612345679" || calls[1]["recipient"] != "33612345678" {
			t.Errorf("Brevo received %v", calls)
		}
	})
}

func TestSMSRetryIntoQuietHoursWaitsForMorning(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newSMSFixture(t, db, paris(2026, 10, 24, 19, 59), notify.WorkerConfig{})
		f.brevo.answer(func(brevoCall) brevoReply { return brevoReply{status: http.StatusBadGateway} })
		mustEnqueueSMS(t, db, sms("k", "+33612345678", "Rappel", false), f.clock.Now())
		process(t, f.worker) // 19:59: Brevo fails, a retry is due in about 30 s
		f.brevo.answer(nil)
		f.clock.Add(5 * time.Minute)
		process(t, f.worker) // 20:04: postponed, the failed attempt still counted once
		m := messageByKey(t, db, "k")
		morning := time.Date(2026, 10, 25, 7, 0, 0, 0, time.UTC) // 08:00 CET, after the clocks went back
		if m.Status != notify.StatusPending || m.Attempts != 1 || !m.NextAttemptAt.Equal(morning) || !strings.Contains(m.LastError, "502") {
			t.Fatalf("retry at night: status %s, attempts %d, due %v (want %v), error %q", m.Status, m.Attempts, m.NextAttemptAt, morning, m.LastError)
		}
		f.clock.Set(morning)
		process(t, f.worker)
		if m := messageByKey(t, db, "k"); m.Status != notify.StatusSent || m.Attempts != 2 {
			t.Errorf("in the morning: status %s, attempts %d", m.Status, m.Attempts)
		}
	})
}

func TestMaskPhone(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"+33612345678", "+33 6 •• •• •• 78"},
		{"+33712345678", "+33 7 •• •• •• 78"},
		{"+590690001122", "+590 6 •• •• •• 22"},
		{"+32470123456", "+32 4 •• •• •• 56"},
		{"+4915123456789", "+49 1 •• •• •• •• 89"},
		{"0612345678", "•••"},
		{"", "•••"},
		{"n'importe quoi", "•••"},
	} {
		if got := notify.MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConsoleSMSShowsNoPersonalData(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		clk := workshopstest.NewClock(paris(2026, 3, 10, 10, 0))
		var out bytes.Buffer
		w := notify.NewWorker(db, notify.WorkerConfig{Now: clk.Now})
		w.Handle(notify.KindSMS, notify.SMSHandler(notify.NewConsoleSMS(&out), clk.Now))
		mustEnqueueSMS(t, db, sms("k", "+33612345678", confirmation, false), clk.Now())
		mustEnqueueSMS(t, db, sms("bad", "+3361234", confirmation, false), clk.Now())
		process(t, w)

		_, seg := notify.FitSMS(confirmation)
		line := out.String()
		if !strings.Contains(line, "+33 6 •• •• •• 78") || !strings.Contains(line, "1 SMS") || !strings.Contains(line, string(seg.Encoding)) {
			t.Errorf("console printed %q", line)
		}
		for _, secret := range []string{"Camille", "Ab3dE5", "tablette", "612345678", "12345678"} {
			if strings.Contains(line, secret) {
				t.Errorf("console shows %q: %q", secret, line)
			}
		}
		if strings.Count(line, "\n") != 1 {
			t.Errorf("console printed %d lines, want 1 (the invalid number is refused)", strings.Count(line, "\n"))
		}
		if m := messageByKey(t, db, "k"); m.Status != notify.StatusSent || m.ProviderRef != "console-1" {
			t.Errorf("console SMS: %+v", m)
		}
		if m := messageByKey(t, db, "bad"); m.Status != notify.StatusFailed || m.LastError != "numéro de téléphone invalide" {
			t.Errorf("invalid number: status %s, error %q", m.Status, m.LastError)
		}
	})
}
