package workshops_test

import (
	"slices"
	"testing"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

func d(t testing.TB, s string) workshops.Date {
	t.Helper()
	date, err := workshops.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return date
}

func TestPublicHolidays(t *testing.T) {
	got := workshops.PublicHolidays(d(t, "2027-03-01"), d(t, "2027-05-31"))
	var names []string
	for _, h := range got {
		names = append(names, h.Date.String()+" "+h.Name)
	}
	want := []string{"2027-03-29 Lundi de Pâques", "2027-05-01 Fête du Travail", "2027-05-06 Ascension",
		"2027-05-08 Fête de la Victoire", "2027-05-17 Lundi de Pentecôte"}
	if !slices.Equal(names, want) {
		t.Errorf("holidays of spring 2027: %v, want %v", names, want)
	}
}

func TestSchedule(t *testing.T) {
	two := workshops.Clock{Hour: 14}
	four := workshops.Clock{Hour: 16}
	tests := []struct {
		name      string
		sc        workshops.Schedule
		wantDays  []string
		wantField string
	}{
		{name: "Once", sc: workshops.Schedule{Frequency: workshops.Once, First: d(t, "2026-12-01")}, wantDays: []string{"2026-12-01"}},
		{name: "WeeklyIncludesTheLastDay", sc: workshops.Schedule{Frequency: workshops.Weekly, First: d(t, "2026-12-01"), Until: d(t, "2026-12-15")},
			wantDays: []string{"2026-12-01", "2026-12-08", "2026-12-15"}},
		{name: "WeeklySkippingChristmasHolidays", sc: workshops.Schedule{Frequency: workshops.Weekly, First: d(t, "2026-12-15"), Until: d(t, "2027-01-12"),
			Skip: []workshops.Date{d(t, "2026-12-22"), d(t, "2026-12-29")}}, wantDays: []string{"2026-12-15", "2027-01-05", "2027-01-12"}},
		{name: "Fortnightly", sc: workshops.Schedule{Frequency: workshops.Fortnightly, First: d(t, "2026-12-01"), Until: d(t, "2026-12-31")},
			wantDays: []string{"2026-12-01", "2026-12-15", "2026-12-29"}},
		{name: "DatesAreSortedAndDeduplicated", sc: workshops.Schedule{Frequency: workshops.OnDates,
			Dates: []workshops.Date{d(t, "2026-12-08"), d(t, "2026-12-01"), d(t, "2026-12-08")}}, wantDays: []string{"2026-12-01", "2026-12-08"}},
		{name: "UntilBeforeFirst", sc: workshops.Schedule{Frequency: workshops.Weekly, First: d(t, "2026-12-15"), Until: d(t, "2026-12-01")}, wantField: "until"},
		{name: "MissingFirst", sc: workshops.Schedule{Frequency: workshops.Weekly, Until: d(t, "2026-12-01")}, wantField: "first"},
		{name: "FiveHundredSessions", sc: workshops.Schedule{Frequency: workshops.OnDates, Dates: manyDays(t, 500)}, wantField: "dates"},
		{name: "TwoYearsWeekly", sc: workshops.Schedule{Frequency: workshops.Weekly, First: d(t, "2026-12-01"), Until: d(t, "2028-12-01")}, wantField: "until"},
		{name: "EverythingSkipped", sc: workshops.Schedule{Frequency: workshops.Once, First: d(t, "2026-12-01"), Skip: []workshops.Date{d(t, "2026-12-01")}}, wantField: "skip"},
		{name: "ParcoursOfOneDate", sc: workshops.Schedule{Frequency: workshops.OnDates, Dates: []workshops.Date{d(t, "2026-12-01")}}, wantField: "dates"},
		{name: "UnknownFrequency", sc: workshops.Schedule{Frequency: "daily", First: d(t, "2026-12-01")}, wantField: "frequency"},
		{name: "EndBeforeStart", sc: workshops.Schedule{Frequency: workshops.Once, First: d(t, "2026-12-01"), Start: four, End: two}, wantField: "end"},
		{name: "HourSkippedBySummerTime", sc: workshops.Schedule{Frequency: workshops.Weekly, First: d(t, "2027-03-21"), Until: d(t, "2027-04-04"),
			Start: workshops.Clock{Hour: 2, Minute: 30}, End: workshops.Clock{Hour: 4}}, wantField: "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sc.Start == (workshops.Clock{}) && tt.sc.End == (workshops.Clock{}) {
				tt.sc.Start, tt.sc.End = two, four
			}
			tt.sc.Capacity = 8
			sessions, err := tt.sc.Sessions()
			if tt.wantField != "" {
				if !isValidation(err, tt.wantField) {
					t.Fatalf("err = %v, want a message on %q", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var days []string
			for _, s := range sessions {
				days = append(days, workshops.DateOf(s.StartsAt).String())
			}
			if !slices.Equal(days, tt.wantDays) {
				t.Errorf("days %v, want %v", days, tt.wantDays)
			}
		})
	}
}

// TestScheduleKeepsWallClockAcrossDaylightSaving: a weekly 14:00 session is at 14:00 in
// Paris before and after the clocks go forward, so its UTC instant moves by an hour.
func TestScheduleKeepsWallClockAcrossDaylightSaving(t *testing.T) {
	sc := workshops.Schedule{Frequency: workshops.Weekly, First: d(t, "2027-03-21"), Until: d(t, "2027-04-04"),
		Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 8}
	sessions, err := sc.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var utc []string
	for _, s := range sessions {
		if p := s.StartsAt.In(workshops.Paris); p.Hour() != 14 || p.Minute() != 0 {
			t.Errorf("%s starts at %s in Paris", s.StartsAt, p.Format("15:04"))
		}
		utc = append(utc, s.StartsAt.UTC().Format("2006-01-02T15:04Z"))
	}
	want := []string{"2027-03-21T13:00Z", "2027-03-28T12:00Z", "2027-04-04T12:00Z"}
	if !slices.Equal(utc, want) {
		t.Errorf("instants %v, want %v", utc, want)
	}
}

func manyDays(t testing.TB, n int) []workshops.Date {
	out := make([]workshops.Date, n)
	first := d(t, "2026-12-01")
	for i := range out {
		out[i] = first.AddDays(i)
	}
	return out
}

// FuzzSchedule: whatever the input, a schedule either names a wrong field or yields
// between one and MaxScheduledSessions sessions, in order, none on a skipped day, each at
// the asked wall-clock times in Paris.
func FuzzSchedule(f *testing.F) {
	f.Add("weekly", "2026-12-01", "2027-02-01", "2026-12-22", 14, 0, 16, 30)
	f.Add("fortnightly", "2027-03-01", "2027-06-30", "2027-04-12", 2, 30, 4, 0)
	f.Add("once", "2026-10-25", "", "", 2, 30, 3, 0)
	f.Add("weekly", "2026-01-01", "2099-12-31", "", 9, 0, 12, 0)
	f.Fuzz(func(t *testing.T, freq, first, until, skip string, h1, m1, h2, m2 int) {
		sc := workshops.Schedule{Frequency: freq, Capacity: 8,
			Start: workshops.Clock{Hour: h1, Minute: m1}, End: workshops.Clock{Hour: h2, Minute: m2}}
		if h1 < 0 || h1 > 23 || h2 < 0 || h2 > 23 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 {
			return // ParseClock never yields these
		}
		sc.First, _ = workshops.ParseDate(first)
		sc.Until, _ = workshops.ParseDate(until)
		if s, err := workshops.ParseDate(skip); err == nil {
			sc.Skip = []workshops.Date{s}
		}
		if freq == workshops.OnDates {
			sc.Dates = []workshops.Date{sc.First, sc.Until}
		}
		sessions, err := sc.Sessions()
		if err != nil {
			if !isValidationAny(err) {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		if len(sessions) == 0 || len(sessions) > workshops.MaxScheduledSessions {
			t.Fatalf("%d sessions", len(sessions))
		}
		for i, s := range sessions {
			p := s.StartsAt.In(workshops.Paris)
			if p.Hour() != h1 || p.Minute() != m1 || !s.EndsAt.After(s.StartsAt) {
				t.Fatalf("session %d: %s → %s", i, s.StartsAt, s.EndsAt)
			}
			if i > 0 && !s.StartsAt.After(sessions[i-1].StartsAt) {
				t.Fatalf("out of order at %d", i)
			}
			if slices.Contains(sc.Skip, workshops.DateOf(s.StartsAt)) {
				t.Fatalf("a skipped day has a session")
			}
			_ = time.Now
		}
	})
}
