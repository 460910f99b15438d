package migrations_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/escale-numerique/escale/migrations"
)

// TestSQLiteLogIsCopiedInTheBackground: what is committed reaches the database file
// without the writer checkpointing (its own threshold, 10,000 pages, is far away), and
// closing the database stops the checkpointer.
func TestSQLiteLogIsCopiedInTheBackground(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "escale.db")
	db, err := migrations.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE filler (body TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	// About 2 MB, 500 pages: all in the log when committed.
	if _, err := db.ExecContext(ctx, "INSERT INTO filler (body) VALUES (?)", strings.Repeat("x", 2<<20)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, path) < before+2<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes for 5 s after a 2 MB commit: nothing checkpointed the log", fileSize(t, path))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The checkpointer's connection is closed too: SQLite removes the log when the last
	// connection to the database closes.
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the log is still there after Close (%v): a connection stayed open", err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
