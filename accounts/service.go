package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// Service manages accounts. It is safe for concurrent use.
type Service struct {
	db     *bun.DB
	ws     *workshops.Service
	now    func() time.Time
	params *argon2id.Params
	// baseURL is the public address of the site, for the links sent by email.
	baseURL string
	// tokens remembers the principals of personal tokens for a moment.
	tokens *tokenCache
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read the time from now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithHashParams sets the argon2id parameters (tests use cheap ones).
func WithHashParams(p *argon2id.Params) Option { return func(s *Service) { s.params = p } }

// FastHashParams are cheap argon2id parameters for tests only.
var FastHashParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// defaultParams follow OWASP's recommendation for argon2id (19 MiB, 2 passes, 1 lane).
var defaultParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// NewService returns an accounts service; baseURL is the site's public address, used in
// the links sent by email.
func NewService(db *bun.DB, ws *workshops.Service, baseURL string, opts ...Option) *Service {
	s := &Service{db: db, ws: ws, now: time.Now, params: defaultParams, baseURL: strings.TrimRight(baseURL, "/"),
		tokens: newTokenCache()}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }

// BaseURL returns the site's public address.
func (s *Service) BaseURL() string { return s.baseURL }

// NormalizeEmail trims and lowercases an email address and checks its shape.
func NormalizeEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") || len(e) > 254 {
		return e, errors.New("Indiquez une adresse électronique, par exemple prenom.nom@exemple.fr.")
	}
	return e, nil
}

// newToken returns a random token and the hash kept of it. Tokens carry 256 bits of
// randomness, so a plain SHA-256 is enough to keep them: nothing can be guessed from it.
func newToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// notFound turns sql.ErrNoRows into workshops.ErrNotFound.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return workshops.ErrNotFound
	}
	return fmt.Errorf("%s: %w", what, err)
}
