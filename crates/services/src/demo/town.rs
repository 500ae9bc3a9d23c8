//! The demo town's geography: where properties are, what they are, and who owns them. Every
//! draw comes from the one seeded generator, in a fixed order, so a seed is always the same town.

use domain::meter::{Placement, PropertyKind};
use domain::ocr::luhn_check_digit;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::DemoSize;
use super::names::{STREETS, TOWNS};

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A normal deviate (Box–Muller), for clustering addresses around town centres.
pub(super) fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

pub(super) fn with_luhn(body: &str) -> String {
    format!("{body}{}", luhn_check_digit(body))
}

pub(super) fn personnummer(rng: &mut ChaCha8Rng) -> String {
    let year = rng.random_range(1932..=2004);
    let month = rng.random_range(1..=12);
    let day = rng.random_range(1..=28);
    let serial = rng.random_range(0..1000);
    let body = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    format!("{}{}", year / 100, with_luhn(&body))
}

pub(super) fn org_number(rng: &mut ChaCha8Rng) -> String {
    with_luhn(&format!("556{:06}", rng.random_range(0..1_000_000)))
}

/// A property of the town, before anyone owns it.
pub(super) struct Point {
    pub(super) kind: PropertyKind,
    pub(super) town: usize,
    pub(super) lat: f64,
    pub(super) lon: f64,
    pub(super) street: String,
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

pub(super) fn placement_for(rng: &mut ChaCha8Rng, kind: PropertyKind) -> Placement {
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

/// The properties of the town: kinds in the design's shares (≈ 55 % houses, 40 % apartments,
/// 5 % businesses), clustered around the town centres.
pub(super) fn properties(rng: &mut ChaCha8Rng, size: DemoSize) -> Vec<Point> {
    let n_points = size.meter_points();
    let towns = if size == DemoSize::Region {
        TOWNS.len()
    } else {
        1
    };
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
            (gauss(rng).abs() * 3.0) as usize % towns
        };
        let (lat, lon) = place(rng, kind, town);
        let street = format!(
            "{} {}",
            pick(rng, STREETS),
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
    points
}

/// Who owns each property (an index into the first `n_customers` properties): the first
/// `n_customers` each get their own customer; the rest belong to earlier customers of the same
/// sort (businesses with several sites, owners of a second home).
pub(super) fn owners(rng: &mut ChaCha8Rng, points: &[Point], n_customers: usize) -> Vec<usize> {
    let mut owner = Vec::with_capacity(points.len());
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
            owner.push(*pick(rng, pool));
        }
    }
    owner
}
