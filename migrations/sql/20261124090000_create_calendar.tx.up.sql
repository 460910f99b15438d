-- The calendar's schema: territories, vocabularies (levels, themes), structures and their
-- places, workshops and their sessions. Portable SQL; {{.PK}}, {{.Timestamp}} and {{.Key}}
-- are the only dialect-specific words (see migrations.templateData).

CREATE TABLE territories (
    id {{.PK}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at {{.Timestamp}} NOT NULL
);

INSERT INTO territories (slug, name, created_at)
VALUES ('territoire', 'Mon territoire', '2026-01-01 00:00:00+00:00');

-- Levels: a fixed set of codes and ranks; labels and descriptions are editable wording.
CREATE TABLE levels (
    code TEXT PRIMARY KEY,
    rank INTEGER NOT NULL UNIQUE,
    label TEXT NOT NULL,
    description TEXT NOT NULL,
    coop_level TEXT NOT NULL
);

INSERT INTO levels (code, rank, label, description, coop_level) VALUES
('eloigne', 1, 'Éloigné', 'N''a jamais utilisé d''ordinateur, peut avoir peur ou ne pas en voir l''utilité. A besoin qu''on fasse avec lui ou pour lui.', 'Debutant'),
('debutant', 2, 'Débutant', 'Est équipé mais ne sait pas se servir de l''appareil. A besoin d''apprendre à le manipuler et à s''y retrouver.', 'Debutant'),
('intermediaire', 3, 'Intermédiaire', 'Utilise l''appareil mais pas toutes ses fonctions. A besoin des bases d''internet, du courriel, des logiciels et des applications.', 'Intermediaire'),
('avance', 4, 'Avancé', 'Maîtrise les bases. A besoin de sécurité en ligne, de protection des données, de démarches ou de logiciels complexes.', 'Avance'),
('autonome', 5, 'Autonome', 'N''a plus besoin d''aide pour le numérique.', 'Avance');

CREATE TABLE themes (
    id {{.PK}},
    slug TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);

-- A theme's correspondence with vocabularies used elsewhere: scheme 'mednum-service' (the
-- 9 services of LaMednum's standard-mediation-num) and 'coop-thematique' (La Coop de la
-- médiation numérique).
CREATE TABLE theme_mappings (
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (theme_id, scheme, value)
);

INSERT INTO themes (slug, label, description, position) VALUES
('ludique', 'Ludique', 'Jeux, photos, loisirs : apprendre en s''amusant.', 1),
('parcours-de-vie', 'Parcours de vie', 'Ateliers autour d''un moment de la vie : futur parent, projet professionnel, retraite, déménagement, santé.', 2),
('prise-en-main', 'Prise en main', 'Smartphone, tablette, ordinateur : apprendre à s''en servir.', 3),
('communiquer', 'Communiquer', 'Courriel, messageries, appels vidéo.', 4),
('demarches-en-ligne', 'Démarches en ligne', 'Faire ses démarches administratives sur internet.', 5),
('securite-vie-privee', 'Sécurité et vie privée', 'Se protéger en ligne : arnaques, mots de passe, données personnelles.', 6),
('emploi-insertion', 'Emploi et insertion', 'Chercher un emploi, faire son CV, utiliser les sites de l''emploi.', 7),
('parentalite-scolarite', 'Parentalité et scolarité', 'Suivre la scolarité de ses enfants, accompagner leurs usages du numérique.', 8);

INSERT INTO theme_mappings (theme_id, scheme, value)
SELECT t.id, m.scheme, m.value FROM themes t JOIN (
    SELECT 'ludique' AS slug, 'mednum-service' AS scheme, 'Loisirs et créations numériques' AS value
    UNION ALL SELECT 'ludique', 'coop-thematique', 'CreerAvecLeNumerique'
    UNION ALL SELECT 'ludique', 'coop-thematique', 'CultureNumerique'
    UNION ALL SELECT 'parcours-de-vie', 'mednum-service', 'Aide aux démarches administratives'
    UNION ALL SELECT 'parcours-de-vie', 'mednum-service', 'Compréhension du monde numérique'
    UNION ALL SELECT 'parcours-de-vie', 'coop-thematique', 'Sante'
    UNION ALL SELECT 'parcours-de-vie', 'coop-thematique', 'NavigationSurInternet'
    UNION ALL SELECT 'prise-en-main', 'mednum-service', 'Maîtrise des outils numériques du quotidien'
    UNION ALL SELECT 'prise-en-main', 'coop-thematique', 'PrendreEnMainDuMateriel'
    UNION ALL SELECT 'communiquer', 'mednum-service', 'Maîtrise des outils numériques du quotidien'
    UNION ALL SELECT 'communiquer', 'coop-thematique', 'Email'
    UNION ALL SELECT 'communiquer', 'coop-thematique', 'ReseauxSociaux'
    UNION ALL SELECT 'demarches-en-ligne', 'mednum-service', 'Aide aux démarches administratives'
    UNION ALL SELECT 'demarches-en-ligne', 'coop-thematique', 'NavigationSurInternet'
    UNION ALL SELECT 'demarches-en-ligne', 'coop-thematique', 'BanqueEtAchatsEnLigne'
    UNION ALL SELECT 'securite-vie-privee', 'mednum-service', 'Utilisation sécurisée du numérique'
    UNION ALL SELECT 'securite-vie-privee', 'coop-thematique', 'SecuriteNumerique'
    UNION ALL SELECT 'emploi-insertion', 'mednum-service', 'Insertion professionnelle via le numérique'
    UNION ALL SELECT 'emploi-insertion', 'coop-thematique', 'InsertionProfessionnelle'
    UNION ALL SELECT 'emploi-insertion', 'coop-thematique', 'Entrepreneuriat'
    UNION ALL SELECT 'parentalite-scolarite', 'mednum-service', 'Parentalité et éducation avec le numérique'
    UNION ALL SELECT 'parentalite-scolarite', 'coop-thematique', 'Parentalite'
    UNION ALL SELECT 'parentalite-scolarite', 'coop-thematique', 'ScolariteEtNumerique'
) m ON m.slug = t.slug;

CREATE TABLE structures (
    id {{.PK}},
    territory_id BIGINT NOT NULL REFERENCES territories (id),
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    description TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL,
    address_extra TEXT NOT NULL DEFAULT '',
    postcode {{.Key}} NOT NULL,
    town TEXT NOT NULL,
    town_key {{.Key}} NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    access_info TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    labels TEXT NOT NULL DEFAULT '',
    search_key TEXT NOT NULL DEFAULT '',
    created_at {{.Timestamp}} NOT NULL,
    updated_at {{.Timestamp}} NOT NULL
);

CREATE INDEX structures_town_key ON structures (town_key);
CREATE INDEX structures_postcode ON structures (postcode);

-- Other places where a structure runs sessions (a partner library, a town hall annex).
CREATE TABLE places (
    id {{.PK}},
    structure_id BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    address_extra TEXT NOT NULL DEFAULT '',
    postcode {{.Key}} NOT NULL,
    town TEXT NOT NULL,
    town_key {{.Key}} NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    access_info TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    created_at {{.Timestamp}} NOT NULL,
    updated_at {{.Timestamp}} NOT NULL
);

CREATE INDEX places_structure ON places (structure_id);

CREATE TABLE workshops (
    id {{.PK}},
    structure_id BIGINT NOT NULL REFERENCES structures (id),
    slug TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'published',
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    level_min TEXT NOT NULL REFERENCES levels (code),
    level_max TEXT NOT NULL REFERENCES levels (code),
    format TEXT NOT NULL DEFAULT 'collectif',
    kind TEXT NOT NULL DEFAULT 'a-la-carte',
    life_event TEXT NOT NULL DEFAULT '',
    default_capacity INTEGER NOT NULL,
    default_duration_minutes INTEGER NOT NULL,
    devices_to_bring TEXT NOT NULL DEFAULT '',
    devices_lent TEXT NOT NULL DEFAULT '',
    what_to_bring TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT 'fr',
    price TEXT NOT NULL DEFAULT 'gratuit',
    price_details TEXT NOT NULL DEFAULT '',
    enrollment TEXT NOT NULL DEFAULT 'professionnels',
    search_key TEXT NOT NULL DEFAULT '',
    created_at {{.Timestamp}} NOT NULL,
    updated_at {{.Timestamp}} NOT NULL
);

CREATE INDEX workshops_structure ON workshops (structure_id);
CREATE INDEX workshops_levels ON workshops (level_min, level_max);

CREATE TABLE workshop_themes (
    workshop_id BIGINT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    PRIMARY KEY (workshop_id, theme_id)
);

CREATE INDEX workshop_themes_theme ON workshop_themes (theme_id, workshop_id);

-- A group of sessions created together: a weekly or fortnightly series (each session enrolled
-- on its own) or a parcours (enrolled as a whole).
CREATE TABLE session_groups (
    id {{.PK}},
    workshop_id BIGINT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at {{.Timestamp}} NOT NULL
);

CREATE TABLE sessions (
    id {{.PK}},
    workshop_id BIGINT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    structure_id BIGINT NOT NULL REFERENCES structures (id),
    place_id BIGINT REFERENCES places (id),
    group_id BIGINT REFERENCES session_groups (id),
    starts_at {{.Timestamp}} NOT NULL,
    ends_at {{.Timestamp}} NOT NULL,
    capacity INTEGER NOT NULL,
    seats_taken INTEGER NOT NULL DEFAULT 0,
    animator TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'scheduled',
    cancel_reason TEXT NOT NULL DEFAULT '',
    sequence INTEGER NOT NULL DEFAULT 0,
    -- Where the session happens (its place's, or its structure's), copied here so that the
    -- calendar's town and postcode filters walk an index in time order instead of every
    -- upcoming session of every town.
    town_key {{.Key}} NOT NULL,
    postcode {{.Key}} NOT NULL,
    departement {{.Key}} NOT NULL,
    created_at {{.Timestamp}} NOT NULL,
    updated_at {{.Timestamp}} NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (capacity > 0),
    CHECK (seats_taken >= 0 AND seats_taken <= capacity)
);

CREATE INDEX sessions_starts_at ON sessions (starts_at, id);
CREATE INDEX sessions_workshop ON sessions (workshop_id, starts_at);
CREATE INDEX sessions_structure ON sessions (structure_id, starts_at);
CREATE INDEX sessions_group ON sessions (group_id);
CREATE INDEX sessions_town ON sessions (town_key, starts_at);
CREATE INDEX sessions_postcode ON sessions (postcode, starts_at);
CREATE INDEX sessions_departement ON sessions (departement, starts_at);

-- One row: a counter bumped by every write that changes what the calendar shows, so that
-- caches on every server instance know when to drop what they rendered.
CREATE TABLE calendar_state (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    changed_at {{.Timestamp}} NOT NULL
);

INSERT INTO calendar_state (id, version, changed_at) VALUES (1, 1, '2026-01-01 00:00:00+00:00');
