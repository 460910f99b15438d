-- Accounts and roles, sign-in links and API tokens, onboarding, the outbox of messages to
-- send, the audit log, and a small key-value store for web sessions and rate limits.
-- Emails are stored lowercased; {{.Key}} columns compare byte by byte.

CREATE TABLE users (
    id {{.PK}},
    email {{.Key}} NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    -- An argon2id hash in PHC format; empty when the person signs in by link only.
    password_hash TEXT NOT NULL DEFAULT '',
    -- active, or disabled (locked out at once).
    status TEXT NOT NULL DEFAULT 'active',
    -- Moves when every web session of the person must end (sign out everywhere, password
    -- change, disabling): sessions remember the epoch they started in.
    session_epoch INTEGER NOT NULL DEFAULT 0,
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_enabled_at {{.Timestamp}},
    last_sign_in_at {{.Timestamp}},
    created_at {{.Timestamp}} NOT NULL,
    updated_at {{.Timestamp}} NOT NULL
);

-- Roles: a person may hold several.
CREATE TABLE coordinators (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    territory_id BIGINT NOT NULL REFERENCES territories (id),
    created_at {{.Timestamp}} NOT NULL,
    PRIMARY KEY (user_id, territory_id)
);

CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    structure_id BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    created_at {{.Timestamp}} NOT NULL,
    PRIMARY KEY (user_id, structure_id)
);

CREATE INDEX memberships_structure ON memberships (structure_id);

-- Orienting professionals belong to an organisation that need not be a structure (CCAS,
-- MDS, France Travail, an association); a coordinator validates them, or their email
-- domain is allowed.
CREATE TABLE professionals (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    territory_id BIGINT NOT NULL REFERENCES territories (id),
    organisation TEXT NOT NULL,
    -- pending, active or refused.
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by BIGINT REFERENCES users (id),
    decided_at {{.Timestamp}},
    refusal_reason TEXT NOT NULL DEFAULT '',
    created_at {{.Timestamp}} NOT NULL
);

CREATE TABLE allowed_domains (
    territory_id BIGINT NOT NULL REFERENCES territories (id),
    domain {{.Key}} NOT NULL,
    created_at {{.Timestamp}} NOT NULL,
    PRIMARY KEY (territory_id, domain)
);

-- A structure asking to join: the structure waits (status pending) with its first member.
CREATE TABLE join_requests (
    id {{.PK}},
    structure_id BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    email {{.Key}} NOT NULL,
    name TEXT NOT NULL,
    -- pending, accepted or refused.
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by BIGINT REFERENCES users (id),
    decided_at {{.Timestamp}},
    refusal_reason TEXT NOT NULL DEFAULT '',
    created_at {{.Timestamp}} NOT NULL
);

CREATE INDEX join_requests_status ON join_requests (status, created_at);

-- One-time links (sign in, reset a password, accept an invitation, create the first
-- coordinator): only a hash of the token is kept; a link works once and expires.
CREATE TABLE one_time_links (
    token_hash {{.Key}} PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    email {{.Key}} NOT NULL DEFAULT '',
    structure_id BIGINT REFERENCES structures (id) ON DELETE CASCADE,
    expires_at {{.Timestamp}} NOT NULL,
    used_at {{.Timestamp}},
    created_at {{.Timestamp}} NOT NULL
);

CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash {{.Key}} NOT NULL,
    used_at {{.Timestamp}},
    PRIMARY KEY (user_id, code_hash)
);

-- Personal API tokens (Authorization: Bearer …) and private feed tokens (in the path of a
-- mediator's own feed URL). Only hashes are kept.
CREATE TABLE api_tokens (
    id {{.PK}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    token_hash {{.Key}} NOT NULL UNIQUE,
    created_at {{.Timestamp}} NOT NULL,
    last_used_at {{.Timestamp}},
    revoked_at {{.Timestamp}}
);

CREATE INDEX api_tokens_user ON api_tokens (user_id, kind);

-- Web sessions, rate-limit counters and other short-lived state shared by every instance.
CREATE TABLE kv_store (
    namespace TEXT NOT NULL,
    key {{.Key}} NOT NULL,
    value {{.Bytes}} NOT NULL,
    expires_at {{.Timestamp}},
    PRIMARY KEY (namespace, key)
);

CREATE INDEX kv_store_expires ON kv_store (expires_at);

-- Messages to send, written in the same transaction as what causes them and delivered by
-- a worker with retries. kind 'email' carries a composed message; other kinds are events
-- whose messages later issues compose (a session moved or cancelled).
CREATE TABLE outbox (
    id {{.PK}},
    kind TEXT NOT NULL,
    -- At most one message per key: a retried action does not send twice.
    idempotency_key {{.Key}} NOT NULL UNIQUE,
    recipient TEXT NOT NULL DEFAULT '',
    -- The sender's display name (a structure) and where replies go (its contact).
    from_name TEXT NOT NULL DEFAULT '',
    reply_to TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '',
    structure_id BIGINT REFERENCES structures (id) ON DELETE SET NULL,
    session_id BIGINT REFERENCES sessions (id) ON DELETE SET NULL,
    -- pending, sent, failed (given up after too many attempts) or done (an event handled).
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{.Timestamp}} NOT NULL,
    locked_until {{.Timestamp}},
    last_error TEXT NOT NULL DEFAULT '',
    created_at {{.Timestamp}} NOT NULL,
    sent_at {{.Timestamp}}
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_structure ON outbox (structure_id, created_at);

-- Who created, changed, cancelled or deleted what, and when. Append-only: nothing
-- updates or deletes its rows.
CREATE TABLE audit_log (
    id {{.PK}},
    at {{.Timestamp}} NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    territory_id BIGINT REFERENCES territories (id),
    structure_id BIGINT REFERENCES structures (id) ON DELETE SET NULL,
    summary TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_structure ON audit_log (structure_id, at);
CREATE INDEX audit_log_territory ON audit_log (territory_id, at);
