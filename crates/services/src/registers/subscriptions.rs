//! The subscription file: which customer has which service, on which meter point (none for a
//! service without one), from when and until when. A line is matched by customer number,
//! service, meter point and start day; failing that, by a running subscription of the same
//! customer, service and meter point (the one a meter-point import started on its day, whose
//! start the file corrects). An unknown one is added, a known one that differs is updated and
//! audited, the same file again changes nothing. No meter point may have one service twice at
//! the same time once the file is in.

use std::collections::{HashMap, HashSet};

use domain::ids::{CustomerId, MeterPointId, SubscriptionId};
use domain::meter::{AnlaggningsId, UtilityService};
use domain::registers::{self as rules, RegisterProblem};
use jiff::civil::Date;
use store::registers::{NewSubscription, SubscriptionRow};

use super::{Registers, bad, choice, no_duplicates, read, roles};
use crate::import::{ImportCounts, ImportResult, get};
use crate::{Actor, audit};

/// The columns of the subscription file, the first three required.
pub const SUBSCRIPTION_COLUMNS: [&str; 5] = [
    "customer_number",
    "service",
    "started_on",
    "meter_point_id",
    "ended_on",
];

/// What identifies a subscription across imports: customer, service, meter point, start.
type Key = (CustomerId, UtilityService, Option<MeterPointId>, Date);

fn key_of(s: &NewSubscription) -> Key {
    (s.customer_id, s.service, s.meter_point_id, s.started_on)
}

fn stored_key(s: &SubscriptionRow) -> Key {
    (s.customer_id, s.service, s.meter_point_id, s.started_on)
}

/// The registers' numbers a subscription line refers to.
struct Lookup {
    customers: HashMap<String, CustomerId>,
    numbers: HashMap<CustomerId, String>,
    meter_points: HashMap<String, MeterPointId>,
}

/// A date column; empty is `None` where allowed.
fn date(line: u64, field: &'static str, value: &str) -> ImportResult<Date> {
    domain::time::parse_date(value.trim()).map_err(|e| bad(line, field, e))
}

/// One subscription line, checked.
fn subscription_of(
    line: u64,
    row: &crate::import::Row,
    l: &Lookup,
) -> ImportResult<NewSubscription> {
    let number = rules::customer_number(get(row, "customer_number"))
        .map_err(|p| bad(line, "customer_number", p))?;
    let customer_id = *l.customers.get(&number).ok_or_else(|| {
        bad(
            line,
            "customer_number",
            RegisterProblem::UnknownCustomer { number },
        )
    })?;
    let service = choice::<UtilityService>(line, "service", get(row, "service"))?;
    let started_on = date(line, "started_on", get(row, "started_on"))?;
    let meter_point_id = match get(row, "meter_point_id").trim() {
        "" => None,
        raw => {
            let id = AnlaggningsId::parse(raw).map_err(|e| bad(line, "meter_point_id", e))?;
            let found = l.meter_points.get(id.as_str()).ok_or_else(|| {
                bad(
                    line,
                    "meter_point_id",
                    RegisterProblem::UnknownMeterPoint {
                        id: id.as_str().to_owned(),
                    },
                )
            })?;
            Some(*found)
        }
    };
    let ended_on = match get(row, "ended_on").trim() {
        "" => None,
        raw => Some(date(line, "ended_on", raw)?),
    };
    if ended_on.is_some_and(|e| e < started_on) {
        return Err(bad(line, "ended_on", RegisterProblem::EndsBeforeStart));
    }
    Ok(NewSubscription {
        customer_id,
        meter_point_id,
        service,
        started_on,
        ended_on,
    })
}

/// One subscription as it will stand after the import, with the file line that sets it.
struct Standing {
    customer_id: CustomerId,
    started_on: Date,
    ended_on: Option<Date>,
    line: Option<u64>,
}

/// What a line does to the register.
enum Change {
    Insert(NewSubscription),
    /// The stored subscription, its new start and end, and the columns that change.
    Update(SubscriptionId, Date, Option<Date>, Vec<&'static str>),
    Unchanged,
}

/// Matches each line to a stored subscription: the same customer, service, meter point and
/// start day; else a running one of the same customer, service and meter point not matched
/// by another line.
fn matched<'a>(
    stored: &'a [SubscriptionRow],
    file: &[(u64, NewSubscription)],
) -> Vec<Option<&'a SubscriptionRow>> {
    let exact: HashMap<Key, &SubscriptionRow> = stored.iter().map(|s| (stored_key(s), s)).collect();
    let mut claimed: HashSet<SubscriptionId> = file
        .iter()
        .filter_map(|(_, s)| exact.get(&key_of(s)).map(|r| r.id))
        .collect();
    let mut running: HashMap<
        (CustomerId, UtilityService, Option<MeterPointId>),
        Vec<&SubscriptionRow>,
    > = HashMap::new();
    for s in stored.iter().filter(|s| s.ended_on.is_none()) {
        running
            .entry((s.customer_id, s.service, s.meter_point_id))
            .or_default()
            .push(s);
    }
    file.iter()
        .map(|(_, s)| {
            if let Some(r) = exact.get(&key_of(s)) {
                return Some(*r);
            }
            let candidates = running.get(&(s.customer_id, s.service, s.meter_point_id))?;
            let r = candidates.iter().find(|r| !claimed.contains(&r.id))?;
            claimed.insert(r.id);
            Some(*r)
        })
        .collect()
}

/// Refuses a file that would leave a meter point with one service twice at once: per meter
/// point and service, each subscription must end on or before the day the next one starts. The
/// line named is the file's (the later one when both are in it).
fn no_overlap(
    stored: &[SubscriptionRow],
    file: &[(u64, NewSubscription)],
    matches: &[Option<&SubscriptionRow>],
    numbers: &HashMap<CustomerId, String>,
) -> ImportResult<()> {
    let by_row: HashMap<SubscriptionId, (u64, &NewSubscription)> = file
        .iter()
        .zip(matches)
        .filter_map(|((line, s), m)| m.map(|r| (r.id, (*line, s))))
        .collect();
    let mut by_place: HashMap<(MeterPointId, UtilityService), Vec<Standing>> = HashMap::new();
    for s in stored {
        let Some(mp) = s.meter_point_id else { continue };
        let standing = match by_row.get(&s.id) {
            Some((line, new)) => Standing {
                customer_id: s.customer_id,
                started_on: new.started_on,
                ended_on: new.ended_on,
                line: Some(*line),
            },
            None => Standing {
                customer_id: s.customer_id,
                started_on: s.started_on,
                ended_on: s.ended_on,
                line: None,
            },
        };
        by_place.entry((mp, s.service)).or_default().push(standing);
    }
    for ((line, s), m) in file.iter().zip(matches) {
        if let (Some(mp), None) = (s.meter_point_id, m) {
            by_place.entry((mp, s.service)).or_default().push(Standing {
                customer_id: s.customer_id,
                started_on: s.started_on,
                ended_on: s.ended_on,
                line: Some(*line),
            });
        }
    }
    for list in by_place.values_mut() {
        list.sort_by_key(|s| (s.started_on, s.line));
        for pair in list.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            if before.ended_on.is_some_and(|e| e <= after.started_on) {
                continue;
            }
            let (line, other) = match (after.line, before.line) {
                (Some(l), _) => (l, before),
                (None, Some(l)) => (l, after),
                (None, None) => continue,
            };
            let problem = RegisterProblem::Overlap {
                started_on: other.started_on.to_string(),
                number: numbers.get(&other.customer_id).cloned().unwrap_or_default(),
            };
            return Err(bad(line, "started_on", problem));
        }
    }
    Ok(())
}

/// What a line changes, against the subscription it matched.
fn change_of(s: NewSubscription, m: Option<&SubscriptionRow>) -> Change {
    let Some(row) = m else {
        return Change::Insert(s);
    };
    let mut changed = Vec::new();
    if row.started_on != s.started_on {
        changed.push("started_on");
    }
    if row.ended_on != s.ended_on {
        changed.push("ended_on");
    }
    if changed.is_empty() {
        Change::Unchanged
    } else {
        Change::Update(row.id, s.started_on, s.ended_on, changed)
    }
}

impl Registers {
    /// Imports the subscription file (columns [`SUBSCRIPTION_COLUMNS`]); with `dry_run`
    /// nothing is written and the counts say what would happen. Customers and meter points must
    /// be in the register.
    pub async fn import_subscriptions(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
    ) -> ImportResult<ImportCounts> {
        actor.require(roles::IMPORT)?;
        let rows = read(bytes, &SUBSCRIPTION_COLUMNS, 3)?;
        let lookup = self.lookup().await?;
        let mut checked = Vec::with_capacity(rows.len());
        for (line, row) in &rows {
            checked.push((*line, subscription_of(*line, row, &lookup)?));
        }
        let keys: Vec<(u64, String)> = checked
            .iter()
            .map(|(line, s)| (*line, format!("{:?}", key_of(s))))
            .collect();
        no_duplicates(&keys, "started_on", |k| k.as_str())?;
        let stored = store::registers::all_subscriptions(self.s.store()).await?;
        let matches = matched(&stored, &checked);
        no_overlap(&stored, &checked, &matches, &lookup.numbers)?;
        let mut counts = ImportCounts::default();
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        for ((_, s), m) in checked.into_iter().zip(matches) {
            match change_of(s, m) {
                Change::Insert(s) => inserts.push(s),
                Change::Update(id, start, end, changed) => updates.push((id, start, end, changed)),
                Change::Unchanged => counts.unchanged += 1,
            }
        }
        counts.inserted = inserts.len() as u64;
        counts.updated = updates.len() as u64;
        if dry_run || (inserts.is_empty() && updates.is_empty()) {
            return Ok(counts);
        }
        let mut tx = self.s.store().begin().await?;
        store::registers::insert_subscriptions(&mut tx, &inserts).await?;
        for (id, started_on, ended_on, changed) in &updates {
            store::registers::update_subscription(&mut tx, *id, *started_on, *ended_on).await?;
            audit::success(
                &mut tx,
                &self.s,
                actor,
                ("subscription_updated", "subscription", id.get()),
                &format!("import: {}", changed.join(", ")),
            )
            .await?;
        }
        self.audit_counts(&mut tx, actor, "subscriptions_imported", counts)
            .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// The registers' customers and meter points by the utility's numbers.
    async fn lookup(&self) -> ImportResult<Lookup> {
        let store = self.s.store();
        let customers = store::registers::all_customers(store).await?;
        Ok(Lookup {
            numbers: customers
                .iter()
                .map(|c| (c.id, c.customer_number.clone()))
                .collect(),
            customers: customers
                .into_iter()
                .map(|c| (c.customer_number, c.id))
                .collect(),
            meter_points: store::registers::all_meter_points(store)
                .await?
                .into_iter()
                .map(|m| (m.anlaggnings_id, m.id))
                .collect(),
        })
    }
}
