package workshops

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// MapNext is how many of a structure's next sessions the map shows.
const MapNext = 3

// MapEntry is a structure on the map with its upcoming sessions matching a search.
type MapEntry struct {
	Structure Structure
	// Upcoming counts the structure's scheduled sessions not yet over that match.
	Upcoming int
	// Next are the first MapNext of them, in time order.
	Next []Session
}

// StructureMap is what the map page shows: the structures that hold upcoming sessions
// matching a search, by town then name.
type StructureMap struct {
	Vocabulary *Vocabulary
	Entries    []MapEntry
}

// StructureMap reads the active structures having scheduled sessions that match f and
// are not over (or start within f's dates), each with its count and next sessions.
// Returns a *ValidationError for an invalid filter.
func (s *Service) StructureMap(ctx context.Context, f Filter) (*StructureMap, error) {
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(voc); err != nil {
		return nil, err
	}
	m := &StructureMap{Vocabulary: voc}
	now := s.now()
	matching := func() *bun.SelectQuery {
		q := s.db.NewSelect().TableExpr("sessions AS s").
			Join("JOIN workshops AS workshop ON workshop.id = s.workshop_id").
			Join("JOIN structures AS structure ON structure.id = s.structure_id").
			Join("LEFT JOIN places AS place ON place.id = s.place_id").
			Where("workshop.status = ?", WorkshopPublished).
			Where("structure.status = ?", StructureActive).
			Where("s.status = ?", SessionScheduled)
		return f.applyToSessions(q, voc, now)
	}
	var counts []struct {
		StructureID int64
		N           int
	}
	if err := matching().ColumnExpr("s.structure_id, COUNT(*) AS n").Group("s.structure_id").Scan(ctx, &counts); err != nil {
		return nil, fmt.Errorf("map counts: %w", err)
	}
	if len(counts) == 0 {
		return m, nil
	}
	// The first sessions of each structure, in one query: both databases number rows
	// within a partition.
	ranked := matching().ColumnExpr("s.id").
		ColumnExpr("ROW_NUMBER() OVER (PARTITION BY s.structure_id ORDER BY s.starts_at, s.id) AS rn")
	var ids []int64
	if err := s.db.NewSelect().TableExpr("(?) AS ranked", ranked).Column("id").Where("rn <= ?", MapNext).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("map next sessions: %w", err)
	}
	var next []Session
	if err := s.feedQuery(&next).Where("s.id IN (?)", bun.In(ids)).OrderExpr("s.starts_at ASC, s.id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("map next sessions: %w", err)
	}
	if err := s.attachRelations(ctx, next); err != nil {
		return nil, err
	}
	structures, err := s.Structures(ctx, StructureFilter{})
	if err != nil {
		return nil, err
	}
	count := make(map[int64]int, len(counts))
	for _, c := range counts {
		count[c.StructureID] = c.N
	}
	byStructure := map[int64][]Session{}
	for _, sess := range next {
		byStructure[sess.StructureID] = append(byStructure[sess.StructureID], sess)
	}
	for _, st := range structures {
		if n := count[st.ID]; n > 0 {
			m.Entries = append(m.Entries, MapEntry{Structure: st, Upcoming: n, Next: byStructure[st.ID]})
		}
	}
	return m, nil
}
