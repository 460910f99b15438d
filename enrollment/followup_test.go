package enrollment_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestSessionEditorKnowsTheEnrollments: who will be told of a change comes from the
// enrollments (the people holding or waiting for a seat, then their professionals), is
// logged as a consultation, and a session anyone ever enrolled in cannot be deleted,
// even once they all cancelled. A capacity raised from the form promotes who waits.
func TestSessionEditorKnowsTheEnrollments(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		team := workshops.Actor{Name: "Accueil", Structures: []int64{st.ID}}
		w := wt.Workshop(t, e.ws, st, nil)
		s := wt.Session(t, e.ws, w, now.Add(48*time.Hour), func(s *workshops.Session) { s.Capacity = 1 })
		p := person("Fatima")
		p.Phone, p.Contact = "06 12 34 56 78", enrollment.ContactSMS
		if _, err := e.enroll(e.pro, s.ID, p); err != nil {
			t.Fatal(err)
		}
		if _, err := e.enroll(e.pro, s.ID, person("Jean")); err != nil {
			t.Fatal(err)
		}

		ed, err := e.en.SessionEditor(ctx, team, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []workshops.Recipient{
			{Name: "Fatima", Via: "SMS"},
			{Name: "Jean (liste d'attente)", Via: "l'intermédiaire de Alex Pro"},
			{Name: "Alex Pro", Via: "courriel", Professional: true},
		}
		if !slices.Equal(ed.Recipients, want) || ed.People() != 2 || ed.Enrollments != 2 || ed.Deletable() {
			t.Errorf("editor: %+v, %d people, %d enrollments", ed.Recipients, ed.People(), ed.Enrollments)
		}
		if accessCount(t, db, enrollment.PurposeSessionChange) != 2 {
			t.Error("showing who will be told is not logged once per person")
		}

		capacity := 2
		ed, err = e.en.ChangeSession(ctx, team, s.ID, workshops.SessionEdit{Change: workshops.SessionChange{Capacity: &capacity}})
		if err != nil || ed == nil {
			t.Fatalf("raise the capacity: %v", err)
		}
		if confirmed, waiting, _, _ := counts(t, db, s.ID); confirmed != 2 || len(waiting) != 0 {
			t.Errorf("after the capacity grows from the form: %d confirmed, waiting %v", confirmed, waiting)
		}

		// Everyone cancels: the seats are free, but the session keeps their history.
		var ids []int64
		if err := db.NewSelect().Model((*enrollment.Enrollment)(nil)).Column("booking_id").Where("session_id = ?", s.ID).Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := e.en.Cancel(ctx, team, id); err != nil {
				t.Fatal(err)
			}
		}
		ed, err = e.en.RemoveSession(ctx, team, s.ID)
		if !errors.Is(err, workshops.ErrConflict) || ed == nil || ed.Deletable() || len(ed.Recipients) != 0 {
			t.Errorf("deleting a session whose people all cancelled: %v", err)
		}
		if err := e.ws.DeleteSession(ctx, team, s.ID); !errors.Is(err, workshops.ErrConflict) {
			t.Errorf("the calendar deletes a session with enrollments: %v", err)
		}
		empty := wt.Session(t, e.ws, w, now.Add(72*time.Hour), nil)
		if ed, err := e.en.SessionEditor(ctx, team, empty.ID); err != nil || !ed.Deletable() || len(ed.Recipients) != 0 {
			t.Errorf("a session nobody enrolled in: %+v, %v", ed, err)
		}
		if _, err := e.en.SessionEditor(ctx, workshops.Actor{Name: "Ailleurs", Structures: []int64{st.ID + 99}}, s.ID); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("another structure: %v", err)
		}
	})
}

// TestOrientationsFilterAndOneOrientation: the professional narrows their orientations
// by status (a session cancelled counts as cancelled), period and first name; one
// orientation is shown to its professional and the structure's team only.
func TestOrientationsFilterAndOneOrientation(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		w := wt.Workshop(t, e.ws, st, nil)
		soon := wt.Session(t, e.ws, w, wt.Paris(t, 2026, time.December, 1, 14, 0), nil)
		later := wt.Session(t, e.ws, w, wt.Paris(t, 2027, time.January, 12, 14, 0), nil)
		dropped := wt.Session(t, e.ws, w, wt.Paris(t, 2026, time.December, 8, 14, 0), nil)
		fatima, _ := e.enroll(e.pro, soon.ID, person("Fatima"))
		if _, err := e.enroll(e.pro, later.ID, person("Jean-Marc")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.enroll(e.pro, dropped.ID, person("Awa")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ws.CancelSession(ctx, workshops.System, dropped.ID, "Salle fermée"); err != nil {
			t.Fatal(err)
		}
		names := func(f enrollment.OrientationFilter) []string {
			t.Helper()
			list, err := e.en.Orientations(ctx, e.pro, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range list {
				out = append(out, o.Booking.FirstName)
			}
			slices.Sort(out)
			return out
		}
		for name, tc := range map[string]struct {
			f    enrollment.OrientationFilter
			want []string
		}{
			"Everyone":         {enrollment.OrientationFilter{}, []string{"Awa", "Fatima", "Jean-Marc"}},
			"Confirmed":        {enrollment.OrientationFilter{Status: enrollment.Confirmed}, []string{"Fatima", "Jean-Marc"}},
			"Cancelled":        {enrollment.OrientationFilter{Status: enrollment.Cancelled}, []string{"Awa"}},
			"December":         {enrollment.OrientationFilter{From: workshops.Date{Year: 2026, Month: 12, Day: 1}, To: workshops.Date{Year: 2026, Month: 12, Day: 31}}, []string{"Awa", "Fatima"}},
			"FromTheEighth":    {enrollment.OrientationFilter{From: workshops.Date{Year: 2026, Month: 12, Day: 8}}, []string{"Awa", "Jean-Marc"}},
			"UntilTheFirst":    {enrollment.OrientationFilter{To: workshops.Date{Year: 2026, Month: 12, Day: 1}}, []string{"Fatima"}},
			"FirstName":        {enrollment.OrientationFilter{FirstName: "  jean "}, []string{"Jean-Marc"}},
			"WildcardsAreText": {enrollment.OrientationFilter{FirstName: "%"}, nil},
		} {
			if got := names(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q, want %q", name, got, tc.want)
			}
		}

		team := workshops.Actor{Name: "Accueil", Structures: []int64{st.ID}}
		for who, actor := range map[string]workshops.Actor{"the professional": e.pro, "the structure": team} {
			o, err := e.en.Orientation(ctx, actor, fatima.Booking.ID, enrollment.PurposeCancel)
			if err != nil || o.Booking.FirstName != "Fatima" || o.Workshop.Structure.ID != st.ID || !o.Cancellable(e.clock.Now()) {
				t.Errorf("%s reads the orientation: %+v, %v", who, o, err)
			}
		}
		for who, actor := range map[string]workshops.Actor{
			"another professional": {UserID: e.pro.UserID + 1000, Name: "X", Professional: true},
			"another structure":    {Name: "Ailleurs", Structures: []int64{st.ID + 99}},
		} {
			if _, err := e.en.Orientation(ctx, actor, fatima.Booking.ID, enrollment.PurposeCancel); !errors.Is(err, workshops.ErrForbidden) {
				t.Errorf("%s reads the orientation: %v", who, err)
			}
		}
		if accessCount(t, db, enrollment.PurposeCancel) != 2 {
			t.Error("reading an orientation before cancelling it is not logged")
		}
		e.clock.Set(wt.Paris(t, 2026, time.December, 2, 9, 0))
		if o, _ := e.en.Orientation(ctx, e.pro, fatima.Booking.ID, enrollment.PurposeCancel); o.Cancellable(e.clock.Now()) {
			t.Error("a past session is still cancellable")
		}
	})
}
