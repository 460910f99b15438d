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

// Renamed returns the messages with their fields renamed through names (a field not in
// names keeps its name): a form or the API names fields its own way. When two fields end
// with the same name, the message of the one that kept its name wins, then the first in
// alphabetical order, so the outcome never depends on map order. A nil error stays nil.
func (e *ValidationError) Renamed(names map[string]string) *ValidationError {
	if e == nil {
		return nil
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sort.SliceStable(keys, func(i, j int) bool {
		_, ri := names[keys[i]]
		_, rj := names[keys[j]]
		return !ri && rj
	})
	out := &ValidationError{}
	for _, k := range keys {
		name := k
		if n, ok := names[k]; ok {
			name = n
		}
		out.Add(name, e.Fields[k])
	}
	return out
}
