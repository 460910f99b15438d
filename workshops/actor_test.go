package workshops_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/migrations/testdb"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
	wt "github.com/escale-numerique/escale/workshops/workshopstest"
)

// TestWritesCheckWhoActs: every write of a structure's things is allowed to its members,
// to its territory's coordinators and to the system, and to nobody else.
func TestWritesCheckWhoActs(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, _ := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		other := wt.Structure(t, svc, nil)
		elsewhere := &workshops.Territory{Name: "Autre territoire"}
		if err := svc.CreateTerritory(ctx, workshops.System, elsewhere); err != nil {
			t.Fatal(err)
		}
		actors := []struct {
			name  string
			actor workshops.Actor
			allow bool
		}{
			{"Anonymous", workshops.Actor{}, false},
			{"Professional", workshops.Actor{UserID: 1, Name: "Pro", Professional: true}, false},
			{"MemberOfAnotherStructure", workshops.Actor{UserID: 2, Name: "Autre", Structures: []int64{other.ID}}, false},
			{"CoordinatorOfAnotherTerritory", workshops.Actor{UserID: 3, Name: "Coord", Territories: []int64{elsewhere.ID}}, false},
			// UserID zero: the audit log's actor must be a real account, and accounts are
			// another package's business.
			{"Member", workshops.Actor{Name: "Médiatrice", Structures: []int64{st.ID}}, true},
			{"Coordinator", workshops.Actor{Name: "Coordinatrice", Territories: []int64{st.TerritoryID}}, true},
			{"System", workshops.System, true},
		}
		for _, a := range actors {
			t.Run(a.name, func(t *testing.T) {
				w := wt.Workshop(t, svc, st, nil)
				s := wt.Session(t, svc, w, now.Add(48*time.Hour), nil)
				start := now.Add(72 * time.Hour)
				end := start.Add(time.Hour)
				ops := []struct {
					name string
					op   func() error
				}{
					{"CreatePlace", func() error {
						return svc.CreatePlace(ctx, a.actor, &workshops.Place{StructureID: st.ID, Name: "Annexe", Address: "1 rue B", Postcode: "54000", Town: "Nancy"})
					}},
					{"CreateWorkshop", func() error {
						return svc.CreateWorkshop(ctx, a.actor, &workshops.Workshop{StructureID: st.ID, Title: "Atelier", Description: "Pour apprendre.",
							LevelMin: "debutant", LevelMax: "avance", ThemeSlugs: []string{"ludique"}, DefaultCapacity: 8, DefaultDurationMinutes: 90})
					}},
					{"CreateSessions", func() error {
						return svc.CreateSessions(ctx, a.actor, w.ID, []*workshops.Session{{StartsAt: start, EndsAt: end, Capacity: 8}})
					}},
					{"UpdateSession", func() error {
						_, err := svc.UpdateSession(ctx, a.actor, s.ID, workshops.SessionChange{StartsAt: &start, EndsAt: &end})
						return err
					}},
					{"CancelSession", func() error {
						_, err := svc.CancelSession(ctx, a.actor, s.ID, "Motif")
						return err
					}},
					{"CreateActiveStructure", func() error {
						return svc.CreateStructure(ctx, a.actor, &workshops.Structure{Name: "Nouvelle", Address: "1 rue A", Postcode: "54000", Town: "Nancy", TerritoryID: st.TerritoryID})
					}},
				}
				for _, o := range ops {
					name, err := o.name, o.op()
					allowed := name == "CreateActiveStructure" && (a.actor.System || a.actor.Coordinates(st.TerritoryID)) || name != "CreateActiveStructure" && a.allow
					switch {
					case allowed && err != nil:
						t.Errorf("%s: %v, want allowed", name, err)
					case !allowed && !errors.Is(err, workshops.ErrForbidden):
						t.Errorf("%s: %v, want ErrForbidden", name, err)
					}
				}
			})
		}
		t.Run("AnyoneMayAskToJoin", func(t *testing.T) {
			pending := &workshops.Structure{Name: "Asso du quartier", Address: "1 rue A", Postcode: "54000", Town: "Nancy", Status: workshops.StructurePending}
			if err := svc.CreateStructure(ctx, workshops.Actor{Name: "Visiteur"}, pending); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Structure(ctx, pending.Slug); !errors.Is(err, workshops.ErrNotFound) {
				t.Errorf("a pending structure is public: %v", err)
			}
		})
	})
}

// TestChangesLeaveATrace: writes are in the audit log, and moving or cancelling a session
// records once per revision that the people enrolled must be told.
func TestChangesLeaveATrace(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *bun.DB) {
		svc, clock := newService(t, db)
		ctx := context.Background()
		st := wt.Structure(t, svc, nil)
		mediator := workshops.Actor{UserID: 0, Name: "Camille Médiatrice", Structures: []int64{st.ID}}
		w := wt.Workshop(t, svc, st, nil)
		s := wt.Session(t, svc, w, now.Add(48*time.Hour), nil)

		clock.Add(time.Minute)
		later, laterEnd := s.StartsAt.Add(24*time.Hour), s.EndsAt.Add(24*time.Hour)
		if _, err := svc.UpdateSession(ctx, mediator, s.ID, workshops.SessionChange{StartsAt: &later, EndsAt: &laterEnd}); err != nil {
			t.Fatal(err)
		}
		capacity := 10
		if _, err := svc.UpdateSession(ctx, mediator, s.ID, workshops.SessionChange{Capacity: &capacity}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CancelSession(ctx, mediator, s.ID, "Salle inondée"); err != nil {
			t.Fatal(err)
		}

		entries, err := audit.List(ctx, db, audit.Filter{Structures: []int64{st.ID}})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Entity+" "+e.Action)
		}
		want := []string{"session cancelled", "session updated", "session moved", "session created", "workshop created", "structure created"}
		if len(actions) != len(want) {
			t.Fatalf("audit log: %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("audit log: %v, want %v", actions, want)
			}
		}
		if entries[0].ActorName != "Camille Médiatrice" || entries[0].Summary != "Motif : Salle inondée" {
			t.Errorf("cancel entry: %+v", entries[0])
		}

		var events []notify.Message
		if err := db.NewSelect().Model(&events).Where("kind = ?", notify.KindSessionChanged).Order("id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 {
			t.Fatalf("%d session-changed events, want 2 (moved, cancelled; not the capacity change)", len(events))
		}
		var moved, cancelled workshops.SessionChangeEvent
		_ = json.Unmarshal([]byte(events[0].Payload), &moved)
		_ = json.Unmarshal([]byte(events[1].Payload), &cancelled)
		if moved.Change != workshops.ChangeMoved || !moved.StartsAt.Equal(later) || !moved.BeforeStartsAt.Equal(s.StartsAt) || moved.Sequence != 1 {
			t.Errorf("moved event: %+v", moved)
		}
		if cancelled.Change != workshops.ChangeCancelled || cancelled.Reason != "Salle inondée" || cancelled.Sequence != 2 {
			t.Errorf("cancelled event: %+v", cancelled)
		}
		if events[0].StructureID != st.ID || events[0].SessionID != s.ID || events[0].Status != notify.StatusPending {
			t.Errorf("event row: %+v", events[0])
		}
	})
}

func isValidationAny(err error) bool {
	var ve *workshops.ValidationError
	return errors.As(err, &ve) && len(ve.Fields) > 0
}
