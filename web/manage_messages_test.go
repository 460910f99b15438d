package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// composeNotices runs the notices over what the outbox holds, as the server's worker
// does: emails to inconnu@exemple.fr are refused as an SMTP server refuses an unknown
// mailbox, the others are accepted.
func (e *env) composeNotices() {
	e.t.Helper()
	w := notify.NewWorker(e.db, notify.WorkerConfig{Now: e.clock.Now})
	w.Handle(notify.KindEmail, func(_ context.Context, m *notify.Message) error {
		if m.Recipient == "inconnu@exemple.fr" {
			return notify.Permanent(errors.New("destinataire refusé par le serveur SMTP : 550 5.1.1 No such user here"))
		}
		return nil
	})
	e.nt.Register(w)
	for {
		n, err := w.Process(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// enrollAs books a person into a session as the system (the structure's own act).
func (e *env) enrollAs(sessionID int64, p enrollment.Person) *enrollment.Result {
	e.t.Helper()
	p.Level, p.Consent = "debutant", true
	r, err := e.en.Enroll(context.Background(), workshops.System, enrollment.Request{SessionID: sessionID, Person: p,
		IdempotencyKey: "k-" + p.FirstName + p.Email, ConsentText: "J'accepte."})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// TestStructureMessagesPage: the structure's team sees the convocations to hand to the
// people who chose paper, marks one handed, and sees its failed emails with the server's
// reason; other structures' members may not.
func TestStructureMessagesPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		paper := e.enrollAs(f.sa.ID, enrollment.Person{FirstName: "Gaston", LastName: "Lagaffe", Contact: enrollment.ContactPaper})
		e.enrollAs(f.sa.ID, enrollment.Person{FirstName: "Inconnu", Email: "inconnu@exemple.fr", Contact: enrollment.ContactEmail})
		e.enrollAs(f.sa.ID, enrollment.Person{FirstName: "Dominique", Email: "dominique@exemple.fr", Contact: enrollment.ContactEmail})
		e.composeNotices()

		b := e.signedIn(mediatorEmail)
		path := "/manage/structures/" + f.a.Slug + "/messages"
		_, body := b.get("/manage")
		if !strings.Contains(body, `href="`+path+`"`) {
			t.Error("the dashboard does not link the structure's messages")
		}
		resp, body := b.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		doc := parseHTML(t, body)
		rows := doc.Find("table.convocations tbody tr")
		if rows.Length() != 1 || !strings.Contains(text(rows), "Gaston Lagaffe") || !strings.Contains(text(rows), "mardi 1er décembre à 14 h") {
			t.Fatalf("convocations: %q", text(rows))
		}
		if href := rows.Find("a").AttrOr("href", ""); href != paper.CancelURL {
			t.Errorf("print link %q, want the person's page %q", href, paper.CancelURL)
		}
		messages := text(doc.Find("table.outbox"))
		if !strings.Contains(messages, "à inconnu@exemple.fr") || !strings.Contains(messages, "550 5.1.1 No such user here") ||
			!strings.Contains(messages, "En échec") || !strings.Contains(messages, "à dominique@exemple.fr") {
			t.Errorf("messages: %q", messages)
		}
		if doc.Find("table.outbox button").Length() != 0 {
			t.Error("the structure's page offers to send again: that is the coordinators'")
		}
		_, failed := b.get(path + "?status=failed")
		if got := text(parseHTML(t, failed).Find("table.outbox tbody")); strings.Contains(got, "dominique") || !strings.Contains(got, "inconnu") {
			t.Errorf("failed tab: %q", got)
		}

		action := rows.Find("form").AttrOr("action", "")
		resp, body = b.post(action, nil)
		expectRedirect(t, resp, body, path+"?flash=convocation-handed#convocations")
		_, body = b.get(path)
		if doc := parseHTML(t, body); doc.Find("table.convocations").Length() != 0 || !strings.Contains(text(doc.Find("#convocations").Parent()), "Aucune convocation à remettre.") {
			t.Errorf("the convocation is still to hand")
		}

		other := e.signedIn(e.user("sacha@mediatheque-b.example.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{f.b.ID} }).Email)
		if resp, _ := other.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another structure's member: %d", resp.StatusCode)
		}
	})
}
