//! The demo town's community support: every broadband connection at the network's base speed,
//! the stock of supplies with their reserves (the water works' chemicals and the sanitiser its
//! processes need), a donation of sanitiser to the region's health care already in the ledger,
//! and applications for event support (one approved, one waiting, one large event that a
//! gathering limit would put above it).

use domain::role::Role;
use jiff::ToSpan;

use crate::community::{DonationInput, EventInput, ItemInput};
use crate::error::Result;
use crate::{Actor, Services};

/// The speed every demo broadband connection was sold at.
const BASE_SPEED: u32 = 100;

impl Services {
    pub(super) async fn seed_demo_community(&self) -> Result<()> {
        let mut tx = self.store().begin().await?;
        store::community::upgrades::set_unrecorded_speeds(&mut tx, BASE_SPEED).await?;
        tx.commit().await?;
        // The continuity manager (who logs in as `beredskap`) keeps the stock and decides.
        let manager = Actor {
            role: Some(Role::ContinuityManager),
            name: Role::ContinuityManager.demo_username().into(),
            ..Actor::system()
        };
        let c = self.community();
        let functions = store::continuity::functions(self.store()).await?;
        let function = |code: &str| functions.iter().find(|f| f.code == code).map(|f| f.id);
        let items = [
            (
                "Handsprit",
                "litre",
                "1200",
                "300",
                "60",
                "45",
                "Centrallagret, Bofors",
                "water_works",
            ),
            (
                "Nitrilhandskar",
                "box",
                "400",
                "120",
                "25",
                "89",
                "Centrallagret, Bofors",
                "water_works",
            ),
            (
                "Munskydd FFP2",
                "piece",
                "2000",
                "800",
                "150",
                "12",
                "Driftcentralen",
                "grid_control",
            ),
            (
                "Natriumhypoklorit",
                "kilogram",
                "900",
                "600",
                "50",
                "9",
                "Vattenverket",
                "water_works",
            ),
        ];
        let mut ids = Vec::new();
        for (name, unit, qty, reserve, usage, value, place, func) in items {
            ids.push(
                c.add_item(
                    &manager,
                    &ItemInput {
                        name: name.into(),
                        unit: unit.into(),
                        quantity: qty.into(),
                        reserve: reserve.into(),
                        usage_per_week: usage.into(),
                        unit_value: value.into(),
                        location: place.into(),
                        function_id: function(func),
                    },
                )
                .await?,
            );
        }
        c.donate(
            &manager,
            &DonationInput {
                item_id: ids.first().copied(),
                quantity: "600".into(),
                recipient: "Region Örebro län, Karlskoga lasarett".into(),
                recipient_kind: "public_body".into(),
                org_number: "232100-0164".into(),
                reason: "Vården saknar handsprit; vi behåller reserven för vattenverket.".into(),
            },
        )
        .await?;
        self.seed_demo_events(&manager).await
    }

    /// Applications for event support: one approved with money, one large one approved with
    /// equipment (a gathering limit would put it above), one waiting.
    async fn seed_demo_events(&self, manager: &Actor) -> Result<()> {
        let c = self.community();
        let today = self.today();
        let event = |organiser: &str, org: &str, days: i64, place: &str, people: u32| EventInput {
            organiser: organiser.into(),
            org_number: org.into(),
            contact_name: "Kansliet".into(),
            contact_email: "kansli@example.se".into(),
            date: today.saturating_add(days.days()).to_string(),
            place: place.into(),
            expected_attendees: people.to_string(),
            needs: vec!["money".into(), "electricity".into()],
            amount: "5000".into(),
            description: String::new(),
        };
        let public = Actor::system();
        let approved = c
            .apply_for_event(
                &public,
                &event(
                    "Karlskoga Folkets Hus",
                    "802003-1236",
                    20,
                    "Folkets park",
                    45,
                ),
                true,
            )
            .await?;
        c.decide_event(manager, approved, true, "5000", "").await?;
        let large = c
            .apply_for_event(
                &public,
                &event("KIF Örebro Dam", "802455-3821", 35, "Nobelhallen", 300),
                true,
            )
            .await?;
        c.decide_event(manager, large, true, "0", "Utrustning och el från oss.")
            .await?;
        c.apply_for_event(
            &public,
            &event("Degerfors Scoutkår", "802011-7563", 28, "Möckelngården", 30),
            true,
        )
        .await?;
        Ok(())
    }
}
