package enrollment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// fieldOf returns the message of a validation error about field, or "".
func fieldOf(err error, field string) string {
	var ve *workshops.ValidationError
	if !errors.As(err, &ve) {
		return ""
	}
	return ve.Fields[field]
}

// TestConcurrentRepeatsOfOneRequest: the same submission arriving several times at once (a
// double click, a client retrying before the first answer) books once, and every copy is
// answered with that booking; the same key sent at once for two different sessions books
// one of them and refuses the other.
func TestConcurrentRepeatsOfOneRequest(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bookingsWithKey := func(key string) int {
			t.Helper()
			n, err := db.NewSelect().Model((*enrollment.Booking)(nil)).Where("idempotency_key LIKE ?", "%:"+key).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		// together runs f(0…n-1) at the same instant and waits for them all.
		together := func(n int, f func(i int)) {
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() { defer wg.Done(); <-start; f(i) }()
			}
			close(start)
			wg.Wait()
		}

		t.Run("SameSessionBooksOnce", func(t *testing.T) {
			s := wt.Session(t, e.ws, nil, now.Add(72*time.Hour), func(s *workshops.Session) { s.Capacity = 3 })
			for round := range 5 {
				key := fmt.Sprintf("double-clic-%d", round)
				req := enrollment.Request{SessionID: s.ID, Person: person(fmt.Sprintf("Personne %d", round)), IdempotencyKey: key, ConsentText: "J'accepte."}
				results := make([]*enrollment.Result, 6)
				errs := make([]error, 6)
				together(6, func(i int) { results[i], errs[i] = e.en.Enroll(ctx, e.pro, req) })
				replayed := 0
				for i, err := range errs {
					if err != nil {
						t.Fatalf("round %d, copy %d: %v", round, i, err)
					}
					if results[i].Booking.ID != results[0].Booking.ID || results[i].CancelURL != results[0].CancelURL {
						t.Errorf("round %d: copies answered with bookings %d and %d", round, results[0].Booking.ID, results[i].Booking.ID)
					}
					if results[i].Replayed {
						replayed++
					}
				}
				if replayed != 5 || bookingsWithKey(key) != 1 {
					t.Errorf("round %d: %d replays of 6 copies, %d bookings", round, replayed, bookingsWithKey(key))
				}
			}
			confirmed, waiting, taken, _ := counts(t, db, s.ID)
			if confirmed != 3 || taken != 3 || len(waiting) != 2 {
				t.Errorf("5 people sent 6 times each on 3 seats: confirmed %d, taken %d, waiting %v", confirmed, taken, waiting)
			}
		})

		// The copies that waited for the lock find the first one's booking where they
		// would be refused: the same person is enrolled, or the last seat is taken.
		t.Run("CopiesThatWouldBeRefusedAnswerTheFirstBooking", func(t *testing.T) {
			noWaitlist := wt.Workshop(t, e.ws, nil, func(w *workshops.Workshop) { w.NoWaitlist = true })
			for round, s := range []*workshops.Session{
				wt.Session(t, e.ws, nil, now.Add(72*time.Hour), nil),
				wt.Session(t, e.ws, noWaitlist, now.Add(72*time.Hour), func(s *workshops.Session) { s.Capacity = 1 }),
			} {
				p := person("Nadia")
				if round == 0 { // found again by her phone
					p.Phone, p.Contact = "06 12 34 56 78", enrollment.ContactSMS
				}
				req := enrollment.Request{SessionID: s.ID, Person: p, IdempotencyKey: fmt.Sprint("refus-", round), ConsentText: "J'accepte."}
				ids := make([]int64, 6)
				errs := make([]error, 6)
				together(6, func(i int) {
					r, err := e.en.Enroll(ctx, e.pro, req)
					if errs[i] = err; err == nil {
						ids[i] = r.Booking.ID
					}
				})
				for i := range ids {
					if errs[i] != nil || ids[i] != ids[0] {
						t.Errorf("round %d, copy %d: booking %d (first %d), %v", round, i, ids[i], ids[0], errs[i])
					}
				}
				if confirmed, _, taken, _ := counts(t, db, s.ID); confirmed != 1 || taken != 1 {
					t.Errorf("round %d: %d confirmed, %d seats taken", round, confirmed, taken)
				}
			}
		})

		t.Run("SameKeyForTwoSessionsBooksOne", func(t *testing.T) {
			// Two workshops: the sessions' locks do not order the two requests, only the
			// key's unique index does.
			a := wt.Session(t, e.ws, nil, now.Add(72*time.Hour), nil)
			b := wt.Session(t, e.ws, nil, now.Add(96*time.Hour), nil)
			for round := range 5 {
				key := fmt.Sprintf("deux-seances-%d", round)
				p := person(fmt.Sprintf("Personne %d", round))
				errs := make([]error, 2)
				together(2, func(i int) {
					_, errs[i] = e.en.Enroll(ctx, e.pro, enrollment.Request{SessionID: []int64{a.ID, b.ID}[i], Person: p, IdempotencyKey: key, ConsentText: "J'accepte."})
				})
				ok, refused := 0, 0
				for _, err := range errs {
					switch {
					case err == nil:
						ok++
					case fieldOf(err, "idempotency_key") != "":
						refused++
					default:
						t.Errorf("round %d: %v", round, err)
					}
				}
				if ok != 1 || refused != 1 || bookingsWithKey(key) != 1 {
					t.Errorf("round %d: %d booked, %d refused, %d bookings with the key", round, ok, refused, bookingsWithKey(key))
				}
			}
			ca, _, _, _ := counts(t, db, a.ID)
			cb, _, _, _ := counts(t, db, b.ID)
			if ca+cb != 5 {
				t.Errorf("%d + %d seats taken by 5 people", ca, cb)
			}
		})
	})
}

func TestIdempotencyKeysAndInputs(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		s := wt.Session(t, e.ws, nil, now.Add(72*time.Hour), nil)
		req := func(key string, p enrollment.Person) enrollment.Request {
			return enrollment.Request{SessionID: s.ID, Person: p, IdempotencyKey: key, ConsentText: "J'accepte."}
		}

		t.Run("AKeyIsNotReusedForAnotherPerson", func(t *testing.T) {
			if _, err := e.en.Enroll(ctx, e.pro, req("cle-1", person("Awa"))); err != nil {
				t.Fatal(err)
			}
			if _, err := e.en.Enroll(ctx, e.pro, req("cle-1", person("Jean"))); fieldOf(err, "idempotency_key") == "" {
				t.Errorf("the key of Awa's booking used for Jean: %v", err)
			}
			u, err := e.acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: "autre@mds.example.fr", Name: "Autre pro", ProfessionalTerritory: 1})
			if err != nil {
				t.Fatal(err)
			}
			other := workshops.Actor{UserID: u.ID, Name: u.Name, Professional: true}
			if r, err := e.en.Enroll(ctx, other, req("cle-1", person("Jean"))); err != nil || r.Replayed {
				t.Errorf("keys belong to one account: another professional's cle-1 is a new booking: %+v, %v", r, err)
			}
		})

		t.Run("BadKeysAndLongConsentAreRefused", func(t *testing.T) {
			for _, key := range []string{"", "  ", strings.Repeat("k", enrollment.MaxKeyLength+1), "clé", "a\nb"} {
				if _, err := e.en.Enroll(ctx, e.pro, req(key, person("Awa"))); fieldOf(err, "idempotency_key") == "" {
					t.Errorf("key %q: %v", key, err)
				}
			}
			r := req("consent-long", person("Awa"))
			r.ConsentText = strings.Repeat("é", enrollment.MaxConsentText+1)
			if _, err := e.en.Enroll(ctx, e.pro, r); fieldOf(err, "consent_text") == "" {
				t.Errorf("a consent text of %d characters: %v", enrollment.MaxConsentText+1, err)
			}
		})

		t.Run("ControlCharactersAreRemovedOrRefused", func(t *testing.T) {
			p := person("Ma\x00ri\x07e")
			p.LastName = "D.\x1b"
			r, err := e.en.Enroll(ctx, e.pro, req("controle-1", p))
			if err != nil || r.Booking.FirstName != "Marie" || r.Booking.LastName != "D." {
				t.Fatalf("names with control characters: %+v, %v", r, err)
			}
			p = person("Nadia")
			p.Email, p.Contact = "nadia\x00@exemple.fr", enrollment.ContactEmail
			if _, err := e.en.Enroll(ctx, e.pro, req("controle-2", p)); fieldOf(err, "email") == "" {
				t.Errorf("an email with a NUL byte: %v", err)
			}
		})
	})
}

func TestReadingAndCancellingABooking(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		team := workshops.Actor{UserID: e.pro.UserID + 1, Name: "Accueil", Structures: []int64{st.ID}}
		w := wt.Workshop(t, e.ws, st, func(w *workshops.Workshop) { w.Kind = "parcours" })
		sessions, err := e.ws.ScheduleSessions(ctx, workshops.System, w.ID, workshops.Schedule{Frequency: workshops.Weekly,
			First: workshops.DateOf(now.Add(48 * time.Hour)), Until: workshops.DateOf(now.Add(48*time.Hour + 7*24*time.Hour)),
			Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 1})
		if err != nil || len(sessions) != 2 {
			t.Fatalf("parcours: %d sessions, %v", len(sessions), err)
		}
		p := person("Fatima")
		p.Phone, p.Contact = "06 12 34 56 78", enrollment.ContactSMS
		first, err := e.enroll(e.pro, sessions[1].ID, p)
		if err != nil {
			t.Fatal(err)
		}
		second, _ := e.enroll(e.pro, sessions[0].ID, person("Jean"))
		third, _ := e.enroll(e.pro, sessions[0].ID, person("Awa"))

		t.Run("TheBookingIsReadWithoutPersonalData", func(t *testing.T) {
			for _, who := range []workshops.Actor{e.pro, team} {
				b, err := e.en.Booking(ctx, who, first.Booking.ID)
				if err != nil {
					t.Fatalf("%s: %v", who.Name, err)
				}
				if b.FirstName != "" || b.Phone != "" || len(b.Enrollments) != 2 || b.OrientedBy != e.pro.UserID || b.Workshop.Title != w.Title ||
					b.Enrollments[0].SessionID != sessions[0].ID || b.Enrollments[0].Session == nil || b.Enrollments[1].Status != enrollment.Confirmed {
					t.Errorf("%s reads %+v", who.Name, b)
				}
			}
			if accessCount(t, db, enrollment.PurposeRoster)+accessCount(t, db, enrollment.PurposeOrientations) != 0 {
				t.Error("reading a booking without its personal data was logged as an access")
			}
			for _, who := range []workshops.Actor{
				{UserID: e.pro.UserID + 1000, Name: "Autre pro", Professional: true},
				{UserID: e.pro.UserID + 1001, Name: "Ailleurs", Structures: []int64{st.ID + 99}},
				{},
			} {
				if _, err := e.en.Booking(ctx, who, first.Booking.ID); !errors.Is(err, workshops.ErrForbidden) {
					t.Errorf("%q reads another's booking: %v", who.Name, err)
				}
			}
			if _, err := e.en.Booking(ctx, e.pro, first.Booking.ID+1000); !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("an unknown booking: %v", err)
			}
		})

		t.Run("CancellingTwiceFreesTheSeatsOnce", func(t *testing.T) {
			if err := e.en.Cancel(ctx, e.pro, first.Booking.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.en.Cancel(ctx, e.pro, first.Booking.ID); !errors.Is(err, enrollment.ErrAlreadyCancelled) || !errors.Is(err, enrollment.ErrClosed) {
				t.Errorf("cancelling again: %v", err)
			}
			for _, s := range sessions {
				confirmed, waiting, taken, _ := counts(t, db, s.ID)
				if confirmed != 1 || taken != 1 || len(waiting) != 1 {
					t.Errorf("session %d: confirmed %d, taken %d, waiting %v (Jean promoted once, Awa still waiting)", s.ID, confirmed, taken, waiting)
				}
			}
			b, _ := e.en.Booking(ctx, team, second.Booking.ID)
			if b.Enrollments[0].Status != enrollment.Confirmed {
				t.Errorf("Jean: %s", b.Enrollments[0].Status)
			}
			if b, _ := e.en.Booking(ctx, team, third.Booking.ID); b.Enrollments[0].Position != 1 {
				t.Errorf("Awa waits at %d", b.Enrollments[0].Position)
			}
			// A replay of the cancelled booking's request answers it as it is now.
			r, err := e.en.Enroll(ctx, e.pro, enrollment.Request{SessionID: sessions[1].ID, Person: p, IdempotencyKey: first.Booking.IdempotencyKey[strings.IndexByte(first.Booking.IdempotencyKey, ':')+1:], ConsentText: "J'accepte."})
			if err != nil || !r.Replayed || r.Status != enrollment.Cancelled {
				t.Errorf("replay after cancelling: %+v, %v", r, err)
			}
		})
	})
}
