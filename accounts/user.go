// Package accounts owns the people who sign in — coordinators of a territory, members of
// structures, orienting professionals — with their roles, passwords, one-time links,
// second factor, API and feed tokens, and the shared key-value store that backs web
// sessions and rate limits. Types, rules and SQL live here; HTTP lives in web.
package accounts

import (
	"errors"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/workshops"
)

// Errors of the accounts service.
var (
	// ErrBadCredentials reports a wrong email or password, without saying which.
	ErrBadCredentials = errors.New("adresse ou mot de passe incorrect")
	// ErrDisabled reports an account that may no longer sign in.
	ErrDisabled = errors.New("compte désactivé")
	// ErrLinkInvalid reports a one-time link that is unknown, already used or expired.
	ErrLinkInvalid = errors.New("lien invalide, déjà utilisé ou expiré")
)

// User statuses.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// User is a person who signs in.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID    int64 `bun:",pk,autoincrement"`
	Email string
	Name  string
	// PasswordHash is an argon2id hash; empty for people who sign in by link only.
	PasswordHash string
	Status       string
	// SessionEpoch moves when every web session of the person must end.
	SessionEpoch  int
	TOTPSecret    string     `bun:"totp_secret"`
	TOTPEnabledAt *time.Time `bun:"totp_enabled_at"`
	// TOTPLastStep is the time step of the last code accepted: a code is refused unless its
	// step is later, so a code seen over someone's shoulder cannot be used again.
	TOTPLastStep int64 `bun:"totp_last_step"`
	LastSignInAt *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// HasPassword reports whether the person chose a password.
func (u *User) HasPassword() bool { return u.PasswordHash != "" }

// HasTOTP reports whether a second factor is on.
func (u *User) HasTOTP() bool { return u.TOTPEnabledAt != nil }

// Professional statuses.
const (
	ProfessionalPending = "pending"
	ProfessionalActive  = "active"
	ProfessionalRefused = "refused"
)

// Professional is the orienting-professional role of a person.
type Professional struct {
	bun.BaseModel `bun:"table:professionals,alias:pro"`

	UserID        int64 `bun:",pk"`
	TerritoryID   int64
	Organisation  string
	Status        string
	DecidedBy     int64 `bun:",nullzero"`
	DecidedAt     *time.Time
	RefusalReason string
	CreatedAt     time.Time
}

// Coordinator says a person coordinates a territory.
type Coordinator struct {
	bun.BaseModel `bun:"table:coordinators,alias:co"`

	UserID      int64 `bun:",pk"`
	TerritoryID int64 `bun:",pk"`
	CreatedAt   time.Time
}

// Membership says a person is a member of a structure.
type Membership struct {
	bun.BaseModel `bun:"table:memberships,alias:ms"`

	UserID      int64 `bun:",pk"`
	StructureID int64 `bun:",pk"`
	CreatedAt   time.Time
}

// Principal is a signed-in person with everything they may act on.
type Principal struct {
	User User
	// Territories are the territories the person coordinates.
	Territories []workshops.Territory
	// Structures are the structures the person is a member of (any status).
	Structures []workshops.Structure
	// Professional is the orienting-professional role, nil when the person has none.
	Professional *Professional
}

// Coordinator reports whether the person coordinates at least one territory.
func (p *Principal) Coordinator() bool { return len(p.Territories) > 0 }

// Member reports whether the person belongs to at least one structure.
func (p *Principal) Member() bool { return len(p.Structures) > 0 }

// OrientingProfessional reports whether the person is an active orienting professional.
func (p *Principal) OrientingProfessional() bool {
	return p.Professional != nil && p.Professional.Status == ProfessionalActive
}

// Actor is what the calendar's rules need to know about the person.
func (p *Principal) Actor() workshops.Actor {
	a := workshops.Actor{UserID: p.User.ID, Name: p.User.Name, Professional: p.OrientingProfessional()}
	if a.Name == "" {
		a.Name = p.User.Email
	}
	for _, t := range p.Territories {
		a.Territories = append(a.Territories, t.ID)
	}
	for _, s := range p.Structures {
		a.Structures = append(a.Structures, s.ID)
	}
	return a
}

// MemberOf reports whether the person is a member of the structure of that slug.
func (p *Principal) MemberOf(slug string) bool {
	return slices.ContainsFunc(p.Structures, func(s workshops.Structure) bool { return s.Slug == slug })
}

// Role names used by the command line and the audit log.
const (
	RoleCoordinator  = "coordinator"
	RoleMember       = "member"
	RoleProfessional = "professional"
)
