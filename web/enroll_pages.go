package web

// Enrolling: the orientation form with its level check (a professional, or the structure's
// team, enrolls a person), and the public self-enrollment form. Both land on the person's
// page (booking_pages.go), the confirmation with the convocation.

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"enrolled":          "L'inscription est enregistrée.",
		"self-enrolled":     "Votre inscription est enregistrée.",
		"booking-cancelled": "L'inscription est annulée. La place est libérée pour quelqu'un d'autre.",
	})
}

// alternativesShown bounds the sessions proposed when the level does not fit.
const alternativesShown = 3

// Fields of the enrollment forms beyond the person's.
const (
	// keyField carries the idempotency key drawn when the form is shown: submitting the
	// same form again (double click, back button, retried POST) returns the first booking.
	keyField = "idempotency_key"
	// goAheadField holds the level the professional saw the warning for and went ahead
	// anyway with: another level is checked again.
	goAheadField = "go_ahead"
)

// personFields are the fields of a person, in page order (the error summary's order, and
// what the alternatives' one-click forms carry).
var personFields = []string{"first_name", "last_name", "phone", "email", "contact", "level", "needs", "french_language", "consent"}

// Needs, as checkboxes of the "needs" field, worded for the professional and for the person.
var (
	orientNeeds = workshops.Choices{
		{Code: "device", Label: "A besoin qu'on lui prête un appareil (smartphone, tablette ou ordinateur)"},
		{Code: "french", Label: "Parle peu le français"},
		{Code: "mobility", Label: "Se déplace difficilement (mobilité réduite)"},
		{Code: "hearing", Label: "Entend mal (handicap auditif)"},
		{Code: "visual", Label: "Voit mal (handicap visuel)"},
	}
	selfNeeds = workshops.Choices{
		{Code: "device", Label: "J'ai besoin qu'on me prête un appareil (smartphone, tablette ou ordinateur)"},
		{Code: "french", Label: "Je parle peu le français"},
		{Code: "mobility", Label: "Je me déplace difficilement (mobilité réduite)"},
		{Code: "hearing", Label: "J'entends mal (handicap auditif)"},
		{Code: "visual", Label: "Je vois mal (handicap visuel)"},
	}
	// selfContacts leaves out "through the professional": nobody oriented the person.
	selfContacts = workshops.Choices{
		{Code: enrollment.ContactSMS, Label: "Par SMS"},
		{Code: enrollment.ContactEmail, Label: "Par courriel"},
		{Code: enrollment.ContactPaper, Label: "Sur papier seulement : j'imprime ou je garde la page de mon inscription"},
	}
)

// errSelfEnrollmentClosed answers the self-enrollment form of a workshop that does not
// take it.
var errSelfEnrollmentClosed = fiber.NewError(http.StatusForbidden,
	"Cet atelier ne prend pas d'inscription directe en ligne. Pour vous inscrire, contactez la structure qui l'organise.")

// enrollView is the orientation form, or the self-enrollment form.
type enrollView struct {
	Layout
	Self    bool
	Action  string
	Session enrollSession
	Form    *formState
	// The form's fields, laid out by the "onb-*" and "e-*" templates.
	FirstName, LastName, Phone, Email, FrenchLanguage formField
	Contact, Level                                    radioField
	Needs                                             formField
	Consent                                           consentField
	// GoAhead keeps the level the professional decided to enroll with despite the check.
	GoAhead string
	// Check is set when the person's level is outside the workshop's range.
	Check *levelWarning
	// Problem says why the enrollment could not be made (full, closed, already enrolled).
	Problem string
	// Limited says that too many self-enrollments came from this connection.
	Limited string
}

// enrollSession is what an enrollment form says of the session.
type enrollSession struct {
	URL       string
	Title     string
	Date      string
	ISO       string
	TimeRange string
	Where     string
	Structure string
	Levels    levelBadge
	Seats     string
	// Waiting says the person will be on the waiting list; Full that there is none.
	Waiting, Full bool
	Parcours      []dateLine
}

// levelWarning is the level check: the person's level is outside the workshop's range.
type levelWarning struct {
	Level        string
	Range        string
	Alternatives []alternative
	// Carry are the form's fields as posted, repeated by the alternatives' forms.
	Carry []hiddenField
}

// alternative is a session that fits the person's level, with its one-click form.
type alternative struct {
	Action    string
	URL       string
	Title     string
	Date      string
	ISO       string
	TimeRange string
	Where     string
	Structure string
	Seats     string
}

type hiddenField struct{ Name, Value string }

// radioField is a group of radio buttons, each with an optional description.
type radioField struct {
	ID, Name, Legend, Hint, Error string
	Options                       []radioOption
}

type radioOption struct {
	ID, Value, Label, Hint string
	Checked                bool
}

// DescribedBy returns the ids of the hint and error that describe the group.
func (r radioField) DescribedBy() string {
	return field{ID: r.ID, Hint: r.Hint, Error: r.Error}.DescribedBy()
}

// consentField is the required consent: the exact text, and the box that records it.
type consentField struct {
	ID, Text, Label, Error string
	Checked                bool
}

// enrollmentClosed reports whether a session (or any session of its parcours) is
// cancelled or started: the forms say so at once rather than after being filled in.
func enrollmentClosed(lc *workshops.LevelCheck, now time.Time) bool {
	sessions := lc.Parcours
	if len(sessions) == 0 {
		sessions = []workshops.Session{*lc.Session}
	}
	for _, sess := range sessions {
		if sess.Cancelled() || !sess.StartsAt.After(now) {
			return true
		}
	}
	return false
}

// orientPage is GET /sessions/{id}/enroll: the orientation form.
func (s *server) orientPage(c *fiber.Ctx) error { return s.enrollFormPage(c, false) }

// selfEnrollPage is GET /sessions/{id}/self-enroll: the public form of a workshop that
// takes self-enrollment. It is a page of its own, so that the session page stays free
// of the CSRF session every form needs (see protectForms).
func (s *server) selfEnrollPage(c *fiber.Ctx) error { return s.enrollFormPage(c, true) }

// enrollFormPage shows an enrollment form with a fresh idempotency key, or says at once
// why it cannot be used.
func (s *server) enrollFormPage(c *fiber.Ctx, self bool) error {
	lc, err := s.levelCheck(c, "", 0)
	if err != nil {
		return err
	}
	switch {
	case self && !lc.Session.Workshop.OpenEnrollment():
		return errSelfEnrollmentClosed
	case !self && !enrollment.MayOrient(actor(c), lc.Session.Structure):
		return workshops.ErrForbidden
	case enrollmentClosed(lc, s.ws.Now()):
		return enrollment.ErrClosed
	}
	v := s.newEnrollView(c, lc, self, url.Values{keyField: {rand.Text()}}, nil)
	return s.render(c, http.StatusOK, "enroll", v)
}

// levelCheck reads the session of the route, for a person of a level (see
// workshops.Service.CheckLevel).
func (s *server) levelCheck(c *fiber.Ctx, level string, alternatives int) (*workshops.LevelCheck, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, workshops.ErrNotFound
	}
	return s.ws.CheckLevel(c.UserContext(), id, level, alternatives)
}

// orient is POST /sessions/{id}/enroll. A level outside the workshop's range shows the
// form again with alternatives, unless the professional goes ahead; then one booking.
func (s *server) orient(c *fiber.Ctx) error {
	vals := formValues(c)
	level := vals.Get("level")
	if level == vals.Get(goAheadField) {
		level = "" // seen and decided: nothing to check
	}
	lc, err := s.levelCheck(c, level, alternativesShown)
	if err != nil {
		return err
	}
	p := principal(c)
	if !enrollment.MayOrient(p.Actor(), lc.Session.Structure) {
		return workshops.ErrForbidden
	}
	if !lc.Fits {
		v := s.newEnrollView(c, lc, false, vals, nil)
		v.Check = newLevelWarning(lc, vals)
		v.GoAhead = vals.Get("level")
		v.Title = "Vérifier le niveau : " + v.Title
		return s.render(c, http.StatusOK, "enroll", v)
	}
	org := ""
	if p.Professional != nil {
		org = p.Professional.Organisation
	}
	res, err := s.en.Enroll(c.UserContext(), p.Actor(), enrollment.Request{
		SessionID: lc.Session.ID, Person: personOf(vals), IdempotencyKey: vals.Get(keyField), Organisation: org,
		ConsentText: s.orientConsent(lc.Session.Structure, p.Actor().Name, org),
	})
	return s.afterEnroll(c, lc, false, vals, res, err)
}

// selfEnroll is POST /sessions/{id}/self-enroll, rate-limited per IP (ratelimit.go). A
// robot that filled the hidden field is answered as if enrolled, and nothing is stored.
func (s *server) selfEnroll(c *fiber.Ctx) error {
	vals := formValues(c)
	if vals.Get(honeypotField) != "" {
		return c.Redirect(flashURL("/sessions/"+c.Params("id"), "self-enrolled"), fiber.StatusSeeOther)
	}
	lc, err := s.levelCheck(c, "", 0)
	if err != nil {
		return err
	}
	if !lc.Session.Workshop.OpenEnrollment() {
		return errSelfEnrollmentClosed
	}
	res, err := s.en.Enroll(c.UserContext(), workshops.Actor{}, enrollment.Request{
		SessionID: lc.Session.ID, Person: personOf(vals), IdempotencyKey: vals.Get(keyField), Self: true,
		ConsentText: s.selfConsent(lc.Session.Structure),
	})
	return s.afterEnroll(c, lc, true, vals, res, err)
}

// selfEnrollLimited answers a self-enrollment over the rate limit: the form as filled,
// with the message.
func (s *server) selfEnrollLimited(c *fiber.Ctx, msg string) error {
	lc, err := s.levelCheck(c, "", 0)
	if err != nil {
		return err
	}
	v := s.newEnrollView(c, lc, true, formValues(c), nil)
	v.Title = "Erreur : " + v.Title
	v.Limited = msg
	return s.render(c, http.StatusTooManyRequests, "enroll", v)
}

// afterEnroll answers an enrollment: the person's page, or the form again with what
// went wrong.
func (s *server) afterEnroll(c *fiber.Ctx, lc *workshops.LevelCheck, self bool, vals url.Values, res *enrollment.Result, err error) error {
	if ve := validationOf(err); ve != nil {
		v := s.newEnrollView(c, lc, self, vals, ve)
		v.Title = "Erreur : " + v.Title
		return s.render(c, http.StatusUnprocessableEntity, "enroll", v)
	}
	if errors.Is(err, enrollment.ErrFull) || errors.Is(err, enrollment.ErrClosed) || errors.Is(err, enrollment.ErrAlreadyEnrolled) {
		v := s.newEnrollView(c, lc, self, vals, nil)
		v.Title = "Erreur : " + v.Title
		// The domain's conflicts are French sentences without their capital and stop.
		v.Problem = sentence(err.Error()) + "."
		return s.render(c, http.StatusConflict, "enroll", v)
	}
	if err != nil {
		return err
	}
	code := "enrolled"
	if self {
		code = "self-enrolled"
	}
	return c.Redirect(flashURL(s.localPath(res.CancelURL), code), fiber.StatusSeeOther)
}

// localPath turns an absolute link of this site into its path.
func (s *server) localPath(abs string) string {
	return strings.TrimPrefix(abs, s.base.String())
}

// personOf reads the person's fields of a form.
func personOf(vals url.Values) enrollment.Person {
	needs := vals["needs"]
	return enrollment.Person{
		FirstName: vals.Get("first_name"), LastName: vals.Get("last_name"), Phone: vals.Get("phone"), Email: vals.Get("email"),
		Contact: vals.Get("contact"), Level: vals.Get("level"),
		NeedsDevice: slices.Contains(needs, "device"), NeedsFrench: slices.Contains(needs, "french"),
		FrenchLanguage: vals.Get("french_language"), NeedsMobility: slices.Contains(needs, "mobility"),
		NeedsHearing: slices.Contains(needs, "hearing"), NeedsVisual: slices.Contains(needs, "visual"),
		Consent: vals.Get("consent") == "oui",
	}
}

// newEnrollView lays out an enrollment form showing vals and the messages of ve.
func (s *server) newEnrollView(c *fiber.Ctx, lc *workshops.LevelCheck, self bool, vals url.Values, ve *workshops.ValidationError) enrollView {
	sess, w := lc.Session, lc.Session.Workshop
	now := s.ws.Now()
	title := "Inscrire une personne"
	if self {
		title = "M'inscrire"
	}
	form := newForm("enroll", vals, ve, append(slices.Clone(personFields), keyField)...)
	v := enrollView{
		Layout: s.layout(c, title+" : "+w.Title+", "+frDate(sess.StartsAt), "calendar"),
		Self:   self,
		Action: sessionURL(sess.ID) + "/enroll",
		Form:   form,
		Session: enrollSession{
			URL: sessionURL(sess.ID), Title: w.Title, Date: frDate(sess.StartsAt), ISO: isoTime(sess.StartsAt),
			TimeRange: frTimeRange(sess.StartsAt, sess.EndsAt), Where: sess.Location().OneLine(), Structure: sess.Structure.Name,
			Levels: newLevelBadge(lc.Vocabulary, w.LevelMin, w.LevelMax), Seats: seatsText(sess),
		},
		GoAhead: vals.Get(goAheadField),
	}
	seatsLeft := sess.SeatsLeft()
	if self {
		v.Action = sessionURL(sess.ID) + "/self-enroll"
		seatsLeft = max(0, seatsLeft-w.ReservedSeats)
		v.Session.Seats = plural(seatsLeft, "place restante", "places restantes")
	}
	for _, g := range lc.Parcours {
		if seatsLeft > 0 && g.SeatsLeft() == 0 {
			seatsLeft = 0
		}
		v.Session.Parcours = append(v.Session.Parcours, newDateLine(now, &g, sess.ID))
	}
	if seatsLeft == 0 {
		v.Session.Waiting, v.Session.Full = !w.NoWaitlist, w.NoWaitlist
	}

	contacts, needs := enrollment.Contacts, orientNeeds
	who := "la personne"
	if self {
		contacts, needs = selfContacts, selfNeeds
	}
	v.FirstName = form.Input("first_name", "Prénom ou initiales", "text", "off", "")
	v.LastName = form.Optional("last_name", "Nom", "text", "off", "")
	v.Phone = form.Optional("phone", "Téléphone portable", "tel", "off", "Pour recevoir un SMS. Par exemple : 06 12 34 56 78.")
	v.Email = form.Optional("email", "Adresse électronique", "email", "off", "Par exemple : prenom.nom@exemple.fr.")
	v.Contact = radios(form, "contact", "Comment "+who+" veut être prévenue", "", contacts, nil)
	v.Needs = form.Checks("needs", "Besoins", "Cochez ce qui compte pour l'accueil. Rien n'est obligatoire.", needs)
	v.FrenchLanguage = form.Optional("french_language", "Langue parlée", "text", "off", "Si "+who+" parle peu le français : quelle langue parle-t-elle ?")
	v.Consent = consentField{ID: form.ID("consent"), Error: form.Error("consent"), Checked: vals.Get("consent") == "oui"}
	levelLegend, levelHint := "Niveau de la personne en numérique", "Le niveau que vous avez constaté avec elle."
	if self {
		v.FirstName = form.Input("first_name", "Votre prénom (ou vos initiales)", "text", "given-name", "")
		v.LastName = form.Optional("last_name", "Votre nom", "text", "family-name", "")
		v.Phone.Autocomplete, v.Email.Autocomplete = "tel", "email"
		v.Contact.Legend = "Comment voulez-vous être prévenu ou prévenue ?"
		v.FrenchLanguage.Hint = "Si vous parlez peu le français : quelle langue parlez-vous ?"
		levelLegend, levelHint = "Votre niveau en numérique", "Choisissez la phrase qui vous ressemble le plus."
		v.Consent.Text, v.Consent.Label = s.selfConsent(sess.Structure), "J'ai lu ce texte et je suis d'accord."
	} else {
		p := principal(c)
		org := ""
		if p.Professional != nil {
			org = p.Professional.Organisation
		}
		v.Consent.Text = s.orientConsent(sess.Structure, p.Actor().Name, org)
		v.Consent.Label = "J'ai lu ce texte à la personne et elle est d'accord."
	}
	levels := make(workshops.Choices, 0, len(lc.Vocabulary.Levels)+1)
	hints := map[string]string{}
	for _, l := range lc.Vocabulary.Levels {
		levels = append(levels, workshops.Choice{Code: l.Code, Label: l.Label})
		hints[l.Code] = l.Description
	}
	notAssessed := "Non évalué"
	if self {
		notAssessed = "Je ne sais pas"
	}
	levels = append(levels, workshops.Choice{Code: enrollment.LevelNotAssessed, Label: notAssessed})
	v.Level = radios(form, "level", levelLegend, levelHint, levels, hints)
	return v
}

// radios lays out a group of radio buttons; the first has the group's id, so that the
// error summary leads to it.
func radios(f *formState, name, legend, hint string, choices workshops.Choices, hints map[string]string) radioField {
	r := radioField{ID: f.ID(name), Name: name, Legend: legend, Hint: hint, Error: f.Error(name)}
	for i, ch := range choices {
		id := r.ID
		if i > 0 {
			id += "-" + strconv.Itoa(i)
		}
		r.Options = append(r.Options, radioOption{ID: id, Value: ch.Code, Label: ch.Label, Hint: hints[ch.Code], Checked: f.Value(name) == ch.Code})
	}
	return r
}

// newLevelWarning says that the person's level is outside the workshop's range, with the
// sessions that fit and the fields their one-click forms repeat.
func newLevelWarning(lc *workshops.LevelCheck, vals url.Values) *levelWarning {
	voc, w := lc.Vocabulary, lc.Session.Workshop
	lw := &levelWarning{Range: newLevelBadge(voc, w.LevelMin, w.LevelMax).Text}
	if l := voc.Level(vals.Get("level")); l != nil {
		lw.Level = l.Label
	}
	for _, name := range append(slices.Clone(personFields), keyField) {
		for _, v := range vals[name] {
			lw.Carry = append(lw.Carry, hiddenField{Name: name, Value: v})
		}
	}
	for i := range lc.Alternatives {
		a := &lc.Alternatives[i]
		lw.Alternatives = append(lw.Alternatives, alternative{
			Action: sessionURL(a.ID) + "/enroll", URL: sessionURL(a.ID), Title: a.Workshop.Title,
			Date: frDate(a.StartsAt), ISO: isoTime(a.StartsAt), TimeRange: frTimeRange(a.StartsAt, a.EndsAt),
			Where: a.Location().OneLine(), Structure: a.Structure.Name, Seats: seatsText(a),
		})
	}
	return lw
}

// orientConsent is the exact text a professional reads to the person: what is shared,
// with whom, for what, and for how long.
func (s *server) orientConsent(st *workshops.Structure, pro, org string) string {
	me := pro
	if org != "" {
		me += " (" + org + ")"
	}
	return "Le prénom de la personne, son nom, son téléphone et son adresse électronique (s'ils sont donnés), " +
		"son niveau en numérique et ses besoins sont transmis à " + st.Name + ", qui organise l'atelier, " +
		"pour l'inscrire, la prévenir et l'accueillir, et à moi, " + me + ", pour suivre son inscription. " +
		"Rien d'autre n'est transmis. Ces informations sont effacées " + s.retentionText() + " après l'atelier. " +
		"La personne peut demander à les voir ou à les effacer en s'adressant à " + st.Name + "."
}

// selfConsent is the consent text of the person who enrolls themselves.
func (s *server) selfConsent(st *workshops.Structure) string {
	return "Mon prénom, mon nom, mon téléphone et mon adresse électronique (si je les donne), " +
		"mon niveau en numérique et mes besoins sont transmis à " + st.Name + ", qui organise l'atelier, " +
		"pour m'inscrire, me prévenir et m'accueillir. Rien d'autre n'est transmis. " +
		"Ces informations sont effacées " + s.retentionText() + " après l'atelier. " +
		"Je peux demander à les voir ou à les effacer en m'adressant à " + st.Name + "."
}

// retentionText says how long personal data is kept: "un an", "2 ans", "180 jours".
func (s *server) retentionText() string {
	days := s.retentionDays
	switch {
	case days == 365:
		return "un an"
	case days%365 == 0:
		return strconv.Itoa(days/365) + " ans"
	}
	return strconv.Itoa(days) + " jours"
}
