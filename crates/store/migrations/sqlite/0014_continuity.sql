-- Continuity (issue 16): critical functions and their shifts, staff with teams and competences,
-- rosters, absences, cover requests, red-shift alerts, contingency plans and exercises, the
-- services' state and the daily situation reports; and the continuity policy.
--
-- The two dialects differ here beyond key columns (see the migration test's list): the
-- capability CHECK of policies and mode_policies must accept 'continuity' (and 'community',
-- next, so it is widened once). PostgreSQL drops and re-adds the constraint; SQLite cannot alter
-- a CHECK, so it rebuilds both tables with the same columns, keys and indexes.

-- dialect-specific begin: widening the capability CHECK (see the header)
CREATE TABLE policies_new (
    id INTEGER PRIMARY KEY,
    capability TEXT NOT NULL CHECK (capability IN ('campaign', 'visits', 'credit', 'suppliers', 'portal', 'continuity', 'community')),
    mode_id BIGINT REFERENCES modes (id),
    effective_from BIGINT NOT NULL,
    effective_to BIGINT,
    body TEXT NOT NULL,
    set_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    activation_id BIGINT REFERENCES activations (id),
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
INSERT INTO policies_new (id, capability, mode_id, effective_from, effective_to, body, set_by, reason, created_at, activation_id)
    SELECT id, capability, mode_id, effective_from, effective_to, body, set_by, reason, created_at, activation_id FROM policies;
DROP TABLE policies;
ALTER TABLE policies_new RENAME TO policies;
CREATE INDEX policies_capability_idx ON policies (capability, effective_from);
CREATE INDEX policies_activation_idx ON policies (activation_id);

CREATE TABLE mode_policies_new (
    mode_id BIGINT NOT NULL REFERENCES modes (id),
    capability TEXT NOT NULL CHECK (capability IN ('campaign', 'visits', 'credit', 'suppliers', 'portal', 'continuity', 'community')),
    body TEXT NOT NULL,
    PRIMARY KEY (mode_id, capability)
);
INSERT INTO mode_policies_new (mode_id, capability, body) SELECT mode_id, capability, body FROM mode_policies;
DROP TABLE mode_policies;
ALTER TABLE mode_policies_new RENAME TO mode_policies;
-- dialect-specific end

-- Every mode has a policy for every capability: modes made before continuity existed keep
-- everyday working arrangements until someone edits them.
INSERT INTO mode_policies (mode_id, capability, body)
    SELECT id, 'continuity', '{"capability":"continuity","rules":{"remote_work_default":false,"travel_limited":false,"meetings_postponed":false,"team_separation":false,"raised_minimum":{"rule":"none"}}}' FROM modes;

-- Staff as continuity needs them (the register the demo filled until now): an employee number
-- (the key of the import files), a team, contact details, contracted weekly hours (minutes), the
-- account a person reports their own absence with, and when the row last changed. The old
-- columns title, function and skills stay for the first demo's rows; competences now live in
-- staff_competences.
ALTER TABLE staff ADD COLUMN employee_number TEXT;
ALTER TABLE staff ADD COLUMN team TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN phone TEXT;
ALTER TABLE staff ADD COLUMN email TEXT;
ALTER TABLE staff ADD COLUMN weekly_minutes BIGINT NOT NULL DEFAULT 2400;
ALTER TABLE staff ADD COLUMN user_id BIGINT REFERENCES users (id);
ALTER TABLE staff ADD COLUMN updated_at BIGINT;
CREATE UNIQUE INDEX staff_employee_number_key ON staff (employee_number);
CREATE UNIQUE INDEX staff_user_key ON staff (user_id);

-- What a person may do, and until when (expires_on inclusive; NULL: no expiry).
CREATE TABLE staff_competences (
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    competence TEXT NOT NULL,
    expires_on TEXT,
    PRIMARY KEY (staff_id, competence)
);

-- The functions that must be staffed around the clock, per service; competences are codes
-- separated by ';' (sorted).
CREATE TABLE continuity_functions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT continuity_functions_code_key UNIQUE,
    name TEXT NOT NULL,
    service TEXT NOT NULL CHECK (service IN ('electricity', 'district_heating', 'water', 'waste', 'broadband', 'customer_service', 'it')),
    competences TEXT NOT NULL,
    remote_ok BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A function's shifts: clock times in minutes after midnight (an end not after the start ends
-- the next day) and the minimum staff, normally and under a policy that raises it.
CREATE TABLE continuity_shifts (
    id INTEGER PRIMARY KEY,
    function_id BIGINT NOT NULL REFERENCES continuity_functions (id),
    shift TEXT NOT NULL,
    starts_min BIGINT NOT NULL CHECK (starts_min >= 0 AND starts_min < 1440),
    ends_min BIGINT NOT NULL CHECK (ends_min >= 0 AND ends_min < 1440),
    min_staff BIGINT NOT NULL CHECK (min_staff >= 0),
    min_staff_crisis BIGINT NOT NULL CHECK (min_staff_crisis >= 0),
    CONSTRAINT continuity_shifts_key UNIQUE (function_id, shift)
);

-- One person on one shift on the day it starts. A roster change that breaks a working-time
-- rule is refused unless a manager records it as a deviation (13 §: the unforeseen), with who
-- and why: shown, never hidden.
CREATE TABLE roster_entries (
    id INTEGER PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    shift_id BIGINT NOT NULL REFERENCES continuity_shifts (id),
    on_date TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('import', 'app', 'cover')),
    deviation_reason TEXT,
    deviation_by TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT roster_entries_key UNIQUE (staff_id, shift_id, on_date)
);
CREATE INDEX roster_entries_date_idx ON roster_entries (on_date, shift_id);
CREATE INDEX roster_entries_staff_idx ON roster_entries (staff_id, on_date);

-- Absence: personal data, purged after the retention the settings give. A reason category
-- only; no diagnosis is ever asked or stored. to_date is the last day away.
CREATE TABLE absences (
    id INTEGER PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    reason TEXT NOT NULL CHECK (reason IN ('sick', 'care_of_sick_child', 'quarantine', 'other')),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    CHECK (to_date >= from_date)
);
CREATE INDEX absences_dates_idx ON absences (to_date, from_date);
CREATE INDEX absences_staff_idx ON absences (staff_id, from_date);

-- A person asked (by text message with a signed link) to cover a shift, and the answer.
CREATE TABLE cover_requests (
    id INTEGER PRIMARY KEY,
    shift_id BIGINT NOT NULL REFERENCES continuity_shifts (id),
    on_date TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    status TEXT NOT NULL CHECK (status IN ('asked', 'accepted', 'declined', 'lapsed')),
    asked_by TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    answered_at BIGINT,
    CONSTRAINT cover_requests_key UNIQUE (shift_id, on_date, staff_id)
);

-- A shift within 48 hours that turned red, told to the continuity managers once; cleared when
-- it recovers, so turning red again is told again.
CREATE TABLE coverage_alerts (
    id INTEGER PRIMARY KEY,
    shift_id BIGINT NOT NULL REFERENCES continuity_shifts (id),
    on_date TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE UNIQUE INDEX coverage_alerts_open_key ON coverage_alerts (shift_id, on_date) WHERE cleared_at IS NULL;

-- Contingency plans (per function, or for the whole company), their reviews and exercises.
CREATE TABLE contingency_plans (
    id INTEGER PRIMARY KEY,
    function_id BIGINT REFERENCES continuity_functions (id),
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    measures TEXT NOT NULL,
    last_reviewed_on TEXT,
    next_review_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX contingency_plans_review_idx ON contingency_plans (next_review_on);

-- An exercise of a plan: planned, held (with its lessons) or postponed (by the change of policy
-- named in postponed_by, when that postponed it).
CREATE TABLE contingency_exercises (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES contingency_plans (id),
    on_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'held', 'postponed')),
    lessons TEXT NOT NULL,
    logged_by TEXT NOT NULL,
    logged_at BIGINT NOT NULL,
    postponed_by TEXT
);
CREATE INDEX contingency_exercises_plan_idx ON contingency_exercises (plan_id, on_date);

-- Whether each service is delivered without disturbance, as the operator on duty says; the
-- latest row per service holds.
CREATE TABLE service_status (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL CHECK (service IN ('electricity', 'district_heating', 'water', 'waste', 'broadband', 'customer_service', 'it')),
    state TEXT NOT NULL CHECK (state IN ('undisturbed', 'disturbed')),
    note TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
CREATE INDEX service_status_idx ON service_status (service, set_at);

-- Daily situation reports as issued (JSON, the API's form), kept readable; one scheduled report
-- per day.
CREATE TABLE situation_reports (
    id INTEGER PRIMARY KEY,
    report_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'on_demand')),
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX situation_reports_scheduled_key ON situation_reports (report_date) WHERE kind = 'scheduled';
CREATE INDEX situation_reports_date_idx ON situation_reports (report_date, created_at);
