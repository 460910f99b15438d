-- How a structure's messages go. reminder: when the people enrolled are recalled of a
-- session: day-before-10 (the day before at 10:00, Europe/Paris), day-before-18,
-- two-days-before-10, same-day-8 or none. digest: none, or daily (the day's new
-- enrollments by email, at 18:00).
ALTER TABLE structures ADD COLUMN reminder TEXT NOT NULL DEFAULT 'day-before-10';
ALTER TABLE structures ADD COLUMN digest TEXT NOT NULL DEFAULT 'none';
