package ics_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

var start = time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)

// encodeOne writes a calendar holding one event prepared by edit.
func encodeOne(t *testing.T, edit func(e *ics.Event)) []byte {
	t.Helper()
	c := ics.NewCalendar(ics.Publish)
	c.SetName("Essai")
	c.SetRefresh(time.Hour)
	e := ics.NewEvent("session-1@agenda.example.fr")
	e.SetStamp(start)
	e.SetTimes(start, start.Add(time.Hour))
	edit(e)
	c.Add(e)
	out, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, out.Body)
	return out.Body
}

// checkLines checks CRLF, 75-octet lines and folds between whole characters.
func checkLines(t *testing.T, body []byte) {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Fatal("no final CRLF")
	}
	for i, l := range bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n")) {
		if len(l) > 75 || !utf8.Valid(l) || bytes.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d: %d octets, valid UTF-8 %v: %q", i+1, len(l), utf8.Valid(l), l)
		}
	}
}

// property returns the unfolded content line of a property of the event.
func property(t *testing.T, body []byte, name string) string {
	t.Helper()
	unfolded := strings.ReplaceAll(string(body), "\r\n ", "")
	_, event, _ := strings.Cut(unfolded, "BEGIN:VEVENT\r\n")
	for _, l := range strings.Split(event, "\r\n") {
		if strings.HasPrefix(l, name+":") || strings.HasPrefix(l, name+";") {
			return l
		}
	}
	t.Fatalf("no %s in %s", name, body)
	return ""
}

// decoded returns the first event of a file as go-ical, an independent parser, reads it.
func decoded(t *testing.T, body []byte) goical.Event {
	t.Helper()
	cal, err := goical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("go-ical: %v\n%s", err, body)
	}
	if len(cal.Events()) != 1 {
		t.Fatalf("%d events", len(cal.Events()))
	}
	return cal.Events()[0]
}

func TestTextIsEscapedAndCleaned(t *testing.T) {
	for _, tc := range []struct {
		name, in, wire, decoded string
	}{
		{"plain", "Atelier photo", "Atelier photo", "Atelier photo"},
		{"comma", "Courriel, agenda", `Courriel\, agenda`, "Courriel, agenda"},
		{"semicolon", "a; b", `a\; b`, "a; b"},
		{"backslash", `C:\Documents`, `C:\\Documents`, `C:\Documents`},
		{"newline", "ligne 1\nligne 2", `ligne 1\nligne 2`, "ligne 1\nligne 2"},
		{"windows newline", "ligne 1\r\nligne 2", `ligne 1\nligne 2`, "ligne 1\nligne 2"},
		{"lone CR", "avant\rapres", "avantapres", "avantapres"},
		{"control characters", "bip\x07 \x00fin\x1b\x7f", "bip fin", "bip fin"},
		{"C1 control", "a\u0085b", "ab", "ab"},
		{"tab", "a\tb", "a b", "a b"},
		{"line separator", "a\u2028b", `a\nb`, "a\nb"},
		{"invalid UTF-8", "caf\xe9", "caf\uFFFD", "caf\uFFFD"},
		{"colon and quote stay", `Démarches : "FranceConnect"`, `Démarches : "FranceConnect"`, `Démarches : "FranceConnect"`},
		{"emoji", "Photos 🎉", "Photos 🎉", "Photos 🎉"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := encodeOne(t, func(e *ics.Event) { e.SetSummary(tc.in) })
			if got := property(t, body, "SUMMARY"); got != "SUMMARY:"+tc.wire {
				t.Errorf("wire %q, want %q", got, "SUMMARY:"+tc.wire)
			}
			if got, err := decoded(t, body).Props.Text(goical.PropSummary); err != nil || got != tc.decoded {
				t.Errorf("decoded %q (%v), want %q", got, err, tc.decoded)
			}
		})
	}
}

func TestParameterValuesAreQuotedNeverEscaped(t *testing.T) {
	for _, tc := range []struct {
		name, cn, wire, decoded string
	}{
		{"token", "Mediatheque", `ORGANIZER;CN=Mediatheque:mailto:a@b.fr`, "Mediatheque"},
		{"space and accents", "Médiathèque de Nancy", `ORGANIZER;CN="Médiathèque de Nancy":mailto:a@b.fr`, "Médiathèque de Nancy"},
		{"comma", "Médiathèque, Nancy", `ORGANIZER;CN="Médiathèque, Nancy":mailto:a@b.fr`, "Médiathèque, Nancy"},
		{"semicolon and colon", "A; B: C", `ORGANIZER;CN="A; B: C":mailto:a@b.fr`, "A; B: C"},
		{"backslash stays single", `A\B`, `ORGANIZER;CN="A\B":mailto:a@b.fr`, `A\B`},
		{"double quotes", `Centre "La Clairière"`, `ORGANIZER;CN="Centre “La Clairière”":mailto:a@b.fr`, "Centre “La Clairière”"},
		{"newline and control", "A\nB\x07C\r", `ORGANIZER;CN="A BC":mailto:a@b.fr`, "A BC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := encodeOne(t, func(e *ics.Event) { e.SetOrganizer(tc.cn, ics.Mailto("a@b.fr")) })
			if got := property(t, body, "ORGANIZER"); got != tc.wire {
				t.Errorf("wire %q, want %q", got, tc.wire)
			}
			org := decoded(t, body).Props.Get(goical.PropOrganizer)
			if got := org.Params.Get(goical.ParamCommonName); got != tc.decoded || org.Value != "mailto:a@b.fr" {
				t.Errorf("decoded CN %q value %q, want %q", got, org.Value, tc.decoded)
			}
		})
	}
}

// TestFoldingKeepsCharactersAndEscapesWhole folds texts whose multi-octet characters and
// escape sequences fall on every possible position of the 75-octet boundary.
func TestFoldingKeepsCharactersAndEscapesWhole(t *testing.T) {
	for _, piece := range []string{"é", "€", "🎉", `\`, ",", "\n", "e\u0301"} {
		for pad := 40; pad < 80; pad++ {
			in := strings.Repeat("a", pad) + strings.Repeat(piece+"b", 30)
			body := encodeOne(t, func(e *ics.Event) { e.SetDescription(in) })
			got, err := decoded(t, body).Props.Text(goical.PropDescription)
			if err != nil || got != in {
				t.Fatalf("piece %q pad %d: decoded %q (%v)", piece, pad, got, err)
			}
			for _, l := range strings.Split(string(body), "\r\n") {
				// A line may end with a backslash only if it is the second of a pair.
				if strings.HasSuffix(l, `\`) && (len(l)-len(strings.TrimRight(l, `\`)))%2 == 1 {
					t.Fatalf("piece %q pad %d: a fold splits an escape: %q", piece, pad, l)
				}
			}
		}
	}
}

func TestCalendarProperties(t *testing.T) {
	body := encodeOne(t, func(e *ics.Event) {})
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Escale//Agenda des ateliers numeriques//FR\r\nMETHOD:PUBLISH\r\n",
		"NAME:Essai\r\n", "X-WR-CALNAME:Essai\r\n", "X-WR-TIMEZONE:Europe/Paris\r\n",
		"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "X-PUBLISHED-TTL:PT1H\r\n",
		"DTSTART;TZID=Europe/Paris:20261201T140000\r\n", "DTEND;TZID=Europe/Paris:20261201T150000\r\n",
		"DTSTAMP:20261201T130000Z\r\n", "END:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
}

func TestRefreshDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "PT1H", 30 * time.Minute: "PT30M", 24 * time.Hour: "P1D",
		26*time.Hour + 30*time.Minute: "P1DT2H30M", 90 * time.Second: "PT1M30S",
	} {
		c := ics.NewCalendar(ics.Publish)
		c.SetRefresh(d)
		out, err := c.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out.Body, []byte("REFRESH-INTERVAL;VALUE=DURATION:"+want+"\r\n")) || !bytes.Contains(out.Body, []byte("X-PUBLISHED-TTL:"+want+"\r\n")) {
			t.Errorf("%v: want %s in\n%s", d, want, out.Body)
		}
	}
}

// TestTimesAreParisWallClockOnDaylightSavingDays checks DTSTART/DTEND on both change days
// and across them: local time with a TZID, decoded back to the same instants.
func TestTimesAreParisWallClockOnDaylightSavingDays(t *testing.T) {
	paris := func(y int, m time.Month, d, h, min int) time.Time {
		tm, ok := workshops.ParisTime(y, m, d, h, min)
		if !ok {
			t.Fatalf("%d-%d-%d %d:%d does not exist", y, m, d, h, min)
		}
		return tm
	}
	for _, tc := range []struct {
		start, end         time.Time
		wireStart, wireEnd string
		utcStart, utcEnd   string
		hoursBetween       float64
		description        string
	}{
		{paris(2026, 10, 25, 14, 0), paris(2026, 10, 25, 16, 0), "20261025T140000", "20261025T160000", "2026-10-25T13:00:00Z", "2026-10-25T15:00:00Z", 2, "after clocks go back"},
		{paris(2026, 10, 25, 1, 30), paris(2026, 10, 25, 3, 30), "20261025T013000", "20261025T033000", "2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z", 3, "across clocks going back"},
		{paris(2027, 3, 28, 10, 0), paris(2027, 3, 28, 12, 0), "20270328T100000", "20270328T120000", "2027-03-28T08:00:00Z", "2027-03-28T10:00:00Z", 2, "after clocks go forward"},
		{paris(2027, 3, 28, 1, 0), paris(2027, 3, 28, 4, 0), "20270328T010000", "20270328T040000", "2027-03-28T00:00:00Z", "2027-03-28T02:00:00Z", 2, "across clocks going forward"},
	} {
		t.Run(tc.description, func(t *testing.T) {
			body := encodeOne(t, func(e *ics.Event) { e.SetTimes(tc.start, tc.end) })
			if got := property(t, body, "DTSTART"); got != "DTSTART;TZID=Europe/Paris:"+tc.wireStart {
				t.Errorf("DTSTART wire %q", got)
			}
			if got := property(t, body, "DTEND"); got != "DTEND;TZID=Europe/Paris:"+tc.wireEnd {
				t.Errorf("DTEND wire %q", got)
			}
			ev := decoded(t, body)
			s, _ := ev.DateTimeStart(nil)
			e, _ := ev.DateTimeEnd(nil)
			if s.UTC().Format(time.RFC3339) != tc.utcStart || e.UTC().Format(time.RFC3339) != tc.utcEnd || e.Sub(s).Hours() != tc.hoursBetween {
				t.Errorf("decoded %v – %v, want %s – %s", s.UTC(), e.UTC(), tc.utcStart, tc.utcEnd)
			}
		})
	}
}

// TestSizeLimitKeepsTheSessionsNearestToNow fills a calendar past its limit.
func TestSizeLimitKeepsTheSessionsNearestToNow(t *testing.T) {
	around := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	build := func(limit int) (ics.Encoded, error) {
		c := ics.NewCalendar(ics.Publish)
		c.SetSizeLimit(limit, around)
		for i := -20; i < 40; i++ {
			at := around.Add(time.Duration(i) * 24 * time.Hour)
			e := ics.NewEvent(fmt.Sprintf("e%d@x", i))
			e.SetStamp(around)
			e.SetTimes(at, at.Add(time.Hour))
			e.SetDescription(strings.Repeat("Texte assez long pour peser. ", 10))
			c.Add(e)
		}
		return c.Encode()
	}
	full, err := build(0)
	if err != nil || full.Dropped != 0 || full.Events != 60 {
		t.Fatalf("unlimited: %d events, %d dropped, %v", full.Events, full.Dropped, err)
	}
	limit := len(full.Body) / 3
	out, err := build(limit)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, out.Body)
	if len(out.Body) > limit || out.Dropped == 0 || out.Events+out.Dropped != 60 {
		t.Fatalf("%d bytes (limit %d), %d kept, %d dropped", len(out.Body), limit, out.Events, out.Dropped)
	}
	cal, err := goical.NewDecoder(bytes.NewReader(out.Body)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	var days []int
	for _, ev := range cal.Events() {
		s, _ := ev.DateTimeStart(nil)
		days = append(days, int(s.Sub(around).Hours()/24))
	}
	if len(days) != out.Events {
		t.Fatalf("%d events decoded, %d reported", len(days), out.Events)
	}
	// Kept: an unbroken run of days around "now", in order, at most one day longer on
	// one side than on the other.
	for i := 1; i < len(days); i++ {
		if days[i] != days[i-1]+1 {
			t.Fatalf("kept days %v are not one unbroken run in order", days)
		}
	}
	if before, after := -days[0], days[len(days)-1]; before < 0 || after < 0 || before-after > 1 || after-before > 1 {
		t.Errorf("kept days %v are not centred on now", days)
	}

	if _, err := build(100); err == nil {
		t.Error("a limit smaller than the header is accepted")
	}
}
