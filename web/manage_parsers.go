package web

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

// The parsers of the mediators' forms turn url-encoded values into domain structs. They
// only read: a value that is not what its field expects (a date "2026-13-45", a capacity
// "dix", a missing time) gets a French message under the field's name in a
// *workshops.ValidationError, and whether the values are acceptable (a capacity of 0, an
// end before the start) is the domain's to say. They never fail otherwise.

// formReader reads the values of one form, collecting the messages of malformed ones.
type formReader struct {
	v    url.Values
	errs *workshops.ValidationError
}

func newFormReader(v url.Values) *formReader {
	return &formReader{v: v, errs: &workshops.ValidationError{}}
}

func (r *formReader) text(name string) string { return r.v.Get(name) }

func (r *formReader) list(name string) []string {
	var out []string
	for _, s := range r.v[name] {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// integer reads a whole number; missing is the message when the field is blank.
func (r *formReader) integer(name, missing, malformed string) int {
	s := strings.ReplaceAll(strings.TrimSpace(r.v.Get(name)), " ", "")
	if s == "" {
		r.errs.Add(name, missing)
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1_000_000 || n > 1_000_000 {
		r.errs.Add(name, malformed)
		return 0
	}
	return n
}

// id reads the id of a record chosen in a menu: zero when blank.
func (r *formReader) id(name, malformed string) int64 {
	s := strings.TrimSpace(r.v.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		r.errs.Add(name, malformed)
		return 0
	}
	return n
}

// Messages of malformed dates and times.
const (
	badDate = "Indiquez une date qui existe, entre 2000 et 2100, au format AAAA-MM-JJ (par exemple 2027-03-09)."
	badTime = "Indiquez l'heure au format HH:MM, par exemple 14:30."
)

// date reads a YYYY-MM-DD date; missing is the message when the field is blank (empty:
// the date is optional).
func (r *formReader) date(name, missing string) workshops.Date {
	s := strings.TrimSpace(r.v.Get(name))
	if s == "" {
		if missing != "" {
			r.errs.Add(name, missing)
		}
		return workshops.Date{}
	}
	d, err := workshops.ParseDate(s)
	if err != nil {
		r.errs.Add(name, badDate)
	}
	return d
}

// clock reads a time of day.
func (r *formReader) clock(name, missing string) (workshops.Clock, bool) {
	s := strings.TrimSpace(r.v.Get(name))
	if s == "" {
		r.errs.Add(name, missing)
		return workshops.Clock{}, false
	}
	c, err := workshops.ParseClock(s)
	if err != nil {
		r.errs.Add(name, badTime)
		return workshops.Clock{}, false
	}
	return c, true
}

// coordinate reads a decimal number of degrees, with a point or a French comma: nil when
// blank.
func (r *formReader) coordinate(name, malformed string) *float64 {
	s := strings.ReplaceAll(strings.TrimSpace(r.v.Get(name)), ",", ".")
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.errs.Add(name, malformed)
		return nil
	}
	return &f
}

func (r *formReader) err() error { return r.errs.Err() }

// parseWorkshopForm reads the workshop form. Its status button says whether to save as a
// draft or to publish ("", "draft" or "published").
func parseWorkshopForm(v url.Values) (workshops.WorkshopSubmission, error) {
	r := newFormReader(v)
	w := &workshops.Workshop{
		Title:          r.text("title"),
		Summary:        r.text("summary"),
		Description:    r.text("description"),
		LevelMin:       r.text("level_min"),
		LevelMax:       r.text("level_max"),
		Format:         r.text("format"),
		Kind:           r.text("kind"),
		LifeEvent:      r.text("life_event"),
		DevicesToBring: r.list("devices_to_bring"),
		DevicesLent:    r.list("devices_lent"),
		WhatToBring:    r.text("what_to_bring"),
		Accessibility:  r.text("accessibility"),
		Languages:      r.list("languages"),
		Price:          r.text("price"),
		PriceDetails:   r.text("price_details"),
		Enrollment:     r.text("enrollment"),
		ThemeSlugs:     r.list("themes"),
	}
	w.DefaultCapacity = r.integer("default_capacity", "Indiquez le nombre de places habituel.",
		"Indiquez le nombre de places en chiffres, par exemple 8.")
	w.DefaultDurationMinutes = r.duration("default_duration_minutes")
	sub := workshops.WorkshopSubmission{Workshop: w, Status: r.text("status")}
	if sub.Status != "" && sub.Status != workshops.WorkshopDraft && sub.Status != workshops.WorkshopPublished {
		r.errs.Add("status", "Choisissez d'enregistrer en brouillon ou de publier.")
		sub.Status = ""
	}
	return sub, r.err()
}

// duration reads a duration in minutes ("90") or in hours and minutes ("1h30", "2 h",
// "1:30").
func (r *formReader) duration(name string) int {
	s := strings.TrimSpace(r.v.Get(name))
	const malformed = "Indiquez la durée en minutes (par exemple 90) ou en heures (par exemple 1h30)."
	switch {
	case s == "":
		r.errs.Add(name, "Indiquez la durée habituelle d'une séance.")
		return 0
	case strings.ContainsAny(s, "h:H"):
		c, err := workshops.ParseClock(strings.ToLower(s))
		if err != nil {
			r.errs.Add(name, malformed)
			return 0
		}
		return c.Hour*60 + c.Minute
	}
	return r.integer(name, "", malformed)
}

// scheduleForm is the form adding sessions to a workshop, as submitted.
type scheduleForm struct {
	Schedule workshops.Schedule
	// Create says the mediator asked to create the sessions (rather than see the days).
	Create bool
	// Seen is the key of the dates whose days the mediator was shown (see dateKey).
	Seen string
	// Rows is how many date lines the form shows for chosen dates.
	Rows int
}

// Date lines of the chosen-dates part of the form.
const (
	dateRows    = 6
	maxDateRows = workshops.MaxScheduledSessions
)

// parseScheduleForm reads the form adding sessions. Only the dates the chosen frequency
// uses are read: a forgotten "until" does not matter for a single date.
func parseScheduleForm(v url.Values) (scheduleForm, error) {
	r := newFormReader(v)
	sc := workshops.Schedule{Frequency: strings.TrimSpace(r.text("frequency")), Animator: r.text("animator")}
	switch sc.Frequency {
	case workshops.Once:
		sc.First = r.date("first", "Indiquez la date de la séance.")
	case workshops.Weekly, workshops.Fortnightly:
		sc.First = r.date("first", "Indiquez la date de la première séance.")
		sc.Until = r.date("until", "Indiquez jusqu'à quelle date la série continue.")
	case workshops.OnDates:
		for _, s := range v["dates"] {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			d, err := workshops.ParseDate(s)
			if err != nil {
				r.errs.Add("dates", badDate)
				continue
			}
			sc.Dates = append(sc.Dates, d)
		}
	}
	for _, s := range v["skip"] {
		if d, err := workshops.ParseDate(s); err == nil {
			sc.Skip = append(sc.Skip, d)
		} else {
			r.errs.Add("skip", badDate)
		}
	}
	sc.Start, _ = r.clock("start", "Indiquez l'heure de début.")
	sc.End, _ = r.clock("end", "Indiquez l'heure de fin.")
	sc.Capacity = r.integer("capacity", "Indiquez le nombre de places.", "Indiquez le nombre de places en chiffres, par exemple 8.")
	sc.PlaceID = r.id("place", "Choisissez un lieu dans la liste.")
	f := scheduleForm{Schedule: sc, Create: r.text("step") == "create", Seen: r.text("seen")}
	f.Rows = min(max(len(v["dates"]), dateRows), maxDateRows)
	if r.text("step") == "more" {
		f.Rows = min(f.Rows+dateRows, maxDateRows)
	}
	return f, r.err()
}

// dateKey identifies the days a schedule gives (its frequency and dates, not its times),
// so that the form can tell whether the mediator saw the days they are creating.
func dateKey(sc workshops.Schedule) string {
	parts := []string{sc.Frequency, sc.First.String(), sc.Until.String()}
	dates := make([]string, 0, len(sc.Dates))
	for _, d := range sc.Dates {
		dates = append(dates, d.String())
	}
	slices.Sort(dates)
	return strings.Join(append(parts, slices.Compact(dates)...), " ")
}

// parseSessionForm reads a session's form: its day, times, place, capacity and animator.
// A time that does not exist that day (when clocks go forward) is a mistake of its field.
func parseSessionForm(v url.Values) (workshops.SessionEdit, error) {
	r := newFormReader(v)
	edit := workshops.SessionEdit{Confirmed: r.text("confirm") == "1"}
	ch := &edit.Change
	day := r.date("date", "Indiquez la date de la séance.")
	start, okStart := r.clock("start", "Indiquez l'heure de début.")
	end, okEnd := r.clock("end", "Indiquez l'heure de fin.")
	if !day.IsZero() {
		if t, ok := wallClock(r, day, start, okStart, "start"); ok {
			ch.StartsAt = &t
		}
		if t, ok := wallClock(r, day, end, okEnd, "end"); ok {
			ch.EndsAt = &t
		}
	}
	place := r.id("place", "Choisissez un lieu dans la liste.")
	ch.PlaceID = &place
	capacity := r.integer("capacity", "Indiquez le nombre de places.", "Indiquez le nombre de places en chiffres, par exemple 8.")
	if _, bad := r.errs.Fields["capacity"]; !bad {
		ch.Capacity = &capacity
	}
	animator := r.text("animator")
	ch.Animator = &animator
	return edit, r.err()
}

// wallClock returns the instant of a Paris wall-clock time, or records that it does not
// exist that day.
func wallClock(r *formReader, d workshops.Date, c workshops.Clock, ok bool, name string) (time.Time, bool) {
	if !ok {
		return time.Time{}, false
	}
	t, exists := workshops.ParisTime(d.Year, d.Month, d.Day, c.Hour, c.Minute)
	if !exists {
		r.errs.Add(name, "Ce jour-là, cette heure n'existe pas (passage à l'heure d'été) : choisissez une autre heure.")
		return time.Time{}, false
	}
	return t, true
}

// address reads the address fields structures and places share, picking a known town's
// name, postcode and coordinates when one is chosen.
func (r *formReader) address() workshops.Location {
	l := workshops.Location{
		Address: r.text("address"), AddressExtra: r.text("address_extra"),
		Postcode: r.text("postcode"), Town: r.text("town"),
		AccessInfo: r.text("access_info"), Accessibility: r.text("accessibility"),
		Latitude:  r.coordinate("latitude", "Indiquez la latitude en degrés décimaux, par exemple 48.6921."),
		Longitude: r.coordinate("longitude", "Indiquez la longitude en degrés décimaux, par exemple 6.1844."),
	}
	if pick := r.text("known_town"); pick != "" {
		t, ok := parseKnownTown(pick)
		if !ok {
			r.errs.Add("known_town", "Choisissez une commune dans la liste.")
			return l
		}
		l.Town, l.Postcode, l.Latitude, l.Longitude = t.Name, t.Postcode, &t.Latitude, &t.Longitude
	}
	return l
}

// knownTownValue encodes a known town as the value of its menu option.
func knownTownValue(t workshops.KnownTown) string {
	return strings.Join([]string{t.Name, t.Postcode,
		strconv.FormatFloat(t.Latitude, 'f', -1, 64), strconv.FormatFloat(t.Longitude, 'f', -1, 64)}, "|")
}

// parseKnownTown decodes a value made by knownTownValue.
func parseKnownTown(s string) (workshops.KnownTown, bool) {
	parts := strings.Split(s, "|")
	if len(parts) != 4 {
		return workshops.KnownTown{}, false
	}
	lat, err1 := strconv.ParseFloat(parts[2], 64)
	lon, err2 := strconv.ParseFloat(parts[3], 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || math.IsInf(lat, 0) || math.IsInf(lon, 0) {
		return workshops.KnownTown{}, false
	}
	return workshops.KnownTown{Name: parts[0], Postcode: parts[1], Latitude: lat, Longitude: lon}, true
}

// parseStructureForm reads a structure's profile form.
func parseStructureForm(v url.Values) (*workshops.Structure, error) {
	r := newFormReader(v)
	l := r.address()
	st := &workshops.Structure{
		Name: r.text("name"), Kind: r.text("kind"), Description: r.text("description"),
		Address: l.Address, AddressExtra: l.AddressExtra, Postcode: l.Postcode, Town: l.Town,
		Latitude: l.Latitude, Longitude: l.Longitude, AccessInfo: l.AccessInfo, Accessibility: l.Accessibility,
		OpeningHours: r.text("opening_hours"), Phone: r.text("phone"), Email: r.text("email"),
		Website: r.text("website"), Labels: r.list("labels"), Reminder: r.text("reminder"), Digest: r.text("digest"),
	}
	return st, r.err()
}

// parsePlaceForm reads the form of one of a structure's places.
func parsePlaceForm(v url.Values) (*workshops.Place, error) {
	r := newFormReader(v)
	l := r.address()
	p := &workshops.Place{
		Name: r.text("name"), Address: l.Address, AddressExtra: l.AddressExtra, Postcode: l.Postcode,
		Town: l.Town, Latitude: l.Latitude, Longitude: l.Longitude, AccessInfo: l.AccessInfo,
		Accessibility: l.Accessibility,
	}
	return p, r.err()
}
