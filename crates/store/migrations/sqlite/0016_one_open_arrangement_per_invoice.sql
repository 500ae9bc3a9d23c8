-- An invoice has at most one request for more time waiting for a decision or in force: two
-- requests sent at once (a double click, the portal and an agent) cannot both be filed.
CREATE UNIQUE INDEX arrangements_open_per_invoice_key ON arrangements (invoice_id) WHERE status IN ('referred', 'approved');
