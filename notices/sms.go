package notices

import "github.com/escale-numerique/escale/notify"

// smsFits reports whether text travels as one SMS once the SMS channel has written it in
// the GSM 03.38 alphabet (see notify.FitSMS): 160 characters, or fewer for a text with
// characters of the extension table.
func smsFits(text string) bool {
	_, seg := notify.FitSMS(text)
	return seg.Count <= 1
}
