package workshops

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Territory is a territory (a metropolis, a département) whose structures share a calendar.
// An instance may host several; migrations create one.
type Territory struct {
	bun.BaseModel `bun:"table:territories,alias:te"`

	ID        int64  `bun:",pk,autoincrement"`
	Slug      string `bun:",notnull"`
	Name      string `bun:",notnull"`
	CreatedAt time.Time
}

// Structure is an organisation that runs workshops (médiathèque, centre social, CCAS,
// France Services, association…) at its address and possibly at other places.
type Structure struct {
	bun.BaseModel `bun:"table:structures,alias:st"`

	ID            int64 `bun:",pk,autoincrement"`
	TerritoryID   int64
	Slug          string
	Name          string
	Kind          string
	Status        string
	Description   string
	Address       string
	AddressExtra  string
	Postcode      string
	Town          string
	TownKey       string
	Latitude      *float64
	Longitude     *float64
	AccessInfo    string
	Accessibility string
	OpeningHours  string
	Phone         string
	Email         string
	Website       string
	Labels        List `bun:",type:text"`
	// Reminder says when the people enrolled are reminded of a session (see Reminders).
	Reminder string
	// Digest says whether the structure receives the day's new enrollments by email (see
	// Digests).
	Digest    string
	SearchKey string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Structure statuses: only active structures are public; pending ones asked to join and
// wait for a coordinator, who may refuse them.
const (
	StructureActive  = "active"
	StructurePending = "pending"
	StructureRefused = "refused"
)

// Place is another address where a structure runs sessions.
type Place struct {
	bun.BaseModel `bun:"table:places,alias:pl"`

	ID            int64 `bun:",pk,autoincrement"`
	StructureID   int64
	Name          string
	Address       string
	AddressExtra  string
	Postcode      string
	Town          string
	TownKey       string
	Latitude      *float64
	Longitude     *float64
	AccessInfo    string
	Accessibility string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Location is where a session happens: a place of the structure, or the structure itself.
type Location struct {
	Name          string
	Address       string
	AddressExtra  string
	Postcode      string
	Town          string
	Latitude      *float64
	Longitude     *float64
	AccessInfo    string
	Accessibility string
}

// OneLine is the full address on one line: "Médiathèque X, 3 rue Y, 54000 Nancy".
func (l Location) OneLine() string {
	parts := []string{}
	for _, p := range []string{l.Name, l.Address, l.AddressExtra, strings.TrimSpace(l.Postcode + " " + l.Town)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// HasCoordinates reports whether the location can be put on a map.
func (l Location) HasCoordinates() bool { return l.Latitude != nil && l.Longitude != nil }

// Location returns the structure's own address as a Location.
func (st *Structure) Location() Location {
	return Location{
		Name: st.Name, Address: st.Address, AddressExtra: st.AddressExtra,
		Postcode: st.Postcode, Town: st.Town, Latitude: st.Latitude, Longitude: st.Longitude,
		AccessInfo: st.AccessInfo, Accessibility: st.Accessibility,
	}
}

// Location returns the place as a Location.
func (p *Place) Location() Location {
	return Location{
		Name: p.Name, Address: p.Address, AddressExtra: p.AddressExtra,
		Postcode: p.Postcode, Town: p.Town, Latitude: p.Latitude, Longitude: p.Longitude,
		AccessInfo: p.AccessInfo, Accessibility: p.Accessibility,
	}
}

var (
	postcodeRE = regexp.MustCompile(`^(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9 .\-()]{6,20}$`)
)

// Limits on text fields, in characters.
const (
	maxName  = 150
	maxLine  = 300
	maxText  = 5000
	maxShort = 500
)

// normalize cleans the structure's fields before validation.
func (st *Structure) normalize() {
	st.Name = cleanLine(st.Name)
	st.Description = cleanText(st.Description)
	st.Address = cleanLine(st.Address)
	st.AddressExtra = cleanLine(st.AddressExtra)
	st.Postcode = strings.ToUpper(strings.ReplaceAll(cleanLine(st.Postcode), " ", ""))
	st.Town = cleanLine(st.Town)
	st.AccessInfo = cleanText(st.AccessInfo)
	st.Accessibility = cleanText(st.Accessibility)
	st.OpeningHours = cleanText(st.OpeningHours)
	st.Phone = cleanLine(st.Phone)
	st.Email = cleanLine(st.Email)
	st.Website = cleanLine(st.Website)
	if st.Kind == "" {
		st.Kind = "autre"
	}
	if st.Reminder == "" {
		st.Reminder = ReminderDayBefore10
	}
	if st.Digest == "" {
		st.Digest = DigestNone
	}
	if st.Status == "" {
		st.Status = StructureActive
	}
	st.Labels = distinct(st.Labels)
	st.TownKey = Key(st.Town)
	st.SearchKey = searchKey(st.Name, st.Town, st.Postcode, StructureKinds.Label(st.Kind))
}

// Validate checks the structure's fields and returns a *ValidationError naming each
// invalid one.
func (st *Structure) Validate() error {
	st.normalize()
	v := &ValidationError{}
	checkRequired(v, "name", st.Name, maxName, "Indiquez le nom de la structure.")
	checkRequired(v, "address", st.Address, maxLine, "Indiquez l'adresse (numéro et rue).")
	checkRequired(v, "town", st.Town, maxName, "Indiquez la commune.")
	checkLength(v, "description", st.Description, maxText)
	checkLength(v, "address_extra", st.AddressExtra, maxLine)
	checkLength(v, "access_info", st.AccessInfo, maxShort)
	checkLength(v, "accessibility", st.Accessibility, maxShort)
	checkLength(v, "opening_hours", st.OpeningHours, maxShort)
	if !postcodeRE.MatchString(st.Postcode) {
		v.Add("postcode", "Indiquez un code postal français à 5 chiffres, par exemple 54000.")
	}
	if !StructureKinds.Has(st.Kind) {
		v.Add("kind", "Choisissez un type de structure dans la liste.")
	}
	if !Reminders.Has(st.Reminder) {
		v.Add("reminder", "Choisissez quand les personnes inscrites reçoivent un rappel.")
	}
	if !Digests.Has(st.Digest) {
		v.Add("digest", "Choisissez si la structure reçoit la liste des nouvelles inscriptions.")
	}
	for _, l := range st.Labels {
		if !StructureLabels.Has(l) {
			v.Add("labels", "Choisissez les labels dans la liste.")
		}
	}
	checkCoordinates(v, st.Latitude, st.Longitude)
	if st.Phone != "" && !phoneRE.MatchString(st.Phone) {
		v.Add("phone", "Indiquez un numéro de téléphone, par exemple 03 83 00 00 00.")
	}
	if st.Email != "" {
		if a, err := mail.ParseAddress(st.Email); err != nil || a.Address != st.Email {
			v.Add("email", "Indiquez une adresse électronique, par exemple contact@exemple.fr.")
		}
	}
	if st.Website != "" && !strings.HasPrefix(st.Website, "https://") && !strings.HasPrefix(st.Website, "http://") {
		v.Add("website", "Indiquez l'adresse complète du site, commençant par https://.")
	}
	return v.Err()
}

// Validate checks the place's fields.
func (p *Place) Validate() error {
	p.Name = cleanLine(p.Name)
	p.Address = cleanLine(p.Address)
	p.AddressExtra = cleanLine(p.AddressExtra)
	p.Postcode = strings.ToUpper(strings.ReplaceAll(cleanLine(p.Postcode), " ", ""))
	p.Town = cleanLine(p.Town)
	p.AccessInfo = cleanText(p.AccessInfo)
	p.Accessibility = cleanText(p.Accessibility)
	p.TownKey = Key(p.Town)
	v := &ValidationError{}
	checkRequired(v, "name", p.Name, maxName, "Indiquez le nom du lieu.")
	checkRequired(v, "address", p.Address, maxLine, "Indiquez l'adresse (numéro et rue).")
	checkRequired(v, "town", p.Town, maxName, "Indiquez la commune.")
	if !postcodeRE.MatchString(p.Postcode) {
		v.Add("postcode", "Indiquez un code postal français à 5 chiffres, par exemple 54000.")
	}
	checkCoordinates(v, p.Latitude, p.Longitude)
	return v.Err()
}

func checkRequired(v *ValidationError, field, value string, max int, msg string) {
	if value == "" {
		v.Add(field, msg)
		return
	}
	checkLength(v, field, value, max)
}

func checkLength(v *ValidationError, field, value string, max int) {
	if n := len([]rune(value)); n > max {
		v.Add(field, fmt.Sprintf("Ce texte est trop long : %d caractères au plus (il en a %d).", max, n))
	}
}

func checkCoordinates(v *ValidationError, lat, lon *float64) {
	if (lat == nil) != (lon == nil) {
		v.Add("latitude", "Indiquez la latitude et la longitude, ou aucune des deux.")
		return
	}
	if lat != nil && (*lat < -90 || *lat > 90) {
		v.Add("latitude", "La latitude doit être comprise entre -90 et 90.")
	}
	if lon != nil && (*lon < -180 || *lon > 180) {
		v.Add("longitude", "La longitude doit être comprise entre -180 et 180.")
	}
}

// CreateStructure validates and stores a new structure in the default territory (or
// st.TerritoryID), giving it a unique slug from its name when it has none. The territory's
// coordinators (and the system) create active structures; anyone else may only ask to
// join, with a pending structure. Returns a *ValidationError or ErrForbidden.
func (s *Service) CreateStructure(ctx context.Context, actor Actor, st *Structure) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.insertStructure(ctx, tx, actor, st)
	})
}

// CreateStructureTx is CreateStructure inside a transaction of Write, for writes that
// span packages (a join request stores its structure and the request together).
func (s *Service) CreateStructureTx(ctx context.Context, tx bun.Tx, actor Actor, st *Structure) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.insertStructure(ctx, tx, actor, st)
}

func (s *Service) insertStructure(ctx context.Context, tx bun.Tx, actor Actor, st *Structure) error {
	if st.TerritoryID == 0 {
		if err := tx.NewSelect().Model((*Territory)(nil)).Column("id").Order("id").Limit(1).Scan(ctx, &st.TerritoryID); err != nil {
			return fmt.Errorf("default territory: %w", err)
		}
	}
	if !actor.Coordinates(st.TerritoryID) && st.Status != StructurePending {
		return ErrForbidden
	}
	slug, err := uniqueSlug(ctx, tx, "structures", st.Slug, st.Name)
	if err != nil {
		return err
	}
	st.Slug = slug
	now := s.now().UTC()
	st.CreatedAt, st.UpdatedAt = now, now
	if _, err := tx.NewInsert().Model(st).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("insert structure: %w", err)
	}
	return s.record(ctx, tx, actor, st, "created", "structure", st.ID, st.Name)
}

// CreatePlace validates and stores another place of a structure. Returns a
// *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) CreatePlace(ctx context.Context, actor Actor, p *Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		st, err := structureFor(ctx, tx, actor, p.StructureID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		p.CreatedAt, p.UpdatedAt = now, now
		if _, err := tx.NewInsert().Model(p).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert place: %w", err)
		}
		return s.record(ctx, tx, actor, st, "created", "place", p.ID, p.Name)
	})
}

// Structure returns the active structure of a slug, or ErrNotFound.
func (s *Service) Structure(ctx context.Context, slug string) (*Structure, error) {
	if !IsSlug(slug) {
		return nil, ErrNotFound
	}
	st := new(Structure)
	err := s.db.NewSelect().Model(st).Where("st.slug = ?", slug).Where("st.status = ?", StructureActive).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get structure")
	}
	return st, nil
}

// StructureFilter narrows a list of structures.
type StructureFilter struct {
	// Slugs keeps only these structures (none: all).
	Slugs []string
	// City keeps the structures of a town (name, any case and accents) or postcode prefix.
	City string
}

// Structures lists the active structures, ordered by town then name. The unfiltered list
// is read from the database once per calendar change and shared: do not modify it.
func (s *Service) Structures(ctx context.Context, f StructureFilter) ([]Structure, error) {
	if len(f.Slugs) == 0 && f.City == "" {
		return readThrough(ctx, s.changes, &s.structures, func(ctx context.Context) ([]Structure, error) {
			return s.listStructures(ctx, f)
		})
	}
	return s.listStructures(ctx, f)
}

func (s *Service) listStructures(ctx context.Context, f StructureFilter) ([]Structure, error) {
	var out []Structure
	q := s.db.NewSelect().Model(&out).Where("st.status = ?", StructureActive)
	if len(f.Slugs) > 0 {
		q = q.Where("st.slug IN (?)", bun.In(f.Slugs))
	}
	if f.City != "" {
		q = cityCondition(q, "st", f.City, false)
	}
	if err := q.OrderExpr("st.town_key, st.name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list structures: %w", err)
	}
	return out, nil
}

// Towns lists the distinct towns where active structures are, in alphabetical order.
func (s *Service) Towns(ctx context.Context) ([]string, error) {
	var rows []struct {
		Town    string
		TownKey string
	}
	err := s.db.NewSelect().Model((*Structure)(nil)).ColumnExpr("min(st.town) AS town, st.town_key").
		Where("st.status = ?", StructureActive).Group("st.town_key").Order("st.town_key").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("list towns: %w", err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Town)
	}
	return out, nil
}

// cityCondition keeps the rows (of the table aliased alias, which has town_key and
// postcode columns, and departement when withDepartement) located in a town or postcode
// area. city is a town name — any case and accents, matched on whole words from the
// start, so "vandoeuvre" finds "Vandœuvre-lès-Nancy" — or digits: five for a postcode,
// two (three overseas) for a département, any other number as a postcode prefix.
// Conditions are equalities and ranges on byte-compared columns, so they use indexes.
func cityCondition(q *bun.SelectQuery, alias, city string, withDepartement bool) *bun.SelectQuery {
	col := func(name string) bun.Ident { return bun.Ident(alias + "." + name) }
	if isDigits(city) {
		switch {
		case len(city) == 5:
			return q.Where("? = ?", col("postcode"), city)
		case withDepartement && city == departement(city+"000"):
			return q.Where("? = ?", col("departement"), city)
		}
		return q.Where("? >= ? AND ? < ?", col("postcode"), city, col("postcode"), city+"\x7f")
	}
	k := Key(city)
	// "k" itself, or "k " followed by more words: the keys between "k " and "k!".
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("? = ?", col("town_key"), k).
			WhereOr("(? >= ? AND ? < ?)", col("town_key"), k+" ", col("town_key"), k+"!")
	})
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// CreateTerritory creates a territory (an instance may host several). Only the system may:
// it is an operator's command. Returns a *ValidationError or ErrForbidden.
func (s *Service) CreateTerritory(ctx context.Context, actor Actor, t *Territory) error {
	if !actor.System {
		return ErrForbidden
	}
	t.Name = cleanLine(t.Name)
	v := &ValidationError{}
	checkRequired(v, "name", t.Name, maxName, "Indiquez le nom du territoire.")
	if err := v.Err(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		slug, err := uniqueSlug(ctx, tx, "territories", t.Slug, t.Name)
		if err != nil {
			return err
		}
		t.Slug, t.CreatedAt = slug, s.now().UTC()
		if _, err := tx.NewInsert().Model(t).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert territory: %w", err)
		}
		return nil
	})
}
