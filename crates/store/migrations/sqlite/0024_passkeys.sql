-- Passkeys (issue 18): WebAuthn credentials of staff, a second factor that cannot be phished.
-- `credential` is the verified credential as webauthn-rs keeps it (JSON: the public key, its id
-- and the signature counter); nothing in it can be used to log in.
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL CONSTRAINT passkeys_credential_key UNIQUE,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id);

-- A registration or login with a passkey under way: the challenge's state, kept in the
-- database so any server can finish what another began; good for five minutes and once.
CREATE TABLE passkey_ceremonies (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('register', 'authenticate')),
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
