package enrollment

// Enrolling many people at once: group commit.
//
// Enrollments that arrive while others are being written wait for the next batch, and a
// batch books them all in one transaction, with one statement per table: the keys
// already used, the sessions (locked, on PostgreSQL), the people already enrolled, the
// bookings, the seat counts, the seats, the outbox events and the audit entries. A batch
// is made of whatever is waiting when the previous one ends: nothing waits for a timer,
// a lone request makes a batch of one, and the busier the site, the larger the batches and
// the fewer statements and commits per enrollment.
//
// Each request's answer is exactly the one it would get alone: the decisions (closed,
// already enrolled, full, confirmed or waiting, the position) are taken in arrival order
// over the seat counts as each earlier request of the batch leaves them. What a batch does
// not handle is enrolled alone, by the request's own goroutine, through the one-request
// transaction (Service.enroll): a parcours (all or nothing over several sessions), a
// second copy of a key in the same batch (answered as a repeat once the first is
// committed), and every request of a batch whose transaction failed, so that one bad
// request never fails its neighbours.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// maxBatch bounds the requests of one batch (and so its statements' sizes).
const maxBatch = 128

// batchTimeout bounds a batch's transaction; its requests' own contexts are not used, for
// one request that gives up must not fail the others.
const batchTimeout = 30 * time.Second

// WithBatching sets how many batches may be written at once (by default one on SQLite,
// which has one writer, and two on PostgreSQL); zero turns batching off, and each
// enrollment is then written by its own transaction.
func WithBatching(runners int) Option { return func(s *Service) { s.batch.runners = runners } }

// runnerIdle is how long a runner waits for requests before it ends; the next request
// starts another.
const runnerIdle = time.Second

// batcher queues the requests waiting for a batch.
//
// Its runners stay while requests keep coming: a runner that finds the queue empty waits
// to be woken by the next request rather than ending, for a goroutine started under load
// waits for the scheduler behind every request being served, while the writer is the one
// thing all of them wait for.
type batcher struct {
	runners int
	mu      sync.Mutex
	queue   []*pending
	running int
	// idle counts the runners waiting on wake; wake holds at most one token.
	idle int
	wake chan struct{}
	// batches and requests count what was written, for BatchStats.
	batches, requests atomic.Int64
}

// BatchStats returns how many batches were written since the service started, and how
// many requests they held.
func (s *Service) BatchStats() (batches, requests int64) {
	return s.batch.batches.Load(), s.batch.requests.Load()
}

// pending is a request waiting for its batch, then its answer.
type pending struct {
	ctx   context.Context
	actor workshops.Actor
	req   Request
	key   string
	done  chan struct{}
	res   *Result
	err   error
	// alone says the batch left the request to be enrolled on its own.
	alone bool
}

// enrollBatched enrolls a valid request through the next batch.
func (s *Service) enrollBatched(ctx context.Context, actor workshops.Actor, req Request, key string) (*Result, error) {
	if s.batch.runners <= 0 {
		return s.enrollAlone(ctx, actor, req, key)
	}
	p := &pending{ctx: ctx, actor: actor, req: req, key: key, done: make(chan struct{})}
	b := &s.batch
	b.mu.Lock()
	b.queue = append(b.queue, p)
	wake := b.idle > 0
	start := !wake && b.running < b.runners
	if start {
		b.running++
	}
	if b.wake == nil {
		b.wake = make(chan struct{}, 1)
	}
	b.mu.Unlock()
	switch {
	case wake:
		select {
		case b.wake <- struct{}{}:
		default: // a token is already waiting for a runner
		}
	case start:
		go s.runBatches()
	}
	<-p.done
	if p.alone {
		return s.enrollAlone(ctx, actor, req, key)
	}
	return p.res, p.err
}

// enrollAlone enrolls one request in its own transaction.
func (s *Service) enrollAlone(ctx context.Context, actor workshops.Actor, req Request, key string) (*Result, error) {
	res, err := s.enroll(ctx, actor, req, key)
	if errors.Is(err, errKeyTaken) {
		// Another request with the same key committed meanwhile: it is the first one, and
		// this one a repeat of it.
		res, err = s.enroll(ctx, actor, req, key)
	}
	return res, err
}

// runBatches writes batches until nobody has come for runnerIdle.
func (s *Service) runBatches() {
	b := &s.batch
	var timer *time.Timer
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxBatch)
		if n == 0 {
			b.idle++
			b.mu.Unlock()
			if timer == nil {
				timer = time.NewTimer(runnerIdle)
			} else {
				timer.Reset(runnerIdle)
			}
			woken := false
			select {
			case <-b.wake:
				woken = true
			case <-timer.C:
			}
			b.mu.Lock()
			b.idle--
			if !woken && len(b.queue) == 0 {
				b.running--
				b.queue = nil
				b.mu.Unlock()
				return
			}
			b.mu.Unlock()
			continue
		}
		items := slices.Clone(b.queue[:n])
		b.queue = slices.Delete(b.queue, 0, n)
		b.mu.Unlock()
		b.batches.Add(1)
		b.requests.Add(int64(len(items)))
		s.writeBatch(items)
		for _, p := range items {
			close(p.done)
		}
	}
}

// writeBatch answers a batch's requests, or leaves them all to be enrolled alone when
// its transaction fails.
func (s *Service) writeBatch(items []*pending) {
	live := make([]*pending, 0, len(items))
	for _, p := range items {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	alone := func() {
		for _, p := range live {
			p.res, p.err, p.alone = nil, nil, true
		}
	}
	// A panic (a bug) must not take the server down from this goroutine, nor leave the
	// requests waiting: its transaction is rolled back, and each request goes alone, where
	// the handler's own recovery answers it.
	defer func() {
		if r := recover(); r != nil {
			// The panic's value and stack name code, not the people enrolling.
			slog.Error("enrollment batch panicked: its requests are enrolled one at a time",
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			alone()
		}
	}()
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return s.enrollMany(ctx, tx, live)
	})
	if err != nil {
		alone()
	}
}

// seat is what a batch books for one request.
type seat struct {
	p       *pending
	w       *workshops.Workshop
	sess    *workshops.Session
	booking *Booking
	status  string
	pos     int
}

// enrollMany books a batch's requests inside tx, setting each one's answer (or marking it
// to be enrolled alone). An error aborts the whole batch.
func (s *Service) enrollMany(ctx context.Context, tx bun.Tx, items []*pending) error {
	// Repeats: a key already booked is answered with its booking, as it is now; a second
	// copy of a key in this batch waits for the first to be committed.
	todo, err := s.batchReplays(ctx, tx, items)
	if err != nil || len(todo) == 0 {
		return err
	}
	sessions, err := s.batchSessions(ctx, tx, todo)
	if err != nil {
		return err
	}
	asks := make([]personAt, len(todo))
	for i, p := range todo {
		asks[i] = personAt{p.req.Person, p.req.SessionID}
	}
	enrolled, err := readHolders(ctx, tx, asks)
	if err != nil {
		return err
	}

	// The decisions, in arrival order, over the seat counts as each leaves them.
	now := s.now().UTC()
	seats := map[int64]*seatCounts{}
	var booked []*seat
	var refused []*pending
	refuse := func(p *pending, err error) { p.err = err; refused = append(refused, p) }
	for _, p := range todo {
		sess := sessions[p.req.SessionID]
		if sess == nil {
			p.err = workshops.ErrNotFound
			continue
		}
		w := sess.Workshop
		if w.Parcours() && sess.GroupID != 0 {
			p.alone = true
			continue
		}
		if err := s.mayEnroll(p.actor, p.req, w); err != nil {
			p.err = err
			continue
		}
		if sess.Cancelled() || !sess.StartsAt.After(now) {
			refuse(p, ErrClosed)
			continue
		}
		if enrolled.has(p.req.Person, sess.ID) {
			refuse(p, ErrAlreadyEnrolled)
			continue
		}
		c := seats[sess.ID]
		if c == nil {
			c = &seatCounts{taken: sess.SeatsTaken, waiting: sess.Waiting}
			seats[sess.ID] = c
		}
		reserved := 0
		if p.req.Self {
			reserved = w.ReservedSeats
		}
		st := &seat{p: p, w: w, sess: sess, status: Confirmed}
		switch {
		case sess.Capacity-c.taken-reserved > 0:
			c.taken++
			c.addTaken++
		case w.NoWaitlist:
			refuse(p, ErrFull)
			continue
		default:
			c.waiting++
			c.addWaiting++
			st.status, st.pos = Waitlisted, c.waiting
		}
		st.booking = newBooking(p.req, w, []*workshops.Session{sess}, p.key, p.actor, now)
		booked = append(booked, st)
		enrolled.add(p.req.Person, sess.ID)
	}

	// A refusal may be the answer to a copy of the request that another transaction
	// booked while this batch waited for the sessions: then it is that booking.
	for _, p := range refused {
		prior, err := s.replay(ctx, tx, p.req, p.key)
		var invalid *workshops.ValidationError
		switch {
		case errors.As(err, &invalid):
			p.err = err
		case err != nil:
			return err
		case prior != nil:
			p.res, p.err = prior, nil
		}
	}
	if len(booked) == 0 {
		return nil
	}

	// The bookings. A key that another transaction booked meanwhile inserts nothing: the
	// batch is then enrolled again, one request at a time, for its decisions assumed it.
	bookings := make([]*Booking, len(booked))
	for i, st := range booked {
		bookings[i] = st.booking
	}
	var ids []struct {
		ID             int64
		IdempotencyKey string
	}
	// A new booking of one session leaves these columns to their defaults (NULL).
	if err := tx.NewInsert().Model(&bookings).On("CONFLICT (idempotency_key) DO NOTHING").
		ExcludeColumn("group_id", "purged_at", "convocation_due_at", "convocation_handed_at").
		Returning("id, idempotency_key").Scan(ctx, &ids); err != nil {
		return fmt.Errorf("insert bookings: %w", err)
	}
	if len(ids) != len(bookings) {
		return errKeyTaken
	}
	byKey := make(map[string]int64, len(ids))
	for _, r := range ids {
		byKey[r.IdempotencyKey] = r.ID
	}
	for _, b := range bookings {
		b.ID = byKey[b.IdempotencyKey]
	}

	enrollments := make([]*Enrollment, len(booked))
	for i, st := range booked {
		enrollments[i] = &Enrollment{BookingID: st.booking.ID, SessionID: st.sess.ID, Status: st.status, Position: st.pos,
			CreatedAt: now, UpdatedAt: now}
	}
	var eids []struct{ ID, BookingID int64 }
	err = tx.NewInsert().Model(&enrollments).ExcludeColumn("cancelled_at", "cancelled_by", "cancelled_by_user", "marked_at").
		Returning("id, booking_id").Scan(ctx, &eids)
	if err != nil {
		return fmt.Errorf("insert enrollments: %w", err)
	}
	byBooking := make(map[int64]int64, len(eids))
	for _, r := range eids {
		byBooking[r.BookingID] = r.ID
	}

	msgs := make([]*notify.Message, len(booked))
	entries := make([]*audit.Entry, len(booked))
	for i, st := range booked {
		e := *enrollments[i]
		e.ID, e.Session = byBooking[e.BookingID], st.sess
		st.booking.Enrollments = []Enrollment{e}
		if msgs[i], err = eventMessage(EventEnrolled, st.booking, st.sess.ID, st.w.StructureID); err != nil {
			return err
		}
		entries[i] = s.auditEntry(st.p.actor, st.w, "enrolled", st.booking, st.status)
	}
	// The rest needs no answer but one, and goes in one round trip: the outbox events (and
	// the workers' wake-up), the audit entries, then the seat counts. The counts come last:
	// on PostgreSQL the foreign-key checks of the seats and the events lock their sessions'
	// rows, which is costly on a row this transaction has already updated; and the rows
	// the round trip reports are the counts', the guard that every session was counted.
	events, pending, err := notify.EnqueueQuery(tx, msgs, now)
	if err != nil {
		return err
	}
	counts, sessionsCounted := countSeats(tx, seats)
	// Nothing reads their rows back: no RETURNING (which SQLite buffers).
	stmts := []bun.Query{events.Returning(""), audit.RecordQuery(tx, entries).Returning("")}
	if pending {
		if wake := notify.AnnounceSQL(tx); wake != "" {
			stmts = append(stmts, tx.NewRaw(wake))
		}
	}
	script, err := joinStatements(tx, append(stmts, counts)...)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, script)
	if err != nil {
		return fmt.Errorf("write events, audit entries and seat counts: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(sessionsCounted) {
		return fmt.Errorf("count seats: %d of %d sessions counted (%v)", n, sessionsCounted, err)
	}
	for _, st := range booked {
		st.p.res = s.result(st.booking, st.sess.ID)
	}
	return nil
}

// batchReplays answers the requests whose key already booked and returns the others, in
// order; a second copy of a key is left to be enrolled alone, after this batch.
func (s *Service) batchReplays(ctx context.Context, tx bun.Tx, items []*pending) ([]*pending, error) {
	keys := make([]string, 0, len(items))
	first := make(map[string]bool, len(items))
	todo := make([]*pending, 0, len(items))
	for _, p := range items {
		if first[p.key] {
			p.alone = true
			continue
		}
		first[p.key] = true
		keys = append(keys, p.key)
		todo = append(todo, p)
	}
	var known []string
	if err := tx.NewSelect().Model((*Booking)(nil)).Column("idempotency_key").
		Where("idempotency_key IN (?)", bun.In(keys)).Scan(ctx, &known); err != nil {
		return nil, fmt.Errorf("find bookings: %w", err)
	}
	if len(known) == 0 {
		return todo, nil
	}
	rest := todo[:0]
	for _, p := range todo {
		if !slices.Contains(known, p.key) {
			rest = append(rest, p)
			continue
		}
		prior, err := s.replay(ctx, tx, p.req, p.key)
		var invalid *workshops.ValidationError
		switch {
		case errors.As(err, &invalid):
			p.err = err
		case err != nil:
			return nil, err
		default:
			p.res = prior
		}
	}
	return rest, nil
}

// batchSessionColumns are sessionColumns and the waiting count.
var batchSessionColumns = append(slices.Clone(sessionColumns), "s.waiting")

// batchSessions loads the public sessions the requests ask for, with their workshops and
// structures, by id. On PostgreSQL the same statement locks them, in id order as every
// writer does, so their seat counts are read under the lock; SQLite's transaction holds
// the database's write lock since it began, so what was read is what is.
func (s *Service) batchSessions(ctx context.Context, tx bun.Tx, todo []*pending) (map[int64]*workshops.Session, error) {
	ids := make([]int64, 0, len(todo))
	for _, p := range todo {
		ids = append(ids, p.req.SessionID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var list []*workshops.Session
	q := tx.NewSelect().Model(&list).Column(batchSessionColumns...).Relation("Workshop", workshopColumns).
		Relation("Structure", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Column("id", "territory_id", "slug", "name", "status")
		}).
		Where("s.id IN (?)", bun.In(ids)).
		Where("workshop.status = ?", workshops.WorkshopPublished).
		Where("structure.status = ?", workshops.StructureActive).
		Order("s.id")
	if tx.Dialect().Name() == dialect.PG {
		q = q.For("UPDATE OF s")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("get sessions: %w", err)
	}
	out := make(map[int64]*workshops.Session, len(list))
	for _, sess := range list {
		sess.Workshop.Structure = sess.Structure
		sess.Structure = nil
		out[sess.ID] = sess
	}
	return out, nil
}

// holders are, per session, the people holding or waiting for a seat there who have a
// phone or an email: a person is recognised by first name (whatever its case) and phone
// or email.
type holders map[int64][]Person

func (h holders) add(p Person, sessionID int64) {
	if p.Phone != "" || p.Email != "" {
		h[sessionID] = append(h[sessionID], p)
	}
}

// has reports whether the person already holds or waits for a seat in the session.
func (h holders) has(p Person, sessionID int64) bool {
	if p.Phone == "" && p.Email == "" {
		return false
	}
	return slices.ContainsFunc(h[sessionID], func(q Person) bool {
		// Go folds every letter's case; SQL's lower() may fold ASCII letters only.
		return strings.ToLower(q.FirstName) == strings.ToLower(p.FirstName) &&
			((p.Phone != "" && q.Phone == p.Phone) || (p.Email != "" && q.Email == p.Email))
	})
}

// personAt is a person asking for a seat in a session.
type personAt struct {
	person    Person
	sessionID int64
}

// readHolders reads, among the people holding or waiting for a seat in the sessions asked
// for, those who share a phone or an email with the person asking there.
func readHolders(ctx context.Context, tx bun.IDB, asks []personAt) (holders, error) {
	h := holders{}
	var ids []int64
	var phones, emails []string
	for _, a := range asks {
		if a.person.Phone == "" && a.person.Email == "" {
			continue
		}
		ids = append(ids, a.sessionID)
		if a.person.Phone != "" {
			phones = append(phones, a.person.Phone)
		}
		if a.person.Email != "" {
			emails = append(emails, a.person.Email)
		}
	}
	if len(ids) == 0 {
		return h, nil
	}
	var rows []struct {
		SessionID int64
		FirstName string
		Phone     string
		Email     string
	}
	err := tx.NewSelect().Model((*Booking)(nil)).Column("e.session_id", "b.first_name", "b.phone", "b.email").
		Join("JOIN enrollments AS e ON e.booking_id = b.id").
		Where("e.session_id IN (?) AND e.status IN (?)", bun.In(ids), bun.In([]string{Confirmed, Waitlisted})).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if len(phones) > 0 {
				q = q.WhereOr("b.phone IN (?)", bun.In(phones))
			}
			if len(emails) > 0 {
				q = q.WhereOr("b.email IN (?)", bun.In(emails))
			}
			return q
		}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("check duplicates: %w", err)
	}
	for _, r := range rows {
		h.add(Person{FirstName: r.FirstName, Phone: r.Phone, Email: r.Email}, r.SessionID)
	}
	return h, nil
}

// seatCounts are a session's seats taken and people waiting as a batch leaves them, and
// what the batch adds to each.
type seatCounts struct{ taken, waiting, addTaken, addWaiting int }

// countSeats returns the statement that adds a batch's seats and waiting places to its
// sessions' counts, joining the sessions to a list of (id, seats, places), and how many
// sessions it counts. The condition is the last guard, as in takeSeat: a count that would
// pass a capacity changes nothing, and the batch fails when it sees fewer rows counted.
func countSeats(tx bun.Tx, seats map[int64]*seatCounts) (*bun.RawQuery, int) {
	ids := make([]int64, 0, len(seats))
	for id, c := range seats {
		if c.addTaken != 0 || c.addWaiting != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var rows strings.Builder
	args := make([]any, 0, 3*len(ids))
	for i, id := range ids {
		if i > 0 {
			rows.WriteString(", ")
		}
		rows.WriteString("(?, ?, ?)")
		args = append(args, id, seats[id].addTaken, seats[id].addWaiting)
	}
	return tx.NewRaw("WITH counts (id, taken, waiting) AS (VALUES "+rows.String()+") "+
		"UPDATE sessions SET seats_taken = sessions.seats_taken + counts.taken, waiting = sessions.waiting + counts.waiting "+
		"FROM counts WHERE sessions.id = counts.id AND sessions.seats_taken + counts.taken <= sessions.capacity", args...), len(ids)
}

// joinStatements writes queries as one script, to be sent in one round trip (the simple
// protocol on PostgreSQL, statement after statement on SQLite).
func joinStatements(db bun.IDB, queries ...bun.Query) (string, error) {
	gen := schema.NewQueryGen(db.Dialect())
	var b []byte
	for _, q := range queries {
		if len(b) > 0 {
			b = append(b, ";\n"...)
		}
		var err error
		if b, err = q.AppendQuery(gen, b); err != nil {
			return "", err
		}
	}
	return string(b), nil
}
