package web_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	goical "github.com/emersion/go-ical"

	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// The golden files of this package are refreshed with go test ./web -update. Other test
// files may define the flag too: whoever comes first registers it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

// goldenWritten remembers the golden files rewritten by this run.
var goldenWritten = map[string]bool{}

func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// checkFeedGolden compares got with testdata/name, or rewrites the file with -update.
func checkFeedGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updatingGolden() && !goldenWritten[path] {
		// Written by the first dialect, compared by the second: both must agree.
		goldenWritten[path] = true
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs from the golden file at line %d:\n got %q\nwant %q\n(go test ./web -update rewrites it after a deliberate change)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs from the golden file: %d lines, want %d", name, len(gl), len(wl))
	}
}

// watchChanges runs the service's change watcher, as the server does, and waits until the
// service trusts its generation (on PostgreSQL, until it LISTENs): without it, feeds are
// rendered on every request and never cached. Call it after creating fixtures: the
// notifications of earlier writes would otherwise keep arriving, and moving the
// generation, after the test has filled the cache.
func watchChanges(t *testing.T, svc *workshops.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = svc.WatchChanges(ctx, 20*time.Millisecond, nil)
	}()
	t.Cleanup(func() { cancel(); <-done })
	eventually(t, "the change watcher to be live", func() bool {
		_, live := svc.Changes().Generation()
		return live
	})
}

// eventually waits for something that happens in the background (a notification from
// another instance, a background compression) and fails after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// feedWorld is a small territory whose feeds exercise every rule of RFC 5545 we rely on.
type feedWorld struct {
	clairiere, jules *workshops.Structure
	annex            *workshops.Place
	smartphone       *workshops.Workshop // plain
	courriel         *workshops.Workshop // text needing escaping and folding
	demarches        *workshops.Workshop // one level, at the other structure
	sessions         map[string]*workshops.Session
}

// World sessions, by name.
const (
	sessNormal       = "normal"
	sessOctober      = "dst-october"       // 25 October 2026, clocks go back at 03:00
	sessOctoberNight = "dst-october-night" // across the change
	sessMarch        = "dst-march"         // 28 March 2027, clocks go forward at 02:00
	sessMarchNight   = "dst-march-night"   // across the change
	sessAnnex        = "annex"             // at another place
	sessCancelled    = "cancelled"
	sessEscaped      = "escaped"
	sessPast         = "past"
	sessPastCanceled = "past-cancelled" // left out: cancelled and over
)

func floatPtr(v float64) *float64 { return &v }

// newFeedWorld creates the world through the public API. Every name is explicit, so
// that the feeds are byte-identical on both databases and from one run to the next.
func newFeedWorld(t *testing.T, e *env) *feedWorld {
	t.Helper()
	ctx := context.Background()
	svc := e.svc
	w := &feedWorld{sessions: map[string]*workshops.Session{}}
	w.clairiere = wt.Structure(t, svc, func(st *workshops.Structure) {
		st.Slug = "la-clairiere"
		st.Name = `Centre social "La Clairière", Nancy`
		st.Kind = "centre-social"
		st.Address = "12 rue de la Paix; bâtiment B"
		st.Email = "accueil@clairiere.example.fr"
		st.Phone = "03 83 12 34 56"
		st.Latitude, st.Longitude = floatPtr(48.6844), floatPtr(6.1911)
	})
	w.jules = wt.Structure(t, svc, func(st *workshops.Structure) {
		st.Slug = "mediatheque-jules-verne"
		st.Name = "Médiathèque Jules-Verne"
		st.Address = "2 place de la République"
		st.Postcode, st.Town = "54500", "Vandœuvre-lès-Nancy"
		st.Email, st.Phone = "", ""
		st.Latitude, st.Longitude = floatPtr(48.6561), floatPtr(6.1733)
	})
	w.annex = &workshops.Place{
		StructureID: w.jules.ID, Name: "Salle Pablo-Picasso", Address: "5 avenue Jean-Jaurès",
		Postcode: "54500", Town: "Vandœuvre-lès-Nancy", Latitude: floatPtr(48.6602), Longitude: floatPtr(6.1789),
	}
	if err := svc.CreatePlace(ctx, workshops.System, w.annex); err != nil {
		t.Fatal(err)
	}
	w.smartphone = wt.Workshop(t, svc, w.clairiere, func(ws *workshops.Workshop) {
		ws.Title = "Prendre en main son smartphone"
		ws.Summary = "Les gestes de base, pas à pas."
	})
	w.courriel = wt.Workshop(t, svc, w.clairiere, func(ws *workshops.Workshop) {
		ws.Title = `Courriel, agenda; sauvegardes \ et photos 🎉`
		ws.Summary = "Un atelier pour apprivoiser, pas à pas, sa messagerie et son agenda : " +
			"créer un compte, écrire, répondre, joindre une photo 📷, retrouver un rendez-vous — " +
			"et surtout prendre confiance, à son rythme, sans jargon ni écran qui défile trop vite."
		ws.LevelMin, ws.LevelMax = "eloigne", "avance"
		ws.ThemeSlugs = []string{"communiquer", "ludique"}
		ws.DevicesToBring = nil
		ws.DevicesLent = workshops.List{"tablette", "ordinateur"}
		ws.WhatToBring = "Votre smartphone chargé,\r\nvos identifiants (courriel; mot de passe)\\ et\x07 un câble."
		ws.Price, ws.PriceDetails = "pass-aptic", "chèques APTIC acceptés"
		ws.Enrollment = "ouvert"
	})
	w.demarches = wt.Workshop(t, svc, w.jules, func(ws *workshops.Workshop) {
		ws.Title = "Démarches en ligne : FranceConnect"
		ws.Summary = ""
		ws.LevelMin, ws.LevelMax = "intermediaire", "intermediaire"
		ws.ThemeSlugs = []string{"demarches-en-ligne"}
		ws.DevicesToBring = nil
		ws.DevicesLent = workshops.List{"ordinateur"}
		ws.WhatToBring = ""
	})
	add := func(name string, ws *workshops.Workshop, start, end time.Time, edit func(*workshops.Session)) {
		w.sessions[name] = wt.Session(t, svc, ws, start, func(s *workshops.Session) {
			s.EndsAt = end
			if edit != nil {
				edit(s)
			}
		})
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return wt.Paris(t, y, m, d, h, min) }
	add(sessNormal, w.smartphone, at(2026, 12, 1, 14, 0), at(2026, 12, 1, 16, 0), nil)
	add(sessOctober, w.smartphone, at(2026, 10, 25, 14, 0), at(2026, 10, 25, 16, 0), nil)
	add(sessOctoberNight, w.smartphone, at(2026, 10, 25, 1, 30), at(2026, 10, 25, 3, 30), nil)
	add(sessMarch, w.demarches, at(2027, 3, 28, 10, 0), at(2027, 3, 28, 12, 0), nil)
	add(sessMarchNight, w.demarches, at(2027, 3, 28, 1, 0), at(2027, 3, 28, 4, 0), nil)
	add(sessAnnex, w.demarches, at(2026, 12, 3, 9, 30), at(2026, 12, 3, 11, 30), func(s *workshops.Session) {
		s.PlaceID = w.annex.ID
	})
	add(sessCancelled, w.courriel, at(2026, 12, 8, 14, 0), at(2026, 12, 8, 16, 0), nil)
	add(sessEscaped, w.courriel, at(2026, 12, 15, 18, 0), at(2026, 12, 15, 20, 0), nil)
	add(sessPast, w.smartphone, at(2026, 11, 10, 14, 0), at(2026, 11, 10, 16, 0), nil)
	add(sessPastCanceled, w.smartphone, at(2026, 11, 3, 14, 0), at(2026, 11, 3, 16, 0), nil)
	for _, name := range []string{sessCancelled, sessPastCanceled} {
		if _, err := svc.CancelSession(ctx, workshops.System, w.sessions[name].ID, "Animatrice absente ; séance reportée."); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// checkICSWire checks the bytes of an iCalendar file the way a strict client reads them:
// CRLF after every line, at most 75 octets per line, folds that never split a UTF-8
// character, no control characters, no TZID next to a UTC time.
func checkICSWire(t *testing.T, body []byte) {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Error("the file does not end with CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n"))
	for i, l := range lines {
		switch {
		case len(l) == 0:
			t.Errorf("line %d is empty", i+1)
		case len(l) > 75:
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		case !utf8.Valid(l):
			t.Errorf("line %d is not valid UTF-8 on its own (a fold split a character): %q", i+1, l)
		case bytes.ContainsAny(l, "\r\n"):
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		for _, c := range l {
			if c < 0x20 && c != '\t' || c == 0x7f {
				t.Errorf("line %d holds control character %#x: %q", i+1, c, l)
			}
		}
	}
	unfolded := bytes.ReplaceAll(body, []byte("\r\n "), nil)
	if m := icsTZIDWithZ.Find(unfolded); m != nil {
		t.Errorf("TZID with a UTC time: %q", m)
	}
	if bytes.Contains(unfolded, []byte("\r\nATTENDEE")) {
		t.Error("a feed holds an ATTENDEE")
	}
}

var icsTZIDWithZ = regexp.MustCompile(`TZID=[^:]*:\d{8}T\d{6}Z`)

// parseICS decodes a file with emersion/go-ical, a parser independent of ours.
func parseICS(t *testing.T, body []byte) *goical.Calendar {
	t.Helper()
	cal, err := goical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot decode the feed: %v", err)
	}
	return cal
}

// icsEvents indexes a calendar's events.
func icsEvents(t *testing.T, cal *goical.Calendar) map[string]goical.Event {
	t.Helper()
	out := map[string]goical.Event{}
	for _, ev := range cal.Events() {
		uid, err := ev.Props.Text(goical.PropUID)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[uid]; dup {
			t.Errorf("UID %s appears twice", uid)
		}
		out[uid] = ev
	}
	return out
}

// icsText decodes a TEXT property of an event, "" when absent.
func icsText(t *testing.T, ev goical.Event, name string) string {
	t.Helper()
	p := ev.Props.Get(name)
	if p == nil {
		return ""
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// unbrotli decodes a brotli body.
func unbrotli(t *testing.T, s string) string {
	t.Helper()
	b, err := io.ReadAll(brotli.NewReader(strings.NewReader(s)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
