package accounts

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/alexedwards/argon2id"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// MinPasswordLength follows the CNIL's recommendation for passwords alone.
const MinPasswordLength = 12

// passwordProblem says in French what is wrong with a password, or "".
func passwordProblem(password, email string) string {
	n := len([]rune(password))
	switch {
	case n < MinPasswordLength:
		return fmt.Sprintf("Choisissez un mot de passe d'au moins %d caractères (une phrase facile à retenir convient).", MinPasswordLength)
	case n > 200:
		return "Ce mot de passe est trop long : 200 caractères au plus."
	case strings.EqualFold(password, email):
		return "Le mot de passe ne peut pas être votre adresse électronique."
	case strings.IndexFunc(password, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
		return "Un mot de passe fait seulement de chiffres se devine trop facilement : ajoutez des lettres."
	}
	return ""
}

func (s *Service) hash(password string) (string, error) {
	h, err := argon2id.CreateHash(password, s.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when an email is unknown, so that a wrong email takes as
// long as a wrong password and does not reveal who has an account.
var dummyHash = func() string {
	h, _ := argon2id.CreateHash("pas un vrai mot de passe", defaultParams)
	return h
}()

// Authenticate checks an email and password and returns the account. It returns
// ErrBadCredentials whether the email or the password is wrong, and ErrDisabled for a
// disabled account (only once the password is right).
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil || !u.HasPassword() {
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
		return nil, ErrBadCredentials
	}
	ok, err := argon2id.ComparePasswordAndHash(password, u.PasswordHash)
	if err != nil || !ok {
		return nil, ErrBadCredentials
	}
	if u.Status != UserActive {
		return nil, ErrDisabled
	}
	return u, nil
}

// SetPassword sets a person's password and ends their other web sessions (the caller
// starts a fresh one). Returns a *workshops.ValidationError for a weak password.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	u := new(User)
	if err := s.db.NewSelect().Model(u).Where("u.id = ?", userID).Scan(ctx); err != nil {
		return notFound(err, "get user")
	}
	if msg := passwordProblem(password, u.Email); msg != "" {
		return &workshops.ValidationError{Fields: map[string]string{"password": msg}}
	}
	h, err := s.hash(password)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model((*User)(nil)).
			Set("password_hash = ?", h).Set("session_epoch = session_epoch + 1").Set("updated_at = ?", s.now().UTC()).
			Where("id = ?", userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		return s.record(ctx, tx, workshops.Actor{UserID: u.ID, Name: u.Name}, "password", u, 0, 0, "")
	})
}

// SignedIn records a successful sign-in.
func (s *Service) SignedIn(ctx context.Context, userID int64) error {
	_, err := s.db.NewUpdate().Model((*User)(nil)).Set("last_sign_in_at = ?", s.now().UTC()).Where("id = ?", userID).Exec(ctx)
	return err
}
