package ics_test

import (
	"bytes"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

// TestParisTimezoneMatchesTheTimeZoneDatabase expands the VTIMEZONE we write, as a client
// would (with rrule-go, an independent implementation of RRULE), and checks every change
// of 2000–2100 against Go's copy of the IANA database: same instants, same offsets, and
// no other change in between.
func TestParisTimezoneMatchesTheTimeZoneDatabase(t *testing.T) {
	body := encodeOne(t, func(e *ics.Event) {})
	cal, err := goical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	var tz *goical.Component
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			tz = c
		}
	}
	if tz == nil || tz.Props.Get(goical.PropTimezoneID).Value != "Europe/Paris" {
		t.Fatal("no VTIMEZONE for Europe/Paris")
	}
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)
	changes := map[string]bool{} // Paris days on which the offset changes, per the VTIMEZONE
	kinds := map[string]int{}
	for _, obs := range tz.Children {
		kinds[obs.Name]++
		offFrom := offset(t, obs.Props.Get(goical.PropTimezoneOffsetFrom).Value)
		offTo := offset(t, obs.Props.Get(goical.PropTimezoneOffsetTo).Value)
		dtstart, err := time.Parse("20060102T150405", obs.Props.Get(goical.PropDateTimeStart).Value)
		if err != nil {
			t.Fatal(err)
		}
		opt, err := rrule.StrToROption(obs.Props.Get(goical.PropRecurrenceRule).Value)
		if err != nil {
			t.Fatal(err)
		}
		opt.Dtstart = dtstart
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			t.Fatal(err)
		}
		occurrences := r.Between(from, to, true)
		if len(occurrences) != 101 {
			t.Errorf("%s: %d changes in 2000–2100, want one a year", obs.Name, len(occurrences))
		}
		for _, local := range occurrences {
			instant := local.Add(-offFrom) // the local time is read in the offset in force before
			_, before := instant.Add(-time.Second).In(workshops.Paris).Zone()
			_, after := instant.In(workshops.Paris).Zone()
			if time.Duration(before)*time.Second != offFrom || time.Duration(after)*time.Second != offTo {
				t.Errorf("%s at %v (%v UTC): Go says %ds → %ds, the VTIMEZONE %v → %v", obs.Name, local, instant, before, after, offFrom, offTo)
			}
			changes[instant.In(workshops.Paris).Format(time.DateOnly)] = true
		}
	}
	if kinds[goical.CompTimezoneDaylight] != 1 || kinds[goical.CompTimezoneStandard] != 1 {
		t.Errorf("observances %v, want one DAYLIGHT and one STANDARD", kinds)
	}
	// Every change Go knows of is one of those.
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		_, a := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, workshops.Paris).Zone()
		_, b := time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, workshops.Paris).Zone()
		if a != b && !changes[d.Format(time.DateOnly)] {
			t.Errorf("Go's Europe/Paris changes offset on %s, the VTIMEZONE does not", d.Format(time.DateOnly))
		}
	}
}

func offset(t *testing.T, s string) time.Duration {
	t.Helper()
	tm, err := time.Parse("-0700", s)
	if err != nil {
		t.Fatal(err)
	}
	_, off := tm.Zone()
	return time.Duration(off) * time.Second
}
