package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"sessions-created":  "Les séances sont créées. Chacune peut maintenant être modifiée à part.",
		"session-saved":     "Les modifications de la séance sont enregistrées.",
		"session-moved":     "La séance est déplacée. Les agendas abonnés se mettront à jour.",
		"session-cancelled": "La séance est annulée. Elle reste affichée comme annulée, avec la raison.",
		"session-deleted":   "La séance est supprimée.",
	})
}

// sessionEditing changes sessions for the management pages and the API. The enrollment
// service does it when the application has one: it knows who will be told of a change,
// and promotes who waits when the capacity grows; the calendar alone does otherwise.
type sessionEditing interface {
	SessionEditor(ctx context.Context, actor workshops.Actor, id int64) (*workshops.SessionEditor, error)
	ChangeSession(ctx context.Context, actor workshops.Actor, id int64, edit workshops.SessionEdit) (*workshops.SessionEditor, error)
	CancelSessionWithReason(ctx context.Context, actor workshops.Actor, id int64, reason string) (*workshops.SessionEditor, error)
	RemoveSession(ctx context.Context, actor workshops.Actor, id int64) (*workshops.SessionEditor, error)
	UpdateSession(ctx context.Context, actor workshops.Actor, id int64, ch workshops.SessionChange) (*workshops.Session, error)
}

// sessionFieldNames turn the domain's names of a session's fields into the form's.
var sessionFieldNames = map[string]string{"starts_at": "start", "ends_at": "end"}

// placeChoices are the menu of where a session happens: the structure's address, or one
// of its places.
func placeChoices(st *workshops.Structure, places []workshops.Place) []choiceOption {
	out := []choiceOption{{Value: "", Label: st.Name + " (adresse de la structure)"}}
	for _, p := range places {
		out = append(out, choiceOption{Value: strconv.FormatInt(p.ID, 10), Label: p.Name + ", " + p.Town})
	}
	return out
}

// scheduleView is the page adding sessions to a workshop.
type scheduleView struct {
	Layout
	Workshop    *workshops.Workshop
	WorkshopURL string
	Action      string
	Errors      []fieldError
	Frequency   choiceGroup
	First       field
	Until       field
	Dates       []field
	DatesError  string
	Start       field
	End         field
	Capacity    field
	Place       selectField
	Animator    field
	// Days are the dates to confirm, each with its skip checkbox; Seen marks them seen.
	Days     []plannedDayView
	Seen     string
	Sessions int
}

// plannedDayView is one day of a schedule, with its skip checkbox.
type plannedDayView struct {
	ID      string
	Value   string
	Day     string
	Holiday string
	Skipped bool
}

func (s *server) newScheduleView(c *fiber.Ctx, plan *workshops.SchedulePlan, values url.Values, rows int, ve *workshops.ValidationError) scheduleView {
	w := plan.Workshop
	f := newFormView("p-", values, ve.Renamed(sessionFieldNames))
	v := scheduleView{
		Workshop:    w,
		WorkshopURL: manageWorkshopURL(w.Slug),
		Action:      manageWorkshopURL(w.Slug) + "/sessions",
		Frequency: f.choices("frequency", "Quand ont lieu les séances", "", false, []choiceOption{
			{Value: workshops.Once, Label: "Une seule séance"},
			{Value: workshops.Weekly, Label: "Chaque semaine, entre deux dates"},
			{Value: workshops.Fortnightly, Label: "Toutes les deux semaines, entre deux dates"},
			{Value: workshops.OnDates, Label: "À des dates choisies (par exemple les séances d'un parcours)"},
		}),
		First: f.input("first", "Date de la séance, ou de la première séance d'une série", "date", ""),
		Until: f.input("until", "Dernière date possible d'une série", "date", "La série s'arrête à cette date, incluse."),
	}
	dates := values["dates"]
	for i := range max(rows, dateRows) {
		fl := field{ID: "p-dates-" + strconv.Itoa(i+1), Name: "dates", Type: "date",
			Label: "Date " + strconv.Itoa(i+1)}
		if i < len(dates) {
			fl.Value = dates[i]
		}
		if f.errors["dates"] != "" {
			fl.Type, fl.Placeholder = "text", "AAAA-MM-JJ"
		}
		v.Dates = append(v.Dates, fl)
	}
	f.remember("dates", "p-dates-1")
	v.DatesError = f.errors["dates"]
	v.Start = f.input("start", "Heure de début", "time", "Heure de Paris, la même toute l'année.")
	v.End = f.input("end", "Heure de fin", "time", "")
	v.Capacity = f.number("capacity", "Nombre de places", "")
	v.Place = f.menu("place", "Lieu", "", placeChoices(w.Structure, plan.Places))
	v.Animator = f.input("animator", "Animé par", "text", "Facultatif : le prénom de la personne qui anime.")
	for _, d := range plan.Days {
		v.Days = append(v.Days, plannedDayView{ID: "p-skip-" + d.Date.String(), Value: d.Date.String(),
			Day: frDate(d.Date.Start()), Holiday: d.Holiday, Skipped: d.Skipped})
	}
	f.remember("skip", "p-skip")
	if len(v.Days) > 0 {
		f.targets[len(f.targets)-1].id = v.Days[0].ID
	}
	v.Sessions = plan.Sessions()
	v.Errors = f.summary()
	v.Layout = s.layout(c, errorTitle("Ajouter des séances — "+w.Title, v.Errors), "manage")
	return v
}

// scheduleDefaults are the form's first values: the workshop's capacity and duration.
func scheduleDefaults(w *workshops.Workshop) url.Values {
	start := workshops.Clock{Hour: 14}
	endMin := min(start.Hour*60+w.DefaultDurationMinutes, 23*60+59)
	freq := workshops.Once
	if w.Parcours() {
		freq = workshops.OnDates
	}
	return url.Values{"frequency": {freq}, "start": {start.String()},
		"end":      {workshops.Clock{Hour: endMin / 60, Minute: endMin % 60}.String()},
		"capacity": {strconv.Itoa(w.DefaultCapacity)}}
}

// newSessionsPage is /manage/workshops/{slug}/sessions/new.
func (s *server) newSessionsPage(c *fiber.Ctx) error {
	plan, err := s.ws.SessionPlanner(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_sessions_new", s.newScheduleView(c, plan, scheduleDefaults(plan.Workshop), dateRows, nil))
}

// createSessions is the form adding sessions, in two steps: "Voir les dates" lists the
// days with the public holidays they fall on proposed as skipped, then "Créer" stores
// them. Creating dates the mediator has not seen listed shows them first.
func (s *server) createSessions(c *fiber.Ctx) error {
	values := formValues(c)
	f, perr := parseScheduleForm(values)
	ctx, slug := c.UserContext(), c.Params("slug")
	if values.Get("step") == "more" {
		// More lines for dates: nothing is checked yet.
		plan, err := s.ws.SessionPlanner(ctx, actor(c), slug)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "manage_sessions_new", s.newScheduleView(c, plan, values, f.Rows, nil))
	}
	key := dateKey(f.Schedule)
	seen := f.Seen != "" && f.Seen == key
	plan, err := s.ws.PlanSessions(ctx, actor(c), slug, workshops.ScheduleRequest{
		Schedule: f.Schedule, Invalid: validationOf(perr), ProposeHolidays: !seen, Create: f.Create && seen,
	})
	if plan == nil {
		return err
	}
	ve := validationOf(err)
	if err != nil && ve == nil {
		return err
	}
	if err == nil && len(plan.Created) > 0 {
		return c.Redirect(flashURL(manageWorkshopURL(plan.Workshop.Slug), "sessions-created")+"#seances", fiber.StatusSeeOther)
	}
	if ve != nil && f.Schedule.Frequency == workshops.OnDates {
		// The count of sessions is about the dates chosen, not a series' last date.
		ve = ve.Renamed(map[string]string{"until": "dates"})
	}
	v := s.newScheduleView(c, plan, values, f.Rows, ve)
	if len(plan.Days) > 0 {
		v.Seen = key
	}
	status := http.StatusOK
	if ve != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "manage_sessions_new", v)
}

// sessionManageView is a session's management page: change, cancel or delete it.
type sessionManageView struct {
	Layout
	Session      *workshops.Session
	Workshop     *workshops.Workshop
	WorkshopURL  string
	PublicURL    string
	Line         manageSessionLine
	CancelReason string
	Errors       []fieldError
	Date         field
	Start        field
	End          field
	Place        selectField
	Capacity     field
	Animator     field
	// Move shows a change of date, time or place before it is saved.
	Move *moveView
	// Recipients are who will be told of a move or a cancellation.
	Recipients []workshops.Recipient
	Reason     textArea
	Deletable  bool
	// Conflict explains why the action asked for is not possible.
	Conflict string
	// RosterURL, SheetURL and AttendanceURL lead to who is enrolled, the printable
	// attendance sheet and the émargement (once the session has started).
	RosterURL, SheetURL, AttendanceURL string
	Started                            bool
}

// moveView shows a session before and after a move.
type moveView struct {
	Before, After string
}

func (s *server) newSessionManageView(c *fiber.Ctx, ed *workshops.SessionEditor, values url.Values, ve *workshops.ValidationError) sessionManageView {
	sess := ed.Session
	f := newFormView("e-", values, ve.Renamed(sessionFieldNames))
	v := sessionManageView{
		Session:      sess,
		Workshop:     sess.Workshop,
		WorkshopURL:  manageWorkshopURL(sess.Workshop.Slug),
		Line:         newManageSessionLine(s.ws.Now(), sess),
		CancelReason: sess.CancelReason,
		Date:         f.input("date", "Date", "date", ""),
		Start:        f.input("start", "Heure de début", "time", "Heure de Paris."),
		End:          f.input("end", "Heure de fin", "time", ""),
		Place:        f.menu("place", "Lieu", "", placeChoices(sess.Structure, ed.Places)),
		Capacity: f.number("capacity", "Nombre de places",
			"Il peut toujours augmenter ; il ne peut pas descendre sous le nombre de places déjà prises."),
		Animator:      f.input("animator", "Animé par", "text", ""),
		Recipients:    ed.Recipients,
		Deletable:     ed.Deletable(),
		RosterURL:     rosterURL(sess.ID),
		SheetURL:      sheetURL(sess.ID),
		AttendanceURL: attendanceURL(sess.ID),
		Started:       !sess.StartsAt.After(s.ws.Now()),
	}
	v.Reason = f.area("cancel_reason", "Raison de l'annulation", "Elle sera affichée sur la page de la séance, par exemple « Animatrice malade ».", 3)
	if sess.Workshop.Status == workshops.WorkshopPublished && sess.Structure.Status == workshops.StructureActive {
		v.PublicURL = sessionURL(sess.ID)
	}
	if m := ed.Move; m != nil {
		v.Move = &moveView{Before: sessionWhenWhere(&m.Before, sess.Structure), After: sessionWhenWhere(&m.After, sess.Structure)}
	}
	v.Errors = f.summary()
	v.Layout = s.layout(c, errorTitle(sess.Workshop.Title+", "+frDate(sess.StartsAt), v.Errors), "manage")
	return v
}

// sessionWhenWhere says when and where a session happens, on one line.
func sessionWhenWhere(sess *workshops.Session, st *workshops.Structure) string {
	where := st.Name
	if sess.Place != nil && sess.PlaceID != 0 {
		where = sess.Place.Name
	}
	return frDate(sess.StartsAt) + ", " + frTimeRange(sess.StartsAt, sess.EndsAt) + " — " + where
}

// sessionValues are the form's values for a stored session.
func sessionValues(sess *workshops.Session) url.Values {
	v := url.Values{
		"date":     {workshops.DateOf(sess.StartsAt).String()},
		"start":    {sess.StartsAt.In(workshops.Paris).Format("15:04")},
		"end":      {sess.EndsAt.In(workshops.Paris).Format("15:04")},
		"capacity": {strconv.Itoa(sess.Capacity)},
		"animator": {sess.Animator},
		"place":    {""},
	}
	if sess.PlaceID != 0 {
		v.Set("place", strconv.FormatInt(sess.PlaceID, 10))
	}
	return v
}

// editSessionPage is /manage/sessions/{id}.
func (s *server) editSessionPage(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ed, err := s.editor.SessionEditor(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "manage_session", s.newSessionManageView(c, ed, sessionValues(ed.Session), nil))
}

// updateSession saves a session's form. A move (date, time or place) is first shown with
// who will be told, and saved once confirmed.
func (s *server) updateSession(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	values := formValues(c)
	edit, perr := parseSessionForm(values)
	edit.Invalid = validationOf(perr)
	ed, err := s.editor.ChangeSession(c.UserContext(), actor(c), id, edit)
	if ed != nil && err != nil {
		return s.renderSessionProblem(c, ed, values, err)
	}
	if err != nil {
		return err
	}
	if ed.Move != nil {
		values.Set("confirm", "1")
		return s.render(c, http.StatusOK, "manage_session", s.newSessionManageView(c, ed, values, nil))
	}
	code := "session-saved"
	if edit.Confirmed {
		code = "session-moved"
	}
	return c.Redirect(flashURL(manageSessionURL(id), code), fiber.StatusSeeOther)
}

// renderSessionProblem shows a session's page again after a mistake (422) or an action the
// session's state forbids (409), keeping what was typed.
func (s *server) renderSessionProblem(c *fiber.Ctx, ed *workshops.SessionEditor, values url.Values, err error) error {
	if ve := validationOf(err); ve != nil {
		return s.render(c, http.StatusUnprocessableEntity, "manage_session", s.newSessionManageView(c, ed, values, ve))
	}
	if errors.Is(err, workshops.ErrConflict) {
		if values.Get("date") == "" {
			values = mergeValues(sessionValues(ed.Session), values)
		}
		v := s.newSessionManageView(c, ed, values, nil)
		v.Conflict = sentence(problemDetail(err, http.StatusConflict))
		v.Title = "Erreur : " + v.Title
		return s.render(c, http.StatusConflict, "manage_session", v)
	}
	return err
}

// mergeValues returns base with the fields of over replacing its own.
func mergeValues(base, over url.Values) url.Values {
	for k, vs := range over {
		base[k] = vs
	}
	return base
}

// cancelSession cancels a session with a reason shown to the public.
func (s *server) cancelSession(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	values := formValues(c)
	ed, err := s.editor.CancelSessionWithReason(c.UserContext(), actor(c), id, values.Get("cancel_reason"))
	if ed != nil && err != nil {
		return s.renderSessionProblem(c, ed, mergeValues(sessionValues(ed.Session), values), err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL(manageSessionURL(id), "session-cancelled"), fiber.StatusSeeOther)
}

// deleteSession deletes a session nobody ever enrolled in; otherwise it explains (409)
// that the session must be cancelled instead.
func (s *server) deleteSession(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ed, err := s.editor.RemoveSession(c.UserContext(), actor(c), id)
	if ed != nil && err != nil {
		return s.renderSessionProblem(c, ed, sessionValues(ed.Session), err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL(manageWorkshopURL(ed.Session.Workshop.Slug), "session-deleted")+"#seances", fiber.StatusSeeOther)
}

// sentence trims a message and starts it with a capital letter.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
