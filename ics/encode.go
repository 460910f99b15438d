package ics

import (
	"fmt"
	"slices"
	"unicode/utf8"

	ical "github.com/arran4/golang-ical"
)

// We build documents with golang-ical's model (components, properties, parameters) but
// write the bytes ourselves. Its serializer (v0.3.4) cannot be configured into correct
// output: it backslash-escapes parameter values (RFC 5545 §3.2 has no escapes there: a
// value with ";", ":" or "," must be DQUOTE'd, and "\," reaches clients literally), it
// passes CR and other control characters of user input through, and it folds at word
// boundaries. The writer below is RFC 5545 §3.1 to the letter: CRLF after every line,
// folds at 75 octets that never split a UTF-8 character nor an escape sequence, TEXT
// escaping of backslash, semicolon, comma and newline only, no control characters.

// maxOctets is the longest physical line, CRLF excluded (RFC 5545 §3.1).
const maxOctets = 75

// valueMode says how a property or parameter value is written.
type valueMode int

const (
	// modeRaw is for values that are not TEXT (dates, URIs, numbers, recurrence rules):
	// written as they are, minus control characters.
	modeRaw valueMode = iota
	// modeText escapes a TEXT value (RFC 5545 §3.3.11).
	modeText
	// modeParam is for the inside of a quoted parameter value, where DQUOTE cannot appear
	// and nothing is escaped.
	modeParam
)

// lineWriter appends folded content lines to buf.
type lineWriter struct {
	buf []byte
	col int // octets written on the current physical line
	// quoteOpen tracks the typographic quote that replaces the next DQUOTE of a parameter.
	quoteOpen bool
}

// emit appends one indivisible piece (a character or an escape sequence), folding first
// if it would not fit on the current line.
func (w *lineWriter) emit(piece string) {
	if w.col+len(piece) > maxOctets {
		w.buf = append(w.buf, "\r\n "...)
		w.col = 1
	}
	w.buf = append(w.buf, piece...)
	w.col += len(piece)
}

// emitByte is emit for a one-octet piece.
func (w *lineWriter) emitByte(c byte) {
	if w.col+1 > maxOctets {
		w.buf = append(w.buf, "\r\n "...)
		w.col = 1
	}
	w.buf = append(w.buf, c)
	w.col++
}

// endLine terminates the current content line.
func (w *lineWriter) endLine() {
	w.buf = append(w.buf, "\r\n"...)
	w.col = 0
}

// line writes a whole content line made of ASCII that needs no escaping.
func (w *lineWriter) line(s string) {
	w.value(s, modeRaw)
	w.endLine()
}

// escapes are the two-octet pieces of TEXT escaping, indexed by the escaped byte.
var escapes = [...]string{'\\': `\\`, ';': `\;`, ',': `\,`, '\n': `\n`}

// plainIn marks, per mode, the printable ASCII bytes that are written as they are.
var plainIn = func() (t [3][128]bool) {
	for m := range t {
		for c := 0x20; c < 0x7f; c++ {
			t[m][c] = true
		}
	}
	t[modeText]['\\'], t[modeText][';'], t[modeText][','] = false, false, false
	t[modeParam]['"'] = false
	return t
}()

// plain appends a run of bytes that need neither escaping nor care about character
// boundaries (printable ASCII), folding wherever the line is full.
func (w *lineWriter) plain(run string) {
	for len(run) > 0 {
		room := maxOctets - w.col
		if room <= 0 {
			w.buf = append(w.buf, "\r\n "...)
			w.col, room = 1, maxOctets-1
		}
		n := min(room, len(run))
		w.buf = append(w.buf, run[:n]...)
		w.col += n
		run = run[n:]
	}
}

// value writes s in the given mode. CR, other C0 and C1 control characters and DEL are
// dropped (they come from user input and would break lines or clients); a tab becomes a
// space; invalid UTF-8 becomes U+FFFD. Newlines (and U+2028/U+2029) are kept as \n in
// TEXT and become spaces elsewhere.
func (w *lineWriter) value(s string, mode valueMode) {
	plainHere := &plainIn[mode]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && plainHere[c] {
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && plainHere[s[j]] {
				j++
			}
			w.plain(s[i:j])
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n':
				if mode == modeText {
					w.emit(escapes['\n'])
				} else if mode == modeParam {
					w.emitByte(' ')
				}
			case c == '\t':
				w.emitByte(' ')
			case c < 0x20 || c == 0x7f:
				// dropped
			case mode == modeText && (c == '\\' || c == ';' || c == ','):
				w.emit(escapes[c])
			case mode == modeParam && c == '"':
				// A parameter value cannot hold a DQUOTE at all (RFC 5545 §3.2); RFC 6868's ^'
				// is unknown to several clients, so names keep their quotes typographically.
				if w.quoteOpen {
					w.emit("”")
				} else {
					w.emit("“")
				}
				w.quoteOpen = !w.quoteOpen
			default:
				w.emitByte(c)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			w.emit("\uFFFD")
		case r >= 0x80 && r <= 0x9f:
			// C1 control: dropped
		case r == '\u2028' || r == '\u2029':
			if mode == modeText {
				w.emit(escapes['\n'])
			} else if mode == modeParam {
				w.emitByte(' ')
			}
		default:
			w.emit(s[i : i+n])
		}
		i += n
	}
}

// isToken reports whether s is a property or parameter name (RFC 5545 §3.1).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isBareParam reports whether a parameter value may be written without quotes. We quote
// anything beyond a plain token: RFC 5545 requires it only for ";", ":" and ",", but some
// parsers (ical4j, so DAVx5/ICSx5) drop parameters holding unquoted spaces or non-ASCII.
func isBareParam(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '/' || c == '+') {
			return false
		}
	}
	return true
}

// property writes one content line.
func (w *lineWriter) property(p *ical.BaseProperty) error {
	if !isToken(p.IANAToken) {
		return fmt.Errorf("ics: property name %q is not a token", p.IANAToken)
	}
	w.value(p.IANAToken, modeRaw)
	switch len(p.ICalParameters) {
	case 0:
	case 1:
		for k, vs := range p.ICalParameters {
			if err := w.param(k, vs); err != nil {
				return err
			}
		}
	default:
		// Map order is random: sort, so that unchanged feeds stay byte-identical.
		keys := make([]string, 0, len(p.ICalParameters))
		for k := range p.ICalParameters {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := w.param(k, p.ICalParameters[k]); err != nil {
				return err
			}
		}
	}
	w.emitByte(':')
	mode := modeRaw
	if p.GetValueType() == ical.ValueDataTypeText {
		mode = modeText
	}
	w.value(p.Value, mode)
	w.endLine()
	return nil
}

// param writes ";NAME=value,value…", quoting values as needed.
func (w *lineWriter) param(name string, values []string) error {
	if !isToken(name) {
		return fmt.Errorf("ics: parameter name %q is not a token", name)
	}
	w.emitByte(';')
	w.value(name, modeRaw)
	w.emitByte('=')
	for i, v := range values {
		if i > 0 {
			w.emitByte(',')
		}
		if isBareParam(v) {
			w.value(v, modeRaw)
			continue
		}
		w.emitByte('"')
		w.quoteOpen = false
		w.value(v, modeParam)
		w.emitByte('"')
	}
	return nil
}

// componentName returns the iCalendar name of a golang-ical component.
func componentName(c ical.Component) (string, error) {
	switch c := c.(type) {
	case *ical.VEvent:
		return string(ical.ComponentVEvent), nil
	case *ical.VTimezone:
		return string(ical.ComponentVTimezone), nil
	case *ical.Standard:
		return string(ical.ComponentStandard), nil
	case *ical.Daylight:
		return string(ical.ComponentDaylight), nil
	case *ical.VAlarm:
		return string(ical.ComponentVAlarm), nil
	case *ical.VTodo:
		return string(ical.ComponentVTodo), nil
	case *ical.GeneralComponent:
		return c.Token, nil
	}
	return "", fmt.Errorf("ics: cannot write component %T", c)
}

// component writes BEGIN, the properties, the sub-components and END of c. With publish
// set, an ATTENDEE is an error: RFC 5546 §3.2.1 forbids it in a published calendar, and
// a feed must never disclose who takes part.
func (w *lineWriter) component(c ical.Component, publish bool) error {
	name, err := componentName(c)
	if err != nil {
		return err
	}
	if !isToken(name) {
		return fmt.Errorf("ics: component name %q is not a token", name)
	}
	w.emit("BEGIN:")
	w.value(name, modeRaw)
	w.endLine()
	props := c.UnknownPropertiesIANAProperties()
	for i := range props {
		if publish && props[i].IANAToken == string(ical.ComponentPropertyAttendee) {
			return fmt.Errorf("ics: ATTENDEE in a PUBLISH calendar")
		}
		if err := w.property(&props[i].BaseProperty); err != nil {
			return err
		}
	}
	for _, sub := range c.SubComponents() {
		if err := w.component(sub, publish); err != nil {
			return err
		}
	}
	w.emit("END:")
	w.value(name, modeRaw)
	w.endLine()
	return nil
}
