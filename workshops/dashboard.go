package workshops

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Sizes of the dashboard's lists.
const (
	// DashboardUpcoming bounds the upcoming sessions listed per structure.
	DashboardUpcoming = 20
	// DashboardTerritory bounds the structures of a territory listed for its coordinators.
	DashboardTerritory = 50
	// ToCloseDays is how long a past session waits among the sessions to close.
	ToCloseDays = 28
)

// DashboardQuery says what a person's dashboard shows besides their own structures.
type DashboardQuery struct {
	// Structure is the slug of a structure of a territory the person coordinates, shown
	// with their own.
	Structure string
	// Search narrows the list of the territory's structures to those whose name, town or
	// postcode holds every word (any case and accents).
	Search string
}

// Dashboard is what a person's space shows: a board per structure they manage, and, for
// coordinators, the structures of their territories.
type Dashboard struct {
	// Boards are the person's structures, then the one a coordinator asked for.
	Boards []StructureBoard
	// Coordinator says the person coordinates at least one territory.
	Coordinator bool
	// Territory lists the structures of the territories the person coordinates that
	// match the search, any status, by town then name; TerritoryMore says the list was cut.
	Territory     []Structure
	TerritoryMore bool
}

// StructureBoard is one structure on a dashboard.
type StructureBoard struct {
	Structure *Structure
	// Member says the person is a member of the structure (not only a coordinator).
	Member bool
	// Workshops are the structure's workshops, drafts first, then by title.
	Workshops []Workshop
	// Upcoming are the sessions not yet over, drafts' included, in time order, with
	// their workshop and place; MoreUpcoming says the list was cut.
	Upcoming     []Session
	MoreUpcoming bool
	// ToClose are the sessions over in the last ToCloseDays days, not cancelled, with
	// people holding a seat whose attendance is not recorded yet, most recent first.
	ToClose []Session
}

// Drafts returns the board's draft workshops.
func (b *StructureBoard) Drafts() []Workshop {
	var out []Workshop
	for _, w := range b.Workshops {
		if w.Status == WorkshopDraft {
			out = append(out, w)
		}
	}
	return out
}

// Dashboard reads a person's dashboard. Returns ErrNotFound for an unknown q.Structure
// and ErrForbidden for one the person may not manage.
func (s *Service) Dashboard(ctx context.Context, actor Actor, q DashboardQuery) (*Dashboard, error) {
	d := &Dashboard{Coordinator: len(actor.Territories) > 0}
	ids := slices.Clone(actor.Structures)
	if q.Structure != "" {
		st, err := s.StructureForEdit(ctx, actor, q.Structure)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, st.ID) {
			ids = append(ids, st.ID)
		}
	}
	var structures []Structure
	if len(ids) > 0 {
		if err := s.db.NewSelect().Model(&structures).Where("st.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("dashboard structures: %w", err)
		}
	}
	// Keep the order of ids: the person's own structures first, then the one asked for.
	slices.SortStableFunc(structures, func(a, b Structure) int {
		return slices.Index(ids, a.ID) - slices.Index(ids, b.ID)
	})
	for i := range structures {
		b, err := s.board(ctx, &structures[i])
		if err != nil {
			return nil, err
		}
		b.Member = actor.MemberOf(structures[i].ID)
		d.Boards = append(d.Boards, *b)
	}
	if d.Coordinator {
		sq := s.db.NewSelect().Model(&d.Territory).Where("st.territory_id IN (?)", bun.In(actor.Territories))
		terms := Filter{Query: q.Search}.terms()
		for _, term := range terms[:min(len(terms), 10)] {
			sq = sq.Where("st.search_key LIKE ? ESCAPE '\\'", likeContains(term))
		}
		if err := sq.OrderExpr("st.town_key, st.name, st.id").Limit(DashboardTerritory + 1).Scan(ctx); err != nil {
			return nil, fmt.Errorf("dashboard territory: %w", err)
		}
		if len(d.Territory) > DashboardTerritory {
			d.Territory, d.TerritoryMore = d.Territory[:DashboardTerritory], true
		}
	}
	return d, nil
}

// board reads one structure's board.
func (s *Service) board(ctx context.Context, st *Structure) (*StructureBoard, error) {
	b := &StructureBoard{Structure: st}
	now := s.now().UTC()
	err := s.db.NewSelect().Model(&b.Workshops).Where("w.structure_id = ?", st.ID).
		OrderExpr("CASE WHEN w.status = ? THEN 0 ELSE 1 END, w.title, w.id", WorkshopDraft).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard workshops: %w", err)
	}
	err = s.staffSessionQuery(&b.Upcoming).Where("s.structure_id = ?", st.ID).Where("s.ends_at > ?", now).
		OrderExpr("s.starts_at ASC, s.id ASC").Limit(DashboardUpcoming + 1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard upcoming sessions: %w", err)
	}
	if len(b.Upcoming) > DashboardUpcoming {
		b.Upcoming, b.MoreUpcoming = b.Upcoming[:DashboardUpcoming], true
	}
	err = s.staffSessionQuery(&b.ToClose).Where("s.structure_id = ?", st.ID).
		Where("s.status = ?", SessionScheduled).
		Where("s.ends_at <= ?", now).
		Where("s.ends_at > ?", now.Add(-ToCloseDays*24*time.Hour)).
		Where("s.seats_taken > 0").
		Where("s.attendance_taken_at IS NULL").
		OrderExpr("s.starts_at DESC, s.id DESC").Limit(DashboardUpcoming).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard sessions to close: %w", err)
	}
	return b, nil
}

// staffSessionQuery selects sessions whatever the status of their workshop and structure,
// with their workshop, structure and place: what the people who run them see.
func (s *Service) staffSessionQuery(dst *[]Session) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).Relation("Workshop").Relation("Structure").Relation("Place")
}
