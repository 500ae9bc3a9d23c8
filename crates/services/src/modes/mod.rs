//! Crisis modes: the modes the continuity manager edits, the preview of switching into one, the
//! four-eyes activation that moves every capability through its policy hook, the end that moves
//! them back, the public page of the measures in force, and the crisis log.
//!
//! An activation runs as background work, one step per capability, each recorded when done
//! (`activation_steps`), under one key for everything it does (`activation:<id>` for the start,
//! `activation:<id>:end` for the end): killed half way and run again, it skips the steps
//! recorded, the hooks' own work is idempotent under the key, and customers are told once each,
//! all of their changes in one message (`Services::tell_customers`).

mod activation;
mod edit;
mod log;
mod preview;
mod public;

use std::collections::BTreeMap;

use domain::modes::ModeProblem;
use domain::policy::{Capability, PolicyBody};
use domain::role::Role;

pub use activation::{ActivationView, END_JOB, REMIND_JOB, START_JOB, StepView};
pub use edit::{ModeView, NewMode};
pub use log::LogFilter;
pub use preview::{CustomerNotice, ModePreview};
pub use public::{FeedEntry, PublicInfo, PublicMeasures};

use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// Who may do what with crisis modes; the route table reads the same lists.
pub mod roles {
    use domain::role::Role;

    /// Edit modes, preview them, propose an activation or an end, write measures in the log.
    pub const PROPOSE: &[Role] = &[Role::ContinuityManager, Role::Admin];
    /// Approve (or reject) someone else's proposal: another continuity manager or an admin.
    pub const APPROVE: &[Role] = &[Role::ContinuityManager, Role::Admin];
    /// Read modes, activations and the crisis log.
    pub const READ: &[Role] = &[Role::ContinuityManager, Role::Admin];
}

/// The crisis-mode handle: `services.crisis()`.
#[derive(Clone)]
pub struct Modes {
    s: Services,
}

impl Services {
    pub fn crisis(&self) -> Modes {
        Modes { s: self.clone() }
    }
}

impl Modes {
    fn require(actor: &Actor, roles: &[Role]) -> Result<()> {
        match actor.role {
            Some(r) if roles.contains(&r) => Ok(()),
            // The system (the worker) acts without a role.
            None if actor.user_id.is_none() => Ok(()),
            _ => Err(ServiceError::Forbidden),
        }
    }

    fn user_of(actor: &Actor) -> Result<domain::ids::UserId> {
        actor.user_id.ok_or(ServiceError::Forbidden)
    }
}

/// Reads stored policy bodies into one map, refusing a mode that lacks a capability.
pub(crate) fn policy_map(
    bodies: impl IntoIterator<Item = (Capability, String)>,
) -> Result<BTreeMap<Capability, PolicyBody>> {
    let mut map = BTreeMap::new();
    for (c, body) in bodies {
        let p = PolicyBody::from_json(&body)
            .map_err(|e| ServiceError::Internal(format!("stored {c} policy: {e}")))?;
        map.insert(c, p);
    }
    if let Some(c) = domain::modes::missing_capability(&map) {
        return Err(ServiceError::conflict(ModeProblem::MissingPolicy {
            capability: c,
        }));
    }
    Ok(map)
}
