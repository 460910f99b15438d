package enrollment_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// outcome is what an enrollment request got, comparable across runs.
type outcome struct {
	Status   string
	Position int
	Replayed bool
	Err      string
}

func (o outcome) String() string {
	if o.Err != "" {
		return o.Err
	}
	s := o.Status
	if o.Position > 0 {
		s += fmt.Sprint(" n°", o.Position)
	}
	if o.Replayed {
		s += " (repeat)"
	}
	return s
}

func outcomeOf(res *enrollment.Result, err error) outcome {
	var invalid *workshops.ValidationError
	switch {
	case err == nil:
		return outcome{Status: res.Status, Position: res.Position, Replayed: res.Replayed}
	case errors.As(err, &invalid):
		fields := make([]string, 0, len(invalid.Fields))
		for f := range invalid.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		return outcome{Err: "invalid " + strings.Join(fields, ",")}
	}
	for _, known := range []error{workshops.ErrNotFound, workshops.ErrForbidden, enrollment.ErrFull, enrollment.ErrAlreadyEnrolled, enrollment.ErrClosed} {
		if errors.Is(err, known) {
			return outcome{Err: known.Error()}
		}
	}
	return outcome{Err: "unexpected: " + err.Error()}
}

// batchRun is what one run of the batch scenario left: each request's outcome, and every
// session's counts and every enrollment's status and position.
type batchRun struct {
	outcomes []outcome
	sessions []string
	seats    []string
	bookings int64
	events   int64
	audits   int64
}

// runBatchScenario prepares the same sessions on a fresh database and sends the same
// requests, either together (one batch, as when they arrive while another batch is being
// written) or one at a time with batching off. It checks each outcome against the
// expected one.
func runBatchScenario(t *testing.T, db *bun.DB, together bool) batchRun {
	t.Helper()
	e := newEnv(t, db)
	ctx := context.Background()
	at := now.Add(48 * time.Hour)
	st := wt.Structure(t, e.ws, nil)
	main := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, nil), at, func(s *workshops.Session) { s.Capacity = 2 })
	noWait := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) { w.NoWaitlist = true }), at,
		func(s *workshops.Session) { s.Capacity = 1 })
	cancelled := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, nil), at, nil)
	if _, err := e.ws.CancelSession(ctx, workshops.System, cancelled.ID, "Salle fermée"); err != nil {
		t.Fatal(err)
	}
	draft := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) { w.Status = workshops.WorkshopDraft }), at, nil)
	parcours := wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) { w.Kind = "parcours" })
	steps, err := e.ws.ScheduleSessions(ctx, workshops.System, parcours.ID, workshops.Schedule{Frequency: workshops.Weekly,
		First: workshops.DateOf(at), Until: workshops.DateOf(at.Add(7 * 24 * time.Hour)),
		Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 5})
	if err != nil || len(steps) != 2 {
		t.Fatalf("parcours: %d sessions, %v", len(steps), err)
	}
	open := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) {
		w.Enrollment, w.ReservedSeats, w.DefaultCapacity = "ouvert", 1, 2
	}), at, func(s *workshops.Session) { s.Capacity = 2 })
	closedToSelf := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, nil), at, nil)

	withPhone := func(name, phone string) enrollment.Person {
		p := person(name)
		p.Phone = phone
		return p
	}
	zoe := withPhone("Zoé", "06 12 34 56 78")
	if _, err := e.en.Enroll(ctx, e.pro, enrollment.Request{SessionID: main.ID, Person: zoe, IdempotencyKey: "avant", ConsentText: "J'accepte."}); err != nil {
		t.Fatal(err)
	}

	anon := workshops.Actor{}
	cases := []struct {
		name    string
		actor   workshops.Actor
		session int64
		person  enrollment.Person
		key     string
		self    bool
		want    string
	}{
		{"the last seat", e.pro, main.ID, person("Anne"), "a", false, "confirmed"},
		{"the first to wait", e.pro, main.ID, person("Bruno"), "b", false, "waitlisted n°1"},
		{"a copy of a request of the batch", e.pro, main.ID, person("Bruno"), "b", false, "waitlisted n°1 (repeat)"},
		{"the second to wait", e.pro, main.ID, person("Chloé"), "c", false, "waitlisted n°2"},
		{"a person enrolled before", e.pro, main.ID, withPhone("ZOÉ", "+33612345678"), "z2", false, enrollment.ErrAlreadyEnrolled.Error()},
		{"a repeat of a request enrolled before", e.pro, main.ID, zoe, "avant", false, "confirmed (repeat)"},
		{"a key used before for someone else", e.pro, main.ID, person("Yves"), "avant", false, "invalid idempotency_key"},
		{"the only seat", e.pro, noWait.ID, withPhone("Driss", "0611111111"), "d", false, "confirmed"},
		{"a person enrolled by the batch", e.pro, noWait.ID, withPhone("driss", "0611111111"), "d2", false, enrollment.ErrAlreadyEnrolled.Error()},
		{"no seat and no waiting list", e.pro, noWait.ID, person("Emma"), "e", false, enrollment.ErrFull.Error()},
		{"a cancelled session", e.pro, cancelled.ID, person("Farid"), "f", false, enrollment.ErrClosed.Error()},
		{"a draft workshop", e.pro, draft.ID, person("Gaëlle"), "g", false, workshops.ErrNotFound.Error()},
		{"an unknown session", e.pro, 999999, person("Gaël"), "g2", false, workshops.ErrNotFound.Error()},
		{"a parcours", e.pro, steps[1].ID, person("Hugo"), "h", false, "confirmed"},
		{"self, the seat open to all", anon, open.ID, person("Inès"), "i", true, "confirmed"},
		{"self, the seat reserved for orientations", anon, open.ID, person("Jules"), "j", true, "waitlisted n°1"},
		{"oriented, the reserved seat", e.pro, open.ID, person("Karim"), "k", false, "confirmed"},
		{"self where the workshop does not allow it", anon, closedToSelf.ID, person("Léa"), "l", true, workshops.ErrForbidden.Error()},
		{"after the waiting list", e.pro, main.ID, person("Manon"), "m", false, "waitlisted n°3"},
	}
	actors := make([]workshops.Actor, len(cases))
	reqs := make([]enrollment.Request, len(cases))
	for i, c := range cases {
		actors[i] = c.actor
		reqs[i] = enrollment.Request{SessionID: c.session, Person: c.person, IdempotencyKey: c.key, Self: c.self, ConsentText: "J'accepte."}
	}
	var run batchRun
	if together {
		res, errs, alone := e.en.EnrollTogether(ctx, actors, reqs)
		var leftAlone []string
		for i, c := range cases {
			run.outcomes = append(run.outcomes, outcomeOf(res[i], errs[i]))
			if alone[i] {
				leftAlone = append(leftAlone, c.name)
			}
		}
		// The batch itself committed: only what it never handles was left alone (second
		// copies of a key in the batch, a parcours).
		if want := []string{"a copy of a request of the batch", "a key used before for someone else", "a parcours"}; !slices.Equal(leftAlone, want) {
			t.Errorf("left alone by the batch: %q, want %q", leftAlone, want)
		}
	} else {
		alone := enrollment.NewService(db, e.ws, "https://agenda.example.fr", []byte("secret de test"),
			enrollment.WithClock(e.clock.Now), enrollment.WithBatching(0))
		for i := range cases {
			run.outcomes = append(run.outcomes, outcomeOf(alone.Enroll(ctx, actors[i], reqs[i])))
		}
	}
	for i, c := range cases {
		if got := run.outcomes[i].String(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}

	var sessions []workshops.Session
	if err := db.NewSelect().Model(&sessions).Column("id", "seats_taken", "waiting").Order("id").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions {
		run.sessions = append(run.sessions, fmt.Sprintf("session %d: %d taken, %d waiting", s.ID, s.SeatsTaken, s.Waiting))
	}
	var seats []struct {
		FirstName string
		SessionID int64
		Status    string
		Position  int
	}
	if err := db.NewSelect().Table("enrollments").Join("JOIN bookings AS b ON b.id = enrollments.booking_id").
		Column("b.first_name", "enrollments.session_id", "enrollments.status", "enrollments.position").
		Order("b.first_name", "enrollments.session_id").Scan(ctx, &seats); err != nil {
		t.Fatal(err)
	}
	for _, s := range seats {
		run.seats = append(run.seats, fmt.Sprintf("%s in %d: %s %d", s.FirstName, s.SessionID, s.Status, s.Position))
	}
	if run.bookings, err = db.NewSelect().Table("bookings").Count(ctx); err != nil {
		t.Fatal(err)
	}
	if run.events, err = db.NewSelect().Table("outbox").Where("kind = ?", enrollment.EventKind).Count(ctx); err != nil {
		t.Fatal(err)
	}
	if run.audits, err = db.NewSelect().Table("audit_log").Where("action = 'enrolled'").Count(ctx); err != nil {
		t.Fatal(err)
	}
	return run
}

// TestBatchAnswersAsOneAtATime: requests written together in one batch get exactly the
// answers they would get one at a time in the same order — seats, waiting positions,
// repeats, refusals — and leave the same seats, counts, outbox events and audit entries.
func TestBatchAnswersAsOneAtATime(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		together := runBatchScenario(t, db, true)
		alone := runBatchScenario(t, testdb.New(t, db.Dialect().Name()), false)
		if !slices.Equal(together.outcomes, alone.outcomes) {
			t.Errorf("outcomes differ:\ntogether %v\nalone    %v", together.outcomes, alone.outcomes)
		}
		if !slices.Equal(together.sessions, alone.sessions) {
			t.Errorf("seat counts differ:\ntogether %v\nalone    %v", together.sessions, alone.sessions)
		}
		if !slices.Equal(together.seats, alone.seats) {
			t.Errorf("enrollments differ:\ntogether %v\nalone    %v", together.seats, alone.seats)
		}
		// One event and one entry per booking (a parcours' seats are one booking).
		if together.events != alone.events || together.audits != alone.audits || together.events != together.bookings {
			t.Errorf("outbox events %d and audit entries %d together, %d and %d alone, for %d bookings",
				together.events, together.audits, alone.events, alone.audits, together.bookings)
		}
	})
}

// TestBatchFailureFailsOnlyItsCulprit: when a batch's transaction fails, its requests are
// enrolled again one at a time, so that only the one at fault gets the error.
func TestBatchFailureFailsOnlyItsCulprit(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		// The database refuses one name, as a broken constraint or a disk error would.
		trigger := []string{`CREATE TRIGGER refuse_poison BEFORE INSERT ON bookings WHEN NEW.first_name = 'Poison'
			BEGIN SELECT RAISE(ABORT, 'refused'); END`}
		if db.Dialect().Name() == dialect.PG {
			trigger = []string{`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.first_name = 'Poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`,
				`CREATE TRIGGER refuse_poison BEFORE INSERT ON bookings FOR EACH ROW EXECUTE FUNCTION refuse_poison()`}
		}
		for _, q := range trigger {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		s := wt.Session(t, e.ws, nil, now.Add(48*time.Hour), func(s *workshops.Session) { s.Capacity = 2 })
		names := []string{"Anne", "Poison", "Bruno", "Chloé"}
		actors := make([]workshops.Actor, len(names))
		reqs := make([]enrollment.Request, len(names))
		for i, name := range names {
			actors[i] = e.pro
			reqs[i] = enrollment.Request{SessionID: s.ID, Person: person(name), IdempotencyKey: fmt.Sprint("lot-", i), ConsentText: "J'accepte."}
		}
		res, errs, alone := e.en.EnrollTogether(ctx, actors, reqs)
		var got []string
		for i := range names {
			got = append(got, outcomeOf(res[i], errs[i]).String())
			if !alone[i] {
				t.Errorf("%s: answered by the failed batch, not enrolled again alone", names[i])
			}
		}
		want := []string{"confirmed", "unexpected", "confirmed", "waitlisted n°1"}
		for i := range names {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("%s: got %q, want %q", names[i], got[i], want[i])
			}
		}
		confirmed, positions, taken, _ := counts(t, db, s.ID)
		if confirmed != 2 || taken != 2 || !slices.Equal(positions, []int{1}) {
			t.Errorf("after the failed batch: %d confirmed, %d taken, waiting %v", confirmed, taken, positions)
		}
	})
}
