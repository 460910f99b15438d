package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Handler delivers one message (an email or an SMS to its recipient); a nil error marks
// the message sent (with m.ProviderRef, which the handler may set), an error wrapped by
// Permanent marks it failed at once, an error made by Postpone puts it off without
// counting an attempt, and any other error schedules a retry.
type Handler func(ctx context.Context, m *Message) error

// EventHandler handles one event message inside tx, typically by enqueuing the messages the
// event implies (with Enqueue on tx); the event is marked done in the same transaction, so
// its consequences are written once or not at all. Errors are treated as by Handler.
type EventHandler func(ctx context.Context, tx bun.Tx, m *Message) error

// WorkerConfig tunes a Worker; zero fields take the defaults documented on each.
type WorkerConfig struct {
	// Poll is how often the worker looks for due messages when nothing wakes it (2s).
	Poll time.Duration
	// Batch is how many messages one claim takes (10).
	Batch int
	// Lease is how long a claim keeps other workers away from its messages (10 min). It
	// must outlast the delivery of a whole batch: a worker that crashed holds its
	// messages until then, and another worker takes them after.
	Lease time.Duration
	// MaxAttempts is the number of attempts after which a message is given up, its status
	// failed (8).
	MaxAttempts int
	// Backoff is the delay before the attempt that follows the n-th failed one (Backoff).
	Backoff func(attempt int) time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// OnOutcome, if not nil, hears what became of each message the worker handled.
	OnOutcome func(Outcome)
	// OnError, if not nil, hears about database failures, which the worker survives.
	OnError func(error)
}

// Outcome says what became of one delivery attempt, for the server's log.
type Outcome struct {
	// ID and Kind name the message.
	ID   int64
	Kind string
	// Status is the message's status after the attempt.
	Status string
	// Attempts counts the attempts made so far, this one included.
	Attempts int
	// Err is the failure, nil when the message was sent or handled.
	Err error
	// NextAttemptAt is when a failed attempt will be retried (zero unless still pending).
	NextAttemptAt time.Time
	// Postponed says that the handler postponed the message to NextAttemptAt (see
	// Postpone): no attempt was made, Attempts did not move.
	Postponed bool
}

// Worker drains the outbox: it claims due messages whose kind has a handler, delivers
// them outside any transaction, and records sent, retry or failed. Several workers may run
// against one PostgreSQL database (claims skip each other's locked rows); on SQLite run one.
// The outbox table is the queue itself, so what coordinators read is what workers do.
type Worker struct {
	db  *bun.DB
	cfg WorkerConfig

	mu       sync.Mutex
	handlers map[string]Handler
	events   map[string]EventHandler
}

// NewWorker returns a worker on db with no handler: register them with Handle and
// HandleEvent before Run.
func NewWorker(db *bun.DB, cfg WorkerConfig) *Worker {
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 10
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Backoff == nil {
		cfg.Backoff = Backoff
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Worker{db: db, cfg: cfg, handlers: map[string]Handler{}, events: map[string]EventHandler{}}
}

// Handle makes the worker deliver messages of kind with h; until a kind has a handler its
// messages stay pending, untouched.
func (w *Worker) Handle(kind string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.events, kind)
	w.handlers[kind] = h
}

// HandleEvent makes the worker handle event messages of kind with h, marking them done.
func (w *Worker) HandleEvent(kind string, h EventHandler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.handlers, kind)
	w.events[kind] = h
}

func (w *Worker) kinds() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.handlers)+len(w.events))
	for k := range w.handlers {
		out = append(out, k)
	}
	for k := range w.events {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Run delivers due messages until ctx ends: it looks every Poll, right after an Enqueue or
// a Retry in this process, and on PostgreSQL whenever any instance commits one. When ctx
// ends it finishes the message in hand, releases the rest of its claim, and returns nil.
func (w *Worker) Run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	unregister := registerWaker(wake)
	defer unregister()

	var listening sync.WaitGroup
	if w.db.Dialect().Name() == dialect.PG {
		listening.Add(1)
		go func() {
			defer listening.Done()
			listen(ctx, w.db, wake, w.cfg.OnError)
		}()
	}
	defer listening.Wait()

	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		n, err := w.Process(ctx)
		if err != nil && ctx.Err() == nil && w.cfg.OnError != nil {
			w.cfg.OnError(err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err == nil && n == w.cfg.Batch {
			// A full batch: more may be due already.
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-t.C:
		}
	}
}

// Process claims one batch of due messages and delivers it, returning how many it claimed.
// It is Run's single step, exported so that tests and commands can drain the outbox
// deterministically. It returns an error when the database fails.
func (w *Worker) Process(ctx context.Context) (int, error) {
	kinds := w.kinds()
	if len(kinds) == 0 {
		return 0, nil
	}
	msgs, lease, err := w.claim(ctx, kinds)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	// Once claimed, a message is delivered and recorded even if ctx ends meanwhile:
	// abandoning a delivery halfway could send it without recording it.
	work := context.WithoutCancel(ctx)
	var errs []error
	for i := range msgs {
		if ctx.Err() != nil {
			errs = append(errs, w.release(work, msgs[i:], lease))
			break
		}
		errs = append(errs, w.deliver(work, &msgs[i], lease))
	}
	return len(msgs), errors.Join(errs...)
}

// claim takes up to Batch due messages in a short transaction: it selects them (skipping
// rows another PostgreSQL worker holds), sets their lease, and commits before any delivery.
// The lease's instant, truncated to what both databases store, identifies the claim.
func (w *Worker) claim(ctx context.Context, kinds []string) ([]Message, time.Time, error) {
	now := w.now()
	lease := now.Add(w.cfg.Lease)
	var msgs []Message
	err := w.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewSelect().Model(&msgs).
			Where("ob.status = ?", StatusPending).
			Where("ob.next_attempt_at <= ?", now).
			Where("(ob.locked_until IS NULL OR ob.locked_until <= ?)", now).
			Where("ob.kind IN (?)", bun.In(kinds)).
			OrderExpr("ob.next_attempt_at, ob.id").
			Limit(int64(w.cfg.Batch))
		if tx.Dialect().Name() == dialect.PG {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx); err != nil {
			return err
		}
		if len(msgs) == 0 {
			return nil
		}
		ids := make([]int64, len(msgs))
		for i := range msgs {
			ids[i] = msgs[i].ID
		}
		_, err := tx.NewUpdate().Model((*Message)(nil)).
			Set("locked_until = ?", lease).
			Where("id IN (?)", bun.In(ids)).
			Exec(ctx)
		return err
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("claim outbox messages: %w", err)
	}
	return msgs, lease, nil
}

// release gives back claimed messages that were not attempted, for the next worker.
func (w *Worker) release(ctx context.Context, msgs []Message, lease time.Time) error {
	ids := make([]int64, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	_, err := w.db.NewUpdate().Model((*Message)(nil)).
		Set("locked_until = NULL").
		Where("id IN (?)", bun.In(ids)).Where("locked_until = ?", lease).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("release outbox messages: %w", err)
	}
	return nil
}
