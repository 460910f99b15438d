package notify_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	"github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// newClock is a frozen clock that tests move by hand.
func newClock() *workshopstest.Clock {
	return workshopstest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
}

// received is one message as the test SMTP server accepted it.
type received struct {
	From string
	To   []string
	User string
	Data []byte
}

// smtpServer is a real SMTP server (go-smtp) on 127.0.0.1 and a random port, that keeps
// what it accepts and answers RCPT TO as the test decides.
type smtpServer struct {
	t    *testing.T
	addr string
	// tlsConfig, when set, makes the server offer STARTTLS, or speak TLS at once when
	// implicit is set; users, when set, are the only accounts that may send.
	tlsConfig *tls.Config
	implicit  bool
	users     map[string]string

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener
	msgs     []received
	rcptHook func(to string) error
}

type smtpOption func(*smtpServer)

func withTLS(implicit bool) smtpOption {
	return func(s *smtpServer) {
		s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{testCert.cert}}
		s.implicit = implicit
	}
}

func withUser(name, password string) smtpOption {
	return func(s *smtpServer) { s.users = map[string]string{name: password} }
}

func startSMTP(t *testing.T, opts ...smtpOption) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, addr: "127.0.0.1:0"}
	for _, o := range opts {
		o(s)
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

// start listens on the server's address: a random port the first time, the same port
// after stop.
func (s *smtpServer) start() {
	s.t.Helper()
	var ln net.Listener
	var err error
	// The port was just closed by stop; give the kernel a moment if it is not free yet.
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("smtp listen: %v", err)
	}
	s.addr = ln.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLSConfig = s.tlsConfig
	if s.implicit {
		ln = tls.NewListener(ln, s.tlsConfig)
	}
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
}

// stop closes the listener and every connection: the server is down.
func (s *smtpServer) stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Serve may not have taken the listener yet, and Server.Close only closes the
		// listeners Serve took.
		_ = ln.Close()
		_ = srv.Close()
	}
}

func (s *smtpServer) port() int { return s.tcpAddr().Port }

func (s *smtpServer) tcpAddr() *net.TCPAddr {
	a, err := net.ResolveTCPAddr("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

func (s *smtpServer) onRcpt(hook func(to string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcptHook = hook
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// transport returns an SMTP transport for this server.
func (s *smtpServer) transport(t *testing.T, cfg notify.SMTPConfig) *notify.SMTP {
	t.Helper()
	cfg.Host, cfg.Port = "127.0.0.1", s.port()
	if cfg.TLS == "" {
		cfg.TLS = notify.TLSNone
	}
	if cfg.From == "" {
		cfg.From = "ne-pas-repondre@escale.example.fr"
	}
	if cfg.FromName == "" {
		cfg.FromName = "Escale"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	tr, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

type session struct {
	s    *smtpServer
	user string
	from string
	to   []string
}

func (se *session) AuthMechanisms() []string {
	if se.s.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if p, ok := se.s.users[username]; !ok || p != password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication failed"}
		}
		se.user = username
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.users != nil && se.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	hook := se.s.rcptHook
	se.s.mu.Unlock()
	if hook != nil {
		if err := hook(to); err != nil {
			return err
		}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	se.s.msgs = append(se.s.msgs, received{From: se.from, To: se.to, User: se.user, Data: b})
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// smtpReply is an SMTP error reply for the test server's hooks.
func smtpReply(code int, enhanced smtp.EnhancedCode, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg}
}

// testCert is a self-signed certificate for 127.0.0.1, made once per test process.
var testCert = func() struct {
	cert tls.Certificate
	pool *x509.CertPool
} {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return struct {
		cert tls.Certificate
		pool *x509.CertPool
	}{tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool}
}()

// parsedMail is a received message decoded the way a mail client would.
type parsedMail struct {
	Header      netmail.Header
	From        *netmail.Address
	ReplyTo     string
	Subject     string
	ContentType string
	Text, HTML  string
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	p := parsedMail{Header: msg.Header}
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 {
		t.Fatalf("From %q: %v", msg.Header.Get("From"), err)
	}
	p.From = from[0]
	if rt := msg.Header.Get("Reply-To"); rt != "" {
		a, err := netmail.ParseAddress(rt)
		if err != nil {
			t.Fatalf("Reply-To %q: %v", rt, err)
		}
		p.ReplyTo = a.Address
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	p.ContentType = mediaType
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(msg.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			// NextPart decodes quoted-printable itself.
			b, err := io.ReadAll(part)
			if err != nil {
				t.Fatal(err)
			}
			pt, pparams, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			if !strings.EqualFold(pparams["charset"], "utf-8") {
				t.Errorf("part %s charset %q, want UTF-8", pt, pparams["charset"])
			}
			switch pt {
			case "text/plain":
				p.Text = string(b)
			case "text/html":
				p.HTML = string(b)
			default:
				t.Errorf("unexpected part %s", pt)
			}
		}
		return p
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	p.Text = string(b)
	return p
}

// email is a French sign-in email with accents in every part.
func email(to string) notify.Email {
	return notify.Email{
		To:      to,
		Subject: "Votre lien de connexion à Escale — valable 15 minutes",
		Text:    "Bonjour,\n\nVoici votre lien de connexion : https://agenda.example.fr/login/abc\n\nÀ bientôt à l'atelier « Découvrir sa tablette ».\n",
	}
}

func mustEnqueue(t *testing.T, db bun.IDB, key string, e notify.Email, structureID int64, now time.Time) {
	t.Helper()
	ok, err := notify.EnqueueEmail(context.Background(), db, key, e, structureID, now)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("enqueue %s: already there", key)
	}
}

// messageByKey reads one outbox row as it is now.
func messageByKey(t *testing.T, db *bun.DB, key string) notify.Message {
	t.Helper()
	var m notify.Message
	if err := db.NewSelect().Model(&m).Where("idempotency_key = ?", key).Scan(context.Background()); err != nil {
		t.Fatalf("message %s: %v", key, err)
	}
	return m
}

// process runs one worker step and fails the test on a database error.
func process(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.Process(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mustCreateStructure stores a valid structure through the calendar's own rules.
func mustCreateStructure(t *testing.T, db *bun.DB, name string) int64 {
	t.Helper()
	return workshopstest.Structure(t, workshops.NewService(db), func(st *workshops.Structure) { st.Name = name }).ID
}
