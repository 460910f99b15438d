package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestCoordinatorFindsExportsAndErasesAPerson: at a person's request, a coordinator of
// the territory finds them, shows and downloads their data, then erases it after
// confirming; every step is logged, and no log holds the person's details.
func TestCoordinatorFindsExportsAndErasesAPerson(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		coord := e.user("coord@territoire.example.fr", func(nu *accounts.NewUser) { nu.CoordinatorOf = []int64{f.a.TerritoryID} })
		b := e.signedIn("coord@territoire.example.fr")
		person := "/coordination/people/" + itoa(f.fatima.Booking.ID)

		resp, body := b.get("/coordination/people")
		doc := parseHTML(t, body)
		if resp.StatusCode != http.StatusOK || doc.Find(`.subnav a[href="/coordination/people"][aria-current=page]`).Length() != 1 {
			t.Fatalf("search page: %d", resp.StatusCode)
		}
		resp, body = b.get("/coordination/people?q=f")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(parseHTML(t, body).Find("#p-q-error")), "Indiquez au moins deux caractères.") {
			t.Errorf("a one-letter search: %d", resp.StatusCode)
		}
		for _, q := range []string{"fati", "BENALI", "06 12 34 56 78"} {
			_, body = b.get("/coordination/people?q=" + url.QueryEscape(q))
			doc = parseHTML(t, body)
			if got := attrs(doc.Find("table.list tbody a"), "href"); len(got) != 1 || got[0] != person {
				t.Errorf("search %q found %q", q, got)
			}
		}
		if got := text(doc.Find("table.list tbody tr")); !strings.Contains(got, "06 12 34 56 78") || !strings.Contains(got, "Mon smartphone pas à pas, Centre social A") {
			t.Errorf("result %q", got)
		}
		if n := accesses(t, db, coord.ID, enrollment.PurposeSearch); n != 3 {
			t.Errorf("%d searches logged, want 3", n)
		}

		resp, body = b.get(person)
		doc = parseHTML(t, body)
		if resp.StatusCode != http.StatusOK || text(doc.Find("h1")) != "Données de Fatima Benali" {
			t.Fatalf("person: %d %q", resp.StatusCode, text(doc.Find("h1")))
		}
		facts := text(doc.Find(".facts"))
		for _, want := range []string{"Téléphone +33612345678", "Niveau Débutant", "Besoins prêt d'un appareil", "par un professionnel (CCAS de Nancy)",
			"J'accepte que mes coordonnées soient transmises à la structure."} {
			if !strings.Contains(facts, want) {
				t.Errorf("facts %q lack %q", facts, want)
			}
		}
		resp, body = b.get(person + "?format=json")
		var exp struct {
			FirstName string `json:"first_name"`
			Phone     string `json:"phone"`
			Seats     []struct {
				Workshop string `json:"workshop"`
				Status   string `json:"status"`
			} `json:"seats"`
		}
		if err := json.Unmarshal([]byte(body), &exp); err != nil {
			t.Fatalf("export: %v\n%s", err, body)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || exp.FirstName != "Fatima" || exp.Phone != "+33612345678" ||
			len(exp.Seats) != 1 || exp.Seats[0].Status != enrollment.Confirmed || exp.Seats[0].Workshop != "Mon smartphone pas à pas" {
			t.Errorf("export %+v (%s)", exp, resp.Header.Get("Content-Disposition"))
		}
		if n := accesses(t, db, coord.ID, enrollment.PurposeExport); n != 2 {
			t.Errorf("%d exports logged, want 2", n)
		}

		// Another territory's coordinator finds nobody and sees nothing; a member may not search.
		far := e.coordinator("coord@paysbasque.example.fr", e.otherTerritory())
		_, body = far.get("/coordination/people?q=fati")
		if n := parseHTML(t, body).Find("table.list tbody tr").Length(); n != 0 {
			t.Errorf("another territory's coordinator finds %d", n)
		}
		if resp, _ := far.get(person); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another territory's coordinator reads the person: %d", resp.StatusCode)
		}
		far.get("/coordination/people")
		if resp, _ := far.post(person+"/erase", url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another territory's coordinator erases: %d", resp.StatusCode)
		}
		if resp, _ := e.signedIn(mediatorEmail).get("/coordination/people?q=fati"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a member searches people: %d", resp.StatusCode)
		}

		// Erasing: confirmed first, then the personal fields go and the seat frees up.
		b.get(person)
		resp, body = b.post(person+"/erase", nil)
		expectFieldError(t, resp, body, "x-confirm", "Cochez la case pour confirmer")
		if enrollmentOf(t, db, seat(f.fatima)).Status != enrollment.Confirmed {
			t.Fatal("erased without confirmation")
		}
		resp, body = b.post(person+"/erase", url.Values{"confirm": {"1"}})
		expectRedirect(t, resp, body, person+"?flash=person-erased")
		_, body = b.get(person + "?flash=person-erased")
		doc = parseHTML(t, body)
		if got := text(doc.Find("main")); !strings.Contains(got, "Les données personnelles ont été effacées le mardi 24 novembre 2026") ||
			strings.Contains(got, "Fatima") || strings.Contains(got, "612345678") || !strings.Contains(got, "Niveau Débutant") {
			t.Errorf("after erasure: %q", got)
		}
		if doc.Find(`form[action="`+person+`/erase"]`).Length() != 0 {
			t.Error("an erased person can be erased again")
		}
		if enrollmentOf(t, db, seat(f.fatima)).Status != enrollment.Cancelled || enrollmentOf(t, db, seat(f.awa)).Status != enrollment.Confirmed {
			t.Error("the erased person's seat did not go to who waited")
		}
		_, body = b.get("/coordination/people?q=fati")
		if n := parseHTML(t, body).Find("table.list tbody tr").Length(); n != 0 {
			t.Errorf("the erased person is still found: %d", n)
		}
		if n := accesses(t, db, coord.ID, enrollment.PurposeErase); n != 1 {
			t.Errorf("%d erasures logged", n)
		}

		// The journal says what happened, never to whom.
		var entries []audit.Entry
		if err := db.NewSelect().Model(&entries).Scan(t.Context()); err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			for _, secret := range []string{"Fatima", "Benali", "612345678", "awa@exemple.fr", "Awa", "Jean"} {
				if strings.Contains(en.Summary, secret) {
					t.Errorf("the journal names a person: %q", en.Summary)
				}
			}
		}
	})
}
