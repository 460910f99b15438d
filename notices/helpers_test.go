package notices_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/notify/notifytest"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// update rewrites the golden messages: go test ./notices -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is Tuesday 24 November 2026, 10:00 in Paris.
var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// env is the notices on a fresh database, a worker delivering emails to a real SMTP server
// and SMS to a recorder, a professional, and a structure with one session.
type env struct {
	t      *testing.T
	db     *bun.DB
	clock  *wt.Clock
	ws     *workshops.Service
	en     *enrollment.Service
	nt     *notices.Service
	smtp   *notifytest.SMTPServer
	sms    *smsRecorder
	worker *notify.Worker

	pro      workshops.Actor
	member   workshops.Actor
	st       *workshops.Structure
	workshop *workshops.Workshop
	session  *workshops.Session
}

const (
	proEmail       = "alex.martin@ccas-nancy.example.fr"
	structureEmail = "contact@tilleuls.example.fr"
)

func newEnv(t *testing.T, db *bun.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, db: db, clock: wt.NewClock(now), smtp: notifytest.StartSMTP(t), sms: &smsRecorder{}}
	e.ws = workshops.NewService(db, workshops.WithClock(e.clock.Now))
	acc := accounts.NewService(db, e.ws, "https://agenda.example.fr", accounts.WithClock(e.clock.Now), accounts.WithHashParams(accounts.FastHashParams))
	e.en = enrollment.NewService(db, e.ws, "https://agenda.example.fr", []byte("secret de test"), enrollment.WithClock(e.clock.Now))
	var err error
	e.nt, err = notices.NewService(db, e.ws, e.en, "https://agenda.example.fr", notices.WithClock(e.clock.Now),
		notices.WithSender("ne-pas-repondre@agenda.example.fr"))
	if err != nil {
		t.Fatal(err)
	}
	e.worker = notify.NewWorker(db, notify.WorkerConfig{Now: e.clock.Now})
	e.worker.Handle(notify.KindEmail, e.smtp.Transport(t, notify.SMTPConfig{Now: e.clock.Now}).Send)
	e.worker.Handle(notify.KindSMS, notify.SMSHandler(e.sms, e.clock.Now))
	e.nt.Register(e.worker)

	e.st = wt.Structure(t, e.ws, func(st *workshops.Structure) {
		st.Name, st.Email, st.Phone = "Médiathèque des Tilleuls", structureEmail, "03 83 00 00 00"
	})
	e.workshop = wt.Workshop(t, e.ws, e.st, func(w *workshops.Workshop) { w.Title = "Prendre en main son smartphone" })
	// Tuesday 1 December 2026, 14:00 to 16:00 in Paris.
	e.session = wt.Session(t, e.ws, e.workshop, wt.Paris(t, 2026, 12, 1, 14, 0), func(s *workshops.Session) { s.Capacity = 2 })
	e.session.Structure, e.session.Workshop = e.st, e.workshop

	u, err := acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: proEmail, Name: "Alex Martin",
		Organisation: "CCAS de Nancy", ProfessionalTerritory: e.st.TerritoryID})
	if err != nil {
		t.Fatal(err)
	}
	p, err := acc.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.pro = p.Actor()
	e.member = workshops.Actor{Name: "Camille", Structures: []int64{e.st.ID}}
	return e
}

// smsRecorder is the SMS provider of the tests, behind the real SMS channel (quiet hours,
// GSM-7): it keeps what it is given, and refuses one number for good as a provider
// refuses a number that is no mobile's.
type smsRecorder struct {
	mu     sync.Mutex
	sent   []sentSMS
	refuse string
}

// sentSMS is one SMS the provider was given.
type sentSMS struct{ To, Text string }

func (r *smsRecorder) SendSMS(_ context.Context, to, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if to == r.refuse {
		return "", notify.Permanent(errRefused)
	}
	r.sent = append(r.sent, sentSMS{To: to, Text: text})
	return fmt.Sprint("ref-", len(r.sent)), nil
}

// to returns the texts sent to a number, in order.
func (r *smsRecorder) to(phone string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		if m.To == phone {
			out = append(out, m.Text)
		}
	}
	return out
}

// drain runs the worker until nothing is due.
func (e *env) drain() {
	e.t.Helper()
	for {
		n, err := e.worker.Process(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

var keys atomic.Int64

// person is a person reached by contact, with the addresses it needs.
func person(first, contact string) enrollment.Person {
	p := enrollment.Person{FirstName: first, Contact: contact, Level: "debutant", Consent: true}
	switch contact {
	case enrollment.ContactSMS:
		p.Phone = fmt.Sprintf("06 12 34 56 %02d", keys.Add(1)%100)
	case enrollment.ContactEmail:
		p.Email = strings.ToLower(first) + "@exemple.fr"
	}
	return p
}

// enroll books a person as the professional.
func (e *env) enroll(sessionID int64, p enrollment.Person) *enrollment.Result {
	e.t.Helper()
	r, err := e.en.Enroll(context.Background(), e.pro, enrollment.Request{SessionID: sessionID, Person: p,
		IdempotencyKey: fmt.Sprint("k", keys.Add(1)), Organisation: "CCAS de Nancy", ConsentText: "J'accepte."})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// mails returns the emails the server received for an address, decoded.
func (e *env) mails(to string) []notifytest.Mail {
	e.t.Helper()
	var out []notifytest.Mail
	for _, r := range e.smtp.Messages() {
		if slices.Contains(r.To, to) {
			out = append(out, notifytest.ParseMail(e.t, r.Data))
		}
	}
	return out
}

// oneMail returns the only email received for an address.
func (e *env) oneMail(to string) notifytest.Mail {
	e.t.Helper()
	got := e.mails(to)
	if len(got) != 1 {
		subjects := []string{}
		for _, m := range got {
			subjects = append(subjects, m.Subject)
		}
		e.t.Fatalf("%s received %d emails, want 1: %q", to, len(got), subjects)
	}
	return got[0]
}

// outbox returns the messages of the outbox of a kind.
func (e *env) outbox(kind string) []notify.Message {
	e.t.Helper()
	var out []notify.Message
	if err := e.db.NewSelect().Model(&out).Where("kind = ?", kind).Order("id").Scan(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// invitation checks a received email's calendar invitation: the alternative part and
// the attached file are the same iCalendar message of that method, with one event
// whose UID, SEQUENCE and ATTENDEE are as given. It returns the event.
func invitation(t *testing.T, m notifytest.Mail, method string, sessionID int64, sequence int, attendee string) *goical.Event {
	t.Helper()
	if m.ContentType != "multipart/mixed" || !slices.Equal(m.Alternatives, []string{"text/plain", "text/html", "text/calendar"}) {
		t.Fatalf("MIME %s with alternatives %v", m.ContentType, m.Alternatives)
	}
	if m.CalendarMethod != method {
		t.Errorf("text/calendar method=%q, want %s", m.CalendarMethod, method)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "invitation.ics" || string(m.Attachments[0].Data) != m.Calendar {
		t.Fatalf("attachments %+v", m.Attachments)
	}
	cal, err := goical.NewDecoder(strings.NewReader(m.Calendar)).Decode()
	if err != nil {
		t.Fatalf("calendar: %v\n%s", err, m.Calendar)
	}
	if p := cal.Props.Get("METHOD"); p == nil || p.Value != method {
		t.Errorf("METHOD %v, want %s", p, method)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	ev := &events[0]
	for prop, want := range map[string]string{
		"UID":       fmt.Sprintf("session-%d@agenda.example.fr", sessionID),
		"SEQUENCE":  fmt.Sprint(sequence),
		"ATTENDEE":  "mailto:" + attendee,
		"ORGANIZER": "mailto:" + structureEmail,
	} {
		if p := ev.Props.Get(prop); p == nil || p.Value != want {
			t.Errorf("%s = %v, want %q", prop, p, want)
		}
	}
	return ev
}

// golden compares a composed message with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(path); err != nil || string(want) != got {
		t.Errorf("%s differs from the golden file (go test ./notices -update to accept): %v\n%s", path, err, got)
	}
}

// shown is an email as a reader sees it, for the golden files.
func shown(m notifytest.Mail) string {
	return "De : " + m.From.Name + "\nRépondre à : " + m.ReplyTo + "\nObjet : " + m.Subject + "\n\n" +
		m.Text
}

// runDB runs a test on both databases with a fresh env.
func runDB(t *testing.T, f func(t *testing.T, e *env)) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) { f(t, newEnv(t, db)) })
}
