package workshops

import (
	"context"
	"math"
	"slices"
)

// Alternatives proposes up to n upcoming public sessions with a seat left whose level
// range includes level (a level code), for someone the session given does not fit: those
// sharing a theme with it first, then the nearest, then the soonest. Returns ErrNotFound
// for an unknown session.
func (s *Service) Alternatives(ctx context.Context, sessionID int64, level string, n int) ([]Session, error) {
	orig, err := s.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	return s.alternatives(ctx, orig, level, n)
}

// LevelCheck is a public session seen for a person of a given level: what an orientation
// form shows before enrolling them.
type LevelCheck struct {
	Session    *Session
	Vocabulary *Vocabulary
	// Fits is false when the level is one of the vocabulary's and outside the workshop's
	// range; an empty or unknown level (not assessed) fits.
	Fits bool
	// Alternatives are up to n sessions that fit the level better, when it does not fit
	// (see Alternatives).
	Alternatives []Session
	// Parcours holds every session of the parcours the session belongs to, in order;
	// empty when the workshop is not a parcours.
	Parcours []Session
}

// CheckLevel reads a public session with the vocabulary (and its parcours) and says
// whether a person of a level fits its workshop, proposing up to n alternatives when they do not. Returns
// ErrNotFound.
func (s *Service) CheckLevel(ctx context.Context, sessionID int64, level string, n int) (*LevelCheck, error) {
	sess, err := s.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	voc, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	lc := &LevelCheck{Session: sess, Vocabulary: voc, Fits: sess.Workshop.ForLevel(voc, level)}
	if sess.GroupID != 0 && sess.Workshop.Parcours() {
		if lc.Parcours, err = s.GroupSessions(ctx, sess); err != nil {
			return nil, err
		}
	}
	if !lc.Fits && n > 0 {
		if lc.Alternatives, err = s.alternatives(ctx, sess, level, n); err != nil {
			return nil, err
		}
	}
	return lc, nil
}

// ForLevel reports whether the workshop is meant for a person of a level: true when the
// level is within its range, or when it is not one of the vocabulary's (not assessed).
func (w *Workshop) ForLevel(voc *Vocabulary, level string) bool {
	if voc.Level(level) == nil {
		return true
	}
	return slices.ContainsFunc(voc.LevelRange(w.LevelMin, w.LevelMax), func(l Level) bool { return l.Code == level })
}

func (s *Service) alternatives(ctx context.Context, orig *Session, level string, n int) ([]Session, error) {
	today := DateOf(s.now())
	page, err := s.ListSessions(ctx, Filter{Levels: []string{level}, Available: true, From: today, To: today.AddDays(92)},
		Page{Limit: MaxPageSize})
	if err != nil {
		return nil, err
	}
	here := orig.Location()
	type candidate struct {
		s        Session
		theme    bool
		distance float64
	}
	var cs []candidate
	for _, c := range page.Sessions {
		if c.ID == orig.ID || c.WorkshopID == orig.WorkshopID || !c.StartsAt.After(s.now()) {
			continue
		}
		shared := slices.ContainsFunc(c.Workshop.Themes, func(t Theme) bool { return orig.Workshop.HasTheme(t.Slug) })
		cs = append(cs, candidate{s: c, theme: shared, distance: distanceKm(here, c.Location())})
	}
	slices.SortStableFunc(cs, func(a, b candidate) int {
		switch {
		case a.theme != b.theme:
			if a.theme {
				return -1
			}
			return 1
		case a.distance != b.distance:
			if a.distance < b.distance {
				return -1
			}
			return 1
		}
		return a.s.StartsAt.Compare(b.s.StartsAt)
	})
	out := make([]Session, 0, n)
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.s)
	}
	return out, nil
}

// distanceKm is the great-circle distance between two locations; without coordinates, 0
// in the same town and far otherwise.
func distanceKm(a, b Location) float64 {
	if !a.HasCoordinates() || !b.HasCoordinates() {
		if Key(a.Town) == Key(b.Town) {
			return 0
		}
		return 1e6
	}
	const r = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(*b.Latitude-*a.Latitude), rad(*b.Longitude-*a.Longitude)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(*a.Latitude))*math.Cos(rad(*b.Latitude))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}
