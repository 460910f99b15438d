package migrations

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"log/slog"
	"sync"
	"time"
)

// checkpointEvery is how often the background checkpointer copies SQLite's write-ahead
// log into the database file.
const checkpointEvery = 50 * time.Millisecond

// SQLite in WAL mode appends every commit to the write-ahead log, and copies the log back
// into the database file (a checkpoint) once it holds wal_autocheckpoint pages, inside the
// commit that crossed the mark. With one connection, that is inside the application's one
// writer, which everything that writes waits for: a tenth of its time under a stream of
// enrollments. A second connection does it instead, every checkpointEvery, in a PASSIVE
// checkpoint that never waits for nor blocks the writer; the writer then finds the log
// copied and starts it over, and its own checkpoint (the pragma, kept as a backstop for
// when this one falls behind) does not come.

// sqliteConnector opens the application's SQLite connection and, with the database/sql
// pool that owns it, the background checkpointer: closing the pool (DB.Close) stops it.
type sqliteConnector struct {
	dsn  string
	drv  driver.Driver
	once sync.Once
	stop func()
}

func (c *sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }

func (c *sqliteConnector) Driver() driver.Driver { return c.drv }

// Close stops the checkpointer; database/sql calls it from DB.Close.
func (c *sqliteConnector) Close() error {
	c.once.Do(c.stop)
	return nil
}

// openSQLite opens the pool of the application's single SQLite connection and starts its
// checkpointer.
func openSQLite(dsn string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	_ = probe.Close() // it never connected
	ck, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	ck.SetMaxOpenConns(1)
	stop, done := make(chan struct{}), make(chan struct{})
	go checkpoint(stop, ck, done)
	c := &sqliteConnector{dsn: dsn, drv: drv, stop: func() {
		// The checkpoint under way ends first: a checkpoint cut short would leave its
		// connection to be closed later, when the caller may already copy the file,
		// expecting the last connection's close to have folded the log into it.
		close(stop)
		<-done
		_ = ck.Close()
	}}
	return sql.OpenDB(c), nil
}

// checkpoint runs PASSIVE checkpoints on its own connection until stop is closed. A
// failure is logged once until the next success: the writer's own checkpoint still bounds
// the log. A PASSIVE checkpoint never waits for a lock, so it is never cancelled.
func checkpoint(stop <-chan struct{}, ck *sql.DB, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		var busy, logged, copied int
		err := ck.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &copied)
		switch {
		case err != nil && !failing:
			failing = true
			slog.Warn("sqlite background checkpoint failed; the writer checkpoints instead", "err", err)
		case err == nil:
			failing = false
		}
	}
}
