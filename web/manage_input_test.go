package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
)

// TestBadInputIsShownBesideTheField: whatever is typed in the mediators' forms answers
// 422 with the page shown again, what was typed kept and a French message beside the
// field, never a 500.
func TestBadInputIsShownBesideTheField(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		b.get("/manage")
		newWorkshop := "/manage/structures/" + f.a.Slug + "/workshops"
		addSessions := "/manage/workshops/" + f.wa.Slug + "/sessions"
		editSession := "/manage/sessions/" + itoa(f.sa.ID)
		session := url.Values{"date": {"2026-12-01"}, "start": {"14:00"}, "end": {"16:00"}, "place": {""}, "capacity": {"8"}, "animator": {""}}
		structure := url.Values{"name": {"Centre social A"}, "kind": {"centre-social"}, "address": {"3 rue des Tilleuls"},
			"postcode": {"54000"}, "town": {"Nancy"}}
		longTitle := strings.Repeat("é", 20_000)
		var manyDates []string
		for i := range 500 {
			manyDates = append(manyDates, "2027-"+pad(1+i/28%12)+"-"+pad(1+i%28))
		}

		cases := []struct {
			name, path string
			form       url.Values
			id, want   string
			// kept is the value the field must show again (empty: the form's own).
			kept string
		}{
			{"TitleOf20000Characters", newWorkshop, with(workshopForm(longTitle)), "w-title", "Ce texte est trop long : 150 caractères au plus (il en a 20000).", longTitle},
			{"MissingTitle", newWorkshop, with(workshopForm("")), "w-title", "Indiquez le titre de l'atelier.", ""},
			{"CapacityInWords", newWorkshop, with(workshopForm("Atelier"), "default_capacity", "dix"), "w-default_capacity", "Indiquez le nombre de places en chiffres", "dix"},
			{"CapacityZero", newWorkshop, with(workshopForm("Atelier"), "default_capacity", "0"), "w-default_capacity", "Indiquez un nombre de places entre 1 et 200.", "0"},
			{"CapacityTenThousand", newWorkshop, with(workshopForm("Atelier"), "default_capacity", "10000"), "w-default_capacity", "entre 1 et 200", "10000"},
			{"HugeNumber", newWorkshop, with(workshopForm("Atelier"), "default_capacity", "99999999999999999999999"), "w-default_capacity", "en chiffres", "99999999999999999999999"},
			{"DurationInWords", newWorkshop, with(workshopForm("Atelier"), "default_duration_minutes", "deux heures"), "w-default_duration_minutes", "Indiquez la durée en minutes", "deux heures"},
			{"UnknownTheme", newWorkshop, with(workshopForm("Atelier"), "themes", "astrologie"), "w-themes", "Choisissez les thèmes dans la liste.", ""},
			{"NoTheme", newWorkshop, with(workshopForm("Atelier"), "themes", ""), "w-themes", "Choisissez au moins un thème.", ""},
			{"LevelsUpsideDown", newWorkshop, with(workshopForm("Atelier"), "level_min", "avance", "level_max", "eloigne"), "w-level_max", "au-dessus du niveau le plus bas", ""},
			{"UnknownLevel", newWorkshop, with(workshopForm("Atelier"), "level_min", "expert"), "w-level_min", "Choisissez le niveau le plus bas", ""},
			{"UnknownStatus", newWorkshop, with(workshopForm("Atelier"), "status", "archived"), "w-title", "", ""},
			{"EndBeforeStart", addSessions, with(seriesForm(), "start", "16:00", "end", "14:00"), "p-end", "L'heure de fin doit être après l'heure de début.", "14:00"},
			{"DateIn1900", addSessions, with(seriesForm(), "first", "1900-01-01"), "p-first", "entre 2000 et 2100", "1900-01-01"},
			{"ImpossibleDate", addSessions, with(seriesForm(), "first", "2026-13-45"), "p-first", "Indiquez une date qui existe", "2026-13-45"},
			{"TimeThatIsNotOne", addSessions, with(seriesForm(), "start", "25h99"), "p-start", "Indiquez l'heure au format HH:MM", "25h99"},
			{"HourSkippedInSpring", addSessions, with(seriesForm(), "first", "2027-03-21", "until", "2027-04-04", "start", "02:30", "end", "04:00"), "p-start", "cette heure n'existe pas (passage à l'heure d'été)", "02:30"},
			{"SessionCapacityZero", addSessions, with(seriesForm(), "capacity", "0"), "p-capacity", "entre 1 et 200", "0"},
			{"SeriesOfTwoYearsAndMore", addSessions, with(seriesForm(), "until", "2029-06-01"), "p-until", "Une série dure au plus deux ans.", "2029-06-01"},
			{"SeriesOf103Sessions", addSessions, with(seriesForm(), "first", "2027-01-05", "until", "2028-12-26"), "p-until", "Cela ferait 103 séances : 100 au plus à la fois.", ""},
			{"Series500Dates", addSessions, url.Values{"frequency": {"dates"}, "dates": manyDates, "start": {"14:00"}, "end": {"16:00"}, "capacity": {"8"}, "step": {"preview"}},
				"p-dates", "séances : 100 au plus à la fois.", ""},
			{"UnknownFrequency", addSessions, with(seriesForm(), "frequency", "daily"), "p-frequency", "Choisissez une séance unique, une série ou des dates.", ""},
			{"ForeignPlace", addSessions, with(seriesForm(), "place", itoa(f.placeB.ID)), "p-place", "Choisissez un lieu de la structure.", ""},
			{"SessionEndBeforeStart", editSession, with(session, "end", "13:00"), "e-end", "La fin doit être après le début.", "13:00"},
			{"SessionCapacity10000", editSession, with(session, "capacity", "10000"), "e-capacity", "entre 1 et 200", "10000"},
			{"SessionDateIn1900", editSession, with(session, "date", "1900-12-01"), "e-date", "entre 2000 et 2100", "1900-12-01"},
			{"SessionLongerThan8Hours", editSession, with(session, "start", "08:00", "end", "18:00"), "e-end", "Une séance dure au plus 8 heures.", "18:00"},
			{"SessionAnimatorTooLong", editSession, with(session, "animator", longTitle), "e-animator", "150 caractères au plus", longTitle},
			{"PostcodeInLetters", "/manage/structures/" + f.a.Slug, with(structure, "postcode", "ABCDE"), "st-postcode", "code postal français", "ABCDE"},
			{"LatitudeInWords", "/manage/structures/" + f.a.Slug, with(structure, "latitude", "nord", "longitude", "6.18"), "st-latitude", "degrés décimaux", "nord"},
			{"LatitudeNaN", "/manage/structures/" + f.a.Slug, with(structure, "latitude", "NaN", "longitude", "6.18"), "st-latitude", "degrés décimaux", "NaN"},
			{"LatitudeOffTheEarth", "/manage/structures/" + f.a.Slug, with(structure, "latitude", "123", "longitude", "6.18"), "st-latitude", "entre -90 et 90", "123"},
			{"LatitudeAlone", "/manage/structures/" + f.a.Slug, with(structure, "latitude", "48,69"), "st-latitude", "ou aucune des deux", "48,69"},
			{"EmailThatIsNotOne", "/manage/structures/" + f.a.Slug, with(structure, "email", "contact at a"), "st-email", "adresse électronique", "contact at a"},
			{"TamperedTown", "/manage/structures/" + f.a.Slug, with(structure, "known_town", "Nancy|54000|NaN|1"), "st-known_town", "Choisissez une commune dans la liste.", ""},
			{"PlaceWithoutAddress", "/manage/structures/" + f.a.Slug + "/places", url.Values{"name": {"Salle"}, "town": {"Nancy"}, "postcode": {"54000"}}, "np-address", "Indiquez l'adresse", ""},
			{"PlaceEditWithBadPostcode", "/manage/places/" + itoa(f.placeA.ID), url.Values{"name": {"Salle"}, "address": {"1 rue"}, "town": {"Nancy"}, "postcode": {"5400"}},
				"pl" + itoa(f.placeA.ID) + "-postcode", "code postal français", "5400"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp, body := b.post(c.path, c.form)
				if c.want == "" {
					if resp.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("status %d, want 422", resp.StatusCode)
					}
					return
				}
				doc := expectFieldError(t, resp, body, c.id, c.want)
				if c.kept != "" {
					if got := doc.Find("#"+c.id).AttrOr("value", doc.Find("#"+c.id).Text()); got != c.kept {
						t.Errorf("the field shows %.40q, want what was typed: %.40q", got, c.kept)
					}
				}
			})
		}
	})
}

func pad(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// TestTextIsNeverMarkup: HTML and script typed in every text field of a workshop are
// stored as typed and shown as text, on the form, the preview and the public page.
func TestTextIsNeverMarkup(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newManageFixture(t, e)
		b := e.signedIn(mediatorEmail)
		b.get("/manage")
		const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
		form := workshopForm("Titre " + evil)
		for _, name := range []string{"summary", "description", "what_to_bring", "accessibility", "price_details"} {
			form.Set(name, name+" "+evil)
		}
		form.Set("status", "published")
		// A mistake elsewhere first: the page shown again keeps the text, as text.
		resp, body := b.post("/manage/structures/"+f.a.Slug+"/workshops", with(form, "default_capacity", "0"))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", resp.StatusCode)
		}
		checkNoMarkup(t, body)
		if v := parseHTML(t, body).Find("#w-summary").AttrOr("value", ""); v != "summary "+evil {
			t.Errorf("summary kept as %q", v)
		}
		resp, body = b.post("/manage/structures/"+f.a.Slug+"/workshops", form)
		loc := expectRedirect(t, resp, body, "/manage/workshops/titre-script-alert-x-script-img-src-x-onerror-alert-1")
		slug := strings.TrimPrefix(strings.Split(loc, "?")[0], "/manage/workshops/")
		for _, path := range []string{"/manage/workshops/" + slug, "/manage/workshops/" + slug + "/preview", "/workshops/" + slug} {
			_, body := b.get(path)
			checkNoMarkup(t, body)
			if !strings.Contains(text(parseHTML(t, body).Find("main")), `description <script>alert("x")</script>`) {
				t.Errorf("%s does not show the text as typed", path)
			}
		}
		for _, name := range []string{"animator"} {
			resp, body := b.post("/manage/sessions/"+itoa(f.sa.ID), url.Values{"date": {"2026-12-01"}, "start": {"14:00"},
				"end": {"16:00"}, "capacity": {"8"}, name: {evil}})
			expectRedirect(t, resp, body, "/manage/sessions/")
			_, body = b.get("/manage/sessions/" + itoa(f.sa.ID))
			checkNoMarkup(t, body)
		}
	})
}

func checkNoMarkup(t *testing.T, body string) {
	t.Helper()
	doc := parseHTML(t, body)
	if n := doc.Find("script, img").Length(); n != 0 {
		t.Errorf("%d script or img elements on the page", n)
	}
}
