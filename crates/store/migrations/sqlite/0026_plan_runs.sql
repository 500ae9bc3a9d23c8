-- Planning runs started from the planner's page (issue 19: stateless servers). A run is a row
-- here and a job in the queue: whichever server's worker claims the job plans, writing its
-- progress to the row each second, so the page shows it from any server; a run whose server
-- dies goes back to the queue with its job and starts again elsewhere.
CREATE TABLE plan_runs (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    -- Who started it, as the page names them and the audit log records the plan.
    started_by TEXT NOT NULL,
    started_by_role TEXT NOT NULL,
    started_by_user BIGINT,
    weeks BIGINT NOT NULL CHECK (weeks BETWEEN 1 AND 8),
    budget_ms BIGINT NOT NULL CHECK (budget_ms > 0),
    -- The classification that ran before (JSON counts), when the run follows a policy change.
    classified TEXT,
    requested_at BIGINT NOT NULL,
    -- Written by the server planning it, each second: how far (0-99) and how long so far.
    percent BIGINT NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    elapsed_ms BIGINT NOT NULL DEFAULT 0,
    beat_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- The plan stored, or why none was.
    considered BIGINT,
    assigned BIGINT,
    unassigned BIGINT,
    crew_days BIGINT,
    travel_m BIGINT,
    seconds_ms BIGINT,
    failure TEXT CHECK (failure IN ('no_campaign', 'unexpected', 'stopped')),
    CHECK ((finished_at IS NULL) = (considered IS NULL AND failure IS NULL))
);
-- One run at a time per campaign, whichever server was asked.
CREATE UNIQUE INDEX plan_runs_one_running ON plan_runs (campaign_id) WHERE finished_at IS NULL;
