package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/workshops"
)

// InvitationTTL is how long an invitation link works: a week, since colleagues and newly
// accepted structures do not always read their email the same day.
const InvitationTTL = 7 * 24 * time.Hour

// issueInvitation creates an invitation link (purpose invite) for a person, to a structure
// or, with structureID zero, to confirm a professional's address; invitedBy is remembered
// so that the invitation page can say who invites.
func (s *Service) issueInvitation(ctx context.Context, tx bun.IDB, userID int64, email string, structureID, invitedBy int64) (string, error) {
	token, err := s.IssueLink(ctx, tx, Link{Purpose: PurposeInvite, UserID: userID, Email: email, StructureID: structureID}, InvitationTTL)
	if err != nil {
		return "", err
	}
	if invitedBy != 0 {
		_, err := tx.NewUpdate().Model((*Link)(nil)).Set("invited_by = ?", invitedBy).
			Where("token_hash = ?", hashToken(token)).Exec(ctx)
		if err != nil {
			return "", fmt.Errorf("remember inviter: %w", err)
		}
	}
	return token, nil
}

// Member is a member of a structure, as its members page lists them.
type Member struct {
	bun.BaseModel `bun:"table:users,alias:u"`
	User          `bun:",extend"`
	// Since is when the person became a member.
	Since time.Time `bun:"since,scanonly"`
}

// Joined reports whether the member has signed in at least once (otherwise their
// invitation is still waiting).
func (m *Member) Joined() bool { return m.LastSignInAt != nil }

// Members returns a structure (any status) and its members by name, to its members and
// the coordinators of its territory. Returns workshops.ErrNotFound or ErrForbidden.
func (s *Service) Members(ctx context.Context, actor workshops.Actor, slug string) (*workshops.Structure, []Member, error) {
	st, err := s.ws.StructureForEdit(ctx, actor, slug)
	if err != nil {
		return nil, nil, err
	}
	var out []Member
	err = s.db.NewSelect().Model(&out).ColumnExpr("u.*").ColumnExpr("ms.created_at AS since").
		Join("JOIN memberships AS ms ON ms.user_id = u.id").Where("ms.structure_id = ?", st.ID).
		OrderExpr("u.name, u.email").Scan(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list members: %w", err)
	}
	return st, out, nil
}

// InviteMember makes a person a member of a structure — creating their account, or adding
// the role to the one they have — and emails them an invitation link. Members of the
// structure and coordinators of its territory may. Returns a *workshops.ValidationError
// (field email), workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) InviteMember(ctx context.Context, actor workshops.Actor, slug, email string) (*User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, &workshops.ValidationError{Fields: map[string]string{"email": err.Error()}}
	}
	st, err := s.ws.StructureForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	var u *User
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if u, err = s.createUser(ctx, tx, actor, NewUser{Email: email, MemberOf: []int64{st.ID}}); err != nil {
			return err
		}
		token, err := s.issueInvitation(ctx, tx, u.ID, u.Email, st.ID, actor.UserID)
		if err != nil {
			return err
		}
		data := map[string]any{"Site": SiteName, "Inviter": actor.Name, "Structure": st.Name,
			"Link": s.baseURL + "/invitations/" + token, "Days": int(InvitationTTL.Hours() / 24)}
		// Each invitation is its own event: inviting again sends a fresh link.
		if err := s.sendEmail(ctx, tx, "invite:"+hashToken(token)[:24], "invitation", u.Email, data, st.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, &audit.Entry{
			At: s.now(), ActorID: actor.UserID, ActorName: actor.Name, Action: "invited", Entity: "user",
			EntityID: fmt.Sprint(u.ID), TerritoryID: st.TerritoryID, StructureID: st.ID, Summary: u.Email,
		})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Invitation is what an invitation link opens: joining a structure, or confirming the
// address of an orienting professional.
type Invitation struct {
	User User
	// Structure is the structure the person is invited to; nil when the link confirms a
	// professional's address.
	Structure *workshops.Structure
	// Inviter is the name of who invited, empty when unknown.
	Inviter string
	// Organisation is the professional's organisation, for a confirmation link.
	Organisation string
	ExpiresAt    time.Time
}

// Invitation returns what an invitation link opens, without using it. Returns
// ErrLinkInvalid for an unknown, used or expired link.
func (s *Service) Invitation(ctx context.Context, token string) (*Invitation, error) {
	l, err := s.PeekLink(ctx, PurposeInvite, token)
	if err != nil {
		return nil, err
	}
	inv := &Invitation{ExpiresAt: l.ExpiresAt}
	if err := s.db.NewSelect().Model(&inv.User).Where("u.id = ?", l.UserID).Scan(ctx); err != nil {
		if errors.Is(notFound(err, ""), workshops.ErrNotFound) {
			return nil, ErrLinkInvalid
		}
		return nil, fmt.Errorf("get invited user: %w", err)
	}
	if l.StructureID != 0 {
		inv.Structure = new(workshops.Structure)
		if err := s.db.NewSelect().Model(inv.Structure).Where("st.id = ?", l.StructureID).Scan(ctx); err != nil {
			return nil, notFound(err, "get structure")
		}
	} else {
		pro := new(Professional)
		if err := s.db.NewSelect().Model(pro).Where("pro.user_id = ?", l.UserID).Scan(ctx); err == nil {
			inv.Organisation = pro.Organisation
		}
	}
	var inviter []string
	err = s.db.NewSelect().Model((*User)(nil)).Column("name").
		Where("id = (SELECT invited_by FROM one_time_links WHERE token_hash = ?)", hashToken(token)).Scan(ctx, &inviter)
	if err != nil {
		return nil, fmt.Errorf("get inviter: %w", err)
	}
	if len(inviter) > 0 {
		inv.Inviter = inviter[0]
	}
	return inv, nil
}

// Acceptance is what a person sends to accept an invitation: a name and a password (twice)
// when their account has no password yet; nothing otherwise.
type Acceptance struct {
	Name     string
	Password string
	Confirm  string
}

// AcceptInvitation uses an invitation link once: it sets the person's name and password
// when they have none, activates a professional whose address it confirms, and returns
// the account to sign in with and the structure the person joined (zero for a
// professional). Returns ErrLinkInvalid, ErrDisabled or a *workshops.ValidationError
// (fields name, password, confirm), in which case the link stays usable.
func (s *Service) AcceptInvitation(ctx context.Context, token string, a Acceptance) (*User, int64, error) {
	u := new(User)
	var structureID int64
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := s.UseLink(ctx, tx, PurposeInvite, token)
		if err != nil {
			return err
		}
		structureID = l.StructureID
		if err := tx.NewSelect().Model(u).Where("u.id = ?", l.UserID).Scan(ctx); err != nil {
			if errors.Is(notFound(err, ""), workshops.ErrNotFound) {
				return ErrLinkInvalid
			}
			return fmt.Errorf("get invited user: %w", err)
		}
		if u.Status != UserActive {
			return ErrDisabled
		}
		now := s.now().UTC()
		if !u.HasPassword() {
			name := workshops.CleanLine(a.Name)
			v := &workshops.ValidationError{}
			checkPersonName(v, "name", name)
			if msg := passwordProblem(a.Password, u.Email); msg != "" {
				v.Add("password", msg)
			} else if a.Confirm != a.Password {
				v.Add("confirm", "Les deux mots de passe sont différents : tapez le même deux fois.")
			}
			if err := v.Err(); err != nil {
				return err
			}
			hash, err := s.hash(a.Password)
			if err != nil {
				return err
			}
			u.Name, u.PasswordHash, u.UpdatedAt = name, hash, now
			u.SessionEpoch++
			if _, err := tx.NewUpdate().Model(u).Column("name", "password_hash", "session_epoch", "updated_at").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("set name and password: %w", err)
			}
		}
		var territoryID int64
		if structureID == 0 {
			pro := new(Professional)
			if err := tx.NewSelect().Model(pro).Where("pro.user_id = ?", u.ID).Scan(ctx); err != nil {
				return notFound(err, "get professional")
			}
			territoryID = pro.TerritoryID
			_, err := tx.NewUpdate().Model((*Professional)(nil)).
				Set("status = ?", ProfessionalActive).Set("decided_at = ?", now).
				Where("user_id = ? AND status = ?", u.ID, ProfessionalPending).Exec(ctx)
			if err != nil {
				return fmt.Errorf("activate professional: %w", err)
			}
		}
		return s.record(ctx, tx, workshops.Actor{UserID: u.ID, Name: u.Name}, "invitation:accepted", u, territoryID, structureID, "")
	})
	if err != nil {
		return nil, 0, err
	}
	return u, structureID, nil
}
