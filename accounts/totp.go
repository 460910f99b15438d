package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// The second factor is a time-based code (TOTP, RFC 6238) from an authenticator app: six
// digits, a new one every 30 seconds, or one of the recovery codes given when it is
// turned on.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// RecoveryCodeCount is how many recovery codes a person receives.
	RecoveryCodeCount = 10
)

// Errors of the second factor.
var (
	// ErrSecondFactor reports a wrong, expired or already used code.
	ErrSecondFactor = errors.New("code de vérification incorrect")
	// ErrTOTPEnabled reports that the second factor is already on.
	ErrTOTPEnabled = errors.New("double authentification déjà active")
)

// TOTPEnrollment is what an authenticator app needs to learn a person's secret.
type TOTPEnrollment struct {
	// Secret is the shared secret in base32, for people who type it rather than scan.
	Secret string
	// URL is the otpauth:// URL the QR code carries.
	URL string
}

// StartTOTP returns the secret a person is about to confirm, creating it on the first
// call; later calls return the same one, so that reloading the page does not invalidate
// what the phone already scanned. Returns ErrTOTPEnabled, workshops.ErrNotFound or
// ErrDisabled.
func (s *Service) StartTOTP(ctx context.Context, userID int64) (*TOTPEnrollment, error) {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.HasTOTP() {
		return nil, ErrTOTPEnabled
	}
	if u.TOTPSecret == "" {
		key, err := totp.Generate(s.totpOpts(u.Email, nil))
		if err != nil {
			return nil, fmt.Errorf("generate totp secret: %w", err)
		}
		// Two tabs may race: the first secret written wins and both show it.
		if _, err := s.db.NewUpdate().Model((*User)(nil)).Set("totp_secret = ?", key.Secret()).
			Where("id = ? AND totp_secret = '' AND totp_enabled_at IS NULL", u.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("store totp secret: %w", err)
		}
		if u, err = s.activeUser(ctx, userID); err != nil {
			return nil, err
		}
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(u.TOTPSecret)
	if err != nil {
		return nil, fmt.Errorf("decode totp secret: %w", err)
	}
	key, err := totp.Generate(s.totpOpts(u.Email, raw))
	if err != nil {
		return nil, fmt.Errorf("totp key: %w", err)
	}
	return &TOTPEnrollment{Secret: key.Secret(), URL: key.URL()}, nil
}

// totpOpts describes the codes; the issuer names the site, so that someone with accounts
// on two Escale sites tells them apart in their app.
func (s *Service) totpOpts(email string, secret []byte) totp.GenerateOpts {
	issuer := "Escale"
	if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
		issuer += " (" + u.Hostname() + ")"
	}
	return totp.GenerateOpts{Issuer: issuer, AccountName: email, Period: totpPeriod, SecretSize: 20,
		Secret: secret, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}
}

// EnableTOTP turns the second factor on once the person typed a first code from their
// app, and returns their recovery codes, to show once: only hashes are kept. Returns a
// *workshops.ValidationError (field code), ErrTOTPEnabled, workshops.ErrNotFound or
// ErrDisabled.
func (s *Service) EnableTOTP(ctx context.Context, userID int64, code string) ([]string, error) {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.HasTOTP() {
		return nil, ErrTOTPEnabled
	}
	if u.TOTPSecret == "" {
		return nil, &workshops.ValidationError{Fields: map[string]string{"code": "Rechargez la page pour obtenir un QR code."}}
	}
	step, ok := s.matchTOTP(u.TOTPSecret, code)
	if !ok {
		return nil, &workshops.ValidationError{Fields: map[string]string{"code": "Ce code ne correspond pas. Tapez les 6 chiffres affichés maintenant par l'application (vérifiez aussi l'heure du téléphone)."}}
	}
	codes := newRecoveryCodes()
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.now().UTC()
		res, err := tx.NewUpdate().Model((*User)(nil)).
			Set("totp_enabled_at = ?", now).Set("totp_last_step = ?", step).Set("updated_at = ?", now).
			Where("id = ? AND totp_enabled_at IS NULL AND totp_secret = ?", u.ID, u.TOTPSecret).Exec(ctx)
		if err != nil {
			return fmt.Errorf("enable totp: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrTOTPEnabled
		}
		if err := s.replaceRecoveryCodes(ctx, tx, u.ID, codes); err != nil {
			return err
		}
		return s.record(ctx, tx, workshops.Actor{UserID: u.ID, Name: u.Name}, "totp:on", u, 0, 0, "")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// VerifySecondFactor checks the second step of a sign-in: a code from the app (not one
// already accepted: each time step serves once) or an unused recovery code (which is then
// spent). It returns the account for the caller to sign in. Returns ErrSecondFactor,
// workshops.ErrNotFound or ErrDisabled.
func (s *Service) VerifySecondFactor(ctx context.Context, userID int64, code string) (*User, error) {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !u.HasTOTP() {
		// Turned off since the first step: the first step is then enough.
		return u, nil
	}
	ok, err := s.useSecondFactor(ctx, s.db, u, code)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrSecondFactor
	}
	return u, nil
}

// DisableTOTP turns the second factor off and deletes the recovery codes, given the
// person's password or a code (from the app, or a recovery code). Returns a
// *workshops.ValidationError (fields password or code), workshops.ErrNotFound or
// ErrDisabled.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, password, code string) error {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return err
	}
	if !u.HasTOTP() {
		return nil
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		switch {
		case password != "":
			if ok, err := checkPassword(password, u.PasswordHash); !u.HasPassword() || err != nil || !ok {
				return &workshops.ValidationError{Fields: map[string]string{"password": "Ce n'est pas votre mot de passe actuel."}}
			}
		case strings.TrimSpace(code) != "":
			ok, err := s.useSecondFactor(ctx, tx, u, code)
			if err != nil {
				return err
			}
			if !ok {
				return &workshops.ValidationError{Fields: map[string]string{"code": "Ce code ne correspond pas, ou il a déjà servi."}}
			}
		default:
			return &workshops.ValidationError{Fields: map[string]string{"password": "Tapez votre mot de passe, ou un code de vérification."}}
		}
		now := s.now().UTC()
		if _, err := tx.NewUpdate().Model((*User)(nil)).
			Set("totp_secret = ''").Set("totp_enabled_at = NULL").Set("totp_last_step = 0").Set("updated_at = ?", now).
			Where("id = ?", u.ID).Exec(ctx); err != nil {
			return fmt.Errorf("disable totp: %w", err)
		}
		if err := s.replaceRecoveryCodes(ctx, tx, u.ID, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, workshops.Actor{UserID: u.ID, Name: u.Name}, "totp:off", u, 0, 0, "")
	})
}

// useSecondFactor accepts a code once: a code from the app whose time step is later than
// the last one accepted, or an unused recovery code. Both are conditional updates, so two
// requests racing with the same code cannot both win.
func (s *Service) useSecondFactor(ctx context.Context, db bun.IDB, u *User, code string) (bool, error) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, code)
	if len(code) == int(totpDigits) {
		step, ok := s.matchTOTP(u.TOTPSecret, code)
		if !ok {
			return false, nil
		}
		res, err := db.NewUpdate().Model((*User)(nil)).Set("totp_last_step = ?", step).
			Where("id = ? AND totp_last_step < ?", u.ID, step).Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("use totp code: %w", err)
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	}
	if len(code) != recoveryCodeLength {
		return false, nil
	}
	res, err := db.NewUpdate().Model((*recoveryCode)(nil)).Set("used_at = ?", s.now().UTC()).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", u.ID, hashToken(code)).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// matchTOTP finds the time step of a code, accepting the previous and next steps too: a
// phone's clock may be a little off, and people type while the code changes.
func (s *Service) matchTOTP(secret, code string) (int64, bool) {
	code = strings.TrimSpace(code)
	if secret == "" || len(code) != int(totpDigits) {
		return 0, false
	}
	now := s.now().Unix() / totpPeriod
	for _, step := range []int64{now, now - 1, now + 1} {
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// recoveryCode is a spare second factor; only a hash is kept.
type recoveryCode struct {
	bun.BaseModel `bun:"table:recovery_codes,alias:rc"`

	UserID   int64  `bun:",pk"`
	CodeHash string `bun:",pk"`
	UsedAt   *time.Time
}

// recoveryCodeLength is the length of a recovery code without its dashes: 16 base32
// characters, 80 random bits, so that a plain SHA-256 keeps it safe.
const recoveryCodeLength = 16

// newRecoveryCodes returns fresh recovery codes, written xxxx-xxxx-xxxx-xxxx.
func newRecoveryCodes() []string {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	out := make([]string, RecoveryCodeCount)
	for i := range out {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand never fails on supported systems
		}
		c := strings.ToLower(enc.EncodeToString(b))
		out[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
	}
	return out
}

// replaceRecoveryCodes deletes a person's recovery codes and stores the hashes of codes.
func (s *Service) replaceRecoveryCodes(ctx context.Context, tx bun.IDB, userID int64, codes []string) error {
	if _, err := tx.NewDelete().Model((*recoveryCode)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("delete recovery codes: %w", err)
	}
	if len(codes) == 0 {
		return nil
	}
	rows := make([]recoveryCode, len(codes))
	for i, c := range codes {
		rows[i] = recoveryCode{UserID: userID, CodeHash: hashToken(strings.ReplaceAll(c, "-", ""))}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("store recovery codes: %w", err)
	}
	return nil
}
