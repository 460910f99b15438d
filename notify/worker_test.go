package notify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/notify/notifytest"
	"github.com/escale-numerique/escale/workshops/workshopstest"
)

// fixture is a worker on a fresh database, delivering to a real SMTP server, on a frozen
// clock.
type fixture struct {
	db     *bun.DB
	clock  *workshopstest.Clock
	smtp   *notifytest.SMTPServer
	worker *notify.Worker
}

func newFixture(t *testing.T, db *bun.DB, cfg notify.WorkerConfig) *fixture {
	t.Helper()
	f := &fixture{db: db, clock: newClock(), smtp: notifytest.StartSMTP(t)}
	cfg.Now = f.clock.Now
	f.worker = notify.NewWorker(db, cfg)
	f.worker.Handle(notify.KindEmail, f.smtp.Transport(t, notify.SMTPConfig{Now: f.clock.Now}).Send)
	return f
}

// drain processes until nothing is due.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	for process(t, f.worker) > 0 {
	}
}

func TestWorkerDelivers(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		e := email("Camille.Martin@exemple.fr")
		e.HTML = "<p>Bonjour,</p><p>Voici votre <a href=\"https://agenda.example.fr/login/abc\">lien de connexion</a>.</p><p>À bientôt à l'atelier « Découvrir sa tablette ».</p>"
		e.FromName = "Médiathèque de Vandœuvre"
		e.ReplyTo = "contact@mediatheque-vandoeuvre.example.fr"
		mustEnqueue(t, db, "signin:1", e, 0, f.clock.Now())
		mustEnqueue(t, db, "signin:2", email("dominique@exemple.fr"), 0, f.clock.Now())

		if n := process(t, f.worker); n != 2 {
			t.Fatalf("claimed %d messages, want 2", n)
		}
		for _, key := range []string{"signin:1", "signin:2"} {
			m := messageByKey(t, db, key)
			if m.Status != notify.StatusSent || m.Attempts != 1 || m.SentAt == nil || !m.SentAt.Equal(f.clock.Now()) || m.LockedUntil != nil || m.LastError != "" {
				t.Errorf("%s after delivery: status %s, attempts %d, sent at %v, locked until %v, error %q", key, m.Status, m.Attempts, m.SentAt, m.LockedUntil, m.LastError)
			}
		}
		got := f.smtp.Messages()
		if len(got) != 2 {
			t.Fatalf("server received %d messages, want 2", len(got))
		}
		byRcpt := map[string]notifytest.Received{}
		for _, r := range got {
			if r.From != "ne-pas-repondre@escale.example.fr" || len(r.To) != 1 {
				t.Errorf("envelope from %q to %v", r.From, r.To)
			}
			byRcpt[r.To[0]] = r
		}

		rich := notifytest.ParseMail(t, byRcpt["Camille.Martin@exemple.fr"].Data)
		if rich.From.Name != "Médiathèque de Vandœuvre" || rich.From.Address != "ne-pas-repondre@escale.example.fr" {
			t.Errorf("From = %q <%s>", rich.From.Name, rich.From.Address)
		}
		if rich.ReplyTo != e.ReplyTo {
			t.Errorf("Reply-To = %q", rich.ReplyTo)
		}
		if rich.Subject != e.Subject {
			t.Errorf("Subject = %q, want %q", rich.Subject, e.Subject)
		}
		if raw := rich.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
			t.Errorf("raw Subject %q is not an encoded word", raw)
		}
		if rich.ContentType != "multipart/alternative" {
			t.Errorf("Content-Type = %s", rich.ContentType)
		}
		if norm(rich.Text) != norm(e.Text) {
			t.Errorf("text part = %q, want %q", rich.Text, e.Text)
		}
		if norm(rich.HTML) != norm(e.HTML) {
			t.Errorf("HTML part = %q, want %q", rich.HTML, e.HTML)
		}
		m := messageByKey(t, db, "signin:1")
		if id := rich.Header.Get("Message-Id"); id != "<"+notify.MessageID(&m, "escale.example.fr")+">" {
			t.Errorf("Message-ID = %q", id)
		}
		if to := rich.Header.Get("To"); !strings.Contains(to, "Camille.Martin@exemple.fr") {
			t.Errorf("To = %q", to)
		}
		if rich.Header.Get("Date") == "" || rich.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("Date %q, Auto-Submitted %q", rich.Header.Get("Date"), rich.Header.Get("Auto-Submitted"))
		}

		plain := notifytest.ParseMail(t, byRcpt["dominique@exemple.fr"].Data)
		if plain.From.Name != "Escale" || plain.ReplyTo != "" || plain.ContentType != "text/plain" || norm(plain.Text) != norm(email("").Text) {
			t.Errorf("plain message: From %q, Reply-To %q, %s, text %q", plain.From.Name, plain.ReplyTo, plain.ContentType, plain.Text)
		}

		if n := process(t, f.worker); n != 0 {
			t.Errorf("claimed %d messages after everything was sent", n)
		}
	})
}

// norm ignores the line ending differences MIME introduces.
func norm(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

func TestWorkerRetriesTemporaryFailure(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		var mu sync.Mutex
		refused := 0
		f.smtp.OnRcpt(func(to string) error {
			mu.Lock()
			defer mu.Unlock()
			if refused == 0 {
				refused++
				return notifytest.Reply(451, [3]int{4, 3, 0}, "Mailbox busy, try again later")
			}
			return nil
		})
		mustEnqueue(t, db, "k", email("camille@exemple.fr"), 0, f.clock.Now())

		process(t, f.worker)
		m := messageByKey(t, db, "k")
		if m.Status != notify.StatusPending || m.Attempts != 1 || m.LockedUntil != nil {
			t.Fatalf("after 451: status %s, attempts %d, locked until %v", m.Status, m.Attempts, m.LockedUntil)
		}
		if !strings.Contains(m.LastError, "451 4.3.0 Mailbox busy, try again later") {
			t.Errorf("last error %q lacks the server's reply", m.LastError)
		}
		if strings.Contains(m.LastError, "camille") {
			t.Errorf("last error %q names the recipient", m.LastError)
		}
		delay := m.NextAttemptAt.Sub(f.clock.Now())
		if delay < 30*time.Second || delay > 36*time.Second {
			t.Errorf("first retry in %v, want 30 s plus at most a fifth", delay)
		}
		if n := process(t, f.worker); n != 0 {
			t.Fatalf("retried before its time")
		}

		f.clock.Add(time.Minute)
		process(t, f.worker)
		m = messageByKey(t, db, "k")
		if m.Status != notify.StatusSent || m.Attempts != 2 || m.LastError != "" {
			t.Errorf("after retry: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
		}
		if got := f.smtp.Messages(); len(got) != 1 {
			t.Errorf("server received %d messages, want 1", len(got))
		}
	})
}

func TestWorkerPermanentRefusal(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		f.smtp.OnRcpt(func(to string) error {
			if to == "inconnu@exemple.fr" {
				return notifytest.Reply(550, [3]int{5, 1, 1}, "No such user here")
			}
			return nil
		})
		mustEnqueue(t, db, "bad", email("inconnu@exemple.fr"), 0, f.clock.Now())
		mustEnqueue(t, db, "good", email("camille@exemple.fr"), 0, f.clock.Now())
		mustEnqueue(t, db, "invalid", email("pas une adresse"), 0, f.clock.Now())

		process(t, f.worker)
		bad := messageByKey(t, db, "bad")
		if bad.Status != notify.StatusFailed || bad.Attempts != 1 || !strings.Contains(bad.LastError, "550 5.1.1 No such user here") {
			t.Errorf("refused recipient: status %s, attempts %d, error %q", bad.Status, bad.Attempts, bad.LastError)
		}
		invalid := messageByKey(t, db, "invalid")
		if invalid.Status != notify.StatusFailed || invalid.LastError != "adresse du destinataire invalide" {
			t.Errorf("invalid address: status %s, error %q", invalid.Status, invalid.LastError)
		}
		if good := messageByKey(t, db, "good"); good.Status != notify.StatusSent {
			t.Errorf("the other message: status %s", good.Status)
		}

		f.clock.Add(2 * time.Hour)
		if n := process(t, f.worker); n != 0 {
			t.Errorf("claimed %d messages after a permanent failure", n)
		}
		if got := f.smtp.Messages(); len(got) != 1 || got[0].To[0] != "camille@exemple.fr" {
			t.Errorf("server received %v", got)
		}
	})
}

func TestWorkerServerDownThenBack(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		f.smtp.Stop()
		const n = 12
		for i := range n {
			mustEnqueue(t, db, fmt.Sprint("k", i), email(fmt.Sprintf("personne%d@exemple.fr", i)), 0, f.clock.Now())
		}
		f.drain(t)
		for i := range n {
			m := messageByKey(t, db, fmt.Sprint("k", i))
			if m.Status != notify.StatusPending || m.Attempts != 1 || !strings.HasPrefix(m.LastError, "connexion au serveur SMTP impossible") {
				t.Fatalf("server down: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
			}
		}

		// Down for an hour: every retry fails and nothing is lost.
		for range 4 {
			f.clock.Add(15 * time.Minute)
			f.drain(t)
		}
		f.smtp.Start()
		f.clock.Add(time.Hour)
		f.drain(t)

		seen := map[string]int{}
		for _, r := range f.smtp.Messages() {
			seen[r.To[0]]++
		}
		for i := range n {
			if c := seen[fmt.Sprintf("personne%d@exemple.fr", i)]; c != 1 {
				t.Errorf("personne%d received %d times", i, c)
			}
			if m := messageByKey(t, db, fmt.Sprint("k", i)); m.Status != notify.StatusSent {
				t.Errorf("k%d: status %s", i, m.Status)
			}
		}
	})
}

func TestWorkerDeadLetter(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{MaxAttempts: 3})
		f.smtp.OnRcpt(func(string) error {
			return notifytest.Reply(421, [3]int{4, 7, 0}, "Too many connections")
		})
		mustEnqueue(t, db, "k", email("camille@exemple.fr"), 0, f.clock.Now())
		for attempt := 1; attempt <= 3; attempt++ {
			if n := process(t, f.worker); n != 1 {
				t.Fatalf("attempt %d: claimed %d", attempt, n)
			}
			m := messageByKey(t, db, "k")
			want := notify.StatusPending
			if attempt == 3 {
				want = notify.StatusFailed
			}
			if m.Status != want || m.Attempts != attempt {
				t.Fatalf("after attempt %d: status %s, attempts %d", attempt, m.Status, m.Attempts)
			}
			f.clock.Add(time.Hour)
		}
		if m := messageByKey(t, db, "k"); !strings.Contains(m.LastError, "421 4.7.0 Too many connections") {
			t.Errorf("dead letter's error %q", m.LastError)
		}
		if n := process(t, f.worker); n != 0 {
			t.Errorf("a dead letter was claimed again")
		}
		if got := f.smtp.Messages(); len(got) != 0 {
			t.Errorf("server received %d messages", len(got))
		}
	})
}

func TestWorkerRetakesExpiredClaim(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{Lease: 10 * time.Minute})
		mustEnqueue(t, db, "k", email("camille@exemple.fr"), 0, f.clock.Now())
		// What a worker that claimed the message and then crashed leaves behind.
		lease := f.clock.Now().Add(10 * time.Minute)
		if _, err := db.NewUpdate().Model((*notify.Message)(nil)).Set("locked_until = ?", lease).Where("idempotency_key = 'k'").Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := process(t, f.worker); n != 0 {
			t.Fatalf("took a message another worker holds")
		}
		f.clock.Add(10 * time.Minute)
		if n := process(t, f.worker); n != 1 {
			t.Fatalf("did not retake an expired claim")
		}
		if m := messageByKey(t, db, "k"); m.Status != notify.StatusSent {
			t.Errorf("status %s", m.Status)
		}
		if got := f.smtp.Messages(); len(got) != 1 {
			t.Errorf("server received %d messages", len(got))
		}
	})
}

func TestWorkerLeavesUnknownKinds(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		ctx := context.Background()
		ev := &notify.Message{Kind: notify.KindSessionChanged, IdempotencyKey: "session:1:moved:1", Payload: `{"session_id":1}`}
		if _, err := notify.Enqueue(ctx, db, ev, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		before := messageByKey(t, db, ev.IdempotencyKey)
		mustEnqueue(t, db, "k", email("camille@exemple.fr"), 0, f.clock.Now())
		f.clock.Add(time.Hour)
		f.drain(t)
		after := messageByKey(t, db, ev.IdempotencyKey)
		if after.Status != notify.StatusPending || after.Attempts != 0 || after.LockedUntil != nil || after.LastError != "" || !after.NextAttemptAt.Equal(before.NextAttemptAt) {
			t.Errorf("an event without handler was touched: %+v", after)
		}
		if m := messageByKey(t, db, "k"); m.Status != notify.StatusSent {
			t.Errorf("the email beside it: status %s", m.Status)
		}
	})
}

func TestWorkerEventHandler(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		f := newFixture(t, db, notify.WorkerConfig{})
		ctx := context.Background()
		fail := true
		f.worker.HandleEvent(notify.KindSessionChanged, func(ctx context.Context, tx bun.Tx, m *notify.Message) error {
			e := email("camille@exemple.fr")
			e.Subject = "Votre atelier a changé de date"
			if _, err := notify.EnqueueEmail(ctx, tx, m.IdempotencyKey+":camille", e, 0, f.clock.Now()); err != nil {
				return err
			}
			if fail {
				return errors.New("composition impossible")
			}
			return nil
		})
		ev := &notify.Message{Kind: notify.KindSessionChanged, IdempotencyKey: "session:1:moved:1", Payload: `{"session_id":1}`}
		if _, err := notify.Enqueue(ctx, db, ev, f.clock.Now()); err != nil {
			t.Fatal(err)
		}

		process(t, f.worker)
		m := messageByKey(t, db, ev.IdempotencyKey)
		if m.Status != notify.StatusPending || m.Attempts != 1 || m.LastError != "composition impossible" {
			t.Errorf("failed event: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
		}
		if n, err := db.NewSelect().Model((*notify.Message)(nil)).Where("kind = ?", notify.KindEmail).Count(ctx); err != nil || n != 0 {
			t.Fatalf("a failed event left %d emails (%v)", n, err)
		}

		fail = false
		f.clock.Add(time.Hour)
		f.drain(t)
		if m := messageByKey(t, db, ev.IdempotencyKey); m.Status != notify.StatusDone || m.Attempts != 2 {
			t.Errorf("handled event: status %s, attempts %d", m.Status, m.Attempts)
		}
		if m := messageByKey(t, db, ev.IdempotencyKey+":camille"); m.Status != notify.StatusSent {
			t.Errorf("the event's email: status %s", m.Status)
		}
		if got := f.smtp.Messages(); len(got) != 1 {
			t.Errorf("server received %d messages", len(got))
		}
	})
}

func TestWorkerSurvivesPanickingHandler(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		clk := newClock()
		w := notify.NewWorker(db, notify.WorkerConfig{Now: clk.Now})
		w.Handle("sms", func(context.Context, *notify.Message) error { panic("boum") })
		if _, err := notify.Enqueue(context.Background(), db, &notify.Message{Kind: "sms", IdempotencyKey: "k", Recipient: "0600000000"}, clk.Now()); err != nil {
			t.Fatal(err)
		}
		process(t, w)
		if m := messageByKey(t, db, "k"); m.Status != notify.StatusPending || m.Attempts != 1 || !strings.Contains(m.LastError, "boum") {
			t.Errorf("after a panic: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
		}
	})
}

func TestWorkerRun(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		// An hour's poll: only Enqueue's nudge (or PostgreSQL's NOTIFY) can wake the worker.
		f := newFixture(t, db, notify.WorkerConfig{Poll: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.worker.Run(ctx) }()

		for i := range 3 {
			err := db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
				_, err := notify.EnqueueEmail(ctx, tx, fmt.Sprint("k", i), email("camille@exemple.fr"), 0, f.clock.Now())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, fmt.Sprintf("message %d delivered", i), func() bool { return len(f.smtp.Messages()) == i+1 })
		}

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop when its context ended")
		}
	})
}

func TestWorkerStopsBetweenMessages(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		clk := newClock()
		w := notify.NewWorker(db, notify.WorkerConfig{Now: clk.Now, Poll: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		inHand := make(chan struct{})
		var mu sync.Mutex
		var delivered []string
		w.Handle("sms", func(hctx context.Context, m *notify.Message) error {
			if m.IdempotencyKey == "k0" {
				close(inHand)
				// Shutdown begins while this delivery is under way.
				<-ctx.Done()
			}
			if hctx.Err() != nil {
				return hctx.Err()
			}
			mu.Lock()
			defer mu.Unlock()
			delivered = append(delivered, m.IdempotencyKey)
			return nil
		})
		for i := range 3 {
			if _, err := notify.Enqueue(context.Background(), db, &notify.Message{Kind: "sms", IdempotencyKey: fmt.Sprint("k", i), Recipient: "0600000000"}, clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		<-inHand
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run returned %v", err)
		}
		if !slices.Equal(delivered, []string{"k0"}) {
			t.Errorf("delivered %v, want the message in hand only", delivered)
		}
		if m := messageByKey(t, db, "k0"); m.Status != notify.StatusSent {
			t.Errorf("the message in hand: status %s", m.Status)
		}
		for _, k := range []string{"k1", "k2"} {
			if m := messageByKey(t, db, k); m.Status != notify.StatusPending || m.Attempts != 0 || m.LockedUntil != nil {
				t.Errorf("%s was not released: status %s, attempts %d, locked until %v", k, m.Status, m.Attempts, m.LockedUntil)
			}
		}
	})
}

func TestWorkerWakesOnOtherInstancesNotify(t *testing.T) {
	db := testdb.New(t, dialect.PG)
	f := newFixture(t, db, notify.WorkerConfig{Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.worker.Run(ctx) }()
	for i := range 3 {
		// What Enqueue does on another instance: insert, and NOTIFY the outbox channel
		// (the contract between instances) in the same transaction.
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			now := f.clock.Now()
			m := &notify.Message{Kind: notify.KindEmail, IdempotencyKey: fmt.Sprint("k", i), Recipient: "camille@exemple.fr",
				Subject: "Objet", BodyText: "Texte", Status: notify.StatusPending, NextAttemptAt: now, CreatedAt: now}
			if _, err := tx.NewInsert().Model(m).Exec(ctx); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "SELECT pg_notify('escale_outbox', '')")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, fmt.Sprintf("message %d delivered", i), func() bool { return len(f.smtp.Messages()) == i+1 })
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v", err)
	}
}

// waitFor polls cond until it holds; the generous limit only turns a hang into a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTwoWorkersDeliverEachMessageOnce(t *testing.T) {
	db := testdb.New(t, dialect.PG)
	clk := newClock()
	srv := notifytest.StartSMTP(t)
	ctx := context.Background()
	const n = 200
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range n {
			if _, err := notify.EnqueueEmail(ctx, tx, fmt.Sprint("k", i), email(fmt.Sprintf("personne%d@exemple.fr", i)), 0, clk.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	byWorker := map[int]int{}
	for i := range 2 {
		w := notify.NewWorker(db, notify.WorkerConfig{
			Poll: 10 * time.Millisecond, Batch: 5, Now: clk.Now,
			OnOutcome: func(o notify.Outcome) {
				mu.Lock()
				defer mu.Unlock()
				byWorker[i]++
			},
			OnError: func(err error) { t.Errorf("worker %d: %v", i, err) },
		})
		w.Handle(notify.KindEmail, srv.Transport(t, notify.SMTPConfig{Now: clk.Now}).Send)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = w.Run(runCtx)
		}()
	}
	waitFor(t, "every message sent", func() bool {
		c, err := notify.Counts(ctx, db, notify.Scope{All: true})
		return err == nil && c[notify.StatusSent] == n
	})
	cancel()
	wg.Wait()

	seen := map[string]int{}
	for _, r := range srv.Messages() {
		seen[r.To[0]]++
	}
	for i := range n {
		if c := seen[fmt.Sprintf("personne%d@exemple.fr", i)]; c != 1 {
			t.Errorf("personne%d received %d times", i, c)
		}
	}
	if got := len(srv.Messages()); got != n {
		t.Errorf("server received %d messages, want %d", got, n)
	}
	var maxAttempts int
	if err := db.NewSelect().Model((*notify.Message)(nil)).ColumnExpr("max(attempts)").Scan(ctx, &maxAttempts); err != nil || maxAttempts != 1 {
		t.Errorf("max attempts %d (%v), want 1", maxAttempts, err)
	}
	t.Logf("deliveries per worker: %v", byWorker)
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt int
		base    time.Duration
	}{
		{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {4, 4 * time.Minute},
		{7, 32 * time.Minute}, {8, time.Hour}, {20, time.Hour},
	} {
		for range 50 {
			d := notify.Backoff(tt.attempt)
			if d < tt.base || d > min(tt.base+tt.base/5, time.Hour) {
				t.Fatalf("Backoff(%d) = %v, want %v plus at most a fifth, at most 1 h", tt.attempt, d, tt.base)
			}
		}
	}
}

func TestWorkerPostpone(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		clk := newClock()
		w := notify.NewWorker(db, notify.WorkerConfig{Now: clk.Now})
		var until time.Time
		w.Handle("later", func(context.Context, *notify.Message) error { return notify.Postpone(until, "plus tard") })
		if _, err := notify.Enqueue(context.Background(), db, &notify.Message{Kind: "later", IdempotencyKey: "k"}, clk.Now()); err != nil {
			t.Fatal(err)
		}
		until = clk.Now().Add(3 * time.Hour)
		process(t, w)
		if m := messageByKey(t, db, "k"); m.Status != notify.StatusPending || m.Attempts != 0 || m.LastError != "" || m.LockedUntil != nil || !m.NextAttemptAt.Equal(until) {
			t.Errorf("postponed: %+v", m)
		}
		// A date in the past must not make the worker spin on the message.
		clk.Set(until)
		until = clk.Now().Add(-time.Hour)
		process(t, w)
		if m := messageByKey(t, db, "k"); m.Attempts != 0 || !m.NextAttemptAt.Equal(clk.Now().Add(time.Second)) {
			t.Errorf("postponed to the past: attempts %d, due %v, now %v", m.Attempts, m.NextAttemptAt, clk.Now())
		}
		if n := process(t, w); n != 0 {
			t.Errorf("claimed again at once")
		}
	})
}
