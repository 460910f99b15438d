package notices_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notices"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func (e *env) schedule() int {
	e.t.Helper()
	n, err := e.nt.ScheduleReminders(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestReminders: by default the day before at 10:00 in Paris, each confirmed seat is
// reminded once, by the person's channel (their professional when they are told through
// them; nobody for paper), however often and from however many instances the scheduler
// runs; not a seat confirmed after that time, nor a cancelled one.
func TestReminders(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.session.Capacity = 6
		capacity := 6
		if _, err := e.en.UpdateSession(ctx, e.member, e.session.ID, workshops.SessionChange{Capacity: &capacity}); err != nil {
			t.Fatal(err)
		}
		e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		hugo := e.enroll(e.session.ID, person("Hugo", enrollment.ContactSMS))
		e.enroll(e.session.ID, person("Fatou", enrollment.ContactProfessional))
		e.enroll(e.session.ID, person("Gaston", enrollment.ContactPaper))
		gone := e.enroll(e.session.ID, person("Ivan", enrollment.ContactEmail))
		if err := e.en.Cancel(ctx, e.pro, gone.Booking.ID); err != nil {
			t.Fatal(err)
		}
		e.drain()
		emailsBefore := len(e.mails("dominique@exemple.fr"))

		e.clock.Set(wt.Paris(t, 2026, 11, 30, 9, 59))
		if n := e.schedule(); n != 0 {
			t.Fatalf("%d reminders before 10:00 the day before", n)
		}
		e.clock.Set(wt.Paris(t, 2026, 11, 30, 10, 0))
		// Two instances at once: each seat's reminder is recorded once.
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.nt.ScheduleReminders(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 4 {
			t.Fatalf("reminders recorded %v, want 4 in all", counts)
		}
		if n := e.schedule(); n != 0 {
			t.Errorf("%d reminders recorded again", n)
		}
		// Someone enrolled after 10:00 just had their confirmation.
		e.clock.Set(wt.Paris(t, 2026, 11, 30, 11, 0))
		e.enroll(e.session.ID, person("Jade", enrollment.ContactEmail))
		if n := e.schedule(); n != 0 {
			t.Errorf("%d reminders for a seat confirmed after the reminder time", n)
		}
		e.drain()

		mails := e.mails("dominique@exemple.fr")
		if len(mails) != emailsBefore+1 {
			t.Fatalf("Dominique received %d emails, want one more", len(mails))
		}
		r := mails[len(mails)-1]
		if r.Subject != "Rappel : Prendre en main son smartphone, mardi 1er décembre à 14 h" || r.Calendar != "" {
			t.Errorf("reminder %q with %d bytes of calendar", r.Subject, len(r.Calendar))
		}
		golden(t, "person-reminder.txt", shown(r))
		sms := e.sms.to(hugo.Booking.Phone)
		if len(sms) != 2 || !strings.HasPrefix(sms[1], "Rappel : Prendre en main son smartphone, mardi 1er décembre à 14 h") {
			t.Errorf("Hugo's SMS %+v", sms)
		}
		var relayed int
		for _, m := range e.mails(proEmail) {
			if strings.HasPrefix(m.Subject, "Rappel pour Fatou") {
				relayed++
			}
			if strings.HasPrefix(m.Subject, "Rappel pour") && !strings.HasPrefix(m.Subject, "Rappel pour Fatou") {
				t.Errorf("the professional got a reminder for someone who gets their own: %q", m.Subject)
			}
		}
		if relayed != 1 {
			t.Errorf("%d reminders relayed through the professional, want 1", relayed)
		}
		if got := e.mails("ivan@exemple.fr"); len(got) != 2 {
			t.Errorf("Ivan (cancelled) received %d emails, want the confirmation and the cancellation", len(got))
		}
		if got := e.mails("jade@exemple.fr"); len(got) != 1 {
			t.Errorf("Jade received %d emails, want the confirmation only", len(got))
		}
	})
}

// TestRemindersFollowTheStructuresSetting: a structure may remind the same day at 8:00,
// or not at all; a cancelled session is never reminded.
func TestRemindersFollowTheStructuresSetting(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.enroll(e.session.ID, person("Dominique", enrollment.ContactEmail))
		other := wt.Session(t, e.ws, e.workshop, wt.Paris(t, 2026, 12, 1, 9, 0), nil)
		e.enroll(other.ID, person("Hugo", enrollment.ContactSMS))
		if _, err := e.ws.CancelSession(ctx, e.member, other.ID, "Formateur malade."); err != nil {
			t.Fatal(err)
		}
		setReminder := func(code string) {
			t.Helper()
			st, err := e.ws.StructureForEdit(ctx, e.member, e.st.Slug)
			if err != nil {
				t.Fatal(err)
			}
			st.Reminder = code
			if err := e.ws.UpdateStructure(ctx, e.member, st); err != nil {
				t.Fatal(err)
			}
		}
		setReminder(workshops.ReminderSameDay8)
		e.clock.Set(wt.Paris(t, 2026, 11, 30, 10, 0))
		if n := e.schedule(); n != 0 {
			t.Errorf("%d reminders the day before, want none before 8:00 the same day", n)
		}
		setReminder(workshops.ReminderNone)
		e.clock.Set(wt.Paris(t, 2026, 12, 1, 8, 0))
		if n := e.schedule(); n != 0 {
			t.Errorf("%d reminders for a structure that sends none", n)
		}
		setReminder(workshops.ReminderSameDay8)
		if n := e.schedule(); n != 1 {
			t.Errorf("%d reminders at 8:00 the same day, want 1 (the other session is cancelled)", n)
		}
		e.drain()
		if got := e.outbox(notices.KindReminder); len(got) != 1 || got[0].Status != "done" {
			t.Errorf("reminder events %+v", got)
		}
	})
}
