package web

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
)

// otherDatesShown bounds the "other dates" list of a session page.
const otherDatesShown = 10

// sessionView is the data of a session page.
type sessionView struct {
	Layout
	WorkshopURL  string
	Workshop     *workshops.Workshop
	Session      *workshops.Session
	Date         string
	ISO          string
	TimeRange    string
	Duration     string
	Relative     string
	Over         bool
	Cancelled    bool
	CancelReason string
	Seats        string
	Full         bool
	Place        place
	Levels       levelBadge
	LevelInfos   []levelInfo
	Themes       []string
	LifeEvent    string
	Format       string
	Price        string
	PriceDetails string
	Languages    []string
	ToBring      []string
	Lent         []string
	Enrollment   string
	Contact      contact
	// Parcours lists every session of the parcours this session belongs to.
	Parcours []dateLine
	// Others lists the workshop's other upcoming sessions.
	Others      []dateLine
	CalendarURL string
	// OrientURL is the orientation form, for those who may enroll someone; SelfEnrollURL
	// the public form, when the workshop takes self-enrollment. Empty once too late.
	OrientURL     string
	SelfEnrollURL string
}

// sessionPage is /sessions/{id}: everything a person or a professional needs to decide and
// to get there.
func (s *server) sessionPage(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return workshops.ErrNotFound
	}
	d, err := s.ws.SessionDetail(c.UserContext(), id, otherDatesShown)
	if err != nil {
		return err
	}
	sess, voc, group, upcoming := d.Session, d.Vocabulary, d.Parcours, d.Upcoming

	w := sess.Workshop
	v := sessionView{
		Layout:       s.layout(c, w.Title+", "+frDate(sess.StartsAt), "calendar"),
		WorkshopURL:  workshopURL(w.Slug),
		Workshop:     w,
		Session:      sess,
		Date:         frDate(sess.StartsAt),
		ISO:          isoTime(sess.StartsAt),
		TimeRange:    frTimeRange(sess.StartsAt, sess.EndsAt),
		Duration:     frDuration(sess.EndsAt.Sub(sess.StartsAt)),
		Cancelled:    sess.Cancelled(),
		CancelReason: sess.CancelReason,
		Seats:        seatsText(sess),
		Full:         sess.Full(),
		Place:        newPlace(sess.Location()),
		Levels:       newLevelBadge(voc, w.LevelMin, w.LevelMax),
		LevelInfos:   levelInfos(voc, w.LevelMin, w.LevelMax),
		Themes:       themeLabels(w.Themes),
		Format:       workshops.Formats.Label(w.Format),
		Price:        workshops.Prices.Label(w.Price),
		PriceDetails: w.PriceDetails,
		Languages:    labels(workshops.Languages, w.Languages),
		ToBring:      labels(workshops.Devices, w.DevicesToBring),
		Lent:         labels(workshops.Devices, w.DevicesLent),
		Enrollment:   workshops.EnrollmentModes.Label(w.Enrollment),
		Contact:      newContact(sess.Structure),
		CalendarURL:  sessionURL(sess.ID) + ".ics",
	}
	v.Over = !sess.EndsAt.After(v.Now)
	if s.acc != nil && s.en != nil && !sess.Cancelled() && sess.StartsAt.After(v.Now) {
		if a := actor(c); !a.Anonymous() && enrollment.MayOrient(a, sess.Structure) {
			v.OrientURL = sessionURL(sess.ID) + "/enroll"
		}
		if w.OpenEnrollment() {
			v.SelfEnrollURL = sessionURL(sess.ID) + "/self-enroll"
		}
	}
	v.Relative = relDays(v.Now, sess.StartsAt)
	if w.LifeEvent != "" {
		v.LifeEvent = workshops.LifeEvents.Label(w.LifeEvent)
	}
	v.Description = w.Title + " : séance du " + v.Date + ", " + v.TimeRange + ", " + v.Place.Town + "."
	v.FeedURL = s.abs(v.CalendarURL)
	inGroup := map[int64]bool{sess.ID: true}
	for i := range group {
		inGroup[group[i].ID] = true
		v.Parcours = append(v.Parcours, newDateLine(v.Now, &group[i], sess.ID))
	}
	for i := range upcoming {
		if !inGroup[upcoming[i].ID] && len(v.Others) < otherDatesShown {
			v.Others = append(v.Others, newDateLine(v.Now, &upcoming[i], sess.ID))
		}
	}
	return s.render(c, http.StatusOK, "session", v)
}
