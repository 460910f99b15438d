package ics

import (
	"strconv"
	"strings"

	"github.com/escale-numerique/escale/workshops"
)

// Site says where sessions are published.
type Site struct {
	// BaseURL is the public address of the site, without a trailing slash:
	// "https://agenda.example.fr".
	BaseURL string
	// Host names the site in UIDs: "agenda.example.fr".
	Host string
}

// SessionUID returns the UID of a session, "session-<id>@<host>", the same for its whole
// life whatever changes.
func (s Site) SessionUID(id int64) string {
	return "session-" + strconv.FormatInt(id, 10) + "@" + s.Host
}

// SessionURL returns the address of a session's page.
func (s Site) SessionURL(id int64) string {
	return s.BaseURL + "/sessions/" + strconv.FormatInt(id, 10)
}

// StructureURL returns the address of a structure's page.
func (s Site) StructureURL(slug string) string {
	return s.BaseURL + "/structures/" + slug
}

// CancelledPrefix starts the title of a cancelled session, so that it reads as cancelled
// even in applications that ignore STATUS.
const CancelledPrefix = "ANNULÉ – "

// SessionEvent builds the VEVENT of a public session. The session's Workshop (with its
// Themes), Structure and Place must be loaded; voc names the levels.
//
// DTSTAMP and LAST-MODIFIED are the session's last modification (its own, its workshop's,
// its structure's or its place's), not the time of the request, so that an unchanged feed
// is byte-identical from one request to the next and its ETag holds.
func SessionEvent(sess *workshops.Session, voc *workshops.Vocabulary, site Site) *Event {
	w := sess.Workshop
	e := NewEvent(site.SessionUID(sess.ID))
	modified := sess.Modified()
	e.SetStamp(modified)
	e.SetModified(modified)
	e.SetSequence(sess.Sequence)
	title := w.Title
	if sess.Cancelled() {
		e.SetStatus(Cancelled)
		title = CancelledPrefix + title
	} else {
		e.SetStatus(Confirmed)
	}
	e.SetTimes(sess.StartsAt, sess.EndsAt)
	e.SetSummary(title)
	levels := voc.LevelRange(w.LevelMin, w.LevelMax)
	e.SetDescription(sessionDescription(sess, levels, site))
	loc := sess.Location()
	if where := loc.OneLine(); where != "" {
		e.SetLocation(where)
	}
	if loc.HasCoordinates() {
		e.SetGeo(*loc.Latitude, *loc.Longitude)
	}
	e.SetURL(site.SessionURL(sess.ID))
	for _, t := range w.Themes {
		e.AddCategory(t.Label)
	}
	for _, l := range levels {
		e.AddCategory(l.Label)
	}
	if st := sess.Structure; st != nil {
		// RFC 5546 requires an ORGANIZER in every published event (libical, hence
		// Evolution, flags it otherwise). A structure without an email address is
		// reached through its page, which gives its other contacts.
		address := site.StructureURL(st.Slug)
		if st.Email != "" {
			address = Mailto(st.Email)
		}
		e.SetOrganizer(st.Name, address)
	}
	return e
}

// sessionDescription is the plain-text DESCRIPTION: what a person needs to decide and to
// come, in short lines. It leaves out the workshop's long description and the seats left
// (a subscribed copy would show them stale), so that a feed of a thousand sessions stays
// well under 1 MB.
func sessionDescription(sess *workshops.Session, levels []workshops.Level, site Site) string {
	w := sess.Workshop
	var b strings.Builder
	b.Grow(256 + len(w.Summary) + len(w.WhatToBring) + len(sess.CancelReason))
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	if sess.Cancelled() {
		if sess.CancelReason != "" {
			line("Séance annulée : ", sess.CancelReason)
		} else {
			line("Séance annulée.")
		}
	}
	if w.Summary != "" {
		line(w.Summary)
	}
	if len(levels) > 0 {
		line("Niveau : ", levelRange(levels), ".")
	}
	if len(w.DevicesToBring) > 0 {
		line("À apporter : ", devices(w.DevicesToBring), ".")
	}
	if len(w.DevicesLent) > 0 {
		line("Prêté sur place : ", devices(w.DevicesLent), ".")
	}
	if w.WhatToBring != "" {
		line(w.WhatToBring)
	}
	price := workshops.Prices.Label(w.Price)
	if w.PriceDetails != "" {
		price += " (" + w.PriceDetails + ")"
	}
	line(price, ". ", workshops.EnrollmentModes.Label(w.Enrollment), ".")
	if st := sess.Structure; st != nil && st.Phone != "" {
		if sess.PlaceID != 0 {
			// LOCATION names the place: say whom to call.
			line("Contact : ", st.Name, ", ", st.Phone, ".")
		} else {
			line("Contact : ", st.Phone, ".")
		}
	}
	b.WriteString("Détails et inscription : ")
	b.WriteString(site.SessionURL(sess.ID))
	return b.String()
}

// levelRange says "Débutant" or "Débutant à Intermédiaire".
func levelRange(levels []workshops.Level) string {
	first, last := levels[0].Label, levels[len(levels)-1].Label
	if len(levels) == 1 {
		return first
	}
	return first + " à " + last
}

// devices lists device labels in lower case: "smartphone, tablette".
func devices(codes workshops.List) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = strings.ToLower(workshops.Devices.Label(c))
	}
	return strings.Join(names, ", ")
}
