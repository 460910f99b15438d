package workshops

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss", "’", "'")

// Fold lowers s and strips its accents and ligatures, so that "Démarches", "DEMARCHES" and
// "demarches" compare equal. Search keys are stored folded and queries are folded the same way.
func Fold(s string) string {
	s = ligatures.Replace(s)
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Key folds s and keeps only letters and digits, single-spaced: "Vandœuvre-lès-Nancy"
// becomes "vandoeuvre les nancy". Town keys and search keys use it.
func Key(s string) string {
	var b strings.Builder
	space := false
	for _, r := range Fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// Slugify makes a URL slug from a name: "Atelier « Mon smartphone »" → "atelier-mon-smartphone".
// It never returns an empty string.
func Slugify(s string) string {
	slug := strings.ReplaceAll(Key(s), " ", "-")
	if len(slug) > 80 {
		slug = strings.TrimRight(slug[:80], "-")
	}
	if slug == "" {
		return "sans-titre"
	}
	return slug
}

// searchKey joins folded parts into one searchable string.
func searchKey(parts ...string) string {
	keys := make([]string, 0, len(parts))
	for _, p := range parts {
		if k := Key(p); k != "" {
			keys = append(keys, k)
		}
	}
	return " " + strings.Join(keys, " ") + " "
}

// cleanText trims s and removes control characters other than newlines and tabs, which
// would break pages and calendar feeds. Windows newlines become "\n".
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cleanLine is cleanText for one-line fields: newlines and tabs become spaces.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// CleanLine trims a one-line text typed by someone, removes control characters (which
// PostgreSQL refuses or which break pages and feeds) and collapses spaces.
func CleanLine(s string) string { return cleanLine(s) }

// CleanText is CleanLine for multi-line text: newlines stay.
func CleanText(s string) string { return cleanText(s) }

// IsSlug reports whether s can be a slug: lowercase letters, digits and dashes, at most
// 100 characters. Lookups of anything else are not found without asking the database
// (a NUL byte in a query would make it fail).
func IsSlug(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
