package workshops

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/notify"
)

// Kinds of session changes the people enrolled must hear about.
const (
	ChangeMoved     = "moved"
	ChangeCancelled = "cancelled"
)

// SessionChangeEvent is the payload of a notify.KindSessionChanged outbox message: what
// changed, so that the messages composed later can say "before / now".
type SessionChangeEvent struct {
	SessionID      int64     `json:"session_id"`
	Change         string    `json:"change"`
	Sequence       int       `json:"sequence"`
	StartsAt       time.Time `json:"starts_at"`
	EndsAt         time.Time `json:"ends_at"`
	PlaceID        int64     `json:"place_id,omitempty"`
	BeforeStartsAt time.Time `json:"before_starts_at"`
	BeforeEndsAt   time.Time `json:"before_ends_at"`
	BeforePlaceID  int64     `json:"before_place_id,omitempty"`
	Reason         string    `json:"reason,omitempty"`
}

// sessionChanged records in the outbox, inside tx, that a session was moved or cancelled.
// The key holds the new SEQUENCE: one event per revision, however often it is retried.
func (s *Service) sessionChanged(ctx context.Context, tx bun.IDB, sess, before *Session, change string) error {
	payload, err := json.Marshal(SessionChangeEvent{
		SessionID: sess.ID, Change: change, Sequence: sess.Sequence,
		StartsAt: sess.StartsAt, EndsAt: sess.EndsAt, PlaceID: sess.PlaceID,
		BeforeStartsAt: before.StartsAt, BeforeEndsAt: before.EndsAt, BeforePlaceID: before.PlaceID,
		Reason: sess.CancelReason,
	})
	if err != nil {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, &notify.Message{
		Kind:           notify.KindSessionChanged,
		IdempotencyKey: fmt.Sprintf("session-changed:%d:%d", sess.ID, sess.Sequence),
		Payload:        string(payload),
		SessionID:      sess.ID,
		StructureID:    sess.StructureID,
	}, s.now())
	return err
}

func changeAction(moved bool) string {
	if moved {
		return "moved"
	}
	return "updated"
}

// sessionChangeSummary says in French what changed, for the audit log.
func sessionChangeSummary(before, after *Session) string {
	var parts []string
	if !before.StartsAt.Equal(after.StartsAt) || !before.EndsAt.Equal(after.EndsAt) {
		parts = append(parts, fmt.Sprintf("horaire %s → %s",
			before.StartsAt.In(Paris).Format("02/01/2006 15:04"), after.StartsAt.In(Paris).Format("02/01/2006 15:04")))
	}
	if before.PlaceID != after.PlaceID {
		parts = append(parts, "lieu changé")
	}
	if before.Capacity != after.Capacity {
		parts = append(parts, fmt.Sprintf("places %d → %d", before.Capacity, after.Capacity))
	}
	if before.Animator != after.Animator {
		parts = append(parts, "animation : "+after.Animator)
	}
	if len(parts) == 0 {
		return "aucun changement"
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += " ; " + p
	}
	return out
}
