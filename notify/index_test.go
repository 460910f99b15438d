package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
)

// A structure's messages page reads the structure's emails and SMS, newest first, through
// the partial index that holds them and not the events (most of the outbox): SQLite uses
// a partial index only when the query repeats its condition.
func TestStructureMessagesAreReadThroughTheirIndex(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		now := newClock().Now()
		quiet := mustCreateStructure(t, db, "Médiathèque Jules Verne")
		busy := mustCreateStructure(t, db, "Centre social Les Nations")
		var msgs []*notify.Message
		for i := range 3000 {
			m := &notify.Message{Kind: notify.KindSessionChanged, IdempotencyKey: fmt.Sprintf("event-%d", i), StructureID: busy, Payload: "{}"}
			if i%3 == 0 {
				m.StructureID = quiet
			}
			msgs = append(msgs, m)
		}
		for i := range 5 {
			msgs = append(msgs, &notify.Message{Kind: notify.MessageKinds[i%2], IdempotencyKey: fmt.Sprintf("message-%d", i),
				Recipient: "camille@exemple.fr", StructureID: quiet})
		}
		if _, err := notify.EnqueueMany(ctx, db, msgs, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}

		var got []notify.Message
		plan := testdb.Plan(t, db, func(ctx context.Context) (err error) {
			got, err = notify.List(ctx, db, notify.Filter{Scope: notify.Scope{Structures: []int64{quiet}, Kinds: notify.MessageKinds}, Limit: 3})
			return err
		})
		if len(got) != 3 || got[0].IdempotencyKey != "message-4" || got[2].IdempotencyKey != "message-2" {
			t.Errorf("the structure's newest messages = %+v", got)
		}
		if !strings.Contains(plan, "outbox_structure_messages") {
			t.Errorf("the structure's messages are not read through outbox_structure_messages:\n%s", plan)
		}
		// SQLite walks the index in order; PostgreSQL may as well sort the few rows it finds.
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("the structure's messages are sorted after reading them all:\n%s", plan)
		}
	})
}
