package enrollment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/escale-numerique/escale/audit"
	"github.com/escale-numerique/escale/notify"
	"github.com/escale-numerique/escale/workshops"
)

// DefaultRetention is how long personal data is kept after a booking's last session.
const DefaultRetention = 365 * 24 * time.Hour

// personalColumns are the fields erased by retention and by a person's request. Level,
// needs, contact preference, statuses and who oriented stay: anonymous facts for the
// territory's statistics.
var personalColumns = []string{"first_name", "last_name", "phone", "email", "french_language"}

// Purge erases the personal fields of bookings whose last session ended more than
// retention ago, and the messages about those sessions, and returns how many bookings
// were erased. Run daily.
func (s *Service) Purge(ctx context.Context, retention time.Duration) (int64, error) {
	cutoff := s.now().UTC().Add(-retention)
	var n int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		stale := tx.NewSelect().TableExpr("enrollments AS e").Column("e.booking_id").
			Join("JOIN sessions AS s ON s.id = e.session_id").
			GroupExpr("e.booking_id").Having("MAX(s.ends_at) < ?", cutoff)
		q := tx.NewUpdate().Model((*Booking)(nil)).Set("purged_at = ?", s.now().UTC()).
			Where("purged_at IS NULL").Where("id IN (?)", stale)
		for _, c := range personalColumns {
			q = q.Set("? = ''", bun.Ident(c))
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("purge bookings: %w", err)
		}
		n, _ = res.RowsAffected()
		// Messages sent to or about the people of those sessions hold their names and
		// addresses too.
		_, err = tx.NewUpdate().Model((*notify.Message)(nil)).
			Set("recipient = ''").Set("subject = ''").Set("body_text = ''").Set("body_html = ''").Set("payload = ''").
			Where("session_id IN (SELECT id FROM sessions WHERE ends_at < ?)", cutoff).
			Where("status <> ?", notify.StatusPending).Where("recipient <> '' OR payload <> ''").Exec(ctx)
		if err != nil {
			return fmt.Errorf("purge messages: %w", err)
		}
		return nil
	})
	return n, err
}

// PersonQuery finds people by what they gave: a first name, a phone or an email.
type PersonQuery struct {
	Text string
}

// FindBookings finds bookings of the coordinator's territories whose person matches the
// query (first or last name, phone, email), newest first, at most 50, with their seats
// and workshop. The search is logged as a consultation. Returns workshops.ErrForbidden
// or a *workshops.ValidationError (a query too short).
func (s *Service) FindBookings(ctx context.Context, actor workshops.Actor, q PersonQuery) ([]Orientation, error) {
	if !actor.System && len(actor.Territories) == 0 {
		return nil, workshops.ErrForbidden
	}
	text := strings.ToLower(strings.TrimSpace(q.Text))
	if len([]rune(text)) < 2 {
		return nil, &workshops.ValidationError{Fields: map[string]string{"q": "Indiquez au moins deux caractères."}}
	}
	phone, _ := normalizePhone(text)
	var out []Booking
	like := "%" + likeEscaper.Replace(text) + "%"
	sel := s.db.NewSelect().Model(&out).Relation("Enrollments").Relation("Enrollments.Session").
		Where("b.purged_at IS NULL").
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("lower(b.first_name) LIKE ? ESCAPE '\\'", like).
				WhereOr("lower(b.last_name) LIKE ? ESCAPE '\\'", like).
				WhereOr("b.email = ?", text)
			if phone != "" {
				q = q.WhereOr("b.phone = ?", phone)
			}
			return q
		})
	if !actor.System {
		sel = sel.Where("b.workshop_id IN (SELECT w.id FROM workshops AS w JOIN structures AS st ON st.id = w.structure_id WHERE st.territory_id IN (?))",
			bun.In(actor.Territories))
	}
	if err := sel.OrderExpr("b.id DESC").Limit(50).Scan(ctx); err != nil {
		return nil, fmt.Errorf("find bookings: %w", err)
	}
	found, ids, err := orientationsOf(ctx, s.db, out)
	if err != nil {
		return nil, err
	}
	return found, s.logAccess(ctx, s.db, actor, PurposeSearch, ids)
}

// coordinatorBooking loads a booking with its seats and workshop for a coordinator of
// its territory.
func (s *Service) coordinatorBooking(ctx context.Context, db bun.IDB, actor workshops.Actor, id int64) (*Orientation, error) {
	o, err := loadOrientation(ctx, db, id)
	if err != nil {
		return nil, err
	}
	if !actor.Coordinates(o.Workshop.Structure.TerritoryID) {
		return nil, workshops.ErrForbidden
	}
	return o, nil
}

// Export returns everything kept about the person of a booking, for a coordinator
// answering the person's request (right of access). The consultation is logged. Returns
// workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) Export(ctx context.Context, actor workshops.Actor, bookingID int64) (*Record, error) {
	o, err := s.coordinatorBooking(ctx, s.db, actor, bookingID)
	if err != nil {
		return nil, err
	}
	voc, err := s.ws.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	return &Record{Orientation: *o, Vocabulary: voc}, s.logAccess(ctx, s.db, actor, PurposeExport, []int64{bookingID})
}

// Erase erases the personal fields of a booking at the person's request (right to
// erasure), keeping the anonymous facts, and cancels its upcoming seats. Returns
// workshops.ErrNotFound or workshops.ErrForbidden.
func (s *Service) Erase(ctx context.Context, actor workshops.Actor, bookingID int64) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.coordinatorBooking(ctx, tx, actor, bookingID); err != nil {
			return err
		}
		b, w, err := s.bookingForChange(ctx, tx, bookingID)
		if err != nil {
			return err
		}
		if b.active() {
			if err := s.cancel(ctx, tx, actor, w, b, ByStructure); err != nil && !errors.Is(err, ErrClosed) {
				return err
			}
		}
		q := tx.NewUpdate().Model((*Booking)(nil)).Set("purged_at = ?", s.now().UTC()).Where("id = ?", bookingID)
		for _, c := range personalColumns {
			q = q.Set("? = ''", bun.Ident(c))
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("erase booking: %w", err)
		}
		if err := s.logAccess(ctx, tx, actor, PurposeErase, []int64{bookingID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, &audit.Entry{At: s.now(), ActorID: actor.UserID, ActorName: actor.Name, Action: "erased",
			Entity: "booking", EntityID: fmt.Sprint(bookingID), TerritoryID: w.Structure.TerritoryID, StructureID: w.StructureID,
			Summary: fmt.Sprintf("données personnelles de l'inscription n°%d effacées à la demande de la personne", bookingID)})
	})
}
