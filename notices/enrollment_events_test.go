package notices_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestEnrolledByEmail: a person who chose email gets a confirmation from the structure,
// in text and HTML, with the calendar invitation (REQUEST, the feed's UID, the session's
// SEQUENCE); the orienting professional gets a confirmation; the structure nothing.
func TestEnrolledByEmail(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		p := person("Dominique", enrollment.ContactEmail)
		p.LastName = "Lefèvre"
		r := e.enroll(e.session.ID, p)
		e.drain()

		m := e.oneMail("dominique@exemple.fr")
		if m.From.Name != "Médiathèque des Tilleuls" || m.From.Address != "ne-pas-repondre@escale.example.fr" || m.ReplyTo != structureEmail {
			t.Errorf("From %q <%s>, Reply-To %q", m.From.Name, m.From.Address, m.ReplyTo)
		}
		ev := invitation(t, m, "REQUEST", e.session.ID, 0, "dominique@exemple.fr")
		if cn := ev.Props.Get("ATTENDEE").Params.Get("CN"); cn != "Dominique Lefèvre" {
			t.Errorf("ATTENDEE CN %q", cn)
		}
		if s := ev.Props.Get("STATUS"); s == nil || s.Value != "CONFIRMED" {
			t.Errorf("STATUS %v", s)
		}
		for _, want := range []string{"Votre place est réservée.", "Quand : mardi 1er décembre à 14 h. Fin à 16 h.", r.CancelURL,
			"La séance est jointe à ce courriel."} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.HTML, `<a href="`+r.CancelURL+`"`) || !strings.Contains(m.HTML, `<html lang="fr">`) {
			t.Errorf("HTML part:\n%s", m.HTML)
		}
		golden(t, "person-confirmed.txt", shown(m))
		checkInvitation(t, m.Calendar)

		pro := e.oneMail(proEmail)
		if pro.Subject != "Place réservée pour Dominique Lefèvre : Prendre en main son smartphone, mardi 1er décembre" || pro.Calendar != "" {
			t.Errorf("professional's email: %q, calendar %d bytes", pro.Subject, len(pro.Calendar))
		}
		golden(t, "pro-confirmed.txt", shown(pro))
		if got := e.mails(structureEmail); len(got) != 0 {
			t.Errorf("the structure was told of an enrollment: %q", got[0].Subject)
		}
	})
}

// TestWaitlistedBySMS: a person on the waiting list who chose SMS gets one SMS with their
// position and link, and no email; the professional gets the position too.
func TestWaitlistedBySMS(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		e.enroll(e.session.ID, person("Ana", enrollment.ContactProfessional))
		e.enroll(e.session.ID, person("Bao", enrollment.ContactProfessional))
		p := person("Chloé", enrollment.ContactSMS)
		r := e.enroll(e.session.ID, p)
		if r.Status != enrollment.Waitlisted || r.Position != 1 {
			t.Fatalf("status %s position %d", r.Status, r.Position)
		}
		e.drain()
		sms := e.sms.to(r.Booking.Phone)
		if len(sms) != 1 {
			t.Fatalf("%d SMS, want 1", len(sms))
		}
		text := sms[0]
		if !strings.HasPrefix(text, "Liste d'attente, place 1 : Prendre en main son smartphone, mardi 1er décembre à 14 h.") ||
			!strings.HasSuffix(text, r.CancelURL) || len([]rune(text)) > 160 {
			t.Errorf("SMS %q (%d characters)", text, len([]rune(text)))
		}
		if out := e.outbox(notify.KindSMS); len(out) != 1 || out[0].StructureID != e.st.ID || out[0].SessionID != e.session.ID || out[0].Urgent {
			t.Errorf("SMS in the outbox %+v", out)
		}
		var pro []string
		for _, m := range e.mails(proEmail) {
			pro = append(pro, m.Subject)
			if strings.HasPrefix(m.Subject, "Liste d'attente pour Chloé") && !strings.Contains(m.Text, "à la place numéro 1") {
				t.Errorf("professional's email lacks the position:\n%s", m.Text)
			}
		}
		if len(pro) != 3 || pro[2] != "Liste d'attente pour Chloé : Prendre en main son smartphone, mardi 1er décembre" {
			t.Errorf("professional's emails %q", pro)
		}
	})
}

// TestCancelledByThePersonPromotesTheNext: the person who cancels through their link gets
// a confirmation with the calendar's CANCEL (same UID, higher SEQUENCE); their
// professional and the structure are told; the first person waiting gets the seat, with
// an invitation.
func TestCancelledByThePersonPromotesTheNext(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		first := e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		e.enroll(e.session.ID, person("Bao", enrollment.ContactProfessional))
		waiting := e.enroll(e.session.ID, person("Eden", enrollment.ContactEmail))
		e.drain()
		token := strings.TrimPrefix(first.CancelURL, "https://agenda.example.fr/c/")
		if _, err := e.en.CancelByToken(ctx, token); err != nil {
			t.Fatal(err)
		}
		e.drain()

		mails := e.mails("dominique@exemple.fr")
		if len(mails) != 2 {
			t.Fatalf("Dominique received %d emails", len(mails))
		}
		cancel := mails[1]
		ev := invitation(t, cancel, "CANCEL", e.session.ID, 1, "dominique@exemple.fr")
		if s := ev.Props.Get("STATUS"); s == nil || s.Value != "CANCELLED" {
			t.Errorf("STATUS %v", s)
		}
		golden(t, "person-cancelled.txt", shown(cancel))
		checkInvitation(t, cancel.Calendar)

		st := e.oneMail(structureEmail)
		if !strings.Contains(st.Text, "Dominique a fait l'annulation.") {
			t.Errorf("structure's email:\n%s", st.Text)
		}
		golden(t, "structure-cancelled.txt", shown(st))

		promoted := e.mails("eden@exemple.fr")
		if len(promoted) != 2 || promoted[0].Subject != "Liste d'attente : Prendre en main son smartphone, mardi 1er décembre" ||
			!strings.HasPrefix(promoted[1].Subject, "Une place pour vous") {
			t.Fatalf("Eden received %d emails", len(promoted))
		}
		invitation(t, promoted[1], "REQUEST", e.session.ID, 0, "eden@exemple.fr")
		if promoted[0].Calendar != "" {
			t.Error("the waiting list came with an invitation")
		}
		_ = waiting

		var subjects []string
		for _, m := range e.mails(proEmail) {
			subjects = append(subjects, m.Subject)
		}
		for _, want := range []string{"Place annulée pour Dominique : Prendre en main son smartphone, mardi 1er décembre",
			"Une place pour Eden : Prendre en main son smartphone, mardi 1er décembre"} {
			if !slices.Contains(subjects, want) {
				t.Errorf("the professional did not get %q: %q", want, subjects)
			}
		}
	})
}

// TestCancelledByTheProfessional: the professional is not told of their own act; the
// person and the structure are, with who did it.
func TestCancelledByTheProfessional(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		r := e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		e.drain()
		if err := e.en.Cancel(context.Background(), e.pro, r.Booking.ID); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if got := e.mails(proEmail); len(got) != 1 {
			t.Errorf("the professional received %d emails, want only the confirmation", len(got))
		}
		m := e.mails("dominique@exemple.fr")
		if len(m) != 2 || !strings.Contains(m[1].Text, "L'annulation vient de Alex Martin (CCAS de Nancy).") {
			t.Fatalf("person's emails: %d", len(m))
		}
		if st := e.oneMail(structureEmail); !strings.Contains(st.Text, "L'annulation vient de Alex Martin (CCAS de Nancy), pour Dominique.") {
			t.Errorf("structure's email:\n%s", st.Text)
		}
	})
}

// TestThroughTheProfessional: a person told "through me" gets nothing; the professional's
// messages ask them to pass it on, and reminders go to them.
func TestThroughTheProfessional(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		p := person("Fatou", enrollment.ContactProfessional)
		p.Phone, p.Email = "06 11 22 33 44", "fatou@exemple.fr"
		e.enroll(e.session.ID, p)
		e.drain()
		if n := len(e.mails("fatou@exemple.fr")) + len(e.sms.to("+33611223344")); n != 0 {
			t.Errorf("the person was sent %d messages", n)
		}
		m := e.oneMail(proEmail)
		if !strings.Contains(m.Text, "Fatou souhaite recevoir les messages par vous.\nMerci de lui transmettre ce message.") {
			t.Errorf("professional's email:\n%s", m.Text)
		}
	})
}

// TestPaperOnly: a person who chose paper is sent nothing: the structure must hand a
// convocation, which shows on its board; the professional is told it will be.
func TestPaperOnly(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		r := e.enroll(e.session.ID, person("Gaston", enrollment.ContactPaper))
		e.drain()
		if got := e.outbox(notify.KindSMS); len(got) != 0 {
			t.Errorf("%d SMS for a paper contact", len(got))
		}
		board, err := e.nt.Board(ctx, e.member, e.st.Slug, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(board.Convocations) != 1 || board.Convocations[0].Booking.ID != r.Booking.ID {
			t.Fatalf("convocations %+v", board.Convocations)
		}
		if m := e.oneMail(proEmail); !strings.Contains(m.Text, "Gaston a choisi le papier.") || !strings.Contains(m.Text, r.CancelURL) {
			t.Errorf("professional's email:\n%s", m.Text)
		}
		if err := e.en.MarkConvocationHanded(ctx, e.member, r.Booking.ID); err != nil {
			t.Fatal(err)
		}
		// The session moves: a new convocation is due.
		e.clock.Add(time.Minute)
		later := e.session.StartsAt.Add(48 * time.Hour)
		end := later.Add(2 * time.Hour)
		if _, err := e.en.UpdateSession(ctx, e.member, e.session.ID, workshops.SessionChange{StartsAt: &later, EndsAt: &end}); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if board, err = e.nt.Board(ctx, e.member, e.st.Slug, "", 0); err != nil || len(board.Convocations) != 1 {
			t.Errorf("convocations after the move: %d, %v", len(board.Convocations), err)
		}
	})
}

// TestMarkedAbsent: only the orienting professional hears of an absence, to follow up.
func TestMarkedAbsent(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		r := e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		e.drain()
		e.clock.Set(e.session.StartsAt.Add(time.Hour))
		if err := e.en.MarkAttendance(ctx, e.member, e.session.ID, map[int64]bool{r.Booking.Enrollments[0].ID: false}); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if got := e.mails("dominique@exemple.fr"); len(got) != 1 {
			t.Errorf("the person received %d emails, want only the confirmation", len(got))
		}
		pro := e.mails(proEmail)
		if len(pro) != 2 || pro[1].Subject != "Dominique n'a pas participé : Prendre en main son smartphone, mardi 1er décembre" {
			t.Fatalf("professional's emails: %d", len(pro))
		}
		golden(t, "pro-absent.txt", shown(pro[1]))
	})
}

// TestReplayedEventSendsNothingTwice: an event handled again (a worker that crashed after
// composing, a coordinator's retry) writes no second message: every key is the event's,
// the recipient's and the channel's.
func TestReplayedEventSendsNothingTwice(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		e.enroll(e.session.ID, person("Hugo", enrollment.ContactSMS))
		e.drain()
		before := len(e.outbox(notify.KindEmail)) + len(e.outbox(notify.KindSMS))
		if before != 4 {
			t.Fatalf("%d messages, want 2 to the people and 2 to the professional", before)
		}
		if _, err := e.db.NewUpdate().Model((*notify.Message)(nil)).Set("status = ?", notify.StatusPending).
			Where("kind = ?", enrollment.EventKind).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if after := len(e.outbox(notify.KindEmail)) + len(e.outbox(notify.KindSMS)); after != before {
			t.Errorf("%d messages after the replay, want %d", after, before)
		}
		for _, ev := range e.outbox(enrollment.EventKind) {
			if ev.Status != notify.StatusDone {
				t.Errorf("event %d: %s", ev.ID, ev.Status)
			}
		}
	})
}

// TestParcoursIsToldOnce: a parcours is enrolled and cancelled as a whole, each seat
// recording its event; the person and the professional hear once, with every date, and
// the invitation is the first session's.
func TestParcoursIsToldOnce(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		w := wt.Workshop(t, e.ws, e.st, func(w *workshops.Workshop) { w.Kind = "parcours"; w.Title = "Parcours tablette" })
		sessions, err := e.ws.ScheduleSessions(ctx, workshops.System, w.ID, workshops.Schedule{Frequency: workshops.Weekly,
			First: workshops.DateOf(wt.Paris(t, 2026, 12, 2, 10, 0)), Until: workshops.DateOf(wt.Paris(t, 2026, 12, 16, 10, 0)),
			Start: workshops.Clock{Hour: 10}, End: workshops.Clock{Hour: 12}, Capacity: 4})
		if err != nil || len(sessions) != 3 {
			t.Fatalf("parcours: %d sessions, %v", len(sessions), err)
		}
		r := e.enroll(sessions[1].ID, person("Dominique", enrollment.ContactEmail))
		e.drain()
		m := e.oneMail("dominique@exemple.fr")
		invitation(t, m, "REQUEST", sessions[0].ID, 0, "dominique@exemple.fr")
		if !strings.Contains(m.Text, "Quand : mercredi 2 décembre à 10 h.") ||
			!strings.Contains(m.Text, "Les autres séances du parcours :\n- mercredi 9 décembre à 10 h\n- mercredi 16 décembre à 10 h") {
			t.Errorf("confirmation:\n%s", m.Text)
		}
		token := strings.TrimPrefix(r.CancelURL, "https://agenda.example.fr/c/")
		if _, err := e.en.CancelByToken(ctx, token); err != nil {
			t.Fatal(err)
		}
		e.drain()
		got := e.mails("dominique@exemple.fr")
		if len(got) != 2 || !strings.Contains(got[1].Text, "Et les autres séances du parcours.") {
			t.Fatalf("Dominique received %d emails, want a confirmation and one cancellation", len(got))
		}
		invitation(t, got[1], "CANCEL", sessions[0].ID, 1, "dominique@exemple.fr")
		if pro := e.mails(proEmail); len(pro) != 2 {
			t.Errorf("the professional received %d emails, want 2", len(pro))
		}
		if st := e.mails(structureEmail); len(st) != 1 {
			t.Errorf("the structure received %d emails, want 1", len(st))
		}
	})
}
