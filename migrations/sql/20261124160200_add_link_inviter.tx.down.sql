ALTER TABLE one_time_links DROP COLUMN invited_by;
