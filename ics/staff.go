package ics

import (
	"strconv"

	ical "github.com/arran4/golang-ical"

	"github.com/escale-numerique/escale/workshops"
)

// DraftSuffix ends the title of a session whose workshop is still a draft, in the private
// feeds of the people who run it.
const DraftSuffix = " (brouillon)"

// StaffSessionEvent builds the VEVENT of a session for the people who run it, in their
// private feed: the public event (see SessionEvent) with DraftSuffix after the title
// while the workshop is a draft, and a description that starts with the seats taken
// ("8 inscrits sur 10") and ends with the session's management page. It is never kept
// in an EventCache: seats change without the session's Modified time moving.
func StaffSessionEvent(sess *workshops.Session, voc *workshops.Vocabulary, site Site) *Event {
	e := SessionEvent(sess, voc, site)
	if sess.Workshop.Status == workshops.WorkshopDraft {
		e.SetSummary(e.get(ical.ComponentPropertySummary) + DraftSuffix)
	}
	e.SetDescription(Enrolled(sess) + "\n" + e.get(ical.ComponentPropertyDescription) +
		"\nGérer la séance : " + site.BaseURL + "/manage/sessions/" + strconv.FormatInt(sess.ID, 10))
	return e
}

// Enrolled says how many seats of a session are taken: "8 inscrits sur 10", "1 inscrit
// sur 10", with " (complet)" when no seat is left.
func Enrolled(sess *workshops.Session) string {
	word := " inscrits sur "
	if sess.SeatsTaken <= 1 {
		word = " inscrit sur "
	}
	out := strconv.Itoa(sess.SeatsTaken) + word + strconv.Itoa(sess.Capacity)
	if sess.Full() {
		out += " (complet)"
	}
	return out
}

// get returns the value of the event's first property of a name, or "".
func (e *Event) get(name ical.ComponentProperty) string {
	for _, p := range e.ev.Properties {
		if p.IANAToken == string(name) {
			return p.Value
		}
	}
	return ""
}
