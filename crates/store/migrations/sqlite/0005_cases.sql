-- Customer-service cases (DESIGN §3.4): teams and their members, cases routed to a team by
-- category with SLA due times counted in business hours, and each case's entries (customer
-- messages, replies, internal notes, chat transcripts).
-- The PostgreSQL twin of this file differs only in key columns (IDENTITY).

CREATE TABLE teams (
    key TEXT PRIMARY KEY,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

-- The teams every installation routes to (domain::cases::Category::team).
INSERT INTO teams (key, name_sv, name_en) VALUES
    ('kundservice', 'Kundservice', 'Customer service'),
    ('fakturering', 'Fakturering', 'Billing'),
    ('matarbyte', 'Mätarbyte', 'Meter exchange'),
    ('drift', 'Drift', 'Operations'),
    ('bredband', 'Bredband', 'Broadband');

CREATE TABLE team_members (
    user_id BIGINT NOT NULL REFERENCES users (id),
    team TEXT NOT NULL REFERENCES teams (key),
    PRIMARY KEY (user_id, team)
);
CREATE INDEX team_members_team_idx ON team_members (team, user_id);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    category TEXT NOT NULL CHECK (category IN ('invoice', 'extension', 'meter_visit', 'outage', 'broadband', 'moving', 'other')),
    source TEXT NOT NULL CHECK (source IN ('chat', 'portal', 'phone')),
    status TEXT NOT NULL CHECK (status IN ('new', 'open', 'waiting_on_customer', 'resolved', 'closed')),
    team TEXT NOT NULL REFERENCES teams (key),
    assignee_user_id BIGINT REFERENCES users (id),
    subject TEXT NOT NULL,
    link_kind TEXT CHECK (link_kind IN ('arrangement', 'visit')),
    link_id BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    first_response_due BIGINT NOT NULL,
    first_response_risk_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolve_due BIGINT NOT NULL,
    resolve_risk_at BIGINT NOT NULL,
    resolved_at BIGINT,
    CHECK ((link_kind IS NULL) = (link_id IS NULL))
);
CREATE INDEX cases_team_status_idx ON cases (team, status, resolve_due);
CREATE INDEX cases_assignee_idx ON cases (assignee_user_id, status);
CREATE INDEX cases_customer_idx ON cases (customer_id, created_at);
CREATE INDEX cases_first_response_idx ON cases (first_response_at, first_response_due);
CREATE INDEX cases_link_idx ON cases (link_kind, link_id);

CREATE TABLE case_entries (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('customer_message', 'agent_reply', 'internal_note', 'chat_transcript')),
    author_user_id BIGINT REFERENCES users (id),
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_entries_case_idx ON case_entries (case_id, id);
