package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/escale-numerique/escale/workshops"
)

// Grant describes a role to give to the account of an email, as an operator types it on
// the command line: places by their slugs.
type Grant struct {
	Email string
	Name  string
	// Role is RoleCoordinator, RoleMember or RoleProfessional.
	Role string
	// Structure is the slug of the structure of a member.
	Structure string
	// Territory is the slug of the territory of a coordinator or a professional; empty
	// means the default territory (the first one).
	Territory string
	// Organisation is the organisation of an orienting professional.
	Organisation string
}

// GrantRole creates the account of an email if needed and gives it a role. The account
// has no password: the person signs in by a link sent by email, then may choose one.
// Only the system may (the command line). Returns a *workshops.ValidationError (fields
// email, role, structure, territory, organisation, name) or workshops.ErrForbidden.
func (s *Service) GrantRole(ctx context.Context, actor workshops.Actor, g Grant) (*User, error) {
	// Coordinators give roles through the onboarding pages, which check the territory;
	// this is the operator's way in.
	if !actor.System {
		return nil, workshops.ErrForbidden
	}
	nu := NewUser{Email: g.Email, Name: g.Name}
	v := &workshops.ValidationError{}
	territory := func() int64 {
		slug := strings.TrimSpace(g.Territory)
		t := new(workshops.Territory)
		var err error
		if slug == "" {
			t, err = defaultTerritory(ctx, s.db)
		} else {
			err = s.db.NewSelect().Model(t).Where("te.slug = ?", slug).Scan(ctx)
		}
		if err != nil {
			v.Add("territory", fmt.Sprintf("Aucun territoire n'a l'identifiant « %s ».", slug))
			return 0
		}
		return t.ID
	}
	switch g.Role {
	case RoleCoordinator:
		if id := territory(); id != 0 {
			nu.CoordinatorOf = []int64{id}
		}
	case RoleMember:
		slug := strings.TrimSpace(g.Structure)
		st := new(workshops.Structure)
		if slug == "" {
			v.Add("structure", "Un membre appartient à une structure : indiquez son identifiant (--structure).")
		} else if err := s.db.NewSelect().Model(st).Where("st.slug = ?", slug).Scan(ctx); err != nil {
			v.Add("structure", fmt.Sprintf("Aucune structure n'a l'identifiant « %s ».", slug))
		} else {
			nu.MemberOf = []int64{st.ID}
		}
	case RoleProfessional:
		nu.Organisation = g.Organisation
		if strings.TrimSpace(g.Organisation) == "" {
			v.Add("organisation", "Un professionnel qui oriente appartient à une organisation : indiquez-la (--organisation).")
		}
		nu.ProfessionalTerritory = territory()
	default:
		v.Add("role", "Rôle inconnu : coordinator, member ou professional.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.CreateUser(ctx, actor, nu)
}

// People lists every account with its roles, by email, disabled ones included (for the
// command line).
func (s *Service) People(ctx context.Context) ([]Principal, error) {
	var users []User
	if err := s.db.NewSelect().Model(&users).Order("u.email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]Principal, len(users))
	for i, u := range users {
		out[i].User = u
		if err := s.loadRoles(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// IssueAPIToken creates a personal API token for the account of an email and returns its
// secret, shown once. Returns workshops.ErrNotFound, ErrDisabled or a
// *workshops.ValidationError (field name).
func (s *Service) IssueAPIToken(ctx context.Context, email, name string) (string, *Token, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", nil, err
	}
	if u.Status != UserActive {
		return "", nil, ErrDisabled
	}
	return s.CreateToken(ctx, u.ID, TokenAPI, name)
}

// Overview is what a person's account page shows besides their name and roles.
type Overview struct {
	// Tokens are the personal API tokens, newest first, revoked ones included.
	Tokens []Token
	// RecoveryCodesLeft counts the unused recovery codes of the second factor.
	RecoveryCodesLeft int
}

// AccountOverview returns a person's API tokens and what is left of their recovery codes.
func (s *Service) AccountOverview(ctx context.Context, userID int64) (*Overview, error) {
	tokens, err := s.Tokens(ctx, userID, TokenAPI)
	if err != nil {
		return nil, err
	}
	n, err := s.db.NewSelect().Model((*recoveryCode)(nil)).Where("user_id = ? AND used_at IS NULL", userID).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count recovery codes: %w", err)
	}
	return &Overview{Tokens: tokens, RecoveryCodesLeft: int(n)}, nil
}
