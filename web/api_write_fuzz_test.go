package web_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/uptrace/bun/dialect"

	"github.com/escale-numerique/escale/migrations/testdb"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// FuzzAPIWriteBodies: whatever body a client sends to a write, the answer is never a
// 500, has the shape the OpenAPI document gives it, and when the body is accepted, the
// body is one the document describes. (SQLite only: a fuzzing run is long.)
func FuzzAPIWriteBodies(f *testing.F) {
	seeds := []struct {
		route uint8
		body  string
	}{
		{0, `{"structure":"mediatheque-des-trois-maisons","title":"Atelier","description":"Pour apprendre.","level_min":"debutant","level_max":"avance","themes":["ludique"],"default_capacity":8,"default_duration_minutes":90}`},
		{0, `{"structure":"x","title":null,"themes":[1]}`},
		{1, `{"title":"Nouveau titre","summary":null,"format":"","status":"published","languages":["fr","ar"]}`},
		{1, `{"themes":["ludique","ludique"],"devices_lent":["tablette"],"life_event":"retraite"}`},
		{1, `{"title":"a","title":"b"}`},
		{2, `{"starts_at":"2026-12-01T14:00:00+01:00","ends_at":"2026-12-01T16:00:00+01:00","capacity":6,"animator":"Camille"}`},
		{2, `{"frequency":"weekly","first":"2027-03-16","until":"2027-04-13","skip":["2027-04-06"],"start":"14:00","end":"16:00"}`},
		{2, `{"frequency":"dates","dates":["2027-01-05","2027-01-12"],"start":"9h30","end":"11h"}`},
		{2, `{"frequency":"once","first":"2027-03-28","start":"02:30","end":"04:00"}`},
		{3, `{"starts_at":"2026-12-02T09:30:00+01:00","ends_at":"2026-12-02T11:30:00+01:00","place_id":null}`},
		{3, `{"capacity":1e400}`},
		{4, `{"reason":"Salle indisponible."}`},
		{5, `{"town":"Laxou","postcode":"54520","latitude":null,"longitude":null,"labels":["aptic"]}`},
		{5, `{"latitude":48.69,"longitude":6.18,"website":"https://exemple.fr"}`},
		{6, `{"first_name":"Awa","phone":"06 12 34 56 78","contact":"sms","level":"debutant","needs_device":true,"consent":true,"idempotency_key":"f-1"}`},
		{6, `{"first_name":"K. D.","contact":"professional","level":"non-evalue","needs_french":true,"french_language":"dari","consent":true,"consent_text":"J'accepte.","idempotency_key":"f-2"}`},
		{6, `{"first_name":"\u0000","email":"a@b.c\u0000","contact":"email","level":"eloigne","consent":true,"idempotency_key":"\u00e9"}`},
		{7, `{}`},
		{7, `{"reason":"x"}`},
	}
	for _, s := range seeds {
		f.Add(s.route, s.body)
	}
	db := testdb.New(f, dialect.SQLite)
	var (
		once    sync.Once
		e       *env
		r       *roles
		targets [][2]string
	)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		once.Do(func() {
			e = newEnv(t, db)
			r = newRoles(t, e)
			w := wt.Workshop(t, e.svc, r.st, nil)
			sess := "/api/v1/sessions/" + strconv.FormatInt(wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), nil).ID, 10)
			targets = [][2]string{
				{"POST", "/api/v1/workshops"},
				{"PATCH", "/api/v1/workshops/" + w.Slug},
				{"POST", "/api/v1/workshops/" + w.Slug + "/sessions"},
				{"PATCH", sess},
				{"POST", sess + "/cancel"},
				{"PATCH", "/api/v1/structures/" + r.st.Slug},
				{"POST", sess + "/enrollments"},
				{"POST", "/api/v1/enrollments/1/cancel"},
			}
		})
		target := targets[int(route)%len(targets)]
		resp, out := e.sub(t).send(call{method: target[0], path: target[1], token: r.member(), body: body})
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %q = %d: %s", target[0], target[1], body, resp.StatusCode, out)
		}
	})
}
