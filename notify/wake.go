package notify

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// wakeChannel is the PostgreSQL NOTIFY channel on which new or retried messages announce
// themselves to the workers of every instance.
const wakeChannel = "escale_outbox"

// wakers are the channels of this process's running workers.
var wakers struct {
	sync.Mutex
	set map[chan<- struct{}]struct{}
}

func registerWaker(ch chan<- struct{}) (unregister func()) {
	wakers.Lock()
	defer wakers.Unlock()
	if wakers.set == nil {
		wakers.set = map[chan<- struct{}]struct{}{}
	}
	wakers.set[ch] = struct{}{}
	return func() {
		wakers.Lock()
		defer wakers.Unlock()
		delete(wakers.set, ch)
	}
}

// wakeWorkers nudges this process's workers without ever blocking the writer. A nudge
// sent before the writer's transaction commits is not lost work: on SQLite the worker's
// claim waits for the single connection, hence for the commit; on PostgreSQL the NOTIFY
// of announce arrives after the commit and wakes the worker again.
func wakeWorkers() {
	wakers.Lock()
	defer wakers.Unlock()
	for ch := range wakers.set {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// announce tells workers that a message is due. On PostgreSQL the notification is sent
// when, and only if, the caller's transaction commits.
func announce(ctx context.Context, db bun.IDB) error {
	if q := AnnounceSQL(db); q != "" {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("announce outbox message: %w", err)
		}
	}
	return nil
}

// AnnounceSQL wakes this process's workers and returns the statement that wakes the other
// instances' ones when the caller's transaction commits: a NOTIFY on PostgreSQL, nothing
// on SQLite, where this process is the only one.
func AnnounceSQL(db bun.IDB) string {
	wakeWorkers()
	if db.Dialect().Name() == dialect.PG {
		return "SELECT pg_notify('" + wakeChannel + "', '')"
	}
	return ""
}

// listen wakes the worker on every notification of wakeChannel until ctx ends, holding a
// dedicated connection and reconnecting with backoff. The worker's poll covers the gaps.
func listen(ctx context.Context, db *bun.DB, wake chan<- struct{}, onError func(error)) {
	backoff := 100 * time.Millisecond
	for {
		err := listenOnce(ctx, db, wake)
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(fmt.Errorf("outbox listener: %w", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func listenOnce(ctx context.Context, db *bun.DB, wake chan<- struct{}) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("listen: unexpected driver connection %T", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+wakeChannel); err != nil {
			return err
		}
		nudge := func() {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
		// Messages may have been committed while nobody listened.
		nudge()
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				// The connection is mid-wait or broken: let database/sql discard it.
				if ctx.Err() != nil {
					return errors.Join(ctx.Err(), driver.ErrBadConn)
				}
				return errors.Join(err, driver.ErrBadConn)
			}
			nudge()
		}
	})
}
