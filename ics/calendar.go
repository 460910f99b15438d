// Package ics writes Escale's iCalendar (RFC 5545) documents: the subscribed feeds of
// sessions, a booking's .ics (METHOD:PUBLISH) and the email invitations
// (METHOD:REQUEST and CANCEL, with ORGANIZER and ATTENDEE).
//
// Documents are modelled with github.com/arran4/golang-ical and written by this package's
// own encoder (see encode.go for why), so that every file is right in Google Calendar,
// Apple Calendar, Outlook, Thunderbird and ICSx5: CRLF line ends, 75-octet folding that
// never splits a character, exact TEXT escaping, quoted parameters, and wall-clock times
// in Europe/Paris with a complete VTIMEZONE.
package ics

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
)

// Method is the iTIP method of a calendar (RFC 5546).
type Method string

// Methods: PUBLISH for feeds and downloads, REQUEST and CANCEL for invitations.
const (
	Publish Method = "PUBLISH"
	Request Method = "REQUEST"
	Cancel  Method = "CANCEL"
)

// ProductID is the PRODID of every document we write.
const ProductID = "-//Escale//Agenda des ateliers numeriques//FR"

// Calendar is an iCalendar document being built.
type Calendar struct {
	cal    *ical.Calendar
	method Method
	events []*Event
	limit  int
	around time.Time
}

// NewCalendar starts a calendar with our PRODID, the method and Europe/Paris as its time
// zone.
func NewCalendar(m Method) *Calendar {
	cal := ical.NewCalendar()
	cal.SetProductId(ProductID)
	cal.SetMethod(ical.Method(m))
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRTimezone(TZID)
	return &Calendar{cal: cal, method: m}
}

// SetName names the calendar in subscribing applications (NAME, and X-WR-CALNAME for
// those that predate RFC 7986).
func (c *Calendar) SetName(name string) {
	c.cal.SetName(name)
}

// SetRefresh tells subscribers how often to fetch the calendar again (REFRESH-INTERVAL,
// and X-PUBLISHED-TTL for Outlook).
func (c *Calendar) SetRefresh(every time.Duration) {
	d := duration(every)
	// golang-ical's SetRefreshInterval smuggles ";VALUE=DURATION" into the property name;
	// a real parameter keeps the model honest for our encoder.
	c.cal.CalendarProperties = append(c.cal.CalendarProperties, ical.CalendarProperty{
		BaseProperty: ical.BaseProperty{
			IANAToken:      "REFRESH-INTERVAL",
			ICalParameters: map[string][]string{string(ical.ParameterValue): {string(ical.ValueDataTypeDuration)}},
			Value:          d,
		},
	})
	c.cal.SetXPublishedTTL(d)
}

// SetSizeLimit caps the encoded calendar at max bytes: when the events do not fit, those
// starting farthest from around are left out. Zero means no limit.
func (c *Calendar) SetSizeLimit(max int, around time.Time) {
	c.limit, c.around = max, around
}

// Add appends an event.
func (c *Calendar) Add(e *Event) {
	c.events = append(c.events, e)
}

// Encoded is a written calendar.
type Encoded struct {
	// Body is the document.
	Body []byte
	// Events is the number of events written.
	Events int
	// Dropped is the number of events left out to respect the size limit.
	Dropped int
}

// Encode writes the calendar. It fails when an event breaks the rules of the method (an
// ATTENDEE in a PUBLISH calendar) or when the calendar alone exceeds the size limit.
func (c *Calendar) Encode() (Encoded, error) {
	// A session's event takes 700 to 1,200 bytes: growing a feed's buffer would copy it.
	w := &lineWriter{buf: make([]byte, 0, 2048+1100*len(c.events))}
	publish := c.method == Publish
	w.line("BEGIN:VCALENDAR")
	for i := range c.cal.CalendarProperties {
		if err := w.property(&c.cal.CalendarProperties[i].BaseProperty); err != nil {
			return Encoded{}, err
		}
	}
	if len(c.events) > 0 {
		if err := w.component(paris, false); err != nil {
			return Encoded{}, err
		}
	}
	head := len(w.buf)
	ends := make([]int, len(c.events))
	for i, e := range c.events {
		if e.encoded != nil {
			w.buf = append(w.buf, e.encoded...)
		} else if err := w.component(e.ev, publish); err != nil {
			return Encoded{}, fmt.Errorf("event %d: %w", i, err)
		}
		ends[i] = len(w.buf)
	}
	const tail = "END:VCALENDAR\r\n"
	w.buf = append(w.buf, tail...)
	out := Encoded{Body: w.buf, Events: len(c.events)}
	if c.limit <= 0 || len(out.Body) <= c.limit {
		return out, nil
	}
	if head+len(tail) > c.limit {
		return Encoded{}, fmt.Errorf("ics: the calendar's header alone exceeds %d bytes", c.limit)
	}
	return c.trim(w.buf, head, ends, len(tail)), nil
}

// trim rebuilds an encoded calendar that is over the size limit with the events nearest
// to c.around that fit, in their original order.
func (c *Calendar) trim(full []byte, head int, ends []int, tail int) Encoded {
	start := func(i int) int {
		if i == 0 {
			return head
		}
		return ends[i-1]
	}
	order := make([]int, len(c.events))
	for i := range order {
		order[i] = i
	}
	distance := func(i int) time.Duration {
		d := c.events[i].start.Sub(c.around)
		if d < 0 {
			return -d
		}
		return d
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(distance(a), distance(b)) })
	budget := c.limit - head - tail
	keep := make([]bool, len(c.events))
	for _, i := range order {
		size := ends[i] - start(i)
		if size > budget {
			// Stop at the first event that does not fit, so that what is left is an
			// unbroken stretch of time around today rather than a scattering.
			break
		}
		budget -= size
		keep[i] = true
	}
	out := make([]byte, 0, c.limit)
	out = append(out, full[:head]...)
	kept := 0
	for i, k := range keep {
		if k {
			out = append(out, full[start(i):ends[i]]...)
			kept++
		}
	}
	out = append(out, full[len(full)-tail:]...)
	return Encoded{Body: out, Events: kept, Dropped: len(c.events) - kept}
}

// duration writes a positive duration the iCalendar way: PT1H, PT30M, P1D.
func duration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteByte('P')
	if days := d / (24 * time.Hour); days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10) + "D")
		d -= days * 24 * time.Hour
	}
	if d == 0 {
		return b.String()
	}
	b.WriteByte('T')
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "H"}, {time.Minute, "M"}, {time.Second, "S"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	return b.String()
}
