package notices

import "strings"

// smsSingle is what one SMS holds, in GSM-7 septets.
const smsSingle = 160

// smsFits reports whether text travels as one SMS once written in the GSM 03.38 alphabet
// (the SMS channel transliterates what is outside it): 160 septets, a character of the
// extension table counting two, and the few that become several characters counting so.
//
// TODO(sms): count with notify.FitSMS once the SMS channel's branch is merged.
func smsFits(text string) bool {
	n := 0
	for _, r := range text {
		switch {
		case strings.ContainsRune("^{}\\[~]|€\f", r):
			n += 2
		case r == 'œ' || r == 'Œ' || r == '©':
			n += 2
		case r == '…' || r == '®':
			n += 3
		default:
			n++
		}
	}
	return n <= smsSingle
}
