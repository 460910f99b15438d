package workshops

import (
	"time"
	_ "time/tzdata" // Europe/Paris must resolve even on machines without a zoneinfo database
)

// Paris is the time zone of every wall-clock time in Escale.
var Paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// StartOfDay returns midnight, Europe/Paris, of the day t falls on in Paris.
func StartOfDay(t time.Time) time.Time {
	p := t.In(Paris)
	return time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, Paris)
}

// ParisTime returns the instant of a wall-clock time in Europe/Paris. It reports false
// when that time does not exist (the hour skipped when clocks go forward); for the hour
// that happens twice (clocks go back) it takes the first one, as a person reading a
// poster would.
func ParisTime(year int, month time.Month, day, hour, minute int) (time.Time, bool) {
	t := time.Date(year, month, day, hour, minute, 0, 0, Paris)
	if t.Hour() != hour || t.Minute() != minute || t.Day() != day {
		return t, false
	}
	// Go may pick either instant of a repeated wall-clock time; prefer the earlier one.
	if e := t.Add(-time.Hour).In(Paris); e.Hour() == hour && e.Minute() == minute && e.Day() == day {
		return e, true
	}
	return t, true
}
