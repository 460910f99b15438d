package web

// The vocabularies coordinators keep: the levels' wording and the themes with their
// mappings to LaMednum's services and La Coop's thématiques. They are shared by every
// territory of the instance.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/escale-numerique/escale/workshops"
)

func init() {
	registerFlash(map[string]string{
		"level-saved":   "Le niveau est enregistré. Le calendrier affiche déjà les nouveaux mots.",
		"theme-created": "Le thème est créé.",
		"theme-saved":   "Le thème est enregistré.",
	})
}

// vocabularyOrder is the order of a theme form's fields.
var vocabularyOrder = []string{"label", "description", "position", "mednum", "coop"}

// levelForm is the form of one level.
type levelForm struct {
	Level workshops.Level
	Form  *formState
}

// themeForm is the form of one theme (Theme is nil for the new-theme form).
type themeForm struct {
	Theme *workshops.Theme
	Form  *formState
	// Open shows the form unfolded (it came back invalid).
	Open bool
	// Action, Button and CSRF complete the form; Mednum and Coop are the choices of the
	// mappings.
	Action string
	Button string
	CSRF   string
	Mednum workshops.Choices
	Coop   workshops.Choices
}

// vocabularyView is the page of the vocabularies.
type vocabularyView struct {
	Layout
	Section  string
	Levels   []levelForm
	Themes   []themeForm
	NewTheme themeForm
}

// vocabularyPage is /coordination/vocabulary.
func (s *server) vocabularyPage(c *fiber.Ctx) error {
	return s.renderVocabulary(c, http.StatusOK, "", nil)
}

// updateLevel changes a level's label and description.
func (s *server) updateLevel(c *fiber.Ctx) error {
	code := c.Params("code")
	vals := formValues(c)
	err := s.ws.UpdateLevel(c.UserContext(), actor(c), code, workshops.LevelWording{Label: vals.Get("label"), Description: vals.Get("description")})
	if ve := validationOf(err); ve != nil {
		return s.renderVocabulary(c, http.StatusUnprocessableEntity, "level:"+code, newForm("level-"+code, vals, ve, vocabularyOrder...))
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/vocabulary", "level-saved")+"#niveau-"+url.PathEscape(code), fiber.StatusSeeOther)
}

// createTheme adds a theme.
func (s *server) createTheme(c *fiber.Ctx) error {
	vals := formValues(c)
	t, err := s.ws.CreateTheme(c.UserContext(), actor(c), themeInput(vals))
	if ve := validationOf(err); ve != nil {
		return s.renderVocabulary(c, http.StatusUnprocessableEntity, "theme:", newForm("theme-new", vals, ve, vocabularyOrder...))
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/vocabulary", "theme-created")+"#theme-"+url.PathEscape(t.Slug), fiber.StatusSeeOther)
}

// updateTheme changes a theme's wording, position and mappings.
func (s *server) updateTheme(c *fiber.Ctx) error {
	slug := c.Params("slug")
	vals := formValues(c)
	_, err := s.ws.UpdateTheme(c.UserContext(), actor(c), slug, themeInput(vals))
	if ve := validationOf(err); ve != nil {
		return s.renderVocabulary(c, http.StatusUnprocessableEntity, "theme:"+slug, newForm("theme-"+slug, vals, ve, vocabularyOrder...))
	}
	if err != nil {
		return err
	}
	return c.Redirect(flashURL("/coordination/vocabulary", "theme-saved")+"#theme-"+url.PathEscape(slug), fiber.StatusSeeOther)
}

// themeInput reads a theme form. A position that is not a whole number reads as zero,
// which the domain refuses with its message.
func themeInput(vals url.Values) workshops.ThemeInput {
	pos, err := strconv.Atoi(strings.TrimSpace(vals.Get("position")))
	if err != nil {
		pos = 0
	}
	return workshops.ThemeInput{Label: vals.Get("label"), Description: vals.Get("description"), Position: pos,
		MednumServices: vals["mednum"], CoopThematiques: vals["coop"]}
}

// renderVocabulary shows every form filled from the vocabularies, except the one that
// came back invalid (failed names it: "level:<code>", "theme:<slug>", "theme:" for a new
// one), shown as typed with its messages.
func (s *server) renderVocabulary(c *fiber.Ctx, status int, failed string, f *formState) error {
	voc, err := s.ws.Vocabulary(c.UserContext())
	if err != nil {
		return err
	}
	title := "Niveaux et thèmes"
	if f != nil {
		title = "Erreur : " + title
	}
	v := vocabularyView{Layout: s.layout(c, title, "coordination"), Section: "vocabulary"}
	for _, l := range voc.Levels {
		lf := levelForm{Level: l, Form: newForm("level-"+l.Code, url.Values{"label": {l.Label}, "description": {l.Description}}, nil)}
		if failed == "level:"+l.Code {
			lf.Form = f
		}
		v.Levels = append(v.Levels, lf)
	}
	for i := range voc.Themes {
		t := &voc.Themes[i]
		tf := themeForm{Theme: t, Form: newForm("theme-"+t.Slug, url.Values{
			"label": {t.Label}, "description": {t.Description}, "position": {strconv.Itoa(t.Position)},
			"mednum": t.MappedValues(workshops.SchemeMednumService), "coop": t.MappedValues(workshops.SchemeCoopThematique),
		}, nil)}
		if failed == "theme:"+t.Slug {
			tf.Form, tf.Open = f, true
		}
		v.Themes = append(v.Themes, v.complete(tf, "/coordination/themes/"+url.PathEscape(t.Slug), "Enregistrer"))
	}
	next := 1
	if n := len(voc.Themes); n > 0 {
		next = voc.Themes[n-1].Position + 1
	}
	v.NewTheme = themeForm{Form: newForm("theme-new", url.Values{"position": {strconv.Itoa(next)}}, nil)}
	if failed == "theme:" {
		v.NewTheme = themeForm{Form: f, Open: true}
	}
	v.NewTheme = v.complete(v.NewTheme, "/coordination/themes", "Créer le thème")
	return s.render(c, status, "coordination_vocabulary", v)
}

// complete fills what every theme form shares.
func (v *vocabularyView) complete(tf themeForm, action, button string) themeForm {
	tf.Action, tf.Button, tf.CSRF = action, button, v.CSRF
	tf.Mednum, tf.Coop = workshops.MednumServices, workshops.CoopThematiques
	return tf
}
