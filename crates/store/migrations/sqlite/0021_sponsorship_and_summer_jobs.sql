-- Community support, part 2 (issue 17): sponsorship agreements with clubs, paid in instalments
-- through the suppliers' payment run, and summer jobs for young people with a lottery anyone can
-- check.

-- dialect-specific begin: widening two CHECKs (see the migration test's list)
-- The ledger also records wages paid to young people in summer jobs (as a group: no names).
CREATE TABLE community_ledger_new (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('donation', 'sponsorship', 'summer_job_wages', 'broadband_upgrade', 'event_support')),
    given_on TEXT NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('organisation', 'public_body', 'customer', 'summer_workers')),
    recipient TEXT NOT NULL,
    recipient_org_number TEXT,
    customer_id BIGINT REFERENCES customers (id),
    description TEXT NOT NULL,
    item_id BIGINT REFERENCES community_items (id),
    quantity BIGINT,
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    source_key TEXT CONSTRAINT community_ledger_source_key UNIQUE,
    created_at BIGINT NOT NULL
);
INSERT INTO community_ledger_new SELECT id, category, given_on, amount_ore, recipient_kind,
    recipient, recipient_org_number, customer_id, description, item_id, quantity, decided_by,
    decided_at, reason, source_key, created_at FROM community_ledger;
DROP TABLE community_ledger;
ALTER TABLE community_ledger_new RENAME TO community_ledger;
CREATE INDEX community_ledger_given_idx ON community_ledger (given_on);
CREATE INDEX community_ledger_customer_idx ON community_ledger (customer_id);

-- Clubs are registered as suppliers in the trade of advertising and sponsorship.
CREATE TABLE supplier_trades_new (
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    trade TEXT NOT NULL CHECK (trade IN ('excavation', 'haulage', 'electrical', 'plumbing_hvac', 'automation', 'environmental_measurement', 'transport', 'civil_works', 'cleaning', 'it_services', 'consulting', 'marketing')),
    PRIMARY KEY (supplier_id, trade)
);
INSERT INTO supplier_trades_new SELECT supplier_id, trade FROM supplier_trades;
DROP TABLE supplier_trades;
ALTER TABLE supplier_trades_new RENAME TO supplier_trades;
-- dialect-specific end

-- An agreement with a club (registered as a supplier, so it can be paid). returns: codes
-- separated by ';'.
CREATE TABLE sponsorship_agreements (
    id INTEGER PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    club TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore > 0),
    instalments BIGINT NOT NULL CHECK (instalments BETWEEN 1 AND 24),
    returns TEXT NOT NULL,
    returns_note TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'terminated')),
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    terminated_by TEXT,
    terminated_at BIGINT,
    created_at BIGINT NOT NULL,
    CHECK (ends_on >= starts_on)
);

-- One instalment; released as an invoice to pay (invoice_id) once, under the policy in force on
-- its due date.
CREATE TABLE sponsorship_instalments (
    id INTEGER PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES sponsorship_agreements (id),
    number BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    base_ore BIGINT NOT NULL CHECK (base_ore >= 0),
    extra_ore BIGINT NOT NULL DEFAULT 0,
    matches_cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL CHECK (state IN ('planned', 'released', 'withheld', 'cancelled')),
    invoice_id BIGINT REFERENCES supplier_invoices (id),
    released_at BIGINT,
    CONSTRAINT sponsorship_instalments_number_key UNIQUE (agreement_id, number)
);
CREATE INDEX sponsorship_instalments_due_idx ON sponsorship_instalments (state, due_on);

-- A season of summer jobs: applications until apply_until; ages are counted on first_day. The
-- seed is published before the draw and never changes.
CREATE TABLE summer_seasons (
    year BIGINT PRIMARY KEY,
    apply_until TEXT NOT NULL,
    first_day TEXT NOT NULL,
    priority_first_job BOOLEAN NOT NULL,
    seed TEXT,
    seed_published_at BIGINT,
    seed_published_by TEXT,
    drawn_at BIGINT,
    drawn_by TEXT,
    letters_at BIGINT,
    purged_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE summer_postings (
    id INTEGER PRIMARY KEY,
    year BIGINT NOT NULL REFERENCES summer_seasons (year),
    workplace TEXT NOT NULL,
    supervisor TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    weeks BIGINT NOT NULL CHECK (weeks BETWEEN 1 AND 12),
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    break_minutes BIGINT NOT NULL CHECK (break_minutes >= 0),
    days_per_week BIGINT NOT NULL CHECK (days_per_week BETWEEN 1 AND 7),
    places BIGINT NOT NULL CHECK (places > 0),
    hourly_wage_ore BIGINT NOT NULL CHECK (hourly_wage_ore >= 0),
    created_at BIGINT NOT NULL
);
CREATE INDEX summer_postings_year_idx ON summer_postings (year);

-- Applications: personal data of young people, purged after the season and its retention
-- period. The reference people see is the year and the id.
CREATE TABLE summer_applications (
    id INTEGER PRIMARY KEY,
    year BIGINT NOT NULL REFERENCES summer_seasons (year),
    name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    first_job BOOLEAN NOT NULL,
    wish_id BIGINT REFERENCES summer_postings (id),
    guardian_name TEXT,
    guardian_email TEXT,
    guardian_consent_at BIGINT,
    state TEXT NOT NULL CHECK (state IN ('applied', 'chosen', 'not_chosen')),
    draw_rank BIGINT,
    posting_id BIGINT REFERENCES summer_postings (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT summer_applications_email_key UNIQUE (year, email)
);
CREATE INDEX summer_applications_year_idx ON summer_applications (year, state);
