package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/notify"
)

func init() {
	registerFlash(map[string]string{"message-retried": "Le message est remis dans la file : il part dans quelques instants."})
}

// outboxView is the coordinators' view of the messages to send.
type outboxView struct {
	Layout
	Section string
	Status  string
	Counts  map[string]int
	Tabs    []outboxTab
	Lines   []outboxLine
	Next    string
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

var outboxStatuses = []struct{ code, label string }{
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
}

// outboxPage is /coordination/outbox: the messages of the territory, pending, sent or
// failed with the provider's error, and a button to send a failed one again.
func (s *server) outboxPage(c *fiber.Ctx) error {
	status := c.Query("status")
	if outboxLabel(status) == status && status != "" {
		status = ""
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	view, err := s.acc.Outbox(c.UserContext(), actor(c), status, before)
	if err != nil {
		return err
	}
	v := outboxView{Layout: s.layout(c, "Messages envoyés et à envoyer", "coordination"), Section: "outbox",
		Status: status, Counts: view.Counts}
	total := 0
	for _, n := range view.Counts {
		total += n
	}
	for _, st := range outboxStatuses {
		n := total
		if st.code != "" {
			n = view.Counts[st.code]
		}
		u := "/coordination/outbox"
		if st.code != "" {
			u += "?" + url.Values{"status": {st.code}}.Encode()
		}
		v.Tabs = append(v.Tabs, outboxTab{Label: st.label, URL: u, Count: n, Current: st.code == status})
	}
	for _, m := range view.Messages {
		kind := outboxKinds[m.Kind]
		if kind == "" {
			kind = m.Kind
		}
		line := outboxLine{Message: m, StatusLabel: outboxLabel(m.Status), KindLabel: kind}
		if m.Status == notify.StatusPending && m.NextAttemptAt.After(v.Now) {
			line.Due = m.NextAttemptAt
		}
		v.Lines = append(v.Lines, line)
	}
	if view.Next != 0 {
		q := url.Values{"before": {strconv.FormatInt(view.Next, 10)}}
		if status != "" {
			q.Set("status", status)
		}
		v.Next = "/coordination/outbox?" + q.Encode()
	}
	return s.render(c, http.StatusOK, "coordination_outbox", v)
}

// retryMessage sends a failed message again.
func (s *server) retryMessage(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := s.acc.RetryMessage(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/outbox?status=failed", "message-retried"), fiber.StatusSeeOther)
}
