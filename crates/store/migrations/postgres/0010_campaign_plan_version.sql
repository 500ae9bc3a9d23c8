-- A counter every change of the campaign's routes bumps (a plan stored, a window booked). A
-- booking computes its offers from one version and commits only if the version is unchanged
-- (compare and swap), so two customers cannot both take the last room on a crew-day.
ALTER TABLE campaigns ADD COLUMN plan_version BIGINT NOT NULL DEFAULT 0;
