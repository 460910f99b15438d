package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestMyOrientations: the professional follows every person they oriented, filters the
// list, and cancels an orientation after confirming; the freed seat goes to who waits.
func TestMyOrientations(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newFollowUpFixture(t, e)
		b := e.signedIn(proEmail)

		resp, body := b.get("/orientations")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("orientations: %d\n%.600s", resp.StatusCode, body)
		}
		doc := parseHTML(t, body)
		if doc.Find(`header nav a[href="/orientations"][aria-current=page]`).Length() != 1 {
			t.Error("the menu does not lead to « Mes orientations »")
		}
		statuses := map[string]string{}
		doc.Find(".orientation").Each(func(_ int, li *goquery.Selection) {
			statuses[text(li.Find("h3"))] = text(li.Find(".status"))
		})
		if len(statuses) != 3 || statuses["Fatima Benali"] != "confirmé" || statuses["Jean"] != "confirmé" || statuses["Awa"] != "liste d'attente n°1" {
			t.Errorf("statuses %v", statuses)
		}
		if got := text(doc.Find(".orientation:contains('Fatima')")); !strings.Contains(got, "Mon smartphone pas à pas, Centre social A") ||
			!strings.Contains(got, "jeudi 10 décembre 2026, de 14 h à 16 h") {
			t.Errorf("Fatima's line %q", got)
		}
		if n := accesses(t, db, f.pro.ID, enrollment.PurposeOrientations); n != 3 {
			t.Errorf("%d consultations logged, want 3", n)
		}

		names := func(query string) []string {
			t.Helper()
			resp, body := b.get("/orientations?" + query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", query, resp.StatusCode)
			}
			return texts(parseHTML(t, body).Find(".orientation h3"))
		}
		for query, want := range map[string]string{
			"status=waitlisted":                  "Awa",
			"q=FAT":                              "Fatima Benali",
			"from=2026-12-10&to=2026-12-10&q=aw": "Awa",
			"from=2026-12-11":                    "",
			"status=n-importe-quoi&q=jean":       "Jean",
		} {
			if got := strings.Join(names(query), ","); got != want {
				t.Errorf("%s: %q, want %q", query, got, want)
			}
		}
		resp, body = b.get("/orientations?from=2026-13-45")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(parseHTML(t, body).Find("#o-from-error")), "AAAA-MM-JJ") {
			t.Errorf("a date that does not exist: %d", resp.StatusCode)
		}

		// Cancelling Jean: first confirmed, then done, and Awa takes the seat.
		path := "/orientations/" + itoa(f.jean.Booking.ID) + "/cancel"
		_, body = b.get("/orientations")
		if parseHTML(t, body).Find(`form[action="`+path+`"] button`).Length() != 1 {
			t.Fatal("no cancel button on Jean's line")
		}
		resp, body = b.post(path, nil)
		doc = parseHTML(t, body)
		if resp.StatusCode != http.StatusOK || text(doc.Find("h1")) != "Annuler l'inscription de Jean ?" ||
			doc.Find(`form[action="`+path+`"] input[name=confirm]`).Length() != 1 {
			t.Fatalf("confirmation: %d\n%.600s", resp.StatusCode, body)
		}
		resp, body = b.post(path, url.Values{"confirm": {"1"}})
		expectRedirect(t, resp, body, "/orientations?flash=orientation-cancelled")
		got := enrollmentOf(t, db, seat(f.jean))
		if got.Status != enrollment.Cancelled || got.CancelledBy != enrollment.ByProfessional || got.CancelledByUser != f.pro.ID {
			t.Errorf("Jean's seat: %+v", got)
		}
		_, body = b.get("/orientations?flash=orientation-cancelled")
		doc = parseHTML(t, body)
		if got := text(doc.Find(".orientation:contains('Awa') .status")); got != "confirmé" {
			t.Errorf("Awa %q, want promoted", got)
		}
		if got := text(doc.Find(".orientation:contains('Jean') .status")); got != "annulé" {
			t.Errorf("Jean %q", got)
		}
		if doc.Find(`form[action="`+path+`"]`).Length() != 0 {
			t.Error("a cancelled orientation can be cancelled again")
		}
		resp, body = b.post(path, nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(text(parseHTML(t, body).Find(".notice.alert")), "ne peut plus être annulée") {
			t.Errorf("confirming a cancelled one: %d", resp.StatusCode)
		}

		// Another professional can neither see nor cancel these orientations.
		e.user("sam@mds.example.fr", func(nu *accounts.NewUser) { nu.Organisation, nu.ProfessionalTerritory = "MDS", f.a.TerritoryID })
		other := e.signedIn("sam@mds.example.fr")
		_, body = other.get("/orientations")
		if n := parseHTML(t, body).Find(".orientation").Length(); n != 0 {
			t.Errorf("another professional sees %d orientations", n)
		}
		for _, form := range []url.Values{{}, {"confirm": {"1"}}} {
			if resp, _ := other.post("/orientations/"+itoa(f.fatima.Booking.ID)+"/cancel", form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("another professional cancels (%v): %d", form, resp.StatusCode)
			}
		}
		if enrollmentOf(t, db, seat(f.fatima)).Status != enrollment.Confirmed {
			t.Error("Fatima was cancelled by someone else")
		}
		if resp, _ := e.browser().get("/orientations"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a visitor: %d", resp.StatusCode)
		}
	})
}
