-- A person who chose paper is handed a printed convocation by the structure: when a new one
-- is due (enrolled, promoted, session moved or cancelled) and when the structure last
-- handed one. A convocation is to hand while the second is before the first.
ALTER TABLE bookings ADD COLUMN convocation_due_at {{.Timestamp}};
ALTER TABLE bookings ADD COLUMN convocation_handed_at {{.Timestamp}};
