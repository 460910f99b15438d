package enrollment_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestEnrollmentRules(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		open := wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) { w.Enrollment = "ouvert"; w.ReservedSeats = 1 })
		closed := wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) { w.NoWaitlist = true })
		session := func(w *workshops.Workshop, capacity int) *workshops.Session {
			return wt.Session(t, e.ws, w, now.Add(72*time.Hour), func(s *workshops.Session) { s.Capacity = capacity })
		}

		t.Run("ARetriedSubmissionReturnsTheFirstBooking", func(t *testing.T) {
			s := session(open, 5)
			req := enrollment.Request{SessionID: s.ID, Person: person("Fatima"), IdempotencyKey: "formulaire-1", ConsentText: "J'accepte."}
			first, err := e.en.Enroll(ctx, e.pro, req)
			if err != nil {
				t.Fatal(err)
			}
			again, err := e.en.Enroll(ctx, e.pro, req)
			if err != nil || !again.Replayed || again.Booking.ID != first.Booking.ID || again.CancelURL != first.CancelURL {
				t.Fatalf("replay: %+v, %v", again, err)
			}
			if confirmed, _, taken, _ := counts(t, db, s.ID); confirmed != 1 || taken != 1 {
				t.Errorf("a double submission took %d seats", taken)
			}
		})

		t.Run("ThePersonIsNotEnrolledTwice", func(t *testing.T) {
			s := session(open, 5)
			p := person("Jean")
			p.Phone, p.Contact = "06 12 34 56 78", enrollment.ContactSMS
			if _, err := e.enroll(e.pro, s.ID, p); err != nil {
				t.Fatal(err)
			}
			p.FirstName = "JEAN"
			if _, err := e.enroll(e.pro, s.ID, p); !errors.Is(err, enrollment.ErrAlreadyEnrolled) {
				t.Errorf("same person again: %v", err)
			}
		})

		t.Run("WhoMayEnroll", func(t *testing.T) {
			s := session(closed, 5)
			anon := workshops.Actor{}
			if _, err := e.enroll(anon, s.ID, person("Anonyme")); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("anonymous orientation: %v", err)
			}
			_, err := e.en.Enroll(ctx, anon, enrollment.Request{SessionID: s.ID, Person: person("Moi"), IdempotencyKey: "self-1", Self: true})
			if !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("self-enrollment where the workshop does not allow it: %v", err)
			}
			member := workshops.Actor{Name: "Accueil", Structures: []int64{st.ID}}
			if _, err := e.enroll(member, s.ID, person("Au guichet")); err != nil {
				t.Errorf("the structure's team enrolls at the desk: %v", err)
			}
		})

		t.Run("SelfEnrollmentSeesFewerSeats", func(t *testing.T) {
			s := session(open, 2) // one of the two seats is reserved for orientations
			self := func(name string) (*enrollment.Result, error) {
				return e.en.Enroll(ctx, workshops.Actor{}, enrollment.Request{SessionID: s.ID, Person: person(name), IdempotencyKey: "self-" + name, Self: true})
			}
			if r, err := self("Un"); err != nil || r.Status != enrollment.Confirmed {
				t.Fatalf("first self-enrollment: %+v, %v", r, err)
			}
			if r, err := self("Deux"); err != nil || r.Status != enrollment.Waitlisted || r.Position != 1 {
				t.Errorf("second self-enrollment should wait (the last seat is reserved): %+v, %v", r, err)
			}
			if r, err := e.enroll(e.pro, s.ID, person("Orientée")); err != nil || r.Status != enrollment.Confirmed {
				t.Errorf("an orientation takes the reserved seat: %+v, %v", r, err)
			}
		})

		t.Run("NoWaitingListMeansFull", func(t *testing.T) {
			s := session(closed, 1)
			if _, err := e.enroll(e.pro, s.ID, person("A")); err != nil {
				t.Fatal(err)
			}
			if _, err := e.enroll(e.pro, s.ID, person("B")); !errors.Is(err, enrollment.ErrFull) {
				t.Errorf("full without waiting list: %v", err)
			}
		})

		t.Run("CancelledOrPastSessionsAreClosed", func(t *testing.T) {
			s := session(open, 5)
			if _, err := e.ws.CancelSession(ctx, workshops.System, s.ID, "Fermeture"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.enroll(e.pro, s.ID, person("A")); !errors.Is(err, enrollment.ErrClosed) {
				t.Errorf("cancelled session: %v", err)
			}
			past := wt.Session(t, e.ws, open, now.Add(-time.Hour), nil)
			if _, err := e.enroll(e.pro, past.ID, person("A")); !errors.Is(err, enrollment.ErrClosed) {
				t.Errorf("past session: %v", err)
			}
		})

		t.Run("BadInputNamesTheField", func(t *testing.T) {
			s := session(open, 5)
			for field, p := range map[string]enrollment.Person{
				"first_name": {Contact: enrollment.ContactPaper, Level: "debutant", Consent: true},
				"phone":      {FirstName: "A", Phone: "12", Contact: enrollment.ContactSMS, Level: "debutant", Consent: true},
				"email":      {FirstName: "A", Contact: enrollment.ContactEmail, Level: "debutant", Consent: true},
				"level":      {FirstName: "A", Contact: enrollment.ContactPaper, Level: "expert", Consent: true},
				"consent":    {FirstName: "A", Contact: enrollment.ContactPaper, Level: "debutant"},
				"contact":    {FirstName: "A", Contact: "pigeon", Level: "debutant", Consent: true},
			} {
				_, err := e.enroll(e.pro, s.ID, p)
				var ve *workshops.ValidationError
				if !errors.As(err, &ve) || ve.Fields[field] == "" {
					t.Errorf("%s: %v", field, err)
				}
			}
			p := person("Nadia")
			p.Phone, p.Contact = "0612345678", enrollment.ContactSMS
			r, err := e.enroll(e.pro, s.ID, p)
			if err != nil || r.Booking.Phone != "+33612345678" {
				t.Errorf("phone normalised to %q, %v", r.Booking.Phone, err)
			}
		})
	})
}

func TestParcoursIsAllOrNothing(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		w := wt.Workshop(t, e.ws, nil, func(w *workshops.Workshop) { w.Kind = "parcours" })
		sessions, err := e.ws.ScheduleSessions(ctx, workshops.System, w.ID, workshops.Schedule{Frequency: workshops.Weekly,
			First: workshops.DateOf(now.Add(48 * time.Hour)), Until: workshops.DateOf(now.Add(48*time.Hour + 3*7*24*time.Hour)),
			Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 2})
		if err != nil || len(sessions) != 4 {
			t.Fatalf("parcours: %d sessions, %v", len(sessions), err)
		}
		// Someone took the last seat of the third session only (an earlier arrangement).
		if _, err := db.ExecContext(ctx, "UPDATE sessions SET seats_taken = 1 WHERE id = ?", sessions[2].ID); err != nil {
			t.Fatal(err)
		}
		first, err := e.enroll(e.pro, sessions[1].ID, person("A"))
		if err != nil || first.Status != enrollment.Confirmed || len(first.Booking.Enrollments) != 4 {
			t.Fatalf("first: %+v, %v", first, err)
		}
		second, err := e.enroll(e.pro, sessions[0].ID, person("B"))
		if err != nil || second.Status != enrollment.Waitlisted || second.Position != 1 {
			t.Fatalf("the third session is full, so the whole parcours waits: %+v, %v", second, err)
		}
		for i, s := range sessions {
			confirmed, waiting, taken, _ := counts(t, db, s.ID)
			want := 1
			if i == 2 {
				want = 2 // counted: the earlier arrangement plus A
			}
			if confirmed != 1 || taken != want || len(waiting) != 1 {
				t.Errorf("session %d: confirmed %d, taken %d, waiting %v", i, confirmed, taken, waiting)
			}
		}
		if err := e.en.Cancel(ctx, e.pro, first.Booking.ID); err != nil {
			t.Fatal(err)
		}
		for i, s := range sessions {
			confirmed, waiting, _, _ := counts(t, db, s.ID)
			if confirmed != 1 || len(waiting) != 0 {
				t.Errorf("after A cancels, B holds every seat: session %d confirmed %d waiting %v", i, confirmed, waiting)
			}
		}
	})
}

func TestCancellationLinkAndPromotion(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		s := wt.Session(t, e.ws, nil, now.Add(72*time.Hour), func(s *workshops.Session) { s.Capacity = 1 })
		a, _ := e.enroll(e.pro, s.ID, person("A"))
		b, _ := e.enroll(e.pro, s.ID, person("B"))
		c, _ := e.enroll(e.pro, s.ID, person("C"))
		if a.Status != enrollment.Confirmed || b.Position != 1 || c.Position != 2 {
			t.Fatalf("a %+v b %+v c %+v", a, b, c)
		}
		token := strings.TrimPrefix(a.CancelURL, "https://agenda.example.fr/c/")
		if len(token) > 40 {
			t.Errorf("the cancellation link is long for an SMS: %q", a.CancelURL)
		}
		if _, err := e.en.CancelByToken(ctx, token+"x"); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("a forged link: %v", err)
		}
		booking, err := e.en.CancelByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := e.en.CancelByToken(ctx, token); err != nil || again.ID != booking.ID {
			t.Errorf("a second visit: %v", err)
		}
		confirmed, waiting, taken, _ := counts(t, db, s.ID)
		if confirmed != 1 || taken != 1 || len(waiting) != 1 || waiting[0] != 1 {
			t.Errorf("after A cancels: confirmed %d taken %d waiting %v (B promoted, C first in line)", confirmed, taken, waiting)
		}

		capacity := 2
		if _, err := e.en.UpdateSession(ctx, workshops.System, s.ID, workshops.SessionChange{Capacity: &capacity}); err != nil {
			t.Fatal(err)
		}
		if confirmed, waiting, _, _ := counts(t, db, s.ID); confirmed != 2 || len(waiting) != 0 {
			t.Errorf("after the capacity grows: confirmed %d waiting %v (C promoted)", confirmed, waiting)
		}

		var events []notify.Message
		if err := db.NewSelect().Model(&events).Where("kind = ?", enrollment.EventKind).Order("id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ev := range events {
			kinds = append(kinds, strings.Split(ev.IdempotencyKey, ":")[1])
			if ev.StructureID != s.StructureID {
				t.Errorf("event %s belongs to structure %d, want the session's %d (its team and coordinators see it)", ev.IdempotencyKey, ev.StructureID, s.StructureID)
			}
		}
		want := "enrolled enrolled enrolled cancelled promoted promoted"
		if strings.Join(kinds, " ") != want {
			t.Errorf("outbox events %v, want %s", kinds, want)
		}

		if err := e.en.Cancel(ctx, workshops.Actor{Name: "Autre pro", UserID: 0, Professional: true}, c.Booking.ID); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("another professional cancels: %v", err)
		}
		e.clock.Add(96 * time.Hour)
		if err := e.en.Cancel(ctx, e.pro, c.Booking.ID); !errors.Is(err, enrollment.ErrClosed) {
			t.Errorf("cancelling a past session: %v", err)
		}
	})
}
