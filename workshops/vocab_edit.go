package workshops

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
)

// MednumServices are the 9 services of LaMednum's open-data standard for digital-mediation
// places (standard-mediation-num); the standard stores the French label itself.
var MednumServices = Choices{
	{"Aide aux démarches administratives", "Aide aux démarches administratives"},
	{"Maîtrise des outils numériques du quotidien", "Maîtrise des outils numériques du quotidien"},
	{"Insertion professionnelle via le numérique", "Insertion professionnelle via le numérique"},
	{"Utilisation sécurisée du numérique", "Utilisation sécurisée du numérique"},
	{"Parentalité et éducation avec le numérique", "Parentalité et éducation avec le numérique"},
	{"Loisirs et créations numériques", "Loisirs et créations numériques"},
	{"Compréhension du monde numérique", "Compréhension du monde numérique"},
	{"Accès internet et matériel informatique", "Accès internet et matériel informatique"},
	{"Acquisition de matériel informatique à prix solidaire", "Acquisition de matériel informatique à prix solidaire"},
}

// CoopThematiques are the thématiques (other than administrative procedures) in which
// conseillers numériques report their activity in La Coop de la médiation numérique.
var CoopThematiques = Choices{
	{"DiagnosticNumerique", "Diagnostic numérique"},
	{"PrendreEnMainDuMateriel", "Prendre en main du matériel"},
	{"MaintenanceDeMateriel", "Maintenance de matériel"},
	{"GereSesContenusNumeriques", "Gérer ses contenus numériques"},
	{"NavigationSurInternet", "Navigation sur internet"},
	{"Email", "Courriel"},
	{"Bureautique", "Bureautique"},
	{"ReseauxSociaux", "Réseaux sociaux, communication"},
	{"Sante", "Santé"},
	{"BanqueEtAchatsEnLigne", "Banque et achats en ligne"},
	{"Entrepreneuriat", "Accompagner un professionnel"},
	{"InsertionProfessionnelle", "Insertion professionnelle"},
	{"SecuriteNumerique", "Sécurité numérique"},
	{"Parentalite", "Parentalité"},
	{"ScolariteEtNumerique", "Scolarité et numérique"},
	{"CreerAvecLeNumerique", "Créer avec le numérique"},
	{"CultureNumerique", "Culture numérique"},
	{"IntelligenceArtificielle", "Intelligence artificielle"},
	{"AideAuxDemarchesAdministratives", "Aide aux démarches administratives"},
}

// Limits of the vocabularies' wording, in characters.
const (
	maxVocabLabel       = 80
	maxVocabDescription = 500
	maxThemePosition    = 999
)

// LevelWording is the editable wording of a level.
type LevelWording struct {
	Label       string
	Description string
}

// ThemeInput is what a coordinator types for a theme. Its slug is made from the label at
// creation and then fixed: it is in public URLs, feeds and the API.
type ThemeInput struct {
	Label       string
	Description string
	// Position orders the themes in lists, from 1.
	Position int
	// MednumServices and CoopThematiques are the theme's values in those vocabularies.
	MednumServices  []string
	CoopThematiques []string
}

func (in *ThemeInput) validate() error {
	in.Label = cleanLine(in.Label)
	in.Description = cleanText(in.Description)
	v := &ValidationError{}
	checkRequired(v, "label", in.Label, maxVocabLabel, "Indiquez le nom du thème.")
	checkLength(v, "description", in.Description, maxVocabDescription)
	if in.Position < 1 || in.Position > maxThemePosition {
		v.Add("position", fmt.Sprintf("Indiquez un nombre entier entre 1 et %d.", maxThemePosition))
	}
	for _, m := range in.MednumServices {
		if !MednumServices.Has(m) {
			v.Add("mednum", "Choisissez les services dans la liste.")
		}
	}
	for _, m := range in.CoopThematiques {
		if !CoopThematiques.Has(m) {
			v.Add("coop", "Choisissez les thématiques dans la liste.")
		}
	}
	return v.Err()
}

// mayEditVocabulary says who may edit the vocabularies: they are shared by every
// territory of the instance, and any coordinator keeps them.
func mayEditVocabulary(actor Actor) bool { return actor.System || len(actor.Territories) > 0 }

// UpdateLevel changes the wording of a level; its code and rank stay. Returns a
// *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) UpdateLevel(ctx context.Context, actor Actor, code string, w LevelWording) error {
	if !mayEditVocabulary(actor) {
		return ErrForbidden
	}
	w.Label, w.Description = cleanLine(w.Label), cleanText(w.Description)
	v := &ValidationError{}
	checkRequired(v, "label", w.Label, maxVocabLabel, "Indiquez le nom du niveau.")
	checkRequired(v, "description", w.Description, maxVocabDescription, "Dites en quelques mots à qui ce niveau correspond.")
	if err := v.Err(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Level)(nil)).Set("label = ?", w.Label).Set("description = ?", w.Description).
			Where("code = ?", code).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update level: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		return s.recordVocabulary(ctx, tx, actor, "updated", "level", code, w.Label)
	})
}

// CreateTheme adds a theme with its mappings. Returns a *ValidationError or ErrForbidden.
func (s *Service) CreateTheme(ctx context.Context, actor Actor, in ThemeInput) (*Theme, error) {
	if !mayEditVocabulary(actor) {
		return nil, ErrForbidden
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	t := &Theme{Label: in.Label, Description: in.Description, Position: in.Position}
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		slug, err := uniqueSlug(ctx, tx, "themes", "", in.Label)
		if err != nil {
			return err
		}
		t.Slug = slug
		if _, err := tx.NewInsert().Model(t).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert theme: %w", err)
		}
		if err := s.replaceMappings(ctx, tx, t, in); err != nil {
			return err
		}
		return s.recordVocabulary(ctx, tx, actor, "created", "theme", t.Slug, t.Label)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTheme replaces a theme's label, description, position and mappings; its slug stays.
// Themes are never deleted: workshops and saved searches use them. Returns a
// *ValidationError, ErrNotFound or ErrForbidden.
func (s *Service) UpdateTheme(ctx context.Context, actor Actor, slug string, in ThemeInput) (*Theme, error) {
	if !mayEditVocabulary(actor) {
		return nil, ErrForbidden
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	t := new(Theme)
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(t).Where("th.slug = ?", slug).Scan(ctx); err != nil {
			return notFound(err, "get theme")
		}
		t.Label, t.Description, t.Position = in.Label, in.Description, in.Position
		if _, err := tx.NewUpdate().Model(t).Column("label", "description", "position").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update theme: %w", err)
		}
		if err := s.replaceMappings(ctx, tx, t, in); err != nil {
			return err
		}
		return s.recordVocabulary(ctx, tx, actor, "updated", "theme", t.Slug, t.Label)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Service) replaceMappings(ctx context.Context, tx bun.Tx, t *Theme, in ThemeInput) error {
	if _, err := tx.NewDelete().Model((*ThemeMapping)(nil)).Where("theme_id = ?", t.ID).Exec(ctx); err != nil {
		return fmt.Errorf("clear theme mappings: %w", err)
	}
	t.Mappings = nil
	add := func(scheme string, values []string) {
		slices.Sort(values)
		for _, v := range slices.Compact(values) {
			t.Mappings = append(t.Mappings, ThemeMapping{ThemeID: t.ID, Scheme: scheme, Value: v})
		}
	}
	add(SchemeMednumService, slices.Clone(in.MednumServices))
	add(SchemeCoopThematique, slices.Clone(in.CoopThematiques))
	if len(t.Mappings) == 0 {
		return nil
	}
	if _, err := tx.NewInsert().Model(&t.Mappings).Exec(ctx); err != nil {
		return fmt.Errorf("insert theme mappings: %w", err)
	}
	return nil
}

// recordVocabulary appends an audit entry about the vocabularies. They belong to the whole
// instance; the entry goes to the acting coordinator's (first) territory so that its
// journal shows it.
func (s *Service) recordVocabulary(ctx context.Context, tx bun.IDB, actor Actor, action, entity, id, summary string) error {
	var territory int64
	if len(actor.Territories) > 0 {
		territory = actor.Territories[0]
	}
	return audit.Record(ctx, tx, &audit.Entry{
		At: s.now(), ActorID: actor.UserID, ActorName: actor.Name, Action: action,
		Entity: entity, EntityID: id, TerritoryID: territory, Summary: strings.TrimSpace(summary),
	})
}
