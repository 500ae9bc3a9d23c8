-- Credit (DESIGN §3.5): BgMax imports, payment matching, reminders, late-payment interest,
-- payment extensions and instalment plans.
-- The PostgreSQL twin of this file differs only in key columns (IDENTITY).

-- Whether the customer's terms agreed to a reminder fee (inkassokostnadslagen 2 §: agreed no
-- later than when the debt arose). Without it no fee is ever charged.
ALTER TABLE customers ADD COLUMN reminder_fee_agreed BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE invoices ADD COLUMN reminder_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN reminder_due_on TEXT;
ALTER TABLE invoices ADD COLUMN paid_on TEXT;
ALTER TABLE invoices ADD COLUMN collection_on TEXT;
CREATE INDEX invoices_status_idx ON invoices (status, due_on);
CREATE INDEX invoices_paid_on_idx ON invoices (paid_on);

-- Reference rates of räntelagen 9 §, one row per half-year, editable by finance.
CREATE TABLE reference_rates (
    valid_from TEXT PRIMARY KEY,
    rate_bp BIGINT NOT NULL,
    set_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One imported BgMax file, known by its TK01 timestamp and receiving bankgiro numbers.
CREATE TABLE bgmax_files (
    id INTEGER PRIMARY KEY,
    file_key TEXT NOT NULL CONSTRAINT bgmax_files_key UNIQUE,
    sha256 TEXT NOT NULL,
    payments BIGINT NOT NULL,
    amount_ore BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

ALTER TABLE payments ADD COLUMN payment_key TEXT;
ALTER TABLE payments ADD COLUMN file_id BIGINT REFERENCES bgmax_files (id);
ALTER TABLE payments ADD COLUMN unmatched BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE payments ADD COLUMN payer TEXT;
CREATE UNIQUE INDEX payments_key_idx ON payments (payment_key);
CREATE INDEX payments_unmatched_idx ON payments (unmatched, id);

-- Fees and interest to be billed on the customer's next invoice.
CREATE TABLE invoice_charges (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    source_invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    kind TEXT NOT NULL CHECK (kind IN ('reminder_fee', 'interest')),
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    created_on TEXT NOT NULL,
    billed_invoice_id BIGINT REFERENCES invoices (id),
    dedupe_key TEXT NOT NULL CONSTRAINT invoice_charges_dedupe_key UNIQUE
);
CREATE INDEX invoice_charges_customer_idx ON invoice_charges (customer_id, billed_invoice_id);
CREATE INDEX invoice_charges_source_idx ON invoice_charges (source_invoice_id, kind);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    level BIGINT NOT NULL,
    sent_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    fee_ore BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT reminders_invoice_level_key UNIQUE (invoice_id, level)
);

-- Payment extensions and instalment plans, requested by a customer or an agent, decided by the
-- policy or by a credit officer.
CREATE TABLE arrangements (
    id INTEGER PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('extension', 'instalments')),
    status TEXT NOT NULL CHECK (status IN ('referred', 'approved', 'refused', 'broken', 'completed', 'withdrawn')),
    source TEXT NOT NULL CHECK (source IN ('portal', 'agent')),
    original_due_on TEXT NOT NULL,
    new_due_on TEXT,
    instalments BIGINT,
    amount_ore BIGINT NOT NULL,
    waive_interest BOOLEAN NOT NULL,
    reasons TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    decided_by TEXT,
    decision_note TEXT,
    decided_at BIGINT,
    broken_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX arrangements_invoice_idx ON arrangements (invoice_id, status);
CREATE INDEX arrangements_status_idx ON arrangements (status, created_at);

CREATE TABLE arrangement_instalments (
    arrangement_id BIGINT NOT NULL REFERENCES arrangements (id),
    seq BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    amount_ore BIGINT NOT NULL,
    PRIMARY KEY (arrangement_id, seq)
);
