-- Fewer index updates per imported payment (docs/benchmarks.md, credit).
-- The PostgreSQL twin of this file is identical.

-- The matching queue reads only unmatched payments (`WHERE unmatched = TRUE ORDER BY id`);
-- matched ones, nearly all, no longer get an entry.
DROP INDEX payments_unmatched_idx;
CREATE INDEX payments_unmatched_idx ON payments (id) WHERE unmatched = TRUE;

-- Only paid invoices have a date paid, and only those are looked up by it (`paid_on >= …`,
-- which implies NOT NULL, so the planner still uses the index); paying an invoice then adds
-- an entry instead of moving one.
DROP INDEX invoices_paid_on_idx;
CREATE INDEX invoices_paid_on_idx ON invoices (paid_on) WHERE paid_on IS NOT NULL;

-- A payment's customer is its invoice's customer, so the customer page finds payments with an
-- invoice through the invoice (invoices_customer_idx, payments_invoice_idx) and only payments
-- without one through this index; an imported payment, nearly always matched, no longer adds a
-- random insertion into it (which a multi-row insert also copies into its statement journal).
DROP INDEX payments_customer_idx;
CREATE INDEX payments_customer_idx ON payments (customer_id) WHERE invoice_id IS NULL;
