ALTER TABLE bookings DROP COLUMN convocation_handed_at;
ALTER TABLE bookings DROP COLUMN convocation_due_at;
