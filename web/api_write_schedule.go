package web

// Reading what POST /workshops/{slug}/sessions receives: one session, or a schedule.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/escale-numerique/escale/workshops"
)

// newSessionsInput is what POST /workshops/{slug}/sessions receives: one session
// (starts_at and ends_at, instants with their offset), or a schedule (frequency, the days
// it needs, start and end as Paris wall-clock times). capacity, place_id and animator
// apply to every session; capacity defaults to the workshop's default capacity.
type newSessionsInput struct {
	StartsAt  opt[string]   `json:"starts_at"`
	EndsAt    opt[string]   `json:"ends_at"`
	Frequency opt[string]   `json:"frequency"`
	First     opt[string]   `json:"first"`
	Until     opt[string]   `json:"until"`
	Dates     opt[[]string] `json:"dates"`
	Skip      opt[[]string] `json:"skip"`
	Start     opt[string]   `json:"start"`
	End       opt[string]   `json:"end"`
	Capacity  opt[int]      `json:"capacity"`
	PlaceID   opt[int64]    `json:"place_id"`
	Animator  opt[string]   `json:"animator"`
}

// scheduleMembers are the members of a schedule, by the frequencies they go with.
var scheduleMembers = map[string][]string{
	workshops.Once:        {"first"},
	workshops.Weekly:      {"first", "until", "skip"},
	workshops.Fortnightly: {"first", "until", "skip"},
	workshops.OnDates:     {"dates", "skip"},
}

// sent returns the names of the schedule members that were sent.
func (in *newSessionsInput) sent() []string {
	var out []string
	for _, m := range []struct {
		name string
		set  bool
	}{
		{"first", in.First.Set}, {"until", in.Until.Set}, {"dates", in.Dates.Set}, {"skip", in.Skip.Set},
		{"start", in.Start.Set}, {"end", in.End.Set},
	} {
		if m.set {
			out = append(out, m.name)
		}
	}
	return out
}

// session reads a single session, or names what is wrong with it.
func (in *newSessionsInput) session(capacity int) (*workshops.Session, error) {
	v := &workshops.ValidationError{}
	for _, name := range in.sent() {
		v.Add(name, "Ce champ décrit une série : il ne s'emploie qu'avec frequency.")
	}
	sess := &workshops.Session{Capacity: capacity}
	parseInstant(v, "starts_at", in.StartsAt, &sess.StartsAt)
	parseInstant(v, "ends_at", in.EndsAt, &sess.EndsAt)
	in.Capacity.applyIfGiven(&sess.Capacity)
	in.PlaceID.apply(&sess.PlaceID)
	in.Animator.apply(&sess.Animator)
	if v.Err() != nil {
		// The rest of the session's rules, so that every problem is named at once.
		return nil, joinInvalid(v, renamed(sess.Validate(), sessionNames))
	}
	return sess, nil
}

// schedule reads a schedule, or names what is wrong with it.
func (in *newSessionsInput) schedule(capacity int) (workshops.Schedule, error) {
	v := &workshops.ValidationError{}
	sc := workshops.Schedule{Frequency: in.Frequency.Value, Capacity: capacity}
	if in.StartsAt.Set {
		v.Add("starts_at", "Une série se décrit par first (ou dates) et start, pas par starts_at.")
	}
	if in.EndsAt.Set {
		v.Add("ends_at", "Une série se décrit par end (l'heure de fin), pas par ends_at.")
	}
	if allowed, ok := scheduleMembers[sc.Frequency]; ok {
		for _, name := range in.sent() {
			if name != "start" && name != "end" && !slices.Contains(allowed, name) {
				v.Add(name, fmt.Sprintf("Ce champ ne s'emploie pas avec frequency « %s ».", sc.Frequency))
			}
		}
	}
	sc.First = parseDate(v, "first", in.First.Value)
	sc.Until = parseDate(v, "until", in.Until.Value)
	if len(in.Dates.Value) > workshops.MaxScheduledSessions {
		v.Add("dates", fmt.Sprintf("Cela ferait %d séances : %d au plus à la fois.", len(in.Dates.Value), workshops.MaxScheduledSessions))
	} else {
		sc.Dates = parseDates(v, "dates", in.Dates.Value)
	}
	sc.Skip = parseDates(v, "skip", in.Skip.Value)
	sc.Start = parseClock(v, "start", in.Start, "Indiquez l'heure de début, par exemple 14:00.")
	sc.End = parseClock(v, "end", in.End, "Indiquez l'heure de fin, par exemple 16:00.")
	in.Capacity.applyIfGiven(&sc.Capacity)
	in.PlaceID.apply(&sc.PlaceID)
	in.Animator.apply(&sc.Animator)
	if v.Err() != nil {
		_, err := sc.Sessions()
		return sc, joinInvalid(v, err)
	}
	return sc, nil
}

// maxItemProblems bounds the invalid items of a list named one by one: a client that
// sends fifty thousand wrong dates hears about the first few, not in a 5 MB answer.
const maxItemProblems = 10

// parseDates reads the YYYY-MM-DD dates of list member name, naming each invalid item
// ("skip/3"), the first few of them only.
func parseDates(v *workshops.ValidationError, name string, list []string) []workshops.Date {
	out := make([]workshops.Date, 0, len(list))
	bad := 0
	for i, s := range list {
		item := &workshops.ValidationError{}
		if s == "" {
			// In a list, an empty date is a mistake, not "no date".
			s = "?"
		}
		out = append(out, parseDate(item, name+"/"+strconv.Itoa(i), s))
		if item.Err() != nil {
			if bad++; bad <= maxItemProblems {
				for k, msg := range item.Fields {
					v.Add(k, msg)
				}
			}
		}
	}
	return out
}

// parseClock reads a Paris wall-clock time ("14:00") from member name, recording msg in v
// when it is missing and a format message when it is not a time.
func parseClock(v *workshops.ValidationError, name string, o opt[string], msg string) workshops.Clock {
	if !o.given() || strings.TrimSpace(o.Value) == "" {
		v.Add(name, msg)
		return workshops.Clock{}
	}
	c, err := workshops.ParseClock(strings.TrimSpace(o.Value))
	if err != nil {
		v.Add(name, "Indiquez une heure au format HH:MM, par exemple 14:00.")
	}
	return c
}

// sessionNames are the API names of the domain's session fields, where they differ.
var sessionNames = map[string]string{"place": "place_id", "cancel_reason": "reason"}

// scheduleNames are the API names of the fields of the sessions a schedule makes: their
// days and times come from first (or dates), start and end.
func scheduleNames(frequency string) map[string]string {
	day := "first"
	if frequency == workshops.OnDates {
		day = "dates"
	}
	return map[string]string{"place": "place_id", "starts_at": day, "ends_at": "end"}
}
