package workshops

import (
	"fmt"
	"slices"
	"time"

	"github.com/rickar/cal/v2/fr"
)

// Holiday is a French public holiday.
type Holiday struct {
	Date Date
	Name string
}

// PublicHolidays returns France's public holidays from one day to another, both included,
// in order. (Alsace and Moselle have two more, not included.)
func PublicHolidays(from, to Date) []Holiday {
	var out []Holiday
	for y := from.Year; y <= to.Year; y++ {
		for _, h := range fr.Holidays {
			actual, _ := h.Calc(y)
			if actual.IsZero() {
				continue
			}
			d := Date{actual.Year(), actual.Month(), actual.Day()}
			if !d.Before(from) && !to.Before(d) {
				out = append(out, Holiday{Date: d, Name: h.Name})
			}
		}
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Start().Compare(b.Date.Start()) })
	return out
}

// Frequencies of a schedule.
const (
	// Once is a single session.
	Once = "once"
	// Weekly repeats every week from First to Until.
	Weekly = "weekly"
	// Fortnightly repeats every other week from First to Until.
	Fortnightly = "fortnightly"
	// OnDates holds one session on each of Dates (a parcours on chosen days).
	OnDates = "dates"
)

// MaxScheduledSessions bounds what one schedule creates.
const MaxScheduledSessions = 100

// Clock is a time of day, in Europe/Paris.
type Clock struct {
	Hour, Minute int
}

// ParseClock reads "14:30" or "14h30" or "14 h".
func ParseClock(s string) (Clock, error) {
	var c Clock
	for _, layout := range []string{"15:04", "15h04", "15h", "15 h 04", "15 h"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Clock{t.Hour(), t.Minute()}, nil
		}
	}
	return c, fmt.Errorf("heure %q : format HH:MM attendu", s)
}

// String writes the time as "14:30".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// minutes returns the time as minutes after midnight.
func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// Schedule describes sessions to create at once: one date, a weekly or fortnightly series
// between two dates with days to skip (school or public holidays), or chosen dates (a
// parcours). Times are wall-clock times in Europe/Paris, the same whatever the season.
type Schedule struct {
	Frequency string
	// First is the date of the only session or of the first one of a series.
	First Date
	// Until is the last possible date of a series (included).
	Until Date
	// Dates are the days of an OnDates schedule.
	Dates []Date
	// Skip are days without a session.
	Skip       []Date
	Start, End Clock
	Capacity   int
	PlaceID    int64
	Animator   string
}

// Candidates returns the days the schedule's frequency and dates give, in order, before
// any day is skipped, or a *ValidationError naming the wrong fields (a missing date, dates
// in the wrong order, a series longer than two years). The form adding sessions lists
// them so that the mediator chooses which to skip.
func (sc Schedule) Candidates() ([]Date, error) {
	v := &ValidationError{}
	var days []Date
	switch sc.Frequency {
	case Once:
		if sc.First.IsZero() {
			v.Add("first", "Indiquez la date de la séance.")
			break
		}
		days = []Date{sc.First}
	case Weekly, Fortnightly:
		step := 7
		if sc.Frequency == Fortnightly {
			step = 14
		}
		switch {
		case sc.First.IsZero():
			v.Add("first", "Indiquez la date de la première séance.")
		case sc.Until.IsZero():
			v.Add("until", "Indiquez jusqu'à quelle date la série continue.")
		case sc.Until.Before(sc.First):
			v.Add("until", "La date de fin doit être après la première séance.")
		case sc.Until.Start().Sub(sc.First.Start()) > 2*366*24*time.Hour:
			v.Add("until", "Une série dure au plus deux ans.")
		default:
			for d := sc.First; !sc.Until.Before(d); d = d.AddDays(step) {
				days = append(days, d)
			}
		}
	case OnDates:
		for _, d := range distinct(sc.Dates) {
			if !d.IsZero() {
				days = append(days, d)
			}
		}
		slices.SortFunc(days, func(a, b Date) int { return a.Start().Compare(b.Start()) })
		if len(days) < 2 {
			v.Add("dates", "Indiquez au moins deux dates différentes pour un parcours.")
		}
	default:
		v.Add("frequency", "Choisissez une séance unique, une série ou des dates.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return days, nil
}

// Days returns the days the schedule holds sessions on, in order, or a *ValidationError
// naming the wrong fields (dates in the wrong order, nothing left, too many sessions).
func (sc Schedule) Days() ([]Date, error) {
	days, err := sc.Candidates()
	if err != nil {
		return nil, err
	}
	// A set, so that a client's long list of days to skip costs no more than reading it.
	skip := make(map[Date]bool, len(sc.Skip))
	for _, d := range sc.Skip {
		skip[d] = true
	}
	days = slices.DeleteFunc(days, func(d Date) bool { return skip[d] })
	v := &ValidationError{}
	switch {
	case len(days) == 0:
		v.Add("skip", "Toutes les dates sont exclues : il ne reste aucune séance.")
	case len(days) > MaxScheduledSessions:
		field := "until"
		if sc.Frequency == OnDates {
			field = "dates"
		}
		v.Add(field, fmt.Sprintf("Cela ferait %d séances : %d au plus à la fois.", len(days), MaxScheduledSessions))
	}
	return days, v.Err()
}

// Sessions builds the schedule's sessions (not yet stored). A start time that does not
// exist on a day (the hour skipped when clocks go forward) is an error naming that day.
// It returns a *ValidationError.
func (sc Schedule) Sessions() ([]*Session, error) {
	days, err := sc.Days()
	v := &ValidationError{}
	if err != nil {
		v = err.(*ValidationError)
	}
	if sc.End.minutes() <= sc.Start.minutes() {
		v.Add("end", "L'heure de fin doit être après l'heure de début.")
	}
	if v.Err() != nil {
		return nil, v
	}
	out := make([]*Session, 0, len(days))
	for _, d := range days {
		start, ok := ParisTime(d.Year, d.Month, d.Day, sc.Start.Hour, sc.Start.Minute)
		end, okEnd := ParisTime(d.Year, d.Month, d.Day, sc.End.Hour, sc.End.Minute)
		if !ok || !okEnd {
			v.Add("start", fmt.Sprintf("Le %02d/%02d/%d, cette heure n'existe pas (passage à l'heure d'été) : choisissez une autre heure.", d.Day, d.Month, d.Year))
			return nil, v
		}
		out = append(out, &Session{StartsAt: start, EndsAt: end, Capacity: sc.Capacity, PlaceID: sc.PlaceID, Animator: sc.Animator})
	}
	return out, nil
}
