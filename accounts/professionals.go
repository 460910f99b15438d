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

// SignUp is what an orienting professional types to create an account.
type SignUp struct {
	Name         string
	Email        string
	Organisation string
	Password     string
}

// SignUp creates the account of an orienting professional in the default territory,
// pending, and emails the address what comes next, the same way whoever signs up so that
// nobody learns who has an account:
//   - an address of an allowed domain gets a link that confirms it and activates the
//     account at once (a typed address alone proves nothing: anyone could claim a
//     colleague's);
//   - another address waits for a coordinator, who is told;
//   - an address that already has an account is reminded of it, and nothing changes.
//
// Returns a *workshops.ValidationError (fields name, email, organisation, password).
func (s *Service) SignUp(ctx context.Context, in SignUp) error {
	v := &workshops.ValidationError{}
	name := workshops.CleanLine(in.Name)
	checkPersonName(v, "name", name)
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		v.Add("email", err.Error())
	}
	org := workshops.CleanLine(in.Organisation)
	switch n := len([]rune(org)); {
	case n == 0:
		v.Add("organisation", "Indiquez votre organisation, par exemple « CCAS de Nancy ».")
	case n > 150:
		v.Add("organisation", fmt.Sprintf("Ce nom est trop long : 150 caractères au plus (il en a %d).", n))
	}
	if msg := passwordProblem(in.Password, email); msg != "" {
		v.Add("password", msg)
	}
	if err := v.Err(); err != nil {
		return err
	}
	// Hash whoever signs up, so that an existing address answers as slowly as a new one.
	hash, err := s.hash(in.Password)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		existing := new(User)
		switch err := tx.NewSelect().Model(existing).Where("u.email = ?", email).Scan(ctx); {
		case err == nil:
			// At most one reminder a day per account: the form must not become a way to
			// flood someone's mailbox.
			key := fmt.Sprintf("account-exists:%d:%s", existing.ID, s.now().In(workshops.Paris).Format("2006-01-02"))
			data := map[string]any{"Site": SiteName, "Login": s.baseURL + "/login", "Forgot": s.baseURL + "/password/forgot"}
			return s.sendEmail(ctx, tx, key, "account_exists", email, data, 0)
		case !errors.Is(notFound(err, ""), workshops.ErrNotFound):
			return fmt.Errorf("get user: %w", err)
		}
		territoryID, err := s.defaultTerritory(ctx, tx)
		if err != nil {
			return err
		}
		// The account is created with the password's hash computed above.
		u, err := s.createUser(ctx, tx, workshops.Actor{Name: name}, NewUser{Email: email, Name: name,
			Organisation: org, ProfessionalTerritory: territoryID, ProfessionalStatus: ProfessionalPending})
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if _, err := tx.NewUpdate().Model(u).Column("password_hash").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		allowed, err := s.domainAllowed(ctx, tx, territoryID, email)
		if err != nil {
			return err
		}
		if allowed {
			token, err := s.issueInvitation(ctx, tx, u.ID, u.Email, 0, 0)
			if err != nil {
				return err
			}
			data := map[string]any{"Site": SiteName, "Link": s.baseURL + "/invitations/" + token, "Days": int(InvitationTTL.Hours() / 24)}
			return s.sendEmail(ctx, tx, fmt.Sprintf("professional-confirm:%d", u.ID), "professional_confirm", u.Email, data, 0)
		}
		data := map[string]any{"Site": SiteName, "Organisation": org}
		if err := s.sendEmail(ctx, tx, fmt.Sprintf("professional-pending:%d", u.ID), "professional_pending", u.Email, data, 0); err != nil {
			return err
		}
		coordinators, err := s.coordinatorsOf(ctx, tx, territoryID)
		if err != nil {
			return err
		}
		for _, c := range coordinators {
			data := map[string]any{"Site": SiteName, "Organisation": org, "Link": s.baseURL + "/coordination"}
			if err := s.sendEmail(ctx, tx, fmt.Sprintf("professional-request:%d:%d", u.ID, c.ID), "professional_request", c.Email, data, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// AcceptProfessional validates a pending orienting professional, who is told by email.
// Only the coordinators of the professional's territory may. Returns workshops.ErrNotFound,
// workshops.ErrForbidden or workshops.ErrConflict (already decided).
func (s *Service) AcceptProfessional(ctx context.Context, actor workshops.Actor, userID int64) error {
	return s.decideProfessional(ctx, actor, userID, ProfessionalActive, "")
}

// RefuseProfessional refuses a pending orienting professional with a reason, emailed to
// them. Returns a *workshops.ValidationError (field reason), workshops.ErrNotFound,
// workshops.ErrForbidden or workshops.ErrConflict.
func (s *Service) RefuseProfessional(ctx context.Context, actor workshops.Actor, userID int64, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.decideProfessional(ctx, actor, userID, ProfessionalRefused, reason)
}

func (s *Service) decideProfessional(ctx context.Context, actor workshops.Actor, userID int64, status, reason string) error {
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		pro := new(Professional)
		if err := tx.NewSelect().Model(pro).Where("pro.user_id = ?", userID).Scan(ctx); err != nil {
			return notFound(err, "get professional")
		}
		if !actor.Coordinates(pro.TerritoryID) {
			return workshops.ErrForbidden
		}
		u := new(User)
		if err := tx.NewSelect().Model(u).Where("u.id = ?", userID).Scan(ctx); err != nil {
			return notFound(err, "get user")
		}
		now := s.now().UTC()
		q := tx.NewUpdate().Model((*Professional)(nil)).
			Set("status = ?", status).Set("decided_at = ?", now).Set("refusal_reason = ?", reason).
			Where("user_id = ? AND status = ?", userID, ProfessionalPending)
		if actor.UserID != 0 {
			q = q.Set("decided_by = ?", actor.UserID)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("decide professional: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: cette inscription a déjà reçu une réponse", workshops.ErrConflict)
		}
		data := map[string]any{"Site": SiteName, "Organisation": pro.Organisation, "Reason": reason, "Login": s.baseURL + "/login"}
		mail, action, summary := "professional_accepted", "professional:accepted", pro.Organisation
		if status == ProfessionalRefused {
			mail, action, summary = "professional_refused", "professional:refused", pro.Organisation+" : "+reason
		}
		if err := s.sendEmail(ctx, tx, fmt.Sprintf("%s:%d", strings.ReplaceAll(action, ":", "-"), userID), mail, u.Email, data, 0); err != nil {
			return err
		}
		name := actor.Name
		if name == "" {
			name = "Escale (système)"
		}
		return audit.Record(ctx, tx, &audit.Entry{
			At: s.now(), ActorID: actor.UserID, ActorName: name, Action: action, Entity: "user",
			EntityID: fmt.Sprint(userID), TerritoryID: pro.TerritoryID, Summary: summary,
		})
	})
}

// defaultTerritory returns the instance's first territory, where sign-ups go.
func (s *Service) defaultTerritory(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	if err := db.NewSelect().Model((*workshops.Territory)(nil)).Column("id").Order("id").Limit(1).Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("default territory: %w", err)
	}
	return id, nil
}
