-- An email may carry a calendar invitation (iCalendar, METHOD:REQUEST or CANCEL): sent as
-- an alternative of its text and attached as a .ics file.
ALTER TABLE outbox ADD COLUMN calendar TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN calendar_method TEXT NOT NULL DEFAULT '';
