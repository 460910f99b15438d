ALTER TABLE sessions DROP COLUMN attendance_taken_at;
ALTER TABLE sessions DROP COLUMN waiting;
