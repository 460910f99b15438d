package workshops

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Level is a digital level, from "eloigne" (rank 1) to "autonome" (rank 5). Codes and
// ranks are fixed; labels and descriptions are editable wording.
type Level struct {
	bun.BaseModel `bun:"table:levels,alias:lv"`

	Code        string `bun:",pk" json:"code"`
	Rank        int    `json:"rank"`
	Label       string `json:"label"`
	Description string `json:"description"`
	// CoopLevel is the matching level of La Coop de la médiation numérique, which knows
	// only Debutant, Intermediaire and Avance.
	CoopLevel string `json:"coop_level"`
}

// Theme is an entry of the editable themes vocabulary.
type Theme struct {
	bun.BaseModel `bun:"table:themes,alias:th"`

	ID          int64          `bun:",pk,autoincrement" json:"-"`
	Slug        string         `json:"slug"`
	Label       string         `json:"label"`
	Description string         `json:"description"`
	Position    int            `json:"-"`
	Mappings    []ThemeMapping `bun:"rel:has-many,join:id=theme_id" json:"-"`
}

// Mapping schemes: the services of LaMednum's national open-data standard
// (standard-mediation-num) and the thématiques of La Coop de la médiation numérique.
const (
	SchemeMednumService  = "mednum-service"
	SchemeCoopThematique = "coop-thematique"
)

// ThemeMapping says that a theme corresponds to a value of another vocabulary.
type ThemeMapping struct {
	bun.BaseModel `bun:"table:theme_mappings,alias:tm"`

	ThemeID int64  `bun:",pk"`
	Scheme  string `bun:",pk"`
	Value   string `bun:",pk"`
}

// MappedValues returns the theme's values in a scheme.
func (t *Theme) MappedValues(scheme string) []string {
	var out []string
	for _, m := range t.Mappings {
		if m.Scheme == scheme {
			out = append(out, m.Value)
		}
	}
	return out
}

// Vocabulary is the levels and themes, loaded together because every page needs both.
type Vocabulary struct {
	Levels []Level
	Themes []Theme
}

// Level returns the level of a code, or nil.
func (v *Vocabulary) Level(code string) *Level {
	for i := range v.Levels {
		if v.Levels[i].Code == code {
			return &v.Levels[i]
		}
	}
	return nil
}

// Theme returns the theme of a slug, or nil.
func (v *Vocabulary) Theme(slug string) *Theme {
	for i := range v.Themes {
		if v.Themes[i].Slug == slug {
			return &v.Themes[i]
		}
	}
	return nil
}

// LevelRange returns the levels from min to max included, in order, or nil when either
// code is unknown. The result shares the vocabulary's storage: do not modify it.
func (v *Vocabulary) LevelRange(min, max string) []Level {
	lo, hi := -1, -1
	for i := range v.Levels {
		switch v.Levels[i].Code {
		case min:
			lo = i
		}
		if v.Levels[i].Code == max {
			hi = i
		}
	}
	if lo < 0 || hi < lo {
		return nil
	}
	// Levels are ordered by rank, so a range is a contiguous run of them.
	return v.Levels[lo : hi+1 : hi+1]
}

// codesWithRank returns the level codes whose rank satisfies keep.
func (v *Vocabulary) codesWithRank(keep func(rank int) bool) []string {
	var out []string
	for _, l := range v.Levels {
		if keep(l.Rank) {
			out = append(out, l.Code)
		}
	}
	return out
}

// Vocabulary returns the levels (by rank) and themes (by position) with their mappings.
// It is read from the database once per calendar change; the result is shared between
// callers and must not be modified.
func (s *Service) Vocabulary(ctx context.Context) (*Vocabulary, error) {
	return readThrough(ctx, s.changes, &s.vocab, func(ctx context.Context) (*Vocabulary, error) {
		return s.vocabulary(ctx, s.db)
	})
}

func (s *Service) vocabulary(ctx context.Context, db bun.IDB) (*Vocabulary, error) {
	v := &Vocabulary{}
	if err := db.NewSelect().Model(&v.Levels).Order("rank").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list levels: %w", err)
	}
	if err := db.NewSelect().Model(&v.Themes).Relation("Mappings", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("scheme", "value")
	}).Order("position", "slug").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list themes: %w", err)
	}
	return v, nil
}

// Choice is a code of a fixed vocabulary with its French label.
type Choice struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Choices is an ordered fixed vocabulary.
type Choices []Choice

// Label returns the label of a code, or the code itself when unknown.
func (cs Choices) Label(code string) string {
	for _, c := range cs {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// Has reports whether code belongs to the vocabulary.
func (cs Choices) Has(code string) bool {
	for _, c := range cs {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Fixed vocabularies. Their codes are stored and appear in URLs and the API.
var (
	// StructureKinds are the kinds of structures that run workshops.
	StructureKinds = Choices{
		{"mediatheque", "Médiathèque"},
		{"centre-social", "Centre social"},
		{"ccas", "CCAS"},
		{"france-services", "France Services"},
		{"association", "Association"},
		{"tiers-lieu", "Tiers-lieu"},
		{"mairie", "Mairie"},
		{"autre", "Autre"},
	}
	// StructureLabels are the labels and networks a structure may hold.
	StructureLabels = Choices{
		{"france-services", "France Services"},
		{"conseillers-numeriques", "Conseillers numériques"},
		{"aidants-connect", "Aidants Connect"},
		{"aptic", "Pass numérique APTIC"},
	}
	// Formats say how a workshop is run.
	Formats = Choices{
		{"collectif", "En groupe"},
		{"hybride", "En groupe, sur place et à distance"},
	}
	// WorkshopKinds say how sessions are enrolled: one by one, or the whole series.
	WorkshopKinds = Choices{
		{"a-la-carte", "À la carte : chaque séance séparément"},
		{"parcours", "Parcours : toutes les séances ensemble"},
	}
	// LifeEvents name the life event a "Parcours de vie" workshop is built around.
	LifeEvents = Choices{
		{"futur-parent", "Futur parent"},
		{"projet-professionnel", "Projet professionnel"},
		{"retraite", "Départ à la retraite"},
		{"demenagement", "Déménagement"},
		{"sante", "Santé"},
		{"arrivee-en-france", "Arrivée en France"},
		{"perte-autonomie", "Perte d'autonomie d'un proche"},
	}
	// Devices are what a person may bring or be lent.
	Devices = Choices{
		{"smartphone", "Smartphone"},
		{"tablette", "Tablette"},
		{"ordinateur", "Ordinateur"},
	}
	// Prices say whether a workshop costs anything.
	Prices = Choices{
		{"gratuit", "Gratuit"},
		{"pass-aptic", "Gratuit avec le Pass numérique APTIC"},
		{"payant", "Payant"},
	}
	// EnrollmentModes say who may enroll.
	EnrollmentModes = Choices{
		{"professionnels", "Sur orientation d'un professionnel"},
		{"ouvert", "Inscription libre ou par un professionnel"},
	}
	// Languages are the languages a workshop may be given in (ISO 639-1).
	Languages = Choices{
		{"fr", "Français"},
		{"en", "Anglais"},
		{"ar", "Arabe"},
		{"es", "Espagnol"},
		{"pt", "Portugais"},
		{"tr", "Turc"},
		{"ru", "Russe"},
		{"uk", "Ukrainien"},
		{"fa", "Persan (dari, farsi)"},
		{"ps", "Pachto"},
		{"ro", "Roumain"},
		{"lsf", "Langue des signes française"},
	}
)
