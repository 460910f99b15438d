DROP INDEX outbox_structure_messages;
CREATE INDEX outbox_structure ON outbox (structure_id, created_at);
DROP INDEX audit_log_structure;
CREATE INDEX audit_log_structure ON audit_log (structure_id, at);
DROP INDEX audit_log_territory;
CREATE INDEX audit_log_territory ON audit_log (territory_id, at);
