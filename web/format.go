package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/escale-numerique/escale/workshops"
)

// frDay writes a day the French way, in Europe/Paris: "mardi 3 mars" ("1er" for the first).
func frDay(t time.Time) string { return workshops.FrenchDay(t) }

// frDate is frDay with the year: "mardi 3 mars 2026".
func frDate(t time.Time) string {
	return frDay(t) + " " + fmt.Sprint(t.In(workshops.Paris).Year())
}

// frTime writes a time of day in Europe/Paris: "14 h", "9 h 30".
func frTime(t time.Time) string { return workshops.FrenchTime(t) }

// frTimeRange writes "de 14 h à 16 h 30".
func frTimeRange(start, end time.Time) string {
	return "de " + frTime(start) + " à " + frTime(end)
}

// frDuration writes a duration: "2 h", "1 h 30", "45 min".
func frDuration(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}

// relDays says how far a day is from now's day, in Europe/Paris: "aujourd'hui", "demain",
// "dans 3 jours", "hier", "il y a 5 jours".
func relDays(now, t time.Time) string {
	a, b := workshops.DateOf(now).Start(), workshops.DateOf(t).Start()
	// Round: days across a daylight-saving change last 23 or 25 hours.
	days := int((b.Sub(a) + 12*time.Hour).Hours() / 24)
	if b.Before(a) {
		days = -int((a.Sub(b) + 12*time.Hour).Hours() / 24)
	}
	switch {
	case days == 0:
		return "aujourd'hui"
	case days == 1:
		return "demain"
	case days == 2:
		return "après-demain"
	case days == -1:
		return "hier"
	case days > 0:
		return fmt.Sprintf("dans %d jours", days)
	}
	return fmt.Sprintf("il y a %d jours", -days)
}

// plural writes n with the singular word for 0 and 1, as French does, and the plural
// word otherwise: plural 3 "place" "places" → "3 places".
func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// seatsText describes the seats of a session in words.
func seatsText(s *workshops.Session) string {
	switch {
	case s.Cancelled():
		return "Séance annulée"
	case s.Full():
		return "Complet"
	case s.SeatsLeft() == 1:
		return "1 place restante"
	}
	return fmt.Sprintf("%d places restantes", s.SeatsLeft())
}

func templateFuncs(st *staticFiles) template.FuncMap {
	return template.FuncMap{
		"asset":       st.url,
		"frDay":       frDay,
		"frDate":      frDate,
		"frTime":      frTime,
		"frTimeRange": frTimeRange,
		"frDuration":  frDuration,
		"relDays":     relDays,
		"plural":      plural,
		"seatsText":   seatsText,
		"join":        strings.Join,
		"paragraphs":  paragraphs,
		"isoTime":     func(t time.Time) string { return t.In(workshops.Paris).Format(time.RFC3339) },
		"label": func(cs workshops.Choices, code string) string {
			return cs.Label(code)
		},
		"vocab": func(name string) workshops.Choices { return choicesByName[name] },
	}
}

var choicesByName = map[string]workshops.Choices{
	"structureKinds":  workshops.StructureKinds,
	"structureLabels": workshops.StructureLabels,
	"formats":         workshops.Formats,
	"workshopKinds":   workshops.WorkshopKinds,
	"lifeEvents":      workshops.LifeEvents,
	"devices":         workshops.Devices,
	"prices":          workshops.Prices,
	"enrollmentModes": workshops.EnrollmentModes,
	"languages":       workshops.Languages,
}

// paragraphs splits plain text on blank lines, for <p> elements.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
