-- Supplier payments (issue 15): attestation in two steps, disputes and credit notes on the
-- invoices; payment proposals approved by a second person, their payments and the pain.001
-- files written for them; the bank's pain.002 and camt.054 files taken in once, and the
-- entries in them that matched no payment, queued for finance.
ALTER TABLE supplier_invoices ADD COLUMN attested_by TEXT;
ALTER TABLE supplier_invoices ADD COLUMN approved_by TEXT;
ALTER TABLE supplier_invoices ADD COLUMN dispute_reason TEXT;
ALTER TABLE supplier_invoices ADD COLUMN credited_ore BIGINT NOT NULL DEFAULT 0;
-- A credit note: the invoice it settled.
ALTER TABLE supplier_invoices ADD COLUMN settles_id BIGINT REFERENCES supplier_invoices (id);
ALTER TABLE supplier_invoices ADD COLUMN paid_on TEXT;

CREATE TABLE supplier_payment_proposals (
    id INTEGER PRIMARY KEY,
    pay_date TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'cancelled')),
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT
);

CREATE TABLE supplier_payments (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES supplier_payment_proposals (id),
    invoice_id BIGINT NOT NULL REFERENCES supplier_invoices (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    -- The name of the debtor account (in the payment settings) it is paid from.
    debtor_account TEXT NOT NULL,
    end_to_end_id TEXT NOT NULL CONSTRAINT supplier_payments_end_to_end_key UNIQUE,
    amount_ore BIGINT NOT NULL CHECK (amount_ore > 0),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'sent', 'accepted', 'rejected', 'paid', 'cancelled')),
    status_code TEXT,
    reason_code TEXT,
    reason_info TEXT,
    updated_at BIGINT NOT NULL
);
-- An invoice is held by at most one payment that is not rejected or cancelled.
CREATE UNIQUE INDEX supplier_payments_live_idx ON supplier_payments (invoice_id)
    WHERE state IN ('proposed', 'sent', 'accepted', 'paid');
CREATE INDEX supplier_payments_proposal_idx ON supplier_payments (proposal_id, id);

-- One pain.001 file per debtor account of a proposal, written when the proposal is made.
CREATE TABLE supplier_payment_files (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES supplier_payment_proposals (id),
    debtor_account TEXT NOT NULL,
    message_id TEXT NOT NULL CONSTRAINT supplier_payment_files_message_key UNIQUE,
    version TEXT NOT NULL CHECK (version IN ('pain.001.001.03', 'pain.001.001.09')),
    payments BIGINT NOT NULL,
    sum_ore BIGINT NOT NULL,
    body TEXT NOT NULL
);

-- The bank's files taken in, once each (by SHA-256).
CREATE TABLE supplier_bank_files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL CONSTRAINT supplier_bank_files_sha256_key UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('pain002', 'camt054')),
    message_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

-- An entry of the bank's files that matched no payment (or not its amount).
CREATE TABLE supplier_bank_entries (
    id INTEGER PRIMARY KEY,
    file_id BIGINT NOT NULL REFERENCES supplier_bank_files (id),
    position BIGINT NOT NULL,
    end_to_end_id TEXT,
    reference TEXT,
    counterparty TEXT,
    amount_ore BIGINT,
    booking_date TEXT,
    status_code TEXT,
    state TEXT NOT NULL CHECK (state IN ('unmatched', 'resolved')),
    note TEXT,
    resolved_by TEXT,
    CONSTRAINT supplier_bank_entries_position_key UNIQUE (file_id, position)
);
CREATE INDEX supplier_bank_entries_state_idx ON supplier_bank_entries (state, id);

-- Planned work that keeps subcontractors busy: projects with work orders by trade and month.
CREATE TABLE supplier_projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('district_heating', 'cable', 'meter_exchange', 'water', 'broadband', 'other')),
    budget_ore BIGINT NOT NULL CHECK (budget_ore >= 0),
    budget_owner TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (ends_on >= starts_on)
);

-- A work order to a supplier: its month (planned_month is where the plan first had it, so
-- work brought forward shows), hours and kronor; its reference is what invoices quote.
CREATE TABLE supplier_work_orders (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES supplier_projects (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    trade TEXT NOT NULL CHECK (trade IN ('excavation', 'haulage', 'electrical', 'plumbing_hvac', 'automation', 'environmental_measurement', 'transport', 'civil_works', 'cleaning', 'it_services', 'consulting')),
    reference TEXT NOT NULL CONSTRAINT supplier_work_orders_reference_key UNIQUE,
    description TEXT NOT NULL,
    month TEXT NOT NULL,
    planned_month TEXT NOT NULL,
    hours BIGINT NOT NULL CHECK (hours >= 0),
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    state TEXT NOT NULL CHECK (state IN ('planned', 'ordered', 'done', 'cancelled')),
    ordered_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX supplier_work_orders_month_idx ON supplier_work_orders (month);
CREATE INDEX supplier_work_orders_project_idx ON supplier_work_orders (project_id, month);

ALTER TABLE supplier_invoices ADD COLUMN work_order_id BIGINT REFERENCES supplier_work_orders (id);
