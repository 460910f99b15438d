package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// Link purposes.
const (
	PurposeSignIn    = "sign-in"
	PurposeReset     = "reset"
	PurposeInvite    = "invite"
	PurposeBootstrap = "bootstrap"
)

// LinkTTL is how long a link sent by email works.
const LinkTTL = 15 * time.Minute

// Link is a one-time link. Only a hash of its token is kept.
type Link struct {
	bun.BaseModel `bun:"table:one_time_links,alias:otl"`

	TokenHash   string `bun:",pk"`
	Purpose     string
	UserID      int64 `bun:",nullzero"`
	Email       string
	StructureID int64 `bun:",nullzero"`
	ExpiresAt   time.Time
	UsedAt      *time.Time
	CreatedAt   time.Time
}

// IssueLink creates a one-time link for a purpose, valid for ttl, inside tx, and returns
// its token (to put in a URL; never stored).
func (s *Service) IssueLink(ctx context.Context, tx bun.IDB, l Link, ttl time.Duration) (string, error) {
	token, hash := newToken("")
	now := s.now().UTC()
	l.TokenHash, l.CreatedAt, l.ExpiresAt, l.UsedAt = hash, now, now.Add(ttl), nil
	if _, err := tx.NewInsert().Model(&l).Exec(ctx); err != nil {
		return "", fmt.Errorf("issue link: %w", err)
	}
	return token, nil
}

// PeekLink returns the link of a token if it can still be used, without using it (to show
// a confirmation page). Returns ErrLinkInvalid otherwise.
func (s *Service) PeekLink(ctx context.Context, purpose, token string) (*Link, error) {
	l := new(Link)
	err := s.db.NewSelect().Model(l).Where("otl.token_hash = ? AND otl.purpose = ?", hashToken(token), purpose).Scan(ctx)
	if err != nil {
		if errors.Is(notFound(err, ""), workshops.ErrNotFound) {
			return nil, ErrLinkInvalid
		}
		return nil, fmt.Errorf("get link: %w", err)
	}
	if l.UsedAt != nil || !s.now().Before(l.ExpiresAt) {
		return nil, ErrLinkInvalid
	}
	return l, nil
}

// UseLink marks a link used inside tx and returns it: a link works once, even when two
// requests race (the conditional update lets one of them win). Returns ErrLinkInvalid.
func (s *Service) UseLink(ctx context.Context, tx bun.IDB, purpose, token string) (*Link, error) {
	now := s.now().UTC()
	res, err := tx.NewUpdate().Model((*Link)(nil)).Set("used_at = ?", now).
		Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), purpose, now).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("use link: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, ErrLinkInvalid
	}
	l := new(Link)
	if err := tx.NewSelect().Model(l).Where("otl.token_hash = ?", hashToken(token)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("get link: %w", err)
	}
	return l, nil
}

// SignInWithLink uses a sign-in link and returns the account it opens. Returns
// ErrLinkInvalid or ErrDisabled.
func (s *Service) SignInWithLink(ctx context.Context, token string) (*User, error) {
	u := new(User)
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := s.UseLink(ctx, tx, PurposeSignIn, token)
		if err != nil {
			return err
		}
		if err := tx.NewSelect().Model(u).Where("u.id = ?", l.UserID).Scan(ctx); err != nil {
			return notFound(err, "get user")
		}
		if u.Status != UserActive {
			return ErrDisabled
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
