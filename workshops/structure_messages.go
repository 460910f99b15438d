package workshops

import "time"

// Digest settings: whether a structure receives, by email, the list of the day's new
// enrollments.
const (
	DigestNone  = "none"
	DigestDaily = "daily"
)

// Digests are the digest settings a structure chooses from, with their French labels.
var Digests = Choices{
	{DigestNone, "Non"},
	{DigestDaily, "Oui, chaque soir à 18 h"},
}

// DigestHour is the hour, Europe/Paris, of the daily digest.
const DigestHour = 18

// Reminder settings: when a structure's sessions are recalled to the people enrolled.
const (
	// ReminderDayBefore10 is the default: the day before at 10:00, Europe/Paris.
	ReminderDayBefore10 = "day-before-10"
	ReminderDayBefore18 = "day-before-18"
	ReminderTwoDays10   = "two-days-before-10"
	ReminderSameDay8    = "same-day-8"
	ReminderNone        = "none"
)

// Reminders are the reminder settings a structure chooses from, with their French labels.
var Reminders = Choices{
	{ReminderDayBefore10, "La veille à 10 h"},
	{ReminderDayBefore18, "La veille à 18 h"},
	{ReminderTwoDays10, "Deux jours avant, à 10 h"},
	{ReminderSameDay8, "Le jour même, à 8 h"},
	{ReminderNone, "Pas de rappel"},
}

// reminderRules say, per setting, how many days before the session's day and at what
// wall-clock hour the reminder is due.
var reminderRules = map[string]struct{ days, hour int }{
	ReminderDayBefore10: {1, 10},
	ReminderDayBefore18: {1, 18},
	ReminderTwoDays10:   {2, 10},
	ReminderSameDay8:    {0, 8},
}

// ReminderLead is the longest time between a reminder and its session: a scheduler looking
// for due reminders need not look at sessions further away.
const ReminderLead = 3 * 24 * time.Hour

// ReminderAt returns when the structure's reminder of a session starting at start is due,
// in Europe/Paris wall-clock time whatever the season, and false when the structure sends
// none.
func (st *Structure) ReminderAt(start time.Time) (time.Time, bool) {
	code := st.Reminder
	if code == "" {
		code = ReminderDayBefore10
	}
	r, ok := reminderRules[code]
	if !ok {
		return time.Time{}, false
	}
	d := start.In(Paris).AddDate(0, 0, -r.days)
	// Hours 8, 10 and 18 exist on every day, daylight-saving changes included.
	return time.Date(d.Year(), d.Month(), d.Day(), r.hour, 0, 0, 0, Paris), true
}
