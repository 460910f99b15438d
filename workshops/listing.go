package workshops

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cursor marks a position in the time-ordered list of sessions, for keyset pagination:
// the cost of a page does not grow with how far it is.
type Cursor struct {
	StartsAt time.Time
	ID       int64
}

// String encodes the cursor for a URL: "<unix seconds>.<id>".
func (c Cursor) String() string {
	return strconv.FormatInt(c.StartsAt.Unix(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor decodes a cursor made by Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	sec, id, ok := strings.Cut(s, ".")
	if !ok {
		return Cursor{}, fmt.Errorf("curseur %q invalide", s)
	}
	n, err1 := strconv.ParseInt(sec, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || i <= 0 || n < earliest.Unix() || n > latest.Unix() {
		return Cursor{}, fmt.Errorf("curseur %q invalide", s)
	}
	return Cursor{StartsAt: time.Unix(n, 0).UTC(), ID: i}, nil
}

func cursorOf(s *Session) *Cursor { return &Cursor{StartsAt: s.StartsAt, ID: s.ID} }

// Page asks for one page of sessions: the first one, the one after a cursor, or the one
// before a cursor.
type Page struct {
	After  *Cursor
	Before *Cursor
	// Limit is the page size: 1 to 200, 20 when zero.
	Limit int
}

// SessionPage is one page of sessions in time order, with the cursors of its neighbours
// (nil when there is none).
type SessionPage struct {
	Sessions []Session
	Next     *Cursor
	Prev     *Cursor
}

// Default and largest page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

// ListSessions returns one page of the public sessions matching f, in time order, with
// their workshop (and its themes), structure and place. It returns a *ValidationError for
// an invalid filter. The queries walk the (starts_at, id) index and stop after one page.
func (s *Service) ListSessions(ctx context.Context, f Filter, p Page) (SessionPage, error) {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return SessionPage{}, err
	}
	if err := f.Validate(voc); err != nil {
		return SessionPage{}, err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)

	var rows []Session
	q := f.applyToSessions(s.sessionQuery(&rows), voc, s.now())
	backwards := p.Before != nil && p.After == nil
	switch {
	case backwards:
		c := p.Before
		q = q.Where("(s.starts_at < ? OR (s.starts_at = ? AND s.id < ?))", c.StartsAt.UTC(), c.StartsAt.UTC(), c.ID).
			OrderExpr("s.starts_at DESC, s.id DESC")
	case p.After != nil:
		c := p.After
		q = q.Where("(s.starts_at > ? OR (s.starts_at = ? AND s.id > ?))", c.StartsAt.UTC(), c.StartsAt.UTC(), c.ID).
			OrderExpr("s.starts_at ASC, s.id ASC")
	default:
		q = q.OrderExpr("s.starts_at ASC, s.id ASC")
	}
	if err := q.Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return SessionPage{}, fmt.Errorf("list sessions: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if backwards {
		slices.Reverse(rows)
	}
	page := SessionPage{Sessions: rows}
	if len(rows) > 0 {
		first, last := &rows[0], &rows[len(rows)-1]
		switch {
		case backwards:
			page.Next = cursorOf(last)
			if more {
				page.Prev = cursorOf(first)
			}
		default:
			if more {
				page.Next = cursorOf(last)
			}
			if p.After != nil {
				page.Prev = cursorOf(first)
			}
		}
	}
	if err := s.loadThemes(ctx, page.Sessions); err != nil {
		return SessionPage{}, err
	}
	return page, nil
}

// Feed window: what calendar feeds cover around today.
const (
	FeedDaysBack    = 60
	FeedMonthsAhead = 12
	// MaxFeedSessions bounds a feed's query; the encoder also keeps a feed under 1 MB.
	MaxFeedSessions = 5000
)

// FeedSessions returns the public sessions of a feed matching f, in time order: from 60
// days ago to 12 months ahead (narrowed by f.From and f.To), cancelled ones only until
// their day is past, with what a feed shows of their workshop (and its themes),
// structure and place. Returns a *ValidationError for an invalid filter.
func (s *Service) FeedSessions(ctx context.Context, f Filter) ([]Session, error) {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(voc); err != nil {
		return nil, err
	}
	today := DateOf(s.now())
	from, to := today.AddDays(-FeedDaysBack), DateOf(today.Start().AddDate(0, FeedMonthsAhead, 0))
	if !f.From.IsZero() && from.Before(f.From) {
		from = f.From
	}
	if !f.To.IsZero() && f.To.Before(to) {
		to = f.To
	}
	f.From, f.To = from, to
	var rows []Session
	q := f.applyToSessions(s.feedQuery(&rows), voc, s.now()).
		Where("(s.status <> ? OR s.starts_at >= ?)", SessionCancelled, today.Start().UTC()).
		OrderExpr("s.starts_at ASC, s.id ASC").
		Limit(MaxFeedSessions)
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("feed sessions: %w", err)
	}
	return rows, s.attachRelations(ctx, rows)
}

// WorkshopSessions returns the upcoming public sessions of a workshop (not yet over), in
// time order, at most limit.
func (s *Service) WorkshopSessions(ctx context.Context, workshopID int64, limit int) ([]Session, error) {
	var rows []Session
	err := s.sessionQuery(&rows).Where("s.workshop_id = ?", workshopID).Where("s.ends_at > ?", s.now().UTC()).
		OrderExpr("s.starts_at ASC, s.id ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("workshop sessions: %w", err)
	}
	return rows, s.loadThemes(ctx, rows)
}
