package ics

import (
	"strings"
	"testing"
	"time"
)

// TestPublishNeverCarriesAttendees checks the encoder's guard: whatever an event holds, a
// published calendar never discloses who takes part (RFC 5546 §3.2.1).
func TestPublishNeverCarriesAttendees(t *testing.T) {
	for _, m := range []Method{Publish, Request} {
		c := NewCalendar(m)
		e := NewEvent("session-1@x")
		e.SetTimes(time.Now(), time.Now().Add(time.Hour))
		e.ev.AddAttendee("personne@example.fr")
		c.Add(e)
		_, err := c.Encode()
		if got := err != nil && strings.Contains(err.Error(), "ATTENDEE"); got != (m == Publish) {
			t.Errorf("%s with an ATTENDEE: error %v", m, err)
		}
	}
}

// TestNamesMustBeTokens checks that a property name smuggling parameters, as golang-ical's
// own PropertyRefreshInterval does, is refused rather than written.
func TestNamesMustBeTokens(t *testing.T) {
	c := NewCalendar(Publish)
	e := NewEvent("session-1@x")
	e.add("REFRESH-INTERVAL;VALUE=DURATION", "PT1H", nil)
	c.Add(e)
	if _, err := c.Encode(); err == nil {
		t.Error("a property name with a semicolon was written")
	}
}
