package web

import (
	"errors"
	"math"
	"net/url"
	"testing"

	"github.com/escale-numerique/escale/workshops"
)

// The fuzz targets below feed the mediators' form parsers any url-encoded body (go test
// -fuzz=FuzzParseWorkshopForm ./web; the interesting inputs found are kept in
// testdata/fuzz). Whatever comes in, a parser never panics and returns either a struct
// the domain can check or a *workshops.ValidationError naming the fields of its form; and
// the domain's own checks of what it returns never panic either.

// fuzzVocabulary stands for the database's levels and themes.
var fuzzVocabulary = &workshops.Vocabulary{
	Levels: []workshops.Level{{Code: "eloigne", Rank: 1}, {Code: "debutant", Rank: 2}, {Code: "intermediaire", Rank: 3},
		{Code: "avance", Rank: 4}, {Code: "autonome", Rank: 5}},
	Themes: []workshops.Theme{{ID: 1, Slug: "prise-en-main"}, {ID: 2, Slug: "ludique"}},
}

// checkParseError fails unless err is nil or a validation error whose fields all belong
// to the form and have a message.
func checkParseError(t *testing.T, err error, fields ...string) {
	t.Helper()
	if err == nil {
		return
	}
	var ve *workshops.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("not a validation error: %v", err)
	}
	if len(ve.Fields) == 0 {
		t.Fatal("a validation error without a field")
	}
	for name, msg := range ve.Fields {
		known := false
		for _, f := range fields {
			known = known || f == name
		}
		if !known || msg == "" {
			t.Fatalf("field %q (%q) is not one of the form's", name, msg)
		}
	}
}

// checkDomainError fails unless err is nil or a validation error.
func checkDomainError(t *testing.T, err error) {
	t.Helper()
	var ve *workshops.ValidationError
	if err != nil && !errors.As(err, &ve) {
		t.Fatalf("the domain's check is not a validation error: %v", err)
	}
}

func values(body string) url.Values {
	v, _ := url.ParseQuery(body) // a malformed pair is dropped, as Fiber does
	return v
}

func FuzzParseWorkshopForm(f *testing.F) {
	f.Add("title=Atelier&description=Pas+%C3%A0+pas&themes=ludique&level_min=eloigne&level_max=debutant&default_capacity=8&default_duration_minutes=1h30&status=draft")
	f.Add("title=%3Cscript%3E&default_capacity=dix&default_duration_minutes=90&themes=ludique&themes=ludique&languages=fr&status=published")
	f.Add("default_capacity=99999999999999999999&default_duration_minutes=25h&status=archived&devices_to_bring=smartphone")
	f.Add("default_capacity=+-3&default_duration_minutes=h&kind=parcours&price=payant&price_details=2%E2%82%AC")
	f.Fuzz(func(t *testing.T, body string) {
		sub, err := parseWorkshopForm(values(body))
		checkParseError(t, err, "default_capacity", "default_duration_minutes", "status")
		if sub.Workshop == nil {
			t.Fatal("no workshop")
		}
		if s := sub.Status; s != "" && s != workshops.WorkshopDraft && s != workshops.WorkshopPublished {
			t.Fatalf("status %q", s)
		}
		if err == nil && (sub.Workshop.DefaultCapacity < -1_000_000 || sub.Workshop.DefaultCapacity > 1_000_000) {
			t.Fatalf("capacity %d", sub.Workshop.DefaultCapacity)
		}
		if sub.Status == "" {
			sub.Workshop.Status = workshops.WorkshopDraft
		}
		checkDomainError(t, sub.Workshop.Validate(fuzzVocabulary))
	})
}

func FuzzParseScheduleForm(f *testing.F) {
	f.Add("frequency=weekly&first=2027-03-15&until=2027-04-12&start=14%3A00&end=16%3A00&capacity=8&step=preview")
	f.Add("frequency=dates&dates=2027-01-05&dates=2027-01-12&dates=&dates=1900-01-01&start=9h30&end=11h&capacity=dix&place=3&step=create&seen=x")
	f.Add("frequency=once&first=2027-03-28&start=02%3A30&end=04%3A00&capacity=8&skip=2027-03-28&skip=nope&step=more")
	f.Add("frequency=fortnightly&first=2026-13-45&until=2099-12-31&start=25%3A00&end=&capacity=0&place=-1")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := parseScheduleForm(values(body))
		checkParseError(t, err, "first", "until", "dates", "skip", "start", "end", "capacity", "place")
		sc := form.Schedule
		if form.Rows < dateRows || form.Rows > maxDateRows {
			t.Fatalf("%d date rows", form.Rows)
		}
		for _, c := range []workshops.Clock{sc.Start, sc.End} {
			if c.Hour < 0 || c.Hour > 23 || c.Minute < 0 || c.Minute > 59 {
				t.Fatalf("clock %v", c)
			}
		}
		for _, d := range append(append([]workshops.Date{}, sc.Dates...), sc.Skip...) {
			if d.IsZero() {
				t.Fatal("a zero date in a list")
			}
		}
		_ = dateKey(sc)
		sessions, derr := sc.Sessions()
		checkDomainError(t, derr)
		if derr == nil && (len(sessions) == 0 || len(sessions) > workshops.MaxScheduledSessions) {
			t.Fatalf("%d sessions", len(sessions))
		}
		for _, s := range sessions {
			checkDomainError(t, s.Validate())
		}
	})
}

func FuzzParseSessionForm(f *testing.F) {
	f.Add("date=2026-12-01&start=14%3A00&end=16%3A00&place=&capacity=8&animator=Camille&confirm=1")
	f.Add("date=2027-03-28&start=02%3A30&end=03%3A30&place=12&capacity=dix")
	f.Add("date=1900-01-01&start=14h&end=13h&place=abc&capacity=-4")
	f.Add("date=2026-10-25&start=02%3A30&end=02%3A45&capacity=99999999999")
	f.Fuzz(func(t *testing.T, body string) {
		edit, err := parseSessionForm(values(body))
		checkParseError(t, err, "date", "start", "end", "place", "capacity")
		ch := edit.Change
		if ch.PlaceID == nil || ch.Animator == nil {
			t.Fatal("place and animator are always read")
		}
		badCapacity := false
		if ve := (*workshops.ValidationError)(nil); errors.As(err, &ve) {
			_, badCapacity = ve.Fields["capacity"]
		}
		if (ch.Capacity == nil) != badCapacity {
			t.Fatalf("capacity %v with error %v", ch.Capacity, badCapacity)
		}
		s := &workshops.Session{StartsAt: workshops.Date{Year: 2026, Month: 12, Day: 1}.Start(), Capacity: 8}
		s.EndsAt = s.StartsAt.Add(3600e9)
		if ch.StartsAt != nil {
			s.StartsAt = *ch.StartsAt
		}
		if ch.EndsAt != nil {
			s.EndsAt = *ch.EndsAt
		}
		if ch.Capacity != nil {
			s.Capacity = *ch.Capacity
		}
		s.Animator = *ch.Animator
		checkDomainError(t, s.Validate())
	})
}

func FuzzParseStructureForm(f *testing.F) {
	f.Add("name=Centre&kind=ccas&address=1+rue&postcode=54000&town=Nancy&latitude=48%2C69&longitude=6.18&labels=aptic")
	f.Add("latitude=NaN&longitude=Inf&known_town=Nancy%7C54000%7C48.69%7C6.18")
	f.Add("latitude=0x1p-2&longitude=1e400&known_town=a%7Cb%7Cc&email=x&website=javascript%3Aalert(1)")
	f.Fuzz(func(t *testing.T, body string) {
		v := values(body)
		st, err := parseStructureForm(v)
		checkParseError(t, err, "latitude", "longitude", "known_town")
		checkCoordinates(t, st.Latitude, st.Longitude)
		checkDomainError(t, st.Validate())
		p, err := parsePlaceForm(v)
		checkParseError(t, err, "latitude", "longitude", "known_town")
		checkCoordinates(t, p.Latitude, p.Longitude)
		checkDomainError(t, p.Validate())
	})
}

func checkCoordinates(t *testing.T, coords ...*float64) {
	t.Helper()
	for _, c := range coords {
		if c != nil && (math.IsNaN(*c) || math.IsInf(*c, 0)) {
			t.Fatalf("coordinate %v", *c)
		}
	}
}
