//! A demo town with an open campaign, one crew with a technician in it, for the tests of the
//! campaign's day: declarations, live arrival times, the indoor-visit routine.

use std::sync::Arc;

use base64::Engine;
use domain::ids::{CampaignId, CrewId};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::role::Role;
use services::campaign::CrewForm;
use services::declarations::Keyring;
use services::{Actor, Services};
use store::campaign::JobRow;
use test_support::{Backend, TestDb, test_now, test_settings, test_store};

pub fn planner() -> Actor {
    Actor {
        role: Some(Role::Planner),
        name: "planerare".into(),
        ..Actor::system()
    }
}

/// The town, and the database it lives in (dropped with it).
pub struct Town {
    pub s: Services,
    pub campaign: CampaignId,
    pub crew: CrewId,
    /// The crew's technician.
    pub technician: Actor,
    _db: TestDb,
}

impl Town {
    /// The small demo town with the campaign open (under the normal policy) and "Lag 1" with
    /// a technician; `None` when the backend is not available here.
    pub async fn new(backend: Backend) -> Option<Town> {
        let (store, db) = test_store(backend).await?;
        let mut settings = test_settings(false);
        settings.declaration_keys = Keyring::parse(&format!(
            "k:{}",
            base64::engine::general_purpose::STANDARD.encode([7u8; 32])
        ))
        .unwrap();
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            settings,
        );
        s.generate_demo(services::demo::DemoSize::Small, 5, &services::demo::Quiet)
            .await
            .unwrap();
        let c = s.campaign();
        let (campaign, _) = c.open(&planner(), "Mätarbyte", s.today()).await.unwrap();
        let crew = c
            .add_crew(
                &planner(),
                &CrewForm {
                    name: "Lag 1".into(),
                    supplier_id: None,
                    skills: vec!["ct".into()],
                    depot: Some((59_326_000, 14_523_000)),
                    shift_start_min: 7 * 60,
                    shift_end_min: 16 * 60,
                },
            )
            .await
            .unwrap();
        let tek = s
            .accounts()
            .create_user(
                "tek",
                "Tekla",
                Role::Technician,
                None,
                "ett-långt-lösenord-1",
                false,
            )
            .await
            .unwrap();
        c.assign_technician(&planner(), tek, Some(crew))
            .await
            .unwrap();
        let technician = Actor {
            role: Some(Role::Technician),
            user_id: Some(tek),
            ..Actor::system()
        };
        Some(Town {
            s,
            campaign,
            crew,
            technician,
            _db: db,
        })
    }

    /// The continuity manager puts a campaign preset in force now.
    pub async fn campaign_policy(&self, preset: Preset) {
        let cm = Actor {
            role: Some(Role::ContinuityManager),
            ..Actor::system()
        };
        self.s
            .policies()
            .change(
                &cm,
                &PolicyBody::preset(Capability::Campaign, preset),
                self.s.now(),
                None,
                "Policy",
            )
            .await
            .unwrap();
    }

    /// The campaign's jobs as stored.
    pub async fn jobs(&self) -> Vec<JobRow> {
        store::campaign::jobs(self.s.store(), self.campaign)
            .await
            .unwrap()
    }

    /// Up to `n` jobs that pass `keep` of households with one job in the campaign.
    pub async fn single_jobs(&self, n: usize, keep: impl Fn(&JobRow) -> bool) -> Vec<JobRow> {
        let jobs = self.jobs().await;
        jobs.iter()
            .filter(|j| {
                keep(j)
                    && jobs
                        .iter()
                        .filter(|k| k.customer_id == j.customer_id)
                        .count()
                        == 1
            })
            .take(n)
            .cloned()
            .collect()
    }
}
