package workshops_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestEditingTheVocabularies(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		coordinator := workshops.Actor{Name: "Coordination", Territories: []int64{st.TerritoryID}}
		member := workshops.Actor{Name: "Camille", Structures: []int64{st.ID}}

		t.Run("OnlyCoordinatorsOfAnyTerritory", func(t *testing.T) {
			if err := svc.UpdateLevel(ctx, member, "debutant", workshops.LevelWording{Label: "X", Description: "Y"}); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("a member edits a level: %v", err)
			}
			if _, err := svc.CreateTheme(ctx, workshops.Actor{}, workshops.ThemeInput{Label: "X", Position: 1}); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("a visitor creates a theme: %v", err)
			}
		})

		t.Run("LevelWordingDropsCachedVocabulary", func(t *testing.T) {
			before, err := svc.Vocabulary(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.UpdateLevel(ctx, coordinator, "debutant", workshops.LevelWording{Label: " Premiers  pas ", Description: "Découvre son appareil."}); err != nil {
				t.Fatal(err)
			}
			after, err := svc.Vocabulary(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if after == before || after.Level("debutant").Label != "Premiers pas" || after.Level("debutant").Rank != 2 {
				t.Errorf("level after edit: %+v", after.Level("debutant"))
			}
			var ve *workshops.ValidationError
			err = svc.UpdateLevel(ctx, coordinator, "debutant", workshops.LevelWording{})
			if !errors.As(err, &ve) || ve.Fields["label"] == "" || ve.Fields["description"] == "" {
				t.Errorf("empty wording: %v", err)
			}
			if err := svc.UpdateLevel(ctx, coordinator, "expert", workshops.LevelWording{Label: "Expert", Description: "x"}); !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("unknown level: %v", err)
			}
		})

		t.Run("ThemesKeepTheirSlugAndMappings", func(t *testing.T) {
			th, err := svc.CreateTheme(ctx, coordinator, workshops.ThemeInput{Label: "Ludique", Position: 9,
				MednumServices: []string{"Loisirs et créations numériques", "Loisirs et créations numériques"}})
			if err != nil {
				t.Fatal(err)
			}
			if th.Slug != "ludique-2" || len(th.Mappings) != 1 {
				t.Errorf("theme %q with %d mappings", th.Slug, len(th.Mappings))
			}
			th, err = svc.UpdateTheme(ctx, coordinator, "ludique-2", workshops.ThemeInput{Label: "Jeux", Position: 3,
				CoopThematiques: []string{"CultureNumerique"}})
			if err != nil || th.Slug != "ludique-2" {
				t.Fatalf("update: %v", err)
			}
			voc, _ := svc.Vocabulary(ctx)
			got := voc.Theme("ludique-2")
			if got.Label != "Jeux" || len(got.MappedValues(workshops.SchemeMednumService)) != 0 || got.MappedValues(workshops.SchemeCoopThematique)[0] != "CultureNumerique" {
				t.Errorf("theme after update: %+v", got)
			}
			var ve *workshops.ValidationError
			_, err = svc.CreateTheme(ctx, coordinator, workshops.ThemeInput{Label: "X", Position: 0, CoopThematiques: []string{"Inconnue"}})
			if !errors.As(err, &ve) || ve.Fields["position"] == "" || ve.Fields["coop"] == "" {
				t.Errorf("invalid theme: %v", err)
			}
		})
	})
}
