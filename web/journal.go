package web

import (
	"github.com/escale-numerique/escale/audit"
)

// Both journals (a structure's, and the coordination's) describe audit entries the same
// way, in French.

// journalLine is one entry of the journal, in words.
type journalLine struct {
	When    string
	ISO     string
	Who     string
	What    string
	Summary string
}

// Verbs and things of the audit log, in French.
var (
	journalActions = map[string]string{
		"created": "a créé", "updated": "a modifié", "moved": "a déplacé", "published": "a publié",
		"unpublished": "a remis en brouillon", "cancelled": "a annulé", "deleted": "a supprimé",
		"invited": "a invité", "validated": "a validé", "refused": "a refusé la demande de",
		"status:active": "a validé", "status:pending": "a remis en attente", "status:refused": "a refusé",
		"requested": "a demandé l'inscription de", "accepted": "a accepté la demande de",
		"enrolled": "a inscrit une personne à", "attendance": "a fait l'émargement de",
		"erased": "a effacé les données personnelles de", "domain:added": "a autorisé le domaine",
		"domain:removed": "a retiré le domaine",
	}
	// journalPhrases say actions on people, keyed "action entity".
	journalPhrases = map[string]string{
		"role:member user": "a ajouté un membre", "role:coordinator user": "a ajouté un coordinateur",
		"created user": "a créé le compte", "status:disabled user": "a désactivé le compte",
		"status:active user": "a réactivé le compte", "role:professional user": "a ouvert un compte de professionnel",
		"professional:accepted user": "a validé le professionnel", "professional:refused user": "a refusé le professionnel",
		"invitation:accepted user": "a accepté son invitation", "password user": "a changé son mot de passe",
		"cancelled booking": "a annulé l'inscription",
	}
	journalEntities = map[string]string{
		"structure": "la structure", "place": "le lieu", "workshop": "l'atelier", "session": "la séance",
		"user": "le compte", "membership": "l'accès de", "invitation": "l'invitation",
		"join_request": "la demande", "domain": "le domaine", "level": "le niveau", "theme": "le thème",
		"booking": "l'inscription",
	}
)

func newJournalLine(e *audit.Entry) journalLine {
	l := journalLine{When: frDate(e.At) + " à " + frTime(e.At), ISO: isoTime(e.At), Who: e.ActorName, Summary: e.Summary}
	if l.Who == "" {
		l.Who = "Escale (système)"
	}
	if phrase, ok := journalPhrases[e.Action+" "+e.Entity]; ok {
		l.What = phrase
		return l
	}
	verb, ok := journalActions[e.Action]
	if !ok {
		verb = e.Action
	}
	thing, ok := journalEntities[e.Entity]
	if !ok {
		thing = e.Entity
	}
	l.What = verb + " " + thing
	return l
}
