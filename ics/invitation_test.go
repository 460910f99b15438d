package ics_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/escale-numerique/escale/ics"
	"github.com/escale-numerique/escale/workshops"
)

// update rewrites the invitations' golden files: go test ./ics -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	organizer = ics.Party{Name: "Médiathèque « Les Tilleuls », Nancy", Email: "contact@mediatheque.example.fr"}
	attendee  = ics.Party{Name: `Marie-Hélène "Malou" O'Neil`, Email: "malou@exemple.fr"}
	stamp     = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
)

func invitationSession() *workshops.Session {
	s := session(42, "Envoyer des photos, des mails; sans stress", stamp.Add(-24*time.Hour))
	s.Sequence = 2
	s.Structure.Email = "accueil@mediatheque.example.fr"
	return s
}

func TestInvitation(t *testing.T) {
	cancelled := invitationSession()
	cancelled.Status, cancelled.CancelReason, cancelled.Sequence = workshops.SessionCancelled, "Salle inondée", 3
	for _, tt := range []struct {
		name     string
		method   ics.Method
		sess     *workshops.Session
		sequence int
		status   string
		summary  string
	}{
		{"invitation-request.ics", ics.Request, invitationSession(), 2, "CONFIRMED", "Envoyer des photos, des mails; sans stress"},
		{"invitation-cancel-seat.ics", ics.Cancel, invitationSession(), 3, "CANCELLED", ics.CancelledPrefix + "Envoyer des photos, des mails; sans stress"},
		{"invitation-cancel-session.ics", ics.Cancel, cancelled, 3, "CANCELLED", ics.CancelledPrefix + "Envoyer des photos, des mails; sans stress"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, err := ics.Invitation(tt.method, tt.sess, vocabulary(), site, organizer, attendee, tt.sequence, stamp)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, body)
			cal, err := goical.NewDecoder(bytes.NewReader(body)).Decode()
			if err != nil {
				t.Fatal(err)
			}
			if m := cal.Props.Get("METHOD"); m == nil || m.Value != string(tt.method) {
				t.Errorf("METHOD %v", m)
			}
			events := cal.Events()
			if len(events) != 1 {
				t.Fatalf("%d events", len(events))
			}
			e := events[0]
			for prop, want := range map[string]string{
				"UID": "session-42@agenda.example.fr", "SEQUENCE": string(rune('0' + tt.sequence)), "STATUS": tt.status,
				"SUMMARY": tt.summary, "DTSTAMP": "20261120T093000Z",
				"ORGANIZER": "mailto:contact@mediatheque.example.fr", "ATTENDEE": "mailto:malou@exemple.fr",
			} {
				p := e.Props.Get(prop)
				if p == nil {
					t.Errorf("no %s", prop)
					continue
				}
				got := p.Value
				if prop == "SUMMARY" {
					got, _ = p.Text()
				}
				if got != want {
					t.Errorf("%s = %q, want %q", prop, got, want)
				}
			}
			att := e.Props.Get("ATTENDEE")
			if att.Params.Get("CN") != attendee.Name && att.Params.Get("CN") != `Marie-Hélène “Malou” O'Neil` {
				t.Errorf("ATTENDEE CN %q", att.Params.Get("CN"))
			}
			if att.Params.Get("RSVP") != "FALSE" || att.Params.Get("PARTSTAT") != "ACCEPTED" {
				t.Errorf("ATTENDEE params %v", att.Params)
			}
			if org := e.Props.Get("ORGANIZER"); org.Params.Get("CN") != organizer.Name {
				t.Errorf("ORGANIZER CN %q", org.Params.Get("CN"))
			}
			goldenICS(t, tt.name, body)
		})
	}

	t.Run("Refused", func(t *testing.T) {
		if _, err := ics.Invitation(ics.Publish, invitationSession(), vocabulary(), site, organizer, attendee, 0, stamp); err == nil {
			t.Error("a PUBLISH invitation was written")
		}
		if _, err := ics.Invitation(ics.Request, invitationSession(), vocabulary(), site, organizer, ics.Party{Name: "Sans adresse"}, 0, stamp); err == nil {
			t.Error("an invitation without the attendee's address was written")
		}
	})
}

// goldenICS compares an invitation with testdata/name, or rewrites the file with -update.
func goldenICS(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./ics -update to accept): %v\n%s", path, err, got)
	}
}

// TestInvitationsPassIcsCheck runs the independent validator on the golden invitations
// with the invitation profile. It runs only when ICS_CHECK names the validator:
//
//	ICS_CHECK=../shared/tools/ics-check/ics-check go test ./ics -run IcsCheck -v
func TestInvitationsPassIcsCheck(t *testing.T) {
	check := os.Getenv("ICS_CHECK")
	if check == "" {
		t.Skip("set ICS_CHECK to the path of ics-check to run the independent validator")
	}
	if !filepath.IsAbs(check) {
		check = filepath.Join("..", check)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "invitation-*.ics"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no invitation in testdata: %v", err)
	}
	out, err := exec.Command(check, append([]string{"--profile", "invite"}, files...)...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if last := lines[len(lines)-1]; err != nil || !strings.HasSuffix(last, " 0 failures") {
		t.Fatalf("ics-check: %v\n%s", err, out)
	}
	t.Log(lines[len(lines)-1])
}
