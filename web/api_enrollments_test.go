package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/accounts"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// apiEnrollmentOut is the part of an enrollment answer the tests read.
type apiEnrollmentOut struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	Position  *int   `json:"position"`
	CancelURL string `json:"cancel_url"`
	URL       string `json:"url"`
	Workshop  struct {
		Slug string `json:"slug"`
	} `json:"workshop"`
	Sessions []struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		Position *int   `json:"position"`
		StartsAt string `json:"starts_at"`
	} `json:"sessions"`
}

// enrollBody is a valid body for POST /sessions/{id}/enrollments, for a person named name.
func enrollBody(name string) map[string]any {
	return map[string]any{"first_name": name, "contact": "professional", "level": "debutant", "consent": true}
}

// enrollCall is a POST /sessions/{id}/enrollments with its key in the Idempotency-Key
// header (none when key is empty).
func enrollCall(sessionID int64, token, key string, body any) call {
	c := call{method: "POST", path: "/api/v1/sessions/" + strconv.FormatInt(sessionID, 10) + "/enrollments", token: token, body: body}
	if key != "" {
		c.header = http.Header{"Idempotency-Key": {key}}
	}
	return c
}

func enrollmentPath(id int64) string { return "/api/v1/enrollments/" + strconv.FormatInt(id, 10) }

// actorOf returns who a role's token acts as.
func (r *roles) actorOf(t *testing.T, e *env, role string) workshops.Actor {
	t.Helper()
	p, err := e.acc.PrincipalByToken(t.Context(), accounts.TokenAPI, r.tokens[role])
	if err != nil {
		t.Fatal(err)
	}
	return p.Actor()
}

func TestAPIEnrollments(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		pro := r.tokens[roleProfessional]
		w := wt.Workshop(t, e.svc, r.st, nil)
		session := func(capacity int) *workshops.Session {
			return wt.Session(t, e.svc, w, wt.Paris(t, 2026, 12, 1, 14, 0), func(s *workshops.Session) { s.Capacity = capacity })
		}
		s := session(1)

		var first, second apiEnrollmentOut
		t.Run("ConfirmedThenWaitlisted", func(t *testing.T) {
			e := e.sub(t)
			body := enrollBody("Fatima")
			body["phone"], body["contact"], body["needs_device"] = "06 12 34 56 78", "sms", true
			resp := e.sendJSON(enrollCall(s.ID, pro, "cle-fatima", body), 201, &first)
			if first.Status != "confirmed" || first.Position != nil || len(first.Sessions) != 1 || first.Sessions[0].ID != s.ID ||
				first.Workshop.Slug != w.Slug || !strings.HasPrefix(first.CancelURL, baseURL+"/c/") {
				t.Errorf("first enrollment: %+v", first)
			}
			if loc := resp.Header.Get("Location"); loc != first.URL || loc != baseURL+enrollmentPath(first.ID) {
				t.Errorf("Location %q, url %q", loc, first.URL)
			}
			// Without consent_text, the consent recorded is the form's, naming the structure.
			rec, err := e.en.Export(t.Context(), workshops.System, first.ID)
			if err != nil {
				t.Fatal(err)
			}
			if b := rec.Booking; !strings.Contains(b.ConsentText, r.st.Name) || b.Organisation != "CCAS de Nancy" {
				t.Errorf("consent %q, organisation %q", b.ConsentText, b.Organisation)
			}
			e.sendJSON(enrollCall(s.ID, pro, "", map[string]any{"first_name": "Jean", "contact": "paper", "level": "non-evalue", "consent": true,
				"idempotency_key": "cle-jean"}), 201, &second)
			if second.Status != "waitlisted" || second.Position == nil || *second.Position != 1 || *second.Sessions[0].Position != 1 {
				t.Errorf("second enrollment: %+v", second)
			}
		})

		t.Run("ARepeatAnswersTheSameEnrollment", func(t *testing.T) {
			e := e.sub(t)
			body := enrollBody("Fatima")
			body["phone"], body["contact"], body["needs_device"] = "0612345678", "sms", true
			for _, c := range []call{
				enrollCall(s.ID, pro, "cle-fatima", body),
				enrollCall(s.ID, pro, `"cle-fatima"`, body), // a structured-field string
				enrollCall(s.ID, pro, "", func() map[string]any { body["idempotency_key"] = "cle-fatima"; return body }()),
				enrollCall(s.ID, pro, "cle-fatima", body), // header and body agree
			} {
				var again apiEnrollmentOut
				resp := e.sendJSON(c, 200, &again)
				if again.ID != first.ID || again.CancelURL != first.CancelURL || resp.Header.Get("Location") != "" {
					t.Errorf("repeat: %+v", again)
				}
			}
			if got := sessionOf(t, e, s.ID); got.SeatsTaken != 1 {
				t.Errorf("%d seats taken after the repeats", got.SeatsTaken)
			}
		})

		t.Run("KeysAreCheckedAndNamed", func(t *testing.T) {
			e := e.sub(t)
			for name, c := range map[string]call{
				"NoKey":                 enrollCall(s.ID, pro, "", enrollBody("Awa")),
				"NonASCIIKey":           enrollCall(s.ID, pro, "clé", enrollBody("Awa")),
				"KeyOfAnotherPerson":    enrollCall(s.ID, pro, "cle-fatima", enrollBody("Awa")),
				"HeaderAndBodyDisagree": enrollCall(s.ID, pro, "cle-1", func() map[string]any { b := enrollBody("Awa"); b["idempotency_key"] = "cle-2"; return b }()),
				"KeyForAnotherSession":  enrollCall(session(5).ID, pro, "cle-jean", map[string]any{"first_name": "Jean", "contact": "paper", "level": "non-evalue", "consent": true}),
				"LongKeyInBody": enrollCall(s.ID, pro, "", func() map[string]any {
					b := enrollBody("Awa")
					b["idempotency_key"] = strings.Repeat("k", 101)
					return b
				}()),
				"KeyOfAnotherTokenIsOurs": enrollCall(session(5).ID, r.member(), "cle-fatima", enrollBody("Awa")),
			} {
				t.Run(name, func(t *testing.T) {
					resp, body := e.sub(t).send(c)
					if name == "KeyOfAnotherTokenIsOurs" {
						// Keys belong to one account: the member's cle-fatima is a new enrollment.
						if resp.StatusCode != 201 {
							t.Errorf("= %d: %s", resp.StatusCode, body)
						}
						return
					}
					checkProblem(t, resp, body, 422, []string{"idempotency_key"})
					if name == "NoKey" && !strings.Contains(string(body), "Idempotency-Key") {
						t.Errorf("the message does not say how to send a key: %s", body)
					}
				})
			}
		})

		t.Run("InvalidFieldsAreNamed", func(t *testing.T) {
			e := e.sub(t)
			resp, body := e.send(enrollCall(s.ID, pro, "cle-invalide", map[string]any{"first_name": " ", "phone": "12", "email": "nadia@", "contact": "pigeon",
				"level": "expert", "needs_french": true, "french_language": strings.Repeat("a", 61), "consent": false, "consent_text": strings.Repeat("é", 2001)}))
			checkProblem(t, resp, body, 422, []string{"first_name", "phone", "email", "contact", "level", "french_language", "consent", "consent_text"})
			resp, body = e.send(enrollCall(s.ID, pro, "cle-sms", map[string]any{"first_name": "Awa", "contact": "sms", "level": "debutant", "consent": true}))
			checkProblem(t, resp, body, 422, []string{"phone"})
		})

		t.Run("ConflictsAnswer409", func(t *testing.T) {
			e := e.sub(t)
			noWaitlist := wt.Session(t, e.svc, wt.Workshop(t, e.svc, r.st, func(w *workshops.Workshop) { w.NoWaitlist = true }), wt.Paris(t, 2026, 12, 2, 14, 0),
				func(s *workshops.Session) { s.Capacity = 1 })
			e.sendJSON(enrollCall(noWaitlist.ID, pro, "cle-plein-1", enrollBody("Awa")), 201, nil)
			cancelled := session(5)
			if _, err := e.svc.CancelSession(t.Context(), workshops.System, cancelled.ID, "Salle indisponible."); err != nil {
				t.Fatal(err)
			}
			past := wt.Session(t, e.svc, w, now.Add(-2*time.Hour), nil)
			again := enrollBody("fatima")
			again["email"] = "x@exemple.fr"
			again["phone"] = "+33612345678"
			for name, c := range map[string]call{
				"FullWithoutWaitingList": enrollCall(noWaitlist.ID, pro, "cle-plein-2", enrollBody("Jean")),
				"CancelledSession":       enrollCall(cancelled.ID, pro, "cle-annulee", enrollBody("Jean")),
				"PastSession":            enrollCall(past.ID, pro, "cle-passee", enrollBody("Jean")),
				"AlreadyEnrolled":        enrollCall(s.ID, pro, "cle-fatima-bis", again),
			} {
				t.Run(name, func(t *testing.T) {
					resp, body := e.sub(t).send(c)
					checkProblem(t, resp, body, 409, nil)
				})
			}
		})

		t.Run("FollowingAnEnrollment", func(t *testing.T) {
			e := e.sub(t)
			for _, role := range []string{roleProfessional, roleMember, roleCoordinator} {
				var got apiEnrollmentOut
				resp := e.sendJSON(call{method: "GET", path: enrollmentPath(second.ID), token: r.tokens[role]}, 200, &got)
				if got.ID != second.ID || got.Status != "waitlisted" || *got.Position != 1 {
					t.Errorf("as %s: %+v", role, got)
				}
				if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" {
					t.Errorf("Cache-Control %q", cc)
				}
			}
			_, body := e.send(call{method: "GET", path: enrollmentPath(first.ID), token: pro})
			if strings.Contains(string(body), "Fatima") || strings.Contains(string(body), "612345678") {
				t.Errorf("the enrollment shows the person's details: %s", body)
			}
		})

		t.Run("CancellingPromotesWhoWaits", func(t *testing.T) {
			e := e.sub(t)
			var got apiEnrollmentOut
			for range 2 { // cancelling again changes nothing
				e.sendJSON(call{method: "POST", path: enrollmentPath(first.ID) + "/cancel", token: pro}, 200, &got)
				if got.Status != "cancelled" || got.Position != nil {
					t.Errorf("cancelled: %+v", got)
				}
			}
			e.sendJSON(call{method: "POST", path: enrollmentPath(second.ID) + "/cancel", token: r.member(), body: map[string]any{}}, 200, nil)
			e.sendJSON(call{method: "GET", path: enrollmentPath(second.ID), token: pro}, 200, &got)
			if got.Status != "cancelled" {
				t.Errorf("Jean, cancelled by the structure: %+v", got)
			}
			if sessionOf(t, e, s.ID).SeatsTaken != 0 {
				t.Error("the seats were not freed")
			}

			// Jean was promoted when Fatima cancelled: check with a fresh pair.
			s2 := session(1)
			var a, b apiEnrollmentOut
			e.sendJSON(enrollCall(s2.ID, pro, "cle-a", enrollBody("A")), 201, &a)
			e.sendJSON(enrollCall(s2.ID, pro, "cle-b", enrollBody("B")), 201, &b)
			e.sendJSON(call{method: "POST", path: enrollmentPath(a.ID) + "/cancel", token: pro}, 200, nil)
			e.sendJSON(call{method: "GET", path: enrollmentPath(b.ID), token: pro}, 200, &b)
			if b.Status != "confirmed" || b.Position != nil {
				t.Errorf("B after A cancelled: %+v", b)
			}

			e.clock.Add(30 * 24 * time.Hour)
			defer e.clock.Set(now)
			resp, body := e.send(call{method: "POST", path: enrollmentPath(b.ID) + "/cancel", token: pro})
			checkProblem(t, resp, body, 409, nil)
		})
	})
}

// sessionOf reads a session as its structure sees it.
func sessionOf(t *testing.T, e *env, id int64) workshops.Session {
	t.Helper()
	list, err := e.svc.SessionsForEdit(t.Context(), workshops.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return list[0]
}

// TestAPIEnrollParcours: a parcours is enrolled as a whole, its sessions in time order
// (the answer is pinned by a golden file).
func TestAPIEnrollParcours(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		w := wt.Workshop(t, e.svc, r.st, func(w *workshops.Workshop) { w.Kind, w.Title = "parcours", "Mes démarches pas à pas" })
		sessions, err := e.svc.ScheduleSessions(t.Context(), workshops.System, w.ID, workshops.Schedule{Frequency: workshops.Weekly,
			First: workshops.DateOf(now.AddDate(0, 0, 7)), Until: workshops.DateOf(now.AddDate(0, 0, 21)),
			Start: workshops.Clock{Hour: 14}, End: workshops.Clock{Hour: 16}, Capacity: 4})
		if err != nil || len(sessions) != 3 {
			t.Fatalf("%d sessions, %v", len(sessions), err)
		}
		var got apiEnrollmentOut
		_, body := e.send(enrollCall(sessions[2].ID, r.tokens[roleProfessional], "parcours-1", enrollBody("Awa")))
		golden(t, "api/enrollment_parcours.json", indentJSON(t, body))
		if err := json.Unmarshal(body, &got); err != nil || got.Status != "confirmed" || len(got.Sessions) != 3 {
			t.Fatalf("%+v, %v", got, err)
		}
		for i, seat := range got.Sessions {
			if seat.ID != sessions[i].ID || seat.Status != "confirmed" {
				t.Errorf("seat %d: %+v", i, seat)
			}
		}
	})
}

// TestAPIEnrollRepeatedAtOnce: the same request sent several times at once (a client
// retrying before the first answer) books once: one 201, the others 200 with the same
// enrollment.
func TestAPIEnrollRepeatedAtOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		s := wt.Session(t, e.svc, wt.Workshop(t, e.svc, r.st, nil), wt.Paris(t, 2026, 12, 1, 14, 0), nil)
		c := enrollCall(s.ID, r.tokens[roleProfessional], "double-envoi", enrollBody("Awa"))
		raw := c.raw(t)
		const n = 6
		statuses := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp, err := e.app.Test(c.request(raw), -1)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				statuses[i] = resp.StatusCode
			}()
		}
		close(start)
		wg.Wait()
		created, replayed := 0, 0
		for _, st := range statuses {
			switch st {
			case 201:
				created++
			case 200:
				replayed++
			}
		}
		if created != 1 || replayed != n-1 {
			t.Errorf("statuses %v, want one 201 and %d 200", statuses, n-1)
		}
		if got := sessionOf(t, e, s.ID); got.SeatsTaken != 1 {
			t.Errorf("%d seats taken", got.SeatsTaken)
		}
	})
}

// TestAPIEnrollmentReadChecksWhoAsks: an enrollment is shown to its orienting professional
// and to the structure's members and coordinators only.
func TestAPIEnrollmentReadChecksWhoAsks(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		s := wt.Session(t, e.svc, wt.Workshop(t, e.svc, r.st, nil), wt.Paris(t, 2026, 12, 1, 14, 0), nil)
		var b apiEnrollmentOut
		e.sendJSON(enrollCall(s.ID, r.tokens[roleProfessional], "lecture", enrollBody("Awa")), 201, &b)
		allowed := map[string]int{roleProfessional: 200, roleMember: 200, roleCoordinator: 200, roleAnonymous: 401, roleRevoked: 401}
		for _, role := range allRoles {
			t.Run(role, func(t *testing.T) {
				want, ok := allowed[role]
				if !ok {
					want = 403
				}
				resp, body := e.sub(t).send(call{method: "GET", path: enrollmentPath(b.ID), token: r.tokens[role]})
				if resp.StatusCode != want {
					t.Errorf("= %d, want %d: %s", resp.StatusCode, want, body)
				}
			})
		}
		req := httptest.NewRequest("GET", enrollmentPath(b.ID), nil)
		if resp, _ := e.do(req); resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("without a token: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
}

// TestAPICompressesReadsNotWriteAnswers: a client accepting gzip gets the API's reads
// compressed, and its answers to writes (a few hundred bytes) as they are.
func TestAPICompressesReadsNotWriteAnswers(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		r := newRoles(t, e)
		s := wt.Session(t, e.svc, wt.Workshop(t, e.svc, r.st, nil), wt.Paris(t, 2026, 12, 1, 14, 0), nil)
		write := enrollCall(s.ID, r.tokens[roleProfessional], "gzip-accepte", enrollBody("Awa"))
		read := call{method: "GET", path: "/api/v1/sessions"}
		for _, c := range []struct {
			name     string
			call     call
			status   int
			encoding string
		}{
			{"an enrollment created", write, 201, ""},
			{"the sessions listed", read, 200, "gzip"},
		} {
			req := c.call.request(c.call.raw(t))
			req.Header.Set("Accept-Encoding", "gzip")
			resp, err := e.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status || resp.Header.Get("Content-Encoding") != c.encoding {
				t.Errorf("%s: status %d, Content-Encoding %q; want %d, %q", c.name, resp.StatusCode,
					resp.Header.Get("Content-Encoding"), c.status, c.encoding)
			}
		}
	})
}
