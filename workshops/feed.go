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

// feedQuery selects the session columns a feed shows, joining the workshop, structure and
// place only to filter: a feed reads up to thousands of rows that share a few dozen
// workshops and structures, and reading those once each (attachRelations) instead of once
// per session row divides the query's cost by three.
func (s *Service) feedQuery(dst *[]Session) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).
		Column("id", "workshop_id", "structure_id", "place_id", "group_id", "starts_at", "ends_at",
			"capacity", "seats_taken", "status", "cancel_reason", "sequence", "updated_at").
		Join("JOIN workshops AS workshop ON workshop.id = s.workshop_id").
		Join("JOIN structures AS structure ON structure.id = s.structure_id").
		Join("LEFT JOIN places AS place ON place.id = s.place_id").
		Where("workshop.status = ?", WorkshopPublished).
		Where("structure.status = ?", StructureActive)
}

// attachRelations loads the workshops (with their themes, without their long texts),
// structures and places of the sessions, each once, and points the sessions at them.
func (s *Service) attachRelations(ctx context.Context, sessions []Session) error {
	if len(sessions) == 0 {
		return nil
	}
	workshopIDs, placeIDs := map[int64]bool{}, map[int64]bool{}
	for _, sess := range sessions {
		workshopIDs[sess.WorkshopID] = true
		if sess.PlaceID != 0 {
			placeIDs[sess.PlaceID] = true
		}
	}
	var ws []Workshop
	err := s.db.NewSelect().Model(&ws).
		Column("id", "structure_id", "slug", "status", "title", "summary", "level_min", "level_max", "kind",
			"devices_to_bring", "devices_lent", "what_to_bring", "price", "price_details", "enrollment", "updated_at").
		Where("w.id IN (?)", bun.In(keys(workshopIDs))).Scan(ctx)
	if err != nil {
		return fmt.Errorf("feed workshops: %w", err)
	}
	var places []Place
	if len(placeIDs) > 0 {
		if err := s.db.NewSelect().Model(&places).Where("pl.id IN (?)", bun.In(keys(placeIDs))).Scan(ctx); err != nil {
			return fmt.Errorf("feed places: %w", err)
		}
	}
	structures, err := s.Structures(ctx, StructureFilter{})
	if err != nil {
		return err
	}
	if err := s.attachThemes(ctx, ws); err != nil {
		return err
	}
	wByID := make(map[int64]*Workshop, len(ws))
	for i := range ws {
		wByID[ws[i].ID] = &ws[i]
	}
	stByID := make(map[int64]*Structure, len(structures))
	for i := range structures {
		stByID[structures[i].ID] = &structures[i]
	}
	pByID := make(map[int64]*Place, len(places))
	for i := range places {
		pByID[places[i].ID] = &places[i]
	}
	for i := range sessions {
		sess := &sessions[i]
		sess.Workshop, sess.Structure = wByID[sess.WorkshopID], stByID[sess.StructureID]
		if sess.PlaceID != 0 {
			sess.Place = pByID[sess.PlaceID]
		}
		if sess.Workshop == nil || sess.Structure == nil {
			// A write between the queries (the structure list may be a cached copy).
			return fmt.Errorf("feed: session %d lost its workshop or structure", sess.ID)
		}
	}
	return nil
}

// attachThemes fills the Themes of workshops with one query.
func (s *Service) attachThemes(ctx context.Context, ws []Workshop) error {
	ids := make([]int64, len(ws))
	for i := range ws {
		ids[i] = ws[i].ID
	}
	byWorkshop, err := s.themesOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range ws {
		ws[i].Themes = byWorkshop[ws[i].ID]
	}
	return nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
