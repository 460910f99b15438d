package main

import (
	"cmp"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

// Where and when the plan's sessions fall, relative to the load date: weeks from the
// current one, daylight-saving change days found in the tz database, public holidays
// skipped, and how many people enroll (demo_enrollments.go).

// seatPattern says how many seats the demo's people take in a batch's sessions.
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

// sessions builds the sessions of a batch of a workshop (place left to the caller), with
// all their seats free: people enroll afterwards.
func (c demoCalendar) sessions(b demoBatch, w *workshops.Workshop) []*workshops.Session {
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
	for _, d := range days {
		start, ok := workshops.ParisTime(d.Year, d.Month, d.Day, b.hour, b.minute)
		if !ok {
			continue // the hour skipped when clocks go forward: no session then
		}
		out = append(out, &workshops.Session{StartsAt: start, EndsAt: start.Add(duration), Capacity: capacity, Animator: b.animator})
	}
	return out
}

// seatsTaken returns a plausible, deterministic number of seats taken in the i-th session
// of a workshop; salt varies it from one workshop to the next.
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
	return len(workshops.PublicHolidays(d, d)) > 0
}
