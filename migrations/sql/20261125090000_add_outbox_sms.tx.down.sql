ALTER TABLE outbox DROP COLUMN provider_ref;
ALTER TABLE outbox DROP COLUMN urgent;
