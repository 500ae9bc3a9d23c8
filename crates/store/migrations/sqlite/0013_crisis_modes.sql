-- Crisis modes (issue 14): a mode is a named, versioned bundle of one policy per capability;
-- an activation switches the company into a mode for an interval after a second person has
-- approved it, one step per capability, and back at its end; the crisis log keeps every
-- proposal, approval, activation, end and decision taken by hand for the after-action review.
-- The new tables' capability checks already name the capabilities still to come (continuity,
-- community); `policies` and `mode_policies` get theirs widened when those capabilities arrive.

ALTER TABLE modes ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE modes ADD COLUMN updated_at BIGINT;
ALTER TABLE modes ADD COLUMN updated_by TEXT;

-- Staff e-mail, for reminders to continuity managers (a planned end a week away).
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE activations (
    id INTEGER PRIMARY KEY,
    mode_id BIGINT NOT NULL REFERENCES modes (id),
    mode_version BIGINT NOT NULL,
    -- The mode's policies at the version the proposer previewed (JSON list of policy bodies):
    -- what is approved is what was seen, whatever happens to the mode afterwards.
    policies TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'scheduled', 'activating', 'active', 'ending', 'ended', 'rejected', 'withdrawn')),
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    proposed_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    end_proposed_by BIGINT REFERENCES users (id),
    end_proposed_at BIGINT,
    end_requested_at BIGINT,
    end_reason TEXT,
    end_approved_by BIGINT REFERENCES users (id),
    end_approved_at BIGINT,
    activated_at BIGINT,
    ended_at BIGINT,
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX activations_status_idx ON activations (status, starts_at);

-- One row per capability moved by an activation (phase start) or moved back (phase end), with
-- the effects it reported: a resumed activation skips the steps already done.
CREATE TABLE activation_steps (
    activation_id BIGINT NOT NULL REFERENCES activations (id),
    phase TEXT NOT NULL CHECK (phase IN ('start', 'end')),
    capability TEXT NOT NULL CHECK (capability IN ('campaign', 'visits', 'credit', 'suppliers', 'portal', 'continuity', 'community')),
    -- Planned effects (the preview taken when the step began) until done, then the effects
    -- the capability reported; a step begun and not done is resumed after a crash.
    effects TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    done_at BIGINT,
    PRIMARY KEY (activation_id, phase, capability)
);

CREATE TABLE crisis_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('mode_created', 'mode_edited', 'proposed', 'approved', 'rejected', 'withdrawn', 'activated', 'end_proposed', 'end_approved', 'ended', 'measure', 'end_reminder')),
    actor TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    activation_id BIGINT REFERENCES activations (id),
    mode_id BIGINT REFERENCES modes (id),
    summary TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX crisis_log_at_idx ON crisis_log (at);

-- The activation whose interval a policy row belongs to (none for a policy set by hand).
ALTER TABLE policies ADD COLUMN activation_id BIGINT REFERENCES activations (id);
CREATE INDEX policies_activation_idx ON policies (activation_id);
