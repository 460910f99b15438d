package workshops

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Feed is everything an iCalendar feed shows, read in one call.
type Feed struct {
	// Sessions are the feed's sessions in time order (see FeedSessions).
	Sessions []Session
	// Vocabulary names the sessions' levels and the filter's levels and themes.
	Vocabulary *Vocabulary
	// Territory is the name of the territory the calendar covers.
	Territory string
	// Structure is the structure of a structure's feed, nil otherwise.
	Structure *Structure
	// Structures are the structures the filter names, for the feed's title.
	Structures []Structure
	// Changed is the latest time the feed's content may have changed: the calendar's last
	// change or, for a feed with a window, the last midnight in Paris, when the window moved.
	Changed time.Time
}

// Feed reads a calendar feed: the sessions matching f or, when structure is a slug, those
// of that structure only (f.Structures is then ignored). It returns ErrNotFound for an
// unknown structure and a *ValidationError for an invalid filter.
func (s *Service) Feed(ctx context.Context, structure string, f Filter) (*Feed, error) {
	feed := &Feed{}
	if structure != "" {
		st, err := s.Structure(ctx, structure)
		if err != nil {
			return nil, err
		}
		feed.Structure = st
		f.Structures = []string{st.Slug}
	}
	sessions, err := s.FeedSessions(ctx, f)
	if err != nil {
		return nil, err
	}
	feed.Sessions = sessions
	if structure == "" && len(f.Structures) > 0 {
		if feed.Structures, err = s.Structures(ctx, StructureFilter{Slugs: f.Structures}); err != nil {
			return nil, err
		}
	}
	if err := s.feedContext(ctx, feed); err != nil {
		return nil, err
	}
	if today := StartOfDay(s.now()).UTC(); feed.Changed.Before(today) {
		feed.Changed = today
	}
	return feed, nil
}

// SessionFeed reads the feed of one public session, cancelled or not, or ErrNotFound.
func (s *Service) SessionFeed(ctx context.Context, id int64) (*Feed, error) {
	sess, err := s.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	feed := &Feed{Sessions: []Session{*sess}}
	if err := s.feedContext(ctx, feed); err != nil {
		return nil, err
	}
	return feed, nil
}

// feedContext fills the vocabulary, the territory and the change time. It runs after the
// sessions are read, so that Changed is never older than what they show.
func (s *Service) feedContext(ctx context.Context, feed *Feed) error {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return err
	}
	feed.Vocabulary = voc
	err = s.db.NewSelect().Model((*Territory)(nil)).Column("name").Order("id").Limit(1).Scan(ctx, &feed.Territory)
	if err != nil {
		return fmt.Errorf("default territory: %w", err)
	}
	if _, feed.Changed, err = s.State(ctx); err != nil {
		return err
	}
	return nil
}

// feedQuery is sessionQuery reading only what a feed shows of each session, workshop,
// structure and place. A feed reads a thousand rows at a time: the long texts, search
// keys and timestamps it never shows made the query cost twice as much (and, on SQLite,
// every timestamp is parsed from text).
func (s *Service) feedQuery(dst *[]Session) *bun.SelectQuery {
	columns := func(names ...string) func(*bun.SelectQuery) *bun.SelectQuery {
		return func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column(names...) }
	}
	location := []string{"id", "name", "address", "address_extra", "postcode", "town", "latitude", "longitude", "updated_at"}
	return s.db.NewSelect().Model(dst).
		Column("id", "workshop_id", "structure_id", "place_id", "group_id", "starts_at", "ends_at",
			"capacity", "seats_taken", "status", "cancel_reason", "sequence", "updated_at").
		Relation("Workshop", columns("id", "structure_id", "slug", "status", "title", "summary", "level_min",
			"level_max", "kind", "devices_to_bring", "devices_lent", "what_to_bring", "price", "price_details",
			"enrollment", "updated_at")).
		Relation("Structure", columns(append(location, "slug", "status", "email", "phone")...)).
		Relation("Place", columns(append(location, "structure_id")...)).
		Where("workshop.status = ?", WorkshopPublished).
		Where("structure.status = ?", StructureActive)
}
