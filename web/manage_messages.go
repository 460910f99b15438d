package web

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{"convocation-handed": "C'est noté : la convocation est remise."})
}

// structureOutboxStatuses are the tabs of a structure's messages.
var structureOutboxStatuses = []outboxStatusTab{
	{"", "Tous"}, {notify.StatusFailed, "En échec"}, {notify.StatusPending, "En attente"}, {notify.StatusSent, "Envoyés"},
}

// structureMessagesView is a structure's messages page: the convocations to hand, then
// the emails and SMS about its sessions.
type structureMessagesView struct {
	Layout
	Structure    *workshops.Structure
	ProfileURL   string
	Convocations []convocationLine
	outboxListing
}

// convocationLine is a printed convocation to hand.
type convocationLine struct {
	Name     string
	Workshop string
	When     string
	// Cancelled says the session is cancelled: the person must be told, not convened.
	Cancelled bool
	Position  int
	PrintURL  string
	Action    string
}

func messagesURL(slug string) string { return manageStructureURL(slug) + "/messages" }

// structureMessagesPage is /manage/structures/{slug}/messages.
func (s *server) structureMessagesPage(c *fiber.Ctx) error {
	if s.notices == nil {
		return workshops.ErrNotFound
	}
	status := outboxStatus(c)
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	b, err := s.notices.Board(c.UserContext(), actor(c), c.Params("slug"), status, before)
	if err != nil {
		return err
	}
	st := b.Structure
	v := structureMessagesView{Layout: s.layout(c, "Messages de "+st.Name, "manage"), Structure: st, ProfileURL: manageStructureURL(st.Slug)}
	v.outboxListing = newOutboxListing(messagesURL(st.Slug), structureOutboxStatuses, status, b.Counts, b.Messages, b.Next, v.Now)
	for _, cv := range b.Convocations {
		v.Convocations = append(v.Convocations, newConvocationLine(st.Slug, cv))
	}
	return s.render(c, http.StatusOK, "manage_messages", v)
}

func newConvocationLine(slug string, cv enrollment.DueConvocation) convocationLine {
	l := convocationLine{Name: cv.Booking.FirstName, PrintURL: cv.PageURL,
		Action: manageStructureURL(slug) + "/convocations/" + strconv.FormatInt(cv.Booking.ID, 10)}
	if cv.Booking.LastName != "" {
		l.Name += " " + cv.Booking.LastName
	}
	if cv.Workshop != nil {
		l.Workshop = cv.Workshop.Title
	}
	if n := cv.Next; n != nil {
		l.When = frDay(n.StartsAt) + " à " + frTime(n.StartsAt)
		l.Cancelled = n.Cancelled()
		for _, e := range cv.Booking.Enrollments {
			if e.SessionID == n.ID && e.Status == enrollment.Waitlisted {
				l.Position = e.Position
			}
		}
	}
	return l
}

// markConvocationHanded records that a printed convocation was handed.
func (s *server) markConvocationHanded(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if err := s.en.MarkConvocationHanded(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(flashURL(messagesURL(c.Params("slug")), "convocation-handed")+"#convocations", fiber.StatusSeeOther)
}
