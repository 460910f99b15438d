package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// calendarFixture is a small territory around the frozen "now" (Tuesday 24 November 2026,
// 10:00 in Paris).
type calendarFixture struct {
	nations, verne                      *workshops.Structure
	caf, games                          *workshops.Workshop
	today, tomorrow, friday, full, gone *workshops.Session
}

func newCalendarFixture(t *testing.T, e *env) calendarFixture {
	t.Helper()
	var f calendarFixture
	f.nations = wt.Structure(t, e.svc, func(s *workshops.Structure) {
		s.Name, s.Kind = "Centre social Les Nations", "centre-social"
	})
	f.verne = wt.Structure(t, e.svc, func(s *workshops.Structure) {
		s.Name, s.Town, s.Postcode = "Médiathèque Jules-Verne", "Vandœuvre-lès-Nancy", "54500"
	})
	f.caf = wt.Workshop(t, e.svc, f.nations, func(w *workshops.Workshop) {
		w.Title = "Démarches en ligne : la CAF"
		w.LevelMin, w.LevelMax = "eloigne", "debutant"
		w.ThemeSlugs = []string{"demarches-en-ligne"}
	})
	f.games = wt.Workshop(t, e.svc, f.verne, func(w *workshops.Workshop) {
		w.Title = "Jeux vidéo en famille"
		w.LevelMin, w.LevelMax = "debutant", "avance"
		w.ThemeSlugs = []string{"ludique", "parentalite-scolarite"}
	})
	f.today = wt.Session(t, e.svc, f.caf, wt.Paris(t, 2026, time.November, 24, 14, 0), nil)
	f.tomorrow = wt.Session(t, e.svc, f.games, wt.Paris(t, 2026, time.November, 25, 9, 30), nil)
	f.friday = wt.Session(t, e.svc, f.caf, wt.Paris(t, 2026, time.November, 27, 14, 0), func(s *workshops.Session) { s.SeatsTaken = 5 })
	f.full = wt.Session(t, e.svc, f.games, wt.Paris(t, 2026, time.November, 27, 16, 0), func(s *workshops.Session) {
		s.Capacity, s.SeatsTaken = 2, 2
	})
	f.gone = wt.Session(t, e.svc, f.games, wt.Paris(t, 2026, time.December, 1, 10, 0), nil)
	if _, err := e.svc.CancelSession(t.Context(), workshops.System, f.gone.ID, "Animatrice malade"); err != nil {
		t.Fatal(err)
	}
	return f
}

// card returns the card of the session whose page is /sessions/{id}.
func card(doc *goquery.Document, id int64) *goquery.Selection {
	return doc.Find(`li.card`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(`h4 a[href="`+sessionPath(id)+`"]`).Length() == 1
	})
}

func sessionPath(id int64) string { return "/sessions/" + itoa(id) }

func cardTitles(doc *goquery.Document) []string { return texts(doc.Find("li.card h4 a")) }

func TestCalendarPage(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newCalendarFixture(t, e)
		resp, doc := e.page("/")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / = %d", resp.StatusCode)
		}

		t.Run("GroupsSessionsByDayWithTheFrenchWeekday", func(t *testing.T) {
			want := []string{"mardi 24 novembre (aujourd'hui)", "mercredi 25 novembre (demain)", "vendredi 27 novembre", "mardi 1er décembre"}
			if got := texts(doc.Find("h3.day")); !slices.Equal(got, want) {
				t.Errorf("day headings = %q, want %q", got, want)
			}
			friday := doc.Find("h3.day").Eq(2).Next().Find("li.card h4 a")
			if got := attrs(friday, "href"); !slices.Equal(got, []string{sessionPath(f.friday.ID), sessionPath(f.full.ID)}) {
				t.Errorf("Friday's sessions = %v", got)
			}
		})

		t.Run("CardShowsTimeTitleStructureTownLevelsAndThemes", func(t *testing.T) {
			c := card(doc, f.tomorrow.ID)
			if got := text(c.Find(".when")); got != "de 9 h 30 à 11 h 30" {
				t.Errorf("time = %q", got)
			}
			if got := text(c.Find("h4")); got != "Jeux vidéo en famille" {
				t.Errorf("title = %q", got)
			}
			if !strings.Contains(text(c), "Médiathèque Jules-Verne, Vandœuvre-lès-Nancy") {
				t.Errorf("card %q lacks structure and town", text(c))
			}
			if got := text(c.Find(".level")); got != "Débutant à Avancé" {
				t.Errorf("levels in words = %q", got)
			}
			picto := c.Find(".level svg[role=img]")
			if got := picto.AttrOr("aria-label", ""); got != "niveaux 2 à 4 sur 5" {
				t.Errorf("pictogram alternative = %q", got)
			}
			// The range reads by shape: filled bars inside it, outlined bars outside.
			if filled, outlined := picto.Find(`rect[fill="currentColor"]`).Length(), picto.Find(`rect[fill="none"][stroke]`).Length(); filled != 3 || outlined != 2 {
				t.Errorf("pictogram has %d filled and %d outlined bars, want 3 and 2", filled, outlined)
			}
			if got := text(c.Find(".themes")); got != "Thèmes : Ludique, Parentalité et scolarité" {
				t.Errorf("themes = %q", got)
			}
		})

		t.Run("SeatsFullAndCancelled", func(t *testing.T) {
			tests := []struct {
				name    string
				session *workshops.Session
				seats   string
				heading string
			}{
				{"SeatsLeft", f.friday, "3 places restantes", "Démarches en ligne : la CAF"},
				{"Full", f.full, "Complet", "Jeux vidéo en famille"},
				{"CancelledSaysSoInTheHeading", f.gone, "", "Annulée Jeux vidéo en famille"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					c := card(doc, tt.session.ID)
					if got := text(c.Find(".seats")); got != tt.seats {
						t.Errorf("seats = %q, want %q", got, tt.seats)
					}
					if got := text(c.Find("h4")); got != tt.heading {
						t.Errorf("heading = %q, want %q", got, tt.heading)
					}
				})
			}
		})

		t.Run("AnnouncesTheFeedOfThePage", func(t *testing.T) {
			alt := doc.Find(`head link[rel=alternate][type="text/calendar"]`)
			if got := alt.AttrOr("href", ""); got != baseURL+"/calendar.ics" {
				t.Errorf("alternate = %q", got)
			}
		})

		t.Run("FormOffersTheVocabularies", func(t *testing.T) {
			if got := attrs(doc.Find(`input[name=level]`), "value"); !slices.Equal(got, []string{"eloigne", "debutant", "intermediaire", "avance", "autonome"}) {
				t.Errorf("levels = %v", got)
			}
			if n := doc.Find(`input[name=theme]`).Length(); n < 8 {
				t.Errorf("%d themes, want the 8 seeded ones", n)
			}
			if got := attrs(doc.Find(`select[name=structure] option`), "value"); !slices.Equal(got, []string{"", f.nations.Slug, f.verne.Slug}) {
				t.Errorf("structures = %v", got)
			}
			if got := attrs(doc.Find(`datalist#f-towns option`), "value"); !slices.Equal(got, []string{"Nancy", "Vandœuvre-lès-Nancy"}) {
				t.Errorf("towns = %v", got)
			}
			for _, sel := range []string{`input[type=search][name=q]`, `input[name=city][list=f-towns]`, `input[type=date][name=from]`, `input[type=date][name=to]`, `input[type=checkbox][name=available][value="1"]`} {
				if doc.Find("form[method=get] "+sel).Length() != 1 {
					t.Errorf("no %s in the GET form", sel)
				}
			}
		})
	})
}

func TestCalendarFilters(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		f := newCalendarFixture(t, e)
		caf, games := "Démarches en ligne : la CAF", "Jeux vidéo en famille"
		tests := []struct {
			name  string
			query string
			want  []string
		}{
			{"Level", "level=eloigne", []string{caf, caf}},
			{"SeveralLevels", "level=eloigne&level=avance", []string{caf, games, caf, games, games}},
			{"Theme", "theme=ludique", []string{games, games, games}},
			{"Structure", "structure=" + f.nations.Slug, []string{caf, caf}},
			{"TownWithoutAccents", "city=vandoeuvre", []string{games, games, games}},
			{"Postcode", "city=54500", []string{games, games, games}},
			{"TextIgnoresAccentsAndCase", "q=DEMARCHES", []string{caf, caf}},
			{"DateRange", "from=2026-11-25&to=2026-11-27", []string{games, caf, games}},
			{"AvailableOnly", "available=1", []string{caf, games, caf}},
			{"FiltersCombine", "level=debutant&theme=ludique&city=54500&available=1", []string{games}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, doc := e.page("/?" + tt.query)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := cardTitles(doc); !slices.Equal(got, tt.want) {
					t.Errorf("sessions = %q, want %q", got, tt.want)
				}
			})
		}

		t.Run("FormKeepsTheFilters", func(t *testing.T) {
			_, doc := e.page("/?level=debutant&level=avance&theme=ludique&structure=" + f.verne.Slug + "&city=Vandoeuvre&q=jeux&from=2026-11-25&to=2026-12-31&available=1")
			if got := attrs(doc.Find(`input[name=level][checked]`), "value"); !slices.Equal(got, []string{"debutant", "avance"}) {
				t.Errorf("checked levels = %v", got)
			}
			if got := attrs(doc.Find(`input[name=theme][checked]`), "value"); !slices.Equal(got, []string{"ludique"}) {
				t.Errorf("checked themes = %v", got)
			}
			if got := doc.Find(`select[name=structure] option[selected]`).AttrOr("value", ""); got != f.verne.Slug {
				t.Errorf("selected structure = %q", got)
			}
			for name, want := range map[string]string{"city": "Vandoeuvre", "q": "jeux", "from": "2026-11-25", "to": "2026-12-31"} {
				if got := doc.Find(`input[name=`+name+`]`).AttrOr("value", ""); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if doc.Find(`input[name=available][checked]`).Length() != 1 {
				t.Error("available is not checked")
			}
			if doc.Find("details.more[open]").Length() != 1 {
				t.Error("the section holding active criteria is closed")
			}
		})

		t.Run("ActiveFiltersAreChipsThatRemoveThemselves", func(t *testing.T) {
			_, doc := e.page("/?level=debutant&theme=ludique&city=Nancy&available=1")
			chips := doc.Find("ul.chips a.chip")
			wantLabels := []string{
				"Niveau : Débutant, retirer ce critère ×",
				"Thème : Ludique, retirer ce critère ×",
				"Commune : Nancy, retirer ce critère ×",
				"Places disponibles seulement, retirer ce critère ×",
			}
			if got := texts(chips); !slices.Equal(got, wantLabels) {
				t.Errorf("chips = %q, want %q", got, wantLabels)
			}
			wantURLs := []string{
				"/?available=1&city=Nancy&theme=ludique",
				"/?available=1&city=Nancy&level=debutant",
				"/?available=1&level=debutant&theme=ludique",
				"/?city=Nancy&level=debutant&theme=ludique",
			}
			if got := attrs(chips, "href"); !slices.Equal(got, wantURLs) {
				t.Errorf("chip links = %q, want %q", got, wantURLs)
			}
			title := "Calendrier des ateliers numériques (Niveau : Débutant, Thème : Ludique, Commune : Nancy, Places disponibles seulement) — Escale, les ateliers numériques"
			if got := text(doc.Find("title")); got != title {
				t.Errorf("title = %q, want %q", got, title)
			}
		})

		t.Run("SubscribeLinksCarryTheFilters", func(t *testing.T) {
			_, doc := e.page("/?level=debutant&theme=ludique&city=Vandœuvre")
			feed := baseURL + "/calendar.ics?city=Vand%C5%93uvre&level=debutant&theme=ludique"
			webcal := "webcal://agenda.example.fr/calendar.ics?city=Vand%C5%93uvre&level=debutant&theme=ludique"
			block := doc.Find("section.subscribe")
			if got := block.Find(`a[href^="webcal:"]`).AttrOr("href", ""); got != webcal {
				t.Errorf("webcal link = %q, want %q", got, webcal)
			}
			google := "https://calendar.google.com/calendar/render?cid=" + url.QueryEscape(webcal)
			if got := block.Find(`a[href^="https://calendar.google.com/"]`).AttrOr("href", ""); got != google {
				t.Errorf("Google link = %q, want %q", got, google)
			}
			copyField := block.Find(`input[readonly]`)
			if got := copyField.AttrOr("value", ""); got != feed {
				t.Errorf("address to copy = %q, want %q", got, feed)
			}
			if id := copyField.AttrOr("id", ""); id == "" || block.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Error("the address to copy has no label")
			}
			if got := doc.Find(`head link[rel=alternate]`).AttrOr("href", ""); got != feed {
				t.Errorf("alternate = %q, want %q", got, feed)
			}
		})

		t.Run("EmptyResultsOfferToWidenTheSearch", func(t *testing.T) {
			resp, doc := e.page("/?q=aquarelle&level=autonome")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			empty := doc.Find(".empty")
			if !strings.Contains(text(empty), "Aucune séance ne correspond à votre recherche") || !strings.Contains(text(empty), "élargir la recherche") {
				t.Errorf("empty state = %q", text(empty))
			}
			links := empty.Find("a")
			want := []string{"/?q=aquarelle", "/?level=autonome", "/"}
			if got := attrs(links, "href"); !slices.Equal(got, want) {
				t.Errorf("widening links = %q, want %q", got, want)
			}
			if got := text(links.First()); got != "Retirer « Niveau : Autonome »" {
				t.Errorf("first widening link = %q", got)
			}
		})
	})
}

func TestCalendarRejectsMalformedFilters(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		newCalendarFixture(t, e)
		tests := []struct {
			name    string
			query   string
			field   string // id of the input or group the message belongs to
			href    string // link of the error summary
			message string
		}{
			{"ImpossibleDate", "from=2025-13-45", "f-from", "#f-from", "Cette date n'existe pas"},
			{"DateInAnotherFormat", "to=24/11/2026", "f-to", "#f-to", "format attendu (AAAA-MM-JJ)"},
			{"EndBeforeStart", "from=2026-12-10&to=2026-12-01", "f-to", "#f-to", "La date de fin doit être après la date de début."},
			{"UnknownLevel", "level=expert", "f-level", "#f-level-eloigne", "Le niveau « expert » n'existe pas."},
			{"UnknownTheme", "theme=cuisine", "f-theme", "#f-theme-ludique", "Le thème « cuisine » n'existe pas."},
			{"TooLongText", "q=" + strings.Repeat("a", 201), "f-q", "#f-q", "La recherche est trop longue"},
			{"BadCursor", "level=debutant&after=n-importe-quoi", "", "/?level=debutant", "Ce lien de page n'est pas valide."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, doc := e.page("/?" + tt.query)
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", resp.StatusCode)
				}
				if !strings.HasPrefix(doc.Find("title").Text(), "Erreur : ") {
					t.Errorf("title %q does not announce the error", doc.Find("title").Text())
				}
				summary := doc.Find(".error-summary[role=alert]")
				link := summary.Find("a").First()
				if got := link.AttrOr("href", ""); got != tt.href || !strings.Contains(text(link), tt.message) {
					t.Errorf("summary link = %q %q, want %q %q", got, text(link), tt.href, tt.message)
				}
				if doc.Find("li.card").Length() != 0 {
					t.Error("sessions are listed for a search that cannot be run")
				}
				if tt.field == "" {
					return
				}
				msg := doc.Find("#" + tt.field + "-error")
				if !strings.Contains(text(msg), tt.message) {
					t.Errorf("message beside the field = %q, want %q", text(msg), tt.message)
				}
				described := doc.Find("#" + tt.field)
				if described.Length() == 0 {
					// A group of checkboxes: the fieldset is described by the message.
					described = msg.Closest("fieldset")
				} else if described.AttrOr("aria-invalid", "") != "true" {
					t.Errorf("#%s is not aria-invalid", tt.field)
				}
				if !slices.Contains(strings.Fields(described.AttrOr("aria-describedby", "")), tt.field+"-error") {
					t.Errorf("the field is not described by its message: aria-describedby=%q", described.AttrOr("aria-describedby", ""))
				}
			})
		}

		t.Run("InputIsKeptAsTypedToBeCorrected", func(t *testing.T) {
			_, doc := e.page("/?from=2025-13-45&q=smartphone&level=debutant")
			from := doc.Find("#f-from")
			// A date input would blank an impossible date: the page shows a text input instead.
			if from.AttrOr("value", "") != "2025-13-45" || from.AttrOr("type", "") != "text" {
				t.Errorf("from = %s %q", from.AttrOr("type", ""), from.AttrOr("value", ""))
			}
			if got := doc.Find("#f-q").AttrOr("value", ""); got != "smartphone" {
				t.Errorf("q = %q", got)
			}
			if doc.Find("#f-level-debutant[checked]").Length() != 1 {
				t.Error("the chosen level is no longer checked")
			}
		})

		t.Run("SeveralMistakesAreAllReported", func(t *testing.T) {
			_, doc := e.page("/?from=2025-13-45&level=expert")
			if got := attrs(doc.Find(".error-summary a"), "href"); !slices.Equal(got, []string{"#f-level-eloigne", "#f-from"}) {
				t.Errorf("summary links = %v", got)
			}
		})
	})
}

func TestCalendarPaginationWalks(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, nil)
		var want []string
		for i := range 45 {
			// Two sessions at the same time on some days: the cursor must tell them apart.
			s := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.December, 1+i/2, 14, 0), nil)
			want = append(want, sessionPath(s.ID))
		}

		var got []string
		var pages []string
		next := "/"
		for next != "" {
			resp, doc := e.page(next)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", next, resp.StatusCode)
			}
			pages = append(pages, next)
			got = append(got, attrs(doc.Find("li.card h4 a"), "href")...)
			hasPrev := doc.Find(`nav.pager a[rel=prev]`).Length() == 1
			if hasPrev != (len(pages) > 1) {
				t.Errorf("page %d: previous link present = %v", len(pages), hasPrev)
			}
			next = doc.Find(`nav.pager a[rel=next]`).AttrOr("href", "")
			if next != "" && !strings.Contains(next, "after=") {
				t.Errorf("next link %q has no cursor", next)
			}
		}
		if len(pages) != 3 || !slices.Equal(got, want) {
			t.Fatalf("walked %d pages and %d sessions, want 3 pages and the 45 sessions in time order", len(pages), len(got))
		}

		// Back from the last page: the previous page is the second one again.
		_, last := e.page(pages[2])
		prev := last.Find(`nav.pager a[rel=prev]`).AttrOr("href", "")
		if !strings.Contains(prev, "before=") {
			t.Fatalf("previous link %q has no cursor", prev)
		}
		_, back := e.page(prev)
		if got := attrs(back.Find("li.card h4 a"), "href"); !slices.Equal(got, want[20:40]) {
			t.Errorf("previous page = %v, want sessions 21 to 40", got)
		}
		if got := text(back.Find("title")); !strings.HasPrefix(got, "Calendrier des ateliers numériques, suite") {
			t.Errorf("title of a later page = %q, want it to say it is a continuation", got)
		}

		t.Run("LinksKeepTheFilters", func(t *testing.T) {
			_, doc := e.page("/?level=debutant&limit=10")
			u, err := url.Parse(doc.Find(`nav.pager a[rel=next]`).AttrOr("href", ""))
			if err != nil {
				t.Fatal(err)
			}
			if q := u.Query(); q.Get("level") != "debutant" || q.Get("limit") != "10" || q.Get("after") == "" {
				t.Errorf("next link = %q", u)
			}
		})
	})
}

func TestCalendarEscapesUserText(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		title := `<script>alert("x")</script> & <b>gras</b>`
		w := wt.Workshop(t, e.svc, nil, func(w *workshops.Workshop) { w.Title = title })
		s := wt.Session(t, e.svc, w, wt.Paris(t, 2026, time.November, 26, 14, 0), nil)
		for _, path := range []string{"/", sessionPath(s.ID), "/workshops/" + w.Slug, "/?q=" + url.QueryEscape(title)} {
			resp, doc := e.page(path)
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("GET %s = %d", path, resp.StatusCode)
			}
			if n := doc.Find("script, b").Length(); n != 0 {
				t.Errorf("GET %s: user text became %d elements", path, n)
			}
			if !strings.Contains(doc.Text(), title) {
				t.Errorf("GET %s: the title is not shown as text", path)
			}
		}
	})
}

func TestCalendarShowsParisWallClockOnDaylightSavingDays(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		w := wt.Workshop(t, e.svc, nil, nil)
		tests := []struct {
			name  string
			start time.Time
			day   string
			time  string
		}{
			// Clocks go forward at 2:00 on 28 March 2027 and back at 3:00 on 31 October 2027.
			{"ClocksGoForward", wt.Paris(t, 2027, time.March, 28, 14, 0), "dimanche 28 mars 2027", "de 14 h à 16 h"},
			{"ClocksGoBack", wt.Paris(t, 2027, time.October, 31, 9, 30), "dimanche 31 octobre 2027", "de 9 h 30 à 11 h 30"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := wt.Session(t, e.svc, w, tt.start, nil)
				d := workshops.DateOf(tt.start).String()
				_, doc := e.page("/?from=" + d + "&to=" + d)
				if got := text(doc.Find("h3.day")); got != tt.day {
					t.Errorf("day = %q, want %q", got, tt.day)
				}
				if got := text(card(doc, s.ID).Find(".when")); got != tt.time {
					t.Errorf("calendar time = %q, want %q", got, tt.time)
				}
				_, page := e.page(sessionPath(s.ID))
				if got := text(page.Find(".when")); !strings.HasPrefix(got, tt.day+", "+tt.time) {
					t.Errorf("session page time = %q, want %q", got, tt.day+", "+tt.time)
				}
			})
		}
	})
}
