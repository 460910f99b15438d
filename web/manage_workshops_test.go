package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestPublishingAWorkshop(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)

		resp, body := b.get("/manage/structures/" + f.a.Slug + "/workshops/new")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Nouvel atelier") {
			t.Fatalf("new workshop page: %d", resp.StatusCode)
		}
		resp, body = b.post("/manage/structures/"+f.a.Slug+"/workshops", with(workshopForm("Écrire à la CAF"), "status", "draft"))
		loc := expectRedirect(t, resp, body, "/manage/workshops/ecrire-a-la-caf?flash=workshop-created")

		t.Run("ADraftIsNotPublic", func(t *testing.T) {
			if resp, _ := e.get("/workshops/ecrire-a-la-caf"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("public page of a draft: %d, want 404", resp.StatusCode)
			}
			_, body := b.get(loc)
			page := text(parseHTML(t, body).Find("main"))
			if !strings.Contains(page, "Brouillon") || !strings.Contains(page, "L'atelier est enregistré en brouillon") {
				t.Errorf("the edit page does not say it is a draft: %.600s", page)
			}
			_, dash := b.get("/manage")
			doc := parseHTML(t, dash)
			if got := text(doc.Find("#structure-" + f.a.Slug)); !strings.Contains(got, "Brouillons Ces ateliers ne sont pas encore publics. Écrire à la CAF") {
				t.Errorf("the dashboard does not list the draft: %q", got)
			}
		})

		t.Run("ThePreviewShowsTheDraftAsThePublicPageWould", func(t *testing.T) {
			draft, err := e.svc.WorkshopForEdit(t.Context(), workshops.System, "ecrire-a-la-caf")
			if err != nil {
				t.Fatal(err)
			}
			sess := wt.Session(t, e.svc, draft, wt.Paris(t, 2026, time.December, 4, 10, 0), nil)
			resp, body := b.get("/manage/workshops/ecrire-a-la-caf/preview")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("preview: %d", resp.StatusCode)
			}
			doc := parseHTML(t, body)
			if got := text(doc.Find(".notice.preview")); !strings.Contains(got, "Aperçu — pas encore publié") {
				t.Errorf("banner %q", got)
			}
			if got := text(doc.Find("h1")); got != "Écrire à la CAF" {
				t.Errorf("h1 %q", got)
			}
			if got := text(doc.Find(".facts")); !strings.Contains(got, "Durée d'une séance 1 h 30") || !strings.Contains(got, "Français, Arabe") {
				t.Errorf("facts %q", got)
			}
			if got := attrs(doc.Find(".cards a"), "href"); len(got) != 1 || got[0] != "/manage/sessions/"+itoa(sess.ID) {
				t.Errorf("the draft's sessions link to %q", got)
			}
			if resp, _ := e.get("/manage/workshops/ecrire-a-la-caf/preview"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("an anonymous preview: %d, want a redirection to sign in", resp.StatusCode)
			}
		})

		t.Run("PublishingMakesItPublic", func(t *testing.T) {
			resp, body := b.post("/manage/workshops/ecrire-a-la-caf/publish", nil)
			expectRedirect(t, resp, body, "/manage/workshops/ecrire-a-la-caf?flash=workshop-published")
			if resp, _ := e.get("/workshops/ecrire-a-la-caf"); resp.StatusCode != http.StatusOK {
				t.Errorf("public page after publishing: %d", resp.StatusCode)
			}
			resp, body = b.post("/manage/workshops/ecrire-a-la-caf/unpublish", nil)
			expectRedirect(t, resp, body, "/manage/workshops/ecrire-a-la-caf?flash=workshop-unpublished")
			if resp, _ := e.get("/workshops/ecrire-a-la-caf"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("public page after unpublishing: %d", resp.StatusCode)
			}
		})

		t.Run("EditingKeepsTheSlugAndCanPublish", func(t *testing.T) {
			form := with(workshopForm("Écrire à la CAF et à la CPAM"), "status", "published")
			resp, body := b.post("/manage/workshops/ecrire-a-la-caf", form)
			expectRedirect(t, resp, body, "/manage/workshops/ecrire-a-la-caf?flash=workshop-published")
			_, body = e.get("/workshops/ecrire-a-la-caf")
			if !strings.Contains(body, "Écrire à la CAF et à la CPAM") {
				t.Error("the public page does not show the new title")
			}
			_, body = b.get("/manage/workshops/ecrire-a-la-caf")
			doc := parseHTML(t, body)
			if v := doc.Find("#w-title").AttrOr("value", ""); v != "Écrire à la CAF et à la CPAM" {
				t.Errorf("title field %q", v)
			}
			if doc.Find("#w-themes-communiquer[checked]").Length() != 1 || doc.Find("#w-languages-ar[checked]").Length() != 1 {
				t.Error("checkboxes do not show the stored choices")
			}
			if v := doc.Find("#w-default_duration_minutes").AttrOr("value", ""); v != "90" {
				t.Errorf("duration %q", v)
			}
		})

		t.Run("DuplicatingMakesADraftCopyWithoutSessions", func(t *testing.T) {
			resp, body := b.post("/manage/workshops/"+f.wa.Slug+"/duplicate", nil)
			loc := expectRedirect(t, resp, body, "/manage/workshops/copie-de-mon-smartphone-pas-a-pas?flash=workshop-duplicated")
			_, body = b.get(loc)
			doc := parseHTML(t, body)
			if got := text(doc.Find("h1")); got != "Copie de Mon smartphone pas à pas Brouillon" {
				t.Errorf("h1 %q", got)
			}
			if got := text(doc.Find("#seances ~ p")); !strings.Contains(got, "Aucune séance") {
				t.Errorf("sessions: %q", got)
			}
		})

		t.Run("KindCannotChangeOnceSessionsExist", func(t *testing.T) {
			form := workshopValuesOf(t, e, f.wa.Slug)
			form.Set("kind", "parcours")
			resp, body := b.post("/manage/workshops/"+f.wa.Slug, form)
			expectFieldError(t, resp, body, "w-kind", "Des séances existent déjà")
		})
	})
}

// workshopValuesOf reads the values of a stored workshop's form, as a browser would send
// them back.
func workshopValuesOf(t *testing.T, e *env, slug string) url.Values {
	t.Helper()
	w, err := e.svc.WorkshopForEdit(t.Context(), workshops.System, slug)
	if err != nil {
		t.Fatal(err)
	}
	v := workshopForm(w.Title)
	v.Set("level_min", w.LevelMin)
	v.Set("level_max", w.LevelMax)
	v.Set("kind", w.Kind)
	return v
}
