// Package notifytest gives tests a real SMTP server (go-smtp on 127.0.0.1) that keeps what
// it accepts, can refuse recipients, stop and start again on the same port, and a parser
// that reads a received message the way a mail client would.
package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/escale-numerique/escale/notify"
)

// Received is one message as the test SMTP server accepted it.
type Received struct {
	From string
	To   []string
	User string
	Data []byte
}

// SMTPServer is a real SMTP server on 127.0.0.1 and a random port, that keeps what it
// accepts and answers RCPT TO as the test decides.
type SMTPServer struct {
	t    testing.TB
	addr string
	// tlsConfig, when set, makes the server offer STARTTLS, or speak TLS at once when
	// implicit is set; users, when set, are the only accounts that may send.
	tlsConfig *tls.Config
	implicit  bool
	users     map[string]string

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener
	msgs     []Received
	rcptHook func(to string) error
}

// Option configures an SMTPServer.
type Option func(*SMTPServer)

// WithTLS makes the server offer STARTTLS with TestCert, or speak TLS from the first byte
// when implicit.
func WithTLS(implicit bool) Option {
	return func(s *SMTPServer) {
		s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{TestCert.Cert}}
		s.implicit = implicit
	}
}

// WithUser makes the server require authentication as name with password.
func WithUser(name, password string) Option {
	return func(s *SMTPServer) { s.users = map[string]string{name: password} }
}

// StartSMTP starts a server that stops when the test ends.
func StartSMTP(t testing.TB, opts ...Option) *SMTPServer {
	t.Helper()
	s := &SMTPServer{t: t, addr: "127.0.0.1:0"}
	for _, o := range opts {
		o(s)
	}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start listens on the server's address: a random port the first time, the same port
// after Stop.
func (s *SMTPServer) Start() {
	s.t.Helper()
	var ln net.Listener
	var err error
	// The port was just closed by Stop; give the kernel a moment if it is not free yet.
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

// Stop closes the listener and every connection: the server is down.
func (s *SMTPServer) Stop() {
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

// Port is the server's port.
func (s *SMTPServer) Port() int {
	a, err := net.ResolveTCPAddr("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	return a.Port
}

// OnRcpt makes the server answer RCPT TO with hook's error, when not nil.
func (s *SMTPServer) OnRcpt(hook func(to string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcptHook = hook
}

// Messages returns what the server accepted so far, in order.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Transport returns an SMTP transport for this server: cfg's host and port are the
// server's, and empty fields take test defaults (no TLS, ne-pas-repondre@escale.example.fr
// as "Escale", a 5 s timeout).
func (s *SMTPServer) Transport(t testing.TB, cfg notify.SMTPConfig) *notify.SMTP {
	t.Helper()
	cfg.Host, cfg.Port = "127.0.0.1", s.Port()
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
	s    *SMTPServer
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
	se.s.msgs = append(se.s.msgs, Received{From: se.from, To: se.to, User: se.user, Data: b})
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// Reply is an SMTP error reply for the server's hooks: Reply(550, [3]int{5, 1, 1}, "No
// such user here").
func Reply(code int, enhanced [3]int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode(enhanced), Message: msg}
}

// TestCert is a self-signed certificate for 127.0.0.1, made once per test process, and a
// pool that trusts it.
var TestCert = func() struct {
	Cert tls.Certificate
	Pool *x509.CertPool
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
		Cert tls.Certificate
		Pool *x509.CertPool
	}{tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool}
}()
