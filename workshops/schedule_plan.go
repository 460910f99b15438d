package workshops

import (
	"context"
	"slices"
)

// SchedulePlan is what the form adding sessions to a workshop shows.
type SchedulePlan struct {
	// Workshop has its structure.
	Workshop *Workshop
	// Places are the structure's other places, by name.
	Places []Place
	// Days are the schedule's days before any is skipped, each with the public holiday
	// it falls on and whether it is skipped; empty until the schedule's dates are valid.
	Days []PlannedDay
	// Created are the sessions stored, when the plan was to create them.
	Created []*Session
}

// PlannedDay is one day a schedule gives.
type PlannedDay struct {
	Date Date
	// Holiday names the French public holiday of that day, if it is one.
	Holiday string
	// Skipped says no session will be held that day.
	Skipped bool
}

// Sessions returns the number of days not skipped.
func (p *SchedulePlan) Sessions() int {
	n := 0
	for _, d := range p.Days {
		if !d.Skipped {
			n++
		}
	}
	return n
}

// ScheduleRequest is the form adding sessions, as submitted.
type ScheduleRequest struct {
	Schedule Schedule
	// Invalid holds what the caller already found wrong in the form; the schedule's own
	// mistakes are added to it.
	Invalid *ValidationError
	// ProposeHolidays skips the public holidays the schedule falls on, besides the
	// schedule's own days to skip: the first time the mediator sees the days.
	ProposeHolidays bool
	// Create stores the sessions; otherwise the plan only lists the days.
	Create bool
}

// SessionPlanner reads the empty form adding sessions to the workshop of a slug. Returns
// ErrNotFound or ErrForbidden.
func (s *Service) SessionPlanner(ctx context.Context, actor Actor, slug string) (*SchedulePlan, error) {
	w, err := s.WorkshopForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	places, err := s.Places(ctx, w.StructureID)
	if err != nil {
		return nil, err
	}
	return &SchedulePlan{Workshop: w, Places: places}, nil
}

// PlanSessions lists the days of a schedule for the workshop of a slug, with the public
// holidays they fall on, and creates its sessions when req.Create says so (see
// CreateSessions). It returns the plan in every case but ErrNotFound and ErrForbidden,
// with a *ValidationError naming every mistake when nothing is created.
func (s *Service) PlanSessions(ctx context.Context, actor Actor, slug string, req ScheduleRequest) (*SchedulePlan, error) {
	plan, err := s.SessionPlanner(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	if req.Invalid != nil {
		for k, m := range req.Invalid.Fields {
			v.Add(k, m)
		}
	}
	sc := req.Schedule
	sc.Skip = slices.Clone(sc.Skip)
	if days, err := sc.Candidates(); err == nil {
		holidays := map[Date]string{}
		for _, h := range PublicHolidays(days[0], days[len(days)-1]) {
			holidays[h.Date] = h.Name
		}
		for _, d := range days {
			if _, ok := holidays[d]; ok && req.ProposeHolidays && !slices.Contains(sc.Skip, d) {
				sc.Skip = append(sc.Skip, d)
			}
			plan.Days = append(plan.Days, PlannedDay{Date: d, Holiday: holidays[d], Skipped: slices.Contains(sc.Skip, d)})
		}
	}
	if sc.PlaceID != 0 && !slices.ContainsFunc(plan.Places, func(p Place) bool { return p.ID == sc.PlaceID }) {
		v.Add("place", "Choisissez un lieu de la structure.")
	}
	sessions, err := sc.Sessions()
	if err = joinInvalid(v, err); err != nil {
		return plan, err
	}
	for _, sess := range sessions {
		if err := joinInvalid(nil, sess.Validate()); err != nil {
			return plan, err
		}
	}
	if !req.Create {
		return plan, nil
	}
	if err := s.CreateSessions(ctx, actor, plan.Workshop.ID, sessions); err != nil {
		return plan, err
	}
	plan.Created = sessions
	return plan, nil
}
