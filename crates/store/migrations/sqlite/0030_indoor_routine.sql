-- The infection routine at indoor visits (issue 20): whether the technician confirmed it when
-- recording the exchange; NULL where no routine applied.
ALTER TABLE campaign_jobs ADD COLUMN routine_followed BOOLEAN;
