package ics

import (
	ical "github.com/arran4/golang-ical"

	"github.com/escale-numerique/escale/workshops"
)

// TZID is the time zone of every wall-clock time we write.
const TZID = "Europe/Paris"

// zone is the Go location of TZID.
var zone = workshops.Paris

// localFormat is a DATE-TIME with local time, to be read with a TZID parameter.
const localFormat = "20060102T150405"

// parisTimezone returns the VTIMEZONE of Europe/Paris with both of its rules: summer
// time from the last Sunday of March at 02:00 to the last Sunday of October at 03:00, the
// European Union's rule since 1996. golang-ical's AddTimezone writes a bare TZID, which
// RFC 5545 §3.6.5 forbids and clients ignore (issue #113), so the observances are built
// here. Tests check the rules against Go's time zone database for 2000–2100.
func parisTimezone() *ical.VTimezone {
	tz := ical.NewTimezone(TZID)
	// libical (Evolution) and many CalDAV servers use it to map the zone to their own.
	tz.AddProperty("X-LIC-LOCATION", TZID)
	daylight := &ical.Daylight{}
	daylight.AddProperty(ical.ComponentProperty(ical.PropertyTzoffsetfrom), "+0100")
	daylight.AddProperty(ical.ComponentProperty(ical.PropertyTzoffsetto), "+0200")
	daylight.AddProperty(ical.ComponentProperty(ical.PropertyTzname), "CEST")
	daylight.AddProperty(ical.ComponentPropertyDtStart, "19700329T020000")
	daylight.AddProperty(ical.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	standard := &ical.Standard{}
	standard.AddProperty(ical.ComponentProperty(ical.PropertyTzoffsetfrom), "+0200")
	standard.AddProperty(ical.ComponentProperty(ical.PropertyTzoffsetto), "+0100")
	standard.AddProperty(ical.ComponentProperty(ical.PropertyTzname), "CET")
	standard.AddProperty(ical.ComponentPropertyDtStart, "19701025T030000")
	standard.AddProperty(ical.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	tz.Components = append(tz.Components, daylight, standard)
	return tz
}

// paris is shared by every calendar: it is never modified once built.
var paris = parisTimezone()
