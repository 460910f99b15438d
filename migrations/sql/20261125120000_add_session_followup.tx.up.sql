-- Following up a session, kept by the enrollment service next to seats_taken so that the
-- mediators' lists read them without counting enrollments: how many people wait for a
-- seat, and when the attendance of every person holding a seat was recorded (the
-- session is then closed and leaves the dashboard's "séances à clôturer").
ALTER TABLE sessions ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN attendance_taken_at {{.Timestamp}};

UPDATE sessions SET waiting = (
    SELECT count(*) FROM enrollments AS e WHERE e.session_id = sessions.id AND e.status = 'waitlisted'
);

UPDATE sessions SET attendance_taken_at = (
    SELECT MAX(e.marked_at) FROM enrollments AS e WHERE e.session_id = sessions.id
)
WHERE EXISTS (SELECT 1 FROM enrollments AS e WHERE e.session_id = sessions.id AND e.status IN ('attended', 'absent'))
  AND NOT EXISTS (SELECT 1 FROM enrollments AS e WHERE e.session_id = sessions.id AND e.status = 'confirmed');
