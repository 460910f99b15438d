package notify_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/escale-numerique/escale/notify"
)

func TestCountSMS(t *testing.T) {
	for _, tt := range []struct {
		name string
		text string
		want notify.Segments
	}{
		{"Empty", "", notify.Segments{Encoding: notify.GSM7}},
		{"OneCharacter", "a", notify.Segments{Encoding: notify.GSM7, Units: 1, Count: 1}},
		{"BasicSetFrenchLetters", "éèùìòÇÉà", notify.Segments{Encoding: notify.GSM7, Units: 8, Count: 1}},
		{"ExtensionCountsTwo", "€[]{}^~\\|", notify.Segments{Encoding: notify.GSM7, Units: 18, Count: 1}},
		{"FormFeedIsExtension", "\f", notify.Segments{Encoding: notify.GSM7, Units: 2, Count: 1}},
		{"Exactly160", strings.Repeat("a", 160), notify.Segments{Encoding: notify.GSM7, Units: 160, Count: 1}},
		{"161MakesTwo", strings.Repeat("a", 161), notify.Segments{Encoding: notify.GSM7, Units: 161, Count: 2}},
		{"159PlusEuroIs161", strings.Repeat("a", 159) + "€", notify.Segments{Encoding: notify.GSM7, Units: 161, Count: 2}},
		{"306IsTwoParts", strings.Repeat("a", 306), notify.Segments{Encoding: notify.GSM7, Units: 306, Count: 2}},
		{"307IsThree", strings.Repeat("a", 307), notify.Segments{Encoding: notify.GSM7, Units: 307, Count: 3}},
		// 152 septets, then € would straddle parts one and two: it moves to part two,
		// which then holds 2 + 152, one too many.
		{"EscapeNeverStraddles", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), notify.Segments{Encoding: notify.GSM7, Units: 306, Count: 3}},
		{"LowercaseCedillaIsUCS2", "ç", notify.Segments{Encoding: notify.UCS2, Units: 1, Count: 1}},
		{"Exactly70UCS2", "ê" + strings.Repeat("a", 69), notify.Segments{Encoding: notify.UCS2, Units: 70, Count: 1}},
		{"71UCS2MakesTwo", "ê" + strings.Repeat("a", 70), notify.Segments{Encoding: notify.UCS2, Units: 71, Count: 2}},
		{"134UCS2IsTwoParts", "ê" + strings.Repeat("a", 133), notify.Segments{Encoding: notify.UCS2, Units: 134, Count: 2}},
		{"135UCS2IsThree", "ê" + strings.Repeat("a", 134), notify.Segments{Encoding: notify.UCS2, Units: 135, Count: 3}},
		{"EmojiIsTwoUnits", "😀", notify.Segments{Encoding: notify.UCS2, Units: 2, Count: 1}},
		{"SurrogatePairNeverStraddles", strings.Repeat("a", 66) + "😀" + strings.Repeat("a", 66), notify.Segments{Encoding: notify.UCS2, Units: 134, Count: 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := notify.CountSMS(tt.text); got != tt.want {
				t.Errorf("CountSMS(%q) = %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestFitSMS(t *testing.T) {
	for _, tt := range []struct {
		name, text, want string
	}{
		{"GSM7Unchanged", "Bonjour Camille, à mardi 10 mars à 14 h. Où ? Médiathèque.", "Bonjour Camille, à mardi 10 mars à 14 h. Où ? Médiathèque."},
		{"CircumflexAndDiaeresis", "fenêtre âge île hôtel sûr Noël naïf", "fenetre age ile hotel sur Noel naif"},
		{"CedillaLowercaseLosesIt", "reçu, garçon", "recu, garcon"},
		{"CapitalsOutsideTheSet", "À Ê Ô Î Û È Ù Ë Ï Ÿ", "A E O I U E U E I Y"},
		{"CapitalsInTheSet", "É Ç Ä Ö Ñ Ü Å Æ Ø", "É Ç Ä Ö Ñ Ü Å Æ Ø"},
		{"Ligatures", "cœur Œuvre", "coeur OEuvre"},
		{"Apostrophes", "l’atelier ‘oui’", "l'atelier 'oui'"},
		{"Quotes", "« Découvrir sa tablette » “ok”", "\" Découvrir sa tablette \" \"ok\""},
		{"Dashes", "10 h – 12 h — fin ‑ ok", "10 h - 12 h - fin - ok"},
		{"Ellipsis", "À bientôt…", "A bientot..."},
		{"NonBreakingSpaces", "Annuler\u00a0: lien\u202f!", "Annuler : lien !"},
		{"InvisibleDropped", "a\u00adb\u200bc\ufeffd\u200de", "abcde"},
		{"FullWidthAndFi", "ＡＢ ﬁn ½", "AB fin 1/2"},
		{"Numero", "n° 3", "no 3"},
		{"InclusiveWriting", "inscrit·e", "inscrit.e"},
		{"OtherLatin", "Łódź Đorđe ıi", "Lodz Dorde ii"},
		{"NoEquivalent", "Фёдор 😀 李", "????? ? ?"},
		{"Tab", "a\tb", "a b"},
		{"ExtensionKept", "5 € [x]", "5 € [x]"},
		{"NewlinesKept", "a\nb\r\nc", "a\nb\r\nc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, seg := notify.FitSMS(tt.text)
			if got != tt.want {
				t.Errorf("FitSMS(%q) = %q, want %q", tt.text, got, tt.want)
			}
			if !notify.IsGSM7(got) || seg != notify.CountSMS(got) || seg.Encoding != notify.GSM7 {
				t.Errorf("FitSMS(%q) = %q, %+v: not GSM-7 or miscounted", tt.text, got, seg)
			}
		})
	}
}

// TestFitSMSFrenchTemplatesFitOneSMS checks texts of the kind the notifications send: in
// UCS-2 they would take two or three SMS, in GSM-7 they fit one.
func TestFitSMSFrenchTemplatesFitOneSMS(t *testing.T) {
	for _, text := range []string{
		"Bonjour Camille. Vous êtes inscrite à l’atelier « Découvrir sa tablette », mardi 10 mars à 14 h, Médiathèque Jules Verne. Pour annuler : https://esc.fr/c/Ab3dE5",
		"Rappel : demain, jeudi 12 mars à 9 h 30, atelier « Premiers pas sur Internet » au Centre social Les Nations. Pour annuler : https://esc.fr/c/Xy7kP2",
		"Séance annulée : l’atelier « Faire ses démarches en ligne » du lundi 16 mars n’a pas lieu. La structure vous propose une autre date. Tél. 03 83 00 00 00",
	} {
		before := notify.CountSMS(text)
		got, seg := notify.FitSMS(text)
		if before.Encoding != notify.UCS2 || before.Count < 2 {
			t.Errorf("%q was already cheap: %+v", text, before)
		}
		if seg.Count != 1 || seg.Encoding != notify.GSM7 {
			t.Errorf("FitSMS(%q) = %q, %+v: want one GSM-7 SMS", text, got, seg)
		}
		t.Logf("%d %s units, %d SMS → %d %s units, %d SMS", before.Units, before.Encoding, before.Count, seg.Units, seg.Encoding, seg.Count)
	}
}

func FuzzFitSMS(f *testing.F) {
	for _, s := range []string{
		"", "Bonjour", "fenêtre « ok » l’atelier…", "€[]{}", "Фёдор 😀 李", "\x00\xff\xfe", "a\u0301", "ﬁ½ＡＢ", "\u2028\t\v",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, seg := notify.FitSMS(s)
		if !notify.IsGSM7(got) {
			t.Fatalf("FitSMS(%q) = %q: not GSM-7", s, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("FitSMS(%q) = %q: not valid UTF-8", s, got)
		}
		if seg != notify.CountSMS(got) || seg.Encoding != notify.GSM7 {
			t.Fatalf("FitSMS(%q) size %+v, CountSMS says %+v", s, seg, notify.CountSMS(got))
		}
		if seg.Units < utf8.RuneCountInString(got) || seg.Units > 2*utf8.RuneCountInString(got) {
			t.Fatalf("FitSMS(%q): %d units for %d characters", s, seg.Units, utf8.RuneCountInString(got))
		}
		if again, _ := notify.FitSMS(got); again != got {
			t.Fatalf("FitSMS is not idempotent: %q then %q", got, again)
		}
		if notify.IsGSM7(s) && got != s {
			t.Fatalf("FitSMS changed GSM-7 text %q into %q", s, got)
		}
	})
}
