package accounts

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/workshops"
)

// TerritoryAccount is an account of a coordinator's territories with its roles there.
type TerritoryAccount struct {
	User User
	// Coordinator says the person coordinates one of the territories.
	Coordinator bool
	// Structures are the person's structures in the territories.
	Structures []workshops.Structure
	// Professional is the person's orienting-professional role in the territories, if any.
	Professional *Professional
}

// TerritoryAccounts lists the accounts of the actor's territories — their coordinators,
// the members of their structures and their orienting professionals — by name. Returns
// workshops.ErrForbidden for non-coordinators.
func (s *Service) TerritoryAccounts(ctx context.Context, actor workshops.Actor) ([]TerritoryAccount, error) {
	if len(actor.Territories) == 0 {
		return nil, workshops.ErrForbidden
	}
	ts := bun.In(actor.Territories)
	var coordinators []Coordinator
	if err := s.db.NewSelect().Model(&coordinators).Where("co.territory_id IN (?)", ts).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list coordinators: %w", err)
	}
	var structures []workshops.Structure
	if err := s.db.NewSelect().Model(&structures).Where("st.territory_id IN (?)", ts).Order("st.name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list structures: %w", err)
	}
	var memberships []Membership
	if err := s.db.NewSelect().Model(&memberships).
		Where("ms.structure_id IN (SELECT id FROM structures WHERE territory_id IN (?))", ts).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	var pros []Professional
	if err := s.db.NewSelect().Model(&pros).Where("pro.territory_id IN (?)", ts).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list professionals: %w", err)
	}
	ids := make([]int64, 0, len(coordinators)+len(memberships)+len(pros))
	for _, c := range coordinators {
		ids = append(ids, c.UserID)
	}
	for _, m := range memberships {
		ids = append(ids, m.UserID)
	}
	for _, p := range pros {
		ids = append(ids, p.UserID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var users []User
	if err := s.db.NewSelect().Model(&users).Where("u.id IN (?)", bun.In(ids)).OrderExpr("u.name, u.email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	byID := make(map[int64]*TerritoryAccount, len(users))
	out := make([]TerritoryAccount, len(users))
	for i := range users {
		out[i].User = users[i]
		byID[users[i].ID] = &out[i]
	}
	for _, c := range coordinators {
		byID[c.UserID].Coordinator = true
	}
	structureByID := make(map[int64]workshops.Structure, len(structures))
	for _, st := range structures {
		structureByID[st.ID] = st
	}
	for _, m := range memberships {
		a := byID[m.UserID]
		a.Structures = append(a.Structures, structureByID[m.StructureID])
	}
	for i := range pros {
		byID[pros[i].UserID].Professional = &pros[i]
	}
	for i := range out {
		slices.SortFunc(out[i].Structures, func(a, b workshops.Structure) int { return strings.Compare(a.Name, b.Name) })
	}
	return out, nil
}

// inTerritories reports whether a person holds a role in one of the territories.
func inTerritories(ctx context.Context, db bun.IDB, userID int64, territories []int64) (bool, error) {
	if len(territories) == 0 {
		return false, nil
	}
	ts := bun.In(territories)
	var n int
	err := db.NewSelect().ColumnExpr("count(*)").TableExpr("users AS u").Where("u.id = ?", userID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("u.id IN (SELECT user_id FROM coordinators WHERE territory_id IN (?))", ts).
				WhereOr("u.id IN (SELECT user_id FROM professionals WHERE territory_id IN (?))", ts).
				WhereOr("u.id IN (SELECT m.user_id FROM memberships AS m JOIN structures AS s ON s.id = m.structure_id WHERE s.territory_id IN (?))", ts)
		}).Scan(ctx, &n)
	if err != nil {
		return false, fmt.Errorf("check territory: %w", err)
	}
	return n > 0, nil
}

// Journal returns a page of the audit log of the actor's territories and their
// structures, newest first: up to limit entries older than the entry before (zero: the
// newest), and the id to pass as before for the next page (zero on the last page).
// Returns workshops.ErrForbidden for non-coordinators.
func (s *Service) Journal(ctx context.Context, actor workshops.Actor, before int64, limit int) ([]audit.Entry, int64, error) {
	if len(actor.Territories) == 0 {
		return nil, 0, workshops.ErrForbidden
	}
	var structures []int64
	err := s.db.NewSelect().Model((*workshops.Structure)(nil)).Column("id").
		Where("territory_id IN (?)", bun.In(actor.Territories)).Scan(ctx, &structures)
	if err != nil {
		return nil, 0, fmt.Errorf("list structures: %w", err)
	}
	limit = min(max(limit, 1), 200)
	entries, err := audit.List(ctx, s.db, audit.Filter{Territories: actor.Territories, Structures: structures,
		Before: max(before, 0), Limit: limit + 1})
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(entries) > limit {
		entries = entries[:limit]
		next = entries[limit-1].ID
	}
	return entries, next, nil
}
