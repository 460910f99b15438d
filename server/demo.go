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

// demoResult says what loadDemo (and loadDemoLocked) did.
type demoResult struct {
	Created                         bool
	Structures, Workshops, Sessions int
	// Enrollments counts the bookings made (loadDemoLocked only).
	Enrollments int
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

// loadDemoLocked runs loadDemo, then enrolls the demo's people (demo_enrollments.go),
// while holding a lock, so that server instances started at the same time with --demo
// load the territory once: the second one waits, then finds it complete.
func loadDemoLocked(ctx context.Context, db *bun.DB, svc *workshops.Service) (demoResult, error) {
	load := func() (demoResult, error) {
		res, err := loadDemo(ctx, svc)
		if err != nil {
			return res, err
		}
		res.Enrollments, err = loadDemoEnrollments(ctx, db, svc)
		res.Created = res.Created || res.Enrollments > 0
		return res, err
	}
	if db.Dialect().Name() != dialect.PG {
		sqliteDemoLock.Lock()
		defer sqliteDemoLock.Unlock()
		return load()
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
	return load()
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

// demoLoader walks a plan and creates what is missing.
type demoLoader struct {
	svc *workshops.Service
	cal demoCalendar
	res demoResult
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
		want += len(l.cal.sessions(b, w))
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
		if err := l.svc.CreateStructure(ctx, workshops.System, st); err != nil {
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
				if err := l.svc.CreatePlace(ctx, workshops.System, p); err != nil {
					return 0, fmt.Errorf("demo place %s: %w", name, err)
				}
				places[name] = p.ID
				return p.ID, nil
			}
		}
		return 0, fmt.Errorf("demo place %q: not among the places of %s", name, slug)
	}
	for i := range ds.workshops {
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
		if err := l.svc.CreateWorkshop(ctx, workshops.System, w); err != nil {
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
		sessions := l.cal.sessions(b, w)
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
		if err := l.svc.CreateSessions(ctx, workshops.System, w.ID, sessions); err != nil {
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
	if _, err := l.svc.CancelSession(ctx, workshops.System, id, reason); err != nil {
		return fmt.Errorf("demo cancellation of session %d: %w", id, err)
	}
	return nil
}
