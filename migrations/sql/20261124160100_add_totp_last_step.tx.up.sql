-- The time step of the last second-factor code accepted for a person: a code is refused
-- unless its step is later, so a code seen over someone's shoulder cannot be used again
-- within the minute or so it stays valid.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
