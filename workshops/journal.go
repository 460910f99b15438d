package workshops

import (
	"context"

	"github.com/escale-numerique/escale/audit"
)

// JournalPageSize is the number of entries on a page of a structure's journal.
const JournalPageSize = 50

// Journal is one page of a structure's part of the audit log, newest first.
type Journal struct {
	Structure *Structure
	Entries   []audit.Entry
	// Next is where the following (older) page starts: the "before" to ask for; zero on
	// the last page.
	Next int64
}

// Journal reads a page of a structure's audit log: the entries older than the entry of
// id before (zero: the newest). Its members and the coordinators of its territory may
// read it. Returns ErrNotFound or ErrForbidden.
func (s *Service) Journal(ctx context.Context, actor Actor, slug string, before int64) (*Journal, error) {
	st, err := s.StructureForEdit(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	entries, err := audit.List(ctx, s.db, audit.Filter{Structures: []int64{st.ID}, Before: max(before, 0), Limit: JournalPageSize + 1})
	if err != nil {
		return nil, err
	}
	j := &Journal{Structure: st, Entries: entries}
	if len(entries) > JournalPageSize {
		j.Entries = entries[:JournalPageSize]
		j.Next = j.Entries[JournalPageSize-1].ID
	}
	return j, nil
}
