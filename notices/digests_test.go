package notices_test

import (
	"context"
	"strings"
	"testing"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func (e *env) digests() int {
	e.t.Helper()
	n, err := e.nt.SendDigests(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestDailyDigest: a structure that asked for it gets, from 18:00, one email listing the
// enrollments since the previous evening; none on a day without any, none twice.
func TestDailyDigest(t *testing.T) {
	runDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		p := person("Dominique", enrollment.ContactEmail)
		p.LastName = "Lefèvre"
		e.enroll(e.session.ID, p)
		e.enroll(e.session.ID, person("Hugo", enrollment.ContactSMS))
		e.clock.Set(wt.Paris(t, 2026, 11, 24, 18, 0))
		if n := e.digests(); n != 0 {
			t.Fatalf("%d digests for a structure that did not ask", n)
		}
		st, err := e.ws.StructureForEdit(ctx, e.member, e.st.Slug)
		if err != nil {
			t.Fatal(err)
		}
		st.Digest = workshops.DigestDaily
		if err := e.ws.UpdateStructure(ctx, e.member, st); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(wt.Paris(t, 2026, 11, 24, 17, 59))
		if n := e.digests(); n != 0 {
			t.Fatalf("%d digests before 18:00", n)
		}
		e.clock.Set(wt.Paris(t, 2026, 11, 24, 18, 0))
		if n := e.digests(); n != 1 {
			t.Fatalf("%d digests at 18:00, want 1", n)
		}
		if n := e.digests(); n != 0 {
			t.Errorf("%d digests again", n)
		}
		e.clock.Set(wt.Paris(t, 2026, 11, 24, 18, 30))
		e.enroll(e.session.ID, person("Jade", enrollment.ContactEmail))
		e.drain()
		m := e.oneMail(structureEmail)
		if m.Subject != "Nouvelles inscriptions : mardi 24 novembre" ||
			!strings.Contains(m.Text, "- Dominique L. : Prendre en main son smartphone, mardi 1er décembre à 14 h, place réservée, par Alex Martin (CCAS de Nancy)\n- Hugo : ") ||
			strings.Contains(m.Text, "Jade") {
			t.Errorf("digest %q:\n%s", m.Subject, m.Text)
		}
		golden(t, "structure-digest.txt", shown(m))

		e.clock.Set(wt.Paris(t, 2026, 11, 25, 18, 0))
		if n := e.digests(); n != 1 {
			t.Errorf("%d digests the next day, want Jade's", n)
		}
		e.clock.Set(wt.Paris(t, 2026, 11, 26, 18, 0))
		if n := e.digests(); n != 0 {
			t.Errorf("%d digests on a day without enrollments", n)
		}
	})
}
