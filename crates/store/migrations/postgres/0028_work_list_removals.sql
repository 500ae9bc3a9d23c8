-- Stops taken off a crew's list of today after the technician may have read it (issue 20): a
-- household declared "no home visits", or the campaign policy paused its visit. The list shows
-- them as struck off, so nobody goes; no reason is kept. One row per crew, day and job.
CREATE TABLE work_list_removals (
    crew_id BIGINT NOT NULL REFERENCES crews (id),
    day TEXT NOT NULL,
    job_id BIGINT NOT NULL REFERENCES campaign_jobs (id),
    arrive_min BIGINT,
    removed_at BIGINT NOT NULL,
    PRIMARY KEY (crew_id, day, job_id)
);
