package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// demoNow is the frozen present of the demo tests: Tuesday 24 November 2026, 10:00 in
// Paris. The last clock change was on Sunday 25 October 2026 (back), the next one is on
// Sunday 28 March 2027 (forward).
var demoNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) workshops.Date {
	return workshops.Date{Year: y, Month: m, Day: d}
}

// loadAt loads the demo with a service whose clock shows now.
func loadAt(t *testing.T, db *bun.DB, now time.Time) (*workshops.Service, *wt.Clock, demoResult) {
	t.Helper()
	clock := wt.NewClock(now)
	svc := workshops.NewService(db, workshops.WithClock(clock.Now))
	res, err := loadDemo(context.Background(), svc)
	if err != nil {
		t.Fatalf("loadDemo: %v", err)
	}
	return svc, clock, res
}

// allSessions lists every public session, past, cancelled or not, through the public
// listing, in time order.
func allSessions(t *testing.T, svc *workshops.Service) []workshops.Session {
	t.Helper()
	var out []workshops.Session
	f := workshops.Filter{From: date(2000, time.January, 1)}
	p := workshops.Page{Limit: workshops.MaxPageSize}
	for {
		page, err := svc.ListSessions(context.Background(), f, p)
		if err != nil {
			t.Fatalf("ListSessions: %v", err)
		}
		out = append(out, page.Sessions...)
		if page.Next == nil {
			return out
		}
		p.After = page.Next
	}
}

func allWorkshops(t *testing.T, svc *workshops.Service) []workshops.Workshop {
	t.Helper()
	ws, err := svc.Workshops(context.Background(), workshops.Filter{}, "", 500)
	if err != nil {
		t.Fatalf("Workshops: %v", err)
	}
	return ws
}

// wallClock is a session's start as read on a poster in Paris.
func wallClock(s workshops.Session) string {
	return s.StartsAt.In(workshops.Paris).Format("2006-01-02 15:04")
}

func TestDemoLoadsARealisticTerritory(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc, _, res := loadAt(t, db, demoNow)
		if !res.Created || res.Structures < 12 || res.Workshops < 30 || res.Sessions == 0 {
			t.Fatalf("loadDemo = %+v, want a territory created with at least 12 structures and 30 workshops", res)
		}
		voc, err := svc.Vocabulary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sessions := allSessions(t, svc)
		ws := allWorkshops(t, svc)

		t.Run("StructuresOfEveryKindInSixTowns", func(t *testing.T) {
			sts, err := svc.Structures(ctx, workshops.StructureFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) < 12 || len(sts) != res.Structures {
				t.Errorf("%d public structures, %d created; want at least 12, all public", len(sts), res.Structures)
			}
			towns, err := svc.Towns(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(towns) < 6 {
				t.Errorf("towns = %v, want at least 6", towns)
			}
			kinds := map[string]bool{}
			for _, st := range sts {
				kinds[st.Kind] = true
				if !st.Location().HasCoordinates() || st.OpeningHours == "" || st.AccessInfo == "" ||
					st.Accessibility == "" || !strings.HasPrefix(st.Phone, "03 83 ") || st.Email == "" {
					t.Errorf("structure %s lacks coordinates, opening hours, access, accessibility or a 03 83 phone and email: %+v", st.Slug, st)
				}
				if lat, lon := *st.Latitude, *st.Longitude; lat < 48.6 || lat > 48.75 || lon < 6.1 || lon > 6.26 {
					t.Errorf("structure %s at %v,%v: not in the Grand-Nancy metropolis", st.Slug, lat, lon)
				}
			}
			for _, k := range []string{"mediatheque", "centre-social", "ccas", "france-services", "association"} {
				if !kinds[k] {
					t.Errorf("no structure of kind %s", k)
				}
			}
		})

		t.Run("WorkshopsCoverEveryLevelAndTheme", func(t *testing.T) {
			if len(ws) < 30 || len(ws) != res.Workshops {
				t.Errorf("%d public workshops, %d created; want at least 30, all public", len(ws), res.Workshops)
			}
			levels, themes := map[string]int{}, map[string]int{}
			lifeEvents := map[string]bool{}
			count := map[string]int{}
			for _, w := range ws {
				for _, l := range voc.LevelRange(w.LevelMin, w.LevelMax) {
					levels[l.Code]++
				}
				for _, th := range w.Themes {
					themes[th.Slug]++
				}
				if w.HasTheme("parcours-de-vie") && w.LifeEvent != "" {
					lifeEvents[w.LifeEvent] = true
					count["parcours de vie"]++
				}
				if w.LifeEvent != "" && !w.HasTheme("parcours-de-vie") {
					t.Errorf("workshop %s has a life event but not the theme Parcours de vie", w.Slug)
				}
				conditions := map[string]bool{
					"ludique":             w.HasTheme("ludique"),
					"self-enrollment":     w.OpenEnrollment(),
					"pass-aptic":          w.Price == "pass-aptic",
					"devices lent":        len(w.DevicesLent) > 0,
					"another language":    len(w.Languages) > 1 || (len(w.Languages) == 1 && w.Languages[0] != "fr"),
					"hybrid":              w.Format == "hybride",
					"parcours":            w.Parcours(),
					"for éloigné only":    w.LevelMax == "eloigne",
					"for autonome people": w.LevelMax == "autonome",
				}
				for name, ok := range conditions {
					if ok {
						count[name]++
					}
				}
			}
			for _, l := range voc.Levels {
				if levels[l.Code] == 0 {
					t.Errorf("no workshop for level %s", l.Code)
				}
			}
			for _, th := range voc.Themes {
				if themes[th.Slug] == 0 {
					t.Errorf("no workshop with theme %s", th.Slug)
				}
			}
			if len(lifeEvents) < 3 {
				t.Errorf("life events %v, want at least 3 different ones", lifeEvents)
			}
			want := map[string]int{
				"ludique": 3, "parcours de vie": 3, "self-enrollment": 3, "pass-aptic": 2, "devices lent": 3,
				"another language": 2, "hybrid": 1, "parcours": 1, "for éloigné only": 1, "for autonome people": 3,
			}
			for name, n := range want {
				if count[name] < n {
					t.Errorf("%d workshops %s, want at least %d", count[name], name, n)
				}
			}
		})

		t.Run("EverySessionIsPublic", func(t *testing.T) {
			if len(sessions) != res.Sessions {
				t.Errorf("%d sessions listed, %d created", len(sessions), res.Sessions)
			}
			if len(sessions) > 400 {
				t.Errorf("%d sessions: the demo should stay modest (at most a few hundred)", len(sessions))
			}
			for _, s := range sessions {
				got, err := svc.Session(ctx, s.ID)
				if err != nil {
					t.Fatalf("Session(%d): %v", s.ID, err)
				}
				if got.Workshop == nil || got.Structure == nil || got.Location().Address == "" || got.Animator == "" {
					t.Errorf("session %d lacks its workshop, structure, address or animator", s.ID)
				}
			}
		})

		t.Run("OneParcoursOfFourToSixSessions", func(t *testing.T) {
			found := 0
			for _, s := range sessions {
				if !s.Workshop.Parcours() || s.GroupID == 0 {
					continue
				}
				group, err := svc.GroupSessions(ctx, &s)
				if err != nil {
					t.Fatal(err)
				}
				if len(group) < 4 || len(group) > 6 {
					t.Errorf("parcours %s has %d sessions, want 4 to 6", s.Workshop.Slug, len(group))
				}
				found++
			}
			if found == 0 {
				t.Error("no parcours group")
			}
		})

		t.Run("ExactlyTheExpectedCancelledSession", func(t *testing.T) {
			var cancelled []workshops.Session
			for _, s := range sessions {
				if s.Cancelled() {
					cancelled = append(cancelled, s)
				}
			}
			if len(cancelled) != 1 {
				t.Fatalf("%d cancelled sessions, want 1", len(cancelled))
			}
			c := cancelled[0]
			// The fourth Tuesday of the Pronote series that started the week before.
			if c.Workshop.Slug != "pronote-ent-scolarite" || wallClock(c) != "2026-12-08 17:00" ||
				!strings.Contains(c.CancelReason, "reprend la semaine suivante") || c.Sequence != 1 {
				t.Errorf("cancelled session = %s at %s, reason %q, sequence %d", c.Workshop.Slug, wallClock(c), c.CancelReason, c.Sequence)
			}
		})

		t.Run("SessionsOnTheLastAndNextClockChangeDays", func(t *testing.T) {
			feed, err := svc.FeedSessions(ctx, workshops.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			inFeed := map[int64]bool{}
			for _, s := range feed {
				inFeed[s.ID] = true
			}
			want := map[string]time.Time{
				"2026-10-25 14:30": time.Date(2026, 10, 25, 13, 30, 0, 0, time.UTC), // winter time: UTC+1
				"2027-03-28 14:30": time.Date(2027, 3, 28, 12, 30, 0, 0, time.UTC),  // summer time: UTC+2
			}
			for _, s := range sessions {
				instant, ok := want[wallClock(s)]
				if !ok || s.Workshop.Slug != "dimanche-changement-d-heure" {
					continue
				}
				if !s.StartsAt.Equal(instant) {
					t.Errorf("session of %s starts at %v, want %v", wallClock(s), s.StartsAt.UTC(), instant)
				}
				if !inFeed[s.ID] {
					t.Errorf("session of %s is not in the feeds' window", wallClock(s))
				}
				delete(want, wallClock(s))
			}
			if len(want) > 0 {
				t.Errorf("no session on %v", want)
			}
		})

		t.Run("SessionsSpreadOverTheNextThreeMonths", func(t *testing.T) {
			var months [3]int
			recent := 0
			for _, s := range sessions {
				if d := s.StartsAt.Sub(demoNow); d >= 0 && d < 90*24*time.Hour && !s.Cancelled() {
					months[d/(30*24*time.Hour)]++
				}
				if s.EndsAt.Before(demoNow) && s.EndsAt.After(demoNow.AddDate(0, 0, -28)) {
					recent++
				}
			}
			for i, n := range months {
				if n < 10 {
					t.Errorf("%d sessions in month %d from now, want at least 10", n, i+1)
				}
			}
			if recent < 3 {
				t.Errorf("%d sessions in the last four weeks, want a few", recent)
			}
		})

		t.Run("WeeklySeriesKeepTheirDayAndTime", func(t *testing.T) {
			checkSeries(t, svc, sessions, 5)
		})

		t.Run("OtherPlacesAreUsed", func(t *testing.T) {
			places := map[int64]bool{}
			for _, s := range sessions {
				if s.PlaceID != 0 {
					places[s.PlaceID] = true
					if s.Location().Name != s.Place.Name {
						t.Errorf("session %d at place %q shows %q", s.ID, s.Place.Name, s.Location().Name)
					}
				}
			}
			if len(places) < 2 {
				t.Errorf("%d places used, want 2", len(places))
			}
		})

		t.Run("NoSessionOnPublicHolidays", func(t *testing.T) {
			for _, s := range sessions {
				if d := workshops.DateOf(s.StartsAt); isPublicHoliday(d) {
					t.Errorf("session of %s on the public holiday %s", s.Workshop.Slug, d)
				}
			}
		})
	})
}

// checkSeries checks that series of sessions come back every week or every few weeks on
// the same weekday at the same wall-clock time in Paris, whatever the season, and that at
// least minWeekly of them are weekly.
func checkSeries(t *testing.T, svc *workshops.Service, sessions []workshops.Session, minWeekly int) {
	t.Helper()
	seen := map[int64]bool{}
	weekly := 0
	for _, s := range sessions {
		if s.GroupID == 0 || seen[s.GroupID] {
			continue
		}
		seen[s.GroupID] = true
		group, err := svc.GroupSessions(context.Background(), &s)
		if err != nil {
			t.Fatal(err)
		}
		allWeekly := true
		for i := 1; i < len(group); i++ {
			prev, cur := group[i-1].StartsAt.In(workshops.Paris), group[i].StartsAt.In(workshops.Paris)
			if prev.Weekday() != cur.Weekday() || prev.Format("15:04") != cur.Format("15:04") {
				t.Errorf("group of %s: %s then %s, want the same weekday and time", s.Workshop.Slug, wallClock(group[i-1]), wallClock(group[i]))
			}
			days := workshops.DateOf(cur).Start().Sub(workshops.DateOf(prev).Start()).Round(24*time.Hour) / (24 * time.Hour)
			if days != 7 {
				allWeekly = false
			}
		}
		if allWeekly && len(group) >= 4 && !s.Workshop.Parcours() {
			weekly++
		}
	}
	if weekly < minWeekly {
		t.Errorf("%d weekly series of 4 sessions or more, want at least %d", weekly, minWeekly)
	}
}

func TestDemoLoadsOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc, clock, first := loadAt(t, db, demoNow)
		version, _, err := svc.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sessions := len(allSessions(t, svc))
		later := []struct {
			name string
			now  time.Time
		}{
			{"SameMoment", demoNow},
			{"ThreeWeeksLater", demoNow.AddDate(0, 0, 21)},
			// The last clock change is then more than 60 days old: a fresh load would add a
			// session on the change after next, a complete demo must not.
			{"ElevenWeeksLater", demoNow.AddDate(0, 0, 77)},
			{"AfterTheNextClockChange", time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)},
		}
		for _, tc := range later {
			clock.Set(tc.now)
			res, err := loadDemo(ctx, svc)
			if err != nil {
				t.Fatalf("%s: loadDemo: %v", tc.name, err)
			}
			if res != (demoResult{}) {
				t.Errorf("%s: second load = %+v, want nothing created (first: %+v)", tc.name, res, first)
			}
			v, _, err := svc.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v != version {
				t.Errorf("%s: calendar version %d after a second load, want %d: something was written", tc.name, v, version)
			}
			clock.Set(demoNow)
			if n := len(allSessions(t, svc)); n != sessions {
				t.Errorf("%s: %d sessions after a second load, want %d", tc.name, n, sessions)
			}
		}
	})
}

func TestDemoLoadedByTwoInstancesAtOnceIsLoadedOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		results := make(chan demoResult, 2)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				// Each instance has its own service, as two processes would.
				svc := workshops.NewService(db, workshops.WithClock(wt.NewClock(demoNow).Now))
				res, err := loadDemoLocked(ctx, db, svc)
				results <- res
				errs <- err
			}()
		}
		created := 0
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("loadDemoLocked: %v", err)
			}
			if res := <-results; res.Created {
				created++
			}
		}
		if created != 1 {
			t.Errorf("%d loads created the territory, want exactly 1", created)
		}
		svc := workshops.NewService(db, workshops.WithClock(wt.NewClock(demoNow).Now))
		sts, err := svc.Structures(ctx, workshops.StructureFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(sts) != len(demoTerritory()) {
			t.Errorf("%d structures, want %d", len(sts), len(demoTerritory()))
		}
	})
}

func TestDemoResumesAnInterruptedLoad(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		clock := wt.NewClock(demoNow)
		svc := workshops.NewService(db, workshops.WithClock(clock.Now))

		// What a load stopped midway leaves: the first structures, complete except for the
		// cancellation of the Pronote session; Maxéville with its place; Tomblaine with
		// only the first batch of its second workshop.
		partial := demoTerritory()[:6]
		partial[2].workshops[2].batches[0].cancel = 0
		tomblaine := &partial[5]
		tomblaine.workshops = tomblaine.workshops[:2]
		tomblaine.workshops[1].batches = tomblaine.workshops[1].batches[:1]
		before, err := loadPlan(ctx, svc, partial)
		if err != nil {
			t.Fatalf("partial load: %v", err)
		}
		clock.Set(demoNow.Add(26 * time.Hour)) // resumed the next day
		after, err := loadDemo(ctx, svc)
		if err != nil {
			t.Fatalf("resumed load: %v", err)
		}
		if !after.Created {
			t.Errorf("resumed load = %+v, want the rest created", after)
		}

		plan := demoTerritory()
		cal := newDemoCalendar(demoNow)
		structures, workshopCount, sessions := len(plan), 0, 0
		for _, ds := range plan {
			for _, dw := range ds.workshops {
				workshopCount++
				for _, b := range dw.batches {
					sessions += len(cal.sessions(b, &dw.workshop))
				}
			}
		}
		if got := before.Structures + after.Structures; got != structures {
			t.Errorf("%d structures created in two loads, want %d", got, structures)
		}
		if got := before.Workshops + after.Workshops; got != workshopCount {
			t.Errorf("%d workshops created in two loads, want %d", got, workshopCount)
		}
		listed := allSessions(t, svc)
		if got := before.Sessions + after.Sessions; got != sessions || len(listed) != sessions {
			t.Errorf("%d sessions created in two loads, %d listed, want %d", got, len(listed), sessions)
		}
		cancelled := 0
		for _, s := range listed {
			if s.Cancelled() {
				cancelled++
			}
		}
		if cancelled != 1 {
			t.Errorf("%d cancelled sessions after resuming, want 1", cancelled)
		}
		for _, w := range allWorkshops(t, svc) {
			if strings.HasSuffix(w.Slug, "-2") {
				t.Errorf("workshop %s created twice", w.Slug)
			}
		}
		places, err := db.NewSelect().Table("places").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if places != 2 {
			t.Errorf("%d places after resuming, want 2 (none created twice)", places)
		}
	})
}

func TestDSTChangeDays(t *testing.T) {
	tests := []struct {
		name                  string
		now                   time.Time
		last, next, afterNext workshops.Date
		// extra reports whether the change after next gets a session, because the last
		// change is older than the feeds' 60 days.
		extra bool
	}{
		{"November", demoNow, date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31), false},
		{"EarlyMarch", time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31), true},
		{"OnAChangeDay", time.Date(2027, 3, 28, 12, 0, 0, 0, time.UTC), date(2027, 3, 28), date(2027, 10, 31), date(2028, 3, 26), false},
		// 23:30 UTC on 28 March is already the 29th, the change day, in Paris.
		{"ParisDayNotUTCDay", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), false},
		{"Summer", time.Date(2026, 7, 14, 10, 0, 0, 0, time.UTC), date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), true},
		{"FiftyNineDaysAfter", time.Date(2026, 12, 23, 10, 0, 0, 0, time.UTC), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cal := newDemoCalendar(tc.now)
			got := cal.dst
			if got.last != tc.last || got.next != tc.next || got.afterNext != tc.afterNext {
				t.Errorf("change days = %s, %s, %s; want %s, %s, %s",
					got.last, got.next, got.afterNext, tc.last, tc.next, tc.afterNext)
			}
			if extra := !cal.day(dstAfterNext).IsZero(); extra != tc.extra {
				t.Errorf("session on the change after next: %v, want %v", extra, tc.extra)
			}
		})
	}
}

func TestDemoFindsTheClockChangeDaysWithTwoClocks(t *testing.T) {
	type want struct {
		instant time.Time
		inFeed  bool
	}
	tests := []struct {
		name string
		now  time.Time
		want map[string]want // by Paris wall-clock start
	}{
		{
			name: "November",
			now:  demoNow,
			want: map[string]want{
				"2026-10-25 14:30": {time.Date(2026, 10, 25, 13, 30, 0, 0, time.UTC), true},
				"2027-03-28 14:30": {time.Date(2027, 3, 28, 12, 30, 0, 0, time.UTC), true},
			},
		},
		{
			// The last change, in October, is beyond the feeds' 60 days: the change after
			// next gets a session so that the feeds still hold one of each kind.
			name: "March",
			now:  time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC),
			want: map[string]want{
				"2026-10-25 14:30": {time.Date(2026, 10, 25, 13, 30, 0, 0, time.UTC), false},
				"2027-03-28 14:30": {time.Date(2027, 3, 28, 12, 30, 0, 0, time.UTC), true},
				"2027-10-31 14:30": {time.Date(2027, 10, 31, 13, 30, 0, 0, time.UTC), true},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Run(t, func(t *testing.T, db *bun.DB) {
				svc, _, _ := loadAt(t, db, tc.now)
				feed, err := svc.FeedSessions(context.Background(), workshops.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				inFeed := map[int64]bool{}
				for _, s := range feed {
					inFeed[s.ID] = true
				}
				sessions := allSessions(t, svc)
				got := 0
				for _, s := range sessions {
					if s.Workshop.Slug != "dimanche-changement-d-heure" {
						continue
					}
					got++
					w, ok := tc.want[wallClock(s)]
					switch {
					case !ok:
						t.Errorf("unexpected session at %s", wallClock(s))
					case !s.StartsAt.Equal(w.instant):
						t.Errorf("session of %s starts at %v, want %v", wallClock(s), s.StartsAt.UTC(), w.instant)
					case inFeed[s.ID] != w.inFeed:
						t.Errorf("session of %s in the feeds: %v, want %v", wallClock(s), inFeed[s.ID], w.inFeed)
					}
				}
				if got != len(tc.want) {
					t.Errorf("%d sessions on clock change days, want %d", got, len(tc.want))
				}
				checkSeries(t, svc, sessions, 5)
			})
		})
	}
}

func TestPublicHolidays(t *testing.T) {
	tests := []struct {
		day  workshops.Date
		want bool
	}{
		{date(2026, 12, 25), true},
		{date(2027, 1, 1), true},
		{date(2027, 3, 29), true}, // Easter Monday
		{date(2027, 5, 6), true},  // Ascension
		{date(2027, 5, 17), true}, // Whit Monday
		{date(2026, 7, 14), true},
		{date(2026, 12, 24), false},
		{date(2027, 3, 28), false}, // Easter Sunday is a Sunday, not a day off
		{date(2026, 12, 26), false},
	}
	for _, tc := range tests {
		if got := isPublicHoliday(tc.day); got != tc.want {
			t.Errorf("isPublicHoliday(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}
