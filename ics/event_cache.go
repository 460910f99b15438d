package ics

import (
	"container/list"
	"hash/fnv"
	"sync"
	"sync/atomic"

	"github.com/escale-numerique/escale/workshops"
)

// EventCache keeps the encoded VEVENT of each session it has written, so that a feed
// re-rendered after a write elsewhere, and every filtered feed showing the same session,
// copy it instead of building and encoding it again (about 5 µs a session, most of a
// thousand-session feed's render). It holds at most a fixed number of events and forgets
// the least recently used. It is safe for concurrent use.
//
// An event is reused only while everything it shows is unchanged: the session's id,
// times, status and SEQUENCE, its Modified() time — which moves whenever the session, its
// workshop, its structure or its place changes — and the labels of the vocabulary. Any
// future field a session's event shows must move Modified() when it changes.
type EventCache struct {
	mu    sync.Mutex
	max   int
	items map[eventKey]*list.Element
	order *list.List // of *cachedEvent, most recently used first

	lastVocab atomic.Pointer[vocabPrint]
}

type eventKey struct {
	id, modified, starts, ends int64
	sequence                   int
	cancelled                  bool
	vocab                      uint64
	site                       Site
}

type cachedEvent struct {
	key  eventKey
	body []byte
}

type vocabPrint struct {
	voc *workshops.Vocabulary
	sum uint64
}

// NewEventCache returns a cache of at most max events.
func NewEventCache(max int) *EventCache {
	return &EventCache{max: max, items: make(map[eventKey]*list.Element, max), order: list.New()}
}

// SessionEvent returns the session's event (see the package function SessionEvent),
// already encoded for a PUBLISH calendar, from the cache when it can.
func (c *EventCache) SessionEvent(sess *workshops.Session, voc *workshops.Vocabulary, site Site) (*Event, error) {
	key := eventKey{
		id: sess.ID, modified: sess.Modified().UnixNano(),
		starts: sess.StartsAt.UnixNano(), ends: sess.EndsAt.UnixNano(),
		sequence: sess.Sequence, cancelled: sess.Cancelled(),
		vocab: c.vocabSum(voc), site: site,
	}
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		body := el.Value.(*cachedEvent).body
		c.mu.Unlock()
		return &Event{start: sess.StartsAt, encoded: body}, nil
	}
	c.mu.Unlock()

	e := SessionEvent(sess, voc, site)
	w := &lineWriter{buf: make([]byte, 0, 1200)}
	if err := w.component(e.ev, true); err != nil {
		return nil, err
	}
	body := w.buf[:len(w.buf):len(w.buf)]

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
	} else {
		c.items[key] = c.order.PushFront(&cachedEvent{key: key, body: body})
		for c.order.Len() > c.max {
			oldest := c.order.Back()
			c.order.Remove(oldest)
			delete(c.items, oldest.Value.(*cachedEvent).key)
		}
	}
	return &Event{start: sess.StartsAt, encoded: body}, nil
}

// Len returns the number of events held.
func (c *EventCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// vocabSum fingerprints the labels an event prints (levels and themes). Vocabularies are
// shared values replaced on change, so the last one's fingerprint is kept.
func (c *EventCache) vocabSum(voc *workshops.Vocabulary) uint64 {
	if last := c.lastVocab.Load(); last != nil && last.voc == voc {
		return last.sum
	}
	h := fnv.New64a()
	for _, l := range voc.Levels {
		h.Write([]byte(l.Code + "\x00" + l.Label + "\x00"))
	}
	for _, t := range voc.Themes {
		h.Write([]byte(t.Slug + "\x00" + t.Label + "\x00"))
	}
	p := &vocabPrint{voc: voc, sum: h.Sum64()}
	c.lastVocab.Store(p)
	return p.sum
}
