-- Customer-centre visits by booking, with a cap on people present (DESIGN §3.3), and API tokens.
-- The PostgreSQL twin of this file differs only in key columns (IDENTITY).
--
-- The cap is enforced on `visit_buckets`: one counter row per site and 5-minute bucket, raised by
-- a guarded UPDATE (`… WHERE present + party <= cap AND visits < desks`) for every bucket of a
-- visit in ascending order inside one write transaction. The cap itself is not stored here: it
-- comes from the visits policy in force, so lowering it leaves rows above it, whose visits are
-- then flagged (never cancelled silently).

ALTER TABLE sites ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN lead_minutes BIGINT NOT NULL DEFAULT 60;
ALTER TABLE sites ADD COLUMN horizon_days BIGINT NOT NULL DEFAULT 28;
ALTER TABLE sites ADD COLUMN slot_step_minutes BIGINT NOT NULL DEFAULT 15;
ALTER TABLE sites ADD COLUMN closed_on_holidays BOOLEAN NOT NULL DEFAULT TRUE;

-- Weekly opening hours: one row per span (a day closed for lunch has two).
CREATE TABLE site_hours (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_min BIGINT NOT NULL CHECK (opens_min >= 0 AND opens_min < 1440),
    closes_min BIGINT NOT NULL CHECK (closes_min > opens_min AND closes_min <= 1440),
    staffed_desks BIGINT NOT NULL CHECK (staffed_desks >= 0)
);
CREATE INDEX site_hours_site_idx ON site_hours (site_id, weekday);

-- Dates with other hours. A row without times closes the site that day.
CREATE TABLE site_exceptions (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    opens_min BIGINT,
    closes_min BIGINT,
    staffed_desks BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX site_exceptions_site_idx ON site_exceptions (site_id, day);

CREATE TABLE site_services (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    code TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0 AND duration_minutes <= 240),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    CONSTRAINT site_services_code_key UNIQUE (site_id, code)
);

CREATE TABLE visit_buckets (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    starts_at BIGINT NOT NULL,
    present BIGINT NOT NULL CHECK (present >= 0),
    visits BIGINT NOT NULL CHECK (visits >= 0),
    PRIMARY KEY (site_id, starts_at)
);

-- Statuses that hold places: unconfirmed (public booking awaiting its link, until expires_at),
-- offered (a waitlist offer, until expires_at), booked, checked_in.
CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    service_id BIGINT NOT NULL REFERENCES site_services (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    party BIGINT NOT NULL CHECK (party BETWEEN 1 AND 4),
    status TEXT NOT NULL CHECK (status IN ('unconfirmed', 'offered', 'booked', 'checked_in', 'no_show', 'cancelled', 'expired')),
    source TEXT NOT NULL CHECK (source IN ('portal', 'agent', 'public', 'api', 'walk_in', 'waitlist')),
    customer_id BIGINT REFERENCES customers (id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    language TEXT NOT NULL,
    person_key TEXT NOT NULL,
    idempotency_key TEXT CONSTRAINT visits_idempotency_key UNIQUE,
    booked_by BIGINT REFERENCES users (id),
    waitlist_id BIGINT,
    expires_at BIGINT,
    flagged_at BIGINT,
    reminded_at BIGINT,
    checked_in_at BIGINT,
    ended_at BIGINT,
    sequence BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX visits_site_time_idx ON visits (site_id, starts_at);
CREATE INDEX visits_person_idx ON visits (person_key, starts_at);
CREATE INDEX visits_customer_idx ON visits (customer_id, starts_at);
CREATE INDEX visits_status_idx ON visits (status, expires_at);

-- One row per person who ever booked; booking locks it first, so one person's concurrent
-- bookings are serialised and the overlap check cannot be raced (also on PostgreSQL).
CREATE TABLE visit_people (
    person_key TEXT PRIMARY KEY,
    touched_at BIGINT NOT NULL
);

CREATE TABLE visit_waitlist (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    service_id BIGINT NOT NULL REFERENCES site_services (id),
    day TEXT NOT NULL,
    party BIGINT NOT NULL CHECK (party BETWEEN 1 AND 4),
    customer_id BIGINT REFERENCES customers (id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    language TEXT NOT NULL,
    person_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'cancelled')),
    visit_id BIGINT REFERENCES visits (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX visit_waitlist_day_idx ON visit_waitlist (site_id, day, status, id);

-- Bearer tokens for API clients, issued for a staff account by `beredskap token create`.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
