-- Recovery codes (issue 18): single-use codes for a member of staff without their phone. The
-- lookup (four characters) finds the row; the rest of the code is kept only as an argon2 hash.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    lookup TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    CONSTRAINT recovery_codes_lookup_key UNIQUE (user_id, lookup)
);
