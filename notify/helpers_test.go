package notify_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	"github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// newClock is a frozen clock that tests move by hand.
func newClock() *workshopstest.Clock {
	return workshopstest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
}

// email is a French sign-in email with accents in every part.
func email(to string) notify.Email {
	return notify.Email{
		To:      to,
		Subject: "Votre lien de connexion à Escale — valable 15 minutes",
		Text:    "Bonjour,\n\nVoici votre lien de connexion : https://agenda.example.fr/login/abc\n\nÀ bientôt à l'atelier « Découvrir sa tablette ».\n",
	}
}

func mustEnqueue(t *testing.T, db bun.IDB, key string, e notify.Email, structureID int64, now time.Time) {
	t.Helper()
	ok, err := notify.EnqueueEmail(context.Background(), db, key, e, structureID, now)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("enqueue %s: already there", key)
	}
}

// messageByKey reads one outbox row as it is now.
func messageByKey(t *testing.T, db *bun.DB, key string) notify.Message {
	t.Helper()
	var m notify.Message
	if err := db.NewSelect().Model(&m).Where("idempotency_key = ?", key).Scan(context.Background()); err != nil {
		t.Fatalf("message %s: %v", key, err)
	}
	return m
}

// process runs one worker step and fails the test on a database error.
func process(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.Process(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mustCreateStructure stores a valid structure through the calendar's own rules.
func mustCreateStructure(t *testing.T, db *bun.DB, name string) int64 {
	t.Helper()
	return workshopstest.Structure(t, workshops.NewService(db), func(st *workshops.Structure) { st.Name = name }).ID
}
