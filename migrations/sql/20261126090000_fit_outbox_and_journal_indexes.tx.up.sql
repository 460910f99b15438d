-- The outbox and the audit log grow with every seat booked or changed, and their indexes
-- by structure are what the pages of one structure read: newest first, by id.

-- A structure's messages page lists its emails and SMS, never the events they are composed
-- from (one per seat booked or changed, most of the outbox). So events stay out of the
-- index: they used to add one page of it per structure to every commit of a busy
-- enrollment batch. The condition is written as the page's query
-- writes it (notify.MessageKinds), for SQLite uses a partial index only for a query that
-- repeats its condition.
DROP INDEX outbox_structure;
CREATE INDEX outbox_structure_messages ON outbox (structure_id, id) WHERE kind IN ('email', 'sms');

-- The journals read newest first by id: ordered by (structure, at), one page of a structure's
-- journal read and sorted all its entries.
DROP INDEX audit_log_structure;
CREATE INDEX audit_log_structure ON audit_log (structure_id, id);
DROP INDEX audit_log_territory;
CREATE INDEX audit_log_territory ON audit_log (territory_id, id);
