package workshops

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/audit"
)

// ErrForbidden reports that the actor may not do what they asked.
var ErrForbidden = errors.New("action non autorisée")

// Actor is who asks for a change: a signed-in person with what they may act on, an
// anonymous visitor (UserID zero), or the system itself (the command line, the demo).
type Actor struct {
	UserID int64
	// Name is kept in the audit log.
	Name string
	// System actors may do anything.
	System bool
	// Territories are the territories the person coordinates.
	Territories []int64
	// Structures are the structures the person is a member of.
	Structures []int64
	// Professional says the person is an active orienting professional.
	Professional bool
}

// System is the actor of the command line and of the demo loader.
var System = Actor{System: true, Name: "Escale (système)"}

// Anonymous reports whether nobody is signed in.
func (a Actor) Anonymous() bool { return !a.System && a.UserID == 0 }

// Coordinates reports whether the actor coordinates the territory.
func (a Actor) Coordinates(territoryID int64) bool {
	if a.System {
		return true
	}
	for _, t := range a.Territories {
		if t == territoryID {
			return true
		}
	}
	return false
}

// MemberOf reports whether the actor is a member of the structure.
func (a Actor) MemberOf(structureID int64) bool {
	for _, s := range a.Structures {
		if s == structureID {
			return true
		}
	}
	return false
}

// MayManage reports whether the actor may change a structure, its places, workshops and
// sessions: its members, the coordinators of its territory, and the system.
func (a Actor) MayManage(st *Structure) bool {
	return a.System || a.MemberOf(st.ID) || a.Coordinates(st.TerritoryID)
}

// ManagesAny reports whether the actor may manage at least one structure: whether any
// change of the calendar can be theirs at all.
func (a Actor) ManagesAny() bool {
	return a.System || len(a.Structures) > 0 || len(a.Territories) > 0
}

// structureFor loads the structure of id inside tx and checks that the actor may manage
// it: ErrNotFound for an unknown structure, ErrForbidden otherwise.
func structureFor(ctx context.Context, tx bun.IDB, actor Actor, id int64) (*Structure, error) {
	st := new(Structure)
	if err := tx.NewSelect().Model(st).Where("st.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get structure")
	}
	if !actor.MayManage(st) {
		return nil, ErrForbidden
	}
	return st, nil
}

// record appends an audit entry about a structure's thing, in tx.
func (s *Service) record(ctx context.Context, tx bun.IDB, actor Actor, st *Structure, action, entity string, id int64, summary string) error {
	return audit.Record(ctx, tx, &audit.Entry{
		At: s.now(), ActorID: actor.UserID, ActorName: actor.Name, Action: action,
		Entity: entity, EntityID: fmt.Sprint(id), TerritoryID: st.TerritoryID, StructureID: st.ID,
		Summary: summary,
	})
}

// lockForUpdate locks the rows a query reads until the transaction ends, on PostgreSQL.
// SQLite needs nothing: its single connection and immediate transactions already let one
// writer at a time through.
func lockForUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if q.Dialect().Name() == dialect.PG {
		return q.For("UPDATE")
	}
	return q
}

// LockForUpdate is lockForUpdate for other domain packages working inside a transaction
// (the enrollment service locks sessions before counting seats).
func LockForUpdate(q *bun.SelectQuery) *bun.SelectQuery { return lockForUpdate(q) }
