package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/workshops"
)

// NewUser describes an account to create, with its first roles.
type NewUser struct {
	Email string
	Name  string
	// Password may be empty: the person then signs in by link (or sets a password later).
	Password string
	// CoordinatorOf makes the person a coordinator of these territories.
	CoordinatorOf []int64
	// MemberOf makes the person a member of these structures.
	MemberOf []int64
	// Organisation, when set, makes the person an orienting professional of this
	// organisation in ProfessionalTerritory, with ProfessionalStatus (active by default).
	Organisation          string
	ProfessionalTerritory int64
	ProfessionalStatus    string
}

// CreateUser creates an account, or adds the roles to the existing account of the same
// email. Returns a *workshops.ValidationError for bad input.
func (s *Service) CreateUser(ctx context.Context, actor workshops.Actor, nu NewUser) (*User, error) {
	u := new(User)
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, err = s.createUser(ctx, tx, actor, nu)
		return err
	})
	return u, err
}

// createUser is CreateUser inside a transaction.
func (s *Service) createUser(ctx context.Context, tx bun.Tx, actor workshops.Actor, nu NewUser) (*User, error) {
	v := &workshops.ValidationError{}
	email, err := NormalizeEmail(nu.Email)
	if err != nil {
		v.Add("email", err.Error())
	}
	nu.Name = workshops.CleanLine(nu.Name)
	if len([]rune(nu.Name)) > 120 {
		v.Add("name", "Le nom est trop long : 120 caractères au plus.")
	}
	if nu.Password != "" {
		if msg := passwordProblem(nu.Password, email); msg != "" {
			v.Add("password", msg)
		}
	}
	nu.Organisation = workshops.CleanLine(nu.Organisation)
	if len([]rune(nu.Organisation)) > 150 {
		v.Add("organisation", "Le nom de l'organisation est trop long : 150 caractères au plus.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	u := new(User)
	err = tx.NewSelect().Model(u).Where("u.email = ?", email).Scan(ctx)
	switch {
	case err == nil:
		if nu.Name != "" && u.Name == "" {
			u.Name, u.UpdatedAt = nu.Name, now
			if _, err := tx.NewUpdate().Model(u).Column("name", "updated_at").WherePK().Exec(ctx); err != nil {
				return nil, fmt.Errorf("update user: %w", err)
			}
		}
	case errors.Is(notFound(err, ""), workshops.ErrNotFound):
		u = &User{Email: email, Name: nu.Name, Status: UserActive, CreatedAt: now, UpdatedAt: now}
		if nu.Password != "" {
			if u.PasswordHash, err = s.hash(nu.Password); err != nil {
				return nil, err
			}
		}
		if _, err := tx.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
			return nil, fmt.Errorf("insert user: %w", err)
		}
		if err := s.record(ctx, tx, actor, "created", u, 0, 0, ""); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("get user: %w", err)
	}
	for _, t := range nu.CoordinatorOf {
		if _, err := tx.NewInsert().Model(&Coordinator{UserID: u.ID, TerritoryID: t, CreatedAt: now}).
			On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return nil, fmt.Errorf("add coordinator: %w", err)
		}
		if err := s.record(ctx, tx, actor, "role:coordinator", u, t, 0, ""); err != nil {
			return nil, err
		}
	}
	for _, st := range nu.MemberOf {
		if _, err := tx.NewInsert().Model(&Membership{UserID: u.ID, StructureID: st, CreatedAt: now}).
			On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return nil, fmt.Errorf("add membership: %w", err)
		}
		if err := s.record(ctx, tx, actor, "role:member", u, 0, st, ""); err != nil {
			return nil, err
		}
	}
	if nu.Organisation != "" {
		status := nu.ProfessionalStatus
		if status == "" {
			status = ProfessionalActive
		}
		p := &Professional{UserID: u.ID, TerritoryID: nu.ProfessionalTerritory, Organisation: nu.Organisation,
			Status: status, CreatedAt: now}
		if status == ProfessionalActive {
			p.DecidedAt, p.DecidedBy = &now, actor.UserID
		}
		if _, err := tx.NewInsert().Model(p).
			On("CONFLICT (user_id) DO UPDATE").Set("organisation = EXCLUDED.organisation").
			Exec(ctx); err != nil {
			return nil, fmt.Errorf("add professional: %w", err)
		}
		if err := s.record(ctx, tx, actor, "role:professional", u, p.TerritoryID, 0, p.Organisation); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// UserByEmail returns the account of an email address, or workshops.ErrNotFound.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	if err := s.db.NewSelect().Model(u).Where("u.email = ?", strings.ToLower(strings.TrimSpace(email))).Scan(ctx); err != nil {
		return nil, notFound(err, "get user")
	}
	return u, nil
}

// Principal loads a person with their roles. Returns workshops.ErrNotFound or ErrDisabled.
func (s *Service) Principal(ctx context.Context, userID int64) (*Principal, error) {
	p := &Principal{}
	if err := s.db.NewSelect().Model(&p.User).Where("u.id = ?", userID).Scan(ctx); err != nil {
		return nil, notFound(err, "get user")
	}
	if p.User.Status != UserActive {
		return nil, ErrDisabled
	}
	return p, s.loadRoles(ctx, p)
}

func (s *Service) loadRoles(ctx context.Context, p *Principal) error {
	err := s.db.NewSelect().Model(&p.Territories).
		Where("te.id IN (SELECT territory_id FROM coordinators WHERE user_id = ?)", p.User.ID).Order("te.name").Scan(ctx)
	if err != nil {
		return fmt.Errorf("load territories: %w", err)
	}
	err = s.db.NewSelect().Model(&p.Structures).
		Where("st.id IN (SELECT structure_id FROM memberships WHERE user_id = ?)", p.User.ID).Order("st.name").Scan(ctx)
	if err != nil {
		return fmt.Errorf("load structures: %w", err)
	}
	pro := new(Professional)
	switch err := s.db.NewSelect().Model(pro).Where("pro.user_id = ?", p.User.ID).Scan(ctx); {
	case err == nil:
		p.Professional = pro
	case !errors.Is(notFound(err, ""), workshops.ErrNotFound):
		return fmt.Errorf("load professional: %w", err)
	}
	return nil
}

// UserSummary is a line of the list of accounts.
type UserSummary struct {
	User
	Roles []string `bun:"-"`
}

// Users lists every account with its roles, by email (for operators and coordinators).
func (s *Service) Users(ctx context.Context) ([]UserSummary, error) {
	var users []User
	if err := s.db.NewSelect().Model(&users).Order("u.email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]UserSummary, len(users))
	for i, u := range users {
		p := &Principal{User: u}
		if err := s.loadRoles(ctx, p); err != nil {
			return nil, err
		}
		out[i].User = u
		for _, t := range p.Territories {
			out[i].Roles = append(out[i].Roles, "coordination : "+t.Name)
		}
		for _, st := range p.Structures {
			out[i].Roles = append(out[i].Roles, "membre : "+st.Name)
		}
		if p.Professional != nil {
			out[i].Roles = append(out[i].Roles, "professionnel ("+p.Professional.Status+") : "+p.Professional.Organisation)
		}
	}
	return out, nil
}

// SetStatus disables an account (its sessions end at once) or enables it again. Only the
// system and the coordinators of a territory where the person holds a role may, and
// nobody disables their own account. Returns workshops.ErrNotFound, workshops.ErrForbidden
// or workshops.ErrConflict.
func (s *Service) SetStatus(ctx context.Context, actor workshops.Actor, userID int64, status string) error {
	if status != UserActive && status != UserDisabled {
		return &workshops.ValidationError{Fields: map[string]string{"status": "Statut de compte inconnu."}}
	}
	if !actor.System && len(actor.Territories) == 0 {
		return workshops.ErrForbidden
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		u := new(User)
		if err := tx.NewSelect().Model(u).Where("u.id = ?", userID).Scan(ctx); err != nil {
			return notFound(err, "get user")
		}
		if !actor.System {
			ok, err := inTerritories(ctx, tx, userID, actor.Territories)
			if err != nil {
				return err
			}
			if !ok {
				return workshops.ErrForbidden
			}
			if userID == actor.UserID && status == UserDisabled {
				return fmt.Errorf("%w: vous ne pouvez pas désactiver votre propre compte", workshops.ErrConflict)
			}
		}
		u.Status, u.UpdatedAt = status, s.now().UTC()
		u.SessionEpoch++
		if _, err := tx.NewUpdate().Model(u).Column("status", "session_epoch", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("set user status: %w", err)
		}
		return s.record(ctx, tx, actor, "status:"+status, u, firstOr(actor.Territories), 0, "")
	})
}

// SignOutEverywhere ends every web session of a person.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64) error {
	_, err := s.db.NewUpdate().Model((*User)(nil)).
		Set("session_epoch = session_epoch + 1").Set("updated_at = ?", s.now().UTC()).
		Where("id = ?", userID).Exec(ctx)
	s.tokens.forget()
	if err != nil {
		return fmt.Errorf("sign out everywhere: %w", err)
	}
	return nil
}

// record appends an audit entry about an account.
func (s *Service) record(ctx context.Context, tx bun.IDB, actor workshops.Actor, action string, u *User, territoryID, structureID int64, summary string) error {
	if summary == "" {
		summary = u.Email
	}
	name := actor.Name
	if name == "" {
		name = "visiteur"
	}
	return audit.Record(ctx, tx, &audit.Entry{
		At: s.now(), ActorID: actor.UserID, ActorName: name, Action: action, Entity: "user",
		EntityID: fmt.Sprint(u.ID), TerritoryID: territoryID, StructureID: structureID, Summary: summary,
	})
}

func firstOr(ids []int64) int64 {
	if len(ids) > 0 {
		return ids[0]
	}
	return 0
}
