package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"sync"
)

// Console is the development transport: it prints each email (recipient, subject, text)
// instead of sending it, so that sign-in links can be followed without an SMTP server.
type Console struct {
	mu       sync.Mutex
	w        io.Writer
	fromName string
}

// NewConsole returns a transport printing to w; fromName is the display name shown when a
// message has none.
func NewConsole(w io.Writer, fromName string) *Console {
	return &Console{w: w, fromName: fromName}
}

// Send prints m. Like SMTP it refuses an invalid recipient address for good, so that
// development shows the same failures as production; it returns the writer's error.
func (c *Console) Send(_ context.Context, m *Message) error {
	if _, err := netmail.ParseAddress(m.Recipient); err != nil {
		return Permanent(errors.New("adresse du destinataire invalide"))
	}
	from := m.FromName
	if from == "" {
		from = c.fromName
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "---- Courriel n° %d (affiché ici : aucun serveur SMTP n'est configuré) ----\n", m.ID)
	fmt.Fprintf(&b, "De : %s\nÀ : %s\n", from, m.Recipient)
	if m.ReplyTo != "" {
		fmt.Fprintf(&b, "Répondre à : %s\n", m.ReplyTo)
	}
	fmt.Fprintf(&b, "Objet : %s\n\n%s", m.Subject, m.BodyText)
	if n := len(m.BodyText); n == 0 || m.BodyText[n-1] != '\n' {
		b.WriteByte('\n')
	}
	if m.Calendar != "" {
		fmt.Fprintf(&b, "(avec une invitation d'agenda %s, jointe : %s)\n", m.CalendarMethod, CalendarFile)
	}
	b.WriteString("---- fin du courriel ----\n")
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("console : %w", err)
	}
	return nil
}
