-- Security (issue 18): the limits on joining a waitlist read a person's open entries; API tokens
-- expire.
CREATE INDEX visit_waitlist_person_idx ON visit_waitlist (person_key, status);

-- API tokens expire (a token older than the migration gets 90 days from when it was made).
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET expires_at = created_at + 7776000000000;
