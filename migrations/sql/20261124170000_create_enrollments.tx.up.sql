-- Enrollments: a person's seat in a session (or in every session of a parcours), booked by
-- an orienting professional or by the person, confirmed or on the waiting list, then
-- attended, absent or cancelled. Personal data lives in bookings only, so that retention
-- erases it in one place.

-- A waiting list is on by default; a workshop may refuse one. Reserved seats are kept for
-- people oriented by a professional: self-enrollment sees that many fewer.
ALTER TABLE workshops ADD COLUMN no_waitlist BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE workshops ADD COLUMN reserved_seats INTEGER NOT NULL DEFAULT 0;

-- One person booked into one session, or into every session of a parcours.
CREATE TABLE bookings (
    id {{.PK}},
    workshop_id BIGINT NOT NULL REFERENCES workshops (id),
    -- The session group of a parcours, or the single session of an à la carte booking.
    group_id BIGINT REFERENCES session_groups (id),
    -- Who booked: an orienting professional (user and organisation at the time), or the
    -- person themselves (oriented_by NULL).
    oriented_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    organisation TEXT NOT NULL DEFAULT '',
    -- Personal fields, erased after the retention period (purged_at set).
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    -- sms, email, professional (through the orienting professional) or paper.
    contact TEXT NOT NULL,
    -- Anonymous facts kept for statistics.
    level TEXT NOT NULL DEFAULT '',
    needs_device BOOLEAN NOT NULL DEFAULT FALSE,
    needs_french BOOLEAN NOT NULL DEFAULT FALSE,
    french_language TEXT NOT NULL DEFAULT '',
    needs_mobility BOOLEAN NOT NULL DEFAULT FALSE,
    needs_hearing BOOLEAN NOT NULL DEFAULT FALSE,
    needs_visual BOOLEAN NOT NULL DEFAULT FALSE,
    consent_at {{.Timestamp}} NOT NULL,
    consent_text TEXT NOT NULL,
    -- A retried submission (double click, back button, retried POST) finds this booking
    -- instead of making a second one.
    -- (The person's cancellation link is derived from the id with a server secret: nothing
    -- to store, and a retried request gets the same link.)
    idempotency_key {{.Key}} NOT NULL UNIQUE,
    created_at {{.Timestamp}} NOT NULL,
    purged_at {{.Timestamp}}
);

CREATE INDEX bookings_oriented_by ON bookings (oriented_by, created_at);

-- A booking's seat in one session.
CREATE TABLE enrollments (
    id {{.PK}},
    booking_id BIGINT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    -- confirmed, waitlisted, cancelled, attended or absent.
    status TEXT NOT NULL,
    -- Place on the session's waiting list (1 is next), 0 when not waiting.
    position INTEGER NOT NULL DEFAULT 0,
    cancelled_at {{.Timestamp}},
    -- person, professional, structure or session (the session itself was cancelled).
    cancelled_by TEXT NOT NULL DEFAULT '',
    cancelled_by_user BIGINT REFERENCES users (id) ON DELETE SET NULL,
    marked_at {{.Timestamp}},
    created_at {{.Timestamp}} NOT NULL,
    updated_at {{.Timestamp}} NOT NULL,
    UNIQUE (booking_id, session_id)
);

CREATE INDEX enrollments_session ON enrollments (session_id, status, position);

-- Who looked at a person's details, and when (CNIL guidance for social workers).
CREATE TABLE personal_data_access (
    id {{.PK}},
    at {{.Timestamp}} NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    booking_id BIGINT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL
);

CREATE INDEX personal_data_access_booking ON personal_data_access (booking_id, at);
