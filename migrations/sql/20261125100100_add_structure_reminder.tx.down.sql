ALTER TABLE structures DROP COLUMN reminder;
