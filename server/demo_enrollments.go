package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// The demo's people: real enrollments, made through the enrollment service once the
// territory exists. Each session of the plan gets the number of seats its batch's
// seatPattern gives (demo_calendar.go); the first full upcoming sessions of popular
// workshops get a waiting list too; past sessions get their attendance marked. Most
// people are oriented by three invented professionals (their accounts are created, with no
// password), some enroll themselves where the workshop allows it.
//
// Nobody real is named or reachable: first names and initials from a list, no phone
// number (any valid French mobile number may belong to someone), email addresses at
// example.org only; and the enrollment events of the load are settled in the outbox, so
// that no confirmation or absence notice is composed for them.
//
// Loading once, and resuming. Every booking has a fixed idempotency key (its session and
// its rank), so enrolling it again answers the booking already made: a load that stopped
// midway is resumed by walking the whole plan again. A complete load is recognised
// without writing anything: every planned session holds at least its planned seats.

// demoPro is an invented orienting professional.
type demoPro struct {
	email, name, organisation string
}

var demoPros = []demoPro{
	{"claire.d@ccas-nancy.example.org", "Claire D.", "CCAS de Nancy"},
	{"youssef.b@mds-vandoeuvre.example.org", "Youssef B.", "Maison départementale des solidarités de Vandœuvre"},
	{"sandrine.l@secours-tomblaine.example.org", "Sandrine L.", "Association d'entraide de Tomblaine"},
}

// demoFirstNames are the invented people's first names.
var demoFirstNames = []string{
	"Fatima", "Jean", "Awa", "Michel", "Nadia", "Sylvie", "Mohamed", "Gérard", "Leïla", "Christiane",
	"Karim", "Monique", "Ibrahim", "Josiane", "Olena", "Bernard", "Samira", "Paulette", "Yasmina", "Roger",
	"Aminata", "Denise", "Rachid", "Odette", "Thi Lan", "Marcel", "Khadija", "Huguette", "Serge", "Mariam",
}

// demoLanguages are the languages of the people who speak little French.
var demoLanguages = []string{"arabe", "dari", "ukrainien", "tamoul", "turc", "albanais"}

// demoConsent is the consent recorded with the demo's bookings.
const demoConsent = "La personne accepte que son prénom, son niveau et ses besoins soient transmis à la structure qui anime l'atelier " +
	"et au professionnel qui l'oriente, pour l'inscrire et suivre son inscription. (Démonstration : personne fictive.)"

// demoSeats is what one unit of the plan gets: a session, or the first session of a
// parcours group (a parcours is enrolled as a whole).
type demoSeats struct {
	session  workshops.Session
	workshop *workshops.Workshop
	// levels are the codes of the workshop's level range.
	levels  []string
	salt, n int
	// past says the session had happened when the demo was loaded: its attendance is marked.
	past bool
	// confirmed seats, then people on the waiting list.
	confirmed, waiting int
}

// demoClock is the enrollment service's clock during the load: the territory's present,
// or an instant before a past session, when its people were enrolled.
type demoClock struct {
	at  atomic.Int64
	now func() time.Time
}

func (c *demoClock) Now() time.Time {
	if at := c.at.Load(); at != 0 {
		return time.Unix(0, at).UTC()
	}
	return c.now()
}

func (c *demoClock) set(t time.Time) { c.at.Store(t.UnixNano()) }
func (c *demoClock) reset()          { c.at.Store(0) }

// loadDemoEnrollments enrolls the demo's people (see above) and returns how many bookings
// it made; 0 when the plan was complete already.
func loadDemoEnrollments(ctx context.Context, db *bun.DB, svc *workshops.Service) (int, error) {
	plan, err := demoSeatPlan(ctx, svc, demoTerritory())
	if err != nil || len(plan) == 0 {
		return 0, err
	}
	complete := true
	for _, u := range plan {
		complete = complete && u.session.SeatsTaken >= u.confirmed
	}
	if complete {
		return 0, nil
	}
	return enrollDemo(ctx, db, svc, plan)
}

// enrollDemo makes the bookings of a plan that do not exist yet, and returns how many.
func enrollDemo(ctx context.Context, db *bun.DB, svc *workshops.Service, plan []demoSeats) (int, error) {
	clock := &demoClock{now: svc.Now}
	en := enrollment.NewService(db, svc, "", nil, enrollment.WithClock(clock.Now))
	pros, err := demoProfessionals(ctx, db, svc, plan[0].workshop.Structure.TerritoryID)
	if err != nil {
		return 0, err
	}
	made := 0
	ids := make([]int64, 0, len(plan))
	for _, u := range plan {
		ids = append(ids, u.session.ID)
		n, err := u.enroll(ctx, en, clock, pros)
		made += n
		if err != nil {
			return made, errors.Join(fmt.Errorf("demo enrollments of session %d: %w", u.session.ID, err), settleDemo(ctx, db, ids))
		}
	}
	return made, settleDemo(ctx, db, ids)
}

// settleDemo marks the events of the demo's enrollments (enrolled, absent) as handled, so
// that nobody is sent a confirmation or an absence notice for invented people: the
// console would print thousands of emails at the first start.
func settleDemo(ctx context.Context, db *bun.DB, sessionIDs []int64) error {
	if _, err := notify.Settle(ctx, db, enrollment.EventKind, sessionIDs, time.Now()); err != nil {
		return fmt.Errorf("demo enrollments: %w", err)
	}
	return nil
}

// demoSeatPlan lists what each session of the plan gets, in time order (past sessions
// first), from the sessions the territory has.
func demoSeatPlan(ctx context.Context, svc *workshops.Service, plan []demoStructure) ([]demoSeats, error) {
	l := &demoLoader{svc: svc}
	voc, err := svc.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	var out []demoSeats
	salt := 0
	for _, ds := range plan {
		st, err := svc.Structure(ctx, ds.structure.Slug)
		if err != nil {
			return nil, fmt.Errorf("demo structure %s: %w", ds.structure.Slug, err)
		}
		have, _, err := l.existing(ctx, st)
		if err != nil {
			return nil, err
		}
		for _, dw := range ds.workshops {
			salt++ // seats vary from one workshop to the next
			w, err := svc.Workshop(ctx, dw.workshop.Slug)
			if err != nil {
				return nil, fmt.Errorf("demo workshop %s: %w", dw.workshop.Slug, err)
			}
			w.Structure = st
			var levels []string
			for _, lv := range voc.LevelRange(w.LevelMin, w.LevelMax) {
				levels = append(levels, lv.Code)
			}
			pattern := seatsVaried
			if len(dw.batches) > 0 {
				pattern = dw.batches[0].seats
			}
			groups := map[int64]bool{}
			for i, s := range have[w.ID] {
				if s.Cancelled() || w.Parcours() && s.GroupID != 0 && groups[s.GroupID] {
					continue
				}
				groups[s.GroupID] = true
				n := i
				if w.Parcours() {
					n = 0
				}
				// Past when the territory was loaded, not now: the plan stays the same on
				// later days, and later sessions keep their people without attendance.
				past := s.StartsAt.Before(s.CreatedAt)
				u := demoSeats{past: past, session: s, workshop: w, levels: levels, salt: salt, n: n, confirmed: seatsTaken(pattern, s.Capacity, n, salt, past)}
				if !past && !w.NoWaitlist && pattern == seatsPopular && u.confirmed == s.Capacity && (n+salt)%3 == 0 {
					u.waiting = 1 + salt%3
				}
				out = append(out, u)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b demoSeats) int { return a.session.StartsAt.Compare(b.session.StartsAt) })
	return out, nil
}

// demoOrienter is an invented professional as the enrollment service sees them.
type demoOrienter struct {
	actor        workshops.Actor
	organisation string
}

// demoProfessionals returns the invented professionals, creating their accounts (without
// a password) the first time.
func demoProfessionals(ctx context.Context, db *bun.DB, svc *workshops.Service, territory int64) ([]demoOrienter, error) {
	acc := accounts.NewService(db, svc, "")
	out := make([]demoOrienter, 0, len(demoPros))
	for _, p := range demoPros {
		u, err := acc.UserByEmail(ctx, p.email)
		if errors.Is(err, workshops.ErrNotFound) {
			u, err = acc.CreateUser(ctx, workshops.System, accounts.NewUser{Email: p.email, Name: p.name,
				Organisation: p.organisation, ProfessionalTerritory: territory})
		}
		if err != nil {
			return nil, fmt.Errorf("demo professional %s: %w", p.name, err)
		}
		pr, err := acc.Principal(ctx, u.ID)
		if err != nil {
			return nil, fmt.Errorf("demo professional %s: %w", p.name, err)
		}
		out = append(out, demoOrienter{actor: pr.Actor(), organisation: p.organisation})
	}
	return out, nil
}

// enroll makes the unit's bookings, then marks the attendance of a past session whose
// people were just enrolled. It returns how many bookings it made.
func (u demoSeats) enroll(ctx context.Context, en *enrollment.Service, clock *demoClock, pros []demoOrienter) (int, error) {
	total := u.confirmed + u.waiting
	// People were enrolled over the days before, the last one two days before the session
	// at most.
	last := clock.now()
	if before := u.session.StartsAt.Add(-48 * time.Hour); before.Before(last) {
		last = before
	}
	made := 0
	marks := map[int64]bool{}
	for k := range total {
		clock.set(last.Add(-time.Duration(total-k) * (2*time.Hour + 13*time.Minute)))
		who, req := u.request(k, pros)
		res, err := en.Enroll(ctx, who, req)
		clock.reset()
		if err != nil {
			return made, err
		}
		if res.Replayed {
			continue
		}
		made++
		for _, e := range res.Booking.Enrollments {
			if e.SessionID == u.session.ID && e.Status == enrollment.Confirmed {
				marks[e.ID] = (k+u.salt)%6 != 4 // about one in six did not come
			}
		}
	}
	if u.past && len(marks) > 0 {
		if err := en.MarkAttendance(ctx, workshops.System, u.session.ID, marks); err != nil {
			return made, err
		}
	}
	return made, nil
}

// self reports whether the k-th person enrolls themselves: some, where the workshop
// allows it, while seats are left for them.
func (u demoSeats) self(k int) bool {
	return u.workshop.OpenEnrollment() && k%3 == 2 && k < u.session.Capacity-u.workshop.ReservedSeats
}

// request is the k-th person of the unit, invented, with plausible levels and needs, and
// who enrolls them.
func (u demoSeats) request(k int, pros []demoOrienter) (workshops.Actor, enrollment.Request) {
	i := u.salt*31 + u.n*7 + k
	p := enrollment.Person{FirstName: demoFirstNames[i%len(demoFirstNames)], Contact: enrollment.ContactProfessional, Consent: true}
	if k%4 == 1 {
		p.LastName = string(rune('A'+(i*5)%26)) + "."
	}
	switch {
	case u.self(k):
		p.Contact, p.Email = enrollment.ContactEmail, fmt.Sprintf("personne.%d.%d@example.org", u.session.ID, k)
	case k%5 == 2:
		p.Contact = enrollment.ContactPaper
	case k%5 == 4:
		p.Contact, p.Email = enrollment.ContactEmail, fmt.Sprintf("personne.%d.%d@example.org", u.session.ID, k)
	}
	p.Level = enrollment.LevelNotAssessed
	if len(u.levels) > 0 && k%7 != 3 {
		p.Level = u.levels[i%len(u.levels)]
	}
	p.NeedsDevice = len(u.workshop.DevicesLent) > 0 && k%4 == 1
	if k%9 == 4 {
		p.NeedsFrench, p.FrenchLanguage = true, demoLanguages[i%len(demoLanguages)]
	}
	p.NeedsMobility, p.NeedsHearing, p.NeedsVisual = k%11 == 5, k%13 == 6, k%17 == 7
	req := enrollment.Request{SessionID: u.session.ID, Person: p, Self: u.self(k), ConsentText: demoConsent,
		IdempotencyKey: "demo-" + strconv.FormatInt(u.session.ID, 10) + "-" + strconv.Itoa(k)}
	if req.Self {
		return workshops.Actor{}, req
	}
	pro := pros[(k+u.salt)%len(pros)]
	req.Organisation = pro.organisation
	return pro.actor, req
}
