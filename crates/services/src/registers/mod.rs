//! The utility's own registers (`services.registers()`): customers, meter points and
//! subscriptions as its billing system hands them over, imported from CSV (`beredskap import
//! customers|meter-points|subscriptions`; subscriptions in `subscriptions.rs`).
//!
//! Every line is checked before anything is written, and the file goes in whole, in one
//! transaction, or not at all. Rows are matched by the utility's own numbers (customer number,
//! meter-point id): an unknown one is added, a known one that differs is updated and audited
//! (which columns changed, never their values), the same file again changes nothing. A dry run
//! checks and counts without writing.

use std::collections::HashMap;

use domain::customer::{Channel, CustomerKind, Language};
use domain::identity::IdentityNumber;
use domain::ids::{CustomerId, MeterPointId};
use domain::meter::{AnlaggningsId, MeterKind, Placement, PropertyKind, UtilityService};
use domain::problem::Problem;
use domain::registers::{self as rules, RegisterProblem};
use store::customers::{CustomerRow, MeterPointRow, NewCustomer, NewMeterPoint};
use store::registers::ActiveSubscription;

use crate::import::{ImportCounts, ImportError, ImportResult, LineError, get, read_csv};
use crate::{Actor, Services, audit};

mod subscriptions;

pub use subscriptions::SUBSCRIPTION_COLUMNS;

/// Who may import the registers, declared once.
pub mod roles {
    use domain::role::Role;

    pub const IMPORT: &[Role] = &[Role::Admin];
}

/// The columns of the customer file, the first six required.
pub const CUSTOMER_COLUMNS: [&str; 9] = [
    "customer_number",
    "identity_number",
    "name",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "language",
];

/// The columns of the meter-point file, the first eleven required.
pub const METER_POINT_COLUMNS: [&str; 13] = [
    "meter_point_id",
    "customer_number",
    "street",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "property_kind",
    "placement",
    "meter_kind",
    "service",
    "fuse_amps",
    "meter_number",
];

/// The registers handle: `services.registers()`.
#[derive(Clone)]
pub struct Registers {
    s: Services,
}

impl Registers {
    pub(crate) fn new(s: Services) -> Registers {
        Registers { s }
    }
}

fn bad(line: u64, field: &'static str, problem: impl Into<Problem>) -> ImportError {
    LineError {
        line,
        field,
        problem: problem.into(),
    }
    .into()
}

/// A required text of at most `max` characters.
fn text(line: u64, field: &'static str, value: &str, max: usize) -> ImportResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(bad(line, field, Problem::Required));
    }
    if v.chars().count() > max {
        return Err(bad(line, field, Problem::TooLong { max }));
    }
    Ok(v.to_owned())
}

fn choice<T>(line: u64, field: &'static str, value: &str) -> ImportResult<T>
where
    T: std::str::FromStr<Err = domain::code::UnknownCode>,
{
    value
        .trim()
        .to_lowercase()
        .parse::<T>()
        .map_err(|e| bad(line, field, e))
}

/// The channel messages go by: the stored choice while its address is still there, else e-mail,
/// else a text message to a mobile, else a letter.
fn channel(stored: Option<Channel>, email: Option<&str>, phone: Option<&str>) -> Channel {
    let mobile = phone.is_some_and(|p| crate::visits::mobile_number(p).is_some());
    match stored {
        Some(Channel::Email) if email.is_some() => Channel::Email,
        Some(Channel::Sms) if mobile => Channel::Sms,
        Some(Channel::Letter) => Channel::Letter,
        _ if email.is_some() => Channel::Email,
        _ if mobile => Channel::Sms,
        _ => Channel::Letter,
    }
}

/// One customer line, checked.
fn customer_of(
    line: u64,
    row: &crate::import::Row,
    today: jiff::civil::Date,
    now: i64,
) -> ImportResult<NewCustomer> {
    let number = rules::customer_number(get(row, "customer_number"))
        .map_err(|p| bad(line, "customer_number", p))?;
    let identity = IdentityNumber::parse(get(row, "identity_number"), today)
        .map_err(|e| bad(line, "identity_number", e))?;
    let name = text(line, "name", get(row, "name"), 200)?;
    let street = text(line, "street", get(row, "street"), 200)?;
    let postal_code =
        rules::postal_code(get(row, "postal_code")).map_err(|p| bad(line, "postal_code", p))?;
    let city = text(line, "city", get(row, "city"), 100)?;
    let email = rules::email(get(row, "email")).map_err(|p| bad(line, "email", p))?;
    let phone = rules::phone(get(row, "phone")).map_err(|p| bad(line, "phone", p))?;
    let language = match get(row, "language").trim() {
        "" => Language::Sv,
        l => choice::<Language>(line, "language", l)?,
    };
    Ok(NewCustomer {
        search_text: format!("{name} {number} {street} {postal_code} {city}").to_lowercase(),
        kind: if identity.as_person().is_some() {
            CustomerKind::Private
        } else {
            CustomerKind::Business
        },
        customer_number: number,
        name,
        identity_number: identity.normalised(),
        preferred_channel: channel(None, email.as_deref(), phone.as_deref()),
        email,
        phone,
        language,
        street,
        postal_code,
        city,
        created_at: now,
    })
}

/// The columns of a stored customer that the line would change (names only: the values may be
/// personal data and stay out of the audit log).
fn customer_changes(stored: &CustomerRow, new: &NewCustomer) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |field: &'static str, same: bool| {
        if !same {
            out.push(field);
        }
    };
    check(
        "identity_number",
        stored.identity_number == new.identity_number,
    );
    check("name", stored.name == new.name);
    check("street", stored.street == new.street);
    check("postal_code", stored.postal_code == new.postal_code);
    check("city", stored.city == new.city);
    check("email", stored.email == new.email);
    check("phone", stored.phone == new.phone);
    check("language", stored.language == new.language);
    check(
        "preferred_channel",
        stored.preferred_channel == new.preferred_channel,
    );
    out
}

/// One meter-point line, checked; `customers` maps customer numbers to ids.
fn meter_point_of(
    line: u64,
    row: &crate::import::Row,
    customers: &HashMap<String, CustomerId>,
    now: i64,
) -> ImportResult<(NewMeterPoint, UtilityService)> {
    let id = AnlaggningsId::parse(get(row, "meter_point_id").trim())
        .map_err(|e| bad(line, "meter_point_id", e))?;
    let number = rules::customer_number(get(row, "customer_number"))
        .map_err(|p| bad(line, "customer_number", p))?;
    let customer_id = *customers.get(&number).ok_or_else(|| {
        bad(
            line,
            "customer_number",
            RegisterProblem::UnknownCustomer { number },
        )
    })?;
    let (lat_e6, lon_e6) = rules::coordinates(get(row, "latitude"), get(row, "longitude"))
        .map_err(|p| bad(line, "latitude", p))?;
    let meter_kind = choice::<MeterKind>(line, "meter_kind", get(row, "meter_kind"))?;
    let fuse_amps = match get(row, "fuse_amps").trim() {
        // A direct meter takes up to 63 A; a CT meter is for what is above.
        "" if meter_kind == MeterKind::Ct => 100,
        "" => 16,
        f => {
            let amps: i64 = f
                .parse()
                .map_err(|_| bad(line, "fuse_amps", Problem::NotANumber))?;
            if !(1..=6_300).contains(&amps) {
                return Err(bad(
                    line,
                    "fuse_amps",
                    Problem::OutOfRange { min: 1, max: 6_300 },
                ));
            }
            amps
        }
    };
    let meter_number = get(row, "meter_number").trim().to_owned();
    if meter_number.chars().count() > 40 {
        return Err(bad(line, "meter_number", Problem::TooLong { max: 40 }));
    }
    let point = NewMeterPoint {
        anlaggnings_id: id.as_str().to_owned(),
        customer_id,
        street: text(line, "street", get(row, "street"), 200)?,
        postal_code: rules::postal_code(get(row, "postal_code"))
            .map_err(|p| bad(line, "postal_code", p))?,
        city: text(line, "city", get(row, "city"), 100)?,
        lat_e6,
        lon_e6,
        property_kind: choice::<PropertyKind>(line, "property_kind", get(row, "property_kind"))?,
        placement: choice::<Placement>(line, "placement", get(row, "placement"))?,
        fuse_amps,
        meter_kind,
        meter_number,
        created_at: now,
    };
    let service = choice::<UtilityService>(line, "service", get(row, "service"))?;
    Ok((point, service))
}

fn meter_point_changes(stored: &MeterPointRow, new: &NewMeterPoint) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |field: &'static str, same: bool| {
        if !same {
            out.push(field);
        }
    };
    check("customer_number", stored.customer_id == new.customer_id);
    check("street", stored.street == new.street);
    check("postal_code", stored.postal_code == new.postal_code);
    check("city", stored.city == new.city);
    check(
        "position",
        stored.lat_e6 == new.lat_e6 && stored.lon_e6 == new.lon_e6,
    );
    check("property_kind", stored.property_kind == new.property_kind);
    check("placement", stored.placement == new.placement);
    check("fuse_amps", stored.fuse_amps == new.fuse_amps);
    check("meter_kind", stored.meter_kind == new.meter_kind);
    check("meter_number", stored.meter_number == new.meter_number);
    out
}

/// Rows of a file checked, each with its line, and no number twice.
fn no_duplicates<T>(
    rows: &[(u64, T)],
    field: &'static str,
    key: impl Fn(&T) -> &str,
) -> ImportResult<()> {
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(rows.len());
    for (line, r) in rows {
        if let Some(first) = seen.insert(key(r), *line) {
            return Err(bad(
                *line,
                field,
                RegisterProblem::Duplicate { line: first },
            ));
        }
    }
    Ok(())
}

fn read(
    bytes: &[u8],
    columns: &[&'static str],
    required: usize,
) -> ImportResult<Vec<(u64, crate::import::Row)>> {
    read_csv(
        bytes,
        &columns[..required],
        &columns[required..],
        RegisterProblem::NotUtf8.into(),
        |expected| RegisterProblem::Header { expected }.into(),
    )
}

impl Registers {
    /// Imports the customer file (columns [`CUSTOMER_COLUMNS`]); with `dry_run` nothing is
    /// written and the counts say what would happen.
    pub async fn import_customers(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
    ) -> ImportResult<ImportCounts> {
        actor.require(roles::IMPORT)?;
        let rows = read(bytes, &CUSTOMER_COLUMNS, 6)?;
        let today = self.s.today();
        let now = self.s.now_micros();
        let mut checked = Vec::with_capacity(rows.len());
        for (line, row) in &rows {
            checked.push((*line, customer_of(*line, row, today, now)?));
        }
        no_duplicates(&checked, "customer_number", |c| &c.customer_number)?;
        let store = self.s.store();
        let existing: HashMap<String, CustomerRow> = store::registers::all_customers(store)
            .await?
            .into_iter()
            .map(|c| (c.customer_number.clone(), c))
            .collect();
        let mut counts = ImportCounts::default();
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        for (_, mut c) in checked {
            match existing.get(&c.customer_number) {
                None => inserts.push(c),
                Some(stored) => {
                    c.preferred_channel = channel(
                        Some(stored.preferred_channel),
                        c.email.as_deref(),
                        c.phone.as_deref(),
                    );
                    let changed = customer_changes(stored, &c);
                    if changed.is_empty() {
                        counts.unchanged += 1;
                    } else {
                        updates.push((stored.id, c, changed));
                    }
                }
            }
        }
        counts.inserted = inserts.len() as u64;
        counts.updated = updates.len() as u64;
        if dry_run || (inserts.is_empty() && updates.is_empty()) {
            return Ok(counts);
        }
        let mut tx = store.begin().await?;
        store::customers::insert_customers(&mut tx, &inserts).await?;
        for (id, c, changed) in &updates {
            store::registers::update_customer(&mut tx, *id, c).await?;
            audit::success(
                &mut tx,
                &self.s,
                actor,
                ("customer_updated", "customer", id.get()),
                &format!("import: {}", changed.join(", ")),
            )
            .await?;
        }
        self.audit_counts(&mut tx, actor, "customers_imported", counts)
            .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// Imports the meter-point file (columns [`METER_POINT_COLUMNS`]). Each line's customer must
    /// be in the register. The line's service is a running subscription of that customer on the
    /// meter point: one is started today when there is none, and a running subscription of the
    /// same service for another customer ends today (the customer who moved out).
    pub async fn import_meter_points(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
    ) -> ImportResult<ImportCounts> {
        actor.require(roles::IMPORT)?;
        let rows = read(bytes, &METER_POINT_COLUMNS, 11)?;
        let store = self.s.store();
        let customers: HashMap<String, CustomerId> = store::registers::all_customers(store)
            .await?
            .into_iter()
            .map(|c| (c.customer_number, c.id))
            .collect();
        let now = self.s.now_micros();
        let mut checked = Vec::with_capacity(rows.len());
        for (line, row) in &rows {
            checked.push((*line, meter_point_of(*line, row, &customers, now)?));
        }
        drop(customers);
        no_duplicates(&checked, "meter_point_id", |(m, _)| &m.anlaggnings_id)?;
        let existing: HashMap<String, MeterPointRow> = store::registers::all_meter_points(store)
            .await?
            .into_iter()
            .map(|m| (m.anlaggnings_id.clone(), m))
            .collect();
        let mut running: HashMap<MeterPointId, Vec<ActiveSubscription>> = HashMap::new();
        for s in store::registers::active_meter_subscriptions(store).await? {
            running.entry(s.meter_point_id).or_default().push(s);
        }
        let mut plan = Plan::default();
        for (_, (m, service)) in checked {
            plan.add(&existing, &running, m, service);
        }
        let counts = plan.counts;
        if dry_run || plan.is_empty() {
            return Ok(counts);
        }
        let mut tx = store.begin().await?;
        self.write_meter_points(&mut tx, actor, plan).await?;
        self.audit_counts(&mut tx, actor, "meter_points_imported", counts)
            .await?;
        tx.commit().await?;
        Ok(counts)
    }

    async fn write_meter_points(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        plan: Plan,
    ) -> ImportResult<()> {
        let today = self.s.today();
        store::customers::insert_meter_points(tx, &plan.inserts).await?;
        for (id, m, changed) in &plan.updates {
            store::registers::update_meter_point(tx, *id, m).await?;
            audit::success(
                tx,
                &self.s,
                actor,
                ("meter_point_updated", "meter_point", id.get()),
                &format!("import: {}", changed.join(", ")),
            )
            .await?;
        }
        for id in &plan.ended {
            store::registers::end_subscription(tx, *id, today).await?;
        }
        let ids: HashMap<String, MeterPointId> = if plan.starts.is_empty() {
            HashMap::new()
        } else {
            store::registers::meter_point_ids(tx)
                .await?
                .into_iter()
                .collect()
        };
        let starts: Vec<_> = plan
            .starts
            .iter()
            .filter_map(|(a, c, s)| ids.get(a).map(|m| (*c, *m, *s)))
            .collect();
        store::registers::start_subscriptions(tx, &starts, today).await?;
        Ok(())
    }

    async fn audit_counts(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        action: &str,
        counts: ImportCounts,
    ) -> ImportResult<()> {
        let detail = counts.detail();
        audit::success(tx, &self.s, actor, (action, "register", 0), &detail).await?;
        Ok(())
    }
}

/// What a meter-point file will change.
#[derive(Default)]
struct Plan {
    inserts: Vec<NewMeterPoint>,
    updates: Vec<(MeterPointId, NewMeterPoint, Vec<&'static str>)>,
    /// Subscriptions to start: meter-point id (18 digits), customer, service.
    starts: Vec<(String, CustomerId, UtilityService)>,
    ended: Vec<domain::ids::SubscriptionId>,
    counts: ImportCounts,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.inserts.is_empty() && self.updates.is_empty() && self.starts.is_empty()
    }

    fn add(
        &mut self,
        existing: &HashMap<String, MeterPointRow>,
        running: &HashMap<MeterPointId, Vec<ActiveSubscription>>,
        m: NewMeterPoint,
        service: UtilityService,
    ) {
        let Some(stored) = existing.get(&m.anlaggnings_id) else {
            self.starts
                .push((m.anlaggnings_id.clone(), m.customer_id, service));
            self.inserts.push(m);
            self.counts.inserted += 1;
            return;
        };
        let subs = running.get(&stored.id).map_or(&[][..], Vec::as_slice);
        let has = subs
            .iter()
            .any(|s| s.customer_id == m.customer_id && s.service == service);
        let mut changed = meter_point_changes(stored, &m);
        if !has {
            self.starts
                .push((m.anlaggnings_id.clone(), m.customer_id, service));
            self.ended.extend(
                subs.iter()
                    .filter(|s| s.service == service && s.customer_id != m.customer_id)
                    .map(|s| s.id),
            );
            changed.push("subscription");
        }
        if changed.is_empty() {
            self.counts.unchanged += 1;
        } else {
            self.counts.updated += 1;
            self.updates.push((stored.id, m, changed));
        }
    }
}
