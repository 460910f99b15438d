package workshops

import (
	"context"
	"fmt"
	"sort"
)

// KnownTown is a town with coordinates, offered when a structure or a place is entered so
// that nobody has to look up a latitude.
type KnownTown struct {
	Name      string
	Postcode  string
	Latitude  float64
	Longitude float64
}

// grandNancy are the twenty communes of the Métropole du Grand Nancy, the territory of
// the working group Escale started from, with approximate coordinates of their town
// centres: enough to place a town on a map, not an address.
var grandNancy = []KnownTown{
	{"Art-sur-Meurthe", "54510", 48.6578, 6.2572},
	{"Dommartemont", "54130", 48.7194, 6.2169},
	{"Essey-lès-Nancy", "54270", 48.7067, 6.2217},
	{"Fléville-devant-Nancy", "54710", 48.6247, 6.2031},
	{"Heillecourt", "54180", 48.6522, 6.1936},
	{"Houdemont", "54180", 48.6428, 6.1792},
	{"Jarville-la-Malgrange", "54140", 48.6711, 6.2044},
	{"Laneuveville-devant-Nancy", "54410", 48.6564, 6.2275},
	{"Laxou", "54520", 48.6847, 6.1506},
	{"Ludres", "54710", 48.6208, 6.1653},
	{"Malzéville", "54220", 48.7122, 6.1856},
	{"Maxéville", "54320", 48.7117, 6.1633},
	{"Nancy", "54000", 48.6921, 6.1844},
	{"Pulnoy", "54425", 48.7003, 6.2625},
	{"Saint-Max", "54130", 48.7017, 6.2064},
	{"Saulxures-lès-Nancy", "54420", 48.6881, 6.2481},
	{"Seichamps", "54280", 48.7161, 6.2653},
	{"Tomblaine", "54510", 48.6858, 6.2172},
	{"Vandœuvre-lès-Nancy", "54500", 48.6569, 6.1708},
	{"Villers-lès-Nancy", "54600", 48.6728, 6.1528},
}

// knownTowns lists the towns to pick from in a territory: the communes of the Grand Nancy
// metropolis, and the towns of the territory's structures and places that have
// coordinates (a town takes the coordinates of its first structure there), by name.
func (s *Service) knownTowns(ctx context.Context, territoryID int64) ([]KnownTown, error) {
	byKey := map[string]KnownTown{}
	for _, t := range grandNancy {
		byKey[Key(t.Name)] = t
	}
	var rows []struct {
		Town      string
		TownKey   string
		Postcode  string
		Latitude  float64
		Longitude float64
	}
	err := s.db.NewSelect().Model((*Structure)(nil)).
		Column("town", "town_key", "postcode", "latitude", "longitude").
		Where("territory_id = ? AND latitude IS NOT NULL AND longitude IS NOT NULL", territoryID).
		UnionAll(s.db.NewSelect().TableExpr("places AS pl").
			ColumnExpr("pl.town, pl.town_key, pl.postcode, pl.latitude, pl.longitude").
			Join("JOIN structures AS st ON st.id = pl.structure_id").
			Where("st.territory_id = ? AND pl.latitude IS NOT NULL AND pl.longitude IS NOT NULL", territoryID)).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("known towns: %w", err)
	}
	// Rows come in no particular order: sort them so that a town always takes the same
	// coordinates.
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.TownKey != b.TownKey {
			return a.TownKey < b.TownKey
		}
		if a.Latitude != b.Latitude {
			return a.Latitude < b.Latitude
		}
		return a.Longitude < b.Longitude
	})
	for _, r := range rows {
		if _, ok := byKey[r.TownKey]; !ok && r.TownKey != "" {
			byKey[r.TownKey] = KnownTown{Name: r.Town, Postcode: r.Postcode, Latitude: r.Latitude, Longitude: r.Longitude}
		}
	}
	out := make([]KnownTown, 0, len(byKey))
	for _, t := range byKey {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return Key(out[i].Name) < Key(out[j].Name) })
	return out, nil
}
