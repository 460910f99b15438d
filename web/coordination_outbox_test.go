package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestCoordinatorsSeeAndRetryTheirTerritorysMessages: pending, sent and failed messages
// with the server's reason; a failed one can be sent again; another territory's messages
// stay out of sight.
func TestCoordinatorsSeeAndRetryTheirTerritorysMessages(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.svc, nil)
		e.user("coord@exemple.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{st.TerritoryID} })
		enqueue := func(key string, structureID int64, status, lastError string) int64 {
			m := &notify.Message{Kind: notify.KindEmail, IdempotencyKey: key, Recipient: "x@exemple.fr", Subject: "Sujet " + key,
				StructureID: structureID, Status: status, LastError: lastError}
			if _, err := notify.Enqueue(ctx, db, m, time.Now()); err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		enqueue("a", st.ID, notify.StatusSent, "")
		failed := enqueue("b", st.ID, notify.StatusFailed, "550 boîte inconnue")
		enqueue("c", 0, notify.StatusPending, "")
		elsewhere := &workshops.Territory{Name: "Autre territoire"}
		if err := e.svc.CreateTerritory(ctx, workshops.System, elsewhere); err != nil {
			t.Fatal(err)
		}
		otherSt := wt.Structure(t, e.svc, func(s *workshops.Structure) { s.TerritoryID = elsewhere.ID })
		enqueue("d", otherSt.ID, notify.StatusFailed, "chez les voisins")

		b := e.browser()
		b.signIn("coord@exemple.fr", "une phrase assez longue")
		resp, body := b.get("/coordination/outbox")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Sujet a") || !strings.Contains(body, "Sujet c") ||
			!strings.Contains(body, "550 boîte inconnue") || !strings.Contains(body, "En échec (1)") || strings.Contains(body, "Sujet d") {
			t.Fatalf("outbox page: %d %.500s", resp.StatusCode, body)
		}
		_, body = b.get("/coordination/outbox?status=failed")
		if strings.Contains(body, "Sujet a") || !strings.Contains(body, "Sujet b") {
			t.Errorf("the failed tab shows other messages")
		}
		resp, _ = b.post("/coordination/outbox/"+itoa(failed)+"/retry", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retry: %d", resp.StatusCode)
		}
		var m notify.Message
		if err := db.NewSelect().Model(&m).Where("id = ?", failed).Scan(ctx); err != nil || m.Status != notify.StatusPending || m.Attempts != 0 {
			t.Errorf("after retry: %+v, %v", m, err)
		}
		if resp, _ := b.post("/coordination/outbox/"+itoa(failed)+"/retry", nil); resp.StatusCode != http.StatusConflict {
			t.Errorf("retrying a pending message: %d, want 409", resp.StatusCode)
		}
		member := e.browser()
		e.user("membre@exemple.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{st.ID} })
		member.signIn("membre@exemple.fr", "une phrase assez longue")
		if resp, _ := member.get("/coordination/outbox"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a member reads the outbox: %d", resp.StatusCode)
		}
	})
}

// TestRetryingAnotherTerritorysMessageIsForbidden: a coordinator is refused (403) a failed
// message of another territory's structure, as any other thing of that territory, and it
// stays failed; a message that does not exist is not found (404).
func TestRetryingAnotherTerritorysMessageIsForbidden(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.svc, nil)
		m := &notify.Message{Kind: notify.KindEmail, IdempotencyKey: "ici", Recipient: "x@exemple.fr", Subject: "Sujet",
			StructureID: st.ID, Status: notify.StatusFailed, LastError: "550 boîte inconnue"}
		if _, err := notify.Enqueue(ctx, db, m, time.Now()); err != nil {
			t.Fatal(err)
		}
		far := e.coordinator("coordination@ailleurs.example.fr", e.otherTerritory())
		far.get("/coordination/outbox")
		if resp, _ := far.post("/coordination/outbox/"+itoa(m.ID)+"/retry", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another territory's message: %d, want 403", resp.StatusCode)
		}
		var got notify.Message
		if err := db.NewSelect().Model(&got).Where("id = ?", m.ID).Scan(ctx); err != nil || got.Status != notify.StatusFailed {
			t.Errorf("after a refused retry: %+v, %v", got, err)
		}
		if resp, _ := far.post("/coordination/outbox/999999/retry", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("no such message: %d, want 404", resp.StatusCode)
		}
	})
}

// TestOutboxShowsWhenAWaitingSMSLeaves: an SMS kept for the morning (quiet hours) shows as
// an SMS, pending, with the time it will be sent.
func TestOutboxShowsWhenAWaitingSMSLeaves(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, nil)
		e.user("coord@exemple.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{st.TerritoryID} })
		morning := time.Date(2026, 3, 11, 8, 0, 0, 0, workshops.Paris)
		e.clock.Set(morning.Add(-10 * time.Hour))
		m := &notify.Message{Kind: notify.KindSMS, IdempotencyKey: "sms", Recipient: "+33612345678", BodyText: "Rappel",
			StructureID: st.ID, NextAttemptAt: morning}
		if _, err := notify.Enqueue(context.Background(), db, m, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.signIn("coord@exemple.fr", "une phrase assez longue")
		_, body := b.get("/coordination/outbox?status=pending")
		if !strings.Contains(body, "<td>SMS<br>") || !strings.Contains(body, `envoi prévu <time datetime="2026-03-11T08:00:00&#43;01:00">mercredi 11 mars 2026, 8 h</time>`) {
			t.Errorf("outbox page: %s", body)
		}
	})
}
