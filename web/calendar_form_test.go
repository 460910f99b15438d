package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestStructureMenuStaysShortOnLargeTerritories: past 150 structures the calendar's
// structure menu holds only the selection and asks for a town first; with a town it lists
// that town's structures.
func TestStructureMenuStaysShortOnLargeTerritories(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db)
		var laxou *workshops.Structure
		for i := range 151 {
			st := wt.Structure(t, e.svc, func(s *workshops.Structure) {
				s.Name = fmt.Sprintf("Association %03d", i)
				if i%50 == 0 {
					s.Town, s.Postcode = "Laxou", "54520"
				}
			})
			if i == 50 {
				laxou = st
			}
		}
		options := func(path string) ([]string, bool) {
			resp, doc := e.page(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, resp.StatusCode)
			}
			return attrs(doc.Find("#f-structure option[value!='']"), "value"), doc.Find("#f-structure-hint").Length() == 1
		}

		if got, hint := options("/"); len(got) != 0 || !hint {
			t.Errorf("no town: %d structures offered, hint %v; want none and the hint", len(got), hint)
		}
		if got, hint := options("/?structure=" + laxou.Slug); len(got) != 1 || got[0] != laxou.Slug || !hint {
			t.Errorf("no town, one selected: %v, hint %v; want only the selection", got, hint)
		}
		if got, hint := options("/?city=Laxou"); len(got) != 4 || hint {
			t.Errorf("Laxou: %v, hint %v; want its 4 structures", got, hint)
		}
	})
}
