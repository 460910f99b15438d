package accounts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// Token kinds.
const (
	// TokenAPI is a personal API token, sent as "Authorization: Bearer …".
	TokenAPI = "api"
	// TokenFeed is the secret in the path of a person's private feed URL.
	TokenFeed = "feed"
)

// Token prefixes make tokens recognisable (in logs to scrub, in secret scanners).
var tokenPrefix = map[string]string{TokenAPI: "esc_api_", TokenFeed: "esc_feed_"}

// Token is a personal API or feed token. Only a hash is kept.
type Token struct {
	bun.BaseModel `bun:"table:api_tokens,alias:tok"`

	ID         int64 `bun:",pk,autoincrement"`
	UserID     int64
	Kind       string
	Name       string
	TokenHash  string `json:"-"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token still works.
func (t *Token) Active() bool { return t.RevokedAt == nil }

// CreateToken creates a token of a kind for a person and returns its secret, shown once.
// A person has at most one feed token: creating one revokes the previous.
func (s *Service) CreateToken(ctx context.Context, userID int64, kind, name string) (string, *Token, error) {
	prefix, ok := tokenPrefix[kind]
	if !ok {
		return "", nil, fmt.Errorf("unknown token kind %q", kind)
	}
	name = strings.Join(strings.Fields(name), " ")
	if len([]rune(name)) > 100 {
		return "", nil, &workshops.ValidationError{Fields: map[string]string{"name": "Ce nom est trop long : 100 caractères au plus."}}
	}
	secret, hash := newToken(prefix)
	t := &Token{UserID: userID, Kind: kind, Name: name, TokenHash: hash, CreatedAt: s.now().UTC()}
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if kind == TokenFeed {
			if _, err := tx.NewUpdate().Model((*Token)(nil)).Set("revoked_at = ?", t.CreatedAt).
				Where("user_id = ? AND kind = ? AND revoked_at IS NULL", userID, kind).Exec(ctx); err != nil {
				return fmt.Errorf("revoke feed tokens: %w", err)
			}
		}
		if _, err := tx.NewInsert().Model(t).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Tokens lists a person's tokens of a kind, newest first, revoked ones included.
func (s *Service) Tokens(ctx context.Context, userID int64, kind string) ([]Token, error) {
	var out []Token
	err := s.db.NewSelect().Model(&out).Where("tok.user_id = ? AND tok.kind = ?", userID, kind).OrderExpr("tok.id DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes one of a person's tokens. Returns workshops.ErrNotFound for a token
// that is not theirs.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res, err := s.db.NewUpdate().Model((*Token)(nil)).Set("revoked_at = ?", s.now().UTC()).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).Exec(ctx)
	s.tokens.forget()
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return workshops.ErrNotFound
	}
	return nil
}

// PrincipalByToken returns the person a token of a kind belongs to. Returns
// workshops.ErrNotFound for an unknown or revoked token and ErrDisabled. The principal
// may be shared with other calls for the same token (see TokenCacheTTL): read it, never
// change it.
func (s *Service) PrincipalByToken(ctx context.Context, kind, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix[kind]) {
		return nil, workshops.ErrNotFound
	}
	hash := hashToken(secret)
	now := s.now().UTC()
	key := kind + ":" + hash
	p, gen := s.tokens.get(key, now)
	if p != nil {
		return p, nil
	}
	// The calls that miss the same token at once (a script's burst when its entry expires)
	// share one reading, which none of them may cancel for the others. A call made after
	// an accounts write (a newer generation) never joins a reading begun before it.
	v, err, _ := s.tokens.reads.Do(key+"@"+strconv.FormatUint(gen, 10), func() (any, error) {
		return s.readPrincipal(context.WithoutCancel(ctx), key, kind, hash, gen, now)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Principal), nil
}

// readPrincipal reads a token's principal and remembers it under generation gen.
func (s *Service) readPrincipal(ctx context.Context, key, kind, hash string, gen uint64, now time.Time) (*Principal, error) {
	t := new(Token)
	err := s.db.NewSelect().Model(t).Where("tok.token_hash = ? AND tok.kind = ? AND tok.revoked_at IS NULL", hash, kind).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get token")
	}
	// Recorded at most once a minute: a busy script must not write on every call.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		_, _ = s.db.NewUpdate().Model(t).Set("last_used_at = ?", now).WherePK().Exec(ctx)
	}
	p, err := s.Principal(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	s.tokens.put(key, gen, p, now)
	return p, nil
}
