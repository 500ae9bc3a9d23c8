-- "No home visits" declarations (DESIGN §5, the campaign issue): a household in a risk group
-- asks not to be visited at home. That is health data (GDPR art. 9), so the least is kept and it
-- is sealed: the open columns say only that the customer asked not to be visited and when to
-- review it; the consent text, the end date the customer gave and their own words are in
-- `sealed` (XChaCha20-Poly1305 under a key from configuration, named by `key_id` so keys can
-- rotate). Withdrawing deletes the row; closing the campaign deletes them all.
CREATE TABLE home_visit_declarations (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL CONSTRAINT home_visit_declarations_customer_key UNIQUE REFERENCES customers (id),
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    sealed TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consented_at BIGINT NOT NULL,
    review_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL CHECK (recorded_by IN ('customer', 'agent'))
);
