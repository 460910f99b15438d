package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
)

// TestPurgeDeletesSettledMessagesAfterRetention: messages sent, failed or done before the
// cut are deleted with the personal data they carry; newer ones and pending ones stay.
func TestPurgeDeletesSettledMessagesAfterRetention(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		old, recent := now.AddDate(-1, 0, -1), now.AddDate(0, 0, -10)
		for _, m := range []struct {
			key, status string
			at          time.Time
		}{
			{"old-sent", notify.StatusSent, old},
			{"old-failed", notify.StatusFailed, old},
			{"old-done", notify.StatusDone, old},
			{"old-pending", notify.StatusPending, old},
			{"recent-sent", notify.StatusSent, recent},
		} {
			msg := &notify.Message{Kind: notify.KindEmail, IdempotencyKey: m.key, Recipient: "camille@exemple.fr",
				Subject: "Votre atelier", BodyText: "Bonjour Camille", Status: m.status, NextAttemptAt: m.at, CreatedAt: m.at}
			if _, err := db.NewInsert().Model(msg).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		n, err := notify.Purge(ctx, db, now.AddDate(-1, 0, 0))
		if err != nil || n != 3 {
			t.Fatalf("Purge = %d, %v; want 3 settled old messages", n, err)
		}
		var left []string
		if err := db.NewSelect().Model((*notify.Message)(nil)).Column("idempotency_key").Order("idempotency_key").Scan(ctx, &left); err != nil {
			t.Fatal(err)
		}
		if len(left) != 2 || left[0] != "old-pending" || left[1] != "recent-sent" {
			t.Errorf("left after the purge: %q, want old-pending and recent-sent", left)
		}
	})
}
