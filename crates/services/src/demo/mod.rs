//! The demo town: a deterministic synthetic Karlskoga (DESIGN §7).
//!
//! Given a size and a seed (and today's date from the clock) it fills an empty, migrated database
//! with customers, meter points with plausible placements, subscriptions, a year of invoices and
//! payments with on-time, late and chronic late payers, suppliers in the seven trades, staff, one
//! customer centre, policies and modes, and one demo account per role. Rows are inserted in
//! multi-row batches so the whole town takes seconds.

use domain::customer::{Channel, CustomerKind};
use domain::meter::{AnlaggningsId, MeterKind, Placement, PropertyKind};
use domain::ocr::{OcrReference, luhn_check_digit};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::role::Role;
use jiff::ToSpan;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::customers::{NewCustomer, NewInvoice, NewMeterPoint, NewPayment, NewSubscription};

mod campaign;
mod cases;
mod continuity;
mod visits;

use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSize {
    Small,
    Town,
    Region,
}

impl DemoSize {
    pub fn meter_points(self) -> usize {
        match self {
            DemoSize::Small => 700,
            DemoSize::Town => 20_000,
            DemoSize::Region => 500_000,
        }
    }

    pub fn customers(self) -> usize {
        match self {
            DemoSize::Small => 600,
            DemoSize::Town => 17_000,
            DemoSize::Region => 425_000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DemoSize::Small => "small",
            DemoSize::Town => "town",
            DemoSize::Region => "region",
        }
    }
}

/// Reports progress to whoever runs the generation (the CLI draws a bar).
pub trait Progress: Sync {
    fn stage(&self, _name: &str, _total: u64) {}
    fn inc(&self, _n: u64) {}
}

/// No progress output (tests).
pub struct Quiet;
impl Progress for Quiet {}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub customers: usize,
    pub meter_points: usize,
    pub subscriptions: usize,
    pub invoices: usize,
    pub payments: usize,
    pub suppliers: usize,
    pub staff: usize,
    pub accounts: Vec<(String, Role)>,
}

const BATCH: usize = 400;
/// Rows per transaction in the big stages.
const COMMIT_EVERY: usize = 40_000;
pub const DEMO_PASSWORD: &str = "demo";

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Kerstin",
    "Emma",
    "Ingrid",
    "Marie",
    "Malin",
    "Sofia",
    "Birgitta",
    "Elin",
    "Linnea",
    "Ida",
    "Johanna",
    "Elsa",
    "Astrid",
    "Maja",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Mikael",
    "Jan",
    "Hans",
    "Lennart",
    "Olof",
    "Gunnar",
    "Sven",
    "Fredrik",
    "Peter",
    "Oskar",
    "Hugo",
    "Liam",
    "Ali",
    "Ahmed",
    "Fatima",
    "Mohammed",
    "Noor",
    "Yusuf",
    "Leila",
    "Aleksander",
    "Milan",
    "Jelena",
];
const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Danielsson",
    "Håkansson",
    "Ali",
    "Hussein",
    "Mohammadi",
    "Nieminen",
    "Korhonen",
    "Petrović",
    "Bofors",
];
const STREETS: &[&str] = &[
    "Kungsvägen",
    "Bergsgatan",
    "Ekmansgatan",
    "Skolgatan",
    "Storgatan",
    "Nobelgatan",
    "Baggängsvägen",
    "Lundåsvägen",
    "Rävåsvägen",
    "Granbacken",
    "Tallvägen",
    "Björkvägen",
    "Aspvägen",
    "Lönnvägen",
    "Sjövägen",
    "Möckelnvägen",
    "Hagaborgsvägen",
    "Prästängsvägen",
    "Torsbergsvägen",
    "Bregårdsvägen",
    "Gälleråsvägen",
    "Karlbergsvägen",
    "Valåsvägen",
    "Stråkvägen",
    "Svartälvsvägen",
    "Ölmevägen",
    "Trädgårdsgatan",
    "Kyrkogatan",
    "Centralgatan",
    "Bruksgatan",
    "Smedjegatan",
    "Hammargatan",
    "Järnvägsgatan",
    "Villagatan",
    "Parkgatan",
    "Ängsvägen",
    "Solvägen",
    "Vintervägen",
    "Sommarvägen",
    "Norrängsvägen",
];
/// Towns with coordinates; the town size uses only Karlskoga, the region spreads over all.
const TOWNS: &[(&str, f64, f64, &str)] = &[
    ("Karlskoga", 59.3267, 14.5239, "691"),
    ("Degerfors", 59.2380, 14.4310, "693"),
    ("Kristinehamn", 59.3098, 14.1081, "681"),
    ("Storfors", 59.5329, 14.2717, "688"),
    ("Laxå", 58.9855, 14.6196, "695"),
    ("Örebro", 59.2741, 15.2066, "702"),
    ("Lindesberg", 59.5939, 15.2272, "711"),
    ("Hallsberg", 59.0667, 15.1095, "694"),
    ("Kumla", 59.1277, 15.1434, "692"),
    ("Filipstad", 59.7120, 14.1685, "682"),
];
const TRADES: &[(&str, &str)] = &[
    ("excavation", "Schakt"),
    ("haulage", "Åkeri"),
    ("electrical", "El"),
    ("plumbing_hvac", "VVS"),
    ("automation", "Automation"),
    ("environmental_measurement", "Miljömätning"),
    ("transport", "Transport"),
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A normal deviate (Box–Muller), for clustering addresses around town centres.
fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn with_luhn(body: &str) -> String {
    format!("{body}{}", luhn_check_digit(body))
}

fn personnummer(rng: &mut ChaCha8Rng) -> String {
    let year = rng.random_range(1932..=2004);
    let month = rng.random_range(1..=12);
    let day = rng.random_range(1..=28);
    let serial = rng.random_range(0..1000);
    let body = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    format!("{}{}", year / 100, with_luhn(&body))
}

fn org_number(rng: &mut ChaCha8Rng) -> String {
    with_luhn(&format!("556{:06}", rng.random_range(0..1_000_000)))
}

struct Point {
    kind: PropertyKind,
    town: usize,
    lat: f64,
    lon: f64,
    street: String,
}

fn place(rng: &mut ChaCha8Rng, kind: PropertyKind, town: usize) -> (f64, f64) {
    let (_, lat0, lon0, _) = TOWNS[town];
    let (dy, dx) = match kind {
        PropertyKind::Apartment => (gauss(rng) * 0.8, gauss(rng) * 0.8),
        PropertyKind::Business => {
            // Industrial areas: east (Bofors), north and south-west of the centre.
            let (cy, cx) = *pick(rng, &[(0.4, 2.6), (2.2, -0.5), (-1.8, -2.0)]);
            (cy + gauss(rng) * 0.5, cx + gauss(rng) * 0.5)
        }
        _ => {
            let r = 0.9 + rng.random::<f64>().powf(0.7) * 5.5;
            let a = rng.random::<f64>() * std::f64::consts::TAU;
            (r * a.sin(), r * a.cos())
        }
    };
    (
        lat0 + dy / 111.0,
        lon0 + dx / (111.0 * lat0.to_radians().cos()),
    )
}

fn placement_for(rng: &mut ChaCha8Rng, kind: PropertyKind) -> Placement {
    let x: f64 = rng.random();
    match kind {
        PropertyKind::House => {
            if x < 0.55 {
                Placement::Indoor
            } else if x < 0.95 {
                Placement::OutdoorCabinet
            } else {
                Placement::Unknown
            }
        }
        PropertyKind::Apartment => {
            if x < 0.90 {
                Placement::MeterRoom
            } else if x < 0.98 {
                Placement::Indoor
            } else {
                Placement::Unknown
            }
        }
        PropertyKind::Business | PropertyKind::Other => {
            if x < 0.5 {
                Placement::MeterRoom
            } else if x < 0.8 {
                Placement::OutdoorCabinet
            } else {
                Placement::Indoor
            }
        }
    }
}

/// Writes a batch of invoices, then their payments linked by the ids the insert returned.
async fn flush_invoices(
    tx: &mut store::Tx,
    invoices: &mut Vec<NewInvoice>,
    payments: &mut Vec<(String, NewPayment)>,
) -> Result<()> {
    let ids: std::collections::HashMap<String, i64> =
        store::customers::insert_invoices(tx, invoices)
            .await?
            .into_iter()
            .collect();
    let linked: Vec<NewPayment> = payments
        .drain(..)
        .map(|(number, p)| NewPayment {
            invoice_id: ids.get(&number).copied(),
            ..p
        })
        .collect();
    for chunk in linked.chunks(BATCH) {
        store::customers::insert_payments(tx, chunk).await?;
    }
    invoices.clear();
    Ok(())
}

/// How a customer pays, decided once per customer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Payer {
    Punctual,
    SometimesLate,
    OftenLate,
    Chronic,
}

impl Services {
    /// Fills an empty, migrated database with the demo town.
    pub async fn generate_demo(
        &self,
        size: DemoSize,
        seed: u64,
        progress: &dyn Progress,
    ) -> Result<DemoSummary> {
        if store::customers::count(self.store()).await? > 0 {
            return Err(ServiceError::conflict(
                "the database already holds customers; the demo town needs an empty database",
            ));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let now = self.now_micros();
        let today = self.today();
        let n_points = size.meter_points();
        let n_customers = size.customers();
        let towns = if size == DemoSize::Region {
            TOWNS.len()
        } else {
            1
        };
        let mut summary = DemoSummary::default();

        // Properties first: kinds in the design's shares (≈ 55 % houses, 40 % apartments, 5 % businesses).
        let mut points = Vec::with_capacity(n_points);
        for i in 0..n_points {
            let x: f64 = rng.random();
            let kind = if i == 0 || x < 0.55 {
                PropertyKind::House
            } else if x < 0.95 {
                PropertyKind::Apartment
            } else {
                PropertyKind::Business
            };
            let town = if towns == 1 {
                0
            } else {
                (gauss(&mut rng).abs() * 3.0) as usize % towns
            };
            let (lat, lon) = place(&mut rng, kind, town);
            let street = format!(
                "{} {}",
                pick(&mut rng, STREETS),
                if kind == PropertyKind::Apartment {
                    rng.random_range(1..40)
                } else {
                    rng.random_range(1..160)
                }
            );
            points.push(Point {
                kind,
                town,
                lat,
                lon,
                street,
            });
        }
        // The first n_customers points each get their own customer; the rest belong to earlier
        // customers of the same sort (businesses with several sites, owners of a second home).
        let mut owner = Vec::with_capacity(n_points);
        let mut business_customers = Vec::new();
        let mut private_customers = Vec::new();
        for (i, p) in points.iter().enumerate() {
            if i < n_customers {
                owner.push(i);
                if p.kind == PropertyKind::Business {
                    business_customers.push(i)
                } else {
                    private_customers.push(i)
                }
            } else {
                let pool = if p.kind == PropertyKind::Business && !business_customers.is_empty() {
                    &business_customers
                } else {
                    &private_customers
                };
                owner.push(*pick(&mut rng, pool));
            }
        }

        progress.stage("Kunder", n_customers as u64);
        let mut payer = Vec::with_capacity(n_customers);
        let mut batch = Vec::with_capacity(BATCH);
        let mut tx = self.store().begin().await?;
        for (i, p) in points.iter().take(n_customers).enumerate() {
            let business = p.kind == PropertyKind::Business;
            let (name, identity) = if business {
                (
                    format!(
                        "{} {} AB",
                        pick(&mut rng, LAST_NAMES),
                        pick(
                            &mut rng,
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
                    org_number(&mut rng),
                )
            } else if i == 0 {
                ("Karin Lindqvist".to_owned(), personnummer(&mut rng))
            } else {
                (
                    format!(
                        "{} {}",
                        pick(&mut rng, FIRST_NAMES),
                        pick(&mut rng, LAST_NAMES)
                    ),
                    personnummer(&mut rng),
                )
            };
            let number = format!("{}", 1_000_001 + i);
            let born_early = !business && identity.starts_with("193");
            let email =
                (rng.random_bool(if born_early { 0.35 } else { 0.8 }) || i == 0).then(|| {
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
            payer.push(if i == 0 {
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
            });
            batch.push(NewCustomer {
                search_text: format!("{name} {number} {} {postal_code} {town}", p.street)
                    .to_lowercase(),
                customer_number: number,
                kind: if business {
                    CustomerKind::Business
                } else {
                    CustomerKind::Private
                }
                .as_str()
                .into(),
                name,
                identity_number: identity,
                email,
                phone,
                language: if rng.random_bool(0.04) { "en" } else { "sv" }.into(),
                preferred_channel: channel.as_str().into(),
                street: p.street.clone(),
                postal_code,
                city: town.into(),
                created_at: now,
            });
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
        let customer_ids: Vec<i64> = ids.into_iter().map(|(_, id)| id).collect();
        tx.commit().await?;
        summary.customers = n_customers;

        progress.stage("Mätpunkter och abonnemang", n_points as u64);
        let mut tx = self.store().begin().await?;
        let mut mps = Vec::with_capacity(BATCH);
        let mut subs = Vec::with_capacity(BATCH * 3);
        for (i, p) in points.iter().enumerate() {
            let placement = placement_for(&mut rng, p.kind);
            let ct = p.kind == PropertyKind::Business && rng.random_bool(0.6);
            let fuse = match p.kind {
                PropertyKind::Apartment => 16,
                PropertyKind::House => *pick(&mut rng, &[16, 16, 20, 20, 25]),
                _ if ct => *pick(&mut rng, &[80, 100, 160, 250]),
                _ => *pick(&mut rng, &[35, 50, 63]),
            };
            let id =
                AnlaggningsId::from_body(&format!("735999{:011}", 10_000_000_000u64 + i as u64))
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
            let (town, _, _, postal) = TOWNS[p.town];
            let customer_number = format!("{}", 1_000_001 + owner[i]);
            mps.push(NewMeterPoint {
                anlaggnings_id: id.as_str().to_owned(),
                customer_id: customer_ids[owner[i]],
                street: p.street.clone(),
                postal_code: format!("{postal} {:02}", 30 + i % 30),
                city: town.into(),
                lat_e6: (p.lat * 1e6).round() as i64,
                lon_e6: (p.lon * 1e6).round() as i64,
                property_kind: p.kind.as_str().into(),
                placement: placement.as_str().into(),
                fuse_amps: fuse,
                meter_kind: if ct { MeterKind::Ct } else { MeterKind::Direct }
                    .as_str()
                    .into(),
                meter_number: format!("KEM{:08}", 20_000_000 + i),
                created_at: now,
            });
            let started = format!(
                "{}-{:02}-01",
                rng.random_range(1995..=2024),
                rng.random_range(1..=12)
            );
            let sub = |service: &str, linked: bool| NewSubscription {
                customer_number: customer_number.clone(),
                anlaggnings_id: linked.then(|| id.as_str().to_owned()),
                service: service.into(),
                started_on: started.clone(),
            };
            subs.push(sub("electricity", true));
            match p.kind {
                PropertyKind::House => {
                    subs.push(sub("water", false));
                    subs.push(sub("waste", false));
                    if rng.random_bool(0.4) {
                        subs.push(sub("district_heating", false));
                    }
                    if rng.random_bool(0.3) {
                        subs.push(sub("broadband", false));
                    }
                }
                PropertyKind::Apartment => {
                    if rng.random_bool(0.5) {
                        subs.push(sub("broadband", false));
                    }
                }
                _ => {
                    if rng.random_bool(0.5) {
                        subs.push(sub("district_heating", false));
                    }
                    if rng.random_bool(0.6) {
                        subs.push(sub("broadband", false));
                    }
                }
            }
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
        summary.meter_points = n_points;

        // A year of monthly invoices per customer and this month's bill, with payments as each
        // customer's habit has it (this month's is mostly not due yet).
        // Month by month, so invoice numbers and OCR references (month first) are inserted in key
        // order: index appends instead of random B-tree inserts. A commit every COMMIT_EVERY rows
        // lets SQLite checkpoint its WAL; the SQLite demo is built in a side file and renamed when
        // complete, so the town still appears all at once.
        progress.stage("Fakturor och betalningar", 13 * n_customers as u64);
        let first_month = today.first_of_month().saturating_sub(12.months());
        let mut tx = self.store().begin().await?;
        let mut invoices = Vec::with_capacity(BATCH);
        let mut payments = Vec::with_capacity(BATCH);
        let mut since_commit = 0usize;
        for m in 0..13i32 {
            for c in 0..n_customers {
                let kind = points[c].kind;
                let sites = 1 + usize::from(owner.len() > n_customers && c % 7 == 0);
                let issued = first_month.saturating_add(m.months());
                let due = issued.saturating_add(30.days());
                let winter = matches!(issued.month(), 1 | 2 | 3 | 11 | 12);
                // Amounts in öre: a kronor range times 100 plus random öre.
                let kronor: i64 = match kind {
                    PropertyKind::Apartment => rng.random_range(250..700),
                    PropertyKind::House => {
                        rng.random_range(900..2_400) + if winter { 1_200 } else { 0 }
                    }
                    _ => rng.random_range(3_000..40_000),
                };
                let base = (kronor * 100 + rng.random_range(0..100)) * sites as i64;
                let number = format!("{}{:02}{}", issued.year(), issued.month(), 1_000_001 + c);
                let ocr = OcrReference::generate(
                    &format!(
                        "{:02}{:02}{}",
                        issued.year() % 100,
                        issued.month(),
                        1_000_001 + c
                    ),
                    true,
                )
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let days_late: Option<i64> = match payer[c] {
                    Payer::Punctual => Some(-rng.random_range(0..10)),
                    Payer::SometimesLate => Some(if rng.random_bool(0.25) {
                        rng.random_range(3..30)
                    } else {
                        -rng.random_range(0..8)
                    }),
                    Payer::OftenLate => Some(if rng.random_bool(0.7) {
                        rng.random_range(5..45)
                    } else {
                        0
                    }),
                    Payer::Chronic => rng.random_bool(0.6).then(|| rng.random_range(20..90)),
                };
                let partial =
                    matches!(payer[c], Payer::OftenLate | Payer::Chronic) && rng.random_bool(0.15);
                // The demo's portal customer (the first) has this month's bill still to pay, so
                // Mina sidor and the extension request have something to show.
                let paid_on = days_late
                    .map(|d| due.saturating_add(d.days()))
                    .filter(|d| *d <= today)
                    .filter(|_| !(c == 0 && m == 12));
                let paid = match paid_on {
                    Some(_) if partial => base / 2,
                    Some(_) => base,
                    None => 0,
                };
                let status = if paid >= base {
                    "paid"
                } else if due >= today {
                    if paid > 0 { "partly_paid" } else { "open" }
                } else if today.since(due).map(|s| s.get_days()).unwrap_or(0) > 90
                    && payer[c] == Payer::Chronic
                {
                    "collection"
                } else if paid > 0 {
                    "partly_paid"
                } else {
                    "overdue"
                };
                if let Some(on) = paid_on {
                    payments.push((
                        number.clone(),
                        NewPayment {
                            invoice_id: None,
                            customer_id: customer_ids[c],
                            paid_on: on.to_string(),
                            amount_ore: paid,
                            source: "demo".into(),
                            reference: ocr.as_str().to_owned(),
                            created_at: now,
                        },
                    ));
                }
                invoices.push(NewInvoice {
                    customer_id: customer_ids[c],
                    invoice_number: number,
                    ocr: ocr.as_str().to_owned(),
                    issued_on: issued.to_string(),
                    due_on: due.to_string(),
                    amount_ore: base,
                    paid_ore: paid,
                    status: status.into(),
                    created_at: now,
                });
                if invoices.len() == BATCH {
                    summary.invoices += invoices.len();
                    summary.payments += payments.len();
                    progress.inc(invoices.len() as u64);
                    since_commit += invoices.len();
                    flush_invoices(&mut tx, &mut invoices, &mut payments).await?;
                    if since_commit >= COMMIT_EVERY {
                        tx.commit().await?;
                        tx = self.store().begin().await?;
                        since_commit = 0;
                    }
                }
            }
        }
        summary.invoices += invoices.len();
        summary.payments += payments.len();
        progress.inc(invoices.len() as u64);
        flush_invoices(&mut tx, &mut invoices, &mut payments).await?;
        tx.commit().await?;

        progress.stage("Leverantörer, personal, kundcenter, policyer, konton", 4);
        let mut tx = self.store().begin().await?;
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
                    *pick(&mut rng, &["Örebro", "Stockholm", "Göteborg", "Karlstad"])
                };
                store::customers::insert_supplier(
                    &mut tx,
                    &store::customers::NewSupplier {
                        org_number: org_number(&mut rng),
                        name: format!(
                            "{place} {word} {}",
                            ["AB", "& Söner AB", "Service AB", "Norden AB"][k]
                        ),
                        trades: (*trade).into(),
                        is_local: local,
                        bankgiro: Some(with_luhn(&format!(
                            "{}",
                            rng.random_range(100_000..9_999_999)
                        ))),
                        f_skatt: true,
                        terms_days: *pick(&mut rng, &[30, 30, 30, 20]),
                        created_at: now,
                    },
                )
                .await?;
                summary.suppliers += 1;
            }
        }
        progress.inc(1);
        let functions: &[(&str, &str, &str, usize)] = &[
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
        for (function, title, skills, count) in functions {
            for _ in 0..*count {
                let name = format!(
                    "{} {}",
                    pick(&mut rng, FIRST_NAMES),
                    pick(&mut rng, LAST_NAMES)
                );
                store::customers::insert_staff(
                    &mut tx,
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
        progress.inc(1);
        let site_id = store::customers::insert_site(
            &mut tx,
            "Kundcenter Karlskoga",
            "Bergsgatan 2",
            "691 31",
            "Karlskoga",
            4,
            now,
        )
        .await?;
        let year_ago = domain::time::to_micros(
            self.now()
                .saturating_sub(jiff::SignedDuration::from_hours(24 * 365))
                .unwrap_or(self.now()),
        );
        for &c in Capability::ALL {
            store::policies::insert(
                &mut tx,
                &store::policies::NewPolicy {
                    capability: c.as_str(),
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
        store::settings::set(&mut tx, "demo", &format!("{}:{seed}", size.as_str())).await?;
        tx.commit().await?;
        let system = Actor::system();
        self.create_mode(
            &system,
            "Normal drift",
            "Vardagens policyer för alla förmågor.",
            Preset::Normal,
        )
        .await?;
        self.create_mode(
            &system,
            "Pandemi 2020",
            "Som under covid-19: kundcenter endast efter bokning, riskgrupper besöks inte, anstånd utan ränta, kortare betaltider för lokala leverantörer.",
            Preset::Pandemic,
        )
        .await?;
        self.set_up_standard_site(&system, site_id).await?;
        // The reference rates of räntelagen, as finance would keep them, and customer terms that
        // (mostly) agree to a reminder fee.
        self.reference_rates().await?;
        let mut tx = self.store().begin().await?;
        store::credit::demo_fee_agreement(&mut tx).await?;
        tx.commit().await?;
        self.seed_demo_visits(site_id, &customer_ids, seed).await?;
        progress.inc(1);
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
            let customer = (role == Role::Customer).then_some(customer_ids[0]);
            self.create_user(
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
        // A second agent, so chats can be transferred and queues compared.
        self.create_user(
            "agent2",
            "Alva Agent",
            Role::Agent,
            None,
            DEMO_PASSWORD,
            true,
        )
        .await?;
        summary.accounts.push(("agent2".to_owned(), Role::Agent));
        self.seed_demo_cases(&customer_ids, seed).await?;
        self.seed_demo_crews().await?;
        self.seed_demo_continuity(seed).await?;
        progress.inc(1);
        Ok(summary)
    }
}
