package workshops

import (
	"context"
	"fmt"
	"time"
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
