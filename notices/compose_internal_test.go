package notices

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fullView fills every field the templates read, with long French values.
func fullView() *view {
	return &view{
		FirstName: "Marie-Hélène", Name: "Marie-Hélène Dupont-Aignan",
		Workshop:  "Découvrir les démarches en ligne de la Caisse d'allocations familiales (CAF)",
		Structure: "Centre social et culturel « Les Nations » de Vandœuvre-lès-Nancy", StructurePhone: "03 83 00 00 00",
		When: "mercredi 30 septembre à 14 h 30", Day: "mercredi 30 septembre", Ends: "16 h 30",
		Others: []string{"mercredi 7 octobre à 14 h 30"},
		Where:  "Maison de quartier Jean-Jaurès du plateau de Haye, 12 boulevard de l'Europe, 54500 Vandœuvre-lès-Nancy",
		Place:  "Maison de quartier Jean-Jaurès du plateau de Haye", Access: "Tram 1, arrêt Vélodrome.",
		Bring: "smartphone. Votre numéro d'allocataire.", Position: 12, Waiting: true, Invitation: true, Paper: true,
		ThroughYou: true, Before: "mardi 29 septembre à 10 h, Médiathèque", Change: "de date et de lieu",
		Reason: "La salle est inondée.", ByWhom: "Alex Martin (CCAS de Nancy)",
		People: []string{"Marie-Hélène Dupont-Aignan", "Sacha"}, Relay: []string{"Sacha"},
		Lines:        []string{"Sacha : Découvrir les démarches, mercredi 30 septembre à 14 h 30, place réservée, inscription par la personne"},
		DashboardURL: "https://agenda.grandnancy-inclusion-numerique.fr/manage", ProfileURL: "https://agenda.grandnancy-inclusion-numerique.fr/manage/structures/les-nations",
		PageURL:    "https://agenda.grandnancy-inclusion-numerique.fr/c/2n9c-bjzVXFH22qmzGAxXW1NqNX",
		SessionURL: "https://agenda.grandnancy-inclusion-numerique.fr/sessions/123456", WorkshopURL: "https://agenda.grandnancy-inclusion-numerique.fr/workshops/caf",
		OrientationsURL: "https://agenda.grandnancy-inclusion-numerique.fr/orientations",
		RosterURL:       "https://agenda.grandnancy-inclusion-numerique.fr/manage/sessions/123456/roster",
	}
}

// TestEveryMessageComposes renders every message with every field set: no template error,
// no field missing, a subject on one line, and for the person an SMS that fits one SMS
// with its date and link, a long title and a long place notwithstanding.
func TestEveryMessageComposes(t *testing.T) {
	for name := range messages {
		t.Run(name, func(t *testing.T) {
			l, err := compose(name, fullView())
			if err != nil {
				t.Fatal(err)
			}
			for part, s := range map[string]string{"subject": l.Subject, "text": l.Text, "HTML": l.HTML, "SMS": l.SMS} {
				if strings.Contains(s, "<no value>") || !utf8.ValidString(s) {
					t.Errorf("%s: %q", part, s)
				}
			}
			if l.Subject == "" || strings.Contains(l.Subject, "\n") || l.Text == "" || strings.Contains(l.Text, "\n\n\n") {
				t.Errorf("subject %q, text:\n%s", l.Subject, l.Text)
			}
			if !strings.HasPrefix(name, "person-") {
				if l.SMS != "" {
					t.Errorf("an SMS for %s", name)
				}
				return
			}
			if !smsFits(l.SMS) || !strings.HasSuffix(l.SMS, fullView().PageURL) || !strings.Contains(l.SMS, "mercredi 30 septembre à 14 h 30") {
				t.Errorf("SMS (%d characters) %q", utf8.RuneCountInString(l.SMS), l.SMS)
			}
		})
	}
}

func TestPageEscapesAndLinks(t *testing.T) {
	html, err := page("Objet <b>", "Bonjour <script>,\n\nLien : https://agenda.example.fr/c/1-abc.\nFin & suite")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>Objet &lt;b&gt;</title>", "<p>Bonjour &lt;script&gt;,</p>",
		`<a href="https://agenda.example.fr/c/1-abc" style="color:#0b4f9c">https://agenda.example.fr/c/1-abc</a>.<br>`, "Fin &amp; suite</p>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
}
