package workshops

import (
	"strconv"
	"time"
)

var (
	frenchWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths   = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"}
)

// FrenchMonth names a month in French, in lower case: "mars".
func FrenchMonth(m time.Month) string { return frenchMonths[m] }

// FrenchDay writes a day the French way, in Europe/Paris: "mardi 3 mars" ("1er" for the
// first of the month).
func FrenchDay(t time.Time) string {
	p := t.In(Paris)
	day := strconv.Itoa(p.Day())
	if p.Day() == 1 {
		day = "1er"
	}
	return frenchWeekdays[p.Weekday()] + " " + day + " " + frenchMonths[p.Month()]
}

// FrenchTime writes a time of day in Europe/Paris: "14 h", "9 h 30".
func FrenchTime(t time.Time) string {
	p := t.In(Paris)
	if p.Minute() == 0 {
		return strconv.Itoa(p.Hour()) + " h"
	}
	return strconv.Itoa(p.Hour()) + " h " + strconv.Itoa(p.Minute()/10) + strconv.Itoa(p.Minute()%10)
}
