package notices_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestSessionMoved: everyone who holds or waits for a seat is told the new date, by their
// channel; who holds a seat by email gets the updated invitation (same UID, the new
// SEQUENCE, the new time); each professional gets one email listing their people.
func TestSessionMoved(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		sms := e.enroll(e.session.ID, person("Hugo", enrollment.ContactSMS))
		waiting := e.enroll(e.session.ID, person("Eden", enrollment.ContactEmail))
		e.drain()

		later := wt.Paris(t, 2026, 12, 3, 9, 30)
		end := later.Add(2 * time.Hour)
		if _, err := e.en.UpdateSession(ctx, e.member, e.session.ID, workshops.SessionChange{StartsAt: &later, EndsAt: &end}); err != nil {
			t.Fatal(err)
		}
		e.drain()

		moved := e.mails("dominique@exemple.fr")
		if len(moved) != 2 {
			t.Fatalf("Dominique received %d emails", len(moved))
		}
		m := moved[1]
		ev := invitation(t, m, "REQUEST", e.session.ID, 1, "dominique@exemple.fr")
		if start := ev.Props.Get("DTSTART"); start == nil || start.Value != "20261203T093000" || start.Params.Get("TZID") != "Europe/Paris" {
			t.Errorf("DTSTART %v", start)
		}
		golden(t, "person-moved.txt", shown(m))
		checkInvitation(t, m.Calendar)

		texts := e.sms.to(sms.Booking.Phone)
		if len(texts) != 2 || !strings.HasPrefix(texts[1], "Changement : Prendre en main son smartphone a lieu jeudi 3 décembre à 9 h 30. Pour annuler : ") {
			t.Errorf("SMS %+v", texts)
		}

		w := e.mails("eden@exemple.fr")
		if len(w) != 2 || w[1].Calendar != "" || !strings.Contains(w[1].Text, "Vous êtes toujours sur la liste d'attente.") {
			t.Errorf("Eden, waiting: %d emails", len(w))
		} else if !strings.Contains(w[1].Text, "Avant : mardi 1er décembre à 14 h.\nMaintenant : jeudi 3 décembre à 9 h 30") {
			t.Errorf("Eden's email:\n%s", w[1].Text)
		}
		_ = waiting

		pro := e.mails(proEmail)
		if len(pro) != 4 {
			t.Fatalf("the professional received %d emails, want 3 enrollments and 1 change", len(pro))
		}
		if !strings.Contains(pro[3].Text, "- Dominique\n- Hugo\n- Eden") {
			t.Errorf("the professional's change does not list their people:\n%s", pro[3].Text)
		}
		golden(t, "pro-moved.txt", shown(pro[3]))
	})
}

// TestSessionCancelled: the people are told, with the calendar's CANCEL carrying the
// session's new SEQUENCE; people on paper need a new convocation; the professional hears
// once, with the people they must tell themselves.
func TestSessionCancelled(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		paper := e.enroll(e.session.ID, person("Gaston", enrollment.ContactPaper))
		e.drain()
		if err := e.en.MarkConvocationHanded(ctx, e.member, paper.Booking.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
		if _, err := e.ws.CancelSession(ctx, e.member, e.session.ID, "La salle est inondée."); err != nil {
			t.Fatal(err)
		}
		e.drain()

		got := e.mails("dominique@exemple.fr")
		if len(got) != 2 {
			t.Fatalf("Dominique received %d emails", len(got))
		}
		ev := invitation(t, got[1], "CANCEL", e.session.ID, 1, "dominique@exemple.fr")
		if s := ev.Props.Get("STATUS"); s == nil || s.Value != "CANCELLED" {
			t.Errorf("STATUS %v", s)
		}
		golden(t, "person-session-cancelled.txt", shown(got[1]))
		checkInvitation(t, got[1].Calendar)

		board, err := e.nt.Board(ctx, e.member, e.st.Slug, "", 0)
		if err != nil || len(board.Convocations) != 1 || !board.Convocations[0].Next.Cancelled() {
			t.Errorf("convocations %+v, %v", board.Convocations, err)
		}
		pro := e.mails(proEmail)
		if len(pro) != 3 || !strings.Contains(pro[2].Text, "La séance est annulée.") || !strings.Contains(pro[2].Text, "Raison : La salle est inondée.") {
			t.Fatalf("the professional's emails: %d", len(pro))
		}
	})
}

// checkInvitation runs the independent validator on an invitation received by email,
// when ICS_CHECK names it (see ics/invitation_test.go).
func checkInvitation(t *testing.T, calendar string) {
	t.Helper()
	check := os.Getenv("ICS_CHECK")
	if check == "" {
		return
	}
	if !filepath.IsAbs(check) {
		check = filepath.Join("..", check)
	}
	file := filepath.Join(t.TempDir(), "invitation.ics")
	if err := os.WriteFile(file, []byte(calendar), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(check, "--profile", "invite", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ics-check: 1 files, 0 failures") {
		t.Errorf("ics-check: %v\n%s", err, out)
	}
	t.Logf("ics-check --profile invite: %s", strings.TrimSpace(string(out[strings.LastIndex(string(out), "ics-check:"):])))
}

// TestSameDayCancellationBreaksTheQuietHours: no SMS between 20:00 and 08:00, except the
// cancellation of a session that day, which cannot wait for the morning.
func TestSameDayCancellationBreaksTheQuietHours(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sameDay := e.enroll(e.session.ID, person("Hugo", enrollment.ContactSMS))
		later := wt.Session(t, e.ws, e.workshop, wt.Paris(t, 2026, 12, 8, 14, 0), nil)
		nextWeek := e.enroll(later.ID, person("Inès", enrollment.ContactSMS))
		e.drain()

		e.clock.Set(wt.Paris(t, 2026, 12, 1, 7, 0))
		if _, err := e.ws.CancelSession(ctx, e.member, e.session.ID, "Formateur malade."); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ws.CancelSession(ctx, e.member, later.ID, "Salle prise."); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if got := e.sms.to(sameDay.Booking.Phone); len(got) != 2 || !strings.HasPrefix(got[1], "Annulé : Prendre en main son smartphone, mardi 1er décembre à 14 h. Ne venez pas.") {
			t.Errorf("same-day cancellation at 7:00: %q", got)
		}
		if got := e.sms.to(nextWeek.Booking.Phone); len(got) != 1 {
			t.Errorf("next week's cancellation was sent at 7:00: %q", got)
		}
		e.clock.Set(wt.Paris(t, 2026, 12, 1, 8, 0))
		e.drain()
		if got := e.sms.to(nextWeek.Booking.Phone); len(got) != 2 {
			t.Errorf("next week's cancellation at 8:00: %q", got)
		}
	})
}
