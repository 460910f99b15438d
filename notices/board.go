package notices

import (
	"context"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// Board is what a structure's team sees of the messages about its sessions: the printed
// convocations to hand, and the emails and SMS sent, waiting or failed (with the
// provider's reason), without their bodies.
type Board struct {
	Structure    *workshops.Structure
	Convocations []enrollment.DueConvocation
	Counts       map[string]int
	Messages     []notify.Message
	// Next is the id to page from, zero on the last page.
	Next int64
}

// boardPage is the number of messages a board shows at once.
const boardPage = 50

// Board reads the messages page of the structure of a slug for its team (and its
// territory's coordinators): messages of one status or all (""), older than before when
// not zero. Reading the convocations is logged as an access to personal data. Returns
// workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) Board(ctx context.Context, actor workshops.Actor, slug, status string, before int64) (*Board, error) {
	st, err := s.ws.StructureForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	b := &Board{Structure: st}
	if b.Convocations, err = s.en.ConvocationsDue(ctx, actor, st); err != nil {
		return nil, err
	}
	scope := notify.Scope{Structures: []int64{st.ID}, Kinds: notify.MessageKinds}
	if b.Counts, err = notify.Counts(ctx, s.db, scope); err != nil {
		return nil, err
	}
	b.Messages, b.Next, err = notify.ListPage(ctx, s.db, notify.Filter{Scope: scope, Status: status, Before: before}, boardPage)
	if err != nil {
		return nil, err
	}
	return b, nil
}
