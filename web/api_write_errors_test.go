package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestAPIWriteBadInputIsNamedNeverA500 sends everything a client can get wrong: every
// answer is a 4xx problem document naming each member in cause.
func TestAPIWriteBadInputIsNamedNeverA500(t *testing.T) {
	long := strings.Repeat("é", 20000)
	with := func(edit func(map[string]any)) func(string) map[string]any {
		return func(structure string) map[string]any {
			b := newWorkshopBody(structure)
			edit(b)
			return b
		}
	}
	series := func(edit func(map[string]any)) map[string]any {
		b := map[string]any{"frequency": "weekly", "first": "2027-01-05", "until": "2027-02-23", "start": "14:00", "end": "16:00"}
		edit(b)
		return b
	}
	one := func(edit func(map[string]any)) map[string]any {
		b := map[string]any{"starts_at": "2026-12-01T14:00:00+01:00", "ends_at": "2026-12-01T16:00:00+01:00"}
		edit(b)
		return b
	}
	// manyDates lists n days from 5 January 2027 on.
	manyDates := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = time.Date(2027, 1, 5+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		return out
	}
	type target int
	const (
		createWorkshop target = iota
		patchWorkshop
		createSessions
		patchSession
		cancelSession
		deleteSession
		patchStructure
		enroll
		cancelEnrollment
	)
	cases := []struct {
		name        string
		target      target
		body        any // a string is sent as is; a func(structure slug) builds a body
		contentType string
		status      int
		names       []string
	}{
		// Not JSON, or not the expected shape: 400.
		{"NotDeclaredAsJSON", createWorkshop, `{"title":"x"}`, "application/x-www-form-urlencoded", 415, nil},
		{"NoContentType", patchWorkshop, `{"title":"x"}`, "-", 415, nil},
		{"EmptyBody", createWorkshop, " ", "", 400, []string{"body"}},
		{"MalformedJSON", createWorkshop, `{"title": "x",}`, "", 400, []string{"body"}},
		{"TruncatedJSON", patchWorkshop, `{"title": "Atel`, "", 400, []string{"title"}},
		{"FormEncodedAsJSON", patchWorkshop, `title=Atelier`, "", 400, []string{"body"}},
		{"ArrayInsteadOfObject", patchWorkshop, `[{"title":"x"}]`, "", 400, []string{"body"}},
		{"NullDocument", patchWorkshop, `null`, "", 400, []string{"body"}},
		{"TrailingData", patchWorkshop, `{"title":"x"} {"title":"y"}`, "", 400, []string{"body"}},
		{"UnknownMember", patchWorkshop, `{"titre":"Atelier"}`, "", 400, []string{"titre"}},
		{"MemberInAnotherCase", patchWorkshop, `{"Title":"Atelier"}`, "", 400, []string{"Title"}},
		{"StructureIsNotPatched", patchWorkshop, `{"structure":"autre"}`, "", 400, []string{"structure"}},
		{"RepeatedMember", patchWorkshop, `{"title":"a","title":"b"}`, "", 400, []string{"title"}},
		{"InvalidUTF8", patchWorkshop, "{\"title\":\"caf\xe9\"}", "", 400, []string{"title"}},
		{"NumberForText", patchWorkshop, `{"title":5}`, "", 400, []string{"title"}},
		{"TextForNumber", patchWorkshop, `{"default_capacity":"8"}`, "", 400, []string{"default_capacity"}},
		{"FractionForInteger", createSessions, `{"starts_at":"2026-12-01T14:00:00+01:00","ends_at":"2026-12-01T16:00:00+01:00","capacity":1.5}`, "", 400, []string{"capacity"}},
		{"HugeNumber", patchSession, `{"capacity":1e400}`, "", 400, []string{"capacity"}},
		{"OverflowingInteger", patchSession, `{"place_id":99999999999999999999999}`, "", 400, []string{"place_id"}},
		{"TextForList", patchWorkshop, `{"themes":"ludique"}`, "", 400, []string{"themes"}},
		{"NumberInList", patchWorkshop, `{"themes":["ludique",3]}`, "", 400, []string{"themes/1"}},
		{"ObjectForText", cancelSession, `{"reason":{"text":"x"}}`, "", 400, []string{"reason"}},
		{"BooleanForDate", createSessions, `{"frequency":"dates","dates":["2027-01-05",true],"start":"14:00","end":"16:00"}`, "", 400, []string{"dates/1"}},
		{"DeeplyNestedUnknownMember", patchWorkshop, `{"x":` + strings.Repeat("[", 300000) + strings.Repeat("]", 300000) + `}`, "", 400, []string{"x"}},
		{"DeeplyNestedValue", patchWorkshop, `{"themes":` + strings.Repeat("[", 300000) + strings.Repeat("]", 300000) + `}`, "", 400, []string{"themes/0/0"}},
		{"TextForCoordinate", patchStructure, `{"latitude":"48.69"}`, "", 400, []string{"latitude"}},
		{"EnrollFormEncoded", enroll, `first_name=Awa`, "application/x-www-form-urlencoded", 415, nil},
		{"EnrollNumberForName", enroll, `{"first_name":5}`, "", 400, []string{"first_name"}},
		{"EnrollTextForConsent", enroll, `{"first_name":"Awa","consent":"oui"}`, "", 400, []string{"consent"}},
		{"EnrollNoFieldForTheSituation", enroll, `{"first_name":"Awa","situation":"Sans emploi depuis un an."}`, "", 400, []string{"situation"}},
		{"EnrollNeedsAsList", enroll, `{"first_name":"Awa","needs_device":["tablette"]}`, "", 400, []string{"needs_device"}},
		{"CancelEnrollmentWithAReason", cancelEnrollment, `{"reason":"Plus disponible."}`, "", 400, []string{"reason"}},
		{"CancelEnrollmentWithAList", cancelEnrollment, `[]`, "", 400, []string{"body"}},
		{"CancelEnrollmentNotJSON", cancelEnrollment, `reason=x`, "text/plain", 415, nil},

		// Well-formed, but against the rules: 422 naming every member in cause.
		{"NullTitle", patchWorkshop, `{"title":null}`, "", 422, []string{"title"}},
		{"EmptyTitle", patchWorkshop, `{"title":"   "}`, "", 422, []string{"title"}},
		{"VeryLongTitle", patchWorkshop, map[string]any{"title": long}, "", 422, []string{"title"}},
		{"VeryLongEverything", patchWorkshop, map[string]any{"title": long, "summary": long, "description": long, "what_to_bring": long, "accessibility": long, "price_details": long}, "", 422,
			[]string{"title", "summary", "description", "what_to_bring", "accessibility", "price_details"}},
		{"UnknownTheme", patchWorkshop, `{"themes":["cuisine"]}`, "", 422, []string{"themes"}},
		{"NoTheme", patchWorkshop, `{"themes":[]}`, "", 422, []string{"themes"}},
		{"UnknownCodes", patchWorkshop, `{"level_min":"expert","format":"visio","kind":"cours","price":"cher","enrollment":"tous","life_event":"noces","languages":["klingon"],"devices_lent":["minitel"],"status":"archived"}`, "", 422,
			[]string{"level_min", "format", "kind", "price", "enrollment", "life_event", "languages", "devices_lent", "status"}},
		{"LevelsUpsideDown", patchWorkshop, `{"level_min":"avance","level_max":"debutant"}`, "", 422, []string{"level_max"}},
		{"ZeroCapacity", patchWorkshop, `{"default_capacity":0,"default_duration_minutes":0}`, "", 422, []string{"default_capacity", "default_duration_minutes"}},
		{"HugeCapacity", patchWorkshop, `{"default_capacity":10000}`, "", 422, []string{"default_capacity"}},
		{"NoStructure", createWorkshop, with(func(b map[string]any) { delete(b, "structure"); b["title"] = "" }), "", 422, []string{"structure", "title"}},
		{"UnknownStructure", createWorkshop, with(func(b map[string]any) { b["structure"] = "structure-inconnue" }), "", 422, []string{"structure"}},
		{"StructureNotASlug", createWorkshop, with(func(b map[string]any) { b["structure"] = "Médiathèque \x00" }), "", 422, []string{"structure"}},
		{"MissingEverything", createWorkshop, `{}`, "", 422,
			[]string{"structure", "title", "description", "level_min", "themes", "default_capacity", "default_duration_minutes"}},

		{"SessionEndBeforeStart", createSessions, one(func(b map[string]any) { b["ends_at"] = "2026-12-01T13:00:00+01:00" }), "", 422, []string{"ends_at"}},
		{"SessionIn1900", createSessions, one(func(b map[string]any) {
			b["starts_at"], b["ends_at"] = "1900-12-01T14:00:00+00:09", "1900-12-01T16:00:00+00:09"
		}), "", 422, []string{"starts_at"}},
		{"SessionWithoutOffset", createSessions, one(func(b map[string]any) { b["starts_at"], b["ends_at"] = "2026-12-01T14:00:00", "16h" }), "", 422, []string{"starts_at", "ends_at"}},
		{"SessionWithOneDigitHour", createSessions, one(func(b map[string]any) { b["starts_at"] = "2026-12-01T7:00:00+01:00" }), "", 422, []string{"starts_at"}},
		{"SessionWithoutTimes", createSessions, `{"capacity":4}`, "", 422, []string{"starts_at", "ends_at"}},
		{"SessionOfTenHours", createSessions, one(func(b map[string]any) { b["ends_at"] = "2026-12-02T00:00:00+01:00" }), "", 422, []string{"ends_at"}},
		{"SessionCapacityZero", createSessions, one(func(b map[string]any) { b["capacity"] = 0 }), "", 422, []string{"capacity"}},
		{"SessionCapacityTenThousand", createSessions, one(func(b map[string]any) { b["capacity"] = 10000 }), "", 422, []string{"capacity"}},
		{"SessionAnimatorTooLong", createSessions, one(func(b map[string]any) { b["animator"] = long }), "", 422, []string{"animator"}},
		{"SessionAtAnotherStructuresPlace", createSessions, one(func(b map[string]any) { b["place_id"] = -1 }), "", 422, []string{"place_id"}},
		{"SessionWithSeriesMembers", createSessions, one(func(b map[string]any) { b["until"], b["start"] = "2027-01-05", "14:00" }), "", 422, []string{"until", "start"}},

		{"ManyImpossibleDays", createSessions, series(func(b map[string]any) {
			skip := make([]string, 20000)
			for i := range skip {
				skip[i] = "2027-02-30"
			}
			b["skip"] = skip
		}), "", 422, []string{"skip/0", "skip/1", "skip/2", "skip/3", "skip/4", "skip/5", "skip/6", "skip/7", "skip/8", "skip/9"}},
		{"SeriesOf500Sessions", createSessions, series(func(b map[string]any) { b["until"] = "2036-08-26" }), "", 422, []string{"until"}},
		{"SeriesOf105Sessions", createSessions, series(func(b map[string]any) { b["until"] = "2028-12-31" }), "", 422, []string{"until"}},
		{"ParcoursOf150Dates", createSessions, map[string]any{"frequency": "dates", "dates": manyDates(150), "start": "14:00", "end": "16:00"}, "", 422, []string{"dates"}},
		{"ParcoursOfOneDate", createSessions, map[string]any{"frequency": "dates", "dates": []string{"2027-01-05", "2027-01-05"}, "start": "14:00", "end": "16:00"}, "", 422, []string{"dates"}},
		{"SeriesIn1900", createSessions, series(func(b map[string]any) { b["first"] = "1900-01-02" }), "", 422, []string{"first"}},
		{"SeriesEndingBeforeItStarts", createSessions, series(func(b map[string]any) { b["until"] = "2026-12-01" }), "", 422, []string{"until"}},
		{"SeriesEndBeforeStart", createSessions, series(func(b map[string]any) { b["end"] = "13:00" }), "", 422, []string{"end"}},
		{"SeriesImpossibleTimes", createSessions, series(func(b map[string]any) { b["start"], b["end"] = "25:00", "midi" }), "", 422, []string{"start", "end"}},
		{"SeriesWithoutTimes", createSessions, series(func(b map[string]any) { delete(b, "start"); b["end"] = nil }), "", 422, []string{"start", "end"}},
		{"SeriesImpossibleDates", createSessions, series(func(b map[string]any) { b["first"], b["skip"] = "2027-02-30", []string{"2027-01-12", "12/01/2027"} }), "", 422, []string{"first", "skip/1"}},
		{"SeriesEmptyDays", createSessions, map[string]any{"frequency": "dates", "dates": []any{"2027-01-05", nil, ""}, "skip": []string{""}, "start": "14:00", "end": "16:00"}, "", 422,
			[]string{"dates", "dates/1", "dates/2", "skip/0"}},
		{"SeriesEverythingSkipped", createSessions, series(func(b map[string]any) { b["until"], b["skip"] = "2027-01-12", []string{"2027-01-05", "2027-01-12"} }), "", 422, []string{"skip"}},
		{"SeriesUnknownFrequency", createSessions, series(func(b map[string]any) { b["frequency"] = "daily" }), "", 422, []string{"frequency"}},
		{"SeriesWithSessionMembers", createSessions, series(func(b map[string]any) {
			b["starts_at"], b["dates"] = "2027-01-05T14:00:00+01:00", []string{"2027-01-05"}
		}), "", 422, []string{"starts_at", "dates"}},
		{"SeriesStartingInTheSkippedHour", createSessions, map[string]any{"frequency": "once", "first": "2027-03-28", "start": "02:30", "end": "04:00"}, "", 422, []string{"start"}},
		{"SeriesCapacityZero", createSessions, series(func(b map[string]any) { b["capacity"] = 0 }), "", 422, []string{"capacity"}},
		{"SeriesOfTenHours", createSessions, series(func(b map[string]any) { b["start"], b["end"] = "08:00", "18:00" }), "", 422, []string{"end"}},

		{"MoveEndBeforeStart", patchSession, `{"starts_at":"2026-12-10T16:00:00+01:00","ends_at":"2026-12-10T14:00:00+01:00"}`, "", 422, []string{"ends_at"}},
		{"MoveTo1900", patchSession, `{"starts_at":"1900-01-01T14:00:00+01:00","ends_at":"1900-01-01T16:00:00+01:00"}`, "", 422, []string{"starts_at"}},
		{"MoveNullTimes", patchSession, `{"starts_at":null,"ends_at":null}`, "", 422, []string{"starts_at", "ends_at"}},
		{"MoveBadTime", patchSession, `{"starts_at":"demain"}`, "", 422, []string{"starts_at"}},
		{"CapacityNull", patchSession, `{"capacity":null}`, "", 422, []string{"capacity"}},
		{"CapacityZero", patchSession, `{"capacity":0}`, "", 422, []string{"capacity"}},
		{"CapacityTenThousand", patchSession, `{"capacity":10000}`, "", 422, []string{"capacity"}},
		{"UnknownPlace", patchSession, `{"place_id":424242}`, "", 422, []string{"place_id"}},
		{"CancelWithoutReason", cancelSession, `{}`, "", 422, []string{"reason"}},
		{"CancelBlankReason", cancelSession, `{"reason":" \n "}`, "", 422, []string{"reason"}},
		{"CancelVeryLongReason", cancelSession, map[string]any{"reason": long}, "", 422, []string{"reason"}},

		{"StructureEmptied", patchStructure, `{"name":null,"address":"","town":"","postcode":null}`, "", 422, []string{"name", "address", "town", "postcode"}},
		{"StructureBadContacts", patchStructure, `{"postcode":"ABCDE","phone":"appelez-nous","email":"pas une adresse","website":"javascript:alert(1)"}`, "", 422, []string{"postcode", "phone", "email", "website"}},
		{"StructureHalfCoordinates", patchStructure, `{"longitude":null}`, "", 422, []string{"latitude"}},
		{"StructureCoordinatesOffEarth", patchStructure, `{"latitude":91,"longitude":-181}`, "", 422, []string{"latitude", "longitude"}},
		{"StructureUnknownCodes", patchStructure, `{"kind":"banque","labels":["michelin"]}`, "", 422, []string{"kind", "labels"}},
		{"StructureVeryLongAccess", patchStructure, map[string]any{"access": long, "opening_hours": long}, "", 422, []string{"access", "opening_hours"}},

		{"EnrollNothing", enroll, `{}`, "", 422, []string{"first_name", "contact", "level", "consent", "idempotency_key"}},
		{"EnrollNulls", enroll, `{"first_name":null,"contact":null,"level":null,"consent":null,"idempotency_key":null}`, "", 422,
			[]string{"first_name", "contact", "level", "consent", "idempotency_key"}},
		{"EnrollVeryLongEverything", enroll, map[string]any{"first_name": long, "last_name": long, "email": long, "phone": long, "contact": "email",
			"level": "debutant", "needs_french": true, "french_language": long, "consent": true, "consent_text": long, "idempotency_key": long}, "", 422,
			[]string{"first_name", "last_name", "email", "phone", "french_language", "consent_text", "idempotency_key"}},
		{"EnrollLandlineForSMS", enroll, `{"first_name":"Awa","phone":"03 83 12 34 56","contact":"sms","level":"debutant","consent":true,"idempotency_key":"k"}`, "", 422, []string{"phone"}},
		{"EnrollWithoutConsent", enroll, `{"first_name":"Awa","contact":"paper","level":"debutant","consent":false,"idempotency_key":"k"}`, "", 422, []string{"consent"}},
	}
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, nil)
		sess := wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil)
		sessPath := "/api/v1/sessions/" + strconv.FormatInt(sess.ID, 10)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				c := call{token: r.member(), body: tc.body, contentType: tc.contentType}
				if build, ok := tc.body.(func(string) map[string]any); ok {
					c.body = build(r.st.Slug)
				}
				switch tc.target {
				case createWorkshop:
					c.method, c.path = "POST", "/api/v1/workshops"
				case patchWorkshop:
					c.method, c.path = "PATCH", "/api/v1/workshops/"+w.Slug
				case createSessions:
					c.method, c.path = "POST", "/api/v1/workshops/"+w.Slug+"/sessions"
				case patchSession:
					c.method, c.path = "PATCH", sessPath
				case cancelSession:
					c.method, c.path = "POST", sessPath+"/cancel"
				case deleteSession:
					c.method, c.path = "DELETE", sessPath
				case patchStructure:
					c.method, c.path = "PATCH", "/api/v1/structures/"+r.st.Slug
				case enroll:
					c.method, c.path = "POST", sessPath+"/enrollments"
				case cancelEnrollment:
					c.method, c.path = "POST", "/api/v1/enrollments/1/cancel"
				}
				raw := c.raw(t)
				req := c.request(raw)
				if tc.contentType == "-" {
					req.Header.Del("Content-Type")
				}
				resp, body := e.do(req)
				checkAgainstSpec(t, c.request(raw), resp, []byte(body), false)
				checkProblem(t, resp, []byte(body), tc.status, tc.names)
			})
		}
		// Nothing above changed anything.
		got, err := e.svc.WorkshopForEdit(t.Context(), workshops.System, w.Slug)
		if err != nil || got.Title != w.Title || got.DefaultCapacity != w.DefaultCapacity {
			t.Errorf("workshop after the bad requests: %+v, %v", got, err)
		}
		list, err := e.svc.SessionsForEdit(t.Context(), workshops.System, sess.ID)
		if err != nil || list[0].Capacity != sess.Capacity || list[0].Cancelled() || list[0].Sequence != 0 || list[0].SeatsTaken != 0 {
			t.Errorf("session after the bad requests: %+v, %v", list, err)
		}
	})
}

// TestAPIWriteLargeBodies: a body over 1 MB is refused before it is read, and large
// lists within it cost no more than reading them.
func TestAPIWriteLargeBodies(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, nil)

		t.Run("OverOneMegabyte", func(t *testing.T) {
			// fasthttp refuses the body as soon as it reads its announced length, which
			// app.Test reports as an error: this request goes through a real listener on the
			// loopback interface, and sends its headers only, so that the server's early
			// answer cannot race with the client still writing.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = e.app.Listener(ln) }()
			defer func() { _ = e.app.Shutdown() }()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			path := "/api/v1/workshops/" + w.Slug
			fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: agenda.example.fr\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, r.member(), 1<<20+1)
			req := httptest.NewRequest("PATCH", path, nil)
			resp, err := http.ReadResponse(bufio.NewReader(conn), req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstSpec(t, req, resp, body, false)
			checkProblem(t, resp, body, http.StatusRequestEntityTooLarge, nil)
		})

		t.Run("LongListOfDaysToSkip", func(t *testing.T) {
			e := e.sub(t)
			skip := make([]string, 50000)
			for i := range skip {
				skip[i] = "2027-01-12"
			}
			var out struct{ Items []apiSessionOut }
			e.sendJSON(call{method: "POST", path: "/api/v1/workshops/" + w.Slug + "/sessions", token: r.member(), body: map[string]any{
				"frequency": "weekly", "first": "2027-01-05", "until": "2027-01-26", "skip": skip, "start": "14:00", "end": "16:00",
			}}, 201, &out)
			if len(out.Items) != 3 {
				t.Errorf("%d sessions, want 3", len(out.Items))
			}
		})

		t.Run("LongListOfThemes", func(t *testing.T) {
			e := e.sub(t)
			themes := make([]string, 50000)
			for i := range themes {
				themes[i] = []string{"ludique", "communiquer"}[i%2]
			}
			var got apiWorkshopOut
			e.sendJSON(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(), body: map[string]any{"themes": themes}}, 200, &got)
			if fmt.Sprint(got.themeSlugs()) != "[ludique communiquer]" {
				t.Errorf("themes %q", got.themeSlugs())
			}
		})

		t.Run("LongListOfUnknownThemes", func(t *testing.T) {
			e := e.sub(t)
			themes := make([]string, 50000)
			for i := range themes {
				themes[i] = strconv.Itoa(i)
			}
			resp, body := e.send(call{method: "PATCH", path: "/api/v1/workshops/" + w.Slug, token: r.member(), body: map[string]any{"themes": themes}})
			checkProblem(t, resp, body, 422, []string{"themes"})
		})
	})
}

// TestAPIWriteUnknownTargets: paths that name nothing answer 404 naming the parameter.
func TestAPIWriteUnknownTargets(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		for _, c := range []struct {
			method, path, param string
			body                any
		}{
			{"PATCH", "/api/v1/workshops/atelier-inconnu", "slug", `{"title":"x"}`},
			{"PATCH", "/api/v1/workshops/%C3%A9t%C3%A9%00", "slug", `{"title":"x"}`},
			{"POST", "/api/v1/workshops/atelier-inconnu/sessions", "slug", `{"starts_at":"2026-12-01T14:00:00+01:00","ends_at":"2026-12-01T16:00:00+01:00"}`},
			{"PATCH", "/api/v1/sessions/999999", "id", `{"capacity":3}`},
			{"PATCH", "/api/v1/sessions/abc", "id", `{"capacity":3}`},
			{"POST", "/api/v1/sessions/0/cancel", "id", `{"reason":"x"}`},
			{"DELETE", "/api/v1/sessions/99999999999999999999999", "id", nil},
			{"DELETE", "/api/v1/sessions/999999", "id", nil},
			{"PATCH", "/api/v1/structures/structure-inconnue", "slug", `{"town":"Nancy"}`},
			{"PATCH", "/api/v1/structures/%00", "slug", `{"town":"Nancy"}`},
			{"POST", "/api/v1/sessions/999999/enrollments", "id", `{"first_name":"Awa","contact":"paper","level":"debutant","consent":true,"idempotency_key":"k"}`},
			{"POST", "/api/v1/sessions/-1/enrollments", "id", `{}`},
			{"GET", "/api/v1/enrollments/999999", "id", nil},
			{"GET", "/api/v1/enrollments/abc", "id", nil},
			{"POST", "/api/v1/enrollments/0/cancel", "id", nil},
			{"POST", "/api/v1/enrollments/999999/cancel", "id", nil},
		} {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				resp, body := e.sub(t).send(call{method: c.method, path: c.path, token: r.member(), body: c.body})
				checkProblem(t, resp, body, 404, []string{c.param})
			})
		}
	})
}

// TestAPIWriteDropsControlCharacters: a NUL byte or another control character in any
// text is dropped before it reaches the database (which would refuse it) or a feed.
func TestAPIWriteDropsControlCharacters(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		nul := "a\u0000b\u0007c"
		body := newWorkshopBody(r.st.Slug)
		for _, k := range []string{"title", "summary", "description", "what_to_bring", "accessibility", "price_details"} {
			body[k] = nul
		}
		var w apiWorkshopOut
		e.sendJSON(call{method: "POST", path: "/api/v1/workshops", token: r.member(), body: body}, 201, &w)
		if w.Title != "abc" || w.Description != "abc" {
			t.Errorf("workshop %+v", w)
		}
		var out struct{ Items []apiSessionOut }
		e.sendJSON(call{method: "POST", path: "/api/v1/workshops/" + w.Slug + "/sessions", token: r.member(), body: map[string]any{
			"starts_at": "2026-12-01T14:00:00+01:00", "ends_at": "2026-12-01T16:00:00+01:00", "animator": nul,
		}}, 201, &out)
		path := "/api/v1/sessions/" + strconv.FormatInt(out.Items[0].ID, 10)
		e.sendJSON(call{method: "PATCH", path: path, token: r.member(), body: map[string]any{"animator": nul}}, 200, nil)
		var got apiSessionOut
		e.sendJSON(call{method: "POST", path: path + "/cancel", token: r.member(), body: map[string]any{"reason": nul}}, 200, &got)
		if got.CancelReason == nil || *got.CancelReason != "abc" {
			t.Errorf("cancel reason %v", got.CancelReason)
		}
		st := map[string]any{}
		for _, k := range []string{"name", "description", "address", "address_extra", "town", "access", "accessibility", "opening_hours"} {
			st[k] = nul
		}
		e.sendJSON(call{method: "PATCH", path: "/api/v1/structures/" + r.st.Slug, token: r.member(), body: st}, 200, nil)
		var enrolled apiEnrollmentOut
		w2 := wt.Workshop(t, e.svc, r.st, nil)
		s2 := wt.Session(t, e.svc, w2, wt.Paris(t, 2026, 12, 3, 14, 0), nil)
		e.sendJSON(enrollCall(s2.ID, r.member(), "", map[string]any{"first_name": nul, "last_name": nul, "contact": "paper", "level": "debutant",
			"needs_french": true, "french_language": nul, "consent": true, "consent_text": nul, "idempotency_key": "controle"}), 201, &enrolled)
		rec, err := e.en.Export(t.Context(), workshops.System, enrolled.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b := rec.Booking; b.FirstName != "abc" || b.FrenchLanguage != "abc" || b.ConsentText != "abc" {
			t.Errorf("enrollment %+v", b)
		}
		resp, body2 := e.send(call{method: "PATCH", path: "/api/v1/structures/" + r.st.Slug, token: r.member(),
			body: map[string]any{"email": "a\u0000@b.fr", "phone": "03\u000083", "website": "https://a\u0000b.fr", "postcode": "54\u0000000"}})
		if resp.StatusCode != 200 && resp.StatusCode != 422 {
			t.Errorf("contacts with NUL bytes = %d: %s", resp.StatusCode, body2)
		}
	})
}
