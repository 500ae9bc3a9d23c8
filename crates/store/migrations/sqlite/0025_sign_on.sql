-- Single sign-on with OpenID Connect (issue 18): staff through the organisation's identity
-- provider, customers through an e-ID broker.

-- A login under way at an identity provider, kept in the database so any server can finish
-- what another began; good for ten minutes and once. Found by the SHA-256 of the `state`
-- parameter and bound to the browser that began it by the SHA-256 of a cookie's value. The
-- PKCE verifier and the nonce are worth nothing without that browser and the provider's code.
CREATE TABLE sign_on_requests (
    id INTEGER PRIMARY KEY,
    state_hash TEXT NOT NULL CONSTRAINT sign_on_requests_state_key UNIQUE,
    browser_hash TEXT NOT NULL,
    provider TEXT NOT NULL CHECK (provider IN ('staff', 'customer')),
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Who an identity provider says a person is: its issuer and its subject (`sub`), never reused
-- for another person by that provider (ASVS 5.0 10.5.2), tied to one account here. The issuer
-- is part of the key, so one provider cannot speak for another's people (ASVS 6.8.1).
CREATE TABLE external_identities (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL CHECK (provider IN ('staff', 'customer')),
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL,
    CONSTRAINT external_identities_subject_key UNIQUE (issuer, subject)
);
CREATE INDEX external_identities_user_idx ON external_identities (user_id);
