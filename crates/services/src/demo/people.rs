//! The demo town's customers, their meter points and their subscriptions.

use domain::customer::{Channel, CustomerKind, Language};
use domain::ids::CustomerId;
use domain::meter::{AnlaggningsId, MeterKind, PropertyKind, UtilityService};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use store::customers::{NewCustomer, NewMeterPoint, NewSubscription};

use super::names::{FIRST_NAMES, LAST_NAMES, TOWNS};
use super::town::{Point, org_number, personnummer, pick, placement_for};
use super::{BATCH, DemoStage, DemoSummary, Payer, Progress};
use crate::Services;
use crate::error::{Result, ServiceError};

/// The customers as inserted: their ids in customer-number order and how each pays.
pub(super) struct Customers {
    pub(super) ids: Vec<CustomerId>,
    pub(super) payer: Vec<Payer>,
}

/// One customer (the owner of property `i`) and the way they pay.
fn customer_row(rng: &mut ChaCha8Rng, i: usize, p: &Point, now: i64) -> (NewCustomer, Payer) {
    let business = p.kind == PropertyKind::Business;
    let (name, identity) = if business {
        (
            format!(
                "{} {} AB",
                pick(rng, LAST_NAMES),
                pick(
                    rng,
                    &[
                        "Bygg",
                        "Konsult",
                        "Handel",
                        "Fastigheter",
                        "Verkstad",
                        "Livs",
                        "Service"
                    ]
                )
            ),
            org_number(rng),
        )
    } else if i == 0 {
        // Drawn all the same, so every other customer stays as it was.
        let _ = personnummer(rng);
        (
            "Karin Lindqvist".to_owned(),
            super::DEMO_CUSTOMER_PERSONNUMMER.to_owned(),
        )
    } else {
        (
            format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)),
            personnummer(rng),
        )
    };
    let number = format!("{}", 1_000_001 + i);
    let born_early = !business && identity.starts_with("193");
    let email = (rng.random_bool(if born_early { 0.35 } else { 0.8 }) || i == 0).then(|| {
        format!(
            "{}.{number}@example.com",
            name.split(' ').next().unwrap_or("kund").to_lowercase()
        )
    });
    let phone = rng.random_bool(0.9).then(|| {
        format!(
            "07{}-{:03} {:02} {:02}",
            rng.random_range(0..10),
            rng.random_range(0..1000),
            rng.random_range(0..100),
            rng.random_range(0..100)
        )
    });
    let channel = match (&email, &phone) {
        (Some(_), _) if i == 0 || rng.random_bool(0.75) => Channel::Email,
        (_, Some(_)) if !born_early || rng.random_bool(0.5) => Channel::Sms,
        (Some(_), _) => Channel::Email,
        _ => Channel::Letter,
    };
    let (town, _, _, postal) = TOWNS[p.town];
    let postal_code = format!("{postal} {:02}", rng.random_range(30..60));
    let payer = if i == 0 {
        Payer::SometimesLate
    } else {
        let x: f64 = rng.random();
        if x < 0.84 {
            Payer::Punctual
        } else if x < 0.95 {
            Payer::SometimesLate
        } else if x < 0.99 {
            Payer::OftenLate
        } else {
            Payer::Chronic
        }
    };
    let row = NewCustomer {
        search_text: format!("{name} {number} {} {postal_code} {town}", p.street).to_lowercase(),
        customer_number: number,
        kind: if business {
            CustomerKind::Business
        } else {
            CustomerKind::Private
        },
        name,
        identity_number: identity,
        email,
        phone,
        language: if rng.random_bool(0.04) {
            Language::En
        } else {
            Language::Sv
        },
        preferred_channel: channel,
        street: p.street.clone(),
        postal_code,
        city: town.into(),
        created_at: now,
    };
    (row, payer)
}

/// One meter point (property `i`, owned by customer `owner`) and its subscriptions.
fn meter_point_rows(
    rng: &mut ChaCha8Rng,
    i: usize,
    p: &Point,
    owner: usize,
    customer_id: CustomerId,
    now: i64,
) -> Result<(NewMeterPoint, Vec<NewSubscription>)> {
    let placement = placement_for(rng, p.kind);
    let ct = p.kind == PropertyKind::Business && rng.random_bool(0.6);
    let fuse = match p.kind {
        PropertyKind::Apartment => 16,
        PropertyKind::House => *pick(rng, &[16, 16, 20, 20, 25]),
        _ if ct => *pick(rng, &[80, 100, 160, 250]),
        _ => *pick(rng, &[35, 50, 63]),
    };
    let id = AnlaggningsId::from_body(&format!("735999{:011}", 10_000_000_000u64 + i as u64))
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let (town, _, _, postal) = TOWNS[p.town];
    let customer_number = format!("{}", 1_000_001 + owner);
    let point = NewMeterPoint {
        anlaggnings_id: id.as_str().to_owned(),
        customer_id,
        street: p.street.clone(),
        postal_code: format!("{postal} {:02}", 30 + i % 30),
        city: town.into(),
        lat_e6: (p.lat * 1e6).round() as i64,
        lon_e6: (p.lon * 1e6).round() as i64,
        property_kind: p.kind,
        placement,
        fuse_amps: fuse,
        meter_kind: if ct { MeterKind::Ct } else { MeterKind::Direct },
        meter_number: format!("KEM{:08}", 20_000_000 + i),
        created_at: now,
    };
    // Drawn in this order (year, then month) so a seed keeps its town.
    let year: i32 = rng.random_range(1995..=2024);
    let month: i32 = rng.random_range(1..=12);
    let started = jiff::civil::Date::new(year as i16, month as i8, 1)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let sub = |service: UtilityService, linked: bool| NewSubscription {
        customer_number: customer_number.clone(),
        anlaggnings_id: linked.then(|| id.as_str().to_owned()),
        service,
        started_on: started,
    };
    let mut subs = vec![sub(UtilityService::Electricity, true)];
    let (heating, broadband) = match p.kind {
        PropertyKind::House => {
            subs.push(sub(UtilityService::Water, false));
            subs.push(sub(UtilityService::Waste, false));
            (0.4, 0.3)
        }
        PropertyKind::Apartment => (0.0, 0.5),
        _ => (0.5, 0.6),
    };
    // Apartments have no district heating of their own, and no draw is made for it.
    if heating > 0.0 && rng.random_bool(heating) {
        subs.push(sub(UtilityService::DistrictHeating, false));
    }
    if rng.random_bool(broadband) {
        subs.push(sub(UtilityService::Broadband, false));
    }
    Ok((point, subs))
}

impl Services {
    /// Inserts one customer per property among the first `size.customers()`.
    pub(super) async fn demo_customers(
        &self,
        rng: &mut ChaCha8Rng,
        points: &[Point],
        n_customers: usize,
        progress: &dyn Progress,
    ) -> Result<Customers> {
        progress.stage(DemoStage::Customers, n_customers as u64);
        let now = self.now_micros();
        let mut payer = Vec::with_capacity(n_customers);
        let mut batch = Vec::with_capacity(BATCH);
        let mut tx = self.store().begin().await?;
        for (i, p) in points.iter().take(n_customers).enumerate() {
            let (row, pays) = customer_row(rng, i, p, now);
            payer.push(pays);
            batch.push(row);
            if batch.len() == BATCH {
                store::customers::insert_customers(&mut tx, &batch).await?;
                progress.inc(batch.len() as u64);
                batch.clear();
            }
        }
        store::customers::insert_customers(&mut tx, &batch).await?;
        progress.inc(batch.len() as u64);
        let mut ids = store::customers::ids_by_number(&mut tx).await?;
        ids.sort_by_key(|(n, _)| n.parse::<u64>().unwrap_or(0));
        tx.commit().await?;
        Ok(Customers {
            ids: ids.into_iter().map(|(_, id)| id).collect(),
            payer,
        })
    }

    /// Inserts every property's meter point and the owner's subscriptions.
    pub(super) async fn demo_meter_points(
        &self,
        rng: &mut ChaCha8Rng,
        points: &[Point],
        owner: &[usize],
        customer_ids: &[CustomerId],
        progress: &dyn Progress,
        summary: &mut DemoSummary,
    ) -> Result<()> {
        progress.stage(DemoStage::MeterPoints, points.len() as u64);
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        let mut mps = Vec::with_capacity(BATCH);
        let mut subs = Vec::with_capacity(BATCH * 3);
        for (i, p) in points.iter().enumerate() {
            let (point, s) = meter_point_rows(rng, i, p, owner[i], customer_ids[owner[i]], now)?;
            mps.push(point);
            subs.extend(s);
            if mps.len() == BATCH {
                store::customers::insert_meter_points(&mut tx, &mps).await?;
                progress.inc(mps.len() as u64);
                mps.clear();
                for chunk in subs.chunks(BATCH) {
                    store::customers::insert_subscriptions(&mut tx, chunk).await?;
                }
                summary.subscriptions += subs.len();
                subs.clear();
            }
        }
        store::customers::insert_meter_points(&mut tx, &mps).await?;
        progress.inc(mps.len() as u64);
        for chunk in subs.chunks(BATCH) {
            store::customers::insert_subscriptions(&mut tx, chunk).await?;
        }
        summary.subscriptions += subs.len();
        tx.commit().await?;
        summary.meter_points = points.len();
        Ok(())
    }
}
