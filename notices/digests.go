package notices

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/escale-numerique/escale/enrollment"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// SendDigests writes, from 18:00 (Europe/Paris) on, the daily email of the structures that
// asked for it (workshops.DigestDaily) and have an address: the enrollments made since the
// previous evening, one line each; nothing on a day without any. Several instances may run
// it at once: a digest is written once a day. It returns how many it wrote.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	now := s.now().In(workshops.Paris)
	day := workshops.DateOf(now)
	until := time.Date(day.Year, day.Month, day.Day, workshops.DigestHour, 0, 0, 0, workshops.Paris)
	if now.Before(until) {
		return 0, nil
	}
	since := until.AddDate(0, 0, -1)
	var structures []workshops.Structure
	if err := s.db.NewSelect().Model(&structures).
		Where("st.digest = ? AND st.email <> '' AND st.status = ?", workshops.DigestDaily, workshops.StructureActive).
		Where("NOT EXISTS (SELECT 1 FROM outbox AS ob WHERE ob.idempotency_key = "+
			"'digest:' || CAST(st.id AS TEXT) || ?)", ":"+isoDate(day)).
		Order("st.id").Scan(ctx); err != nil {
		return 0, fmt.Errorf("digests: %w", err)
	}
	n := 0
	for i := range structures {
		ok, err := s.digest(ctx, &structures[i], day, since, until)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func isoDate(d workshops.Date) string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// digest writes one structure's digest of the enrollments made in [since, until), and
// reports whether there was any.
func (s *Service) digest(ctx context.Context, st *workshops.Structure, day workshops.Date, since, until time.Time) (bool, error) {
	var bookings []enrollment.Booking
	if err := s.db.NewSelect().Model(&bookings).Relation("Enrollments").Relation("Enrollments.Session").
		Where("b.workshop_id IN (SELECT id FROM workshops WHERE structure_id = ?)", st.ID).
		Where("b.created_at >= ? AND b.created_at < ? AND b.purged_at IS NULL", since.UTC(), until.UTC()).
		Order("b.id").Scan(ctx); err != nil {
		return false, fmt.Errorf("digest of structure %d: %w", st.ID, err)
	}
	if len(bookings) == 0 {
		return false, nil
	}
	var titles []struct {
		ID    int64
		Title string
	}
	var pros []int64
	for _, b := range bookings {
		if b.OrientedBy != 0 {
			pros = append(pros, b.OrientedBy)
		}
	}
	if err := s.db.NewSelect().Table("workshops").Column("id", "title").Where("structure_id = ?", st.ID).Scan(ctx, &titles); err != nil {
		return false, fmt.Errorf("digest of structure %d: %w", st.ID, err)
	}
	title := map[int64]string{}
	for _, w := range titles {
		title[w.ID] = w.Title
	}
	accounts, err := professionals(ctx, s.db, pros)
	if err != nil {
		return false, err
	}
	v := &view{Structure: st.Name, Day: workshops.FrenchDay(until),
		DashboardURL: s.site.BaseURL + "/manage", ProfileURL: s.site.BaseURL + "/manage/structures/" + st.Slug}
	for _, b := range bookings {
		v.Lines = append(v.Lines, digestLine(&b, title[b.WorkshopID], accounts))
	}
	l, err := compose("structure-digest", v)
	if err != nil {
		return false, err
	}
	_, err = notify.Enqueue(ctx, s.db, &notify.Message{
		Kind: notify.KindEmail, IdempotencyKey: "digest:" + strconv.FormatInt(st.ID, 10) + ":" + isoDate(day), Recipient: st.Email,
		FromName: "Escale", Subject: l.Subject, BodyText: l.Text, BodyHTML: l.HTML, StructureID: st.ID,
	}, s.now())
	return err == nil, err
}

// digestLine says who took which seat, and through whom: "Dominique L. : Prendre en main
// son smartphone, mardi 1er décembre à 14 h, place réservée, par Alex Martin (CCAS de
// Nancy)".
func digestLine(b *enrollment.Booking, title string, pros map[int64]professional) string {
	name := b.FirstName
	if r := []rune(b.LastName); len(r) > 0 {
		name += " " + string(r[0]) + "."
	}
	line := name + " : " + title
	seats := slices.Clone(b.Enrollments)
	slices.SortFunc(seats, func(x, y enrollment.Enrollment) int { return x.Session.StartsAt.Compare(y.Session.StartsAt) })
	if len(seats) > 0 && seats[0].Session != nil {
		e := seats[0]
		line += ", " + when(e.Session.StartsAt)
		switch e.Status {
		case enrollment.Confirmed, enrollment.Attended, enrollment.Absent:
			line += ", place réservée"
		case enrollment.Waitlisted:
			line += ", liste d'attente (place " + strconv.Itoa(e.Position) + ")"
		case enrollment.Cancelled:
			line += ", annulée depuis"
		}
		if len(seats) > 1 {
			line += fmt.Sprintf(" (et %d autres séances)", len(seats)-1)
		}
	}
	switch p, ok := pros[b.OrientedBy]; {
	case b.OrientedBy == 0:
		line += ", inscription par la personne"
	case ok && b.Organisation != "":
		line += ", par " + p.Name + " (" + b.Organisation + ")"
	case ok:
		line += ", par " + p.Name
	}
	return line
}
