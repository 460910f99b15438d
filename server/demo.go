package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/workshops"
)

// The demo territory (demo_data.go) is loaded through the workshops service's public API
// only, so that it obeys the same rules as data typed by a mediator. Its dates are computed
// from the service's clock: the calendar always looks alive, whenever it is loaded.
//
// Loading once, and resuming after a failure. Each write of the service is its own
// transaction, so a load that stops midway (a crash, Ctrl+C, a database restart) leaves
// part of the territory. Two rules make that harmless:
//
//   - The plan is written in a fixed order (structure, its workshops, each workshop's
//     batches of sessions) and the very last write is the last batch of the last workshop.
//     When that batch exists the territory is complete: loadPlan checks it first and
//     returns without writing anything, whatever the date. That is the demo's marker.
//   - Otherwise loadPlan walks the plan and skips what exists: a structure or a workshop
//     by its slug, a batch of sessions by counting. A batch is one CreateSessions call, so
//     it exists whole or not at all, and batches are created in plan order: if a workshop
//     already has n sessions (in id order), they are exactly its first batches whose sizes
//     add up to n. Sizes do not depend on the date (a session that would fall on a public
//     holiday moves to the end of its series; only the extra daylight-saving batch comes
//     and goes, and it is the last of its workshop), so a load resumed on another day
//     still lines up.
//   - loadDemoLocked holds a lock around all this, so that instances started together
//     with --demo do not both find the territory incomplete and both create it.
//
// What a resumed load cannot see: a place (CreatePlace) created just before a failure but
// used by no session yet, because places are only reachable through their sessions. The
// load then creates it again and the first copy stays unused, invisible to the public.

// demoResult says what loadDemo did.
type demoResult struct {
	Created                         bool
	Structures, Workshops, Sessions int
}

// loadDemo loads the demo territory once: a second call finds it and changes nothing.
func loadDemo(ctx context.Context, svc *workshops.Service) (demoResult, error) {
	return loadPlan(ctx, svc, demoTerritory())
}

// demoLockKey identifies the demo load among PostgreSQL advisory locks ("escdem").
const demoLockKey int64 = 0x65736364656d

// sqliteDemoLock serialises demo loads in this process: an SQLite file is served by one
// process, so two loads can only race within it.
var sqliteDemoLock sync.Mutex

// loadDemoLocked runs loadDemo while holding a lock, so that server instances started at
// the same time with --demo load the territory once: the second one waits, then finds it
// complete.
func loadDemoLocked(ctx context.Context, db *bun.DB, svc *workshops.Service) (demoResult, error) {
	if db.Dialect().Name() != dialect.PG {
		sqliteDemoLock.Lock()
		defer sqliteDemoLock.Unlock()
		return loadDemo(ctx, svc)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return demoResult{}, fmt.Errorf("demo lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", demoLockKey); err != nil {
		return demoResult{}, fmt.Errorf("demo lock: %w", err)
	}
	// Unlock even when ctx is cancelled: the connection goes back to the pool.
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", demoLockKey)
	return loadDemo(ctx, svc)
}

// loadPlan loads a plan of structures, creating only what is missing (see above).
func loadPlan(ctx context.Context, svc *workshops.Service, plan []demoStructure) (demoResult, error) {
	l := &demoLoader{svc: svc, cal: newDemoCalendar(svc.Now())}
	done, err := l.complete(ctx, plan)
	if err != nil || done {
		return demoResult{}, err
	}
	for i := range plan {
		if err := l.structure(ctx, &plan[i]); err != nil {
			return l.res, err
		}
	}
	l.res.Created = l.res.Structures+l.res.Workshops+l.res.Sessions > 0
	return l.res, nil
}

// demoStructure is a structure of the demo, with its other places and its workshops.
type demoStructure struct {
	structure workshops.Structure
	places    []workshops.Place
	workshops []demoWorkshop
}

// demoWorkshop is a workshop of the demo and the batches of sessions it gets.
type demoWorkshop struct {
	workshop workshops.Workshop
	batches  []demoBatch
}

// demoBatch is one CreateSessions call: a lone session, a series, or a whole parcours.
type demoBatch struct {
	// day of week, in the week that is `week` weeks after the current one (negative: in
	// the past), then count sessions (1 when zero) every `every` weeks (1 when zero).
	day   time.Weekday
	week  int
	count int
	every int
	// dst, when set, puts one session on a daylight-saving change day instead.
	dst dstDay
	// hour and minute, wall-clock time in Europe/Paris.
	hour, minute int
	// place is the name of one of the structure's places; empty: the structure itself.
	place string
	// capacity overrides the workshop's default capacity.
	capacity int
	seats    seatPattern
	animator string
	// cancel is the position (from 1) of the session of the batch to cancel, with a reason.
	cancel       int
	cancelReason string
}

// seatPattern says how many seats the demo shows as taken (the enrollment service will
// replace this with real enrollments).
type seatPattern int

const (
	// seatsVaried gives a mix of fillings, rarely full.
	seatsVaried seatPattern = iota
	// seatsPopular fills the first dates (full or one seat left), less so later ones.
	seatsPopular
	// seatsFew leaves most seats free.
	seatsFew
)

// dstDay names a daylight-saving change day relative to the load date.
type dstDay int

const (
	dstNone dstDay = iota
	// dstLast is the latest change day on or before today.
	dstLast
	// dstNext is the first change day after today.
	dstNext
	// dstAfterNext is the change day after dstNext. The feeds cover 60 days back: when the
	// last change is older, a session on the change after next keeps one session of each
	// kind (clocks going forward, clocks going back) in the feeds.
	dstAfterNext
)

// demoCalendar places the plan's sessions relative to one instant.
type demoCalendar struct {
	now    time.Time
	today  workshops.Date
	monday workshops.Date
	dst    dstDays
}

func newDemoCalendar(now time.Time) demoCalendar {
	today := workshops.DateOf(now)
	back := (int(today.Start().Weekday()) + 6) % 7
	return demoCalendar{now: now, today: today, monday: today.AddDays(-back), dst: dstChangeDays(today)}
}

// dstDays are the daylight-saving change days around a date; a zero Date when Europe/Paris
// has none (should France stop changing clocks, the demo simply has no such session).
type dstDays struct {
	last, next, afterNext workshops.Date
}

// dstChangeDays finds, from the tz database, the days on which Europe/Paris changes its
// UTC offset: the latest one on or before today and the next two after it.
func dstChangeDays(today workshops.Date) dstDays {
	const horizon = 400 // days: more than the year between two changes of the same kind
	var d dstDays
	for i := 0; i <= horizon; i++ {
		if day := today.AddDays(-i); isOffsetChangeDay(day) {
			d.last = day
			break
		}
	}
	for i := 1; i <= horizon; i++ {
		day := today.AddDays(i)
		if !isOffsetChangeDay(day) {
			continue
		}
		if d.next.IsZero() {
			d.next = day
			continue
		}
		d.afterNext = day
		break
	}
	return d
}

// isOffsetChangeDay reports whether Europe/Paris has a different UTC offset at the end of
// the day than at its start.
func isOffsetChangeDay(d workshops.Date) bool {
	_, start := d.Start().Zone()
	_, end := d.AddDays(1).Start().Zone()
	return start != end
}

// day returns the date of a daylight-saving change day, or a zero Date when the plan
// should have no session for it.
func (c demoCalendar) day(which dstDay) workshops.Date {
	switch which {
	case dstLast:
		return c.dst.last
	case dstNext:
		return c.dst.next
	case dstAfterNext:
		if !c.dst.last.IsZero() && c.dst.last.Before(c.today.AddDays(-workshops.FeedDaysBack)) {
			return c.dst.afterNext
		}
	}
	return workshops.Date{}
}

// sessions builds the sessions of a batch of a workshop (place left to the caller).
// salt varies the seat counts from one workshop to the next.
func (c demoCalendar) sessions(b demoBatch, w *workshops.Workshop, salt int) []*workshops.Session {
	var days []workshops.Date
	if b.dst != dstNone {
		if d := c.day(b.dst); !d.IsZero() {
			days = append(days, d)
		}
	} else {
		// A date that falls on a public holiday moves to the end of the series, so that a
		// batch always has the same size, whatever the load date (see the top comment).
		count, every := max(b.count, 1), max(b.every, 1)
		offset := (int(b.day) + 6) % 7 // Monday first
		for i := 0; len(days) < count && i < 2*count+10; i++ {
			if d := c.monday.AddDays(7*(b.week+i*every) + offset); !isPublicHoliday(d) {
				days = append(days, d)
			}
		}
	}
	capacity := cmp.Or(b.capacity, w.DefaultCapacity)
	duration := time.Duration(w.DefaultDurationMinutes) * time.Minute
	var out []*workshops.Session
	for i, d := range days {
		start, ok := workshops.ParisTime(d.Year, d.Month, d.Day, b.hour, b.minute)
		if !ok {
			continue // the hour skipped when clocks go forward: no session then
		}
		n := i
		if w.Parcours() {
			n = 0 // a parcours is enrolled as a whole: every session has the same people
		}
		out = append(out, &workshops.Session{
			StartsAt:   start,
			EndsAt:     start.Add(duration),
			Capacity:   capacity,
			SeatsTaken: seatsTaken(b.seats, capacity, n, salt, start.Before(c.now)),
			Animator:   b.animator,
		})
	}
	return out
}

// seatsTaken returns a plausible, deterministic number of seats taken.
func seatsTaken(p seatPattern, capacity, i, salt int, past bool) int {
	var n int
	switch {
	case past:
		n = capacity - (i+salt)%3
	case p == seatsPopular && i < 4:
		n = capacity - i%2 // full, one seat left, full, one seat left
	case p == seatsPopular:
		n = capacity * 2 / 3
	case p == seatsFew:
		n = (i + salt) % 3
	default:
		fill := []int{50, 25, 75, 40, 85, 10, 60}
		n = capacity * fill[(i+salt)%len(fill)] / 100
	}
	return min(max(n, 0), capacity)
}

// isPublicHoliday reports whether a day is a public holiday in France, when structures
// are closed (Meurthe-et-Moselle has none of the Alsace-Moselle extra days).
func isPublicHoliday(d workshops.Date) bool {
	fixed := []workshops.Date{
		{Month: time.January, Day: 1}, {Month: time.May, Day: 1}, {Month: time.May, Day: 8},
		{Month: time.July, Day: 14}, {Month: time.August, Day: 15}, {Month: time.November, Day: 1},
		{Month: time.November, Day: 11}, {Month: time.December, Day: 25},
	}
	for _, f := range fixed {
		if d.Month == f.Month && d.Day == f.Day {
			return true
		}
	}
	easter := easterSunday(d.Year)
	for _, after := range []int{1, 39, 50} { // Easter Monday, Ascension, Whit Monday
		if d == easter.AddDays(after) {
			return true
		}
	}
	return false
}

// easterSunday returns the date of Easter in the Gregorian calendar (the anonymous
// algorithm published by Meeus).
func easterSunday(year int) workshops.Date {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return workshops.Date{Year: year, Month: time.Month(n / 31), Day: n%31 + 1}
}

// demoLoader walks a plan and creates what is missing.
type demoLoader struct {
	svc  *workshops.Service
	cal  demoCalendar
	res  demoResult
	salt int
}

// complete reports whether the plan's last write (its last workshop's last batch) exists.
func (l *demoLoader) complete(ctx context.Context, plan []demoStructure) (bool, error) {
	if len(plan) == 0 || len(plan[len(plan)-1].workshops) == 0 {
		return true, nil
	}
	ds := plan[len(plan)-1]
	dw := ds.workshops[len(ds.workshops)-1]
	w, err := l.svc.Workshop(ctx, dw.workshop.Slug)
	if errors.Is(err, workshops.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	st, err := l.svc.Structure(ctx, ds.structure.Slug)
	if err != nil {
		return false, fmt.Errorf("demo structure %s: %w", ds.structure.Slug, err)
	}
	have, _, err := l.existing(ctx, st)
	if err != nil {
		return false, err
	}
	want := 0
	for _, b := range dw.batches {
		want += len(l.cal.sessions(b, w, 0))
	}
	return len(have[w.ID]) >= want, nil
}

// existing returns a structure's sessions (cancelled or past ones included) by workshop,
// in id order, which is creation order, and the ids of its places that sessions use.
func (l *demoLoader) existing(ctx context.Context, st *workshops.Structure) (map[int64][]workshops.Session, map[string]int64, error) {
	sessions := map[int64][]workshops.Session{}
	places := map[string]int64{}
	f := workshops.Filter{Structures: []string{st.Slug}, From: workshops.Date{Year: 2000, Month: time.January, Day: 1}}
	p := workshops.Page{Limit: workshops.MaxPageSize}
	for {
		page, err := l.svc.ListSessions(ctx, f, p)
		if err != nil {
			return nil, nil, fmt.Errorf("demo sessions of %s: %w", st.Slug, err)
		}
		for _, s := range page.Sessions {
			sessions[s.WorkshopID] = append(sessions[s.WorkshopID], s)
			if s.PlaceID != 0 && s.Place != nil {
				places[s.Place.Name] = s.PlaceID
			}
		}
		if page.Next == nil {
			break
		}
		p.After = page.Next
	}
	for _, list := range sessions {
		slices.SortFunc(list, func(a, b workshops.Session) int { return cmp.Compare(a.ID, b.ID) })
	}
	return sessions, places, nil
}

// structure creates what is missing of one structure of the plan.
func (l *demoLoader) structure(ctx context.Context, ds *demoStructure) error {
	slug := ds.structure.Slug
	st, err := l.svc.Structure(ctx, slug)
	have, places := map[int64][]workshops.Session{}, map[string]int64{}
	switch {
	case errors.Is(err, workshops.ErrNotFound):
		st = &ds.structure
		if err := l.svc.CreateStructure(ctx, st); err != nil {
			return fmt.Errorf("demo structure %s: %w", slug, err)
		}
		l.res.Structures++
		if st.Slug != slug {
			return fmt.Errorf("demo structure %s: created as %s, because a structure that is not public, or another load running at the same time, has the slug", slug, st.Slug)
		}
	case err != nil:
		return fmt.Errorf("demo structure %s: %w", slug, err)
	default:
		if have, places, err = l.existing(ctx, st); err != nil {
			return err
		}
	}
	placeID := func(name string) (int64, error) {
		if name == "" {
			return 0, nil
		}
		if id, ok := places[name]; ok {
			return id, nil
		}
		for i := range ds.places {
			if p := &ds.places[i]; p.Name == name {
				p.StructureID = st.ID
				if err := l.svc.CreatePlace(ctx, p); err != nil {
					return 0, fmt.Errorf("demo place %s: %w", name, err)
				}
				places[name] = p.ID
				return p.ID, nil
			}
		}
		return 0, fmt.Errorf("demo place %q: not among the places of %s", name, slug)
	}
	for i := range ds.workshops {
		l.salt++
		if err := l.workshop(ctx, st, &ds.workshops[i], have, placeID); err != nil {
			return err
		}
	}
	return nil
}

// workshop creates what is missing of one workshop of the plan: the workshop, then the
// batches of sessions that come after those it already has.
func (l *demoLoader) workshop(ctx context.Context, st *workshops.Structure, dw *demoWorkshop,
	have map[int64][]workshops.Session, placeID func(string) (int64, error)) error {
	slug := dw.workshop.Slug
	w, err := l.svc.Workshop(ctx, slug)
	switch {
	case errors.Is(err, workshops.ErrNotFound):
		w = &dw.workshop
		w.StructureID = st.ID
		if err := l.svc.CreateWorkshop(ctx, w); err != nil {
			return fmt.Errorf("demo workshop %s: %w", slug, err)
		}
		l.res.Workshops++
	case err != nil:
		return fmt.Errorf("demo workshop %s: %w", slug, err)
	case w.StructureID != st.ID:
		return fmt.Errorf("demo workshop %s: it already exists in another structure", slug)
	}
	existing := have[w.ID]
	next := 0
	for _, b := range dw.batches {
		sessions := l.cal.sessions(b, w, l.salt)
		if len(sessions) == 0 {
			continue
		}
		if next < len(existing) {
			if next+len(sessions) > len(existing) {
				return fmt.Errorf("demo workshop %s: its %d sessions do not match the plan's batches", slug, len(existing))
			}
			batch := existing[next : next+len(sessions)]
			next += len(sessions)
			if b.cancel > 0 && b.cancel <= len(batch) && !batch[b.cancel-1].Cancelled() {
				if err := l.cancel(ctx, batch[b.cancel-1].ID, b.cancelReason); err != nil {
					return err
				}
			}
			continue
		}
		pid, err := placeID(b.place)
		if err != nil {
			return err
		}
		for _, s := range sessions {
			s.PlaceID = pid
		}
		if err := l.svc.CreateSessions(ctx, w.ID, sessions); err != nil {
			return fmt.Errorf("demo sessions of %s: %w", slug, err)
		}
		l.res.Sessions += len(sessions)
		if b.cancel > 0 && b.cancel <= len(sessions) {
			if err := l.cancel(ctx, sessions[b.cancel-1].ID, b.cancelReason); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *demoLoader) cancel(ctx context.Context, id int64, reason string) error {
	if _, err := l.svc.CancelSession(ctx, id, reason); err != nil {
		return fmt.Errorf("demo cancellation of session %d: %w", id, err)
	}
	return nil
}
