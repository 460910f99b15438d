package web

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

// workshopSessionsShown bounds the upcoming sessions listed on a workshop page.
const workshopSessionsShown = 50

// workshopView is the data of a workshop page.
type workshopView struct {
	Layout
	Workshop     *workshops.Workshop
	Paragraphs   []string
	Levels       levelBadge
	LevelInfos   []levelInfo
	Themes       []string
	LifeEvent    string
	Kind         string
	Format       string
	Duration     string
	Price        string
	Languages    []string
	ToBring      []string
	Lent         []string
	Enrollment   string
	Contact      contact
	Days         []dayGroup
	MoreSessions bool
	// Preview, when set, shows the page to the workshop's managers under a banner.
	Preview *previewBanner
}

// workshopPage is /workshops/{slug}: what the workshop teaches, to whom, and its upcoming
// sessions.
func (s *server) workshopPage(c *fiber.Ctx) error {
	d, err := s.ws.WorkshopDetail(c.UserContext(), c.Params("slug"), workshopSessionsShown+1)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "workshop", s.newWorkshopView(c, d))
}

// newWorkshopView lays out a workshop's page; its preview (manage_workshops.go) shows the
// same page.
func (s *server) newWorkshopView(c *fiber.Ctx, d *workshops.WorkshopDetail) workshopView {
	w, voc, sessions := d.Workshop, d.Vocabulary, d.Upcoming
	v := workshopView{
		Layout:     s.layout(c, w.Title, "calendar"),
		Workshop:   w,
		Paragraphs: paragraphs(w.Description),
		Levels:     newLevelBadge(voc, w.LevelMin, w.LevelMax),
		LevelInfos: levelInfos(voc, w.LevelMin, w.LevelMax),
		Themes:     themeLabels(w.Themes),
		Kind:       workshops.WorkshopKinds.Label(w.Kind),
		Format:     workshops.Formats.Label(w.Format),
		Duration:   frDuration(minutes(w.DefaultDurationMinutes)),
		Price:      workshops.Prices.Label(w.Price),
		Languages:  labels(workshops.Languages, w.Languages),
		ToBring:    labels(workshops.Devices, w.DevicesToBring),
		Lent:       labels(workshops.Devices, w.DevicesLent),
		Enrollment: workshops.EnrollmentModes.Label(w.Enrollment),
		Contact:    newContact(w.Structure),
	}
	if w.LifeEvent != "" {
		v.LifeEvent = workshops.LifeEvents.Label(w.LifeEvent)
	}
	if len(sessions) > workshopSessionsShown {
		sessions, v.MoreSessions = sessions[:workshopSessionsShown], true
	}
	v.Days = groupByDay(voc, v.Now, sessions)
	v.Description = w.Summary
	if v.Description == "" {
		v.Description = w.Title + ", atelier numérique de " + w.Structure.Name + "."
	}
	return v
}
