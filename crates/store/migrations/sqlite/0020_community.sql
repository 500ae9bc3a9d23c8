-- Community support (issue 17): the stock of critical supplies with its reserve, one ledger of
-- everything given, free faster broadband for businesses with the provisioning orders sent to
-- the network operator, and applications for event support; and the community policy.

-- Every mode has a policy for every capability: modes made before community existed keep
-- everyday rules until someone edits them.
INSERT INTO mode_policies (mode_id, capability, body)
    SELECT id, 'community', '{"capability":"community","rules":{"gathering_limit":null,"free_upgrade_max_days":null,"sponsorship_extra_percent":0,"sponsorship_pay_cancelled":false}}' FROM modes;

-- A broadband connection's speed (Mbit/s); NULL for other services.
ALTER TABLE subscriptions ADD COLUMN speed_mbit BIGINT;

-- Items of the company's own stock; quantities in the item's unit. The reserve is what the
-- company's critical processes need (function_id: the critical function that needs it).
CREATE TABLE community_items (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT community_items_name_key UNIQUE,
    unit TEXT NOT NULL CHECK (unit IN ('litre', 'piece', 'pair', 'box', 'kilogram')),
    quantity BIGINT NOT NULL CHECK (quantity >= 0),
    reserve BIGINT NOT NULL CHECK (reserve >= 0),
    usage_per_week BIGINT NOT NULL CHECK (usage_per_week >= 0),
    unit_value_ore BIGINT NOT NULL CHECK (unit_value_ore >= 0),
    location TEXT NOT NULL,
    function_id BIGINT REFERENCES continuity_functions (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Everything given, each with its decision. source_key names what made the entry
-- ('upgrade:12', 'event:3'), so an entry is written once per source.
CREATE TABLE community_ledger (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('donation', 'sponsorship', 'summer_job_wages', 'broadband_upgrade', 'event_support')),
    given_on TEXT NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('organisation', 'public_body', 'customer')),
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
CREATE INDEX community_ledger_given_idx ON community_ledger (given_on);
CREATE INDEX community_ledger_customer_idx ON community_ledger (customer_id);

-- Free faster broadband: from_on to to_on inclusive; the speed returns the day after.
CREATE TABLE broadband_upgrades (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    normal_speed_mbit BIGINT NOT NULL,
    speed_mbit BIGINT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'active', 'reverted', 'cancelled')),
    requested_via TEXT NOT NULL CHECK (requested_via IN ('portal', 'agent', 'api')),
    requested_by TEXT NOT NULL,
    value_ore BIGINT NOT NULL,
    started_at BIGINT,
    reminded_at BIGINT,
    ended_at BIGINT,
    cancelled_by TEXT,
    created_at BIGINT NOT NULL,
    CHECK (to_on >= from_on)
);
CREATE UNIQUE INDEX broadband_upgrades_open_key ON broadband_upgrades (subscription_id) WHERE state IN ('scheduled', 'active');
CREATE INDEX broadband_upgrades_customer_idx ON broadband_upgrades (customer_id);
CREATE INDEX broadband_upgrades_state_idx ON broadband_upgrades (state, from_on);

-- Orders to the network operator, one per upgrade and action (the idempotency key), delivered to
-- the webhook with retries and listed in the day's order file.
CREATE TABLE provisioning_orders (
    id INTEGER PRIMARY KEY,
    upgrade_id BIGINT NOT NULL REFERENCES broadband_upgrades (id),
    action TEXT NOT NULL CHECK (action IN ('upgrade', 'revert')),
    speed_mbit BIGINT NOT NULL,
    effective_on TEXT NOT NULL,
    idempotency_key TEXT NOT NULL CONSTRAINT provisioning_orders_key UNIQUE,
    delivered_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX provisioning_orders_day_idx ON provisioning_orders (effective_on);
CREATE INDEX provisioning_orders_pending_idx ON provisioning_orders (delivered_at, next_attempt_at);

-- Applications for event support. needs: codes separated by ';'. over_limit_key: the policy
-- change under which the organiser was told the event is now above the gathering limit.
CREATE TABLE community_events (
    id INTEGER PRIMARY KEY,
    organiser TEXT NOT NULL,
    org_number TEXT NOT NULL,
    contact_name TEXT,
    contact_email TEXT,
    event_on TEXT NOT NULL,
    place TEXT NOT NULL,
    expected_attendees BIGINT NOT NULL CHECK (expected_attendees > 0),
    needs TEXT NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    description TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('applied', 'approved', 'refused')),
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT,
    support_ore BIGINT,
    over_limit_key TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX community_events_day_idx ON community_events (event_on);
