-- The time step of the last TOTP code accepted for the account: a code is good once, so a code
-- read over someone's shoulder (or replayed from a log) within its 90-second window is refused.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
