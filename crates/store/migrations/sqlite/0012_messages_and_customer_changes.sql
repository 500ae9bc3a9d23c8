-- Messages to customers are rendered from templates per language (issue 13): the HTML body of
-- an e-mail or a printed letter is kept beside the plain text, as it was sent.
ALTER TABLE outbox ADD COLUMN body_html TEXT;

-- What a change of policy changed for one customer (a postponed meter visit, a booked visit
-- above a lowered cap…), recorded by the capability's policy hook in the transaction that makes
-- the change. One message per customer and change key is composed from the rows afterwards
-- (composed_at and outbox_id set in the same transaction as the message), so a customer affected
-- by several capabilities at once is told once, and a crash in between loses nothing.
CREATE TABLE customer_changes (
    id INTEGER PRIMARY KEY,
    change_key TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    capability TEXT NOT NULL CHECK (capability IN ('campaign', 'visits', 'credit', 'suppliers', 'portal', 'continuity', 'community')),
    object_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    composed_at BIGINT,
    outbox_id BIGINT REFERENCES outbox (id),
    CONSTRAINT customer_changes_once UNIQUE (change_key, customer_id, capability, object_id)
);

CREATE INDEX customer_changes_customer_idx ON customer_changes (customer_id);
CREATE INDEX customer_changes_pending_idx ON customer_changes (change_key) WHERE composed_at IS NULL;
