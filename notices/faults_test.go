package notices_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/notify/notifytest"
)

// TestRefusedAddressesShowOnTheStructuresBoard: an address the SMTP server refuses and a
// number the SMS provider refuses fail their message with the reason, never the
// enrollment, and the structure's team sees both.
func TestRefusedAddressesShowOnTheStructuresBoard(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.smtp.OnRcpt(func(to string) error {
			if to == "inconnu@exemple.fr" {
				return notifytest.Reply(550, [3]int{5, 1, 1}, "No such user here")
			}
			return nil
		})
		e.sms.refuse = "+33699999999"
		p := person("Inconnu", enrollment.ContactEmail)
		bad := e.enroll(e.session.ID, p)
		p = person("Numéro", enrollment.ContactSMS)
		p.Phone = "06 99 99 99 99"
		wrong := e.enroll(e.session.ID, p)
		if bad.Status != enrollment.Confirmed || wrong.Status != enrollment.Confirmed {
			t.Fatalf("enrollments %s, %s", bad.Status, wrong.Status)
		}
		e.drain()

		board, err := e.nt.Board(ctx, e.member, e.st.Slug, notify.StatusFailed, 0)
		if err != nil {
			t.Fatal(err)
		}
		if board.Counts[notify.StatusFailed] != 2 || board.Counts[notify.StatusSent] != 2 || len(board.Messages) != 2 {
			t.Fatalf("board counts %v, %d failed messages listed", board.Counts, len(board.Messages))
		}
		reasons := map[string]string{}
		for _, m := range board.Messages {
			reasons[m.Recipient] = m.LastError
			if m.BodyText != "" {
				t.Errorf("the board shows a message's body")
			}
		}
		if !strings.Contains(reasons["inconnu@exemple.fr"], "550 5.1.1 No such user here") ||
			reasons["+33699999999"] != "numéro refusé par l'opérateur" {
			t.Errorf("reasons %q", reasons)
		}
		// The events themselves are not the team's business.
		all, err := e.nt.Board(ctx, e.member, e.st.Slug, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all.Messages {
			if m.Kind != notify.KindEmail && m.Kind != notify.KindSMS {
				t.Errorf("the board lists a %s", m.Kind)
			}
		}
		if _, err := e.nt.Board(ctx, e.pro, e.st.Slug, "", 0); err == nil {
			t.Error("a professional read the structure's board")
		}
	})
}

// TestSMTPServerDownThenBack is issue 5's §4: with the SMTP server down, enrolling works
// and the messages wait, retried with backoff; an hour later the server is back and
// every message arrives exactly once.
func TestSMTPServerDownThenBack(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.smtp.Stop()
		people := []string{"Dominique", "Eden", "Jade"}
		for _, name := range people {
			e.enroll(e.session.ID, person(name, enrollment.ContactEmail))
		}
		for range 3 {
			e.drain()
			e.clock.Add(20 * time.Minute)
		}
		for _, m := range e.outbox(notify.KindEmail) {
			if m.Status != notify.StatusPending || m.Attempts == 0 || !strings.Contains(m.LastError, "connexion au serveur SMTP impossible") {
				t.Errorf("while the server is down: %s, %d attempts, %q", m.Status, m.Attempts, m.LastError)
			}
		}
		if got := e.outbox(notify.KindEmail); len(got) != 6 {
			t.Fatalf("%d emails waiting, want 3 people and 3 to the professional", len(got))
		}

		e.smtp.Start()
		// Backoff never waits more than an hour.
		e.clock.Add(time.Hour)
		e.drain()
		for _, m := range e.outbox(notify.KindEmail) {
			if m.Status != notify.StatusSent {
				t.Errorf("message %d: %s (%s)", m.ID, m.Status, m.LastError)
			}
		}
		ids := map[string]int{}
		for _, r := range e.smtp.Messages() {
			ids[notifytest.ParseMail(t, r.Data).Header.Get("Message-Id")]++
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("message %s arrived %d times", id, n)
			}
		}
		for _, name := range people {
			if got := e.mails(strings.ToLower(name) + "@exemple.fr"); len(got) != 1 {
				t.Errorf("%s received %d emails, want 1", name, len(got))
			}
		}
		if got := e.mails(proEmail); len(got) != 3 {
			t.Errorf("the professional received %d emails, want 3", len(got))
		}
		if n, err := e.worker.Process(ctx); err != nil || n != 0 {
			t.Errorf("still %d due (%v)", n, err)
		}
	})
}

var errRefused = errors.New("numéro refusé par l'opérateur")
