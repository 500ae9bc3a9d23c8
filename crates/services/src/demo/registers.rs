//! The demo town's other registers: suppliers in the seven trades, staff by function, the
//! customer centre with everyday policies, the modes, and one demo account per role.

use domain::ids::{CustomerId, SiteId};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::role::Role;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names::{FIRST_NAMES, LAST_NAMES, TRADES};
use super::town::{org_number, pick, with_luhn};
use super::{DEMO_PASSWORD, DemoSize, DemoSummary};
use crate::error::Result;
use crate::{Actor, Services};

/// Staff functions: function, title, skills, head count.
const FUNCTIONS: &[(&str, &str, &str, usize)] = &[
    (
        "control_room",
        "Driftingenjör",
        "driftcentral;el;fjärrvärme",
        10,
    ),
    (
        "on_call_electricity",
        "Elmontör beredskap",
        "el;högspänning",
        12,
    ),
    (
        "on_call_district_heating",
        "Fjärrvärmetekniker",
        "fjärrvärme",
        8,
    ),
    ("on_call_water", "VA-tekniker", "vatten;avlopp", 8),
    ("on_call_broadband", "Nätverkstekniker", "bredband;fiber", 6),
    (
        "field_crews",
        "Mätartekniker",
        "mätarbyte;ct-behörighet",
        14,
    ),
    (
        "customer_service",
        "Kundtjänstmedarbetare",
        "kundtjänst;fakturafrågor",
        16,
    ),
    (
        "billing",
        "Faktureringsadministratör",
        "fakturering;kredit",
        6,
    ),
];

/// Four suppliers per trade, three of them local.
pub(super) async fn suppliers(
    tx: &mut store::Tx,
    rng: &mut ChaCha8Rng,
    now: i64,
    summary: &mut DemoSummary,
) -> Result<()> {
    let locals = [
        "Karlskoga",
        "Degerfors",
        "Karlskoga",
        "Kristinehamn",
        "Karlskoga",
    ];
    for (t, (trade, word)) in TRADES.iter().enumerate() {
        for k in 0..4 {
            let local = k < 3;
            let place = if local {
                locals[(t + k) % locals.len()]
            } else {
                *pick(rng, &["Örebro", "Stockholm", "Göteborg", "Karlstad"])
            };
            let org = domain::identity::OrgNumber::parse(&org_number(rng))
                .map_err(|e| crate::error::ServiceError::Internal(e.to_string()))?;
            let giro = with_luhn(&format!("{}", rng.random_range(100_000..9_999_999)));
            let pay_to = domain::suppliers::PayTo::Bankgiro(
                domain::suppliers::Bankgiro::parse(&giro)
                    .map_err(|e| crate::error::ServiceError::Internal(e.to_string()))?,
            );
            let trade = domain::suppliers::Trade::parse(trade).ok_or_else(|| {
                crate::error::ServiceError::Internal(format!("demo trade {trade}"))
            })?;
            let name = format!(
                "{place} {word} {}",
                ["AB", "& Söner AB", "Service AB", "Norden AB"][k]
            );
            let vat = domain::suppliers::VatNumber::swedish(&org);
            let id = store::suppliers::insert_supplier(
                tx,
                &store::suppliers::NewSupplier {
                    org_number: &org,
                    name: &name,
                    vat_number: Some(&vat),
                    f_skatt: true,
                    pay_to: &pay_to,
                    municipality: place,
                    is_local: local,
                    size: if k < 2 {
                        domain::suppliers::SizeClass::Small
                    } else {
                        domain::suppliers::SizeClass::Other
                    },
                    terms_days: *pick(rng, &[30, 30, 30, 20]),
                    active: true,
                    trades: &[trade],
                },
                now,
            )
            .await?;
            let email = format!("faktura{}@leverantor{}.example", id.get(), t);
            store::suppliers::set_contacts(
                tx,
                id,
                &[store::suppliers::NewContact {
                    // Named without drawing from the town's generator, so the registers
                    // after this one stay as they were.
                    name: &format!(
                        "{} {}",
                        FIRST_NAMES[(7 * t + k) % FIRST_NAMES.len()],
                        LAST_NAMES[(5 * t + 3 * k) % LAST_NAMES.len()]
                    ),
                    email: Some(&email),
                    phone: None,
                }],
            )
            .await?;
            summary.suppliers += 1;
        }
    }
    Ok(())
}

/// The staff register by function.
pub(super) async fn staff(
    tx: &mut store::Tx,
    rng: &mut ChaCha8Rng,
    now: i64,
    summary: &mut DemoSummary,
) -> Result<()> {
    for (function, title, skills, count) in FUNCTIONS {
        for _ in 0..*count {
            let name = format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
            store::customers::insert_staff(
                tx,
                &name,
                title,
                function,
                skills,
                *function != "field_crews" && rng.random_bool(0.4),
                now,
            )
            .await?;
            summary.staff += 1;
        }
    }
    Ok(())
}

impl Services {
    /// The customer centre, every capability's everyday policy from a year back, and the mark
    /// that says which town this database holds.
    pub(super) async fn demo_site_and_policies(
        &self,
        tx: &mut store::Tx,
        size: DemoSize,
        seed: u64,
    ) -> Result<SiteId> {
        let now = self.now_micros();
        let site_id = store::visits::insert_site(
            tx,
            &store::visits::NewSite {
                name: "Kundcenter Karlskoga",
                street: "Bergsgatan 2",
                postal_code: "691 31",
                city: "Karlskoga",
                desks: 4,
                now,
            },
        )
        .await?;
        let year_ago = domain::time::to_micros(
            self.now()
                .saturating_sub(jiff::SignedDuration::from_hours(24 * 365))
                .unwrap_or(self.now()),
        );
        for &c in Capability::ALL {
            store::policies::insert(
                tx,
                &store::policies::NewPolicy {
                    capability: c,
                    mode_id: None,
                    effective_from: year_ago,
                    effective_to: None,
                    body: &PolicyBody::preset(c, Preset::Normal).to_json(),
                    set_by: "system",
                    reason: "Grundinställning för normal drift",
                    now,
                },
            )
            .await?;
        }
        store::settings::set(tx, "demo", &super::marker(size, seed, false)).await?;
        Ok(site_id)
    }

    /// The two modes: everyday operation and the pandemic measures of 2020.
    pub(super) async fn demo_modes(&self) -> Result<()> {
        let system = Actor::system();
        for preset in [Preset::Normal, Preset::Pandemic] {
            let data = domain::modes::PresetData::of(preset);
            self.crisis()
                .create(
                    &system,
                    &data.name_sv,
                    &data.description_sv,
                    crate::modes::NewMode::Preset(preset),
                )
                .await?;
        }
        Ok(())
    }

    /// One demo account per role (the customer's is the first customer's), and a second agent so
    /// chats can be transferred and queues compared.
    pub(super) async fn demo_accounts(
        &self,
        first_customer: CustomerId,
        summary: &mut DemoSummary,
    ) -> Result<()> {
        let accounts = self.accounts();
        for &role in Role::ALL {
            let display = match role {
                Role::Customer => "Karin Lindqvist",
                Role::Agent => "Kim Kundtjänst",
                Role::CreditOfficer => "Kristina Kredit",
                Role::Planner => "Pelle Planerare",
                Role::Technician => "Tove Tekniker",
                Role::Finance => "Eva Ekonomi",
                Role::ContinuityManager => "Bengt Beredskap",
                Role::Admin => "Ada Admin",
            };
            let customer = (role == Role::Customer).then_some(first_customer);
            accounts
                .create_user(
                    role.demo_username(),
                    display,
                    role,
                    customer,
                    DEMO_PASSWORD,
                    true,
                )
                .await?;
            summary
                .accounts
                .push((role.demo_username().to_owned(), role));
        }
        accounts
            .create_user(
                "agent2",
                "Alva Agent",
                Role::Agent,
                None,
                DEMO_PASSWORD,
                true,
            )
            .await?;
        summary.accounts.push(("agent2".to_owned(), Role::Agent));
        // A second continuity manager: a crisis mode is proposed by one and approved by another.
        let second = accounts
            .create_user(
                "beredskap2",
                "Birgitta Beredskap",
                Role::ContinuityManager,
                None,
                DEMO_PASSWORD,
                true,
            )
            .await?;
        summary
            .accounts
            .push(("beredskap2".to_owned(), Role::ContinuityManager));
        let first =
            store::users::by_username(self.store(), Role::ContinuityManager.demo_username())
                .await?
                .map(|u| u.id);
        let mut tx = self.store().begin().await?;
        for (user, email) in [
            (first, "bengt.beredskap@example.se"),
            (Some(second), "birgitta.beredskap@example.se"),
        ] {
            if let Some(user) = user {
                store::users::set_email(&mut tx, user, Some(email)).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
