package workshops_test

import (
	"testing"
	"time"

	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestReminderAt(t *testing.T) {
	// The Monday after clocks went forward (Sunday 29 March 2026), and the Monday after they
	// went back (Sunday 25 October 2026): wall-clock hours hold across both.
	spring := wt.Paris(t, 2026, 3, 30, 9, 30)
	autumn := wt.Paris(t, 2026, 10, 26, 14, 0)
	for _, tt := range []struct {
		reminder string
		start    time.Time
		want     time.Time
	}{
		{"", spring, wt.Paris(t, 2026, 3, 29, 10, 0)},
		{workshops.ReminderDayBefore10, autumn, wt.Paris(t, 2026, 10, 25, 10, 0)},
		{workshops.ReminderDayBefore18, spring, wt.Paris(t, 2026, 3, 29, 18, 0)},
		{workshops.ReminderTwoDays10, autumn, wt.Paris(t, 2026, 10, 24, 10, 0)},
		{workshops.ReminderSameDay8, spring, wt.Paris(t, 2026, 3, 30, 8, 0)},
		{workshops.ReminderTwoDays10, wt.Paris(t, 2026, 3, 1, 10, 0), wt.Paris(t, 2026, 2, 27, 10, 0)},
	} {
		st := &workshops.Structure{Reminder: tt.reminder}
		got, ok := st.ReminderAt(tt.start)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("%q for %v: %v %v, want %v", tt.reminder, tt.start, got, ok, tt.want)
		}
		if tt.start.Sub(got) > workshops.ReminderLead {
			t.Errorf("%q: %v before the session, more than ReminderLead", tt.reminder, tt.start.Sub(got))
		}
	}
	if _, ok := (&workshops.Structure{Reminder: workshops.ReminderNone}).ReminderAt(spring); ok {
		t.Error("a structure without reminders has a reminder time")
	}
}

func TestStructureReminderIsValidated(t *testing.T) {
	st := &workshops.Structure{Name: "Médiathèque", Address: "1 rue de la Paix", Postcode: "54000", Town: "Nancy"}
	if err := st.Validate(); err != nil || st.Reminder != workshops.ReminderDayBefore10 {
		t.Fatalf("default: %v, reminder %q", err, st.Reminder)
	}
	st.Reminder = "la-veille"
	ve, ok := st.Validate().(*workshops.ValidationError)
	if !ok || ve.Fields["reminder"] == "" {
		t.Errorf("unknown reminder accepted: %v", st.Validate())
	}
}
