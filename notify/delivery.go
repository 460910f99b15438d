package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/uptrace/bun"
)

// Backoff is the default retry delay: 30 s after the first failure, doubling, plus up to
// a fifth more at random so that messages that failed together (a server down) do not all
// come back in the same second; never more than 1 h.
func Backoff(attempt int) time.Duration {
	const base, ceiling = 30 * time.Second, time.Hour
	d := ceiling
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 8 {
		d = min(base<<(attempt-1), ceiling)
	}
	d += rand.N(d/5 + 1)
	return min(d, ceiling)
}

// errLeaseLost aborts an event's transaction when another worker took the event over.
var errLeaseLost = errors.New("notify: claim expired and was taken over")

func (w *Worker) deliver(ctx context.Context, m *Message, lease time.Time) error {
	w.mu.Lock()
	h, ev := w.handlers[m.Kind], w.events[m.Kind]
	w.mu.Unlock()

	var err error
	if ev != nil {
		err = w.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := safely(func() error { return ev(ctx, tx, m) }); err != nil {
				return err
			}
			ok, err := w.finish(ctx, tx, m, lease, StatusDone)
			if err == nil && !ok {
				err = errLeaseLost
			}
			return err
		})
		if err == nil {
			w.report(Outcome{ID: m.ID, Kind: m.Kind, Status: StatusDone, Attempts: m.Attempts + 1})
			return nil
		}
		if errors.Is(err, errLeaseLost) {
			return nil
		}
	} else {
		if err = safely(func() error { return h(ctx, m) }); err == nil {
			if _, err := w.finish(ctx, w.db, m, lease, StatusSent); err != nil {
				return err
			}
			w.report(Outcome{ID: m.ID, Kind: m.Kind, Status: StatusSent, Attempts: m.Attempts + 1})
			return nil
		}
	}
	return w.fail(ctx, m, lease, err)
}

// safely turns a handler's panic into an ordinary failure, so that one bad message is
// retried and eventually given up instead of stopping every delivery.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("erreur interne : %v", r)
		}
	}()
	return fn()
}

// finish records success. Its guard on the lease means a worker whose claim expired and
// was retaken records nothing over the new owner's work; it reports whether it recorded.
func (w *Worker) finish(ctx context.Context, db bun.IDB, m *Message, lease time.Time, status string) (bool, error) {
	now := w.now()
	res, err := db.NewUpdate().Model((*Message)(nil)).
		Set("status = ?", status).
		Set("sent_at = ?", now).
		Set("attempts = attempts + 1").
		Set("locked_until = NULL").
		Set("last_error = ''").
		Set("provider_ref = ?", m.ProviderRef).
		Where("id = ?", m.ID).Where("status = ?", StatusPending).Where("locked_until = ?", lease).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record outbox message %d %s: %w", m.ID, status, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record outbox message %d %s: %w", m.ID, status, err)
	}
	return n == 1, nil
}

// maxErrorLen bounds last_error: providers can answer at length, and coordinators need the
// first line, not a transcript.
const maxErrorLen = 500

func (w *Worker) fail(ctx context.Context, m *Message, lease time.Time, cause error) error {
	var later postponed
	if errors.As(cause, &later) {
		return w.postpone(ctx, m, lease, later.until)
	}
	attempts := m.Attempts + 1
	out := Outcome{ID: m.ID, Kind: m.Kind, Status: StatusPending, Attempts: attempts, Err: cause}
	q := w.db.NewUpdate().Model((*Message)(nil)).
		Set("attempts = ?", attempts).
		Set("locked_until = NULL").
		Set("last_error = ?", truncate(cause.Error(), maxErrorLen))
	if IsPermanent(cause) || attempts >= w.cfg.MaxAttempts {
		out.Status = StatusFailed
		q = q.Set("status = ?", StatusFailed)
	} else {
		out.NextAttemptAt = w.now().Add(w.cfg.Backoff(attempts))
		q = q.Set("next_attempt_at = ?", out.NextAttemptAt)
	}
	res, err := q.Where("id = ?", m.ID).Where("status = ?", StatusPending).Where("locked_until = ?", lease).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record outbox message %d failure: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		w.report(out)
	}
	return nil
}

// postpone puts a message back in the queue, due at until, as if it had not been claimed:
// no attempt is counted and the last error stays as it was. A date that is not in the
// future becomes a second from now, so that a handler postponing by mistake to the past
// cannot keep the worker spinning on one message.
func (w *Worker) postpone(ctx context.Context, m *Message, lease, until time.Time) error {
	now := w.now()
	until = until.UTC().Truncate(time.Microsecond)
	if !until.After(now) {
		until = now.Add(time.Second)
	}
	res, err := w.db.NewUpdate().Model((*Message)(nil)).
		Set("next_attempt_at = ?", until).
		Set("locked_until = NULL").
		Where("id = ?", m.ID).Where("status = ?", StatusPending).Where("locked_until = ?", lease).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("postpone outbox message %d: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		w.report(Outcome{ID: m.ID, Kind: m.Kind, Status: StatusPending, Attempts: m.Attempts, NextAttemptAt: until, Postponed: true})
	}
	return nil
}

func (w *Worker) report(o Outcome) {
	if w.cfg.OnOutcome != nil {
		w.cfg.OnOutcome(o)
	}
}

// now reads the clock in UTC at the precision both databases keep (microseconds), so that
// a lease written and compared again is the same instant.
func (w *Worker) now() time.Time {
	return w.cfg.Now().UTC().Truncate(time.Microsecond)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary: the text may be French.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// permanentError marks a failure that retrying cannot cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that no retry can cure (a recipient the server refuses,
// an invalid address): the message is marked failed at once. It returns nil for nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// postponed asks the worker to try a message again later, without counting an attempt.
type postponed struct {
	until  time.Time
	reason string
}

func (e postponed) Error() string { return e.reason }

// Postpone is what a Handler returns instead of delivering a message that must wait (an
// SMS during quiet hours): the message is due again at until, this attempt is not counted
// and nothing is recorded as an error. reason says why, for the log.
func Postpone(until time.Time, reason string) error {
	return postponed{until: until, reason: reason}
}

// IsPermanent reports whether err, or an error it wraps, was marked by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
