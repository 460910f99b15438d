// Package workshops is the calendar domain: territories, structures and their places,
// workshops, sessions, and the levels and themes vocabularies — their types, rules and SQL.
package workshops

import (
	"errors"
	"sort"
	"strings"
)

// ErrNotFound reports that no record matches (unknown slug or id, or not public).
var ErrNotFound = errors.New("introuvable")

// ErrConflict reports a change that the current state forbids (for example lowering a
// capacity below the seats already taken).
var ErrConflict = errors.New("conflit")

// ValidationError carries one French message per invalid field, keyed by the field's
// form and JSON name.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the invalid fields and their messages.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+" : "+e.Fields[k])
	}
	return "données invalides (" + strings.Join(parts, " ; ") + ")"
}

// Add records a message for a field, keeping the first one when a field has several.
func (e *ValidationError) Add(field, message string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = message
	}
}

// Err returns e when it holds at least one message, nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}
