package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// linkMail is what the emails carrying a one-time link show.
type linkMail struct {
	Name    string
	URL     string
	Minutes int
	Site    string
}

// RequestSignInLink emails a sign-in link (LinkTTL, once) to the address when an active
// account has it, and does nothing otherwise: callers answer the same either way, so that
// nobody learns who has an account. next, a local path, is where the link leads once
// signed in. Returns a *workshops.ValidationError (field email) for a malformed address.
func (s *Service) RequestSignInLink(ctx context.Context, email, next string) error {
	return s.sendLink(ctx, email, PurposeSignIn, "sign-in-link", func(token string) string {
		u := s.baseURL + "/login/link/" + token
		if next != "" {
			u += "?next=" + url.QueryEscape(next)
		}
		return u
	})
}

// RequestPasswordReset emails a password reset link (LinkTTL, once) to the address when
// an active account has it, and does nothing otherwise (see RequestSignInLink). Returns a
// *workshops.ValidationError (field email) for a malformed address.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	return s.sendLink(ctx, email, PurposeReset, "password-reset", func(token string) string {
		return s.baseURL + "/password/reset/" + token
	})
}

// sendLink issues a link of a purpose to the active account of an address and enqueues
// the email carrying it, in one transaction: no link without its email, no email without
// its link.
func (s *Service) sendLink(ctx context.Context, rawEmail, purpose, mailName string, link func(token string) string) error {
	email, err := NormalizeEmail(rawEmail)
	if err != nil {
		return &workshops.ValidationError{Fields: map[string]string{"email": err.Error()}}
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		u := new(User)
		err := tx.NewSelect().Model(u).Where("u.email = ?", email).Scan(ctx)
		if err != nil {
			if errors.Is(notFound(err, ""), workshops.ErrNotFound) {
				return nil
			}
			return fmt.Errorf("get user: %w", err)
		}
		if u.Status != UserActive {
			return nil
		}
		token, err := s.IssueLink(ctx, tx, Link{Purpose: purpose, UserID: u.ID, Email: email}, LinkTTL)
		if err != nil {
			return err
		}
		msg, err := compose(mailName, email, linkMail{Name: u.Name, URL: link(token), Minutes: int(LinkTTL / time.Minute), Site: s.baseURL})
		if err != nil {
			return err
		}
		// The key names the link without revealing it.
		_, err = notify.EnqueueEmail(ctx, tx, purpose+":"+hashToken(token)[:32], msg, 0, s.now())
		return err
	})
}

// checkNewPassword adds the messages of a new password typed twice to v.
func checkNewPassword(v *workshops.ValidationError, password, confirm, email string) {
	if msg := passwordProblem(password, email); msg != "" {
		v.Add("password", msg)
		return
	}
	if password != confirm {
		v.Add("password_confirm", "Les deux mots de passe ne sont pas identiques : tapez le même deux fois.")
	}
}

// storePassword writes a password hash and moves the session epoch, ending every web
// session of the person, inside tx; it returns the account as it now is.
func (s *Service) storePassword(ctx context.Context, tx bun.IDB, u *User, hash, action string) (*User, error) {
	_, err := tx.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).Set("session_epoch = session_epoch + 1").Set("updated_at = ?", s.now().UTC()).
		Where("id = ?", u.ID).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("set password: %w", err)
	}
	if err := s.record(ctx, tx, workshops.Actor{UserID: u.ID, Name: u.Name}, action, u, 0, 0, ""); err != nil {
		return nil, err
	}
	out := new(User)
	if err := tx.NewSelect().Model(out).Where("u.id = ?", u.ID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	return out, nil
}

// ResetPassword sets a new password with a reset link, ending every web session of the
// person, and returns the account for the caller to sign them in. The link is used only
// once the password is accepted, so that a typo does not waste it. Returns ErrLinkInvalid,
// ErrDisabled, or a *workshops.ValidationError (fields password and password_confirm).
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string) (*User, error) {
	l, err := s.PeekLink(ctx, PurposeReset, token)
	if err != nil {
		return nil, err
	}
	u := new(User)
	if err := s.db.NewSelect().Model(u).Where("u.id = ?", l.UserID).Scan(ctx); err != nil {
		if errors.Is(notFound(err, ""), workshops.ErrNotFound) {
			return nil, ErrLinkInvalid
		}
		return nil, fmt.Errorf("get user: %w", err)
	}
	if u.Status != UserActive {
		return nil, ErrDisabled
	}
	v := &workshops.ValidationError{}
	checkNewPassword(v, password, confirm, u.Email)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := s.hash(password)
	if err != nil {
		return nil, err
	}
	var out *User
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.UseLink(ctx, tx, PurposeReset, token); err != nil {
			return err
		}
		out, err = s.storePassword(ctx, tx, u, hash, "password:reset")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ChangePassword changes a signed-in person's password, ending every web session of
// theirs, and returns the account for the caller to start a fresh session. The current
// password is required when the person has one (people who signed in by link only may
// set a first one). Returns a *workshops.ValidationError (fields current_password,
// password, password_confirm), workshops.ErrNotFound or ErrDisabled.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, password, confirm string) (*User, error) {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	v := &workshops.ValidationError{}
	if u.HasPassword() {
		if ok, err := checkPassword(current, u.PasswordHash); err != nil || !ok {
			v.Add("current_password", "Ce n'est pas votre mot de passe actuel.")
		}
	}
	checkNewPassword(v, password, confirm, u.Email)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := s.hash(password)
	if err != nil {
		return nil, err
	}
	var out *User
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		out, err = s.storePassword(ctx, tx, u, hash, "password")
		return err
	})
	return out, err
}

// SignOutElsewhere ends every web session of a person and returns the account with its
// new session epoch, so that the caller can start a fresh session for the device asking.
// Returns workshops.ErrNotFound or ErrDisabled.
func (s *Service) SignOutElsewhere(ctx context.Context, userID int64) (*User, error) {
	if err := s.SignOutEverywhere(ctx, userID); err != nil {
		return nil, err
	}
	return s.activeUser(ctx, userID)
}

// activeUser loads an account that may sign in: workshops.ErrNotFound or ErrDisabled
// otherwise.
func (s *Service) activeUser(ctx context.Context, userID int64) (*User, error) {
	u := new(User)
	if err := s.db.NewSelect().Model(u).Where("u.id = ?", userID).Scan(ctx); err != nil {
		return nil, notFound(err, "get user")
	}
	if u.Status != UserActive {
		return nil, ErrDisabled
	}
	return u, nil
}

// checkPassword compares a password with an argon2id hash.
func checkPassword(password, hash string) (bool, error) {
	return argon2id.ComparePasswordAndHash(password, hash)
}
