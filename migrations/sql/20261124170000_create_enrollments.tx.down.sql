DROP TABLE personal_data_access;
DROP TABLE enrollments;
DROP TABLE bookings;
ALTER TABLE workshops DROP COLUMN reserved_seats;
ALTER TABLE workshops DROP COLUMN no_waitlist;
