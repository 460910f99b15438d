package web_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// followUpFixture is the manage fixture with a session of structure A on Thursday 10
// December 2026, 14 h to 16 h, with two seats, and an orienting professional who
// enrolled three people in it: Fatima (SMS, needs a device) and Jean (told through the
// professional) hold the seats, Awa waits.
type followUpFixture struct {
	*manageFixture
	s                 *workshops.Session
	pro               *accounts.User
	proActor          workshops.Actor
	fatima, jean, awa *enrollment.Result
}

func newFollowUpFixture(t *testing.T, e *env) *followUpFixture {
	t.Helper()
	f := &followUpFixture{manageFixture: newManageFixture(t, e)}
	f.s = wt.Session(t, e.svc, f.wa, wt.Paris(t, 2026, time.December, 10, 14, 0), func(s *workshops.Session) { s.Capacity = 2 })
	f.pro = e.user(proEmail, func(nu *accounts.NewUser) {
		nu.Name, nu.Organisation, nu.ProfessionalTerritory = "Alex Martin", "CCAS de Nancy", f.a.TerritoryID
	})
	f.proActor = e.actorOf(f.pro)
	fatima := enrollment.Person{FirstName: "Fatima", LastName: "Benali", Phone: "06 12 34 56 78", Contact: enrollment.ContactSMS,
		Level: "debutant", NeedsDevice: true, Consent: true}
	f.fatima = e.orient(f.proActor, f.s.ID, fatima)
	f.jean = e.orient(f.proActor, f.s.ID, enrollment.Person{FirstName: "Jean", Contact: enrollment.ContactProfessional, Level: "eloigne", Consent: true})
	f.awa = e.orient(f.proActor, f.s.ID, enrollment.Person{FirstName: "Awa", Email: "awa@exemple.fr", Contact: enrollment.ContactEmail,
		Level: enrollment.LevelNotAssessed, NeedsFrench: true, FrenchLanguage: "soninké", Consent: true})
	if f.awa.Status != enrollment.Waitlisted {
		t.Fatalf("Awa should wait: %+v", f.awa)
	}
	return f
}

// otherMemberEmail signs in a member of structure B, who has nothing to do with the
// fixture's session.
const otherMemberEmail = "dominique@mediatheque-b.example.fr"

// otherMember creates the member of structure B and returns a browser signed in as them,
// holding a CSRF token.
func (f *followUpFixture) otherMember(e *env) *browser {
	e.t.Helper()
	e.user(otherMemberEmail, func(nu *accounts.NewUser) { nu.MemberOf = []int64{f.b.ID} })
	b := e.signedIn(otherMemberEmail)
	b.get("/manage")
	return b
}

// seat is the id of a booking's enrollment in its (first) session.
func seat(r *enrollment.Result) int64 { return r.Booking.Enrollments[0].ID }

// actorOf is who an account acts as.
func (e *env) actorOf(u *accounts.User) workshops.Actor {
	e.t.Helper()
	p, err := e.acc.Principal(e.t.Context(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Actor()
}

var orientKeys atomic.Int64

// orient enrolls a person in a session on someone's behalf, through the domain.
func (e *env) orient(who workshops.Actor, sessionID int64, p enrollment.Person) *enrollment.Result {
	e.t.Helper()
	r, err := e.en.Enroll(e.t.Context(), who, enrollment.Request{SessionID: sessionID, Person: p, Organisation: "CCAS de Nancy",
		IdempotencyKey: fmt.Sprint("orient-", orientKeys.Add(1)), ConsentText: "J'accepte que mes coordonnées soient transmises à la structure."})
	if err != nil {
		e.t.Fatalf("enroll %s: %v", p.FirstName, err)
	}
	return r
}

// accesses counts the logged consultations of personal data by an account, for a
// purpose.
func accesses(t *testing.T, db *bun.DB, userID int64, purpose string) int {
	t.Helper()
	n, err := db.NewSelect().Model((*enrollment.AccessEntry)(nil)).Where("user_id = ? AND purpose = ?", userID, purpose).Count(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// enrollmentOf reads an enrollment again.
func enrollmentOf(t *testing.T, db *bun.DB, id int64) enrollment.Enrollment {
	t.Helper()
	var en enrollment.Enrollment
	if err := db.NewSelect().Model(&en).Where("id = ?", id).Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	return en
}
