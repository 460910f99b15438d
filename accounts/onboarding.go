package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// SiteName is how emails name the site.
const SiteName = "Escale"

// Join request statuses.
const (
	RequestPending  = "pending"
	RequestAccepted = "accepted"
	RequestRefused  = "refused"
)

// maxReason bounds a refusal reason, in characters.
const maxReason = 1000

// JoinRequest is a structure asking to join the calendar, with its first member.
type JoinRequest struct {
	bun.BaseModel `bun:"table:join_requests,alias:jr"`

	ID            int64 `bun:",pk,autoincrement"`
	StructureID   int64
	Email         string
	Name          string
	Status        string
	DecidedBy     int64 `bun:",nullzero"`
	DecidedAt     *time.Time
	RefusalReason string
	CreatedAt     time.Time
	// Structure is the structure that asks, loaded with the request.
	Structure *workshops.Structure `bun:"rel:belongs-to,join:structure_id=id"`
}

// JoinApplication is what the public form /join sends: the structure and its first member.
type JoinApplication struct {
	Structure workshops.Structure
	// Name and Email are the first member's.
	Name  string
	Email string
	// Consent says the person agreed that the structure's details be shown publicly once
	// validated.
	Consent bool
}

// RequestJoin stores a pending structure and its join request in one transaction, and
// emails the territory's coordinators. Nothing is public until a coordinator accepts.
// Field names of the returned *workshops.ValidationError are the structure's, plus
// member_name, member_email and consent.
func (s *Service) RequestJoin(ctx context.Context, app JoinApplication) (*JoinRequest, error) {
	st := app.Structure
	st.Status, st.Slug, st.ID = workshops.StructurePending, "", 0
	v := &workshops.ValidationError{}
	if err := st.Validate(); err != nil {
		var ve *workshops.ValidationError
		if !errors.As(err, &ve) {
			return nil, err
		}
		for f, msg := range ve.Fields {
			v.Add(f, msg)
		}
	}
	name := workshops.CleanLine(app.Name)
	checkPersonName(v, "member_name", name)
	email, err := NormalizeEmail(app.Email)
	if err != nil {
		v.Add("member_email", err.Error())
	}
	if !app.Consent {
		v.Add("consent", "Cochez la case pour accepter que les informations de la structure soient publiées une fois validées.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The person who asks is not signed in: the log keeps the name they gave.
	asker := workshops.Actor{Name: name}
	jr := &JoinRequest{Email: email, Name: name, Status: RequestPending, CreatedAt: s.now().UTC()}
	err = s.ws.Write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.ws.CreateStructureTx(ctx, tx, asker, &st); err != nil {
			return err
		}
		jr.StructureID, jr.Structure = st.ID, &st
		if _, err := tx.NewInsert().Model(jr).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert join request: %w", err)
		}
		if err := s.recordRequest(ctx, tx, asker, "requested", jr, st.Name); err != nil {
			return err
		}
		coordinators, err := s.coordinatorsOf(ctx, tx, st.TerritoryID)
		if err != nil {
			return err
		}
		for _, c := range coordinators {
			data := map[string]any{"Site": SiteName, "Structure": st.Name, "Town": st.Town, "Link": s.baseURL + "/coordination"}
			if err := s.sendEmail(ctx, tx, fmt.Sprintf("join-request:%d:%d", jr.ID, c.ID), "join_request", c.Email, data, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jr, nil
}

// AcceptJoinRequest validates a structure that asked to join: it becomes public, its first
// member gets an account (or the role is added to their existing one) and an email with an
// invitation link to choose a password. Only the coordinators of the structure's territory
// may. Returns workshops.ErrNotFound, workshops.ErrForbidden, or workshops.ErrConflict when
// the request was already decided.
func (s *Service) AcceptJoinRequest(ctx context.Context, actor workshops.Actor, id int64) (*JoinRequest, error) {
	jr := new(JoinRequest)
	err := s.ws.Write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(jr).Where("jr.id = ?", id).Scan(ctx); err != nil {
			return notFound(err, "get join request")
		}
		st, err := s.ws.SetStructureStatusTx(ctx, tx, actor, jr.StructureID, workshops.StructureActive)
		if err != nil {
			return err
		}
		jr.Structure = st
		if err := s.decideRequest(ctx, tx, actor, jr, RequestAccepted, ""); err != nil {
			return err
		}
		u, err := s.createUser(ctx, tx, actor, NewUser{Email: jr.Email, Name: jr.Name, MemberOf: []int64{st.ID}})
		if err != nil {
			return err
		}
		token, err := s.issueInvitation(ctx, tx, u.ID, u.Email, st.ID, actor.UserID)
		if err != nil {
			return err
		}
		data := map[string]any{"Site": SiteName, "Structure": st.Name, "Link": s.baseURL + "/invitations/" + token,
			"Days": int(InvitationTTL.Hours() / 24), "HasPassword": u.HasPassword()}
		if err := s.sendEmail(ctx, tx, fmt.Sprintf("join-accepted:%d:%d", jr.ID, u.ID), "structure_accepted", u.Email, data, st.ID); err != nil {
			return err
		}
		return s.recordRequest(ctx, tx, actor, "accepted", jr, st.Name)
	})
	if err != nil {
		return nil, err
	}
	return jr, nil
}

// RefuseJoinRequest refuses a structure that asked to join, with a reason emailed to the
// person who asked. The structure stays hidden. Returns a *workshops.ValidationError
// (field reason), workshops.ErrNotFound, workshops.ErrForbidden or workshops.ErrConflict.
func (s *Service) RefuseJoinRequest(ctx context.Context, actor workshops.Actor, id int64, reason string) (*JoinRequest, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	jr := new(JoinRequest)
	err = s.ws.Write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(jr).Where("jr.id = ?", id).Scan(ctx); err != nil {
			return notFound(err, "get join request")
		}
		st, err := s.ws.SetStructureStatusTx(ctx, tx, actor, jr.StructureID, workshops.StructureRefused)
		if err != nil {
			return err
		}
		jr.Structure = st
		if err := s.decideRequest(ctx, tx, actor, jr, RequestRefused, reason); err != nil {
			return err
		}
		data := map[string]any{"Site": SiteName, "Structure": st.Name, "Reason": reason}
		if err := s.sendEmail(ctx, tx, fmt.Sprintf("join-refused:%d", jr.ID), "structure_refused", jr.Email, data, 0); err != nil {
			return err
		}
		return s.recordRequest(ctx, tx, actor, "refused", jr, st.Name+" : "+reason)
	})
	if err != nil {
		return nil, err
	}
	return jr, nil
}

// decideRequest moves a pending request to its decision; a request decided meanwhile (two
// coordinators at once) is a conflict.
func (s *Service) decideRequest(ctx context.Context, tx bun.Tx, actor workshops.Actor, jr *JoinRequest, status, reason string) error {
	now := s.now().UTC()
	q := tx.NewUpdate().Model((*JoinRequest)(nil)).
		Set("status = ?", status).Set("decided_at = ?", now).Set("refusal_reason = ?", reason).
		Where("id = ? AND status = ?", jr.ID, RequestPending)
	if actor.UserID != 0 {
		q = q.Set("decided_by = ?", actor.UserID)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("decide join request: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%w: cette demande a déjà reçu une réponse", workshops.ErrConflict)
	}
	jr.Status, jr.DecidedAt, jr.DecidedBy, jr.RefusalReason = status, &now, actor.UserID, reason
	return nil
}

// Pending is what waits for a coordinator's decision.
type Pending struct {
	JoinRequests  []JoinRequest
	Professionals []PendingProfessional
}

// PendingProfessional is an orienting professional waiting for validation.
type PendingProfessional struct {
	bun.BaseModel `bun:"table:professionals,alias:pro"`
	Professional  `bun:",extend"`
	User          *User `bun:"rel:belongs-to,join:user_id=id"`
}

// PendingRequests lists the join requests and professional sign-ups waiting in the
// actor's territories, oldest first. Returns workshops.ErrForbidden for non-coordinators.
func (s *Service) PendingRequests(ctx context.Context, actor workshops.Actor) (*Pending, error) {
	if !actor.System && len(actor.Territories) == 0 {
		return nil, workshops.ErrForbidden
	}
	p := &Pending{}
	q := s.db.NewSelect().Model(&p.JoinRequests).Relation("Structure").Where("jr.status = ?", RequestPending)
	if !actor.System {
		q = q.Where("structure.territory_id IN (?)", bun.In(actor.Territories))
	}
	if err := q.Order("jr.created_at", "jr.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list join requests: %w", err)
	}
	pq := s.db.NewSelect().Model(&p.Professionals).Relation("User").Where("pro.status = ?", ProfessionalPending)
	if !actor.System {
		pq = pq.Where("pro.territory_id IN (?)", bun.In(actor.Territories))
	}
	if err := pq.Order("pro.created_at", "pro.user_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list pending professionals: %w", err)
	}
	return p, nil
}

// coordinatorsOf returns the active coordinators of a territory.
func (s *Service) coordinatorsOf(ctx context.Context, db bun.IDB, territoryID int64) ([]User, error) {
	var out []User
	err := db.NewSelect().Model(&out).
		Where("u.id IN (SELECT user_id FROM coordinators WHERE territory_id = ?)", territoryID).
		Where("u.status = ?", UserActive).Order("u.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list coordinators: %w", err)
	}
	return out, nil
}

// sendEmail composes a message from mail/<name>.txt and writes it into the outbox, in tx.
func (s *Service) sendEmail(ctx context.Context, tx bun.IDB, key, name, to string, data any, structureID int64) error {
	e, err := compose(name, to, data)
	if err != nil {
		return err
	}
	_, err = notify.EnqueueEmail(ctx, tx, key, e, structureID, s.now())
	return err
}

// recordRequest appends an audit entry about a join request, in the structure's part of
// the log.
func (s *Service) recordRequest(ctx context.Context, tx bun.IDB, actor workshops.Actor, action string, jr *JoinRequest, summary string) error {
	name := actor.Name
	if name == "" {
		name = "visiteur"
	}
	return audit.Record(ctx, tx, &audit.Entry{
		At: s.now(), ActorID: actor.UserID, ActorName: name, Action: action, Entity: "join_request",
		EntityID: fmt.Sprint(jr.ID), TerritoryID: jr.Structure.TerritoryID, StructureID: jr.StructureID, Summary: summary,
	})
}

// checkPersonName requires a person's name of at most 120 characters.
func checkPersonName(v *workshops.ValidationError, field, name string) {
	switch n := len([]rune(name)); {
	case n == 0:
		v.Add(field, "Indiquez le prénom et le nom.")
	case n > 120:
		v.Add(field, fmt.Sprintf("Ce nom est trop long : 120 caractères au plus (il en a %d).", n))
	}
}

// checkReason requires a refusal reason (it is sent to the person) and bounds it.
func checkReason(reason string) (string, error) {
	reason = workshops.CleanText(reason)
	switch n := len([]rune(reason)); {
	case n == 0:
		return "", &workshops.ValidationError{Fields: map[string]string{"reason": "Indiquez la raison du refus : elle sera envoyée à la personne."}}
	case n > maxReason:
		return "", &workshops.ValidationError{Fields: map[string]string{"reason": fmt.Sprintf("La raison est trop longue : %d caractères au plus (elle en a %d).", maxReason, n)}}
	}
	return reason, nil
}
