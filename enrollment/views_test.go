package enrollment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func accessCount(t *testing.T, db *bun.DB, purpose string) int {
	t.Helper()
	n, err := db.NewSelect().Model((*enrollment.AccessEntry)(nil)).Where("purpose = ?", purpose).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestRosterAttendanceAndOrientations(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		team := workshops.Actor{Name: "Accueil", Structures: []int64{st.ID}}
		outsider := workshops.Actor{Name: "Ailleurs", Structures: []int64{st.ID + 99}}
		s := wt.Session(t, e.ws, wt.Workshop(t, e.ws, st, nil), now.Add(2*time.Hour), func(s *workshops.Session) { s.Capacity = 2 })
		p := person("Fatima")
		p.Phone, p.Contact, p.NeedsDevice = "06 12 34 56 78", enrollment.ContactSMS, true
		fatima, _ := e.enroll(e.pro, s.ID, p)
		jean, _ := e.enroll(e.pro, s.ID, person("Jean"))
		waiting, _ := e.enroll(e.pro, s.ID, person("Awa"))

		r, err := e.en.Roster(ctx, team, s.ID, enrollment.PurposeRoster)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Confirmed()) != 2 || len(r.Waiting()) != 1 || r.Confirmed()[0].Booking.Phone != "+33612345678" ||
			r.Confirmed()[0].OrientedByName != "Alex Pro" || !r.Confirmed()[0].Booking.NeedsDevice {
			t.Errorf("roster: %+v", r.Lines)
		}
		if accessCount(t, db, enrollment.PurposeRoster) != 3 {
			t.Error("looking at the roster is not logged once per person")
		}
		if _, err := e.en.Roster(ctx, outsider, s.ID, enrollment.PurposeRoster); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("another structure reads the roster: %v", err)
		}

		marks := map[int64]bool{fatima.Booking.Enrollments[0].ID: true, jean.Booking.Enrollments[0].ID: false}
		if err := e.en.MarkAttendance(ctx, team, s.ID, marks); !errors.Is(err, workshops.ErrConflict) {
			t.Errorf("attendance before the session: %v", err)
		}
		e.clock.Add(3 * time.Hour)
		if err := e.en.MarkAttendance(ctx, team, s.ID, marks); err != nil {
			t.Fatal(err)
		}
		if err := e.en.MarkAttendance(ctx, team, s.ID, map[int64]bool{waiting.Booking.Enrollments[0].ID: true}); !errors.Is(err, workshops.ErrNotFound) {
			t.Errorf("someone on the waiting list marked present: %v", err)
		}
		absent, err := db.NewSelect().Model((*notify.Message)(nil)).Where("idempotency_key LIKE 'enrollment:absent:%'").Count(ctx)
		if err != nil || absent != 1 {
			t.Errorf("%d absence events, want 1 (the professional follows up)", absent)
		}

		list, err := e.en.Orientations(ctx, e.pro, enrollment.OrientationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[string]string{}
		for _, o := range list {
			statuses[o.Booking.FirstName] = o.Status()
		}
		if statuses["Fatima"] != "présent" || statuses["Jean"] != "absent" || statuses["Awa"] != "liste d'attente n°1" {
			t.Errorf("orientations: %v", statuses)
		}
		absents, _ := e.en.Orientations(ctx, e.pro, enrollment.OrientationFilter{Status: enrollment.Absent})
		if len(absents) != 1 || absents[0].Booking.FirstName != "Jean" {
			t.Errorf("absent filter: %d", len(absents))
		}
		if other, _ := e.en.Orientations(ctx, workshops.Actor{UserID: e.pro.UserID + 1000, Name: "X"}, enrollment.OrientationFilter{}); len(other) != 0 {
			t.Errorf("another professional sees %d orientations", len(other))
		}
	})
}

func TestRetentionAndErasure(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := wt.Structure(t, e.ws, nil)
		coordinator := workshops.Actor{Name: "Coordination", Territories: []int64{st.TerritoryID}}
		w := wt.Workshop(t, e.ws, st, nil)
		old := wt.Session(t, e.ws, w, now.Add(24*time.Hour), nil)
		recent := wt.Session(t, e.ws, w, now.Add(200*24*time.Hour), nil)
		p := person("Fatima")
		p.Email, p.Contact = "fatima@exemple.fr", enrollment.ContactEmail
		a, _ := e.enroll(e.pro, old.ID, p)
		b, _ := e.enroll(e.pro, recent.ID, person("Jean"))

		e.clock.Add(370 * 24 * time.Hour) // a year after the first session, 170 days after the second
		n, err := e.en.Purge(ctx, enrollment.DefaultRetention)
		if err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v; want the first booking only", n, err)
		}
		var purged, kept enrollment.Booking
		_ = db.NewSelect().Model(&purged).Where("id = ?", a.Booking.ID).Scan(ctx)
		_ = db.NewSelect().Model(&kept).Where("id = ?", b.Booking.ID).Scan(ctx)
		if purged.FirstName != "" || purged.Email != "" || purged.PurgedAt == nil || purged.Level != "debutant" || purged.Contact != enrollment.ContactEmail {
			t.Errorf("purged booking: %+v (the level and contact preference stay for statistics)", purged)
		}
		if kept.FirstName != "Jean" {
			t.Errorf("a recent booking was purged: %+v", kept)
		}

		found, err := e.en.FindBookings(ctx, coordinator, enrollment.PersonQuery{Text: "jea"})
		if err != nil || len(found) != 1 {
			t.Fatalf("FindBookings = %d, %v", len(found), err)
		}
		if _, err := e.en.FindBookings(ctx, workshops.Actor{Name: "Membre", Structures: []int64{st.ID}}, enrollment.PersonQuery{Text: "jea"}); !errors.Is(err, workshops.ErrForbidden) {
			t.Errorf("a member searches people: %v", err)
		}
		if exp, err := e.en.Export(ctx, coordinator, b.Booking.ID); err != nil || exp.Booking.FirstName != "Jean" {
			t.Errorf("Export: %v", err)
		}
		if err := e.en.Erase(ctx, coordinator, b.Booking.ID); err != nil {
			t.Fatal(err)
		}
		_ = db.NewSelect().Model(&kept).Where("id = ?", b.Booking.ID).Scan(ctx)
		if kept.FirstName != "" || kept.PurgedAt == nil {
			t.Errorf("erased booking: %+v", kept)
		}
		if accessCount(t, db, enrollment.PurposeSearch) != 1 || accessCount(t, db, enrollment.PurposeErase) != 1 ||
			accessCount(t, db, enrollment.PurposeExport) != 1 {
			t.Error("the search, the export and the erasure are not logged once each")
		}
	})
}
