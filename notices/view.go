package notices

import (
	"strconv"
	"strings"
	"time"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// view is what the message templates read.
type view struct {
	// FirstName is the person's first name (or initials), Name with the last name.
	FirstName string
	Name      string

	Workshop       string
	Structure      string
	StructurePhone string
	// When is "mardi 3 mars à 14 h", Day "mardi 3 mars", Ends "16 h".
	When string
	Day  string
	Ends string
	// Others are the other sessions of a parcours, as When.
	Others []string
	// Where is the full address on one line, Place its name alone (for an SMS), Access
	// how to get there.
	Where  string
	Place  string
	Access string
	// Bring is what to bring: devices and the workshop's own words.
	Bring string

	// Position is the place on the waiting list.
	Position int
	// Waiting says the person still waits for a seat.
	Waiting bool
	// Invitation says a calendar invitation goes with the email.
	Invitation bool
	// Paper says the person chose a printed convocation.
	Paper bool
	// ThroughYou says the person is told through the orienting professional.
	ThroughYou bool

	// Before is where and when a moved session was; Change says what moved: "de date",
	// "d'horaire", "de lieu", "de date et de lieu"…
	Before string
	Change string
	// Reason is why the session was cancelled.
	Reason string
	// ByPerson says the person cancelled; otherwise ByWhom names who did.
	ByPerson bool
	ByWhom   string

	// People are the professional's people concerned by a session change, Relay those
	// of them the professional must tell.
	People []string
	Relay  []string
	// Lines are the structure's new enrollments of the day, one sentence each.
	Lines []string

	// PageURL is the person's page (convocation, cancellation link).
	PageURL         string
	SessionURL      string
	WorkshopURL     string
	OrientationsURL string
	RosterURL       string
	DashboardURL    string
	ProfileURL      string
}

// when writes "mardi 3 mars à 14 h".
func when(t time.Time) string {
	return workshops.FrenchDay(t) + " à " + workshops.FrenchTime(t)
}

// sessionView describes a session; its Workshop, Structure and Place must be loaded.
func (s *Service) sessionView(sess *workshops.Session) *view {
	w, st := sess.Workshop, sess.Structure
	loc := sess.Location()
	v := &view{
		Workshop: w.Title, Structure: st.Name, StructurePhone: st.Phone,
		When: when(sess.StartsAt), Day: workshops.FrenchDay(sess.StartsAt), Ends: workshops.FrenchTime(sess.EndsAt),
		Where: loc.OneLine(), Place: loc.Name, Access: loc.AccessInfo,
		SessionURL:      s.site.SessionURL(sess.ID),
		WorkshopURL:     s.site.BaseURL + "/workshops/" + w.Slug,
		OrientationsURL: s.site.BaseURL + "/orientations",
		RosterURL:       s.site.BaseURL + "/manage/sessions/" + strconv.FormatInt(sess.ID, 10) + "/roster",
	}
	if v.Place == "" {
		v.Place = loc.Address
	}
	// The workshop's own words say it best; the devices' list is what is left without them.
	v.Bring = w.WhatToBring
	if v.Bring == "" && len(w.DevicesToBring) > 0 {
		var bring []string
		for _, d := range w.DevicesToBring {
			bring = append(bring, strings.ToLower(workshops.Devices.Label(d)))
		}
		v.Bring = "votre " + strings.Join(bring, ", ") + "."
	}
	return v
}

// withPerson adds the person of a booking to a view.
func (s *Service) withPerson(v *view, b *enrollment.Booking) *view {
	v.FirstName = b.FirstName
	v.Name = strings.TrimSpace(b.FirstName + " " + b.LastName)
	v.PageURL = s.en.CancelURL(b.ID)
	v.Paper = b.Contact == enrollment.ContactPaper
	v.ThroughYou = b.Contact == enrollment.ContactProfessional && b.OrientedBy != 0
	return v
}
