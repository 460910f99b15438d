package workshops

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
)

// List is a small set of codes (languages, devices, labels) stored as one comma-separated
// column; codes never contain commas.
type List []string

// Value implements driver.Valuer.
func (l List) Value() (driver.Value, error) {
	return strings.Join(l, ","), nil
}

// Scan implements sql.Scanner.
func (l *List) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("workshops.List: cannot scan %T", src)
	}
	*l = nil
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

// Has reports whether the list holds code.
func (l List) Has(code string) bool { return slices.Contains(l, code) }

// distinct returns xs without repeated values, in the order they first appear. Lists
// come from forms and API clients, which may repeat a code; a repeat would be stored
// twice or, for themes, break the link table's key.
func distinct[S ~[]E, E comparable](xs S) S {
	if len(xs) < 2 {
		return xs
	}
	seen := make(map[E]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
