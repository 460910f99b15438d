package accounts

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/workshops"
)

// AllowedDomain is an email domain whose orienting professionals are trusted at once in a
// territory (for example the domain of the town's CCAS), once they confirm their address.
type AllowedDomain struct {
	bun.BaseModel `bun:"table:allowed_domains,alias:ad"`

	TerritoryID int64  `bun:",pk"`
	Domain      string `bun:",pk"`
	CreatedAt   time.Time
	// Territory is the domain's territory, loaded with the list.
	Territory *workshops.Territory `bun:"rel:belongs-to,join:territory_id=id"`
}

// domainRE is a lowercase ASCII domain name of at least two labels ending in letters.
var domainRE = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`)

// NormalizeDomain trims and lowercases a domain name such as "ccas-nancy.fr" and checks
// its shape: no "@", no scheme, no accents (an internationalised name is written in its
// "xn--" form).
func NormalizeDomain(raw string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case d == "":
		return d, errors.New("Indiquez un nom de domaine, par exemple ccas-nancy.fr.")
	case strings.Contains(d, "@"):
		return d, errors.New("Indiquez seulement ce qui suit le « @ » des adresses, par exemple ccas-nancy.fr.")
	case len(d) > 253 || !domainRE.MatchString(d):
		return d, errors.New("Ce nom de domaine n'est pas valide : lettres sans accents, chiffres, tirets et points, par exemple ccas-nancy.fr.")
	}
	return d, nil
}

// AllowedDomains lists the allowed domains of the actor's territories. Returns
// workshops.ErrForbidden for non-coordinators.
func (s *Service) AllowedDomains(ctx context.Context, actor workshops.Actor) ([]AllowedDomain, error) {
	if !actor.System && len(actor.Territories) == 0 {
		return nil, workshops.ErrForbidden
	}
	var out []AllowedDomain
	q := s.db.NewSelect().Model(&out).Relation("Territory")
	if !actor.System {
		q = q.Where("ad.territory_id IN (?)", bun.In(actor.Territories))
	}
	if err := q.Order("ad.territory_id", "ad.domain").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list allowed domains: %w", err)
	}
	return out, nil
}

// AddDomain allows a domain in a territory (the actor's first when territoryID is zero).
// Adding a domain twice changes nothing. Returns a *workshops.ValidationError (field
// domain) or workshops.ErrForbidden.
func (s *Service) AddDomain(ctx context.Context, actor workshops.Actor, territoryID int64, domain string) error {
	territoryID = orFirst(territoryID, actor.Territories)
	if !actor.Coordinates(territoryID) {
		return workshops.ErrForbidden
	}
	d, err := NormalizeDomain(domain)
	if err != nil {
		return &workshops.ValidationError{Fields: map[string]string{"domain": err.Error()}}
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(&AllowedDomain{TerritoryID: territoryID, Domain: d, CreatedAt: s.now().UTC()}).
			On("CONFLICT DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("add allowed domain: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.recordDomain(ctx, tx, actor, "domain:added", territoryID, d)
	})
}

// RemoveDomain stops allowing a domain in a territory (the actor's first when territoryID
// is zero); professionals already active stay so. Returns workshops.ErrNotFound or
// workshops.ErrForbidden.
func (s *Service) RemoveDomain(ctx context.Context, actor workshops.Actor, territoryID int64, domain string) error {
	territoryID = orFirst(territoryID, actor.Territories)
	if !actor.Coordinates(territoryID) {
		return workshops.ErrForbidden
	}
	d := strings.ToLower(strings.TrimSpace(domain))
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*AllowedDomain)(nil)).Where("territory_id = ? AND domain = ?", territoryID, d).Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove allowed domain: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return workshops.ErrNotFound
		}
		return s.recordDomain(ctx, tx, actor, "domain:removed", territoryID, d)
	})
}

// domainAllowed reports whether an email's domain is allowed in a territory. Only the
// exact domain counts, not its subdomains.
func (s *Service) domainAllowed(ctx context.Context, db bun.IDB, territoryID int64, email string) (bool, error) {
	domain := email[strings.LastIndexByte(email, '@')+1:]
	n, err := db.NewSelect().Model((*AllowedDomain)(nil)).Where("territory_id = ? AND domain = ?", territoryID, domain).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("check allowed domain: %w", err)
	}
	return n > 0, nil
}

func (s *Service) recordDomain(ctx context.Context, tx bun.IDB, actor workshops.Actor, action string, territoryID int64, domain string) error {
	return audit.Record(ctx, tx, &audit.Entry{
		At: s.now(), ActorID: actor.UserID, ActorName: actor.Name, Action: action, Entity: "domain",
		EntityID: domain, TerritoryID: territoryID, Summary: domain,
	})
}

// orFirst returns id, or the first of ids when id is zero.
func orFirst(id int64, ids []int64) int64 {
	if id == 0 && len(ids) > 0 {
		return ids[0]
	}
	return id
}
