package audit_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// A page of a structure's journal reads that structure's newest entries through its index,
// in the index's order: it neither reads nor sorts the structure's whole log.
func TestJournalPageReadsOnlyItsEntries(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc := workshops.NewService(db)
		quiet := wt.Structure(t, svc, func(st *workshops.Structure) { st.Name = "Médiathèque Jules Verne" })
		busy := wt.Structure(t, svc, func(st *workshops.Structure) { st.Name = "Centre social Les Nations" })
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		var entries []*audit.Entry
		for i := range 3000 {
			st := busy
			if i%100 == 0 {
				st = quiet
			}
			entries = append(entries, &audit.Entry{At: at.Add(time.Duration(i) * time.Second), ActorName: "Camille", Action: "enrolled",
				Entity: "booking", EntityID: strconv.Itoa(i), TerritoryID: st.TerritoryID, StructureID: st.ID})
		}
		if err := audit.RecordMany(ctx, db, entries); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}

		var got []audit.Entry
		plan := testdb.Plan(t, db, func(ctx context.Context) (err error) {
			got, err = audit.List(ctx, db, audit.Filter{Structures: []int64{quiet.ID}, Limit: 3})
			return err
		})
		if len(got) != 3 || got[0].EntityID != "2900" || got[2].EntityID != "2700" {
			t.Errorf("the structure's newest entries = %+v", got)
		}
		if !strings.Contains(plan, "audit_log_structure") {
			t.Errorf("the journal is not read through audit_log_structure:\n%s", plan)
		}
		if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "Sort") {
			t.Errorf("the journal's page is sorted after reading all the structure's entries:\n%s", plan)
		}
	})
}
