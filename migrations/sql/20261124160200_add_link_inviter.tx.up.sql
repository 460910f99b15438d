-- Who sent an invitation, so that its page can say who invites the person. No foreign key:
-- SQLite cannot drop a column that has one (see the down migration); readers join users
-- and show nothing when the inviter's account is gone.
ALTER TABLE one_time_links ADD COLUMN invited_by BIGINT;
