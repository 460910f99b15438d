-- When a structure's sessions are recalled to the people enrolled: day-before-10 (the day
-- before at 10:00, Europe/Paris), day-before-18, two-days-before-10, same-day-8 or none.
ALTER TABLE structures ADD COLUMN reminder TEXT NOT NULL DEFAULT 'day-before-10';
