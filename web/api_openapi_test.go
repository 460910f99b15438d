package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// openAPIDoc is the part of the OpenAPI document the tests read directly.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func readOpenAPI(t *testing.T) ([]byte, openAPIDoc) {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return raw, doc
}

func TestOpenAPIDocumentIsValid31(t *testing.T) {
	v, err := apiSpec()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("openapi.json: %v", e)
		}
	}
	_, doc := readOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	// The document must hold on any host: its one server is the relative API base.
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Errorf("servers = %+v, want the relative /api/v1 only", doc.Servers)
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		raw, _ := readOpenAPI(t)
		resp, body := e.api("/api/v1/openapi.json")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET /api/v1/openapi.json = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !bytes.Equal(body, raw) {
			t.Error("the served document differs from web/openapi.json")
		}
	})
}

// TestOpenAPIDescribesEveryRoute compares the route table with the document's paths,
// both ways.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		_, doc := readOpenAPI(t)
		param := regexp.MustCompile(`:(\w+)(<[^>]*>)?`)
		var routes []string
		for _, r := range e.app.GetRoutes(true) {
			if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/api/v1/") {
				continue
			}
			routes = append(routes, param.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}"))
		}
		var documented []string
		for p, ops := range doc.Paths {
			if _, ok := ops["get"]; ok {
				documented = append(documented, p)
			}
		}
		sort.Strings(routes)
		sort.Strings(documented)
		if !slices.Equal(routes, documented) {
			t.Errorf("GET routes %q, documented %q", routes, documented)
		}
	})
}

// TestOpenAPIEnumsFollowTheVocabularies keeps the document's lists of codes equal to the
// fixed vocabularies of the domain.
func TestOpenAPIEnumsFollowTheVocabularies(t *testing.T) {
	_, doc := readOpenAPI(t)
	enum := func(schema, prop string) []string {
		var s struct {
			Enum       []*string `json:"enum"`
			Properties map[string]struct {
				Enum  []*string `json:"enum"`
				Items struct {
					Enum []*string `json:"enum"`
				} `json:"items"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(doc.Components.Schemas[schema], &s); err != nil {
			t.Fatal(err)
		}
		list := s.Enum
		if prop != "" {
			list = s.Properties[prop].Enum
			if list == nil {
				list = s.Properties[prop].Items.Enum
			}
		}
		var out []string
		for _, v := range list {
			if v != nil {
				out = append(out, *v)
			}
		}
		return out
	}
	codes := func(cs workshops.Choices) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return out
	}
	for _, tc := range []struct {
		schema, prop string
		want         []string
	}{
		{"LevelCode", "", []string{"eloigne", "debutant", "intermediaire", "avance", "autonome"}},
		{"Device", "", codes(workshops.Devices)},
		{"WorkshopSummary", "kind", codes(workshops.WorkshopKinds)},
		{"WorkshopSummary", "format", codes(workshops.Formats)},
		{"WorkshopSummary", "price", codes(workshops.Prices)},
		{"WorkshopSummary", "enrollment", codes(workshops.EnrollmentModes)},
		{"WorkshopSummary", "life_event", codes(workshops.LifeEvents)},
		{"WorkshopFacts", "languages", codes(workshops.Languages)},
		{"StructureFacts", "kind", codes(workshops.StructureKinds)},
		{"StructureFacts", "labels", codes(workshops.StructureLabels)},
		{"Session", "status", []string{workshops.SessionScheduled, workshops.SessionCancelled}},
		{"EnrollmentCreate", "contact", codes(enrollment.Contacts)},
		{"EnrollmentCreate", "level", []string{"eloigne", "debutant", "intermediaire", "avance", "autonome", enrollment.LevelNotAssessed}},
		{"Seat", "status", []string{enrollment.Confirmed, enrollment.Waitlisted, enrollment.Cancelled, enrollment.Attended, enrollment.Absent}},
		{"Enrollment", "status", []string{enrollment.Confirmed, enrollment.Waitlisted, enrollment.Cancelled, enrollment.Attended, enrollment.Absent}},
	} {
		if got := enum(tc.schema, tc.prop); !slices.Equal(got, tc.want) {
			t.Errorf("%s.%s enum = %q, want %q", tc.schema, tc.prop, got, tc.want)
		}
	}
}

// goldenTerritory is a small, fully named calendar whose API answers are pinned by the
// golden files of testdata/api.
func goldenTerritory(t *testing.T, e *env) {
	t.Helper()
	ctx := t.Context()
	media := wt.Structure(t, e.svc, func(st *workshops.Structure) {
		st.Name, st.Description = "Médiathèque Jean-Jaurès", "La médiathèque du centre-ville."
		st.AccessInfo, st.Accessibility = "Tram 1, arrêt Mairie.", "Accès de plain-pied, boucle magnétique."
		st.Website, st.Labels = "https://mediatheque.example.fr", workshops.List{"conseillers-numeriques", "aptic"}
	})
	nations := wt.Structure(t, e.svc, func(st *workshops.Structure) {
		st.Name, st.Kind, st.Town, st.Postcode = "Centre social Les Nations", "centre-social", "Vandœuvre-lès-Nancy", "54500"
		st.Address, st.Latitude, st.Longitude, st.Email = "12 place de Londres", nil, nil, ""
	})
	annex := &workshops.Place{StructureID: media.ID, Name: "Salle du Haut-du-Lièvre", Address: "2 avenue Pinchard",
		Postcode: "54100", Town: "Nancy", AccessInfo: "Bus 13, arrêt Cèdre bleu."}
	if err := e.svc.CreatePlace(ctx, workshops.System, annex); err != nil {
		t.Fatal(err)
	}
	smartphone := wt.Workshop(t, e.svc, media, func(w *workshops.Workshop) {
		w.Title, w.Summary = "Premiers pas sur smartphone", "Allumer, appeler, envoyer un message."
		w.LevelMin, w.LevelMax, w.ThemeSlugs = "eloigne", "debutant", []string{"prise-en-main", "ludique"}
		w.DevicesLent, w.Languages = workshops.List{"smartphone"}, workshops.List{"fr", "ar"}
	})
	retraite := wt.Workshop(t, e.svc, nations, func(w *workshops.Workshop) {
		w.Title, w.Summary, w.Kind = "Préparer sa retraite en ligne", "Le compte retraite, pas à pas.", "parcours"
		w.LevelMin, w.LevelMax, w.LifeEvent = "intermediaire", "avance", "retraite"
		w.ThemeSlugs, w.Price, w.Enrollment = []string{"parcours-de-vie", "demarches-en-ligne"}, "pass-aptic", "ouvert"
		w.DevicesToBring, w.WhatToBring = nil, "Vos identifiants France Connect si vous en avez."
	})
	wt.Session(t, e.svc, smartphone, wt.Paris(t, 2026, 12, 1, 14, 0), nil)
	wt.Session(t, e.svc, smartphone, wt.Paris(t, 2026, 12, 8, 14, 0), func(s *workshops.Session) { s.PlaceID = annex.ID })
	cancelled := wt.Session(t, e.svc, retraite, wt.Paris(t, 2026, 12, 3, 9, 30), func(s *workshops.Session) { s.SeatsTaken = 2 })
	if _, err := e.svc.CancelSession(ctx, workshops.System, cancelled.ID, "Animateur absent : séance reportée."); err != nil {
		t.Fatal(err)
	}
	wt.Session(t, e.svc, retraite, wt.Paris(t, 2027, 3, 28, 10, 0), func(s *workshops.Session) { s.Capacity, s.SeatsTaken = 6, 6 })
	wt.Session(t, e.svc, retraite, wt.Paris(t, 2027, 6, 15, 9, 30), nil)
}

// TestAPIGolden pins one answer of each endpoint, errors included, with the frozen clock.
func TestAPIGolden(t *testing.T) {
	cases := []struct{ file, path string }{
		{"sessions.json", "/api/v1/sessions?limit=3"},
		{"sessions_page2.json", "/api/v1/sessions?after=1796734800.2&limit=3"}, // next_url of sessions.json
		{"session.json", "/api/v1/sessions/2"},
		{"workshops.json", "/api/v1/workshops?limit=1"},
		{"workshop.json", "/api/v1/workshops/premiers-pas-sur-smartphone"},
		{"structures.json", "/api/v1/structures"},
		{"structure.json", "/api/v1/structures/centre-social-les-nations"},
		{"levels.json", "/api/v1/levels"},
		{"themes.json", "/api/v1/themes"},
		{"problem_400.json", "/api/v1/sessions?from=2025-13-45&limit=0"},
		{"problem_404.json", "/api/v1/workshops/atelier-inconnu"},
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		goldenTerritory(t, e)
		for _, tc := range cases {
			t.Run(strings.TrimSuffix(tc.file, ".json"), func(t *testing.T) {
				_, body := e.sub(t).api(tc.path)
				golden(t, "api/"+tc.file, indentJSON(t, body))
			})
		}
	})
}
