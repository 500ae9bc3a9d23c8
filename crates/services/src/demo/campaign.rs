//! The demo town's meter-exchange crews.

use domain::role::Role;

use super::names::TOWNS;
use crate::error::Result;
use crate::{Actor, Services};

/// The demo's planner, as the seeds act.
pub(super) fn planner() -> Actor {
    Actor {
        role: Some(Role::Planner),
        name: "demo".into(),
        ..Actor::system()
    }
}

impl Services {
    /// The meter-exchange crews: two of our own (one certified for CT meters) and one from a
    /// local electrical subcontractor, depots in Karlskoga; the demo technician is in the first.
    /// The campaign itself is started by the planner.
    pub(super) async fn seed_demo_crews(&self) -> Result<()> {
        let planner = planner();
        let (_, lat, lon, _) = TOWNS[0];
        let sub =
            store::campaign::local_suppliers(self.store(), crate::campaign::SUBCONTRACT_TRADE)
                .await?
                .into_iter()
                .next();
        let mut crews = vec![
            ("Mätarlag 1", None, vec!["ct".to_owned()]),
            ("Mätarlag 2", None, vec![]),
        ];
        if let Some(s) = &sub {
            crews.push((s.name.as_str(), Some(s.id), vec![]));
        }
        let campaign = self.campaign();
        let mut first = None;
        for (name, supplier_id, skills) in crews {
            let id = campaign
                .add_crew(
                    &planner,
                    &crate::campaign::CrewForm {
                        name: name.to_owned(),
                        supplier_id,
                        skills,
                        depot: Some(((lat * 1e6) as i64, (lon * 1e6) as i64)),
                        shift_start_min: 7 * 60,
                        shift_end_min: 16 * 60,
                    },
                )
                .await?;
            first.get_or_insert(id);
        }
        if let Some(user) =
            store::users::by_username(self.store(), Role::Technician.demo_username()).await?
        {
            campaign.assign_technician(&planner, user.id, first).await?;
        }
        Ok(())
    }
}
