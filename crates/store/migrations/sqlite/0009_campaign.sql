-- The meter-exchange campaign (DESIGN §3.2): one job per meter point, crews (own and
-- subcontracted) with days off, and the plan (crew, day, order, arrival) on the jobs.
-- Tier and plannability are the rules of domain::campaign under the policy in force, stored so
-- pages and counts read them; they are recomputed when the policy or a declaration changes.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    starts_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);

CREATE TABLE crews (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT crews_name_key UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('own', 'subcontractor')),
    supplier_id BIGINT REFERENCES suppliers (id),
    skills TEXT NOT NULL,
    depot_lat_e6 BIGINT NOT NULL,
    depot_lon_e6 BIGINT NOT NULL,
    shift_start_min BIGINT NOT NULL CHECK (shift_start_min >= 0 AND shift_start_min < 1440),
    shift_end_min BIGINT NOT NULL CHECK (shift_end_min > shift_start_min AND shift_end_min <= 1440),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    CHECK ((kind = 'subcontractor') = (supplier_id IS NOT NULL))
);

CREATE TABLE crew_days_off (
    crew_id BIGINT NOT NULL REFERENCES crews (id),
    day TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('sick', 'leave', 'other')),
    PRIMARY KEY (crew_id, day)
);

CREATE TABLE campaign_jobs (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    meter_point_id BIGINT NOT NULL REFERENCES meter_points (id),
    tier BIGINT NOT NULL CHECK (tier BETWEEN 1 AND 3),
    plannability TEXT NOT NULL CHECK (plannability IN ('plannable', 'paused', 'deferred')),
    needs_booking BOOLEAN NOT NULL,
    skill TEXT,
    service_min BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'planned', 'notified', 'booked', 'done', 'failed')),
    crew_id BIGINT REFERENCES crews (id),
    planned_on TEXT,
    arrive_min BIGINT,
    seq BIGINT,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    window_on TEXT,
    window_start_min BIGINT,
    window_end_min BIGINT,
    notified_at BIGINT,
    review_on TEXT,
    done_at BIGINT,
    failure_reason TEXT,
    old_reading BIGINT,
    new_meter_number TEXT,
    new_reading BIGINT,
    updated_at BIGINT NOT NULL,
    CONSTRAINT campaign_jobs_point_key UNIQUE (campaign_id, meter_point_id)
);
CREATE INDEX campaign_jobs_plan_idx ON campaign_jobs (campaign_id, crew_id, planned_on, seq);
CREATE INDEX campaign_jobs_point_idx ON campaign_jobs (meter_point_id);

-- A technician account belongs to a crew and sees that crew's stops only.
ALTER TABLE users ADD COLUMN crew_id BIGINT REFERENCES crews (id);
