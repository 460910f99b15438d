package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// The structure's side of a session's people: who is enrolled or waiting and how to
// reach them (the roster), cancelling one of them, the printable attendance sheet and the
// émargement. Every page showing people logs the consultation (the domain's Roster).

func init() {
	registerFlash(map[string]string{
		"seat-cancelled":   "L'inscription est annulée. Sa place est proposée à la première personne en liste d'attente, s'il y en a une.",
		"attendance-saved": "Les présences sont enregistrées.",
	})
}

func rosterURL(id int64) string     { return manageSessionURL(id) + "/roster" }
func attendanceURL(id int64) string { return manageSessionURL(id) + "/attendance" }
func sheetURL(id int64) string      { return manageSessionURL(id) + "/sheet" }

// sessionHeader is the session a roster, an attendance page or a sheet is about.
type sessionHeader struct {
	ID          int64
	Workshop    string
	WorkshopURL string
	Structure   string
	Line        manageSessionLine
	Animator    string
	SessionURL  string
	RosterURL   string
	SheetURL    string
	// AttendanceURL is set once the session has started.
	AttendanceURL string
}

func (s *server) newSessionHeader(sess *workshops.Session) sessionHeader {
	h := sessionHeader{ID: sess.ID, Workshop: sess.Workshop.Title, WorkshopURL: manageWorkshopURL(sess.Workshop.Slug),
		Structure: sess.Structure.Name, Line: newManageSessionLine(s.ws.Now(), sess), Animator: sess.Animator,
		SessionURL: manageSessionURL(sess.ID), RosterURL: rosterURL(sess.ID), SheetURL: sheetURL(sess.ID)}
	if !sess.StartsAt.After(s.ws.Now()) {
		h.AttendanceURL = attendanceURL(sess.ID)
	}
	return h
}

// personLine is a person enrolled in a session as the structure sees them.
type personLine struct {
	BookingID    int64
	EnrollmentID int64
	Name         string
	// Erased says the personal fields were erased (retention or the person's request).
	Erased bool
	Phone  string
	// Tel is the phone's tel: link (a stored E.164 number).
	Tel   template.URL
	Email string
	// Contact says how the person wants to be told.
	Contact string
	Level   string
	Needs   []string
	// OrientedBy names the orienting professional and their organisation; empty for a
	// self-enrollment.
	OrientedBy     string
	OrientedByMail string
	Status         string
	// Cancellable offers to cancel the seat (the session has not started).
	Cancellable bool
}

// structureContacts say how a person wants to be told, as the structure reads it.
var structureContacts = map[string]string{
	enrollment.ContactSMS:          "par SMS",
	enrollment.ContactEmail:        "par courriel",
	enrollment.ContactProfessional: "par le professionnel qui l'a orientée",
	enrollment.ContactPaper:        "sur papier seulement : pas de SMS ni de courriel",
}

// cancelledBy says who cancelled a seat.
var cancelledBy = map[string]string{
	enrollment.ByPerson:       "annulé par la personne",
	enrollment.ByProfessional: "annulé par le professionnel",
	enrollment.ByStructure:    "annulé par la structure",
}

func (s *server) newPersonLine(l enrollment.Line, sess *workshops.Session, voc *workshops.Vocabulary) personLine {
	b, e := l.Booking, l.Enrollment
	p := personLine{BookingID: b.ID, EnrollmentID: e.ID, Name: strings.TrimSpace(b.FirstName + " " + b.LastName),
		Erased: b.PurgedAt != nil, Email: b.Email, Contact: structureContacts[b.Contact],
		Level: enrollment.LevelLabel(voc, b.Level), Needs: b.Person().Needs(), OrientedByMail: l.OrientedByMail}
	if b.Phone != "" {
		p.Phone, p.Tel = enrollment.DisplayPhone(b.Phone), template.URL("tel:"+b.Phone) // E.164, checked at enrollment
	}
	if !b.SelfEnrolled() {
		p.OrientedBy = l.OrientedByName
		if b.Organisation != "" {
			p.OrientedBy = strings.TrimPrefix(p.OrientedBy+", "+b.Organisation, ", ")
		}
	}
	switch e.Status {
	case enrollment.Confirmed:
		p.Status = "confirmé"
	case enrollment.Attended:
		p.Status = "présent"
	case enrollment.Absent:
		p.Status = "absent"
	case enrollment.Waitlisted:
		p.Status = "liste d'attente n°" + strconv.Itoa(e.Position)
	case enrollment.Cancelled:
		p.Status = cancelledBy[e.CancelledBy]
		if p.Status == "" {
			p.Status = "annulé (séance annulée)"
		}
		if e.CancelledAt != nil {
			p.Status += " le " + frDate(*e.CancelledAt)
		}
	}
	p.Cancellable = (e.Status == enrollment.Confirmed || e.Status == enrollment.Waitlisted) &&
		!sess.Cancelled() && sess.StartsAt.After(s.ws.Now())
	return p
}

func (s *server) personLines(lines []enrollment.Line, r *enrollment.Roster) []personLine {
	out := make([]personLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, s.newPersonLine(l, r.Session, r.Vocabulary))
	}
	return out
}

// rosterView is /manage/sessions/{id}/roster.
type rosterView struct {
	Layout
	Session   sessionHeader
	Confirmed peopleTable
	Waiting   peopleTable
	Cancelled peopleTable
}

// peopleTable is a table of people of a session, with their cancel buttons.
type peopleTable struct {
	Caption   string
	People    []personLine
	CSRF      string
	SessionID int64
}

// rosterPage shows who is enrolled in a session or waits, how to reach them, their level
// and needs, and who oriented them.
func (s *server) rosterPage(c *fiber.Ctx) error {
	r, err := s.roster(c, enrollment.PurposeRoster)
	if err != nil {
		return err
	}
	h := s.newSessionHeader(r.Session)
	v := rosterView{Layout: s.layout(c, "Inscrits — "+h.Workshop+", "+h.Line.Date, "manage"), Session: h}
	table := func(caption string, lines []enrollment.Line) peopleTable {
		return peopleTable{Caption: caption, People: s.personLines(lines, r), CSRF: v.CSRF, SessionID: h.ID}
	}
	confirmed := r.Confirmed()
	v.Confirmed = table(sentence(plural(len(confirmed), "personne", "personnes")+" avec une place"), confirmed)
	v.Waiting = table("Liste d'attente, dans l'ordre", r.Waiting())
	v.Cancelled = table("Inscriptions annulées", r.Cancelled())
	return s.render(c, http.StatusOK, "manage_roster", v)
}

// roster reads the roster of the route's session for a purpose.
func (s *server) roster(c *fiber.Ctx, purpose string) (*enrollment.Roster, error) {
	id, err := paramID(c)
	if err != nil {
		return nil, err
	}
	return s.en.Roster(c.UserContext(), actor(c), id, purpose)
}

// cancelBooking cancels a person's seats from the structure's roster, once confirmed.
// The form says which roster to go back to.
func (s *server) cancelBooking(c *fiber.Ctx) error {
	back := "/manage"
	if sid, err := strconv.ParseInt(c.FormValue("session"), 10, 64); err == nil && sid > 0 {
		back = rosterURL(sid)
	}
	return s.cancelWithConfirmation(c, bookingCancel{prefix: "/manage/bookings/", back: back, flash: "seat-cancelled", nav: "manage"})
}

// attendanceView is the émargement of a session: present or absent for each person
// holding a seat, in one form.
type attendanceView struct {
	Layout
	Session sessionHeader
	People  []attendanceLine
	// Unmarked counts the people whose presence is not recorded yet.
	Unmarked int
	// Error says the form was sent with nobody marked.
	Error string
}

// attendanceLine is one person of the émargement with their two choices.
type attendanceLine struct {
	Person  personLine
	ID      string
	Present bool
	Absent  bool
}

func (s *server) newAttendanceView(c *fiber.Ctx, r *enrollment.Roster, errMsg string) attendanceView {
	h := s.newSessionHeader(r.Session)
	v := attendanceView{Session: h, Error: errMsg}
	for _, l := range r.Confirmed() {
		a := attendanceLine{Person: s.newPersonLine(l, r.Session, r.Vocabulary), ID: "presence-" + strconv.FormatInt(l.Enrollment.ID, 10),
			Present: l.Enrollment.Status == enrollment.Attended, Absent: l.Enrollment.Status == enrollment.Absent}
		if !a.Present && !a.Absent {
			v.Unmarked++
		}
		v.People = append(v.People, a)
	}
	title := "Émargement — " + h.Workshop + ", " + h.Line.Date
	if errMsg != "" {
		title = "Erreur : " + title
	}
	v.Layout = s.layout(c, title, "manage")
	return v
}

// attendancePage is /manage/sessions/{id}/attendance.
func (s *server) attendancePage(c *fiber.Ctx) error {
	r, err := s.roster(c, enrollment.PurposeAttendance)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_attendance", s.newAttendanceView(c, r, ""))
}

// markAttendance saves the émargement: each "presence-<enrollment id>" field is present
// or absent; a person left unmarked stays so. A form with nobody marked is shown again.
func (s *server) markAttendance(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	marks := map[int64]bool{}
	for name, vals := range formValues(c) {
		rest, ok := strings.CutPrefix(name, "presence-")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		eid, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || eid <= 0 || (vals[0] != "present" && vals[0] != "absent") {
			return fiber.ErrBadRequest
		}
		marks[eid] = vals[0] == "present"
	}
	if len(marks) == 0 {
		r, err := s.roster(c, enrollment.PurposeAttendance)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "manage_attendance",
			s.newAttendanceView(c, r, "Indiquez pour chaque personne si elle est venue ou non."))
	}
	if err := s.en.MarkAttendance(c.UserContext(), actor(c), id, marks); err != nil {
		return err
	}
	return c.Redirect(flashURL(attendanceURL(id), "attendance-saved"), fiber.StatusSeeOther)
}

// sheetView is the printable attendance sheet of a session.
type sheetView struct {
	Layout
	Session sessionHeader
	People  []personLine
	Waiting []personLine
	// Blank are empty lines for the people who come without being enrolled, one per
	// seat left (at most ten).
	Blank []struct{}
}

// attendanceSheet is /manage/sessions/{id}/sheet: names, levels and needs of the people
// holding a seat, with a column to sign, to print before the session.
func (s *server) attendanceSheet(c *fiber.Ctx) error {
	r, err := s.roster(c, enrollment.PurposeSheet)
	if err != nil {
		return err
	}
	h := s.newSessionHeader(r.Session)
	v := sheetView{Layout: s.layout(c, "Feuille d'émargement — "+h.Workshop+", "+h.Line.Date, "manage"), Session: h,
		People: s.personLines(r.Confirmed(), r), Waiting: s.personLines(r.Waiting(), r)}
	v.Blank = make([]struct{}, min(r.Session.SeatsLeft(), 10))
	return s.render(c, http.StatusOK, "manage_sheet", v)
}
