package workshops

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Date is a calendar day in Europe/Paris.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

var dateRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// ParseDate reads a YYYY-MM-DD date and rejects impossible ones (2025-13-45, 2025-02-30).
func ParseDate(s string) (Date, error) {
	m := dateRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Date{}, fmt.Errorf("date %q: format AAAA-MM-JJ attendu", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 12, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d || y < 2000 || y > 2100 {
		return Date{}, fmt.Errorf("date %q: jour impossible", s)
	}
	return Date{y, time.Month(mo), d}, nil
}

// DateOf returns the Paris day of an instant.
func DateOf(t time.Time) Date {
	p := t.In(Paris)
	return Date{p.Year(), p.Month(), p.Day()}
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats the date as YYYY-MM-DD (empty when unset).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Start returns midnight, Europe/Paris, at the start of the day.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Paris) }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Start().Before(e.Start()) }

// Filter holds the calendar's filters, shared by the pages, the feeds and the API.
type Filter struct {
	// Levels keeps sessions whose level range includes any of these level codes.
	Levels []string
	// Themes keeps sessions of workshops having any of these theme slugs.
	Themes []string
	// Structures keeps sessions of these structure slugs.
	Structures []string
	// City keeps sessions held in a town (name, any case or accents) or postcode prefix.
	City string
	// Query keeps sessions whose workshop or structure contains every word, ignoring
	// case and accents.
	Query string
	// From and To keep sessions starting on those days (Europe/Paris), both included.
	// Without From, only sessions not yet over are listed.
	From, To Date
	// Available keeps only scheduled sessions with a seat left.
	Available bool
}

// Limits on free-text filters.
const (
	maxQuery = 200
	maxCity  = 100
)

// IsZero reports whether no filter is set.
func (f Filter) IsZero() bool {
	return len(f.Levels) == 0 && len(f.Themes) == 0 && len(f.Structures) == 0 && f.City == "" &&
		f.Query == "" && f.From.IsZero() && f.To.IsZero() && !f.Available
}

// Validate checks the filter against the vocabulary and returns a *ValidationError whose
// fields are the query parameter names (level, theme, city, q, to).
func (f *Filter) Validate(voc *Vocabulary) error {
	f.City = cleanLine(f.City)
	f.Query = cleanLine(f.Query)
	v := &ValidationError{}
	for _, code := range f.Levels {
		if voc.Level(code) == nil {
			v.Add("level", fmt.Sprintf("Le niveau « %s » n'existe pas. Choisissez un niveau dans la liste.", truncate(cleanLine(code), 40)))
		}
	}
	for _, slug := range f.Themes {
		if voc.Theme(slug) == nil {
			v.Add("theme", fmt.Sprintf("Le thème « %s » n'existe pas. Choisissez un thème dans la liste.", truncate(cleanLine(slug), 40)))
		}
	}
	for _, slug := range f.Structures {
		if !IsSlug(slug) {
			v.Add("structure", "Cette structure n'existe pas. Choisissez une structure dans la liste.")
		}
	}
	if len([]rune(f.Query)) > maxQuery {
		v.Add("q", fmt.Sprintf("La recherche est trop longue : %d caractères au plus.", maxQuery))
	}
	if len([]rune(f.City)) > maxCity {
		v.Add("city", fmt.Sprintf("La commune est trop longue : %d caractères au plus.", maxCity))
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		v.Add("to", "La date de fin doit être après la date de début.")
	}
	return v.Err()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// terms returns the folded words of the free-text query.
func (f Filter) terms() []string {
	return strings.Fields(Key(f.Query))
}

// applyToWorkshops adds the workshop-level conditions (levels, themes, structures, city,
// text) to a query where the workshop is aliased "w" and its structure "structure".
func (f Filter) applyToWorkshops(q *bun.SelectQuery, voc *Vocabulary) *bun.SelectQuery {
	q = f.levelCondition(q, voc, "w")
	if len(f.Themes) > 0 {
		q = q.Where("w.id IN (SELECT wt.workshop_id FROM workshop_themes AS wt JOIN themes AS t ON t.id = wt.theme_id WHERE t.slug IN (?))", bun.In(f.Themes))
	}
	if len(f.Structures) > 0 {
		q = q.Where("structure.slug IN (?)", bun.In(f.Structures))
	}
	if f.City != "" {
		q = cityCondition(q, "structure", f.City, false)
	}
	for _, term := range f.terms() {
		pattern := likeContains(term)
		q = q.Where("(w.search_key LIKE ? ESCAPE '\\' OR structure.search_key LIKE ? ESCAPE '\\')", pattern, pattern)
	}
	return q
}

// levelCondition keeps workshops (aliased alias) whose range includes any of the levels.
// It compares codes, not ranks, so that the condition can use the (level_min, level_max)
// index: a range includes rank r when its minimum is one of the codes at or below r and
// its maximum one of the codes at or above r.
func (f Filter) levelCondition(q *bun.SelectQuery, voc *Vocabulary, alias string) *bun.SelectQuery {
	if len(f.Levels) == 0 {
		return q
	}
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		for _, code := range f.Levels {
			l := voc.Level(code)
			if l == nil {
				continue
			}
			lows := voc.codesWithRank(func(r int) bool { return r <= l.Rank })
			highs := voc.codesWithRank(func(r int) bool { return r >= l.Rank })
			q = q.WhereOr("(?.level_min IN (?) AND ?.level_max IN (?))",
				bun.Ident(alias), bun.In(lows), bun.Ident(alias), bun.In(highs))
		}
		return q
	})
}

// applyToSessions adds every condition of the filter to a session query that joins the
// workshop as "workshop", the structure as "structure" and the place as "place".
func (f Filter) applyToSessions(q *bun.SelectQuery, voc *Vocabulary, now time.Time) *bun.SelectQuery {
	q = f.levelCondition(q, voc, "workshop")
	if len(f.Themes) > 0 {
		q = q.Where("s.workshop_id IN (SELECT wt.workshop_id FROM workshop_themes AS wt JOIN themes AS t ON t.id = wt.theme_id WHERE t.slug IN (?))", bun.In(f.Themes))
	}
	if len(f.Structures) > 0 {
		// A subquery rather than the join's slug: the planner can then walk the
		// (structure_id, starts_at) index.
		q = q.Where("s.structure_id IN (SELECT st.id FROM structures AS st WHERE st.slug IN (?))", bun.In(f.Structures))
	}
	if f.City != "" {
		q = cityCondition(q, "s", f.City, true)
	}
	for _, term := range f.terms() {
		pattern := likeContains(term)
		q = q.Where("(workshop.search_key LIKE ? ESCAPE '\\' OR structure.search_key LIKE ? ESCAPE '\\')", pattern, pattern)
	}
	if f.From.IsZero() {
		// Not over yet. The bound on starts_at (a session lasts at most MaxDurationMinutes)
		// lets the (starts_at, id) index start at today rather than walk the whole history.
		q = q.Where("s.ends_at > ?", now.UTC()).
			Where("s.starts_at > ?", now.Add(-MaxDurationMinutes*time.Minute).UTC())
	} else {
		q = q.Where("s.starts_at >= ?", f.From.Start().UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("s.starts_at < ?", f.To.AddDays(1).Start().UTC())
	}
	if f.Available {
		q = q.Where("s.status = ?", SessionScheduled).Where("s.seats_taken < s.capacity").Where("s.starts_at > ?", now.UTC())
	}
	return q
}
