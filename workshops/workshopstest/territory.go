package workshopstest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

// TerritorySpec sizes a synthetic territory for benchmarks.
type TerritorySpec struct {
	Structures int
	Workshops  int // spread over the structures
	Sessions   int // upcoming, spread over the workshops and the next Days days
	Days       int
	// PastDays spreads sessions over that many days before today as well (history).
	PastDays int
	Towns    int
	// TownPrefix, when set, puts the structures in synthetic towns "<prefix> 1", "<prefix> 2"…
	// with postcodes 880xx (Vosges) instead of BenchTowns, so that they match no filter
	// on BenchTowns' names or 54xxx postcodes.
	TownPrefix string
	Seed       uint64
}

// BenchTowns are the towns a synthetic territory uses, in order.
var BenchTowns = []struct{ Name, Postcode string }{
	{"Nancy", "54000"}, {"Vandœuvre-lès-Nancy", "54500"}, {"Laxou", "54520"}, {"Maxéville", "54320"},
	{"Tomblaine", "54510"}, {"Villers-lès-Nancy", "54600"}, {"Malzéville", "54220"},
	{"Jarville-la-Malgrange", "54140"}, {"Saint-Max", "54130"}, {"Essey-lès-Nancy", "54270"},
	{"Lunéville", "54300"}, {"Pont-à-Mousson", "54700"}, {"Toul", "54200"}, {"Metz", "57000"},
	{"Épinal", "88000"}, {"Verdun", "55100"}, {"Bar-le-Duc", "55000"}, {"Thionville", "57100"},
	{"Saint-Dié-des-Vosges", "88100"}, {"Briey", "54150"},
}

var themeSlugs = []string{"ludique", "parcours-de-vie", "prise-en-main", "communiquer", "demarches-en-ligne",
	"securite-vie-privee", "emploi-insertion", "parentalite-scolarite"}
var levelCodes = []string{"eloigne", "debutant", "intermediaire", "avance", "autonome"}

// BuildTerritory fills the service with a synthetic territory through its public API:
// structures round-robin over the towns, workshops with random level ranges and one or two
// themes, and sessions at random days and hours (Europe/Paris) from the service's now on
// (and before it, with PastDays), created in series of up to 50 per workshop. The same
// spec and seed build the same territory. It returns the structures created.
func BuildTerritory(tb testing.TB, svc *workshops.Service, spec TerritorySpec) []*workshops.Structure {
	tb.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(spec.Seed, 42))
	if spec.Towns <= 0 || spec.TownPrefix == "" && spec.Towns > len(BenchTowns) || spec.Towns > 99 {
		spec.Towns = len(BenchTowns)
	}
	if spec.Days <= 0 {
		spec.Days = 90
	}
	structures := make([]*workshops.Structure, 0, spec.Structures)
	for i := range spec.Structures {
		var town struct{ Name, Postcode string }
		if spec.TownPrefix != "" {
			n := i%spec.Towns + 1
			town.Name, town.Postcode = fmt.Sprintf("%s %d", spec.TownPrefix, n), fmt.Sprintf("880%02d", n)
		} else {
			town = BenchTowns[i%spec.Towns]
		}
		st := &workshops.Structure{
			Name: fmt.Sprintf("%s n°%d", workshops.StructureKinds[i%7].Label, i+1), Kind: workshops.StructureKinds[i%7].Code,
			Address: fmt.Sprintf("%d rue de la République", i%90+1), Postcode: town.Postcode, Town: town.Name,
			Latitude: ptr(48.6 + r.Float64()/5), Longitude: ptr(6.1 + r.Float64()/5),
			Phone: "03 83 00 00 00", Email: fmt.Sprintf("contact%d@structure.example.fr", i+1),
		}
		if err := svc.CreateStructure(ctx, workshops.System, st); err != nil {
			tb.Fatalf("structure %d: %v", i, err)
		}
		structures = append(structures, st)
	}
	ws := make([]*workshops.Workshop, 0, spec.Workshops)
	for i := range spec.Workshops {
		lo := r.IntN(5)
		hi := lo + r.IntN(5-lo)
		themes := []string{themeSlugs[i%len(themeSlugs)]}
		if r.IntN(3) == 0 {
			if extra := themeSlugs[r.IntN(len(themeSlugs))]; extra != themes[0] {
				themes = append(themes, extra)
			}
		}
		w := &workshops.Workshop{
			StructureID: structures[i%len(structures)].ID,
			Title:       fmt.Sprintf("Atelier numérique n°%d : %s", i+1, []string{"smartphone", "courriel", "démarches", "photos", "sécurité", "emploi"}[i%6]),
			Summary:     "Un atelier en petit groupe pour avancer à son rythme.",
			Description: "Nous apprenons ensemble, pas à pas, avec des exemples de la vie de tous les jours. Chacun vient avec ses questions.",
			LevelMin:    levelCodes[lo], LevelMax: levelCodes[hi], ThemeSlugs: themes,
			DefaultCapacity: 10, DefaultDurationMinutes: 120,
			DevicesLent: workshops.List{"tablette"}, WhatToBring: "Vos identifiants si vous les avez.",
		}
		if err := svc.CreateWorkshop(ctx, workshops.System, w); err != nil {
			tb.Fatalf("workshop %d: %v", i, err)
		}
		ws = append(ws, w)
	}
	today := workshops.DateOf(svc.Now())
	remaining := spec.Sessions
	for i := 0; remaining > 0; i++ {
		w := ws[i%len(ws)]
		n := min(remaining, 1+r.IntN(50))
		batch := make([]*workshops.Session, 0, n)
		for range n {
			d := today.AddDays(1 + r.IntN(spec.Days))
			if spec.PastDays > 0 && r.IntN(spec.Days+spec.PastDays) < spec.PastDays {
				d = today.AddDays(-1 - r.IntN(spec.PastDays))
			}
			start, ok := workshops.ParisTime(d.Year, d.Month, d.Day, 9+r.IntN(9), []int{0, 30}[r.IntN(2)])
			if !ok {
				continue
			}
			capacity := 6 + r.IntN(10)
			batch = append(batch, &workshops.Session{StartsAt: start, EndsAt: start.Add(2 * time.Hour),
				Capacity: capacity, SeatsTaken: r.IntN(capacity + 1), Animator: "Camille"})
		}
		if err := svc.CreateSessions(ctx, workshops.System, w.ID, batch); err != nil {
			tb.Fatalf("sessions: %v", err)
		}
		remaining -= len(batch)
	}
	return structures
}
