-- Suppliers (issue 15): the register grows VAT number, where the supplier is paid, the
-- municipality of its workplace, size class and standing; trades and contact people get their
-- own tables; offers of shorter payment terms, and the invoices suppliers send.
ALTER TABLE suppliers ADD COLUMN vat_number TEXT;
ALTER TABLE suppliers ADD COLUMN plusgiro TEXT;
ALTER TABLE suppliers ADD COLUMN iban TEXT;
ALTER TABLE suppliers ADD COLUMN bic TEXT;
ALTER TABLE suppliers ADD COLUMN municipality TEXT NOT NULL DEFAULT '';
ALTER TABLE suppliers ADD COLUMN size_class TEXT NOT NULL DEFAULT 'other' CHECK (size_class IN ('small', 'other'));
ALTER TABLE suppliers ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE suppliers ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE supplier_trades (
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    trade TEXT NOT NULL CHECK (trade IN ('excavation', 'haulage', 'electrical', 'plumbing_hvac', 'automation', 'environmental_measurement', 'transport', 'civil_works', 'cleaning', 'it_services', 'consulting')),
    PRIMARY KEY (supplier_id, trade)
);
INSERT INTO supplier_trades (supplier_id, trade) SELECT id, trades FROM suppliers WHERE trades IN ('excavation', 'haulage', 'electrical', 'plumbing_hvac', 'automation', 'environmental_measurement', 'transport');
ALTER TABLE suppliers DROP COLUMN trades;

CREATE TABLE supplier_contacts (
    id INTEGER PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    position BIGINT NOT NULL
);
CREATE INDEX supplier_contacts_supplier_idx ON supplier_contacts (supplier_id, position);

-- An offer of shorter terms made under one policy change (its key); answered by a signed link.
CREATE TABLE supplier_offers (
    id INTEGER PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    change_key TEXT NOT NULL,
    days BIGINT NOT NULL,
    applies_from TEXT NOT NULL,
    applies_until TEXT,
    answer_by TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('offered', 'accepted', 'declined', 'lapsed')),
    sent_at BIGINT NOT NULL,
    answered_at BIGINT,
    CONSTRAINT supplier_offers_change_key UNIQUE (supplier_id, change_key)
);

-- An invoice or credit note from a supplier; due on the terms in force when it was received,
-- or on an accepted offer's shorter terms (`offer_id`).
CREATE TABLE supplier_invoices (
    id INTEGER PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    number TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    received_on TEXT NOT NULL,
    terms_days BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    offer_id BIGINT REFERENCES supplier_offers (id),
    amount_ore BIGINT NOT NULL,
    vat_ore BIGINT NOT NULL,
    order_reference TEXT,
    payment_reference TEXT,
    state TEXT NOT NULL CHECK (state IN ('received', 'attested', 'approved', 'disputed', 'paid', 'credited')),
    created_at BIGINT NOT NULL,
    CONSTRAINT supplier_invoices_number_key UNIQUE (supplier_id, kind, number)
);
CREATE INDEX supplier_invoices_due_idx ON supplier_invoices (state, due_date);

-- Every e-invoice file received, accepted or not, once (by its SHA-256): a refused one waits in
-- the inbox with its findings; an accepted one points at the invoice it became.
CREATE TABLE supplier_documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL CONSTRAINT supplier_documents_sha256_key UNIQUE,
    file_name TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    refusal TEXT CHECK (refusal IN ('rules', 'unreadable', 'unknown_supplier', 'currency', 'number_taken')),
    supplier_id BIGINT REFERENCES suppliers (id),
    invoice_id BIGINT REFERENCES supplier_invoices (id),
    invoice_number TEXT,
    seller_org_number TEXT,
    total_minor BIGINT,
    body TEXT NOT NULL
);
CREATE INDEX supplier_documents_refused_idx ON supplier_documents (refusal, received_at);

CREATE TABLE supplier_document_findings (
    document_id BIGINT NOT NULL REFERENCES supplier_documents (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    rule TEXT NOT NULL,
    fatal BOOLEAN NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (document_id, position)
);
