-- The pending changes of a key in customer order, so the composer finds the next customer to
-- tell with one index seek (composed rows leave the index) instead of a scan of the key's rows.
DROP INDEX customer_changes_pending_idx;
CREATE INDEX customer_changes_pending_idx ON customer_changes (change_key, customer_id) WHERE composed_at IS NULL;
