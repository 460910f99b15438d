package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/klauspost/compress/gzip"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/migrations"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
)

// TestFeedGoldenFiles pins the exact bytes of the three kinds of feed over a world that
// has everything iCalendar makes hard: both daylight-saving change days (and sessions
// across the change), a cancelled session, text to escape and fold, a name with a comma
// and quotes in ORGANIZER, a session at another place.
func TestFeedGoldenFiles(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		for _, tc := range []struct{ path, golden string }{
			{"/calendar.ics", "feed-calendar.ics"},
			{"/structures/la-clairiere/calendar.ics", "feed-structure.ics"},
			{fmt.Sprintf("/sessions/%d.ics", w.sessions[sessEscaped].ID), "feed-session.ics"},
			{"/calendar.ics?theme=ludique&level=debutant&city=Nancy&from=2026-12-01", "feed-filtered.ics"},
		} {
			t.Run(tc.golden, func(t *testing.T) {
				resp, body := e.get(tc.path)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s = %d %s", tc.path, resp.StatusCode, body)
				}
				checkICSWire(t, []byte(body))
				checkFeedGolden(t, tc.golden, []byte(body))
			})
		}
	})
}

// TestFeedMatchesDatabase decodes the feed with an independent parser (emersion/go-ical,
// which resolves TZIDs with Go's own time zone database) and compares every event with
// the sessions the database holds: UIDs, instants in UTC, texts.
func TestFeedMatchesDatabase(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		ctx := context.Background()
		want, err := e.svc.FeedSessions(ctx, workshops.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		voc, err := e.svc.Vocabulary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, body := e.get("/calendar.ics")
		cal := parseICS(t, []byte(body))
		events := icsEvents(t, cal)
		if len(events) != len(want) || len(want) != len(w.sessions)-1 {
			t.Fatalf("%d events, %d sessions in the feed window, %d created (one is cancelled and over)", len(events), len(want), len(w.sessions))
		}
		if _, ok := events[uid(w.sessions[sessPastCanceled].ID)]; ok {
			t.Error("a cancelled session that is over is still in the feed")
		}
		for _, name := range []string{"METHOD", "NAME", "X-WR-CALNAME", "X-WR-TIMEZONE", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "PRODID"} {
			if cal.Props.Get(name) == nil {
				t.Errorf("the calendar has no %s", name)
			}
		}
		if name, _ := cal.Props.Text("NAME"); name != "Ateliers numériques — Mon territoire" {
			t.Errorf("NAME = %q", name)
		}
		for i := range want {
			s := &want[i]
			ev, ok := events[uid(s.ID)]
			if !ok {
				t.Errorf("session %d is missing from the feed", s.ID)
				continue
			}
			compareEvent(t, ev, s, voc)
		}

		// The instants of the daylight-saving days, written out.
		for name, want := range map[string][2]string{
			sessOctober:      {"2026-10-25T13:00:00Z", "2026-10-25T15:00:00Z"},
			sessOctoberNight: {"2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z"},
			sessMarch:        {"2027-03-28T08:00:00Z", "2027-03-28T10:00:00Z"},
			sessMarchNight:   {"2027-03-28T00:00:00Z", "2027-03-28T02:00:00Z"},
		} {
			ev := events[uid(w.sessions[name].ID)]
			start, _ := ev.DateTimeStart(nil)
			end, _ := ev.DateTimeEnd(nil)
			if got := [2]string{start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339)}; got != want {
				t.Errorf("%s: %v, want %v", name, got, want)
			}
		}
	})
}

func uid(id int64) string { return fmt.Sprintf("session-%d@agenda.example.fr", id) }

// compareEvent checks one decoded event against its session.
func compareEvent(t *testing.T, ev goical.Event, s *workshops.Session, voc *workshops.Vocabulary) {
	t.Helper()
	name := fmt.Sprintf("session %d", s.ID)
	start, err := ev.DateTimeStart(nil)
	if err != nil || !start.Equal(s.StartsAt) {
		t.Errorf("%s: DTSTART %v (%v), want %v", name, start.UTC(), err, s.StartsAt.UTC())
	}
	end, err := ev.DateTimeEnd(nil)
	if err != nil || !end.Equal(s.EndsAt) {
		t.Errorf("%s: DTEND %v (%v), want %v", name, end.UTC(), err, s.EndsAt.UTC())
	}
	for _, p := range []string{goical.PropDateTimeStart, goical.PropDateTimeEnd} {
		if tz := ev.Props.Get(p).Params.Get(goical.ParamTimezoneID); tz != "Europe/Paris" {
			t.Errorf("%s: %s has TZID %q", name, p, tz)
		}
	}
	title := s.Workshop.Title
	status := "CONFIRMED"
	if s.Cancelled() {
		title, status = "ANNULÉ – "+title, "CANCELLED"
	}
	if got := icsText(t, ev, goical.PropSummary); got != title {
		t.Errorf("%s: SUMMARY %q, want %q", name, got, title)
	}
	if got := icsText(t, ev, goical.PropStatus); got != status {
		t.Errorf("%s: STATUS %q, want %q", name, got, status)
	}
	if got := icsText(t, ev, goical.PropLocation); got != s.Location().OneLine() {
		t.Errorf("%s: LOCATION %q, want %q", name, got, s.Location().OneLine())
	}
	desc := icsText(t, ev, goical.PropDescription)
	for _, part := range []string{s.Workshop.Summary, s.Workshop.WhatToBring, "Détails et inscription : https://agenda.example.fr/sessions/" + strconv.FormatInt(s.ID, 10)} {
		if !strings.Contains(desc, part) {
			t.Errorf("%s: DESCRIPTION %q lacks %q", name, desc, part)
		}
	}
	if s.Cancelled() && !strings.Contains(desc, s.CancelReason) {
		t.Errorf("%s: DESCRIPTION %q lacks the reason of the cancellation", name, desc)
	}
	if got := ev.Props.Get(goical.PropURL); got == nil || got.Value != "https://agenda.example.fr/sessions/"+strconv.FormatInt(s.ID, 10) {
		t.Errorf("%s: URL %v", name, got)
	}
	if got := ev.Props.Get(goical.PropSequence).Value; got != strconv.Itoa(s.Sequence) {
		t.Errorf("%s: SEQUENCE %s, want %d", name, got, s.Sequence)
	}
	for _, p := range []string{goical.PropDateTimeStamp, goical.PropLastModified} {
		got, err := ev.Props.DateTime(p, nil)
		if err != nil || !got.Equal(s.Modified()) {
			t.Errorf("%s: %s %v (%v), want %v", name, p, got, err, s.Modified())
		}
	}
	var categories []string
	for _, p := range ev.Props.Values(goical.PropCategories) {
		values, err := p.TextList()
		if err != nil || len(values) != 1 {
			t.Errorf("%s: CATEGORIES %q should hold one value (%v)", name, p.Value, err)
		}
		categories = append(categories, values...)
	}
	var wantCategories []string
	for _, th := range s.Workshop.Themes {
		wantCategories = append(wantCategories, th.Label)
	}
	for _, l := range voc.LevelRange(s.Workshop.LevelMin, s.Workshop.LevelMax) {
		wantCategories = append(wantCategories, l.Label)
	}
	if !slices.Equal(categories, wantCategories) {
		t.Errorf("%s: CATEGORIES %q, want %q", name, categories, wantCategories)
	}
	loc := s.Location()
	if got := ev.Props.Get(goical.PropGeo); got == nil || got.Value != fmt.Sprintf("%v;%v", *loc.Latitude, *loc.Longitude) {
		t.Errorf("%s: GEO %v, want %v;%v", name, got, *loc.Latitude, *loc.Longitude)
	}
	// The structure organises: its email address, or its page when it has none.
	address := "https://agenda.example.fr/structures/" + s.Structure.Slug
	if s.Structure.Email != "" {
		address = "mailto:" + s.Structure.Email
	}
	if org := ev.Props.Get(goical.PropOrganizer); org == nil {
		t.Errorf("%s: no ORGANIZER", name)
	} else if cn := typographic(s.Structure.Name); org.Value != address || org.Params.Get(goical.ParamCommonName) != cn {
		t.Errorf("%s: ORGANIZER %q CN %q, want %s CN %q", name, org.Value, org.Params.Get(goical.ParamCommonName), address, cn)
	}
	if len(ev.Props.Values(goical.PropAttendee)) > 0 {
		t.Errorf("%s: ATTENDEE in a feed", name)
	}
}

// typographic is what a name's straight double quotes become in a parameter, where they
// cannot appear.
func typographic(s string) string {
	var b strings.Builder
	open := true
	for _, r := range s {
		if r == '"' {
			if open {
				r = '“'
			} else {
				r = '”'
			}
			open = !open
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestFeedNames checks the calendar names subscribing applications show.
func TestFeedNames(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		for _, tc := range []struct{ path, name string }{
			{"/calendar.ics", "Ateliers numériques — Mon territoire"},
			{"/calendar.ics?theme=ludique&level=debutant", "Ateliers numériques — Mon territoire (Débutant, Ludique)"},
			{"/calendar.ics?level=debutant&theme=ludique&level=debutant", "Ateliers numériques — Mon territoire (Débutant, Ludique)"},
			{"/calendar.ics?structure=la-clairiere&city=Nancy&q=smartphone", `Ateliers numériques — Mon territoire (Centre social "La Clairière", Nancy, Nancy, « smartphone »)`},
			{"/calendar.ics?from=2026-12-01&to=2027-01-31&available=1", "Ateliers numériques — Mon territoire (à partir du 1er décembre 2026, jusqu'au 31 janvier 2027, places disponibles)"},
			{"/structures/mediatheque-jules-verne/calendar.ics", "Ateliers numériques — Médiathèque Jules-Verne"},
			{"/structures/mediatheque-jules-verne/calendar.ics?level=intermediaire", "Ateliers numériques — Médiathèque Jules-Verne (Intermédiaire)"},
			{fmt.Sprintf("/sessions/%d.ics", w.sessions[sessAnnex].ID), "Ateliers numériques — Démarches en ligne : FranceConnect (Médiathèque Jules-Verne)"},
		} {
			resp, body := e.get(tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d %s", tc.path, resp.StatusCode, body)
				continue
			}
			cal := parseICS(t, []byte(body))
			for _, prop := range []string{"NAME", "X-WR-CALNAME"} {
				if got, _ := cal.Props.Text(prop); got != tc.name {
					t.Errorf("GET %s: %s = %q, want %q", tc.path, prop, got, tc.name)
				}
			}
		}
	})
}

// TestFeedFilters checks that feeds hold what the calendar's filters select.
func TestFeedFilters(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		id := func(name string) int64 { return w.sessions[name].ID }
		for _, tc := range []struct {
			path string
			want []string
		}{
			{"/structures/mediatheque-jules-verne/calendar.ics", []string{sessAnnex, sessMarchNight, sessMarch}},
			{"/structures/mediatheque-jules-verne/calendar.ics?structure=la-clairiere", []string{sessAnnex, sessMarchNight, sessMarch}},
			{"/calendar.ics?theme=ludique", []string{sessCancelled, sessEscaped}},
			{"/calendar.ics?city=vandoeuvre&from=2026-12-01", []string{sessAnnex, sessMarchNight, sessMarch}},
			{"/calendar.ics?from=2027-01-01", []string{sessMarchNight, sessMarch}},
			{"/calendar.ics?q=FRANCECONNECT&to=2026-12-31", []string{sessAnnex}},
			{fmt.Sprintf("/sessions/%d.ics", id(sessPastCanceled)), []string{sessPastCanceled}},
		} {
			resp, body := e.get(tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d %s", tc.path, resp.StatusCode, body)
				continue
			}
			var got, want []string
			for _, ev := range parseICS(t, []byte(body)).Events() {
				u, _ := ev.Props.Text(goical.PropUID)
				got = append(got, u)
			}
			for _, name := range tc.want {
				want = append(want, uid(id(name)))
			}
			if !slices.Equal(got, want) {
				t.Errorf("GET %s: events %v, want %v", tc.path, got, want)
			}
		}
	})
}

// TestFeedHTTP checks the headers and conditional requests that let agendas and proxies
// poll feeds cheaply.
func TestFeedHTTP(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		watchChanges(t, e.svc)
		// A different body has a different ETag: the ETag is a hash of the body.
		all, _ := e.get("/calendar.ics")
		later, _ := e.get("/calendar.ics?from=2027-03-01")
		if all.Header.Get("ETag") == later.Header.Get("ETag") {
			t.Error("two different feeds share an ETag")
		}
		for _, path := range []string{"/calendar.ics", "/structures/la-clairiere/calendar.ics?level=debutant", fmt.Sprintf("/sessions/%d.ics", w.sessions[sessNormal].ID)} {
			t.Run(path, func(t *testing.T) {
				resp, body := e.get(path)
				h := resp.Header
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET = %d %s", resp.StatusCode, body)
				}
				for name, want := range map[string]string{
					"Content-Type":  "text/calendar; charset=utf-8",
					"Cache-Control": "public, max-age=300, must-revalidate",
					"Vary":          "Accept-Encoding",
				} {
					if got := h.Get(name); got != want {
						t.Errorf("%s = %q, want %q", name, got, want)
					}
				}
				if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, `inline; filename="`) || !strings.HasSuffix(cd, `.ics"`) {
					t.Errorf("Content-Disposition = %q", cd)
				}
				if h.Get("Content-Encoding") != "" {
					t.Errorf("Content-Encoding %q without Accept-Encoding", h.Get("Content-Encoding"))
				}
				etag, lm := h.Get("ETag"), h.Get("Last-Modified")
				if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || len(etag) < 20 {
					t.Errorf("ETag = %q, want a strong hash", etag)
				}
				if _, err := http.ParseTime(lm); err != nil {
					t.Errorf("Last-Modified = %q: %v", lm, err)
				}

				// HEAD answers the same headers without the body.
				head, headBody := e.do(httptest.NewRequest(http.MethodHead, path, nil))
				if head.StatusCode != http.StatusOK || headBody != "" || head.Header.Get("ETag") != etag {
					t.Errorf("HEAD = %d, %d bytes, ETag %q", head.StatusCode, len(headBody), head.Header.Get("ETag"))
				}

				// Repeated requests: the same bytes and the same validators.
				resp2, body2 := e.get(path)
				if body2 != body || resp2.Header.Get("ETag") != etag || resp2.Header.Get("Last-Modified") != lm {
					t.Error("a second request for an unchanged feed differs")
				}

				for _, tc := range []struct {
					name    string
					headers []string
					status  int
				}{
					{"If-None-Match matches", []string{"If-None-Match", etag}, http.StatusNotModified},
					{"If-None-Match lists it", []string{"If-None-Match", `"x", ` + etag}, http.StatusNotModified},
					{"If-None-Match weak form", []string{"If-None-Match", "W/" + etag}, http.StatusNotModified},
					{"If-None-Match star", []string{"If-None-Match", "*"}, http.StatusNotModified},
					{"If-None-Match other", []string{"If-None-Match", `"other"`}, http.StatusOK},
					{"If-Modified-Since same", []string{"If-Modified-Since", lm}, http.StatusNotModified},
					{"If-Modified-Since later", []string{"If-Modified-Since", now.Add(48 * time.Hour).Format(http.TimeFormat)}, http.StatusNotModified},
					{"If-Modified-Since earlier", []string{"If-Modified-Since", now.Add(-72 * time.Hour).Format(http.TimeFormat)}, http.StatusOK},
					{"If-None-Match wins", []string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, http.StatusOK},
				} {
					resp, body := e.get(path, tc.headers...)
					if resp.StatusCode != tc.status {
						t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.status)
					}
					if resp.StatusCode == http.StatusNotModified {
						if body != "" || resp.Header.Get("ETag") != etag || resp.Header.Get("Last-Modified") != lm || resp.Header.Get("Vary") != "Accept-Encoding" {
							t.Errorf("%s: 304 with body %q, ETag %q, Last-Modified %q, Vary %q", tc.name, body, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), resp.Header.Get("Vary"))
						}
					}
				}

				// The gzip variant holds the same feed, under its own ETag, and answers 304 too.
				gz, zbody := e.get(path, "Accept-Encoding", "gzip, deflate")
				if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("ETag") == etag {
					t.Fatalf("gzip: Content-Encoding %q, ETag %q", gz.Header.Get("Content-Encoding"), gz.Header.Get("ETag"))
				}
				if got := gunzip(t, zbody); got != body {
					t.Error("the gzip variant does not decode to the feed")
				}
				if resp, _ := e.get(path, "Accept-Encoding", "gzip", "If-None-Match", gz.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
					t.Errorf("If-None-Match with the gzip ETag: %d", resp.StatusCode)
				}
				if resp, _ := e.get(path, "Accept-Encoding", "gzip;q=0, identity"); resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("gzip;q=0 got Content-Encoding %q", resp.Header.Get("Content-Encoding"))
				}
				if resp, _ := e.get(path, "Accept-Encoding", "br"); resp.Header.Get("Content-Encoding") != "br" {
					t.Errorf("a client accepting only br got Content-Encoding %q", resp.Header.Get("Content-Encoding"))
				}
			})
		}
	})
}

func gunzip(t *testing.T, s string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFeedBrotli checks the brotli variant: the same feed, under its own ETag, and the
// same answer to identical requests from the first one on.
func TestFeedBrotli(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		newFeedWorld(t, e)
		watchChanges(t, e.svc)
		_, body := e.get("/calendar.ics")
		const ae = "gzip, deflate, br"
		first, compressed := e.get("/calendar.ics", "Accept-Encoding", ae)
		if first.Header.Get("Content-Encoding") != "br" {
			t.Fatalf("Content-Encoding %q for %q", first.Header.Get("Content-Encoding"), ae)
		}
		if got := unbrotli(t, compressed); got != body {
			t.Error("the brotli variant does not decode to the feed")
		}
		if again, _ := e.get("/calendar.ics", "Accept-Encoding", ae); again.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Errorf("identical requests got ETags %s and %s", first.Header.Get("ETag"), again.Header.Get("ETag"))
		}
		if resp, _ := e.get("/calendar.ics", "If-None-Match", first.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match with the brotli ETag: %d", resp.StatusCode)
		}
	})
}

// TestFeedChangesReachSubscribers checks that a change of time, place or status reaches
// the feed at once: a new SEQUENCE and LAST-MODIFIED, a new ETag, no 304 for the old one.
func TestFeedChangesReachSubscribers(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		watchChanges(t, e.svc)
		ctx := context.Background()
		sess := w.sessions[sessNormal]
		paths := []string{"/calendar.ics", "/structures/la-clairiere/calendar.ics", fmt.Sprintf("/sessions/%d.ics", sess.ID)}
		type seen struct {
			etag, lastModified string
			ev                 goical.Event
		}
		look := func() map[string]seen {
			out := map[string]seen{}
			for _, p := range paths {
				resp, body := e.get(p)
				out[p] = seen{resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), icsEvents(t, parseICS(t, []byte(body)))[uid(sess.ID)]}
			}
			return out
		}
		before := look()

		for _, step := range []struct {
			name   string
			change func() error
			check  func(ev goical.Event)
		}{
			{"moved", func() error {
				_, err := e.svc.UpdateSession(ctx, workshops.System, sess.ID, workshops.SessionChange{StartsAt: ptrTime(sess.StartsAt.Add(time.Hour)), EndsAt: ptrTime(sess.EndsAt.Add(time.Hour))})
				return err
			}, func(ev goical.Event) {
				if start, _ := ev.DateTimeStart(nil); !start.Equal(sess.StartsAt.Add(time.Hour)) {
					t.Errorf("DTSTART %v after the move", start)
				}
			}},
			{"cancelled", func() error {
				_, err := e.svc.CancelSession(ctx, workshops.System, sess.ID, "Salle indisponible.")
				return err
			}, func(ev goical.Event) {
				if s := icsText(t, ev, goical.PropStatus); s != "CANCELLED" {
					t.Errorf("STATUS %q after cancelling", s)
				}
				if s := icsText(t, ev, goical.PropSummary); !strings.HasPrefix(s, "ANNULÉ – ") {
					t.Errorf("SUMMARY %q after cancelling", s)
				}
			}},
		} {
			e.clock.Add(time.Hour)
			if err := step.change(); err != nil {
				t.Fatal(err)
			}
			after := look()
			for _, p := range paths {
				b, a := before[p], after[p]
				if a.etag == b.etag {
					t.Errorf("%s, %s: the ETag did not change", step.name, p)
				}
				if a.lastModified == b.lastModified {
					t.Errorf("%s, %s: Last-Modified did not change", step.name, p)
				}
				if resp, _ := e.get(p, "If-None-Match", b.etag); resp.StatusCode != http.StatusOK {
					t.Errorf("%s, %s: the old ETag still gets %d", step.name, p, resp.StatusCode)
				}
				if resp, _ := e.get(p, "If-Modified-Since", b.lastModified); resp.StatusCode != http.StatusOK {
					t.Errorf("%s, %s: the old Last-Modified still gets %d", step.name, p, resp.StatusCode)
				}
				bs, _ := strconv.Atoi(b.ev.Props.Get(goical.PropSequence).Value)
				as, _ := strconv.Atoi(a.ev.Props.Get(goical.PropSequence).Value)
				if as != bs+1 {
					t.Errorf("%s, %s: SEQUENCE %d → %d, want +1", step.name, p, bs, as)
				}
				bm, _ := b.ev.Props.DateTime(goical.PropLastModified, nil)
				am, _ := a.ev.Props.DateTime(goical.PropLastModified, nil)
				if !am.After(bm) {
					t.Errorf("%s, %s: LAST-MODIFIED %v → %v", step.name, p, bm, am)
				}
				step.check(a.ev)
			}
			before = after
		}
	})
}

func ptrTime(t time.Time) *time.Time { return &t }

// TestFeedErrors checks the answers to unknown feeds and malformed filters: plain French
// text, never a 500.
func TestFeedErrors(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		newFeedWorld(t, e)
		for _, tc := range []struct {
			path   string
			status int
			says   string
		}{
			{"/structures/nulle-part/calendar.ics", http.StatusNotFound, "introuvable"},
			{"/sessions/999999.ics", http.StatusNotFound, "introuvable"},
			{"/calendar.ics?from=2025-13-45", http.StatusBadRequest, "AAAA-MM-JJ"},
			{"/calendar.ics?to=demain", http.StatusBadRequest, "AAAA-MM-JJ"},
			{"/structures/la-clairiere/calendar.ics?from=2026-02-30", http.StatusBadRequest, "AAAA-MM-JJ"},
			{"/sessions/1.ics?from=hier", http.StatusBadRequest, "AAAA-MM-JJ"},
			{"/calendar.ics?level=expert", http.StatusBadRequest, "niveau"},
			{"/calendar.ics?theme=cuisine", http.StatusBadRequest, "thème"},
			{"/calendar.ics?from=2026-12-10&to=2026-12-01", http.StatusBadRequest, "date de fin"},
			{"/calendar.ics?q=" + strings.Repeat("x", 300), http.StatusBadRequest, "trop longue"},
		} {
			resp, body := e.get(tc.path)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("GET %s = %d %q, want %d saying %q", tc.path, resp.StatusCode, body, tc.status, tc.says)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", tc.path, ct)
			}
		}
	})
}

// TestFeedStaysUnderOneMegabyte fills a feed past 1 MB and checks that it is cut to the
// sessions nearest to today, in order, and still valid.
func TestFeedStaysUnderOneMegabyte(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ws := wtWorkshopWithLongTexts(t, e)
		// Every 6 hours from 50 days ago to 11 months ahead: far more than 1 MB.
		first := now.Add(-50 * 24 * time.Hour)
		var sessions []*workshops.Session
		for at := first; at.Before(now.AddDate(0, 11, 0)); at = at.Add(6 * time.Hour) {
			sessions = append(sessions, &workshops.Session{StartsAt: at, EndsAt: at.Add(time.Hour), Capacity: 10})
		}
		if err := e.svc.CreateSessions(context.Background(), workshops.System, ws.ID, sessions); err != nil {
			t.Fatal(err)
		}
		resp, body := e.get("/calendar.ics")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET = %d", resp.StatusCode)
		}
		if len(body) > 1_000_000 {
			t.Fatalf("the feed weighs %d bytes", len(body))
		}
		checkICSWire(t, []byte(body))
		var starts []time.Time
		for _, ev := range parseICS(t, []byte(body)).Events() {
			s, err := ev.DateTimeStart(nil)
			if err != nil {
				t.Fatal(err)
			}
			starts = append(starts, s)
		}
		if len(starts) == 0 || len(starts) >= len(sessions) {
			t.Fatalf("%d of %d sessions kept", len(starts), len(sessions))
		}
		if !slices.IsSortedFunc(starts, func(a, b time.Time) int { return a.Compare(b) }) {
			t.Error("the kept sessions are not in time order")
		}
		// What is left is one stretch of time around today, and the one dropped next to
		// each end would have been farther from now than anything kept.
		firstKept, lastKept := starts[0], starts[len(starts)-1]
		if !firstKept.Before(now) || !lastKept.After(now) {
			t.Fatalf("kept %v to %v, which does not surround now (%v)", firstKept, lastKept, now)
		}
		farthest := max(now.Sub(firstKept), lastKept.Sub(now))
		for _, s := range sessions {
			kept := !s.StartsAt.Before(firstKept) && !s.StartsAt.After(lastKept)
			if d := s.StartsAt.Sub(now).Abs(); !kept && d < farthest-6*time.Hour {
				t.Errorf("session at %v (%v from now) was dropped while one %v away was kept", s.StartsAt, d, farthest)
			}
		}
	})
}

// wtWorkshopWithLongTexts is a workshop whose events are as large as the rules allow.
func wtWorkshopWithLongTexts(t *testing.T, e *env) *workshops.Workshop {
	t.Helper()
	st := &workshops.Structure{
		Name: strings.Repeat("Maison des solidarités ", 6), Kind: "autre", Address: strings.Repeat("Résidence des Tilleuls ", 10),
		Postcode: "54000", Town: "Nancy", Email: "contact@solidarites.example.fr", Phone: "03 83 00 00 00",
	}
	if err := e.svc.CreateStructure(context.Background(), workshops.System, st); err != nil {
		t.Fatal(err)
	}
	ws := &workshops.Workshop{
		StructureID: st.ID, Title: strings.Repeat("Atelier numérique ", 8), Summary: strings.Repeat("Découvrir, pratiquer ; ", 12),
		Description: "Un atelier.", LevelMin: "eloigne", LevelMax: "autonome",
		ThemeSlugs:      []string{"ludique", "parcours-de-vie", "prise-en-main", "communiquer"},
		DefaultCapacity: 10, DefaultDurationMinutes: 60, WhatToBring: strings.Repeat("Un câble, ", 40),
	}
	if err := e.svc.CreateWorkshop(context.Background(), workshops.System, ws); err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestFeedCacheAnswersWithoutTheDatabase checks that a repeated request for an unchanged
// feed is served from the cache: with the sessions table renamed away, it still answers
// the same bytes, and only a write (a new generation) makes it look again.
func TestFeedCacheAnswersWithoutTheDatabase(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		watchChanges(t, e.svc)
		ctx := context.Background()
		paths := []string{
			"/calendar.ics", "/calendar.ics?level=debutant&theme=ludique",
			"/structures/la-clairiere/calendar.ics", fmt.Sprintf("/sessions/%d.ics", w.sessions[sessAnnex].ID),
		}
		bodies := map[string]string{}
		for _, p := range paths {
			_, bodies[p] = e.get(p)
		}
		rename := func(from, to string) {
			t.Helper()
			if _, err := db.ExecContext(ctx, "ALTER TABLE "+from+" RENAME TO "+to); err != nil {
				t.Fatal(err)
			}
		}
		rename("sessions", "sessions_away")
		for _, p := range paths {
			resp, body := e.get(p)
			if resp.StatusCode != http.StatusOK || body != bodies[p] {
				t.Errorf("GET %s without the sessions table = %d (same body: %v)", p, resp.StatusCode, body == bodies[p])
			}
			// The other spelling of the same filter, and a 304, come from the cache too.
			if resp, _ := e.get(p, "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s If-None-Match without the sessions table = %d", p, resp.StatusCode)
			}
		}
		if resp, _ := e.get("/calendar.ics?theme=ludique&level=debutant&utm_source=lettre"); resp.StatusCode != http.StatusOK {
			t.Errorf("another spelling of a cached filter = %d", resp.StatusCode)
		}
		rename("sessions_away", "sessions")

		// A new day moves the feeds' window: the cache must render again.
		e.clock.Add(24 * time.Hour)
		rename("sessions", "sessions_away")
		if resp, _ := e.get("/calendar.ics"); resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("the next day, GET /calendar.ics = %d, want a fresh render (here a 500, the table being away)", resp.StatusCode)
		}
		rename("sessions_away", "sessions")
	})
}

// TestFeedCacheAcrossInstances runs two instances on one PostgreSQL database, as behind a
// load balancer: a write through one must change what the other serves, at once.
func TestFeedCacheAcrossInstances(t *testing.T) {
	url := testdb.URL(t, dialect.PG)
	a, b := newEnvAt(t, url), newEnvAt(t, url)
	w := newFeedWorld(t, a)
	watchChanges(t, a.svc)
	watchChanges(t, b.svc)
	sess := w.sessions[sessNormal]
	path := "/structures/la-clairiere/calendar.ics"
	_, before := b.get(path)
	if _, again := b.get(path); again != before {
		t.Fatal("instance B serves two different bodies for an unchanged feed")
	}
	a.clock.Add(time.Hour)
	b.clock.Add(time.Hour)
	if _, err := a.svc.CancelSession(context.Background(), workshops.System, sess.ID, "Salle indisponible."); err != nil {
		t.Fatal(err)
	}
	var after string
	eventually(t, "instance B to serve the cancellation", func() bool {
		_, after = b.get(path)
		return after != before
	})
	ev := icsEvents(t, parseICS(t, []byte(after)))[uid(sess.ID)]
	if s := icsText(t, ev, goical.PropStatus); s != "CANCELLED" {
		t.Errorf("instance B: STATUS %q after instance A cancelled", s)
	}
	_, fromA := a.get(path)
	if fromA != after {
		t.Error("the two instances serve different feeds")
	}
}

// newEnvAt is newEnv on a database of its own connection pool, like another server
// instance on the same database.
func newEnvAt(t *testing.T, url string) *env {
	t.Helper()
	db, err := migrations.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newEnv(t, db)
}

// TestFeedEncodingIsDeterministic renders the same feed on fresh caches and checks that
// the bytes never change (parameter order, map iteration).
func TestFeedEncodingIsDeterministic(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		newFeedWorld(t, e)
		_, first := e.get("/calendar.ics")
		for range 5 {
			e2 := newEnv(t, db)
			if _, again := e2.get("/calendar.ics"); !bytes.Equal([]byte(again), []byte(first)) {
				t.Fatal("a fresh render differs")
			}
		}
	})
}

// TestFeedCacheUnderConcurrentRequestsAndWrites polls feeds from many goroutines while
// sessions are cancelled: every answer is a whole, valid feed, and once the writes are
// done every feed shows all of them (run with -race).
func TestFeedCacheUnderConcurrentRequestsAndWrites(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := newFeedWorld(t, e)
		watchChanges(t, e.svc)
		paths := []string{"/calendar.ics", "/calendar.ics?level=debutant", "/structures/la-clairiere/calendar.ics"}
		encodings := []string{"", "gzip", "br"}
		done := make(chan struct{})
		errs := make(chan error, 64)
		for g := range 8 {
			go func() {
				for i := 0; ; i++ {
					select {
					case <-done:
						errs <- nil
						return
					default:
					}
					path, enc := paths[(g+i)%len(paths)], encodings[i%len(encodings)]
					req, _ := http.NewRequest(http.MethodGet, path, nil)
					req.Header.Set("Accept-Encoding", enc)
					resp, err := e.app.Test(req, -1)
					if err != nil {
						errs <- err
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
						errs <- fmt.Errorf("GET %s = %d", path, resp.StatusCode)
						return
					}
					if enc == "gzip" && resp.Header.Get("Content-Encoding") != "gzip" {
						errs <- fmt.Errorf("GET %s gzip: Content-Encoding %q", path, resp.Header.Get("Content-Encoding"))
						return
					}
					if enc == "" && (!bytes.HasPrefix(b, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n"))) {
						errs <- fmt.Errorf("GET %s: a torn body", path)
						return
					}
				}
			}()
		}
		ctx := context.Background()
		var cancelled []int64
		for _, name := range []string{sessNormal, sessAnnex, sessEscaped} { // upcoming: they stay, cancelled
			e.clock.Add(time.Minute)
			if _, err := e.svc.CancelSession(ctx, workshops.System, w.sessions[name].ID, "Fermeture."); err != nil {
				t.Fatal(err)
			}
			cancelled = append(cancelled, w.sessions[name].ID)
		}
		close(done)
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		_, body := e.get("/calendar.ics")
		events := icsEvents(t, parseICS(t, []byte(body)))
		for _, id := range cancelled {
			ev, ok := events[uid(id)]
			if !ok {
				t.Errorf("session %d left the feed", id)
				continue
			}
			if s := icsText(t, ev, goical.PropStatus); s != "CANCELLED" {
				t.Errorf("session %d: STATUS %q after the writes", id, s)
			}
		}
	})
}
