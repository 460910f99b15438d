package main

import (
	"time"

	"github.com/escale-numerique/escale/workshops"
)

// The demo territory: structures of the Grand-Nancy metropolis and their workshops. The
// structures, people, addresses and telephone numbers are invented for the demonstration;
// the services and procedures they teach are real. Text follows "Facile à lire et à
// comprendre": short sentences, everyday words, one idea per sentence.
//
// Order matters (see demo.go): the last workshop of the last structure is the marker of a
// complete load, so it must keep a single fixed-size batch.

func coord(v float64) *float64 { return &v }

// Places named in batches.
const (
	placeChampLeBoeuf = "Salle de quartier du Champ-le-Bœuf"
	placeHaussonville = "Maison de quartier d'Haussonville"
)

// demoTerritory returns a fresh copy of the demo plan (loading fills in ids and slugs).
func demoTerritory() []demoStructure {
	return []demoStructure{
		{
			structure: workshops.Structure{
				Slug: "mediatheque-trois-maisons", Name: "Médiathèque des Trois-Maisons", Kind: "mediatheque",
				Description: "Une médiathèque de quartier avec un espace numérique de 8 ordinateurs et des tablettes. " +
					"Une médiatrice numérique vous accueille et anime des ateliers pour tous les âges. " +
					"La médiathèque est ouverte le dimanche après-midi.",
				Address: "18 rue du Faubourg-des-Trois-Maisons", Postcode: "54000", Town: "Nancy",
				Latitude: coord(48.7003), Longitude: coord(6.1752),
				AccessInfo: "Bus ligne 10, arrêt « Trois-Maisons », juste devant. " +
					"Ligne Tempo 2, arrêt « Rue de Metz », à 5 minutes à pied. Arceaux pour les vélos.",
				Accessibility: "Entrée de plain-pied. Ascenseur pour l'espace numérique au 1er étage. " +
					"Toilettes adaptées. Boucle magnétique à l'accueil.",
				OpeningHours: "Mardi, jeudi et vendredi : 13 h à 18 h.\nMercredi et samedi : 10 h à 18 h.\n" +
					"Dimanche : 14 h à 18 h.\nFermé le lundi et les jours fériés.",
				Phone: "03 83 27 41 60", Email: "mediatheque.troismaisons@example.org",
				Labels: workshops.List{"conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "dimanche-changement-d-heure",
						Title:   "Dimanche du changement d'heure : vos appareils à l'heure",
						Summary: "Un après-midi convivial pour régler vos appareils et poser vos questions sur le téléphone ou la tablette.",
						Description: "Deux fois par an, la France change d'heure. Ce dimanche-là, la médiathèque ouvre son espace numérique tout l'après-midi.\n" +
							"Nous vérifions ensemble que votre téléphone, votre tablette ou votre montre affichent la bonne heure. " +
							"Nous en profitons pour répondre à vos questions : un réglage, une application, une photo à envoyer à la famille.\n" +
							"Pas besoin de savoir déjà faire. Des tablettes sont prêtées sur place. Les enfants et les petits-enfants sont les bienvenus.",
						LevelMin: "eloigne", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"prise-en-main", "communiquer"},
						DefaultCapacity: 15, DefaultDurationMinutes: 150,
						DevicesLent: workshops.List{"tablette"},
						WhatToBring: "Votre téléphone ou votre tablette, si vous en avez un, et son chargeur.",
						Enrollment:  "ouvert",
					},
					batches: []demoBatch{
						{dst: dstLast, hour: 14, minute: 30, animator: "Hélène M.", seats: seatsVaried},
						{dst: dstNext, hour: 14, minute: 30, animator: "Hélène M.", seats: seatsFew},
						{dst: dstAfterNext, hour: 14, minute: 30, animator: "Hélène M.", seats: seatsFew},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "apres-midi-retro-gaming",
						Title:   "Après-midi rétro-gaming : jeux vidéo d'hier et d'aujourd'hui",
						Summary: "Consoles anciennes, jeux sur tablette et grand écran : on joue ensemble, toutes générations confondues.",
						Description: "Consoles des années 80 et 90, jeux sur tablette, manettes et écran géant : la médiathèque devient une salle de jeux pour un après-midi.\n" +
							"On joue à deux, en famille ou entre voisins. On en profite pour parler des écrans : combien de temps, quels jeux pour quel âge, comment régler le contrôle parental.\n" +
							"Ouvert à tous à partir de 8 ans. Les enfants de moins de 12 ans viennent avec un adulte.",
						LevelMin: "debutant", LevelMax: "autonome",
						ThemeSlugs:      []string{"ludique"},
						DefaultCapacity: 16, DefaultDurationMinutes: 180,
						Enrollment: "ouvert",
					},
					batches: []demoBatch{
						{day: time.Saturday, week: 1, count: 3, every: 4, hour: 14, animator: "Karim et l'équipe jeunesse", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "photos-numeriques",
						Title:   "Photos numériques : trier, retoucher, partager",
						Summary: "Ranger ses photos, les sauvegarder, les embellir et les envoyer à ses proches.",
						Description: "Vous avez des centaines de photos dans votre téléphone et vous ne retrouvez jamais la bonne ?\n" +
							"On apprend à les ranger dans des albums et à les sauvegarder pour ne pas les perdre. " +
							"On apprend aussi à recadrer ou éclaircir une photo, puis à l'envoyer à ses proches ou à la faire imprimer.\n" +
							"Chaque séance peut se suivre seule.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs:      []string{"ludique", "communiquer"},
						DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"}, DevicesLent: workshops.List{"tablette"},
						WhatToBring: "Votre téléphone avec quelques photos, et son chargeur.",
						Enrollment:  "ouvert",
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 1, count: 6, hour: 10, animator: "Hélène M."},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "mediatheque-jules-verne", Name: "Médiathèque Jules-Verne", Kind: "mediatheque",
				Description: "Médiathèque municipale avec un espace multimédia en libre accès. " +
					"Les ateliers numériques sont gratuits, avec ou sans abonnement à la médiathèque.",
				Address: "4 rue de Parme", Postcode: "54500", Town: "Vandœuvre-lès-Nancy",
				Latitude: coord(48.6598), Longitude: coord(6.1662),
				AccessInfo: "Ligne Tempo 1, arrêt « Vélodrome », à 3 minutes à pied. " +
					"Bus ligne 11, arrêt « Parme ». Parking gratuit devant la médiathèque.",
				Accessibility: "Bâtiment de plain-pied. Places de parking réservées. " +
					"Grands écrans et logiciel de grossissement sur deux postes.",
				OpeningHours: "Mardi : 14 h à 19 h.\nMercredi et samedi : 10 h à 12 h 30 et 13 h 30 à 18 h.\n" +
					"Jeudi et vendredi : 14 h à 18 h.",
				Phone: "03 83 51 80 72", Email: "mediatheque.julesverne@example.org",
				Labels: workshops.List{"conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "premiers-pas-tablette",
						Title:   "Premiers pas sur tablette",
						Summary: "Pour celles et ceux qui n'ont jamais touché une tablette, ou qui n'osent pas.",
						Description: "On découvre les gestes un par un : allumer, toucher, faire glisser, agrandir, revenir en arrière.\n" +
							"On prend son temps. On recommence autant de fois qu'il le faut.\n" +
							"Les tablettes sont prêtées par la médiathèque. Le groupe est petit, 6 personnes, pour que chacun soit aidé.",
						LevelMin: "eloigne", LevelMax: "debutant",
						ThemeSlugs:      []string{"prise-en-main"},
						DefaultCapacity: 6, DefaultDurationMinutes: 90,
						DevicesLent:   workshops.List{"tablette"},
						Accessibility: "Stylets et grandes icônes pour les personnes qui voient ou bougent difficilement.",
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: -2, count: 10, hour: 10, animator: "Sophie L.", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "tablette-intergenerationnelle",
						Title:   "Atelier intergénérationnel : les collégiens aident les grands-parents",
						Summary: "Un jeune et un senior par tablette : chacun apprend de l'autre.",
						Description: "Des élèves du collège voisin viennent partager ce qu'ils savent faire avec une tablette : envoyer une photo, faire un appel vidéo, jouer à un jeu de mots.\n" +
							"En échange, les aînés racontent, expliquent, corrigent l'orthographe… Chacun apprend de l'autre.\n" +
							"Un goûter termine chaque séance.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"ludique", "prise-en-main", "communiquer"},
						DefaultCapacity: 12, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"tablette"},
						Enrollment:  "ouvert",
					},
					batches: []demoBatch{
						{day: time.Wednesday, week: 1, count: 6, every: 2, hour: 14, animator: "Sophie L. et Maxime"},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "reperer-les-arnaques-en-ligne",
						Title:   "Repérer les arnaques en ligne",
						Summary: "Faux colis, faux conseiller, faux site des impôts : apprendre à ne pas se faire piéger.",
						Description: "Les arnaques se ressemblent souvent. À partir de vrais exemples, on apprend à repérer les signes qui doivent alerter.\n" +
							"On apprend à vérifier l'adresse d'un site et à savoir quoi faire si l'on s'est fait piéger : qui appeler, comment signaler.\n" +
							"Aucun appareil n'est nécessaire. Vous pouvez apporter les messages suspects que vous avez reçus.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs:      []string{"securite-vie-privee"},
						DefaultCapacity: 12, DefaultDurationMinutes: 120,
					},
					batches: []demoBatch{
						{day: time.Friday, week: 2, count: 3, every: 4, hour: 14, animator: "Thomas R."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "club-informatique",
						Title:   "Club informatique : on choisit le thème ensemble",
						Summary: "Pour celles et ceux qui se débrouillent déjà et veulent aller plus loin, en groupe.",
						Description: "Vous vous servez déjà de l'ordinateur ? Le club est fait pour vous.\n" +
							"À chaque rencontre, le groupe choisit un sujet : ranger ses fichiers, créer un album photo, réserver un billet de train, découvrir un logiciel libre, comprendre l'intelligence artificielle…\n" +
							"On apprend les uns des autres, autour d'un café.",
						LevelMin: "avance", LevelMax: "autonome",
						ThemeSlugs:      []string{"ludique", "communiquer"},
						DefaultCapacity: 12, DefaultDurationMinutes: 90,
						DevicesToBring: workshops.List{"ordinateur"},
						WhatToBring:    "Votre ordinateur portable si vous en avez un. Sinon, les postes de la médiathèque sont là.",
						Enrollment:     "ouvert",
					},
					batches: []demoBatch{
						{day: time.Friday, week: 0, count: 12, hour: 17, minute: 30, animator: "Thomas R.", seats: seatsFew},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "centre-social-les-nations", Name: "Centre social Les Nations", Kind: "centre-social",
				Description: "Le centre social accueille les habitants du quartier des Nations : familles, jeunes, seniors. " +
					"Sa conseillère numérique accompagne les démarches et anime des ateliers en petit groupe.",
				Address: "9 rue de Norvège", Postcode: "54500", Town: "Vandœuvre-lès-Nancy",
				Latitude: coord(48.6563), Longitude: coord(6.1618),
				AccessInfo:    "Ligne Tempo 1, arrêt « Nations ». Bus ligne 14, arrêt « Norvège ».",
				Accessibility: "Salle d'atelier au rez-de-chaussée. Toilettes adaptées. Accueil en langue des signes sur rendez-vous.",
				OpeningHours:  "Du lundi au vendredi : 9 h à 12 h et 13 h 30 à 18 h.\nFermé le samedi et le dimanche.",
				Phone:         "03 83 56 12 38", Email: "accueil.nations@example.org",
				Labels: workshops.List{"conseillers-numeriques", "aidants-connect"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "parcours-premiers-pas-numeriques",
						Title:   "Parcours « Premiers pas numériques » en 5 séances",
						Summary: "Cinq matinées pour prendre confiance avec le téléphone et la tablette, dans un petit groupe.",
						Description: "Un parcours pour commencer tout doucement, à son rythme.\n" +
							"Séance 1 : allumer, toucher, se repérer sur l'écran.\n" +
							"Séance 2 : appeler, écrire un SMS, enregistrer un contact.\n" +
							"Séance 3 : prendre une photo et l'envoyer.\n" +
							"Séance 4 : aller sur internet et chercher une information.\n" +
							"Séance 5 : créer son adresse mail.\n" +
							"On s'inscrit pour les cinq séances. Un café est offert à chaque fois.",
						LevelMin: "eloigne", LevelMax: "debutant",
						ThemeSlugs: []string{"prise-en-main", "communiquer"},
						Kind:       "parcours", DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"smartphone", "tablette"},
						WhatToBring: "Votre téléphone si vous en avez un. Sinon, nous en prêtons un.",
					},
					batches: []demoBatch{
						{day: time.Monday, week: 2, count: 5, hour: 9, minute: 30, animator: "Nadia B.", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "futur-parent-caf-ameli-maternite",
						Title:   "Futur parent : CAF, Ameli et maternité en ligne",
						Summary: "Déclarer sa grossesse, ouvrir ses comptes CAF et Ameli, préparer l'arrivée du bébé.",
						Description: "Vous attendez un enfant ? Beaucoup de démarches se font maintenant sur internet.\n" +
							"On apprend à déclarer sa grossesse, à ouvrir son compte CAF et son compte Ameli, et à faire une simulation de la prime de naissance. " +
							"On cherche aussi un mode de garde sur le site monenfant.fr.\n" +
							"Les futurs papas sont les bienvenus. Un coin est prévu pour les jeunes enfants.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs: []string{"parcours-de-vie", "demarches-en-ligne"},
						LifeEvent:  "futur-parent", DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"},
						WhatToBring:    "Votre téléphone, votre numéro de sécurité sociale et votre numéro d'allocataire CAF si vous en avez un.",
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 1, count: 5, every: 2, hour: 14, animator: "Nadia B. et une conseillère de la CAF"},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "pronote-ent-scolarite",
						Title:   "Pronote et ENT : suivre la scolarité de son enfant",
						Summary: "Notes, devoirs, absences, messages des professeurs : s'y retrouver sur Pronote et l'ENT.",
						Description: "Au collège et au lycée, presque tout passe par Pronote ou par l'ENT de l'établissement.\n" +
							"On apprend à retrouver ses codes, à installer l'application, à lire le cahier de textes et à écrire à un enseignant.\n" +
							"Vous pouvez venir avec votre enfant. L'atelier a lieu en fin de journée, après l'école.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"parentalite-scolarite"},
						DefaultCapacity: 10, DefaultDurationMinutes: 90,
						DevicesToBring: workshops.List{"smartphone"},
						WhatToBring:    "Votre téléphone et les codes donnés par l'établissement. Vous les avez perdus ? Venez quand même : on vous aide à les retrouver.",
						Enrollment:     "ouvert",
					},
					batches: []demoBatch{
						{
							day: time.Tuesday, week: -1, count: 8, hour: 17, animator: "Camille D.",
							cancel: 4, cancelReason: "L'animatrice est absente ce jour-là. L'atelier reprend la semaine suivante, à la même heure.",
						},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "centre-social-la-clairiere", Name: "Centre social La Clairière", Kind: "centre-social",
				Description: "Au cœur du quartier des Provinces, le centre social propose un point numérique avec accompagnement, " +
					"des ateliers pour les familles et une aide aux démarches sur rendez-vous.",
				Address: "3 rue de Bourgogne", Postcode: "54520", Town: "Laxou",
				Latitude: coord(48.6951), Longitude: coord(6.1402),
				AccessInfo:    "Ligne Tempo 3, arrêt « Provinces ». Bus ligne 17, arrêt « Bourgogne ».",
				Accessibility: "Rampe d'accès à l'entrée. Salle d'atelier au rez-de-chaussée.",
				OpeningHours:  "Lundi, mardi, jeudi et vendredi : 9 h à 12 h et 14 h à 18 h 30.\nMercredi : 9 h à 18 h 30.",
				Phone:         "03 83 98 24 11", Email: "laclairiere@example.org",
				Labels: workshops.List{"conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "mon-smartphone-pas-a-pas",
						Title:   "Mon smartphone, pas à pas",
						Summary: "Chaque mercredi, un geste nouveau pour se sentir à l'aise avec son téléphone.",
						Description: "Votre téléphone vous semble compliqué ? Vous n'êtes pas seul.\n" +
							"Chaque semaine, on apprend un geste nouveau : décrocher et appeler, écrire un message, régler le volume et la taille des lettres, prendre une photo, installer une application sans se faire piéger.\n" +
							"Chacun avance à son rythme. On peut commencer n'importe quelle semaine.",
						LevelMin: "eloigne", LevelMax: "debutant",
						ThemeSlugs:      []string{"prise-en-main"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"}, DevicesLent: workshops.List{"smartphone"},
						WhatToBring: "Votre téléphone chargé, si vous en avez un.",
					},
					batches: []demoBatch{
						{day: time.Wednesday, week: -3, count: 12, hour: 9, minute: 30, animator: "Jérôme P.", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "appeler-sa-famille-en-video",
						Title:   "Appeler sa famille en vidéo",
						Summary: "WhatsApp, Messenger, appel vidéo : voir ses proches, même loin.",
						Description: "Voir ses enfants, ses petits-enfants ou ses proches restés au pays : c'est possible avec un appel vidéo.\n" +
							"On installe l'application, on ajoute ses contacts et on passe un premier appel ensemble dans la salle. " +
							"Ensuite, on apprend à envoyer des messages vocaux.\n" +
							"L'animateur parle aussi arabe et turc.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"communiquer"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"},
						Languages:      workshops.List{"fr", "ar", "tr"},
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 1, count: 4, every: 2, hour: 14, animator: "Jérôme P. et Aylin"},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "ecrans-a-la-maison",
						Title:   "Les écrans à la maison : en parler avec ses enfants",
						Summary: "Une soirée d'échanges entre parents sur le temps d'écran, les réseaux sociaux et le contrôle parental.",
						Description: "Combien de temps d'écran à quel âge ? Comment parler des réseaux sociaux avec un adolescent ? Comment régler le contrôle parental sans se fâcher ?\n" +
							"Une soirée d'échanges entre parents, avec une animatrice et une éducatrice du centre social. " +
							"On repart avec des astuces simples et des réglages faits sur son téléphone ou sur la console de la maison.\n" +
							"Garde d'enfants possible sur place : signalez-le à l'inscription.",
						LevelMin: "intermediaire", LevelMax: "autonome",
						ThemeSlugs:      []string{"parentalite-scolarite", "securite-vie-privee"},
						DefaultCapacity: 15, DefaultDurationMinutes: 120,
						Enrollment: "ouvert",
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: 3, hour: 18, animator: "Amandine V."},
						{day: time.Tuesday, week: 9, hour: 18, animator: "Amandine V.", seats: seatsFew},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "ccas-maxeville", Name: "CCAS de Maxéville", Kind: "ccas",
				Description: "Le centre communal d'action sociale aide les habitants dans leurs démarches. " +
					"Ses ateliers numériques ont lieu à la mairie et dans la salle de quartier du Champ-le-Bœuf.",
				Address: "14 rue du 15-Septembre-1944", AddressExtra: "Hôtel de ville, rez-de-chaussée",
				Postcode: "54320", Town: "Maxéville",
				Latitude: coord(48.7106), Longitude: coord(6.1637),
				AccessInfo:    "Bus ligne 13, arrêt « Mairie de Maxéville ». Parking de la mairie.",
				Accessibility: "Entrée accessible par la rampe sur le côté du bâtiment. Toilettes adaptées.",
				OpeningHours:  "Du lundi au vendredi : 8 h 30 à 12 h et 13 h 30 à 17 h.",
				Phone:         "03 83 32 30 05", Email: "ccas.maxeville@example.org",
				Labels: workshops.List{"aidants-connect"},
			},
			places: []workshops.Place{
				{
					Name: placeChampLeBoeuf, Address: "12 avenue de la Meuse", Postcode: "54320", Town: "Maxéville",
					Latitude: coord(48.7004), Longitude: coord(6.1431),
					AccessInfo:    "Ligne Tempo 3, arrêt « Champ-le-Bœuf ».",
					Accessibility: "Salle de plain-pied.",
				},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "franceconnect-un-compte-pour-tout",
						Title:   "FranceConnect : un seul compte pour toutes vos démarches",
						Summary: "Entrer sur les sites des impôts, d'Ameli, de la CAF ou de France Travail avec les mêmes identifiants.",
						Description: "Avec FranceConnect, on se connecte à de nombreux sites publics avec un seul compte.\n" +
							"On apprend à l'utiliser, à choisir un mot de passe solide et à le garder en lieu sûr. Si besoin, on crée son Identité Numérique La Poste.\n" +
							"Les démarches se font ensemble, mais c'est vous qui tapez : vous repartez capable de recommencer seul.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"demarches-en-ligne", "securite-vie-privee"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"}, DevicesLent: workshops.List{"ordinateur"},
						WhatToBring: "Votre téléphone et les identifiants que vous avez déjà (impôts, Ameli).",
					},
					batches: []demoBatch{
						{day: time.Monday, week: 1, count: 6, hour: 14, place: placeChampLeBoeuf, animator: "Farid K."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "mon-espace-sante-ameli",
						Title:   "Prendre soin de sa santé : Mon espace santé et Ameli",
						Summary: "Remboursements, attestations, rendez-vous médicaux et documents de santé, en toute confidentialité.",
						Description: "Retrouver ses remboursements, télécharger une attestation, prendre rendez-vous chez un médecin, ranger ses ordonnances et ses résultats d'analyses.\n" +
							"On découvre ensemble le compte Ameli et Mon espace santé.\n" +
							"On parle aussi de confidentialité : qui peut voir vos informations de santé, et comment le choisir.",
						LevelMin: "debutant", LevelMax: "avance",
						ThemeSlugs: []string{"parcours-de-vie", "demarches-en-ligne"},
						LifeEvent:  "sante", DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"},
						WhatToBring:    "Votre carte Vitale et votre téléphone.",
					},
					batches: []demoBatch{
						{day: time.Friday, week: 1, count: 5, every: 2, hour: 9, minute: 30, animator: "Farid K."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "decouvrir-l-ordinateur-sans-peur",
						Title:   "Découvrir l'ordinateur, sans avoir peur",
						Summary: "Pour commencer tout doucement quand on n'a jamais utilisé d'ordinateur.",
						Description: "Vous n'avez jamais utilisé d'ordinateur et cela vous inquiète ? Cet atelier est fait pour commencer.\n" +
							"On apprend à tenir la souris, à allumer et éteindre, à ouvrir et fermer une fenêtre.\n" +
							"Il n'y a pas de bêtise : on ne peut rien casser. Cinq personnes au plus, avec une médiatrice et un bénévole.",
						LevelMin: "eloigne", LevelMax: "eloigne",
						ThemeSlugs:      []string{"prise-en-main"},
						DefaultCapacity: 5, DefaultDurationMinutes: 90,
						DevicesLent:   workshops.List{"ordinateur"},
						Accessibility: "Souris adaptées et claviers à grosses touches.",
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: 0, count: 8, hour: 14, animator: "Lucie et Bernard (bénévole)", seats: seatsPopular},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "france-services-tomblaine", Name: "France Services de Tomblaine", Kind: "france-services",
				Description: "Un guichet unique pour vos démarches : impôts, CAF, Assurance maladie, retraite, France Travail, ANTS. " +
					"Les agents vous reçoivent avec ou sans rendez-vous et animent des ateliers collectifs.",
				Address: "12 avenue de la Paix", Postcode: "54510", Town: "Tomblaine",
				Latitude: coord(48.6841), Longitude: coord(6.2158),
				AccessInfo:    "Ligne Tempo 4, arrêt « Tomblaine Centre ». Bus ligne 15, arrêt « Avenue de la Paix ».",
				Accessibility: "Accès de plain-pied. Guichet surbaissé. Boucle magnétique.",
				OpeningHours:  "Lundi, mardi, jeudi : 9 h à 12 h et 13 h 30 à 17 h.\nMercredi : 9 h à 12 h.\nVendredi : 9 h à 12 h et 13 h 30 à 16 h.",
				Phone:         "03 83 29 60 40", Email: "franceservices.tomblaine@example.org",
				Labels: workshops.List{"france-services", "conseillers-numeriques", "aidants-connect"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "espace-impots-gouv",
						Title:   "Impots.gouv : gérer son espace particulier toute l'année",
						Summary: "Prélèvement à la source, changement de situation, avis d'imposition : s'y retrouver sur impots.gouv.fr.",
						Description: "Votre espace sur impots.gouv.fr sert toute l'année.\n" +
							"On apprend à modifier son taux de prélèvement à la source, à signaler un mariage ou une naissance, et à retrouver un avis d'imposition pour un dossier de logement.\n" +
							"On apprend aussi à envoyer un message au centre des impôts depuis la messagerie sécurisée.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs:      []string{"demarches-en-ligne"},
						DefaultCapacity: 10, DefaultDurationMinutes: 150,
						DevicesLent: workshops.List{"ordinateur"},
						WhatToBring: "Votre numéro fiscal : il est écrit sur votre dernier avis d'imposition.",
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 2, count: 3, hour: 9, minute: 30, animator: "Émilie S."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "caf-mon-compte-en-ligne",
						Title:   "CAF : mon compte et mes démarches en ligne",
						Summary: "Se connecter, déclarer ses ressources, signaler un changement et télécharger une attestation.",
						Description: "Prime d'activité, aide au logement, déclaration trimestrielle : tout se fait sur caf.fr ou sur l'application.\n" +
							"On apprend à se connecter, à remplir une déclaration sans erreur et à télécharger une attestation.\n" +
							"Si votre dossier est compliqué, un agent France Services peut ensuite vous recevoir seul à seul.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"demarches-en-ligne"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"}, DevicesLent: workshops.List{"ordinateur"},
						WhatToBring: "Votre numéro d'allocataire et votre mot de passe CAF, si vous les avez.",
					},
					batches: []demoBatch{
						{day: time.Wednesday, week: 1, count: 4, hour: 14, animator: "Émilie S.", seats: seatsPopular},
						{day: time.Wednesday, week: 7, count: 3, hour: 9, minute: 30, animator: "Yannick T."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "demenager-les-demarches",
						Title:   "Déménager : les démarches en ligne",
						Summary: "Prévenir tout le monde en une fois et ne rien oublier quand on change d'adresse.",
						Description: "Un déménagement, c'est beaucoup de choses à penser. Beaucoup se font en une fois sur service-public.fr : prévenir la CAF, les impôts, l'Assurance maladie, la caisse de retraite.\n" +
							"On voit aussi comment changer l'adresse de sa carte grise, transférer son contrat d'énergie et faire suivre son courrier.\n" +
							"Vous repartez avec une liste claire de ce qui reste à faire.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs: []string{"parcours-de-vie", "demarches-en-ligne"},
						LifeEvent:  "demenagement", DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"ordinateur"},
					},
					batches: []demoBatch{
						{day: time.Saturday, week: 2, hour: 10, animator: "Yannick T."},
						{day: time.Saturday, week: 10, hour: 10, animator: "Yannick T.", seats: seatsFew},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "preparer-sa-retraite-en-ligne",
						Title:   "Préparer sa retraite en ligne",
						Summary: "Vérifier sa carrière, estimer sa pension et faire sa demande sur info-retraite.fr, sur place ou depuis chez soi.",
						Description: "Vous partez bientôt à la retraite ? Sur info-retraite.fr, on peut vérifier sa carrière, estimer le montant de sa pension et faire sa demande en une fois pour toutes ses caisses.\n" +
							"On apprend à lire son relevé de carrière, à signaler une période oubliée et à suivre sa demande.\n" +
							"Cet atelier se suit sur place à Tomblaine ou depuis chez vous, en visio : le lien arrive la veille par courriel.",
						LevelMin: "intermediaire", LevelMax: "autonome",
						ThemeSlugs: []string{"parcours-de-vie", "demarches-en-ligne"},
						LifeEvent:  "retraite", Format: "hybride", DefaultCapacity: 12, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"ordinateur"},
						WhatToBring:    "Vos identifiants FranceConnect ou Ameli. À distance : un ordinateur ou une tablette avec une caméra.",
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: 2, count: 3, every: 2, hour: 9, minute: 30, animator: "Yannick T."},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "centre-social-la-californie", Name: "Centre social de la Californie", Kind: "centre-social",
				Description: "Le centre social du quartier de la Californie propose des activités pour les familles, " +
					"un accompagnement vers l'emploi et des ateliers numériques.",
				Address: "10 rue de la Californie", Postcode: "54140", Town: "Jarville-la-Malgrange",
				Latitude: coord(48.6663), Longitude: coord(6.2012),
				AccessInfo:    "Ligne Tempo 1, arrêt « Jarville Californie ». Gare de Jarville à 10 minutes à pied.",
				Accessibility: "Entrée de plain-pied. Salle informatique au rez-de-chaussée.",
				OpeningHours:  "Du lundi au vendredi : 8 h 30 à 12 h et 13 h 30 à 18 h.\nLe jeudi : ouverture à 10 h.",
				Phone:         "03 83 51 44 19", Email: "californie@example.org",
				Labels: workshops.List{"conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "courriel-creer-et-utiliser",
						Title:   "Courriel : créer et utiliser son adresse mail",
						Summary: "Avoir son adresse mail, lire ses messages, répondre et envoyer un document.",
						Description: "Une adresse mail est demandée pour presque toutes les démarches.\n" +
							"On la crée ensemble et on note le mot de passe dans un endroit sûr. Puis on apprend à lire ses messages, à répondre, à joindre une photo ou un document.\n" +
							"On apprend aussi à reconnaître les publicités et les messages douteux.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"communiquer"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"ordinateur"},
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: -2, count: 8, hour: 9, minute: 30, animator: "Mélanie G."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "cuisine-et-numerique",
						Title:   "Cuisine et numérique : recettes, courses et petit budget",
						Summary: "Chercher une recette, comparer les prix, faire sa liste sur le téléphone… puis cuisiner ensemble.",
						Description: "On cherche une recette sur la tablette avec ce qu'il reste dans le frigo. On compare les prix et on fait sa liste de courses sur le téléphone.\n" +
							"Puis on cuisine ensemble et on goûte !\n" +
							"Un atelier convivial, dans la cuisine du centre social, pour apprendre sans s'en rendre compte. Pensez à signaler vos allergies à l'inscription.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"ludique", "prise-en-main"},
						DefaultCapacity: 10, DefaultDurationMinutes: 150,
						DevicesLent: workshops.List{"tablette"},
						Enrollment:  "ouvert",
					},
					batches: []demoBatch{
						{day: time.Friday, week: 1, count: 5, every: 2, hour: 14, animator: "Mélanie G. et Rosa", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "parcours-projet-professionnel",
						Title:   "Parcours « Projet professionnel » : France Travail, CV et candidatures",
						Summary: "Quatre après-midi pour avancer sur son projet avec l'ordinateur comme outil.",
						Description: "Un parcours en quatre séances, en petit groupe.\n" +
							"Séance 1 : se repérer dans son espace France Travail et s'actualiser.\n" +
							"Séance 2 : faire ou refaire son CV.\n" +
							"Séance 3 : chercher des offres et répondre à une annonce.\n" +
							"Séance 4 : préparer un entretien en visio.\n" +
							"On s'inscrit pour les quatre séances, souvent sur le conseil de sa conseillère France Travail ou de son référent RSA.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs: []string{"parcours-de-vie", "emploi-insertion"},
						LifeEvent:  "projet-professionnel", Kind: "parcours", DefaultCapacity: 8, DefaultDurationMinutes: 150,
						DevicesLent: workshops.List{"ordinateur"},
						WhatToBring: "Votre identifiant France Travail et, si vous en avez un, votre CV sur papier ou sur clé USB.",
					},
					batches: []demoBatch{
						{day: time.Monday, week: 3, count: 4, hour: 14, animator: "Samuel O."},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "connexions-solidaires", Name: "Connexions solidaires", Kind: "association",
				Description: "Association d'éducation populaire au numérique. Elle remet des ordinateurs reconditionnés à petit prix " +
					"et accepte les chèques APTIC pour ses ateliers.",
				Address: "27 rue de la Hache", Postcode: "54000", Town: "Nancy",
				Latitude: coord(48.6896), Longitude: coord(6.1776),
				AccessInfo:    "Ligne Tempo 1, arrêt « Point Central », à 5 minutes à pied. Gare de Nancy à 10 minutes.",
				Accessibility: "Local au 1er étage sans ascenseur. Les ateliers à la Maison de quartier d'Haussonville sont accessibles en fauteuil.",
				OpeningHours:  "Mardi et jeudi : 14 h à 18 h.\nSamedi : 9 h 30 à 12 h 30.",
				Phone:         "03 83 35 72 94", Email: "bonjour@connexions-solidaires.example.org",
				Labels: workshops.List{"aptic"},
			},
			places: []workshops.Place{
				{
					Name: placeHaussonville, Address: "3 rue de l'Armée-Patton", Postcode: "54000", Town: "Nancy",
					Latitude: coord(48.6792), Longitude: coord(6.1661),
					AccessInfo:    "Bus ligne 12, arrêt « Haussonville ». Parking gratuit.",
					Accessibility: "Salle de plain-pied, toilettes adaptées.",
				},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "bien-demarrer-ordinateur-reconditionne",
						Title:   "Bien démarrer avec un ordinateur reconditionné",
						Summary: "Mettre en route son ordinateur, le connecter, le garder en bonne santé.",
						Description: "Vous venez de recevoir un ordinateur reconditionné, ou vous aimeriez en avoir un ?\n" +
							"Dans cet atelier, on le met en route, on le connecte à internet et on installe le nécessaire. " +
							"On apprend à le garder en bonne santé : mises à jour, antivirus, sauvegardes.\n" +
							"Vous pouvez venir avec votre propre ordinateur, ou utiliser ceux de l'association.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"prise-en-main"},
						DefaultCapacity: 6, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"ordinateur"},
						Price:       "pass-aptic", PriceDetails: "Un chèque APTIC par séance. Pas de chèque ? Votre travailleur social peut vous en donner.",
					},
					batches: []demoBatch{
						{day: time.Saturday, week: 1, count: 5, hour: 10, place: placeHaussonville, animator: "Didier (bénévole)", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "ecrire-une-lettre-remplir-un-formulaire",
						Title:   "Écrire une lettre et remplir un formulaire sur ordinateur",
						Summary: "Mettre en page un courrier, remplir un PDF, l'enregistrer et l'envoyer.",
						Description: "Écrire une lettre de résiliation, remplir un formulaire PDF, l'enregistrer et l'envoyer par mail : des savoir-faire utiles tous les jours.\n" +
							"On travaille avec un logiciel de traitement de texte gratuit, sur les ordinateurs de l'association.\n" +
							"Apportez une clé USB si vous en avez une, pour garder vos documents.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs:      []string{"prise-en-main", "emploi-insertion"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"ordinateur"},
						Price:       "pass-aptic", PriceDetails: "Un chèque APTIC par séance.",
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 0, count: 8, hour: 14, animator: "Aïcha M."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "mots-de-passe-double-verification",
						Title:   "Mots de passe et double vérification : protéger ses comptes",
						Summary: "Des mots de passe solides, un gestionnaire de mots de passe et la double vérification.",
						Description: "Un seul mot de passe pour tout ? C'est risqué.\n" +
							"On voit comment créer des mots de passe solides et faciles à retenir, comment utiliser un gestionnaire de mots de passe, et comment activer la double vérification sur sa messagerie et ses réseaux sociaux.\n" +
							"On vérifie aussi si son adresse mail a fuité lors d'un piratage, et ce qu'il faut faire dans ce cas.",
						LevelMin: "avance", LevelMax: "autonome",
						ThemeSlugs:      []string{"securite-vie-privee"},
						DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone", "ordinateur"},
						Price:          "pass-aptic", PriceDetails: "Un chèque APTIC par séance.",
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: 2, count: 2, every: 4, hour: 18, animator: "Aïcha M.", seats: seatsFew},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "les-cles-du-numerique", Name: "Les Clés du numérique", Kind: "association",
				Description: "Association d'insertion qui accompagne les demandeurs d'emploi et les bénéficiaires du RSA dans leurs usages du numérique.",
				Address:     "33 avenue Carnot", Postcode: "54130", Town: "Saint-Max",
				Latitude: coord(48.7027), Longitude: coord(6.2063),
				AccessInfo:    "Ligne Tempo 4, arrêt « Saint-Max Mairie ». Bus ligne 16, arrêt « Carnot ».",
				Accessibility: "Entrée de plain-pied. Un poste avec écran de grande taille et clavier adapté.",
				OpeningHours:  "Du lundi au jeudi : 9 h à 12 h 30 et 13 h 30 à 17 h.\nVendredi : 9 h à 12 h 30.",
				Phone:         "03 83 21 08 57", Email: "contact@lescles.example.org",
				Labels: workshops.List{"aptic", "conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "chercher-un-emploi-sur-france-travail",
						Title:   "Chercher un emploi sur France Travail",
						Summary: "S'actualiser, consulter les offres, déposer son CV et répondre à sa conseillère.",
						Description: "On apprend à utiliser le site et l'application France Travail : s'actualiser chaque mois, consulter les offres, déposer son CV, répondre à un message de sa conseillère.\n" +
							"Chaque semaine, on avance sur les démarches de chacun, avec l'aide de l'animateur.",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"emploi-insertion", "demarches-en-ligne"},
						DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"ordinateur"},
						WhatToBring: "Votre identifiant France Travail et, si possible, votre CV.",
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: -1, count: 14, hour: 14, animator: "Olivier N.", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "faire-son-cv-sur-ordinateur",
						Title:   "Faire son CV sur ordinateur",
						Summary: "Partir de son parcours, choisir un modèle clair et obtenir un CV prêt à envoyer.",
						Description: "On part de votre parcours, même s'il vous semble « vide » : bénévolat, garde d'enfants, expérience à l'étranger, tout compte.\n" +
							"On choisit un modèle clair, on écrit et on met en page son CV. Puis on l'enregistre en PDF pour l'envoyer par mail ou le déposer sur un site d'emploi.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs:      []string{"emploi-insertion"},
						DefaultCapacity: 8, DefaultDurationMinutes: 150,
						DevicesLent: workshops.List{"ordinateur"},
						Price:       "pass-aptic", PriceDetails: "Deux chèques APTIC par séance.",
					},
					batches: []demoBatch{
						{day: time.Wednesday, week: 1, count: 5, every: 2, hour: 9, minute: 30, animator: "Olivier N."},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "banque-et-achats-en-ligne",
						Title:   "Acheter et gérer sa banque en ligne sans risque",
						Summary: "Consulter ses comptes, faire un virement, acheter sur un site sérieux, réagir en cas de doute.",
						Description: "On apprend à consulter ses comptes sur l'application de sa banque, à faire un virement et à valider un paiement avec son téléphone.\n" +
							"On apprend aussi à reconnaître un site de confiance et à réagir vite en cas de doute : faire opposition, prévenir sa banque.\n" +
							"Aucune opération réelle n'est faite pendant l'atelier : on s'entraîne sur des sites de démonstration.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs:      []string{"securite-vie-privee", "demarches-en-ligne"},
						DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"},
					},
					batches: []demoBatch{
						{day: time.Friday, week: 2, count: 4, every: 2, hour: 10, animator: "Christine B."},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "ccas-villers-les-nancy", Name: "CCAS de Villers-lès-Nancy", Kind: "ccas",
				Description: "Le CCAS accompagne les seniors et les personnes en difficulté. " +
					"Il propose des ateliers numériques et peut organiser le transport des personnes qui ne se déplacent pas seules.",
				Address: "8 rue Albert-Ier", AddressExtra: "Espace seniors", Postcode: "54600", Town: "Villers-lès-Nancy",
				Latitude: coord(48.6736), Longitude: coord(6.1519),
				AccessInfo:    "Bus ligne 15, arrêt « Villers Mairie ». Service de transport du CCAS sur demande.",
				Accessibility: "Salle de plain-pied. Fauteuils avec accoudoirs. Toilettes adaptées.",
				OpeningHours:  "Du lundi au vendredi : 8 h 30 à 12 h et 13 h 30 à 17 h.",
				Phone:         "03 83 92 12 40", Email: "ccas.villers@example.org",
				Labels: workshops.List{"aidants-connect", "conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "seniors-connectes",
						Title:   "Seniors connectés : garder le lien avec ses proches",
						Summary: "Photos de la famille, messages, appels vidéo et jeux de mémoire, sur une tablette prêtée.",
						Description: "Un atelier chaleureux pour les personnes âgées qui veulent rester en contact avec leur famille.\n" +
							"Sur une tablette prêtée, on apprend à regarder les photos envoyées par les petits-enfants, à répondre par un message, à passer un appel vidéo et à jouer à des jeux de mémoire.\n" +
							"Besoin d'un transport ? Demandez-le à l'inscription.",
						LevelMin: "eloigne", LevelMax: "debutant",
						ThemeSlugs:      []string{"communiquer", "ludique"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesLent:   workshops.List{"tablette"},
						Accessibility: "Tablettes réglées en grands caractères. Casques audio disponibles.",
					},
					batches: []demoBatch{
						{day: time.Thursday, week: -2, count: 14, hour: 14, minute: 30, animator: "Martine R.", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "aider-un-proche-perte-d-autonomie",
						Title:   "Aider un proche qui perd son autonomie : les démarches en ligne",
						Summary: "APA, aide à domicile, accueil de jour, statut d'aidant : les démarches utiles sur internet.",
						Description: "Votre père, votre mère ou votre conjoint a besoin d'aide au quotidien ? Vous êtes aidant.\n" +
							"On fait le tour des démarches utiles : demander l'APA, trouver une aide à domicile ou un accueil de jour, faire reconnaître son rôle d'aidant.\n" +
							"On parle aussi de la procuration et de l'accès aux comptes d'un proche, dans le respect de ses droits.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs: []string{"parcours-de-vie", "demarches-en-ligne"},
						LifeEvent:  "perte-autonomie", DefaultCapacity: 10, DefaultDurationMinutes: 120,
						Enrollment: "ouvert",
					},
					batches: []demoBatch{
						{day: time.Monday, week: 4, hour: 14, animator: "Martine R. et une assistante sociale"},
						{day: time.Monday, week: 12, hour: 14, animator: "Martine R. et une assistante sociale", seats: seatsFew},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "arnaques-telephone-et-sms",
						Title:   "Arnaques au téléphone et par SMS : les reconnaître",
						Summary: "Colis bloqué, compte qui expire, proche en détresse : repérer les pièges et savoir dire non.",
						Description: "« Votre colis est bloqué », « Votre compte formation va expirer », « Maman, j'ai perdu mon téléphone » : ces messages sont des pièges.\n" +
							"Avec des exemples lus à voix haute, on apprend à les reconnaître, à ne jamais donner un code reçu par SMS et à bloquer un numéro.\n" +
							"Pas besoin de savoir se servir d'un téléphone pour venir : l'atelier est fait pour tout le monde.",
						LevelMin: "eloigne", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"securite-vie-privee"},
						DefaultCapacity: 12, DefaultDurationMinutes: 90,
					},
					batches: []demoBatch{
						{day: time.Monday, week: 1, count: 3, every: 4, hour: 10, animator: "Martine R. et un gendarme référent"},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "la-quincaillerie", Name: "La Quincaillerie, tiers-lieu numérique", Kind: "tiers-lieu",
				Description: "Un ancien magasin devenu tiers-lieu : fab lab, espace de travail partagé, café associatif et ateliers créatifs.",
				Address:     "40 rue du Général-Leclerc", Postcode: "54220", Town: "Malzéville",
				Latitude: coord(48.7119), Longitude: coord(6.1861),
				AccessInfo:    "Bus ligne 16, arrêt « Malzéville Pont ». Piste cyclable le long de la Meurthe.",
				Accessibility: "Rez-de-chaussée accessible. Le fab lab est à l'étage, sans ascenseur.",
				OpeningHours:  "Mercredi : 14 h à 21 h.\nJeudi et vendredi : 10 h à 21 h.\nSamedi : 10 h à 17 h.",
				Phone:         "03 83 20 47 31", Email: "bonjour@laquincaillerie.example.org",
				Labels: workshops.List{"conseillers-numeriques"},
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "fab-lab-impression-3d",
						Title:   "Fab lab : imprimer en 3D son premier objet",
						Summary: "Dessiner une pièce simple sur ordinateur et la voir sortir de l'imprimante 3D.",
						Description: "Un porte-clés, une pièce de rechange, un jouet : au fab lab, on passe de l'idée à l'objet.\n" +
							"On découvre un logiciel de modélisation gratuit, on dessine une pièce simple, puis on lance l'impression et on regarde la machine travailler.\n" +
							"À partir de 14 ans. Aucune connaissance en dessin n'est nécessaire.",
						LevelMin: "avance", LevelMax: "autonome",
						ThemeSlugs:      []string{"ludique"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"ordinateur"},
						Price:       "payant", PriceDetails: "5 € la séance, matériel compris.",
						Enrollment: "ouvert",
					},
					batches: []demoBatch{
						{day: time.Wednesday, week: 1, count: 4, every: 2, hour: 18, animator: "Léo, fabmanager", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "creer-le-site-de-son-activite",
						Title:   "Créer le site de son association ou de sa petite activité",
						Summary: "Un site simple avec un outil gratuit : accueil, horaires, contact, carte.",
						Description: "Vous lancez une activité, ou votre association a besoin d'être visible ?\n" +
							"On construit ensemble un site simple avec un outil gratuit : une page d'accueil, vos horaires, un formulaire de contact, une carte.\n" +
							"On parle aussi de nom de domaine, de photos libres de droits et des règles à respecter : mentions légales, données personnelles.",
						LevelMin: "avance", LevelMax: "autonome",
						ThemeSlugs:      []string{"emploi-insertion"},
						DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"ordinateur"},
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 1, count: 6, hour: 18, animator: "Léo"},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "balade-photo-smartphone",
						Title:   "Balade photo au bord de la Meurthe avec son smartphone",
						Summary: "Une promenade pour apprendre à bien photographier avec son téléphone, puis partager ses plus belles images.",
						Description: "On part à pied du tiers-lieu pour une balade tranquille le long de la Meurthe.\n" +
							"En chemin, on apprend à bien cadrer, à photographier de près ou de loin, à utiliser le mode portrait. " +
							"Au retour, autour d'un thé, chacun choisit ses trois plus belles photos et les partage dans un album commun.\n" +
							"Balade d'environ 2 km sur terrain plat. Prévoyez de bonnes chaussures.",
						LevelMin: "debutant", LevelMax: "avance",
						ThemeSlugs:      []string{"ludique", "communiquer"},
						DefaultCapacity: 10, DefaultDurationMinutes: 150,
						DevicesToBring: workshops.List{"smartphone"},
						Accessibility:  "Parcours plat, praticable en fauteuil roulant par temps sec.",
						Enrollment:     "ouvert",
					},
					batches: []demoBatch{
						{day: time.Saturday, week: 2, count: 3, every: 3, hour: 10, animator: "Pauline"},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "espace-mouzimpre", Name: "Espace Mouzimpré", Kind: "centre-social",
				Description: "Centre social et culturel d'Essey-lès-Nancy. Des bénévoles y tiennent chaque semaine un café numérique.",
				Address:     "2 rue de Mouzimpré", Postcode: "54270", Town: "Essey-lès-Nancy",
				Latitude: coord(48.7086), Longitude: coord(6.2247),
				AccessInfo:    "Ligne Tempo 4, arrêt « Mouzimpré ». Parking devant l'Espace.",
				Accessibility: "Bâtiment de plain-pied. Toilettes adaptées.",
				OpeningHours:  "Lundi : 13 h 30 à 18 h.\nDu mardi au vendredi : 9 h à 12 h et 13 h 30 à 18 h.",
				Phone:         "03 83 33 18 62", Email: "mouzimpre@example.org",
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "cafe-numerique",
						Title:   "Café numérique : vos questions, nos réponses",
						Summary: "Chaque lundi, on vient avec son appareil et sa question du jour, autour d'un café.",
						Description: "On s'inscrit pour être sûr d'avoir une place, puis on arrive avec son téléphone, sa tablette ou son courrier, et sa question du jour.\n" +
							"Comment libérer de la place dans mon téléphone ? Pourquoi mon application ne marche plus ? Comment scanner un document ?\n" +
							"Les bénévoles répondent, autour d'un café et de gâteaux faits maison.",
						LevelMin: "eloigne", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"prise-en-main", "communiquer"},
						DefaultCapacity: 12, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone", "tablette"},
						Enrollment:     "ouvert",
					},
					batches: []demoBatch{
						{day: time.Monday, week: -3, count: 12, hour: 14, animator: "Les bénévoles de l'Espace", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "musique-videos-et-radio",
						Title:   "Musique, vidéos et radio sur internet",
						Summary: "Écouter la radio de son pays, retrouver une chanson, regarder un replay.",
						Description: "Écouter la radio de son pays, retrouver la chanson de ses 20 ans, regarder un documentaire en replay : internet est plein de trésors.\n" +
							"On découvre des sites et des applications gratuits, on apprend à créer une liste de lecture et à brancher son téléphone sur une enceinte.\n" +
							"Et bien sûr, on écoute !",
						LevelMin: "debutant", LevelMax: "intermediaire",
						ThemeSlugs:      []string{"ludique"},
						DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"tablette"},
						Enrollment:  "ouvert",
					},
					batches: []demoBatch{
						{day: time.Friday, week: 3, hour: 14, animator: "Grégory"},
						{day: time.Friday, week: 8, hour: 14, animator: "Grégory"},
					},
				},
			},
		},
		{
			structure: workshops.Structure{
				Slug: "passerelles", Name: "Passerelles, accueil et français pour tous", Kind: "association",
				Description: "Association d'accueil des personnes arrivées en France : cours de français, aide aux démarches et ateliers numériques, " +
					"avec des bénévoles qui parlent plusieurs langues.",
				Address: "12 rue Saint-Nicolas", Postcode: "54000", Town: "Nancy",
				Latitude: coord(48.6889), Longitude: coord(6.1861),
				AccessInfo:    "Ligne Tempo 1, arrêt « Saint-Nicolas Charles III ». Bus ligne 11, arrêt « Marché ».",
				Accessibility: "Local au rez-de-chaussée, une marche à l'entrée (rampe amovible sur demande).",
				OpeningHours:  "Lundi, mardi, mercredi et jeudi : 9 h 30 à 12 h 30 et 14 h à 17 h.",
				Phone:         "03 83 36 59 27", Email: "accueil@passerelles.example.org",
			},
			workshops: []demoWorkshop{
				{
					workshop: workshops.Workshop{
						Slug:    "fle-et-numerique",
						Title:   "FLE et numérique : le français pour faire ses démarches",
						Summary: "Apprendre les mots des sites internet et s'entraîner sur de vrais formulaires, pour les personnes qui apprennent le français.",
						Description: "Pour les personnes qui apprennent le français et qui doivent faire des démarches sur internet.\n" +
							"On apprend les mots que l'on trouve sur les sites : « identifiant », « mot de passe », « valider », « pièce justificative »… " +
							"Puis on s'entraîne sur de vrais formulaires, avec des images et des gestes.\n" +
							"Les formatrices parlent aussi arabe, ukrainien et dari. Un téléphone peut être prêté pendant l'atelier.",
						LevelMin: "eloigne", LevelMax: "debutant",
						ThemeSlugs: []string{"parcours-de-vie", "demarches-en-ligne", "prise-en-main"},
						LifeEvent:  "arrivee-en-france", DefaultCapacity: 10, DefaultDurationMinutes: 120,
						DevicesLent: workshops.List{"smartphone"},
						Languages:   workshops.List{"fr", "ar", "uk", "fa"},
					},
					batches: []demoBatch{
						{day: time.Tuesday, week: -1, count: 14, hour: 14, animator: "Inès et Olena", seats: seatsPopular},
					},
				},
				{
					workshop: workshops.Workshop{
						Slug:    "mon-smartphone-explique-en-arabe",
						Title:   "Mon smartphone, expliqué en arabe — هاتفي خطوة بخطوة",
						Summary: "Un atelier animé en arabe, avec les mots français utiles à chaque étape.",
						Description: "Atelier animé en arabe, avec les mots français utiles à chaque étape.\n" +
							"On apprend à régler la langue du téléphone, à appeler, à envoyer un message vocal, à utiliser un traducteur et à photographier un document pour l'envoyer.\n" +
							"ورشة باللغة العربية لتعلّم استعمال الهاتف خطوة بخطوة.",
						LevelMin: "eloigne", LevelMax: "debutant",
						ThemeSlugs:      []string{"prise-en-main", "communiquer"},
						DefaultCapacity: 8, DefaultDurationMinutes: 120,
						DevicesToBring: workshops.List{"smartphone"}, DevicesLent: workshops.List{"smartphone"},
						Languages: workshops.List{"ar", "fr"},
					},
					batches: []demoBatch{
						{day: time.Wednesday, week: 1, count: 6, hour: 10, animator: "Youssef"},
					},
				},
				{
					// The last workshop of the plan: its single batch is the marker of a complete load.
					workshop: workshops.Workshop{
						Slug:    "titre-de-sejour-anef",
						Title:   "Titre de séjour : utiliser le site de l'ANEF",
						Summary: "Créer son compte, déposer ses documents et suivre sa demande de titre de séjour en ligne.",
						Description: "Les demandes et les renouvellements de titre de séjour se font sur le site de l'ANEF.\n" +
							"On apprend à créer son compte, à scanner et déposer les bons documents, à suivre sa demande et à télécharger son attestation.\n" +
							"Cet atelier n'est pas un rendez-vous juridique : pour les situations compliquées, nous vous orientons vers une permanence d'accès aux droits. " +
							"On peut échanger en anglais, en russe et en ukrainien.",
						LevelMin: "intermediaire", LevelMax: "avance",
						ThemeSlugs: []string{"demarches-en-ligne", "parcours-de-vie"},
						LifeEvent:  "arrivee-en-france", DefaultCapacity: 8, DefaultDurationMinutes: 150,
						DevicesToBring: workshops.List{"smartphone"}, DevicesLent: workshops.List{"ordinateur"},
						Languages: workshops.List{"fr", "en", "ru", "uk"},
					},
					batches: []demoBatch{
						{day: time.Thursday, week: 2, count: 3, every: 2, hour: 9, minute: 30, animator: "Inès"},
					},
				},
			},
		},
	}
}
