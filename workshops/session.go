package workshops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Session is one dated occurrence of a workshop.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID          int64 `bun:",pk,autoincrement"`
	WorkshopID  int64
	Workshop    *Workshop `bun:"rel:belongs-to,join:workshop_id=id"`
	StructureID int64
	Structure   *Structure `bun:"rel:belongs-to,join:structure_id=id"`
	// PlaceID is zero when the session happens at the structure's own address.
	PlaceID int64  `bun:",nullzero"`
	Place   *Place `bun:"rel:belongs-to,join:place_id=id"`
	// GroupID links the sessions of a series or parcours created together; zero for a
	// single session.
	GroupID  int64 `bun:",nullzero"`
	StartsAt time.Time
	EndsAt   time.Time
	Capacity int
	// SeatsTaken counts confirmed seats; the enrollment service keeps it.
	SeatsTaken int
	// Waiting counts the people on the waiting list; the enrollment service keeps it.
	Waiting int
	// AttendanceTakenAt is when the presence or absence of every person holding a seat
	// was recorded, nil until then; the enrollment service sets it.
	AttendanceTakenAt *time.Time
	Animator          string
	Status            string
	CancelReason      string
	// Sequence is the iCalendar SEQUENCE: it grows whenever the time, place or status
	// changes, so that subscribed calendars replace their copy.
	Sequence int
	// TownKey, Postcode and Departement copy the session's location (its place's, or its
	// structure's) for the calendar's town and postcode filters; the service keeps them.
	TownKey     string
	Postcode    string
	Departement string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionCancelled = "cancelled"
)

// Limits of a session.
const (
	MaxCapacity        = 200
	MaxDurationMinutes = 8 * 60
)

// Cancelled reports whether the session is cancelled.
func (s *Session) Cancelled() bool { return s.Status == SessionCancelled }

// SeatsLeft returns the number of confirmed seats still free (0 when cancelled).
func (s *Session) SeatsLeft() int {
	if s.Cancelled() || s.SeatsTaken >= s.Capacity {
		return 0
	}
	return s.Capacity - s.SeatsTaken
}

// Full reports whether no seat is left.
func (s *Session) Full() bool { return s.SeatsLeft() == 0 && !s.Cancelled() }

// Location returns where the session happens: its place, or its structure's address.
// The Place and Structure relations must be loaded.
func (s *Session) Location() Location {
	if s.Place != nil && s.PlaceID != 0 {
		return s.Place.Location()
	}
	if s.Structure != nil {
		return s.Structure.Location()
	}
	return Location{}
}

// Modified returns the last time anything shown about the session changed: the session,
// its workshop, its structure or its place, whichever is latest (loaded relations only).
func (s *Session) Modified() time.Time {
	t := s.UpdatedAt
	if s.Workshop != nil && s.Workshop.UpdatedAt.After(t) {
		t = s.Workshop.UpdatedAt
	}
	if s.Structure != nil && s.Structure.UpdatedAt.After(t) {
		t = s.Structure.UpdatedAt
	}
	if s.Place != nil && s.PlaceID != 0 && s.Place.UpdatedAt.After(t) {
		t = s.Place.UpdatedAt
	}
	return t.UTC()
}

// earliest and latest bound the dates a session may have.
var (
	earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Validate checks a session's own fields.
func (s *Session) Validate() error {
	s.Animator = cleanLine(s.Animator)
	s.CancelReason = cleanText(s.CancelReason)
	if s.Status == "" {
		s.Status = SessionScheduled
	}
	v := &ValidationError{}
	switch {
	case s.StartsAt.IsZero():
		v.Add("starts_at", "Indiquez la date et l'heure de début.")
	case s.StartsAt.Before(earliest) || s.StartsAt.After(latest):
		v.Add("starts_at", "Indiquez une date entre l'an 2000 et l'an 2100.")
	}
	switch {
	case s.EndsAt.IsZero():
		v.Add("ends_at", "Indiquez l'heure de fin.")
	case !s.StartsAt.IsZero() && !s.EndsAt.After(s.StartsAt):
		v.Add("ends_at", "La fin doit être après le début.")
	case !s.StartsAt.IsZero() && s.EndsAt.Sub(s.StartsAt) > MaxDurationMinutes*time.Minute:
		v.Add("ends_at", "Une séance dure au plus 8 heures.")
	}
	if s.Capacity < 1 || s.Capacity > MaxCapacity {
		v.Add("capacity", fmt.Sprintf("Indiquez un nombre de places entre 1 et %d.", MaxCapacity))
	} else if s.SeatsTaken > s.Capacity {
		v.Add("capacity", fmt.Sprintf("%d places sont déjà prises : la capacité ne peut pas descendre en dessous.", s.SeatsTaken))
	}
	checkLength(v, "animator", s.Animator, maxName)
	checkLength(v, "cancel_reason", s.CancelReason, maxShort)
	if s.Status != SessionScheduled && s.Status != SessionCancelled {
		v.Add("status", "Statut inconnu.")
	}
	return v.Err()
}

// SessionGroup kinds.
const (
	GroupSeries   = "series"
	GroupParcours = "parcours"
)

// SessionGroup links sessions created together.
type SessionGroup struct {
	bun.BaseModel `bun:"table:session_groups,alias:sg"`

	ID         int64 `bun:",pk,autoincrement"`
	WorkshopID int64
	Kind       string
	CreatedAt  time.Time
}

// CreateSessions validates and stores sessions of one workshop in one transaction. With
// more than one session they form a group: a parcours when the workshop is one, a series
// otherwise. Sessions take the workshop's structure; a PlaceID must be one of its places.
// Returns a *ValidationError, ErrNotFound (unknown workshop) or ErrForbidden.
func (s *Service) CreateSessions(ctx context.Context, actor Actor, workshopID int64, sessions []*Session) error {
	if len(sessions) == 0 {
		return nil
	}
	for i, sess := range sessions {
		if err := sess.Validate(); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) && len(sessions) > 1 {
				for f, m := range ve.Fields {
					ve.Fields[f] = fmt.Sprintf("Séance %d : %s", i+1, m)
				}
			}
			return err
		}
	}
	return s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		w := new(Workshop)
		if err := tx.NewSelect().Model(w).Where("w.id = ?", workshopID).Scan(ctx); err != nil {
			return notFound(err, "get workshop")
		}
		st, err := structureFor(ctx, tx, actor, w.StructureID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		var groupID int64
		if len(sessions) > 1 {
			g := &SessionGroup{WorkshopID: w.ID, Kind: GroupSeries, CreatedAt: now}
			if w.Parcours() {
				g.Kind = GroupParcours
			}
			if _, err := tx.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
				return fmt.Errorf("insert session group: %w", err)
			}
			groupID = g.ID
		}
		for _, sess := range sessions {
			sess.StructureID = w.StructureID
			if err := locate(ctx, tx, sess); err != nil {
				return err
			}
			sess.WorkshopID, sess.GroupID = w.ID, groupID
			sess.StartsAt, sess.EndsAt = sess.StartsAt.UTC(), sess.EndsAt.UTC()
			sess.CreatedAt, sess.UpdatedAt = now, now
		}
		if _, err := tx.NewInsert().Model(&sessions).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert sessions: %w", err)
		}
		for _, sess := range sessions {
			if err := s.record(ctx, tx, actor, st, "created", "session", sess.ID,
				w.Title+", "+sess.StartsAt.In(Paris).Format("02/01/2006 15:04")); err != nil {
				return err
			}
		}
		return nil
	})
}

// locate copies the session's location (its place, which must belong to its structure, or
// the structure itself) into its town and postcode columns.
func locate(ctx context.Context, tx bun.IDB, sess *Session) error {
	var town, postcode string
	var err error
	if sess.PlaceID != 0 {
		err = tx.NewSelect().Model((*Place)(nil)).Column("town_key", "postcode").
			Where("id = ? AND structure_id = ?", sess.PlaceID, sess.StructureID).Scan(ctx, &town, &postcode)
		if errors.Is(err, sql.ErrNoRows) {
			return &ValidationError{Fields: map[string]string{"place": "Choisissez un lieu de la structure."}}
		}
	} else {
		err = tx.NewSelect().Model((*Structure)(nil)).Column("town_key", "postcode").
			Where("id = ?", sess.StructureID).Scan(ctx, &town, &postcode)
	}
	if err != nil {
		return fmt.Errorf("locate session: %w", err)
	}
	sess.TownKey, sess.Postcode, sess.Departement = town, postcode, departement(postcode)
	return nil
}

// departement returns the département of a postcode: its first two digits, or three for
// the overseas départements (97…, 98…).
func departement(postcode string) string {
	if len(postcode) >= 3 && (strings.HasPrefix(postcode, "97") || strings.HasPrefix(postcode, "98")) {
		return postcode[:3]
	}
	if len(postcode) >= 2 {
		return postcode[:2]
	}
	return postcode
}

// SessionChange says what to change in a session; nil fields stay as they are.
type SessionChange struct {
	StartsAt *time.Time
	EndsAt   *time.Time
	// PlaceID: a pointer to 0 moves the session back to the structure's address.
	PlaceID  *int64
	Capacity *int
	Animator *string
	// Within, when set, runs inside the change's transaction once the session is updated:
	// the enrollment service promotes people waiting when the capacity grows, in the same
	// transaction. Its error undoes the whole change.
	Within func(ctx context.Context, tx bun.IDB, before, after *Session) error
}

// UpdateSession applies a change to a session. A change of time or place increments its
// SEQUENCE, so subscribed calendars pick it up, and records in the outbox that the people
// enrolled must be told. Returns ErrNotFound, ErrForbidden, a *ValidationError, or
// ErrConflict when the session is cancelled.
func (s *Service) UpdateSession(ctx context.Context, actor Actor, id int64, ch SessionChange) (*Session, error) {
	sess := new(Session)
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := lockForUpdate(tx.NewSelect().Model(sess).Where("s.id = ?", id)).Scan(ctx); err != nil {
			return notFound(err, "get session")
		}
		st, err := structureFor(ctx, tx, actor, sess.StructureID)
		if err != nil {
			return err
		}
		before := *sess
		if sess.Cancelled() {
			return fmt.Errorf("%w: la séance est annulée", ErrConflict)
		}
		moved := false
		if ch.StartsAt != nil && !ch.StartsAt.Equal(sess.StartsAt) {
			sess.StartsAt, moved = ch.StartsAt.UTC(), true
		}
		if ch.EndsAt != nil && !ch.EndsAt.Equal(sess.EndsAt) {
			sess.EndsAt, moved = ch.EndsAt.UTC(), true
		}
		if ch.PlaceID != nil && *ch.PlaceID != sess.PlaceID {
			sess.PlaceID, moved = *ch.PlaceID, true
		}
		if ch.Capacity != nil {
			sess.Capacity = *ch.Capacity
		}
		if ch.Animator != nil {
			sess.Animator = *ch.Animator
		}
		if err := sess.Validate(); err != nil {
			return err
		}
		if moved {
			sess.Sequence++
			if err := locate(ctx, tx, sess); err != nil {
				return err
			}
		}
		sess.UpdatedAt = s.now().UTC()
		_, err = tx.NewUpdate().Model(sess).
			Column("starts_at", "ends_at", "place_id", "capacity", "animator", "sequence",
				"town_key", "postcode", "departement", "updated_at").
			WherePK().Exec(ctx)
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		if moved {
			if err := s.sessionChanged(ctx, tx, sess, &before, ChangeMoved); err != nil {
				return err
			}
		}
		if ch.Within != nil {
			if err := ch.Within(ctx, tx, &before, sess); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, actor, st, changeAction(moved), "session", sess.ID, sessionChangeSummary(&before, sess))
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// CancelSession cancels a session with a reason shown to the public. The session stays in
// the calendar and its feeds, marked cancelled, with a higher SEQUENCE, and the outbox
// records that the people enrolled must be told. The reason is required. Cancelling a
// cancelled session changes nothing. Returns ErrNotFound, ErrForbidden or a
// *ValidationError.
func (s *Service) CancelSession(ctx context.Context, actor Actor, id int64, reason string) (*Session, error) {
	if cleanText(reason) == "" {
		return nil, &ValidationError{Fields: map[string]string{"cancel_reason": "Indiquez la raison de l'annulation : elle sera affichée sur la page de la séance et annoncée aux personnes inscrites."}}
	}
	sess := new(Session)
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := lockForUpdate(tx.NewSelect().Model(sess).Where("s.id = ?", id)).Scan(ctx); err != nil {
			return notFound(err, "get session")
		}
		st, err := structureFor(ctx, tx, actor, sess.StructureID)
		if err != nil {
			return err
		}
		if sess.Cancelled() {
			return nil
		}
		before := *sess
		sess.Status, sess.CancelReason = SessionCancelled, reason
		if err := sess.Validate(); err != nil {
			return err
		}
		sess.Sequence++
		sess.UpdatedAt = s.now().UTC()
		_, err = tx.NewUpdate().Model(sess).Column("status", "cancel_reason", "sequence", "updated_at").WherePK().Exec(ctx)
		if err != nil {
			return fmt.Errorf("cancel session: %w", err)
		}
		if err := s.sessionChanged(ctx, tx, sess, &before, ChangeCancelled); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, st, "cancelled", "session", sess.ID, "Motif : "+sess.CancelReason)
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// Session returns a public session (published workshop, active structure), cancelled or
// not, with its workshop (and themes), structure and place, or ErrNotFound.
func (s *Service) Session(ctx context.Context, id int64) (*Session, error) {
	var sessions []Session
	err := s.sessionQuery(&sessions).Where("s.id = ?", id).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	if len(sessions) == 0 {
		return nil, ErrNotFound
	}
	if err := s.loadThemes(ctx, sessions); err != nil {
		return nil, err
	}
	return &sessions[0], nil
}

// GroupSessions returns the sessions of a session's group (series or parcours), in order,
// the session itself included; a lone session returns itself only.
func (s *Service) GroupSessions(ctx context.Context, sess *Session) ([]Session, error) {
	if sess.GroupID == 0 {
		return []Session{*sess}, nil
	}
	var out []Session
	err := s.sessionQuery(&out).Where("s.group_id = ?", sess.GroupID).Order("s.starts_at", "s.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list group sessions: %w", err)
	}
	return out, s.loadThemes(ctx, out)
}

// sessionQuery selects public sessions with their workshop, structure and place joined.
func (s *Service) sessionQuery(dst *[]Session) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).
		Relation("Workshop").
		Relation("Structure").
		Relation("Place").
		Where("workshop.status = ?", WorkshopPublished).
		Where("structure.status = ?", StructureActive)
}

// loadThemes fills the Themes of the sessions' workshops with one query.
func (s *Service) loadThemes(ctx context.Context, sessions []Session) error {
	ids := make([]int64, 0, len(sessions))
	seen := map[int64]bool{}
	for _, sess := range sessions {
		if sess.Workshop != nil && !seen[sess.WorkshopID] {
			seen[sess.WorkshopID] = true
			ids = append(ids, sess.WorkshopID)
		}
	}
	byWorkshop, err := s.themesOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range sessions {
		if sessions[i].Workshop != nil {
			sessions[i].Workshop.Themes = byWorkshop[sessions[i].WorkshopID]
		}
	}
	return nil
}

// themesOf returns the themes of workshops, in vocabulary order, with one query.
func (s *Service) themesOf(ctx context.Context, workshopIDs []int64) (map[int64][]Theme, error) {
	if len(workshopIDs) == 0 {
		return nil, nil
	}
	var links []WorkshopTheme
	err := s.db.NewSelect().Model(&links).Relation("Theme").
		Where("wt.workshop_id IN (?)", bun.In(workshopIDs)).
		Order("theme.position").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load themes: %w", err)
	}
	byWorkshop := make(map[int64][]Theme, len(workshopIDs))
	for _, l := range links {
		byWorkshop[l.WorkshopID] = append(byWorkshop[l.WorkshopID], *l.Theme)
	}
	return byWorkshop, nil
}
