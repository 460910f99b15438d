package accounts

import (
	"context"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/uptrace/bun"
	"golang.org/x/sync/singleflight"
)

// The principals of personal tokens are remembered for a moment, so that a script calling
// the API many times a second does not read the person, their roles and the token again on
// every call (five statements, the larger part of a small write's cost).
//
// What this instance changes in accounts is seen at once: every write of the service
// commits first and then moves the cache's generation, and an entry of an older
// generation is never served (nor stored, when its reading raced with a write). What
// another instance changes (on a shared PostgreSQL) is seen within TokenCacheTTL.

// TokenCacheTTL is how long a token's principal may be served without reading it again,
// by default.
const TokenCacheTTL = 2 * time.Second

// tokenCacheSize bounds the remembered tokens (only valid ones are remembered).
const tokenCacheSize = 4096

// WithTokenCacheTTL sets how long a token's principal is remembered; zero turns the cache
// off.
func WithTokenCacheTTL(ttl time.Duration) Option { return func(s *Service) { s.tokens.ttl = ttl } }

type tokenCache struct {
	ttl     time.Duration
	gen     atomic.Uint64
	entries *lru.Cache[string, tokenEntry]
	// reads lets the calls that miss the same token at once share one reading.
	reads singleflight.Group
}

type tokenEntry struct {
	gen       uint64
	expires   time.Time
	principal *Principal
}

func newTokenCache() *tokenCache {
	entries, err := lru.New[string, tokenEntry](tokenCacheSize)
	if err != nil {
		panic(err) // only for a size ≤ 0
	}
	return &tokenCache{ttl: TokenCacheTTL, entries: entries}
}

// get returns the remembered principal of a token (kind and hash), or nil, and the
// generation a principal read now must be stored under.
func (c *tokenCache) get(key string, now time.Time) (*Principal, uint64) {
	gen := c.gen.Load()
	if c.ttl <= 0 {
		return nil, gen
	}
	if e, ok := c.entries.Get(key); ok && e.gen == gen && now.Before(e.expires) {
		return e.principal, gen
	}
	return nil, gen
}

// put remembers a principal read under generation gen, unless a write happened since.
func (c *tokenCache) put(key string, gen uint64, p *Principal, now time.Time) {
	if c.ttl <= 0 || c.gen.Load() != gen {
		return
	}
	c.entries.Add(key, tokenEntry{gen: gen, expires: now.Add(c.ttl), principal: p})
}

// forget drops every remembered principal: something in accounts changed.
func (c *tokenCache) forget() {
	c.gen.Add(1)
	c.entries.Purge()
}

// write runs fn in a transaction and, once it has committed, forgets the remembered
// principals (which it may have changed). Every write of the service goes through it.
func (s *Service) write(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := s.db.RunInTx(ctx, nil, fn)
	s.tokens.forget()
	return err
}
