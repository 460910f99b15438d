package ics

import (
	"strconv"
	"sync"
	"time"

	ical "github.com/arran4/golang-ical"
)

// Status is the STATUS of an event.
type Status string

// Event statuses (RFC 5545 §3.8.1.11; CANCELLED with two Ls).
const (
	Confirmed Status = "CONFIRMED"
	Tentative Status = "TENTATIVE"
	Cancelled Status = "CANCELLED"
)

// Event is a VEVENT being built. Its setters write each property once, in the order they
// are first called; AddCategory may be called several times.
type Event struct {
	ev    *ical.VEvent
	start time.Time
	// encoded, when set, is the event already written (see EventCache): the encoder
	// copies it as it is.
	encoded []byte
}

// NewEvent starts an event with its UID, which must stay the same for the whole life of
// what it describes: that is how calendars recognise an update.
func NewEvent(uid string) *Event {
	ev := ical.NewEvent(uid)
	// A session's event has about twenty properties: grow the slice once.
	ev.Properties = append(make([]ical.IANAProperty, 0, 24), ev.Properties...)
	return &Event{ev: ev}
}

// tzidParam is shared by every DTSTART and DTEND: parameter maps are only read once built.
var tzidParam = map[string][]string{string(ical.ParameterTzid): {TZID}}

// set replaces the value of the first property of that name or appends one. It does what
// golang-ical's SetProperty does without allocating a parameter map for every property,
// which made building a thousand-event feed twice as slow.
func (e *Event) set(name ical.ComponentProperty, value string, params map[string][]string) {
	props := e.ev.Properties
	for i := range props {
		if props[i].IANAToken == string(name) {
			props[i].Value, props[i].ICalParameters = value, params
			return
		}
	}
	e.add(name, value, params)
}

// add appends a property.
func (e *Event) add(name ical.ComponentProperty, value string, params map[string][]string) {
	e.ev.Properties = append(e.ev.Properties, ical.IANAProperty{BaseProperty: ical.BaseProperty{
		IANAToken: string(name), ICalParameters: params, Value: value,
	}})
}

// utcFormat is a DATE-TIME in UTC.
const utcFormat = "20060102T150405Z"

// Start returns the event's start, as given to SetTimes.
func (e *Event) Start() time.Time { return e.start }

// SetStamp sets DTSTAMP, in UTC.
func (e *Event) SetStamp(t time.Time) {
	e.set(ical.ComponentPropertyDtstamp, t.UTC().Format(utcFormat), nil)
}

// SetModified sets LAST-MODIFIED, in UTC.
func (e *Event) SetModified(t time.Time) {
	e.set(ical.ComponentPropertyLastModified, t.UTC().Format(utcFormat), nil)
}

// SetSequence sets SEQUENCE, the revision that subscribed calendars compare.
func (e *Event) SetSequence(n int) {
	e.set(ical.ComponentPropertySequence, strconv.Itoa(n), nil)
}

// SetStatus sets STATUS.
func (e *Event) SetStatus(s Status) { e.set(ical.ComponentPropertyStatus, string(s), nil) }

// SetTimes sets DTSTART and DTEND as Europe/Paris wall-clock times with a TZID, which is
// what keeps a session at the time on its poster whatever the phone's time zone and
// across daylight-saving changes. golang-ical's SetStartAt and SetEndAt cannot do it:
// they always write UTC with a Z, which next to a TZID is invalid (RFC 5545 §3.3.5).
func (e *Event) SetTimes(start, end time.Time) {
	e.start = start
	e.set(ical.ComponentPropertyDtStart, start.In(zone).Format(localFormat), tzidParam)
	e.set(ical.ComponentPropertyDtEnd, end.In(zone).Format(localFormat), tzidParam)
}

// SetSummary sets SUMMARY, the title.
func (e *Event) SetSummary(s string) { e.set(ical.ComponentPropertySummary, s, nil) }

// SetDescription sets DESCRIPTION, plain text.
func (e *Event) SetDescription(s string) { e.set(ical.ComponentPropertyDescription, s, nil) }

// SetLocation sets LOCATION, the full address on one line.
func (e *Event) SetLocation(s string) { e.set(ical.ComponentPropertyLocation, s, nil) }

// SetGeo sets GEO, "latitude;longitude" in decimal degrees.
func (e *Event) SetGeo(lat, lon float64) {
	// Not ical.SetGeo: its %v would write 1e-05 for a tiny coordinate.
	e.set(ical.ComponentPropertyGeo,
		strconv.FormatFloat(lat, 'f', -1, 64)+";"+strconv.FormatFloat(lon, 'f', -1, 64), nil)
}

// SetURL sets URL, the page of what the event describes.
func (e *Event) SetURL(u string) { e.set(ical.ComponentPropertyUrl, u, nil) }

// AddCategory adds one CATEGORIES property holding one value. Several values in one
// property would need unescaped commas between them, and golang-ical escapes commas of
// the value it is given, turning "a,b" into one category named "a,b".
func (e *Event) AddCategory(v string) { e.add(ical.ComponentPropertyCategories, v, nil) }

// SetOrganizer sets ORGANIZER to a calendar address (a URI, see Mailto) with a display
// name (CN), which the encoder quotes.
func (e *Event) SetOrganizer(name, address string) {
	var params map[string][]string
	if name != "" {
		params = cnParams(name)
	}
	e.set(ical.ComponentPropertyOrganizer, address, params)
}

// cnCache shares the CN parameter map of each organizer name: a feed names the same few
// structures a thousand times, and parameter maps are only read once built.
var cnCache sync.Map // name → map[string][]string

func cnParams(name string) map[string][]string {
	if p, ok := cnCache.Load(name); ok {
		return p.(map[string][]string)
	}
	p := map[string][]string{string(ical.ParameterCn): {name}}
	cnCache.Store(name, p)
	return p
}

// Mailto returns the calendar address of an email address.
func Mailto(email string) string { return "mailto:" + email }
