-- Live arrival times (issue 20): when a technician finishes a stop, the next customer on the
-- route is told a narrowed arrival window (minutes after midnight of the job's day), kept here
-- for Mina sidor with the instant it was computed (microseconds UTC).
ALTER TABLE campaign_jobs ADD COLUMN eta_from_min BIGINT;
ALTER TABLE campaign_jobs ADD COLUMN eta_to_min BIGINT;
ALTER TABLE campaign_jobs ADD COLUMN eta_at BIGINT;
