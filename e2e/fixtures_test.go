package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// password is the password of every account the fixtures create.
const password = "une phrase assez longue pour les tests"

// account is an account the scripts sign in with.
type account struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// fixtures is what the scripts are told about the data made for them, beside the demo
// territory: accounts of each role, and sessions in each state.
type fixtures struct {
	Coordinator  account `json:"coordinator"`
	Mediator     account `json:"mediator"`
	Professional account `json:"professional"`
	// Structure is the mediator's structure, Workshop its workshop.
	Structure string `json:"structure"`
	Workshop  string `json:"workshop"`
	// Open, Full and Cancelled are sessions in those states, two to three weeks ahead;
	// Movable is one that the journeys move.
	Open      int64 `json:"open"`
	Full      int64 `json:"full"`
	Cancelled int64 `json:"cancelled"`
	Movable   int64 `json:"movable"`
	// Small has one seat for each run of the waiting-list journey (with and without
	// JavaScript).
	Small [2]int64 `json:"small"`
	// Convocation is the path of the page of a person enrolled in Open (/c/…).
	Convocation string `json:"convocation"`
}

// newFixtures creates, through the services, the accounts and sessions of the scripts.
// The server is not running yet: the database is the test's alone.
func newFixtures(t *testing.T, db *bun.DB) fixtures {
	t.Helper()
	ctx := context.Background()
	svc := workshops.NewService(db)
	acc := accounts.NewService(db, svc, "http://localhost")

	st := wt.Structure(t, svc, func(s *workshops.Structure) {
		s.Name, s.Kind = "Espace numérique des Essais", "association"
		s.Address, s.Postcode, s.Town = "12 rue de la Visitation", "54000", "Nancy"
		s.Description = "Un lieu d'essai des tests du navigateur."
	})
	w := wt.Workshop(t, svc, st, func(w *workshops.Workshop) {
		w.Title = "Premiers pas sur tablette"
		w.LevelMin, w.LevelMax = "debutant", "intermediaire"
		w.ThemeSlugs = []string{"prise-en-main", "ludique"}
		w.Enrollment = "ouvert" // the self-enrollment form shows on its sessions
	})
	day := workshops.DateOf(time.Now()).AddDays(14)
	at := func(days, hour int) time.Time {
		d := day.AddDays(days)
		tm, ok := workshops.ParisTime(d.Year, d.Month, d.Day, hour, 0)
		if !ok {
			t.Fatalf("no %v %d:00 in Paris", d, hour)
		}
		return tm
	}
	open := wt.Session(t, svc, w, at(0, 14), nil)
	full := wt.Session(t, svc, w, at(1, 14), func(s *workshops.Session) { s.Capacity, s.SeatsTaken = 4, 4 })
	cancelled := wt.Session(t, svc, w, at(2, 14), nil)
	if _, err := svc.CancelSession(ctx, workshops.System, cancelled.ID, "Animatrice absente"); err != nil {
		t.Fatal(err)
	}
	movable := wt.Session(t, svc, w, at(3, 10), nil)
	small := [2]int64{
		wt.Session(t, svc, w, at(4, 10), func(s *workshops.Session) { s.Capacity = 1 }).ID,
		wt.Session(t, svc, w, at(5, 10), func(s *workshops.Session) { s.Capacity = 1 }).ID,
	}

	fx := fixtures{
		Coordinator:  account{"coordination@escale.test", password},
		Mediator:     account{"mediation@escale.test", password},
		Professional: account{"orientation@escale.test", password},
		Structure:    st.Slug, Workshop: w.Slug,
		Open: open.ID, Full: full.ID, Cancelled: cancelled.ID, Movable: movable.ID, Small: small,
	}
	users := []accounts.NewUser{
		{Email: fx.Coordinator.Email, Name: "Claude Coordination", CoordinatorOf: []int64{st.TerritoryID}},
		{Email: fx.Mediator.Email, Name: "Dominique Médiation", MemberOf: []int64{st.ID}},
		{Email: fx.Professional.Email, Name: "Sam Orientation", Organisation: "CCAS de Nancy", ProfessionalTerritory: st.TerritoryID},
	}
	for _, nu := range users {
		nu.Password = password
		if _, err := acc.CreateUser(ctx, workshops.System, nu); err != nil {
			t.Fatalf("create %s: %v", nu.Email, err)
		}
	}

	// The server signs links with the secret kept in the database: so do the fixtures.
	secret, err := acc.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	en := enrollment.NewService(db, svc, "", secret)
	res, err := en.Enroll(ctx, workshops.System, enrollment.Request{
		SessionID: open.ID, Self: true, IdempotencyKey: "fixture-convocation",
		Person:      enrollment.Person{FirstName: "Alex", Level: "debutant", Contact: enrollment.ContactPaper, Consent: true},
		ConsentText: "J'accepte que mes informations servent à mon inscription.",
	})
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	fx.Convocation = res.CancelURL
	return fx
}
