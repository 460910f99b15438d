package notify_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/notify/notifytest"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestAdmin(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, db, notify.WorkerConfig{})
		f.smtp.OnRcpt(func(to string) error {
			if to == "inconnu@exemple.fr" {
				return notifytest.Reply(550, [3]int{5, 1, 1}, "No such user here")
			}
			return nil
		})
		a := mustCreateStructure(t, db, "Médiathèque Jules Verne")
		b := mustCreateStructure(t, db, "Centre social Les Nations")
		mustEnqueue(t, db, "a-sent", email("camille@exemple.fr"), a, f.clock.Now())
		mustEnqueue(t, db, "a-failed", email("inconnu@exemple.fr"), a, f.clock.Now())
		mustEnqueue(t, db, "b-failed", email("inconnu@exemple.fr"), b, f.clock.Now())
		mustEnqueue(t, db, "signin", email("dominique@exemple.fr"), 0, f.clock.Now())
		process(t, f.worker)
		mustEnqueue(t, db, "a-pending", email("alex@exemple.fr"), a, f.clock.Now())

		t.Run("ListByStatusAndStructure", func(t *testing.T) {
			got, err := notify.List(ctx, db, notify.Filter{Scope: notify.Scope{Structures: []int64{a}}, Status: notify.StatusFailed})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].IdempotencyKey != "a-failed" {
				t.Fatalf("failed messages of A = %+v", got)
			}
			m := got[0]
			if m.LastError == "" || m.Recipient != "inconnu@exemple.fr" || m.Subject == "" || m.Attempts != 1 {
				t.Errorf("listed message lacks what coordinators need: %+v", m)
			}
			if m.BodyText != "" || m.BodyHTML != "" {
				t.Errorf("List exposes a message's body (sign-in links)")
			}

			all, err := notify.List(ctx, db, notify.Filter{Scope: notify.Scope{All: true}})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, m := range all {
				keys = append(keys, m.IdempotencyKey)
			}
			if want := []string{"a-pending", "signin", "b-failed", "a-failed", "a-sent"}; !slices.Equal(keys, want) {
				t.Errorf("all messages, newest first = %v, want %v", keys, want)
			}
			page, err := notify.List(ctx, db, notify.Filter{Scope: notify.Scope{All: true}, Before: all[1].ID, Limit: 2})
			if err != nil || len(page) != 2 || page[0].IdempotencyKey != "b-failed" {
				t.Errorf("second page = %+v (%v)", page, err)
			}
			first, next, err := notify.ListPage(ctx, db, notify.Filter{Scope: notify.Scope{All: true}}, 2)
			if err != nil || len(first) != 2 || next != all[1].ID {
				t.Errorf("first page of 2 = %d messages, next %d (%v)", len(first), next, err)
			}
			last, next, err := notify.ListPage(ctx, db, notify.Filter{Scope: notify.Scope{All: true}, Before: all[3].ID}, 2)
			if err != nil || len(last) != 1 || next != 0 {
				t.Errorf("last page = %d messages, next %d (%v)", len(last), next, err)
			}
			if none, err := notify.List(ctx, db, notify.Filter{}); err != nil || len(none) != 0 {
				t.Errorf("an empty scope listed %d messages (%v)", len(none), err)
			}
		})

		t.Run("Counts", func(t *testing.T) {
			c, err := notify.Counts(ctx, db, notify.Scope{Structures: []int64{a}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{notify.StatusPending: 1, notify.StatusSent: 1, notify.StatusFailed: 1, notify.StatusDone: 0}
			if !maps.Equal(c, want) {
				t.Errorf("counts of A = %v, want %v", c, want)
			}
			c, err = notify.Counts(ctx, db, notify.Scope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			want = map[string]int{notify.StatusPending: 1, notify.StatusSent: 2, notify.StatusFailed: 2, notify.StatusDone: 0}
			if !maps.Equal(c, want) {
				t.Errorf("all counts = %v, want %v", c, want)
			}
		})

		t.Run("KindsNarrowTheScope", func(t *testing.T) {
			if _, err := notify.Enqueue(ctx, db, &notify.Message{Kind: notify.KindSessionChanged, IdempotencyKey: "a-event",
				StructureID: a, Payload: "{}"}, f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			scope := notify.Scope{Structures: []int64{a}, Kinds: []string{notify.KindEmail, notify.KindSMS}}
			c, err := notify.Counts(ctx, db, scope)
			if want := map[string]int{notify.StatusPending: 1, notify.StatusSent: 1, notify.StatusFailed: 1, notify.StatusDone: 0}; err != nil || !maps.Equal(c, want) {
				t.Errorf("counts of A's emails = %v (%v), want %v", c, err, want)
			}
			got, err := notify.List(ctx, db, notify.Filter{Scope: scope})
			if err != nil || len(got) != 3 || slices.ContainsFunc(got, func(m notify.Message) bool { return m.Kind != notify.KindEmail }) {
				t.Errorf("A's emails = %+v (%v)", got, err)
			}
			if all, err := notify.List(ctx, db, notify.Filter{Scope: notify.Scope{All: true, Kinds: []string{notify.KindSessionChanged}}}); err != nil || len(all) != 1 {
				t.Errorf("every event = %+v (%v)", all, err)
			}
		})

		t.Run("Retry", func(t *testing.T) {
			failed := messageByKey(t, db, "a-failed")
			if err := notify.Retry(ctx, db, failed.ID, notify.Scope{Structures: []int64{b}}, f.clock.Now()); !errors.Is(err, notify.ErrOutOfScope) {
				t.Errorf("retry from another structure: %v, want ErrOutOfScope", err)
			}
			if err := notify.Retry(ctx, db, failed.ID, notify.Scope{}, f.clock.Now()); !errors.Is(err, notify.ErrOutOfScope) {
				t.Errorf("retry with an empty scope: %v, want ErrOutOfScope", err)
			}
			if err := notify.Retry(ctx, db, messageByKey(t, db, "a-sent").ID, notify.Scope{All: true}, f.clock.Now()); !errors.Is(err, notify.ErrNotFailed) {
				t.Errorf("retry of a sent message: %v, want ErrNotFailed", err)
			}
			if err := notify.Retry(ctx, db, 999999, notify.Scope{All: true}, f.clock.Now()); !errors.Is(err, notify.ErrNotFound) {
				t.Errorf("retry of no message: %v, want ErrNotFound", err)
			}

			// The person gave a corrected address to the structure's server's admin.
			f.smtp.OnRcpt(nil)
			f.clock.Add(time.Hour)
			if err := notify.Retry(ctx, db, failed.ID, notify.Scope{Structures: []int64{a}}, f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			m := messageByKey(t, db, "a-failed")
			if m.Status != notify.StatusPending || m.Attempts != 0 || !m.NextAttemptAt.Equal(f.clock.Now()) {
				t.Errorf("retried: status %s, attempts %d, next attempt %v", m.Status, m.Attempts, m.NextAttemptAt)
			}
			f.drain(t)
			if m := messageByKey(t, db, "a-failed"); m.Status != notify.StatusSent || m.Attempts != 1 {
				t.Errorf("after retry: status %s, attempts %d", m.Status, m.Attempts)
			}
			if m := messageByKey(t, db, "b-failed"); m.Status != notify.StatusFailed {
				t.Errorf("another failed message moved: %s", m.Status)
			}
		})
	})
}

// TestSettle: data loaded in bulk settles its pending events of one kind and sessions,
// which are then never delivered; other messages wait as before.
func TestSettle(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc := workshops.NewService(db)
		loaded := wt.Session(t, svc, nil, time.Now().Add(72*time.Hour), nil)
		other := wt.Session(t, svc, nil, time.Now().Add(96*time.Hour), nil)
		for key, m := range map[string]notify.Message{
			"loaded":       {Kind: "enrollment", SessionID: loaded.ID, Payload: "{}"},
			"other":        {Kind: "enrollment", SessionID: other.ID, Payload: "{}"},
			"another-kind": {Kind: "session-change", SessionID: loaded.ID, Payload: "{}"},
		} {
			m.IdempotencyKey = key
			if _, err := notify.Enqueue(ctx, db, &m, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		n, err := notify.Settle(ctx, db, "enrollment", []int64{loaded.ID}, time.Now())
		if err != nil || n != 1 {
			t.Fatalf("Settle = %d, %v; want the loaded session's event only", n, err)
		}
		for key, want := range map[string]string{"loaded": notify.StatusDone, "other": notify.StatusPending, "another-kind": notify.StatusPending} {
			if got := messageByKey(t, db, key).Status; got != want {
				t.Errorf("%s: %s, want %s", key, got, want)
			}
		}
	})
}
