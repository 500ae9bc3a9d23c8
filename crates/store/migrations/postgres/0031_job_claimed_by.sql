-- Running it for real (issue 19): which worker (host and process) last claimed a job, so an
-- operator (and the multi-server test) can tell which server runs or ran it.
ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
