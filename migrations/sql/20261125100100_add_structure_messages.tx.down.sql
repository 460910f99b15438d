ALTER TABLE structures DROP COLUMN digest;
ALTER TABLE structures DROP COLUMN reminder;
