package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // quiet hours are Europe/Paris hours, even without a zoneinfo database

	"github.com/nyaruka/phonenumbers"
)

// SMSSender sends text messages: Brevo in production, the console in development.
type SMSSender interface {
	// SendSMS sends text to the phone number to (E.164, +33612345678) and returns the
	// provider's id of the message, empty when it gives none. An error wrapped by Permanent
	// means that no retry can help (an invalid number, a refused API key); any other error
	// is retried.
	SendSMS(ctx context.Context, to, text string) (ref string, err error)
}

// Quiet hours: no SMS reaches a phone from QuietStartHour o'clock to QuietEndHour
// o'clock, Europe/Paris, unless it is urgent.
const (
	QuietStartHour = 20
	QuietEndHour   = 8
)

// paris is the time zone of the quiet hours (notify cannot import workshops, which
// imports it).
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// QuietHours reports whether t falls in the quiet hours (20:00 to 08:00, Europe/Paris) and,
// if so, returns the end of them: the next 08:00 in Paris, whatever the season (on the
// night the clocks change, the night is an hour shorter or longer).
func QuietHours(t time.Time) (until time.Time, quiet bool) {
	p := t.In(paris)
	switch {
	case p.Hour() >= QuietStartHour:
		return time.Date(p.Year(), p.Month(), p.Day()+1, QuietEndHour, 0, 0, 0, paris), true
	case p.Hour() < QuietEndHour:
		return time.Date(p.Year(), p.Month(), p.Day(), QuietEndHour, 0, 0, 0, paris), true
	}
	return time.Time{}, false
}

// Errors that SMSHandler records on a message it cannot send.
var (
	// ErrInvalidPhone is the failure of an SMS whose recipient is not a valid phone number
	// in international format.
	ErrInvalidPhone = errors.New("numéro de téléphone invalide")
	// ErrEmptySMS is the failure of an SMS without text.
	ErrEmptySMS = errors.New("SMS sans texte")
)

// SMSHandler returns the Handler of KindSMS, for Worker.Handle(KindSMS, …): it refuses
// for good a recipient that is not a valid E.164 number or an empty text, postpones a
// message that is not Urgent to the end of the quiet hours (see QuietHours) without
// counting an attempt, and otherwise sends the text through s, transliterated to GSM-7
// (see FitSMS), recording the provider's id in the message's ProviderRef. now is the
// clock.
func SMSHandler(s SMSSender, now func() time.Time) Handler {
	return func(ctx context.Context, m *Message) error {
		if !validPhone(m.Recipient) {
			return Permanent(ErrInvalidPhone)
		}
		text, _ := FitSMS(m.BodyText)
		if strings.TrimSpace(text) == "" {
			return Permanent(ErrEmptySMS)
		}
		if !m.Urgent {
			if until, quiet := QuietHours(now()); quiet {
				return Postpone(until, "pas de SMS entre 20 h et 8 h : envoi reporté au matin")
			}
		}
		ref, err := s.SendSMS(ctx, m.Recipient, text)
		if err != nil {
			return err
		}
		m.ProviderRef = ref
		return nil
	}
}

// validPhone reports whether to is a valid phone number written in E.164: a plus sign,
// the country code and the number, nothing else.
func validPhone(to string) bool {
	num, err := phonenumbers.Parse(to, "")
	return err == nil && phonenumbers.IsValidNumber(num) && phonenumbers.Format(num, phonenumbers.E164) == to
}

// MaskPhone writes an E.164 number for a log or a console, hiding all but its country
// code, first digit and last two: "+33 6 •• •• •• 78". Anything else gives "•••".
func MaskPhone(to string) string {
	num, err := phonenumbers.Parse(to, "")
	if err != nil || !strings.HasPrefix(to, "+") {
		return "•••"
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if len(nsn) < 4 {
		return "•••"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "+%d %c", num.GetCountryCode(), nsn[0])
	hidden := len(nsn) - 3
	for ; hidden >= 2; hidden -= 2 {
		b.WriteString(" ••")
	}
	if hidden == 1 {
		b.WriteString(" •")
	}
	b.WriteString(" " + nsn[len(nsn)-2:])
	return b.String()
}

// ConsoleSMS is the development SMS sender: it prints, for each SMS, the masked number and
// the text's size, never the text. The console is what runs when no provider is
// configured, production included, and its output ends in the server's logs; an SMS names
// a person and a workshop (which can say much about their situation) and carries the link
// that cancels their seat.
type ConsoleSMS struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

// NewConsoleSMS returns a sender printing to w.
func NewConsoleSMS(w io.Writer) *ConsoleSMS {
	return &ConsoleSMS{w: w}
}

// SendSMS prints a line about the SMS and returns a reference "console-N". Like Brevo it
// refuses an invalid number for good; it returns the writer's error.
func (c *ConsoleSMS) SendSMS(_ context.Context, to, text string) (string, error) {
	if !validPhone(to) {
		return "", Permanent(ErrInvalidPhone)
	}
	seg := CountSMS(text)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	_, err := fmt.Fprintf(c.w, "---- SMS à %s : %d caractères %s, %d SMS (texte non affiché : données personnelles ; aucun fournisseur SMS n'est configuré) ----\n",
		MaskPhone(to), seg.Units, seg.Encoding, seg.Count)
	if err != nil {
		return "", fmt.Errorf("console : %w", err)
	}
	return fmt.Sprintf("console-%d", c.n), nil
}
