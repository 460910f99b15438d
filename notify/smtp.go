package notify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"

	"github.com/wneessen/go-mail"
)

// Transport delivers composed emails: SMTP in production, the console in development. Its
// Send has the shape of a Handler, for Worker.Handle(KindEmail, t.Send).
type Transport interface {
	// Send delivers m, returning an error wrapped by Permanent when retrying cannot help.
	Send(ctx context.Context, m *Message) error
}

// TLSMode says how the connection to the SMTP server is encrypted.
type TLSMode string

// TLS modes, as ESCALE_SMTP_TLS spells them.
const (
	// TLSStartTLS connects in clear and requires STARTTLS (submission port 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit TLSMode = "tls"
	// TLSNone never encrypts: only for a relay on the same machine or network.
	TLSNone TLSMode = "none"
)

// ParseTLSMode reads "starttls", "tls" or "none"; it returns an error for anything else.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(strings.ToLower(strings.TrimSpace(s))); m {
	case TLSStartTLS, TLSImplicit, TLSNone:
		return m, nil
	}
	return "", fmt.Errorf("SMTP TLS mode %q: expected starttls, tls or none", s)
}

// SMTPConfig says where and as whom emails are sent.
type SMTPConfig struct {
	// Host is the server's name or address.
	Host string
	// Port is 587 when zero (465 with TLSImplicit).
	Port int
	// TLS is TLSStartTLS when empty.
	TLS TLSMode
	// Username and Password, when Username is set, authenticate with the best mechanism
	// the server offers (never a clear-text one over an unencrypted connection).
	Username string
	Password string
	// From is the sender address, in the From header and the envelope.
	From string
	// FromName is the sender's display name unless the message has its own.
	FromName string
	// Timeout bounds a whole delivery, connection included (30s).
	Timeout time.Duration
	// TLSConfig, if not nil, is the base TLS configuration (tests trust their own
	// certificate with it).
	TLSConfig *tls.Config
	// Now is the clock for the Date header (time.Now).
	Now func() time.Time
}

// SMTP sends emails to an SMTP server, one connection per message.
type SMTP struct {
	cfg    SMTPConfig
	from   string
	domain string
}

// NewSMTP checks cfg and returns the transport; it returns an error when the host, the
// sender address or the TLS mode is missing or malformed.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("SMTP: no host")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if _, err := ParseTLSMode(string(cfg.TLS)); err != nil {
		return nil, err
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("SMTP port %d: expected 1 to 65535", cfg.Port)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("sender address %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &SMTP{cfg: cfg, from: from.Address, domain: domain}, nil
}

// Send delivers m over one SMTP connection. A recipient or a message the server refuses
// with a 5xx reply, and an invalid recipient address, are permanent failures; a 4xx reply,
// a connection refused or a timeout are temporary, and so is a refusal before the message
// is even described (authentication, sender): that is the configuration's fault, and the
// messages should wait for it to be fixed rather than be given up.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	rcpt, err := netmail.ParseAddress(m.Recipient)
	if err != nil {
		return Permanent(errors.New("adresse du destinataire invalide"))
	}
	msg, err := s.compose(m, rcpt.Address)
	if err != nil {
		return err
	}

	// go-mail leaves the connection open when the greeting, STARTTLS or authentication
	// fails; remembering it here lets Send close it.
	var conn net.Conn
	client, err := mail.NewClient(s.cfg.Host, s.options(func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := s.dial(ctx, network, addr)
		conn = c
		return c, err
	})...)
	if err != nil {
		return fmt.Errorf("configuration SMTP : %w", err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if conn != nil {
			_ = conn.Close()
		}
		return fmt.Errorf("connexion au serveur SMTP impossible : %s", oneLine(err))
	}
	defer func() {
		if err := sc.Quit(); err != nil {
			_ = sc.Close()
		}
	}()

	if err := sc.Mail(s.from); err != nil {
		return refused("expéditeur refusé par le serveur SMTP", err, false)
	}
	if err := sc.Rcpt(rcpt.Address); err != nil {
		return refused("destinataire refusé par le serveur SMTP", err, true)
	}
	w, err := sc.Data()
	if err != nil {
		return refused("message refusé par le serveur SMTP", err, true)
	}
	if _, err := msg.WriteTo(w); err != nil {
		_ = w.Close()
		return fmt.Errorf("envoi au serveur SMTP interrompu : %s", oneLine(err))
	}
	if err := w.Close(); err != nil {
		return refused("message refusé par le serveur SMTP", err, true)
	}
	return nil
}

func (s *SMTP) options(dial mail.DialContextFunc) []mail.Option {
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithTLSConfig(s.tlsConfig()),
		mail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		// The dialer already speaks TLS; the opportunistic policy makes go-mail read the
		// connection's TLS state (and so allow PLAIN or LOGIN) without asking STARTTLS.
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	return opts
}

func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{}
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

func (s *SMTP) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.TLS == TLSImplicit {
		return (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, network, addr)
	}
	return d.DialContext(ctx, network, addr)
}

// compose builds the MIME message: From with the display name, Reply-To, a UTF-8 subject,
// text alone or text and HTML as multipart/alternative, a Date and a Message-ID.
func (s *SMTP) compose(m *Message, rcpt string) (*mail.Msg, error) {
	msg := mail.NewMsg()
	name := headerText(m.FromName)
	if name == "" {
		name = headerText(s.cfg.FromName)
	}
	if err := msg.FromFormat(name, s.from); err != nil {
		return nil, fmt.Errorf("adresse de l'expéditeur invalide : %w", err)
	}
	if err := msg.To(rcpt); err != nil {
		return nil, Permanent(errors.New("adresse du destinataire invalide"))
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, Permanent(errors.New("adresse de réponse invalide"))
		}
	}
	msg.Subject(headerText(m.Subject))
	msg.SetDateWithValue(s.cfg.Now())
	msg.SetMessageIDWithValue(MessageID(m, s.domain))
	msg.SetUserAgent("Escale")
	// RFC 3834: out-of-office robots must not answer.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.BodyText)
	if m.BodyHTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.BodyHTML)
	}
	if m.Calendar != "" {
		if err := attachCalendar(msg, m); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// CalendarFile is the name of the .ics file attached to an email with an invitation.
const CalendarFile = "invitation.ics"

// attachCalendar adds an invitation the way calendar servers send theirs, which every mail
// client understands: a text/calendar part with the method as a parameter among the
// alternatives of the text (what Gmail and Outlook read to show "add to calendar"), and
// the same file attached (what other clients open). Both are base64 so that the CRLF
// lines of iCalendar arrive untouched.
func attachCalendar(msg *mail.Msg, m *Message) error {
	switch m.CalendarMethod {
	case "REQUEST", "CANCEL", "PUBLISH":
	default:
		return Permanent(fmt.Errorf("méthode d'invitation inconnue : %q", m.CalendarMethod))
	}
	msg.AddAlternativeString(mail.ContentType("text/calendar; method="+m.CalendarMethod), m.Calendar,
		mail.WithPartEncoding(mail.EncodingB64))
	return msg.AttachReader(CalendarFile, strings.NewReader(m.Calendar),
		mail.WithFileContentType("application/ics"), mail.WithFileEncoding(mail.EncodingB64))
}

// MessageID returns the Message-ID of m without angle brackets: the same for every attempt,
// so that a message delivered twice (a crash between the server's acceptance and its
// recording) can be recognised as one by mail clients. It hashes the idempotency key
// rather than showing it, since a key may name a person.
func MessageID(m *Message, domain string) string {
	sum := sha256.Sum256([]byte(m.IdempotencyKey))
	return fmt.Sprintf("escale.%d.%s@%s", m.ID, hex.EncodeToString(sum[:8]), domain)
}

// refused describes a failed SMTP command with the server's own reply. Only a 5xx reply
// to a command about this message (mayBePermanent) is permanent.
func refused(what string, err error, mayBePermanent bool) error {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return fmt.Errorf("connexion au serveur SMTP interrompue : %s", oneLine(err))
	}
	e := fmt.Errorf("%s : %d %s", what, te.Code, strings.Join(strings.Fields(te.Msg), " "))
	if mayBePermanent && te.Code >= 500 {
		return Permanent(e)
	}
	return e
}

// headerText makes a display name or a subject one line of printable text: a line break
// typed into a structure's name must neither break the header nor stop its emails.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
