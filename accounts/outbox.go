package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// OutboxView is what a coordinator sees of the messages to send: counts per status and
// one page of messages, newest first, without their bodies.
type OutboxView struct {
	Counts   map[string]int
	Messages []notify.Message
	// Next is the id to page from, zero on the last page.
	Next int64
}

// outboxScope is what a coordinator may see: the messages of their territories'
// structures and those about no structure (sign-in links, requests to join).
func (s *Service) outboxScope(ctx context.Context, actor workshops.Actor) (notify.Scope, error) {
	if len(actor.Territories) == 0 {
		return notify.Scope{}, workshops.ErrForbidden
	}
	var ids []int64
	if err := s.db.NewSelect().Model((*workshops.Structure)(nil)).Column("id").
		Where("territory_id IN (?)", bun.In(actor.Territories)).Scan(ctx, &ids); err != nil {
		return notify.Scope{}, fmt.Errorf("outbox scope: %w", err)
	}
	return notify.Scope{Structures: ids, NoStructure: true}, nil
}

// Outbox lists the messages a coordinator may see, of one status or all ("").
// Returns workshops.ErrForbidden for non-coordinators.
func (s *Service) Outbox(ctx context.Context, actor workshops.Actor, status string, before int64) (*OutboxView, error) {
	scope, err := s.outboxScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	v := &OutboxView{}
	if v.Counts, err = notify.Counts(ctx, s.db, scope); err != nil {
		return nil, err
	}
	const page = 50
	if v.Messages, v.Next, err = notify.ListPage(ctx, s.db, notify.Filter{Scope: scope, Status: status, Before: before}, page); err != nil {
		return nil, err
	}
	return v, nil
}

// RetryMessage puts a failed message a coordinator may see back in the queue. Returns
// workshops.ErrForbidden (also for a message of another territory), workshops.ErrNotFound
// or workshops.ErrConflict (not failed).
func (s *Service) RetryMessage(ctx context.Context, actor workshops.Actor, id int64) error {
	scope, err := s.outboxScope(ctx, actor)
	if err != nil {
		return err
	}
	switch err := notify.Retry(ctx, s.db, id, scope, s.now()); {
	case errors.Is(err, notify.ErrNotFound):
		return workshops.ErrNotFound
	case errors.Is(err, notify.ErrOutOfScope):
		return workshops.ErrForbidden
	case errors.Is(err, notify.ErrNotFailed):
		return fmt.Errorf("%w: seul un message en échec peut être renvoyé", workshops.ErrConflict)
	default:
		return err
	}
}
