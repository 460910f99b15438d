-- Text messages (SMS) travel through the outbox too. An urgent one (a cancellation on the
-- day itself) is delivered even during quiet hours, when the others wait for the morning;
-- provider_ref keeps the provider's id of a delivered message, for support.
ALTER TABLE outbox ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outbox ADD COLUMN provider_ref TEXT NOT NULL DEFAULT '';
