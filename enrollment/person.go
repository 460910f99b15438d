// Package enrollment is the heart of Escale: seats. A person is booked into a session, or
// into every session of a parcours, by an orienting professional or by themselves; the
// booking is confirmed while seats are left and waits in line otherwise; cancellations
// and capacity changes promote who waits, in the same transaction; the structure marks
// attendance; personal data is minimal, its consultation logged, and erased after the
// retention period. Types, rules and SQL live here; HTTP lives in web.
package enrollment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/escale-numerique/escale/workshops"
)

// Contact preferences: how the person wants to be told.
const (
	ContactSMS          = "sms"
	ContactEmail        = "email"
	ContactProfessional = "professional"
	ContactPaper        = "paper"
)

// Contacts are the contact preferences with their French labels.
var Contacts = workshops.Choices{
	{Code: ContactSMS, Label: "Par SMS"},
	{Code: ContactEmail, Label: "Par courriel"},
	{Code: ContactProfessional, Label: "Par moi, le professionnel qui l'oriente"},
	{Code: ContactPaper, Label: "Sur papier seulement (convocation imprimée)"},
}

// LevelNotAssessed is the level of a person whose level was not assessed.
const LevelNotAssessed = "non-evalue"

// Person is the minimal data about a person enrolled: a first name or initials, how to
// reach them if they wish, their digital level and needs, and their consent. There is no
// free-text field about their situation, on purpose.
type Person struct {
	FirstName string
	LastName  string
	// Phone is a French mobile number, normalised to E.164 (+33612345678).
	Phone   string
	Email   string
	Contact string
	// Level is a level code, or LevelNotAssessed.
	Level          string
	NeedsDevice    bool
	NeedsFrench    bool
	FrenchLanguage string
	NeedsMobility  bool
	NeedsHearing   bool
	NeedsVisual    bool
	// Consent records that the person agreed to the consent text shown.
	Consent bool
}

// Validate checks and normalises the person's fields against the vocabulary and returns a
// *workshops.ValidationError naming each invalid field (form and JSON names).
func (p *Person) Validate(voc *workshops.Vocabulary) error {
	// Control characters go (PostgreSQL refuses a NUL byte; others break pages and SMS).
	clean := workshops.CleanLine
	p.FirstName, p.LastName = clean(p.FirstName), clean(p.LastName)
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.FrenchLanguage = clean(p.FrenchLanguage)
	v := &workshops.ValidationError{}
	switch n := len([]rune(p.FirstName)); {
	case n == 0:
		v.Add("first_name", "Indiquez le prénom de la personne, ou ses initiales.")
	case n > 60:
		v.Add("first_name", "Le prénom est trop long : 60 caractères au plus.")
	}
	if len([]rune(p.LastName)) > 80 {
		v.Add("last_name", "Le nom est trop long : 80 caractères au plus.")
	}
	if p.Phone != "" {
		e164, ok := normalizePhone(p.Phone)
		if !ok {
			v.Add("phone", "Indiquez un numéro de téléphone portable français, par exemple 06 12 34 56 78.")
		} else {
			p.Phone = e164
		}
	}
	if p.Email != "" && !emailShaped(p.Email) {
		v.Add("email", "Indiquez une adresse électronique, par exemple prenom.nom@exemple.fr.")
	}
	switch {
	case !Contacts.Has(p.Contact):
		v.Add("contact", "Choisissez comment la personne souhaite être prévenue.")
	case p.Contact == ContactSMS && p.Phone == "" && v.Fields["phone"] == "":
		v.Add("phone", "Pour être prévenue par SMS, la personne doit donner un numéro de portable.")
	case p.Contact == ContactEmail && p.Email == "" && v.Fields["email"] == "":
		v.Add("email", "Pour être prévenue par courriel, la personne doit donner une adresse électronique.")
	}
	if p.Level != LevelNotAssessed && voc.Level(p.Level) == nil {
		v.Add("level", "Choisissez le niveau de la personne, ou « non évalué ».")
	}
	if p.NeedsFrench && len([]rune(p.FrenchLanguage)) > 60 {
		v.Add("french_language", "La langue est trop longue : 60 caractères au plus.")
	}
	if !p.NeedsFrench {
		p.FrenchLanguage = ""
	}
	if !p.Consent {
		v.Add("consent", "La personne doit être d'accord pour être inscrite : cochez la case après lui avoir lu le texte.")
	}
	return v.Err()
}

// normalizePhone returns a French mobile number in E.164, or false.
func normalizePhone(raw string) (string, bool) {
	num, err := phonenumbers.Parse(raw, "FR")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// emailShaped checks an email address for shape only: something@domain.tld, no spaces
// nor control characters.
func emailShaped(e string) bool {
	at := strings.LastIndexByte(e, '@')
	if strings.ContainsFunc(e, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) {
		return false
	}
	return len(e) <= 254 && at > 0 && strings.Contains(e[at+1:], ".") && !strings.ContainsAny(e, " \t<>,;\"") &&
		!strings.HasPrefix(e[at+1:], ".") && !strings.HasSuffix(e, ".")
}
