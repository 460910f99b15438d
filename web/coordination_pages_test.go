package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestAllowedDomains(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		coord.get("/coordination/domains")
		for _, bad := range []string{"agent@ccas-nancy.fr", "pas un domaine", "https://ccas-nancy.fr", "ccas-nancy", "mairie-épinal.fr", strings.Repeat("a", 20000) + ".fr", "<b>x</b>.fr"} {
			resp, body := coord.post("/coordination/domains", url.Values{"domain": {bad}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="domain-domain-error"`) {
				t.Errorf("%.40q: %d", bad, resp.StatusCode)
			}
			if strings.Contains(body, "<b>x</b>") {
				t.Errorf("markup shown as markup")
			}
		}
		resp, body := coord.post("/coordination/domains", url.Values{"domain": {"CCAS-Nancy.fr"}})
		expectRedirectExactly(t, resp, body, "/coordination/domains?flash=domain-added")
		_, body = coord.get("/coordination/domains")
		if !strings.Contains(body, "ccas-nancy.fr") {
			t.Errorf("the domain is not listed")
		}
		resp, body = coord.post("/coordination/domains/delete", url.Values{"domain": {"ccas-nancy.fr"}, "territory": {itoa(e.territory())}})
		expectRedirectExactly(t, resp, body, "/coordination/domains?flash=domain-removed")
		_, body = coord.get("/coordination/domains")
		if strings.Contains(body, "<td>ccas-nancy.fr</td>") {
			t.Errorf("the domain is still listed")
		}
	})
}

func TestDisablingLocksOutAtOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Médiathèque Jules Verne" })
		member := e.user("camille@verne.example.fr", func(nu *accounts.NewUser) { nu.Name = "Camille Martin"; nu.MemberOf = []int64{st.ID} })
		coord := e.coordinator("coordination@metropole.example.fr", st.TerritoryID)
		other := e.coordinator("ailleurs@autre.example.fr", e.otherTerritory())
		mb := e.browser()
		mb.signIn("camille@verne.example.fr", password)

		resp, body := coord.get("/coordination/users")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Camille Martin") || !strings.Contains(body, "Membre de Médiathèque Jules Verne") {
			t.Fatalf("users page: %d", resp.StatusCode)
		}
		_, body = other.get("/coordination/users")
		if strings.Contains(body, "Camille Martin") {
			t.Errorf("another territory's coordinator lists the member")
		}
		status := "/coordination/users/" + itoa(member.ID) + "/status"
		if resp, _ := other.post(status, url.Values{"status": {"disabled"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another territory's coordinator disables: %d", resp.StatusCode)
		}
		if !mb.signedIn() {
			t.Fatal("the member was signed out")
		}
		resp, body = coord.post(status, url.Values{"status": {"disabled"}})
		expectRedirectExactly(t, resp, body, "/coordination/users?flash=user-disabled")
		if mb.signedIn() {
			t.Errorf("a disabled member is still signed in")
		}
		_, body = coord.get("/coordination/users")
		if !strings.Contains(body, "Désactivé") || !strings.Contains(body, "Réactiver") {
			t.Errorf("the disabled account is not shown so")
		}
		resp, body = coord.post(status, url.Values{"status": {"active"}})
		expectRedirectExactly(t, resp, body, "/coordination/users?flash=user-enabled")
		mb.signIn("camille@verne.example.fr", password)

		self, _ := e.acc.UserByEmail(context.Background(), "coordination@metropole.example.fr")
		if resp, _ := coord.post("/coordination/users/"+itoa(self.ID)+"/status", url.Values{"status": {"disabled"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("a coordinator disables themselves: %d", resp.StatusCode)
		}
		if resp, _ := coord.post(status, url.Values{"status": {"<script>"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown status: %d", resp.StatusCode)
		}
	})
}

func TestCoordinationNeedsTheTerritory(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		home := e.territory()
		st := wt.Structure(t, e.svc, nil)
		member := e.user("camille@verne.example.fr", func(nu *accounts.NewUser) { nu.MemberOf = []int64{st.ID} })
		jr, err := e.acc.RequestJoin(ctx, accounts.JoinApplication{Structure: workshops.Structure{Name: "Tiers-lieu", Kind: "tiers-lieu",
			Address: "1 place Stanislas", Postcode: "54000", Town: "Nancy"}, Name: "Sam", Email: "sam@exemple.fr", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.acc.SignUp(ctx, accounts.SignUp{Name: "Alex", Email: "alex@exemple.fr", Organisation: "MDS", Password: password}); err != nil {
			t.Fatal(err)
		}
		pro, _ := e.acc.UserByEmail(ctx, "alex@exemple.fr")
		if err := e.acc.AddDomain(ctx, workshops.System, home, "ccas-nancy.fr"); err != nil {
			t.Fatal(err)
		}
		other := e.coordinator("ailleurs@autre.example.fr", e.otherTerritory())
		memberBrowser := e.browser()
		memberBrowser.signIn("camille@verne.example.fr", password)
		actions := []struct {
			path string
			form url.Values
		}{
			{"/coordination/requests/" + itoa(jr.ID) + "/accept", nil},
			{"/coordination/requests/" + itoa(jr.ID) + "/refuse", url.Values{"reason": {"non"}}},
			{"/coordination/professionals/" + itoa(pro.ID) + "/accept", nil},
			{"/coordination/professionals/" + itoa(pro.ID) + "/refuse", url.Values{"reason": {"non"}}},
			{"/coordination/domains/delete", url.Values{"domain": {"ccas-nancy.fr"}, "territory": {itoa(home)}}},
			{"/coordination/domains", url.Values{"domain": {"autre.fr"}, "territory": {itoa(home)}}},
			{"/coordination/users/" + itoa(member.ID) + "/status", url.Values{"status": {"disabled"}}},
		}
		other.get("/coordination")
		for _, a := range actions {
			if resp, body := other.post(a.path, a.form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("another territory's coordinator: POST %s = %d %.300s", a.path, resp.StatusCode, body)
			}
			if resp, _ := memberBrowser.post(a.path, a.form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a member: POST %s = %d", a.path, resp.StatusCode)
			}
		}
		for _, path := range []string{"/coordination", "/coordination/users", "/coordination/domains", "/coordination/vocabulary", "/coordination/journal"} {
			if resp, _ := memberBrowser.get(path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a member: GET %s = %d", path, resp.StatusCode)
			}
			if resp, _ := e.browser().get(path); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("a visitor: GET %s = %d", path, resp.StatusCode)
			}
		}
		// Nothing changed.
		if p, _ := e.acc.PendingRequests(ctx, workshops.Actor{Territories: []int64{home}}); len(p.JoinRequests) != 1 || len(p.Professionals) != 1 {
			t.Errorf("decisions were taken")
		}
	})
}

func TestVocabularyEditsShowOnTheCalendar(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, func(w *workshops.Workshop) { w.LevelMin, w.LevelMax = "debutant", "debutant" })
		wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.November, 26, 14, 0), nil)
		if _, body := e.get("/"); !strings.Contains(body, "Débutant") {
			t.Fatal("the calendar does not show the level")
		}
		// Vocabularies are the whole instance's: a coordinator of any territory keeps them.
		coord := e.coordinator("ailleurs@autre.example.fr", e.otherTerritory())
		resp, body := coord.get("/coordination/vocabulary")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Niveau 2 : Débutant") || !strings.Contains(body, "Loisirs et créations numériques") {
			t.Fatalf("vocabulary page: %d", resp.StatusCode)
		}
		resp, body = coord.post("/coordination/levels/debutant", url.Values{"label": {""}, "description": {strings.Repeat("d", 20000)}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="level-debutant-label-error"`) || !strings.Contains(body, "500 caractères au plus") {
			t.Errorf("invalid level: %d", resp.StatusCode)
		}
		resp, body = coord.post("/coordination/levels/debutant", url.Values{"label": {"Premiers pas <b>"}, "description": {"Découvre son appareil."}})
		expectRedirectExactly(t, resp, body, "/coordination/vocabulary?flash=level-saved#niveau-debutant")
		_, body = e.get("/")
		if !strings.Contains(body, "Premiers pas &lt;b&gt;") || strings.Contains(body, ">Débutant<") {
			t.Errorf("the calendar still shows the old label")
		}
		if resp, _ := coord.post("/coordination/levels/expert", url.Values{"label": {"Expert"}, "description": {"x"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown level: %d", resp.StatusCode)
		}

		// Themes: created with their mappings, edited, never deleted.
		resp, body = coord.post("/coordination/themes", url.Values{"label": {"Jeux vidéo"}, "position": {"abc"}, "mednum": {"Inventé"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="theme-new-position-error"`) ||
			!strings.Contains(body, `id="theme-new-mednum-error"`) || !strings.Contains(body, `value="Jeux vidéo"`) {
			t.Errorf("invalid theme: %d", resp.StatusCode)
		}
		resp, body = coord.post("/coordination/themes", url.Values{"label": {"Jeux vidéo"}, "description": {"Jouer ensemble."}, "position": {"9"},
			"mednum": {"Loisirs et créations numériques"}, "coop": {"CultureNumerique", "CreerAvecLeNumerique"}})
		expectRedirectExactly(t, resp, body, "/coordination/vocabulary?flash=theme-created#theme-jeux-video")
		voc, err := e.svc.Vocabulary(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		th := voc.Theme("jeux-video")
		if th == nil || len(th.MappedValues(workshops.SchemeCoopThematique)) != 2 || th.MappedValues(workshops.SchemeMednumService)[0] != "Loisirs et créations numériques" {
			t.Fatalf("theme %+v", th)
		}
		resp, body = coord.post("/coordination/themes/jeux-video", url.Values{"label": {"Jeux"}, "position": {"2"}, "coop": {"CultureNumerique"}})
		expectRedirectExactly(t, resp, body, "/coordination/vocabulary?flash=theme-saved#theme-jeux-video")
		if _, body := e.get("/api/v1/themes"); !strings.Contains(body, `"slug":"jeux-video"`) || !strings.Contains(body, `"label":"Jeux"`) {
			t.Errorf("the API does not show the edited theme: %.500s", body)
		}
		if resp, _ := coord.post("/coordination/themes/inconnu", url.Values{"label": {"X"}, "position": {"1"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown theme: %d", resp.StatusCode)
		}
		if got := e.auditActions("level", "debutant"); len(got) != 1 {
			t.Errorf("level audit: %v", got)
		}
	})
}

func TestJournalShowsTheTerritorysActions(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		for i := range 60 {
			wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Lieu <" + itoa(int64(i)) + ">" })
		}
		otherT := e.otherTerritory()
		wt.Structure(t, e.svc, func(s *workshops.Structure) { s.Name = "Lieu d'ailleurs"; s.TerritoryID = otherT })
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		resp, body := coord.get("/coordination/journal")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Lieu &lt;59&gt;") || strings.Contains(body, "Lieu &lt;5&gt;") {
			t.Fatalf("first page: %d", resp.StatusCode)
		}
		if strings.Contains(body, "Lieu d&#39;ailleurs") {
			t.Errorf("another territory's action is shown")
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		next, ok := doc.Find(`a[rel=next]`).Attr("href")
		if !ok {
			t.Fatal("no link to older entries")
		}
		_, body = coord.get(next)
		if !strings.Contains(body, "Lieu &lt;5&gt;") || strings.Contains(body, "Lieu &lt;59&gt;") {
			t.Errorf("second page is wrong")
		}
		if _, err := e.acc.UserByEmail(ctx, "coordination@metropole.example.fr"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOnboardingPagesFollowTheAccessibilityRules(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		st := wt.Structure(t, e.svc, nil)
		b := e.browser()
		b.get("/join")
		b.post("/join", joinForm())
		b.get("/signup")
		b.post("/signup", signupForm("alex@exemple.fr"))
		coord := e.coordinator("coordination@metropole.example.fr", e.territory())
		invite := "/manage/structures/" + st.Slug + "/members"
		coord.get(invite)
		coord.post(invite, url.Values{"email": {"sacha@exemple.fr"}})
		link := linkIn(t, e.lastEmail("sacha@exemple.fr"), "/invitations/")
		check := func(name string, resp *http.Response, body string, status int) {
			t.Run(name, func(t *testing.T) {
				if resp.StatusCode != status {
					t.Fatalf("status %d, want %d", resp.StatusCode, status)
				}
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range accessibilityProblems(doc) {
					t.Error(p)
				}
			})
		}
		visitor := e.browser()
		for _, p := range []string{"/join", "/join?sent=1", "/signup", "/signup?sent=1", link, "/invitations/perime"} {
			resp, body := visitor.get(p)
			status := http.StatusOK
			if p == "/invitations/perime" {
				status = http.StatusGone
			}
			check(p, resp, body, status)
		}
		resp, body := visitor.post("/join", url.Values{"name": {""}})
		check("join invalid", resp, body, http.StatusUnprocessableEntity)
		resp, body = visitor.post(link, url.Values{"name": {""}})
		check("invitation invalid", resp, body, http.StatusUnprocessableEntity)
		for _, p := range []string{"/coordination", "/coordination/users", "/coordination/domains", "/coordination/vocabulary", "/coordination/journal", invite} {
			resp, body := coord.get(p)
			check(p, resp, body, http.StatusOK)
		}
		resp, body = coord.post("/coordination/requests/1/refuse", nil)
		check("refusal invalid", resp, body, http.StatusUnprocessableEntity)
		resp, body = coord.post("/coordination/themes", url.Values{"label": {""}})
		check("theme invalid", resp, body, http.StatusUnprocessableEntity)
	})
}
