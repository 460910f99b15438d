package notify

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// SMSEncoding is how a text travels in an SMS.
type SMSEncoding string

// SMS encodings.
const (
	// GSM7 is the GSM 03.38 alphabet, 7 bits a character: 160 characters in one SMS.
	GSM7 SMSEncoding = "GSM-7"
	// UCS2 is UTF-16, used by phones as soon as one character is outside GSM-7: 70
	// characters in one SMS.
	UCS2 SMSEncoding = "UCS-2"
)

// Sizes of an SMS, in units of its encoding (septets for GSM-7, UTF-16 code units for
// UCS-2). A concatenated SMS spends 7 septets (6 bytes) of each part on the header that
// orders the parts.
const (
	gsm7Single = 160
	gsm7Part   = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// Segments is the size of a text as the mobile network counts it.
type Segments struct {
	// Encoding is GSM7 when every character is in the GSM 03.38 alphabet, UCS2 otherwise.
	Encoding SMSEncoding
	// Units counts septets in GSM-7 (two for the characters of the extension table:
	// € [ ] { } ^ ~ \ | and form feed), UTF-16 code units in UCS-2.
	Units int
	// Count is the number of SMS the text is sent as (and billed as): 1 up to 160 GSM-7
	// or 70 UCS-2 units, then parts of 153 or 67; 0 for an empty text.
	Count int
}

// gsm7Basic is the GSM 03.38 default alphabet, in code order (0x1B, the escape to the
// extension table, is left out). 0x09 is the capital Ç: lowercase ç is not in the
// alphabet, whatever some phones display.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Extension holds the characters sent as the escape and a second septet.
const gsm7Extension = "\f^{}\\[~]|€"

// gsm7Widths maps each character of the alphabet to the septets it takes.
var gsm7Widths = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsm7Basic {
		m[r] = 1
	}
	for _, r := range gsm7Extension {
		m[r] = 2
	}
	return m
}()

// gsm7Width is 1 for a character of the basic alphabet, 2 for one of the extension table,
// 0 for anything else.
func gsm7Width(r rune) int { return gsm7Widths[r] }

// IsGSM7 reports whether every character of text is in the GSM 03.38 alphabet (its basic
// set or its extension table), so that the text travels as GSM-7.
func IsGSM7(text string) bool {
	for _, r := range text {
		if gsm7Width(r) == 0 {
			return false
		}
	}
	return true
}

// CountSMS returns the encoding text will travel in, its length in that encoding's units
// and how many SMS it takes. A character of the extension table never straddles two
// parts, nor does a UTF-16 surrogate pair.
func CountSMS(text string) Segments {
	enc, single, part := GSM7, gsm7Single, gsm7Part
	width := gsm7Width
	if !IsGSM7(text) {
		enc, single, part = UCS2, ucs2Single, ucs2Part
		width = utf16.RuneLen
	}
	s := Segments{Encoding: enc}
	used := 0
	parts := 1
	for _, r := range text {
		w := width(r)
		s.Units += w
		if used+w > part {
			parts++
			used = 0
		}
		used += w
	}
	switch {
	case s.Units == 0:
		s.Count = 0
	case s.Units <= single:
		s.Count = 1
	default:
		s.Count = parts
	}
	return s
}

// FitSMS returns text written in the GSM 03.38 alphabet, so that it travels 160 characters
// to an SMS instead of 70, and its size. Characters outside the alphabet become their
// closest equivalent: accented letters lose the accent the alphabet lacks (ê → e, ç → c,
// À → A, while é, è, à, ù, É and Ç stay), ligatures are split (œ → oe), typographic
// punctuation becomes plain (’ → ', « » “ ” → ", – — → -, … → ..., non-breaking spaces
// → space), invisible characters are dropped, and what has no equivalent becomes '?'.
// Text already in GSM-7 is returned unchanged.
func FitSMS(text string) (string, Segments) {
	out := toGSM7(text)
	return out, CountSMS(out)
}

// gsm7Substitutes are the replacements that decomposition does not find.
var gsm7Substitutes = map[rune]string{
	'’': "'", '‘': "'", '‚': "'", '‛': "'", '′': "'", '`': "'", '´': "'", 'ʼ': "'", '‹': "'", '›': "'",
	'“': `"`, '”': `"`, '„': `"`, '‟': `"`, '″': `"`, '«': `"`, '»': `"`,
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-", '•': "-",
	'·': ".", '…': "...",
	'œ': "oe", 'Œ': "OE", 'ẞ': "SS",
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "TH",
	'ı': "i", 'ħ': "h", 'Ħ': "H", 'ŧ': "t", 'Ŧ': "T", 'ŋ': "n", 'Ŋ': "N",
	'°': "o", '×': "x", '÷': "/", '¢': "c", '©': "(c)", '®': "(R)", '¦': "|",
	'\t': " ", '\v': " ", '\u2028': "\n", '\u2029': "\n",
}

func toGSM7(text string) string {
	if IsGSM7(text) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		if gsm7Width(r) > 0 {
			b.WriteRune(r)
			continue
		}
		if s, ok := gsm7Substitutes[r]; ok {
			b.WriteString(s)
			continue
		}
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
			continue
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me):
			// Control and formatting characters (soft hyphen, zero-width joiner,
			// byte-order mark, a stray combining accent) show nothing.
			continue
		}
		if s, ok := decomposeGSM7(r); ok {
			b.WriteString(s)
			continue
		}
		b.WriteByte('?')
	}
	return b.String()
}

// decomposeGSM7 writes r with the compatibility decomposition of Unicode (ê → e + ̂,
// ﬁ → fi, ½ → 1⁄2, full-width A → A), keeping what GSM-7 has and dropping the accents;
// it reports false when some part has no equivalent.
func decomposeGSM7(r rune) (string, bool) {
	d := norm.NFKD.String(string(r))
	if d == string(r) {
		return "", false
	}
	var b strings.Builder
	for _, p := range d {
		switch {
		case gsm7Width(p) > 0:
			b.WriteRune(p)
		case unicode.Is(unicode.Mn, p):
		case p == '⁄':
			b.WriteByte('/')
		default:
			if s, ok := gsm7Substitutes[p]; ok {
				b.WriteString(s)
				continue
			}
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}
