package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/notify"
)

func init() {
	registerFlash(map[string]string{"message-retried": "Le message est remis dans la file : il part dans quelques instants."})
}

// outboxView is the coordinators' view of the messages to send.
type outboxView struct {
	Layout
	Section string
	outboxListing
}

// outboxListing is one page of messages with tabs per status, as coordinators and
// structures see them.
type outboxListing struct {
	Status string
	Counts map[string]int
	Tabs   []outboxTab
	Lines  []outboxLine
	Next   string
	// Retry shows the button that sends a failed message again.
	Retry bool
}

type outboxTab struct {
	Label, URL string
	Count      int
	Current    bool
}

type outboxLine struct {
	notify.Message
	StatusLabel string
	KindLabel   string
	// Due is when a pending message that waits (a retry, an SMS kept for the morning)
	// will be tried; zero when it is due now.
	Due time.Time
}

// outboxStatusTab is a status messages are filtered by, and its tab's label.
type outboxStatusTab struct{ code, label string }

// outboxStatuses are the coordinators' tabs; a structure's team has no events, hence no
// "Traités" (see structureOutboxStatuses).
var outboxStatuses = []outboxStatusTab{
	{"", "Tous"}, {notify.StatusPending, "En attente"}, {notify.StatusSent, "Envoyés"},
	{notify.StatusFailed, "En échec"}, {notify.StatusDone, "Traités"},
}

func outboxLabel(code string) string {
	for _, s := range outboxStatuses {
		if s.code == code {
			return s.label
		}
	}
	return code
}

var outboxKinds = map[string]string{
	notify.KindEmail:          "Courriel",
	notify.KindSMS:            "SMS",
	notify.KindSessionChanged: "Séance modifiée ou annulée (à annoncer)",
	"enrollment":              "Inscription (à annoncer)",
	notices.KindReminder:      "Rappel (à composer)",
}

// outboxPage is /coordination/outbox: the messages of the territory, pending, sent or
// failed with the provider's error, and a button to send a failed one again.
func (s *server) outboxPage(c *fiber.Ctx) error {
	status := outboxStatus(c)
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	view, err := s.acc.Outbox(c.UserContext(), actor(c), status, before)
	if err != nil {
		return err
	}
	v := outboxView{Layout: s.layout(c, "Messages envoyés et à envoyer", "coordination"), Section: "outbox"}
	v.outboxListing = newOutboxListing("/coordination/outbox", outboxStatuses, status, view.Counts, view.Messages, view.Next, v.Now)
	v.Retry = true
	return s.render(c, http.StatusOK, "coordination_outbox", v)
}

// outboxStatus reads the status a listing of messages is filtered by: a known one, or ""
// for all.
func outboxStatus(c *fiber.Ctx) string {
	status := c.Query("status")
	if outboxLabel(status) == status {
		return ""
	}
	return status
}

// newOutboxListing builds a page of messages at path, filtered by status, with a tab per
// status of statuses and the link to the next page.
func newOutboxListing(path string, statuses []outboxStatusTab, status string, counts map[string]int, msgs []notify.Message, next int64, now time.Time) outboxListing {
	l := outboxListing{Status: status, Counts: counts}
	total := 0
	for _, n := range counts {
		total += n
	}
	for _, st := range statuses {
		n := total
		if st.code != "" {
			n = counts[st.code]
		}
		u := path
		if st.code != "" {
			u += "?" + url.Values{"status": {st.code}}.Encode()
		}
		l.Tabs = append(l.Tabs, outboxTab{Label: st.label, URL: u, Count: n, Current: st.code == status})
	}
	for _, m := range msgs {
		kind := outboxKinds[m.Kind]
		if kind == "" {
			kind = m.Kind
		}
		line := outboxLine{Message: m, StatusLabel: outboxLabel(m.Status), KindLabel: kind}
		if m.Status == notify.StatusPending && m.NextAttemptAt.After(now) {
			line.Due = m.NextAttemptAt
		}
		l.Lines = append(l.Lines, line)
	}
	if next != 0 {
		q := url.Values{"before": {strconv.FormatInt(next, 10)}}
		if status != "" {
			q.Set("status", status)
		}
		l.Next = path + "?" + q.Encode()
	}
	return l
}

// retryMessage sends a failed message again.
func (s *server) retryMessage(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := s.acc.RetryMessage(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/outbox?status=failed", "message-retried"), fiber.StatusSeeOther)
}
