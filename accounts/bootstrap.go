package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// BootstrapTTL is how long the first-run link printed by the server works.
const BootstrapTTL = 24 * time.Hour

// IssueBootstrapLink returns a one-time link (BootstrapTTL) to create the first
// coordinator, while nobody coordinates any territory, and "" once someone does. Each
// call replaces the previous link: only the one printed last works, and no password
// exists anywhere until the operator chooses one.
func (s *Service) IssueBootstrapLink(ctx context.Context) (string, error) {
	var link string
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*Coordinator)(nil)).Count(ctx)
		if err != nil {
			return fmt.Errorf("count coordinators: %w", err)
		}
		if n > 0 {
			return nil
		}
		if err := expireBootstrapLinks(ctx, tx, s.now()); err != nil {
			return err
		}
		token, err := s.IssueLink(ctx, tx, Link{Purpose: PurposeBootstrap}, BootstrapTTL)
		if err != nil {
			return err
		}
		link = s.baseURL + "/setup/" + token
		return nil
	})
	return link, err
}

// expireBootstrapLinks marks every unused first-run link used.
func expireBootstrapLinks(ctx context.Context, tx bun.IDB, now time.Time) error {
	_, err := tx.NewUpdate().Model((*Link)(nil)).Set("used_at = ?", now.UTC()).
		Where("purpose = ? AND used_at IS NULL", PurposeBootstrap).Exec(ctx)
	if err != nil {
		return fmt.Errorf("expire first-run links: %w", err)
	}
	return nil
}

// CheckBootstrapLink reports whether a first-run link can still create the first
// coordinator: ErrLinkInvalid when it is unknown, used or expired, or when a coordinator
// exists already.
func (s *Service) CheckBootstrapLink(ctx context.Context, token string) error {
	if _, err := s.PeekLink(ctx, PurposeBootstrap, token); err != nil {
		return err
	}
	n, err := s.db.NewSelect().Model((*Coordinator)(nil)).Count(ctx)
	if err != nil {
		return fmt.Errorf("count coordinators: %w", err)
	}
	if n > 0 {
		return ErrLinkInvalid
	}
	return nil
}

// FirstCoordinator is the form of the first run.
type FirstCoordinator struct {
	Email           string
	Name            string
	Password        string
	PasswordConfirm string
}

// Bootstrap creates the first coordinator of the default territory (the first one) with
// a first-run link, which then stops working with every other first-run link. Returns
// ErrLinkInvalid (also when a coordinator exists already) or a *workshops.ValidationError
// (fields email, name, password, password_confirm).
func (s *Service) Bootstrap(ctx context.Context, token string, fc FirstCoordinator) (*User, error) {
	if err := s.CheckBootstrapLink(ctx, token); err != nil {
		return nil, err
	}
	v := &workshops.ValidationError{}
	email, err := NormalizeEmail(fc.Email)
	if err != nil {
		v.Add("email", err.Error())
	} else if _, err := s.UserByEmail(ctx, email); err == nil {
		v.Add("email", "Cette adresse a déjà un compte. Choisissez-en une autre, ou donnez-lui le rôle de coordination avec la commande « escale user add ».")
	} else if !errors.Is(err, workshops.ErrNotFound) {
		return nil, err
	}
	name := strings.Join(strings.Fields(fc.Name), " ")
	if name == "" {
		v.Add("name", "Indiquez votre nom : il apparaît dans le journal des modifications.")
	}
	checkNewPassword(v, fc.Password, fc.PasswordConfirm, email)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var u *User
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.UseLink(ctx, tx, PurposeBootstrap, token); err != nil {
			return err
		}
		if err := expireBootstrapLinks(ctx, tx, s.now()); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*Coordinator)(nil)).Count(ctx)
		if err != nil {
			return fmt.Errorf("count coordinators: %w", err)
		}
		if n > 0 {
			return ErrLinkInvalid
		}
		territory, err := defaultTerritory(ctx, tx)
		if err != nil {
			return err
		}
		u, err = s.createUser(ctx, tx, workshops.System, NewUser{Email: email, Name: name, Password: fc.Password,
			CoordinatorOf: []int64{territory.ID}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// defaultTerritory is the territory created by the migrations, the first one.
func defaultTerritory(ctx context.Context, db bun.IDB) (*workshops.Territory, error) {
	t := new(workshops.Territory)
	if err := db.NewSelect().Model(t).Order("te.id").Limit(1).Scan(ctx); err != nil {
		return nil, notFound(err, "get default territory")
	}
	return t, nil
}
