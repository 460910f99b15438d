package workshops

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// notifyChannel is the PostgreSQL NOTIFY channel on which writes announce themselves.
const notifyChannel = "escale_calendar"

// Changes tells caches when the calendar may have changed, on this instance or on any
// other instance sharing the database.
//
// Every write bumps the calendar_state row in its transaction and, on PostgreSQL, sends a
// NOTIFY that every instance LISTENs to (see Service.WatchChanges). Caches key what they
// render by Generation and drop it when the generation moves.
type Changes struct {
	db   *bun.DB
	gen  atomic.Uint64
	live atomic.Bool
}

func newChanges(db *bun.DB) *Changes {
	c := &Changes{db: db}
	c.gen.Store(1)
	// SQLite is one process's file: this instance sees its own writes, and WatchChanges
	// polls for the rare write of another process (a CLI command).
	c.live.Store(db.Dialect().Name() == dialect.SQLite)
	return c
}

// Generation returns a number that changes whenever the calendar may have changed, and
// whether it can be trusted: false while the PostgreSQL listener is not connected, when
// another instance's writes could be missed (caches must then not serve what they hold).
func (c *Changes) Generation() (uint64, bool) {
	return c.gen.Load(), c.live.Load()
}

// Changes returns the service's change tracker.
func (s *Service) Changes() *Changes { return s.changes }

func (c *Changes) bumpLocal() { c.gen.Add(1) }

// record marks a change inside a write's transaction. On PostgreSQL the notification is
// delivered to listeners when, and only if, the transaction commits.
func (c *Changes) record(ctx context.Context, tx bun.Tx, now time.Time) error {
	_, err := tx.NewUpdate().Table("calendar_state").
		Set("version = version + 1").Set("changed_at = ?", now.UTC()).
		Where("id = 1").Exec(ctx)
	if err != nil {
		return fmt.Errorf("record calendar change: %w", err)
	}
	if tx.Dialect().Name() == dialect.PG {
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify(?, '')", notifyChannel); err != nil {
			return fmt.Errorf("notify calendar change: %w", err)
		}
	}
	return nil
}

// State returns the calendar's change counter and the time of its last change.
func (s *Service) State(ctx context.Context) (version int64, changedAt time.Time, err error) {
	err = s.db.NewSelect().Table("calendar_state").Column("version", "changed_at").
		Where("id = 1").Scan(ctx, &version, &changedAt)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("calendar state: %w", err)
	}
	return version, changedAt.UTC(), nil
}

// WatchChanges follows writes made by other instances or processes until ctx ends: on
// PostgreSQL it LISTENs on a dedicated connection (reconnecting with backoff, and counting
// every reconnection as a change); on SQLite it polls the calendar_state row every poll.
// onError, if not nil, hears about connection failures. It returns ctx's error.
func (s *Service) WatchChanges(ctx context.Context, poll time.Duration, onError func(error)) error {
	c := s.changes
	if s.db.Dialect().Name() != dialect.PG {
		return c.poll(ctx, s, poll, onError)
	}
	backoff := 100 * time.Millisecond
	for {
		err := c.listen(ctx)
		c.live.Store(false)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if onError != nil {
			onError(fmt.Errorf("calendar change listener: %w", err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (c *Changes) listen(ctx context.Context) error {
	conn, err := c.db.Conn(ctx)
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
		if _, err := pc.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
			return err
		}
		// Anything may have changed while nobody listened.
		c.gen.Add(1)
		c.live.Store(true)
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				if ctx.Err() != nil {
					// The connection is mid-wait; let database/sql discard it.
					return errors.Join(ctx.Err(), driver.ErrBadConn)
				}
				return errors.Join(err, driver.ErrBadConn)
			}
			c.gen.Add(1)
		}
	})
}

func (c *Changes) poll(ctx context.Context, s *Service, every time.Duration, onError func(error)) error {
	if every <= 0 {
		every = time.Second
	}
	var last int64
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		v, _, err := s.State(ctx)
		switch {
		case err != nil && ctx.Err() == nil && onError != nil:
			onError(err)
		case err == nil && last != 0 && v != last:
			c.gen.Add(1)
		}
		if err == nil {
			last = v
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
