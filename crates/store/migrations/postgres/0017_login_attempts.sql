-- Login attempts counted before the password is checked, one row per limit key (an account
-- or an address, per minute; an account per hour). Each attempt adds one with an upsert that
-- returns the new count, so a burst of parallel attempts is counted exactly on every server.
CREATE TABLE login_attempts (
    attempt_key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
