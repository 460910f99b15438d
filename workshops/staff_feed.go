package workshops

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// StaffFeed reads the private feed of a person: the sessions of the structures they are a
// member of, whatever the status of their workshop (drafts too) or structure, over the
// window of the public feeds, cancelled ones until their day is past. Each session has
// its workshop (and themes), structure and place. It is never cached: it shows seats.
func (s *Service) StaffFeed(ctx context.Context, actor Actor) (*Feed, error) {
	feed := &Feed{}
	if len(actor.Structures) > 0 {
		today := DateOf(s.now())
		from, to := today.AddDays(-FeedDaysBack), DateOf(today.Start().AddDate(0, FeedMonthsAhead, 0))
		err := s.staffSessionQuery(&feed.Sessions).
			Where("s.structure_id IN (?)", bun.In(actor.Structures)).
			Where("s.starts_at >= ?", from.Start().UTC()).
			Where("s.starts_at < ?", to.AddDays(1).Start().UTC()).
			Where("(s.status <> ? OR s.starts_at >= ?)", SessionCancelled, today.Start().UTC()).
			OrderExpr("s.starts_at ASC, s.id ASC").
			Limit(MaxFeedSessions).
			Scan(ctx)
		if err != nil {
			return nil, fmt.Errorf("staff feed sessions: %w", err)
		}
		if err := s.loadThemes(ctx, feed.Sessions); err != nil {
			return nil, err
		}
	}
	if err := s.feedContext(ctx, feed); err != nil {
		return nil, err
	}
	return feed, nil
}
