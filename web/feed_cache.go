package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/valyala/fasthttp"
	"golang.org/x/sync/singleflight"

	"github.com/escale-numerique/escale/workshops"
)

// Bounds of the feed cache. A territory has a few hundred structures and a handful of
// popular filters; a feed is at most 1 MB plus compressed copies a twentieth of that.
const (
	feedCacheMaxEntries = 512
	feedCacheMaxBytes   = 64 << 20
)

// feedCache keeps rendered feeds, with their compressed variants, until the calendar
// changes. An entry is good for the Changes generation read before it was rendered and
// until the next midnight in Paris (the feeds' window moves daily); it is used and stored
// only while Changes.Generation says the generation can be trusted, that is while this
// instance would hear of a write made by any other (see workshops.Changes).
//
// Entries are keyed by the canonical URL of the feed (path and filter in a fixed order),
// so that a repeated request is found with one map lookup on its raw request URI, without
// parsing anything; other spellings of the same filter are found after parsing.
type feedCache struct {
	changes    *workshops.Changes
	maxEntries int
	maxBytes   int

	mu      sync.RWMutex
	entries map[string]*feedEntry
	size    int

	tick   atomic.Int64 // recency clock for eviction
	flight singleflight.Group
}

func newFeedCache(ch *workshops.Changes) *feedCache {
	return &feedCache{
		changes:    ch,
		maxEntries: feedCacheMaxEntries,
		maxBytes:   feedCacheMaxBytes,
		entries:    map[string]*feedEntry{},
	}
}

// feedEntry is one rendered feed and everything needed to answer for it without work.
type feedEntry struct {
	key   string
	gen   uint64
	until int64 // Unix nanoseconds: the next midnight in Paris after rendering

	modified     time.Time // Last-Modified, whole seconds
	lastModified string    // modified as an HTTP date
	disposition  string    // Content-Disposition

	identity variant
	gzip     variant
	// br is made on the first request that accepts brotli: it is four times slower to
	// make than gzip, and many calendar clients never ask for it.
	br     atomic.Pointer[variant]
	brOnce sync.Once

	used atomic.Int64
}

// variant is one encoding of a feed's body.
type variant struct {
	body     []byte
	etag     string // strong, quoted: the hash of the uncompressed body, plus -gz or -br
	encoding string // "", "gzip" or "br"
}

// size is what the entry weighs in the cache.
func (e *feedEntry) size() int {
	n := len(e.identity.body) + len(e.gzip.body)
	if br := e.br.Load(); br != nil {
		n += len(br.body)
	}
	return n
}

// fresh reports whether the entry may be served for generation gen at Unix time now.
func (e *feedEntry) fresh(gen uint64, now int64) bool {
	return e.gen == gen && now < e.until
}

// newFeedEntry hashes and gzips a rendered feed.
func newFeedEntry(key string, gen uint64, until time.Time, body []byte, modified time.Time, filename string) (*feedEntry, error) {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	var gz bytes.Buffer
	gz.Grow(len(body)/12 + 512)
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	modified = modified.UTC().Truncate(time.Second)
	return &feedEntry{
		key:          key,
		gen:          gen,
		until:        until.UnixNano(),
		modified:     modified,
		lastModified: modified.Format(http.TimeFormat),
		disposition:  `inline; filename="` + filename + `"`,
		identity:     variant{body: body, etag: `"` + tag + `"`},
		gzip:         variant{body: gz.Bytes(), etag: `"` + tag + `-gz"`, encoding: "gzip"},
	}, nil
}

// get returns the fresh entry stored under key (a string or the raw bytes of a request
// URI, looked up without allocating), or nil.
func (fc *feedCache) get(key []byte, gen uint64, now int64) *feedEntry {
	fc.mu.RLock()
	e := fc.entries[string(key)]
	fc.mu.RUnlock()
	if e == nil || !e.fresh(gen, now) {
		return nil
	}
	e.used.Store(fc.tick.Add(1))
	return e
}

// fill renders the feed of key once however many requests ask for it at the same time,
// and stores it when the generation can be trusted.
func (fc *feedCache) fill(key string, gen uint64, live bool, render func() (*feedEntry, error)) (*feedEntry, error) {
	if !live {
		return render()
	}
	v, err, _ := fc.flight.Do(key+"\x00"+strconv.FormatUint(gen, 10), func() (any, error) {
		e, err := render()
		if err != nil {
			return nil, err
		}
		fc.put(e)
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*feedEntry), nil
}

// put stores an entry, evicting stale then least recently used ones to stay in bounds.
func (fc *feedCache) put(e *feedEntry) {
	e.used.Store(fc.tick.Add(1))
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if old := fc.entries[e.key]; old != nil {
		fc.size -= old.size()
		delete(fc.entries, e.key)
	}
	gen, _ := fc.changes.Generation()
	for len(fc.entries) > 0 && (len(fc.entries) >= fc.maxEntries || fc.size+e.size() > fc.maxBytes) {
		var victim *feedEntry
		for _, c := range fc.entries {
			if c.gen != gen {
				victim = c
				break
			}
			if victim == nil || c.used.Load() < victim.used.Load() {
				victim = c
			}
		}
		fc.size -= victim.size()
		delete(fc.entries, victim.key)
	}
	if e.size() > fc.maxBytes {
		return
	}
	fc.entries[e.key] = e
	fc.size += e.size()
}

// len returns the number of entries, for tests.
func (fc *feedCache) len() int {
	fc.mu.RLock()
	defer fc.mu.RUnlock()
	return len(fc.entries)
}

// brotli returns the brotli variant of a stored entry, making it on first use. Requests
// arriving meanwhile wait for it rather than get gzip: two identical requests must get
// the same representation (and ETag). It returns nil if compression failed.
func (fc *feedCache) brotli(e *feedEntry) *variant {
	if v := e.br.Load(); v != nil {
		return v
	}
	e.brOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(e.identity.body)/20 + 512)
		bw := brotli.NewWriterLevel(&buf, 5)
		if _, err := bw.Write(e.identity.body); err != nil || bw.Close() != nil {
			return
		}
		v := &variant{body: buf.Bytes(), etag: e.identity.etag[:len(e.identity.etag)-1] + `-br"`, encoding: "br"}
		fc.mu.Lock()
		e.br.Store(v)
		if fc.entries[e.key] == e {
			fc.size += len(v.body)
		}
		fc.mu.Unlock()
	})
	return e.br.Load()
}

// Feed response headers.
const (
	feedContentType  = "text/calendar; charset=utf-8"
	feedCacheControl = "public, max-age=300, must-revalidate"
)

// send answers a request from an entry: 304 when the client's copy is current, else the
// best variant the client accepts. It allocates nothing.
func (fc *feedCache) send(c *fiber.Ctx, e *feedEntry, stored bool) error {
	req := &c.Request().Header
	ae := req.Peek(fiber.HeaderAcceptEncoding)
	v := &e.identity
	if accepts(ae, "gzip") {
		v = &e.gzip
	}
	// Only stored entries get a brotli variant: others are thrown away after one answer.
	if stored && accepts(ae, "br") {
		if br := fc.brotli(e); br != nil {
			v = br
		}
	}
	// Add, not Set: no one else sets these headers on a feed, and Set scans every header
	// already there (a dozen security headers) to replace a duplicate.
	h := &c.Response().Header
	h.Add(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	h.Add(fiber.HeaderCacheControl, feedCacheControl)
	h.Add(fiber.HeaderLastModified, e.lastModified)
	h.Add(fiber.HeaderETag, v.etag)
	if e.notModified(req) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	h.SetContentType(feedContentType)
	h.Add(fiber.HeaderContentDisposition, e.disposition)
	if v.encoding != "" {
		h.Set(fiber.HeaderContentEncoding, v.encoding) // a field of its own in fasthttp
	}
	c.Response().SetBodyRaw(v.body) // entries are never modified once built
	return nil
}

// notModified applies If-None-Match, or If-Modified-Since when there is no If-None-Match
// (RFC 9110 §13.2.2).
func (e *feedEntry) notModified(req *fasthttp.RequestHeader) bool {
	if inm := req.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 {
		return e.matchesETag(inm)
	}
	ims := req.Peek(fiber.HeaderIfModifiedSince)
	if len(ims) == 0 {
		return false
	}
	// Clients send back the Last-Modified they got: compare bytes before parsing.
	if string(ims) == e.lastModified {
		return true
	}
	t, err := http.ParseTime(string(ims))
	return err == nil && !e.modified.After(t)
}

// matchesETag reports whether an If-None-Match list names any variant of the entry, with
// the weak comparison that If-None-Match calls for: every variant holds the same feed.
func (e *feedEntry) matchesETag(list []byte) bool {
	br := e.br.Load()
	for len(list) > 0 {
		var tag []byte
		tag, list = nextListItem(list)
		if len(tag) == 1 && tag[0] == '*' {
			return true
		}
		tag = bytes.TrimPrefix(tag, []byte("W/"))
		if string(tag) == e.identity.etag || string(tag) == e.gzip.etag || (br != nil && string(tag) == br.etag) {
			return true
		}
	}
	return false
}

// nextListItem splits the first item off a comma-separated header value, trimmed.
func nextListItem(list []byte) (item, rest []byte) {
	item, rest, _ = bytes.Cut(list, []byte(","))
	return bytes.TrimSpace(item), rest
}

// accepts reports whether an Accept-Encoding value accepts a coding with a non-zero
// weight, by its name or else by "*" (RFC 9110 §12.5.3).
func accepts(ae []byte, coding string) bool {
	star := false
	for len(ae) > 0 {
		var item []byte
		item, ae = nextListItem(ae)
		name, params, _ := bytes.Cut(item, []byte(";"))
		name = bytes.TrimSpace(name)
		switch {
		case bytes.EqualFold(name, []byte(coding)):
			return !zeroWeight(params)
		case len(name) == 1 && name[0] == '*':
			star = !zeroWeight(params)
		}
	}
	return star
}

// zeroWeight reports whether coding parameters say q=0.
func zeroWeight(params []byte) bool {
	for len(params) > 0 {
		var p []byte
		p, params, _ = bytes.Cut(params, []byte(";"))
		p = bytes.TrimSpace(p)
		if len(p) >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=' {
			q := bytes.TrimRight(bytes.TrimSpace(p[2:]), "0")
			return string(q) == "0" || string(q) == "0." || len(q) == 0
		}
	}
	return false
}
