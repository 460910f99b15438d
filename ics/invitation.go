package ics

import (
	"errors"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/escale-numerique/escale/workshops"
)

// Party is someone an invitation names: the organizer (a structure) or the attendee (the
// person enrolled), by display name and email address.
type Party struct {
	Name  string
	Email string
}

// AddAttendee adds an ATTENDEE: a participant whose seat is already booked
// (PARTSTAT=ACCEPTED) and of whom no answer is expected (RSVP=FALSE), so that calendar
// applications neither ask the person to accept nor email a reply to the organizer.
func (e *Event) AddAttendee(p Party) {
	params := map[string][]string{
		string(ical.ParameterRole):                {"REQ-PARTICIPANT"},
		string(ical.ParameterParticipationStatus): {"ACCEPTED"},
		string(ical.ParameterRsvp):                {"FALSE"},
	}
	if p.Name != "" {
		params[string(ical.ParameterCn)] = []string{p.Name}
	}
	e.add(ical.ComponentPropertyAttendee, Mailto(p.Email), params)
}

// Invitation writes the iTIP message (RFC 5546) that puts a session in a person's
// calendar (Request) or takes it out (Cancel): one VEVENT with the session's feed UID, so
// that it updates the copy a subscribed feed or an earlier invitation left, the given
// SEQUENCE (the session's current one for a Request, a higher one for a Cancel), the
// structure as ORGANIZER and the person as ATTENDEE. stamp is the DTSTAMP, the instant the
// message is made. The session's Workshop, Structure and Place must be loaded. It returns
// an error for another method or a party without an email address.
func Invitation(m Method, sess *workshops.Session, voc *workshops.Vocabulary, site Site, organizer, attendee Party, sequence int, stamp time.Time) ([]byte, error) {
	if m != Request && m != Cancel {
		return nil, errors.New("ics: an invitation is a REQUEST or a CANCEL")
	}
	if organizer.Email == "" || attendee.Email == "" {
		return nil, errors.New("ics: an invitation needs the organizer's and the attendee's email addresses")
	}
	e := SessionEvent(sess, voc, site)
	e.SetStamp(stamp)
	e.SetSequence(sequence)
	e.SetOrganizer(organizer.Name, Mailto(organizer.Email))
	if m == Cancel && !sess.Cancelled() {
		// The session goes on; what is cancelled is this person's seat in it.
		e.SetStatus(Cancelled)
		e.SetSummary(CancelledPrefix + sess.Workshop.Title)
	}
	e.AddAttendee(attendee)
	c := NewCalendar(m)
	c.Add(e)
	out, err := c.Encode()
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}
