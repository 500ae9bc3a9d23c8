//! Customer-centre visits by booking (measure M2): availability, booking, confirmation,
//! cancel and rebook through a link, check-in, no-shows, walk-ins, the waitlist, and flagging
//! visits above a lowered cap.
//!
//! The cap is the visits policy in force at each instant of a visit; it is enforced in the
//! store by guarded bucket updates inside one write transaction (see `store::visits`), so it
//! holds under any concurrency, on both databases and with several app instances.

use std::collections::HashMap;

use domain::customer::{Channel, Language};
use domain::policy::{Capability, Policy, PolicyBody, VisitsPolicy, select_in_force};
use domain::time::{at_civil, civil_date, from_micros, start_of_day, to_micros};
use domain::visits::{
    self, BUCKET_MICROS, BucketLoad, Occupancy, OpeningSpan, SiteRules, Slot, SlotQuery, VisitError,
};
use hmac::{Hmac, Mac};
use jiff::civil::{Date, Time};
use sha2::Sha256;
use store::Tx;
pub use store::visits::{
    ExceptionRow, NewService, ServiceRow, SiteRow, SiteSettings, VisitRow, WaitRow,
};

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::outbox::{Message, MessageAttachment};
use crate::{Actor, Services};

const MINUTE: i64 = 60_000_000;
/// A booking from the public page holds its places this long while the link is unconfirmed.
pub const CONFIRM_WITHIN_MINUTES: i64 = 30;
/// Unconfirmed public bookings one phone number may hold at once.
pub const MAX_UNCONFIRMED: i64 = 2;
/// A waitlist offer holds its places this long (or until the visit would start).
pub const OFFER_HOURS: i64 = 2;
/// Check-in opens this long before the start; no-show may be marked this long after it.
pub const CHECK_IN_EARLY_MINUTES: i64 = 30;
pub const NO_SHOW_AFTER_MINUTES: i64 = 10;

/// Where a booking came from; decides its first status and who is messaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A logged-in customer in the portal.
    Portal,
    /// An agent for a caller.
    Agent,
    /// The public booking page; held until the link in the message is confirmed.
    Public,
    /// An API client with a bearer token.
    Api,
    /// Registered at the desk on arrival.
    WalkIn,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Portal => "portal",
            Source::Agent => "agent",
            Source::Public => "public",
            Source::Api => "api",
            Source::WalkIn => "walk_in",
        }
    }
}

#[derive(Clone, Debug)]
pub struct BookingRequest {
    pub site_id: i64,
    pub service_id: i64,
    pub start: i64,
    pub party: u32,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub language: Language,
    pub customer_id: Option<i64>,
    pub source: Source,
    /// A client's retry of the same request returns the first booking instead of a second.
    pub idempotency_key: Option<String>,
}

/// Why a booking was refused.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// 409: at some instant of the visit the cap or the staffed desks would be exceeded.
    #[error("the time is fully booked")]
    Full,
    /// 409: the same person already holds a visit at an overlapping time.
    #[error("you already have a visit at that time")]
    Overlap,
    /// 422: the request itself is wrong; the field says where.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreError> for BookingError {
    fn from(e: store::StoreError) -> Self {
        BookingError::Service(e.into())
    }
}

impl BookingError {
    fn invalid(field: &'static str, e: VisitError) -> BookingError {
        BookingError::Invalid {
            field,
            message: e.message_sv().to_owned(),
        }
    }
}

/// A booking made: the visit and the secret link that manages it (shown once, sent by message).
#[derive(Debug, Clone)]
pub struct Booked {
    pub visit: VisitRow,
    pub link: String,
    /// The request repeated an idempotency key; nothing new was booked.
    pub replayed: bool,
}

/// A site with its rules and services, read once per request.
#[derive(Debug, Clone)]
pub struct SiteView {
    pub site: SiteRow,
    pub rules: SiteRules,
    pub services: Vec<ServiceRow>,
    pub hours: Vec<store::visits::HoursRow>,
}

impl SiteView {
    pub fn service(&self, id: i64) -> Option<&ServiceRow> {
        self.services.iter().find(|s| s.id == id && s.active)
    }

    pub fn address(&self) -> String {
        format!(
            "{}, {}, {} {}",
            self.site.name, self.site.street, self.site.postal_code, self.site.city
        )
    }
}

/// The visits policies on record, evaluated per instant like `policy_at`.
pub struct Caps {
    policies: Vec<Policy>,
}

impl Caps {
    pub fn at(&self, at: i64) -> VisitsPolicy {
        match select_in_force(&self.policies, Capability::Visits, from_micros(at)) {
            PolicyBody::Visits(v) => v,
            _ => match PolicyBody::preset(Capability::Visits, domain::policy::Preset::Normal) {
                PolicyBody::Visits(v) => v,
                _ => unreachable_visits(),
            },
        }
    }

    pub fn cap_at(&self, at: i64) -> u32 {
        self.at(at).max_present_per_site
    }
}

fn unreachable_visits() -> VisitsPolicy {
    VisitsPolicy {
        walk_in: false,
        booking_required: true,
        max_present_per_site: 0,
    }
}

/// What the flagging after a cap change did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CapReport {
    pub checked: usize,
    pub flagged: Vec<i64>,
    pub unflagged: Vec<i64>,
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: usize,
    pub offered: usize,
    pub reminded: usize,
}

/// One row of the desk view.
#[derive(Debug, Clone)]
pub struct DeskVisit {
    pub visit: VisitRow,
    pub desk: Option<u32>,
    pub service_name: String,
}

#[derive(Debug, Clone)]
pub struct DeskDay {
    pub site: SiteView,
    pub date: Date,
    pub desks: u32,
    pub visits: Vec<DeskVisit>,
    pub waitlist: Vec<WaitRow>,
    pub cap: u32,
    pub walk_in_allowed: bool,
    /// Over the last 30 days: visits that ended in a no-show, and all that were due.
    pub no_shows_30d: (i64, i64),
}

/// A new customer centre.
#[derive(Clone, Debug)]
pub struct NewSite {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub desks: i64,
}

fn check_spans(spans: &[(Time, Time, u32)], desks: i64) -> Result<Vec<(i64, i64, i64)>> {
    let mut rows = Vec::new();
    for (o, c, d) in spans {
        OpeningSpan::new(*o, *c, *d).map_err(|e| ServiceError::invalid("hours", e.message_sv()))?;
        if i64::from(*d) > desks {
            return Err(ServiceError::invalid(
                "staffed_desks",
                format!("högst {desks} bemannade diskar (så många finns)"),
            ));
        }
        let m = |t: &Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
        rows.push((m(o), m(c), i64::from(*d)));
    }
    rows.sort();
    if rows.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(ServiceError::invalid("hours", "öppettiderna överlappar"));
    }
    Ok(rows)
}

/// Normalises a phone number to digits with the country code (`0701234567` → `46701234567`).
pub fn normalise_phone(phone: &str) -> Option<String> {
    let t = phone.trim();
    let plus = t.starts_with('+');
    if t.chars()
        .any(|c| !(c.is_ascii_digit() || " -+()".contains(c)))
    {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let n = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("46{rest}")
    } else {
        digits
    };
    (8..=15).contains(&n.len()).then_some(n)
}

fn person_key(customer_id: Option<i64>, phone: &str) -> String {
    match normalise_phone(phone) {
        Some(p) => format!("p:{p}"),
        None => format!("c:{}", customer_id.unwrap_or_default()),
    }
}

fn minutes_to_time(m: i64) -> Time {
    let m = m.clamp(0, 24 * 60 - 1);
    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or(Time::midnight())
}

/// Builds the pure rules from the stored rows.
pub fn rules_from_rows(
    site: &SiteRow,
    hours: &[store::visits::HoursRow],
    exceptions: &[store::visits::ExceptionRow],
) -> SiteRules {
    let mut weekly: [Vec<OpeningSpan>; 7] = Default::default();
    for h in hours {
        let idx = usize::try_from(h.weekday - 1).unwrap_or(0).min(6);
        weekly[idx].push(OpeningSpan {
            opens: minutes_to_time(h.opens_min),
            closes: minutes_to_time_end(h.closes_min),
            staffed_desks: u32::try_from(h.staffed_desks).unwrap_or(0),
        });
    }
    let mut ex = std::collections::BTreeMap::<Date, Vec<OpeningSpan>>::new();
    for e in exceptions {
        let Ok(day) = domain::time::parse_date(&e.day) else {
            continue;
        };
        let spans = ex.entry(day).or_default();
        if let (Some(o), Some(c)) = (e.opens_min, e.closes_min) {
            spans.push(OpeningSpan {
                opens: minutes_to_time(o),
                closes: minutes_to_time_end(c),
                staffed_desks: u32::try_from(e.staffed_desks).unwrap_or(0),
            });
        }
    }
    SiteRules {
        weekly,
        exceptions: ex,
        closed_on_holidays: site.closed_on_holidays,
        lead_minutes: u32::try_from(site.lead_minutes).unwrap_or(0),
        horizon_days: u32::try_from(site.horizon_days).unwrap_or(0),
        slot_step_minutes: u32::try_from(site.slot_step_minutes).unwrap_or(15),
    }
}

/// 24:00 is stored as 1440 minutes; as a civil time it is the last representable instant.
fn minutes_to_time_end(m: i64) -> Time {
    if m >= 24 * 60 {
        Time::new(23, 59, 59, 999_999_999).unwrap_or(Time::midnight())
    } else {
        minutes_to_time(m)
    }
}

fn utc_secs(micros: i64) -> i64 {
    micros.div_euclid(1_000_000)
}

impl Services {
    // ---- links -------------------------------------------------------------------------------

    async fn link_secret(&self) -> Result<Vec<u8>> {
        if let Some(s) = self.inner.link_secret.get() {
            return Ok(s.clone());
        }
        let existing = store::settings::get(self.store(), "link_secret").await?;
        let secret = match existing {
            Some(s) => s,
            None => {
                let fresh = hex::encode(rand::random::<[u8; 32]>());
                let mut tx = self.store().begin().await?;
                store::settings::insert_if_missing(&mut tx, "link_secret", &fresh).await?;
                tx.commit().await?;
                store::settings::get(self.store(), "link_secret")
                    .await?
                    .unwrap_or(fresh)
            }
        };
        let bytes = hex::decode(&secret)
            .map_err(|e| ServiceError::Internal(format!("link secret unreadable: {e}")))?;
        let _ = self.inner.link_secret.set(bytes.clone());
        Ok(bytes)
    }

    fn mac(secret: &[u8], kind: &str, id: i64) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| {
            <Hmac<Sha256> as Mac>::new_from_slice(&[0u8; 32]).expect("HMAC takes any key length")
        });
        mac.update(kind.as_bytes());
        mac.update(&id.to_be_bytes());
        mac.finalize().into_bytes()[..18].to_vec()
    }

    /// The secret link token of a visit or waitlist entry (`kind` "visit" or "wait"): its id and
    /// a MAC, so it can be sent again in every message without storing it.
    pub async fn link_token(&self, kind: &str, id: i64) -> Result<String> {
        use base64::Engine;
        let secret = self.link_secret().await?;
        let mut raw = id.to_be_bytes().to_vec();
        raw.extend(Self::mac(&secret, kind, id));
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
    }

    /// The id a link token stands for, if the token is genuine.
    pub async fn link_id(&self, kind: &str, token: &str) -> Result<Option<i64>> {
        use base64::Engine;
        let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()) else {
            return Ok(None);
        };
        if raw.len() != 26 {
            return Ok(None);
        }
        let id = i64::from_be_bytes(raw[..8].try_into().unwrap_or([0; 8]));
        let secret = self.link_secret().await?;
        let expected = Self::mac(&secret, kind, id);
        let same = expected
            .iter()
            .zip(&raw[8..])
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        Ok(same.then_some(id))
    }

    pub async fn visit_link(&self, id: i64) -> Result<String> {
        Ok(format!(
            "{}/besok/{}",
            self.public_url(),
            self.link_token("visit", id).await?
        ))
    }

    pub async fn visit_by_token(&self, token: &str) -> Result<VisitRow> {
        let id = self
            .link_id("visit", token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    // ---- reading -----------------------------------------------------------------------------

    pub async fn sites(&self) -> Result<Vec<SiteRow>> {
        Ok(store::visits::sites(self.store()).await?)
    }

    /// A site with its rules (exceptions from yesterday to the end of its horizon).
    pub async fn site_view(&self, site_id: i64) -> Result<SiteView> {
        let site = store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let hours = store::visits::hours(self.store(), site_id).await?;
        let today = self.today();
        let from = today.yesterday().unwrap_or(today);
        let to = today.saturating_add(jiff::Span::new().days(site.horizon_days.clamp(0, 3650) + 1));
        let exceptions =
            store::visits::exceptions(self.store(), site_id, &from.to_string(), &to.to_string())
                .await?;
        let services = store::visits::services(self.store(), site_id).await?;
        let rules = rules_from_rows(&site, &hours, &exceptions);
        Ok(SiteView {
            site,
            rules,
            services,
            hours,
        })
    }

    /// Special days of a site from `from` on.
    pub async fn site_exceptions(&self, site_id: i64, from: Date) -> Result<Vec<ExceptionRow>> {
        Ok(
            store::visits::exceptions(self.store(), site_id, &from.to_string(), "9999-12-31")
                .await?,
        )
    }

    pub async fn visit_caps(&self) -> Result<Caps> {
        let policies = store::policies::list(self.store())
            .await?
            .into_iter()
            .filter(|r| r.capability == Capability::Visits)
            .filter_map(|r| {
                Some(Policy {
                    body: PolicyBody::from_json(&r.body).ok()?,
                    effective_from: from_micros(r.effective_from),
                    effective_to: r.effective_to.map(from_micros),
                    set_by: r.set_by,
                    reason: r.reason,
                })
            })
            .collect();
        Ok(Caps { policies })
    }

    /// Slots of one service for a party between two dates (inclusive), with places left.
    pub async fn availability(
        &self,
        site_id: i64,
        service_id: i64,
        from: Date,
        to: Date,
        party: u32,
    ) -> Result<(SiteView, Vec<Slot>)> {
        visits::check_party(party).map_err(|e| ServiceError::invalid("party", e.message_sv()))?;
        if to < from {
            return Err(ServiceError::invalid("to", "slutdatum före startdatum"));
        }
        let view = self.site_view(site_id).await?;
        let service = view
            .service(service_id)
            .ok_or_else(|| ServiceError::invalid("service", "okänd tjänst för kundcentret"))?;
        let duration = u32::try_from(service.duration_minutes).unwrap_or(0);
        let caps = self.visit_caps().await?;
        let tz = self.tz().clone();
        let lo = to_micros(start_of_day(from, &tz));
        let hi = to_micros(start_of_day(to.tomorrow().unwrap_or(to), &tz));
        let load: HashMap<i64, BucketLoad> = store::visits::load(self.store(), site_id, lo, hi)
            .await?
            .into_iter()
            .map(|(b, p, v)| {
                (
                    b,
                    BucketLoad {
                        present: u32::try_from(p).unwrap_or(u32::MAX),
                        visits: u32::try_from(v).unwrap_or(u32::MAX),
                    },
                )
            })
            .collect();
        let slots = visits::slots(
            &view.rules,
            &SlotQuery {
                from,
                to,
                duration_minutes: duration,
                party,
                now: self.now_micros(),
            },
            |b| caps.cap_at(b),
            |b| load.get(&b).copied().unwrap_or_default(),
        );
        Ok((view, slots))
    }

    // ---- booking -----------------------------------------------------------------------------

    /// Books a visit. Never exceeds the cap or the staffed desks at any instant of the visit.
    pub async fn book_visit(
        &self,
        actor: &Actor,
        req: &BookingRequest,
    ) -> Result<Booked, BookingError> {
        if let Some(done) = self.replay(req).await? {
            return Ok(done);
        }
        match retry_transient(|| self.try_book(actor, req)).await {
            // The same key raced another request of the same client (a unique-key conflict), or
            // waited on the same person's lock and then found that request's visit overlapping:
            // answer with that visit.
            Err(BookingError::Service(ServiceError::Store(e)))
                if e.is_conflict_on("idempotency") =>
            {
                self.replay(req)
                    .await?
                    .ok_or_else(|| ServiceError::conflict("idempotency key").into())
            }
            Err(BookingError::Overlap) if req.idempotency_key.is_some() => {
                self.replay(req).await?.ok_or(BookingError::Overlap)
            }
            other => other,
        }
    }

    /// The booking an earlier request with the same idempotency key made, if any.
    async fn replay(&self, req: &BookingRequest) -> Result<Option<Booked>> {
        let Some(key) = &req.idempotency_key else {
            return Ok(None);
        };
        let Some(visit) = store::visits::by_idempotency_key(self.store(), key).await? else {
            return Ok(None);
        };
        let link = self.visit_link(visit.id).await?;
        Ok(Some(Booked {
            visit,
            link,
            replayed: true,
        }))
    }

    fn validate_contact(req: &BookingRequest) -> Result<(), BookingError> {
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(BookingError::Invalid {
                field: "name",
                message: "Skriv ett namn (högst 100 tecken).".into(),
            });
        }
        // A customer of record may have no phone; everyone else leaves one to be reached at.
        let known_without_phone = req.customer_id.is_some() && req.phone.trim().is_empty();
        if normalise_phone(&req.phone).is_none() && !known_without_phone {
            return Err(BookingError::Invalid {
                field: "phone",
                message: "Skriv ett telefonnummer, till exempel 070-123 45 67.".into(),
            });
        }
        if let Some(e) = &req.email
            && (!e.contains('@') || e.len() > 200 || e.chars().any(char::is_whitespace))
        {
            return Err(BookingError::Invalid {
                field: "email",
                message: "E-postadressen ser inte rätt ut.".into(),
            });
        }
        Ok(())
    }

    async fn try_book(&self, actor: &Actor, req: &BookingRequest) -> Result<Booked, BookingError> {
        // Links are signed with a key read (or created) before any write transaction opens:
        // creating it needs the writer, which an open transaction holds.
        self.link_secret().await?;
        Self::validate_contact(req)?;
        visits::check_party(req.party).map_err(|e| BookingError::invalid("party", e))?;
        let view = self.site_view(req.site_id).await.map_err(|e| match e {
            ServiceError::NotFound => BookingError::Invalid {
                field: "site",
                message: "Okänt kundcenter.".into(),
            },
            e => e.into(),
        })?;
        let service = view.service(req.service_id).ok_or(BookingError::Invalid {
            field: "service",
            message: "Okänd tjänst för kundcentret.".into(),
        })?;
        let now = self.now_micros();
        let duration = u32::try_from(service.duration_minutes).unwrap_or(0);
        let (end, _) = view
            .rules
            .check_start(req.start, duration, now)
            .map_err(|e| BookingError::invalid("start", e))?;
        let caps = self.visit_caps().await?;
        let key = person_key(req.customer_id, &req.phone);
        let status = if req.source == Source::Public {
            "unconfirmed"
        } else {
            "booked"
        };
        let expires =
            (req.source == Source::Public).then_some(now + CONFIRM_WITHIN_MINUTES * MINUTE);
        let mut tx = self.store().begin().await?;
        store::visits::lock_person(&mut tx, &key, now).await?;
        if store::visits::overlapping(&mut tx, &key, req.start, end, 0).await? > 0 {
            return Err(BookingError::Overlap);
        }
        // Unconfirmed bookings hold places for half an hour: one phone number may hold at most
        // two at a time, so the public page cannot be used to block a day.
        if req.source == Source::Public
            && store::visits::unconfirmed_holds(&mut tx, &key, now).await? >= MAX_UNCONFIRMED
        {
            return Err(BookingError::Invalid {
                field: "phone",
                message: "Du har redan obekräftade bokningar. Bekräfta dem med länken vi skickade, eller vänta en halvtimme.".into(),
            });
        }
        take_places(&mut tx, &view, &caps, req.start, end, req.party).await?;
        let id = store::visits::insert_visit(
            &mut tx,
            &store::visits::NewVisit {
                site_id: req.site_id,
                service_id: service.id,
                starts_at: req.start,
                ends_at: end,
                party: i64::from(req.party),
                status,
                source: req.source.as_str(),
                customer_id: req.customer_id,
                name: req.name.trim(),
                phone: req.phone.trim(),
                email: req
                    .email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty()),
                language: req.language.as_str(),
                person_key: &key,
                idempotency_key: req.idempotency_key.as_deref(),
                booked_by: actor.user_id.map(domain::ids::UserId::get),
                waitlist_id: None,
                expires_at: expires,
                checked_in_at: None,
                now,
            },
        )
        .await?;
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let link = self.visit_link(id).await?;
        let kind = if status == "unconfirmed" {
            Notice::ConfirmRequest
        } else {
            Notice::Confirmation
        };
        self.notify_visit(&mut tx, &view, &visit, kind, &link)
            .await?;
        if req.source == Source::Agent {
            audit::record(
                &mut tx,
                self,
                actor,
                &Event {
                    action: "visit_booked",
                    object_kind: "visit",
                    object_id: &id.to_string(),
                    outcome: Outcome::Success,
                    detail: req.source.as_str(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Booked {
            visit,
            link,
            replayed: false,
        })
    }

    /// Confirms a booking from the public page, or accepts a waitlist offer.
    pub async fn confirm_visit(&self, token: &str) -> Result<VisitRow> {
        self.link_secret().await?;
        let v = self.visit_by_token(token).await?;
        let view = self.site_view(v.site_id).await?;
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        if v.expires_at.is_some_and(|e| e <= now) {
            return Err(ServiceError::conflict(
                "Tiden för att bekräfta har gått ut. Boka en ny tid.",
            ));
        }
        if !store::visits::transition(&mut tx, v.id, "('unconfirmed', 'offered')", "booked", now)
            .await?
        {
            return Err(ServiceError::conflict(
                "Bokningen är redan bekräftad eller avbokad.",
            ));
        }
        if let Some(w) = v.waitlist_id {
            store::visits::wait_transition(&mut tx, w, "offered", "booked", Some(v.id)).await?;
        }
        let visit = store::visits::visit_in(&mut tx, v.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let link = self.visit_link(v.id).await?;
        self.notify_visit(&mut tx, &view, &visit, Notice::Confirmation, &link)
            .await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Cancels a visit before it starts; its places are free at once and offered to the
    /// waitlist of the day.
    pub async fn cancel_visit(&self, actor: &Actor, id: i64) -> Result<VisitRow> {
        // Cancelling locks buckets and then (offering the places) a waiting person's row; a
        // booking takes them the other way round, so PostgreSQL may pick one as a deadlock
        // victim: run it again.
        retry_transient(|| self.try_cancel(actor, id)).await
    }

    async fn try_cancel(&self, actor: &Actor, id: i64) -> Result<VisitRow> {
        self.link_secret().await?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now_micros();
        if v.starts_at <= now && v.status != "unconfirmed" && v.status != "offered" {
            return Err(ServiceError::conflict(
                "Besöket har redan börjat och kan inte avbokas.",
            ));
        }
        let view = self.site_view(v.site_id).await?;
        let mut tx = self.store().begin().await?;
        // Decide from the visit as it is now, row locked: a rebook may have moved it since it
        // was read, and giving back its old places would corrupt the counts.
        let v = store::visits::lock_visit(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if v.starts_at <= now && v.status != "unconfirmed" && v.status != "offered" {
            return Err(ServiceError::conflict(
                "Besöket har redan börjat och kan inte avbokas.",
            ));
        }
        if !store::visits::transition(
            &mut tx,
            id,
            "('unconfirmed', 'offered', 'booked')",
            "cancelled",
            now,
        )
        .await?
        {
            return Err(ServiceError::conflict("Besöket är redan avbokat."));
        }
        store::visits::release(&mut tx, v.site_id, v.starts_at, v.ends_at, v.party).await?;
        if let Some(w) = v.waitlist_id {
            store::visits::wait_transition(&mut tx, w, "offered", "cancelled", None).await?;
        }
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if v.status != "offered" {
            let link = self.visit_link(id).await?;
            self.notify_visit(&mut tx, &view, &visit, Notice::Cancelled, &link)
                .await?;
        }
        if actor.user_id.is_some() && actor.customer_id.is_none() {
            audit::record(
                &mut tx,
                self,
                actor,
                &Event {
                    action: "visit_cancelled",
                    object_kind: "visit",
                    object_id: &id.to_string(),
                    outcome: Outcome::Success,
                    detail: "",
                },
            )
            .await?;
        }
        let day = civil_date(from_micros(v.starts_at), self.tz());
        self.offer_freed(&mut tx, &view, day).await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Moves a visit to another start in one transaction: the new places are taken and the old
    /// given back together, so a full new time leaves the old booking untouched.
    pub async fn rebook_visit(
        &self,
        actor: &Actor,
        id: i64,
        start: i64,
    ) -> Result<VisitRow, BookingError> {
        retry_transient(|| self.try_rebook(actor, id, start)).await
    }

    async fn try_rebook(
        &self,
        actor: &Actor,
        id: i64,
        start: i64,
    ) -> Result<VisitRow, BookingError> {
        self.link_secret().await?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !matches!(v.status.as_str(), "booked" | "unconfirmed" | "offered") {
            return Err(ServiceError::conflict("Besöket kan inte bokas om.").into());
        }
        let now = self.now_micros();
        if v.starts_at <= now {
            return Err(ServiceError::conflict("Besöket har redan börjat.").into());
        }
        let view = self.site_view(v.site_id).await?;
        let duration = u32::try_from((v.ends_at - v.starts_at) / MINUTE).unwrap_or(0);
        let (end, _) = view
            .rules
            .check_start(start, duration, now)
            .map_err(|e| BookingError::invalid("start", e))?;
        let caps = self.visit_caps().await?;
        let party = u32::try_from(v.party).unwrap_or(1);
        let mut tx = self.store().begin().await?;
        store::visits::lock_person(&mut tx, &v.person_key, now).await?;
        // The visit as it is now, row locked: a concurrent cancel or rebook may have changed it
        // since it was read, and its current places are the ones to give back.
        let v = store::visits::lock_visit(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !matches!(v.status.as_str(), "booked" | "unconfirmed" | "offered") {
            return Err(ServiceError::conflict("Besöket kan inte bokas om.").into());
        }
        if v.starts_at <= now {
            return Err(ServiceError::conflict("Besöket har redan börjat.").into());
        }
        if v.ends_at - v.starts_at != end - start {
            return Err(ServiceError::conflict("Besöket har ändrats. Försök igen.").into());
        }
        if store::visits::overlapping(&mut tx, &v.person_key, start, end, id).await? > 0 {
            return Err(BookingError::Overlap);
        }
        // Give back first, then take: a visit moved by 15 minutes overlaps itself.
        store::visits::release(&mut tx, v.site_id, v.starts_at, v.ends_at, v.party).await?;
        take_places(&mut tx, &view, &caps, start, end, party).await?;
        if !store::visits::move_visit(&mut tx, id, start, end).await? {
            return Err(ServiceError::conflict("Besöket är avbokat.").into());
        }
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let link = self.visit_link(id).await?;
        if visit.status == "booked" {
            self.notify_visit(&mut tx, &view, &visit, Notice::Confirmation, &link)
                .await?;
        }
        if actor.user_id.is_some() && actor.customer_id.is_none() {
            audit::record(
                &mut tx,
                self,
                actor,
                &Event {
                    action: "visit_rebooked",
                    object_kind: "visit",
                    object_id: &id.to_string(),
                    outcome: Outcome::Success,
                    detail: "",
                },
            )
            .await?;
        }
        let old_day = civil_date(from_micros(v.starts_at), self.tz());
        self.offer_freed(&mut tx, &view, old_day).await?;
        tx.commit().await?;
        Ok(visit)
    }

    // ---- the desk ----------------------------------------------------------------------------

    pub async fn check_in(&self, actor: &Actor, id: i64) -> Result<VisitRow> {
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now_micros();
        if now < v.starts_at - CHECK_IN_EARLY_MINUTES * MINUTE || now >= v.ends_at {
            return Err(ServiceError::conflict(
                "Incheckning går från 30 minuter före besöket till dess slut.",
            ));
        }
        let mut tx = self.store().begin().await?;
        if !store::visits::transition(&mut tx, id, "('booked')", "checked_in", now).await? {
            return Err(ServiceError::conflict(
                "Besöket är inte bokat (redan incheckat, avbokat eller obekräftat).",
            ));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "visit_checked_in",
                object_kind: "visit",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Marks a booked visit that nobody came to; the rest of its time is given back.
    pub async fn mark_no_show(&self, actor: &Actor, id: i64) -> Result<VisitRow> {
        // The same lock order as a cancel (buckets, then a waiting person): retried likewise.
        retry_transient(|| self.try_no_show(actor, id)).await
    }

    async fn try_no_show(&self, actor: &Actor, id: i64) -> Result<VisitRow> {
        self.link_secret().await?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now_micros();
        if now < v.starts_at + NO_SHOW_AFTER_MINUTES * MINUTE {
            return Err(ServiceError::conflict(
                "Utebliven kan markeras tidigast tio minuter efter starttiden.",
            ));
        }
        let view = self.site_view(v.site_id).await?;
        let mut tx = self.store().begin().await?;
        if !store::visits::transition(&mut tx, id, "('booked')", "no_show", now).await? {
            return Err(ServiceError::conflict("Besöket är inte bokat."));
        }
        let from = (now.div_euclid(BUCKET_MICROS) + 1) * BUCKET_MICROS;
        if from < v.ends_at {
            store::visits::release(
                &mut tx,
                v.site_id,
                from.max(v.starts_at),
                v.ends_at,
                v.party,
            )
            .await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "visit_no_show",
                object_kind: "visit",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let day = civil_date(from_micros(v.starts_at), self.tz());
        self.offer_freed(&mut tx, &view, day).await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Registers a visitor who came without a booking, against the same cap, when the policy
    /// in force allows walk-ins. The visit starts now (this 5-minute bucket) and is checked in.
    pub async fn walk_in(
        &self,
        actor: &Actor,
        site_id: i64,
        service_id: i64,
        party: u32,
        name: &str,
    ) -> Result<VisitRow, BookingError> {
        visits::check_party(party).map_err(|e| BookingError::invalid("party", e))?;
        let now = self.now_micros();
        let caps = self.visit_caps().await?;
        if !caps.at(now).walk_in {
            return Err(BookingError::Invalid {
                field: "policy",
                message: "Besök utan bokning är inte tillåtna enligt gällande regler.".into(),
            });
        }
        let view = self.site_view(site_id).await?;
        let service = view.service(service_id).ok_or(BookingError::Invalid {
            field: "service",
            message: "Okänd tjänst.".into(),
        })?;
        let start = now.div_euclid(BUCKET_MICROS) * BUCKET_MICROS;
        let end = start + service.duration_minutes * MINUTE;
        let day = civil_date(from_micros(start), self.tz());
        let open = view.rules.spans_on(day).iter().any(|s| {
            let o = to_micros(at_civil(day, s.opens, self.tz()));
            let c = to_micros(at_civil(day, s.closes, self.tz()));
            o <= start && end <= c
        });
        if !open {
            return Err(BookingError::Invalid {
                field: "start",
                message: "Kundcentret är stängt eller stänger innan besöket hinner bli klart."
                    .into(),
            });
        }
        let name = if name.trim().is_empty() {
            "Besökare utan bokning"
        } else {
            name.trim()
        };
        let mut tx = self.store().begin().await?;
        take_places(&mut tx, &view, &caps, start, end, party).await?;
        let key = format!("w:{now}:{}", rand::random::<u32>());
        let id = store::visits::insert_visit(
            &mut tx,
            &store::visits::NewVisit {
                site_id,
                service_id,
                starts_at: start,
                ends_at: end,
                party: i64::from(party),
                status: "checked_in",
                source: Source::WalkIn.as_str(),
                customer_id: None,
                name,
                phone: "",
                email: None,
                language: "sv",
                person_key: &key,
                idempotency_key: None,
                booked_by: actor.user_id.map(domain::ids::UserId::get),
                waitlist_id: None,
                expires_at: None,
                checked_in_at: Some(now),
                now,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "visit_walk_in",
                object_kind: "visit",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
        let v = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit().await?;
        Ok(v)
    }

    /// The day at a site per desk, with the waitlist and the no-show rate.
    pub async fn desk_day(&self, site_id: i64, date: Date) -> Result<DeskDay> {
        let view = self.site_view(site_id).await?;
        let tz = self.tz().clone();
        let lo = to_micros(start_of_day(date, &tz));
        let hi = to_micros(start_of_day(date.tomorrow().unwrap_or(date), &tz));
        let rows = store::visits::site_visits(
            self.store(),
            site_id,
            lo,
            hi,
            "('unconfirmed', 'offered', 'booked', 'checked_in', 'no_show')",
        )
        .await?;
        let desks = view
            .rules
            .spans_on(date)
            .iter()
            .map(|s| s.staffed_desks)
            .max()
            .unwrap_or(0);
        let occ: Vec<Occupancy> = rows
            .iter()
            .map(|v| Occupancy {
                id: v.id,
                start: v.starts_at,
                end: v.ends_at,
                party: u32::try_from(v.party).unwrap_or(1),
            })
            .collect();
        let assigned: HashMap<i64, Option<u32>> =
            visits::assign_desks(&occ, desks).into_iter().collect();
        let names: HashMap<i64, String> = view
            .services
            .iter()
            .map(|s| (s.id, s.name_sv.clone()))
            .collect();
        let visits = rows
            .into_iter()
            .map(|v| DeskVisit {
                desk: assigned.get(&v.id).copied().flatten(),
                service_name: names.get(&v.service_id).cloned().unwrap_or_default(),
                visit: v,
            })
            .collect();
        let waitlist =
            store::visits::waitlist_of_day(self.store(), site_id, &date.to_string()).await?;
        let caps = self.visit_caps().await?;
        let noon = to_micros(at_civil(
            date,
            Time::new(12, 0, 0, 0).unwrap_or(Time::midnight()),
            &tz,
        ));
        let now = self.now_micros();
        let counts =
            store::visits::outcome_counts(self.store(), site_id, now - 30 * 24 * 60 * MINUTE, now)
                .await?;
        let no_shows: i64 = counts
            .iter()
            .filter(|c| c.1 == "no_show")
            .map(|c| c.2)
            .sum();
        let due: i64 = counts
            .iter()
            .filter(|c| matches!(c.1.as_str(), "no_show" | "checked_in" | "booked"))
            .map(|c| c.2)
            .sum();
        Ok(DeskDay {
            cap: caps.cap_at(noon),
            walk_in_allowed: caps.at(now).walk_in,
            site: view,
            date,
            desks,
            visits,
            waitlist,
            no_shows_30d: (no_shows, due),
        })
    }

    pub async fn customer_visits(&self, customer_id: i64) -> Result<Vec<VisitRow>> {
        Ok(store::visits::customer_visits(self.store(), customer_id, self.now_micros()).await?)
    }

    // ---- waitlist ----------------------------------------------------------------------------

    /// Puts a person on the waitlist for a day; when places free up they are offered in turn.
    pub async fn join_waitlist(
        &self,
        req: &BookingRequest,
        day: Date,
    ) -> Result<WaitRow, BookingError> {
        self.link_secret().await?;
        Self::validate_contact(req)?;
        visits::check_party(req.party).map_err(|e| BookingError::invalid("party", e))?;
        let view = self.site_view(req.site_id).await?;
        if view.service(req.service_id).is_none() {
            return Err(BookingError::Invalid {
                field: "service",
                message: "Okänd tjänst.".into(),
            });
        }
        if day < self.today() || view.rules.spans_on(day).is_empty() {
            return Err(BookingError::invalid("day", VisitError::Closed));
        }
        let key = person_key(req.customer_id, &req.phone);
        let mut tx = self.store().begin().await?;
        let id = store::visits::insert_wait(
            &mut tx,
            &store::visits::NewWait {
                site_id: req.site_id,
                service_id: req.service_id,
                day: &day.to_string(),
                party: i64::from(req.party),
                customer_id: req.customer_id,
                name: req.name.trim(),
                phone: req.phone.trim(),
                email: req.email.as_deref().filter(|e| !e.trim().is_empty()),
                language: req.language.as_str(),
                person_key: &key,
                now: self.now_micros(),
            },
        )
        .await?;
        // Places may be free already (a cancellation since the page was shown).
        self.offer_freed(&mut tx, &view, day).await?;
        tx.commit().await?;
        store::visits::wait(self.store(), id)
            .await?
            .ok_or_else(|| ServiceError::NotFound.into())
    }

    pub async fn leave_waitlist(&self, token: &str) -> Result<WaitRow> {
        let id = self
            .link_id("wait", token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = self.store().begin().await?;
        store::visits::wait_transition(&mut tx, id, "waiting", "cancelled", None).await?;
        tx.commit().await?;
        store::visits::wait(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Offers freed places of `day` to the waitlist, first come first: each entry whose party
    /// fits the earliest free slot gets that slot held for it until its deadline.
    async fn offer_freed(&self, tx: &mut Tx, view: &SiteView, day: Date) -> Result<usize> {
        let waiting = store::visits::waiting_in(tx, view.site.id, &day.to_string()).await?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let caps = self.visit_caps().await?;
        let tz = self.tz().clone();
        let now = self.now_micros();
        let lo = to_micros(start_of_day(day, &tz));
        let hi = to_micros(start_of_day(day.tomorrow().unwrap_or(day), &tz));
        let mut offered = 0;
        for w in waiting {
            let Some(service) = view.service(w.service_id) else {
                continue;
            };
            let load: HashMap<i64, BucketLoad> = store::visits::load_in(tx, view.site.id, lo, hi)
                .await?
                .into_iter()
                .map(|(b, p, v)| {
                    (
                        b,
                        BucketLoad {
                            present: u32::try_from(p).unwrap_or(u32::MAX),
                            visits: u32::try_from(v).unwrap_or(u32::MAX),
                        },
                    )
                })
                .collect();
            let party = u32::try_from(w.party).unwrap_or(1);
            let slot = visits::slots(
                &view.rules,
                &SlotQuery {
                    from: day,
                    to: day,
                    duration_minutes: u32::try_from(service.duration_minutes).unwrap_or(0),
                    party,
                    now,
                },
                |b| caps.cap_at(b),
                |b| load.get(&b).copied().unwrap_or_default(),
            )
            .into_iter()
            .next();
            let Some(slot) = slot else { continue };
            store::visits::lock_person(tx, &w.person_key, now).await?;
            if store::visits::overlapping(tx, &w.person_key, slot.start, slot.end, 0).await? > 0 {
                continue;
            }
            if take_places(tx, view, &caps, slot.start, slot.end, party)
                .await
                .is_err()
            {
                continue;
            }
            let deadline = (now + OFFER_HOURS * 60 * MINUTE).min(slot.start);
            let id = store::visits::insert_visit(
                tx,
                &store::visits::NewVisit {
                    site_id: view.site.id,
                    service_id: service.id,
                    starts_at: slot.start,
                    ends_at: slot.end,
                    party: w.party,
                    status: "offered",
                    source: "waitlist",
                    customer_id: w.customer_id,
                    name: &w.name,
                    phone: &w.phone,
                    email: w.email.as_deref(),
                    language: &w.language,
                    person_key: &w.person_key,
                    idempotency_key: None,
                    booked_by: None,
                    waitlist_id: Some(w.id),
                    expires_at: Some(deadline),
                    checked_in_at: None,
                    now,
                },
            )
            .await?;
            store::visits::wait_transition(tx, w.id, "waiting", "offered", Some(id)).await?;
            let visit = store::visits::visit_in(tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let link = self.visit_link(id).await?;
            self.notify_visit(tx, view, &visit, Notice::Offer, &link)
                .await?;
            offered += 1;
        }
        Ok(offered)
    }

    // ---- periodic work -----------------------------------------------------------------------

    /// Expires unconfirmed bookings and waitlist offers (offering the places to the next in
    /// line) and sends tomorrow's reminders. Safe to run from several workers at once.
    pub async fn sweep_visits(&self) -> Result<SweepReport> {
        self.link_secret().await?;
        let mut report = SweepReport::default();
        let now = self.now_micros();
        for v in store::visits::expired_holds(self.store(), now, 500).await? {
            let view = self.site_view(v.site_id).await?;
            let mut tx = self.store().begin().await?;
            // Its places as they are now: a hold may have been rebooked since the list was read.
            let Some(v) = store::visits::lock_visit(&mut tx, v.id).await? else {
                continue;
            };
            if !store::visits::transition(
                &mut tx,
                v.id,
                "('unconfirmed', 'offered')",
                "expired",
                now,
            )
            .await?
            {
                continue;
            }
            store::visits::release(&mut tx, v.site_id, v.starts_at, v.ends_at, v.party).await?;
            if let Some(w) = v.waitlist_id {
                store::visits::wait_transition(&mut tx, w, "offered", "expired", None).await?;
            }
            let day = civil_date(from_micros(v.starts_at), self.tz());
            report.offered += self.offer_freed(&mut tx, &view, day).await?;
            tx.commit().await?;
            report.expired += 1;
        }
        let tz = self.tz().clone();
        let tomorrow = self.today().tomorrow().unwrap_or(self.today());
        let lo = to_micros(start_of_day(tomorrow, &tz));
        let hi = to_micros(start_of_day(tomorrow.tomorrow().unwrap_or(tomorrow), &tz));
        let mut views: HashMap<i64, SiteView> = HashMap::new();
        for v in store::visits::due_reminders(self.store(), lo, hi, 1000).await? {
            if let std::collections::hash_map::Entry::Vacant(e) = views.entry(v.site_id) {
                e.insert(self.site_view(v.site_id).await?);
            }
            let Some(view) = views.get(&v.site_id) else {
                continue;
            };
            let mut tx = self.store().begin().await?;
            if !store::visits::mark_reminded(&mut tx, v.id, now).await? {
                continue;
            }
            let link = self.visit_link(v.id).await?;
            self.notify_visit(&mut tx, view, &v, Notice::Reminder, &link)
                .await?;
            tx.commit().await?;
            report.reminded += 1;
        }
        Ok(report)
    }

    /// After the cap or the staffed desks changed: flags the visits that no longer fit (latest
    /// bookings first) and offers their customers new times; clears flags that fit again.
    /// Nothing is cancelled.
    pub async fn reconcile_visit_caps(&self) -> Result<CapReport> {
        self.link_secret().await?;
        let mut report = CapReport::default();
        let caps = self.visit_caps().await?;
        let now = self.now_micros();
        for site in self.sites().await? {
            let view = self.site_view(site.id).await?;
            let rows = store::visits::holding_in_booking_order(self.store(), site.id, now).await?;
            report.checked += rows.len();
            let occ: Vec<Occupancy> = rows
                .iter()
                .map(|v| Occupancy {
                    id: v.id,
                    start: v.starts_at,
                    end: v.ends_at,
                    party: u32::try_from(v.party).unwrap_or(1),
                })
                .collect();
            let over: std::collections::HashSet<i64> =
                visits::over_cap(&occ, |b| caps.cap_at(b), |b| view.rules.staffed_desks_at(b))
                    .into_iter()
                    .collect();
            for v in &rows {
                let mut tx = self.store().begin().await?;
                if over.contains(&v.id) && v.starts_at > now {
                    if store::visits::flag(&mut tx, v.id, now).await? {
                        let link = self.visit_link(v.id).await?;
                        self.notify_visit(&mut tx, &view, v, Notice::Flagged, &link)
                            .await?;
                        report.flagged.push(v.id);
                    }
                } else if v.flagged_at.is_some() && !over.contains(&v.id) {
                    store::visits::unflag(&mut tx, v.id).await?;
                    report.unflagged.push(v.id);
                }
                tx.commit().await?;
            }
        }
        Ok(report)
    }

    /// Flagged visits from now on, for the desk and the continuity manager.
    pub async fn flagged_visits(&self, site_id: i64) -> Result<Vec<VisitRow>> {
        Ok(
            store::visits::holding_in_booking_order(self.store(), site_id, self.now_micros())
                .await?
                .into_iter()
                .filter(|v| v.flagged_at.is_some())
                .collect(),
        )
    }

    // ---- site administration -----------------------------------------------------------------

    /// Creates a site with no hours or services yet.
    pub async fn create_site(&self, actor: &Actor, new: &NewSite) -> Result<i64> {
        for (field, v) in [
            ("name", &new.name),
            ("street", &new.street),
            ("postal_code", &new.postal_code),
            ("city", &new.city),
        ] {
            if v.trim().is_empty() {
                return Err(ServiceError::invalid(field, "fyll i fältet"));
            }
        }
        if !(1..=100).contains(&new.desks) {
            return Err(ServiceError::invalid("desks", "1–100 diskar"));
        }
        let mut tx = self.store().begin().await?;
        let id = store::customers::insert_site(
            &mut tx,
            new.name.trim(),
            new.street.trim(),
            new.postal_code.trim(),
            new.city.trim(),
            new.desks,
            self.now_micros(),
        )
        .await?;
        self.audit_site(&mut tx, actor, id, "site_created").await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn audit_site(&self, tx: &mut Tx, actor: &Actor, id: i64, action: &str) -> Result<()> {
        audit::record(
            tx,
            self,
            actor,
            &Event {
                action,
                object_kind: "site",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await
    }

    /// Changes a site's desks, lead time, horizon and slot step; re-checks the cap afterwards.
    pub async fn update_site_settings(
        &self,
        actor: &Actor,
        site_id: i64,
        s: &store::visits::SiteSettings<'_>,
    ) -> Result<CapReport> {
        if !(1..=100).contains(&s.desks) {
            return Err(ServiceError::invalid("desks", "1–100 diskar"));
        }
        if !(0..=7 * 24 * 60).contains(&s.lead_minutes) {
            return Err(ServiceError::invalid("lead_minutes", "0–10080 minuter"));
        }
        if !(1..=365).contains(&s.horizon_days) {
            return Err(ServiceError::invalid("horizon_days", "1–365 dagar"));
        }
        if !(5..=120).contains(&s.slot_step_minutes)
            || s.slot_step_minutes % visits::BUCKET_MINUTES != 0
        {
            return Err(ServiceError::invalid(
                "slot_step_minutes",
                "5–120 minuter i steg om fem",
            ));
        }
        let mut tx = self.store().begin().await?;
        if !store::visits::update_site(&mut tx, site_id, s).await? {
            return Err(ServiceError::NotFound);
        }
        self.audit_site(&mut tx, actor, site_id, "site_updated")
            .await?;
        tx.commit().await?;
        self.reconcile_visit_caps().await
    }

    /// Replaces the opening spans of one weekday (1 = Monday); `spans` are
    /// `(opens, closes, staffed desks)`. Visits that no longer fit are flagged.
    pub async fn set_site_hours(
        &self,
        actor: &Actor,
        site_id: i64,
        weekday: i64,
        spans: &[(Time, Time, u32)],
    ) -> Result<CapReport> {
        if !(1..=7).contains(&weekday) {
            return Err(ServiceError::invalid("weekday", "veckodag 1–7"));
        }
        let site = store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let rows = check_spans(spans, site.desks)?;
        let mut tx = self.store().begin().await?;
        store::visits::set_hours(&mut tx, site_id, weekday, &rows).await?;
        self.audit_site(&mut tx, actor, site_id, "site_hours_set")
            .await?;
        tx.commit().await?;
        self.reconcile_visit_caps().await
    }

    /// Other hours on one date (no spans: closed). Visits that no longer fit are flagged.
    pub async fn set_site_exception(
        &self,
        actor: &Actor,
        site_id: i64,
        day: Date,
        spans: &[(Time, Time, u32)],
        note: &str,
    ) -> Result<CapReport> {
        let site = store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let rows = check_spans(spans, site.desks)?;
        let mut tx = self.store().begin().await?;
        store::visits::set_exception(&mut tx, site_id, &day.to_string(), &rows, note.trim())
            .await?;
        self.audit_site(&mut tx, actor, site_id, "site_exception_set")
            .await?;
        tx.commit().await?;
        self.reconcile_visit_caps().await
    }

    pub async fn remove_site_exception(
        &self,
        actor: &Actor,
        site_id: i64,
        day: Date,
    ) -> Result<CapReport> {
        let mut tx = self.store().begin().await?;
        store::visits::delete_exception(&mut tx, site_id, &day.to_string()).await?;
        self.audit_site(&mut tx, actor, site_id, "site_exception_removed")
            .await?;
        tx.commit().await?;
        self.reconcile_visit_caps().await
    }

    /// Adds a service or changes the one with the same code.
    pub async fn save_site_service(
        &self,
        actor: &Actor,
        site_id: i64,
        s: &store::visits::NewService<'_>,
    ) -> Result<i64> {
        if s.code.trim().is_empty()
            || !s
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ServiceError::invalid(
                "code",
                "kod med a–z, 0–9 och bindestreck",
            ));
        }
        if s.name_sv.trim().is_empty() || s.name_en.trim().is_empty() {
            return Err(ServiceError::invalid(
                "name_sv",
                "namn på svenska och engelska",
            ));
        }
        visits::check_duration(u32::try_from(s.duration_minutes).unwrap_or(0))
            .map_err(|e| ServiceError::invalid("duration_minutes", e.message_sv()))?;
        store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = self.store().begin().await?;
        let id = store::visits::upsert_service(&mut tx, site_id, s).await?;
        self.audit_site(&mut tx, actor, site_id, "site_service_saved")
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The usual set-up of a Swedish customer centre: weekdays 09–12 and 13–16 (Thursdays
    /// until 18), all desks staffed, and the four services of DESIGN §3.3.
    pub async fn set_up_standard_site(&self, actor: &Actor, site_id: i64) -> Result<()> {
        let site = store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let desks = u32::try_from(site.desks).unwrap_or(1);
        let t = |h: i8| Time::new(h, 0, 0, 0).unwrap_or(Time::midnight());
        for weekday in 1..=5 {
            let close = if weekday == 4 { 18 } else { 16 };
            let spans = [(t(9), t(12), desks), (t(13), t(close), desks)];
            let rows = check_spans(&spans, site.desks)?;
            let mut tx = self.store().begin().await?;
            store::visits::set_hours(&mut tx, site_id, weekday, &rows).await?;
            tx.commit().await?;
        }
        for (code, sv, en, minutes) in [
            (
                "invoices",
                "Fakturor och betalningar",
                "Invoices and payments",
                20,
            ),
            ("moving", "Flytt", "Moving house", 15),
            ("meter", "Mätarbyte", "Meter exchange", 20),
            ("broadband", "Bredband", "Broadband", 30),
        ] {
            self.save_site_service(
                actor,
                site_id,
                &store::visits::NewService {
                    code,
                    name_sv: sv,
                    name_en: en,
                    duration_minutes: minutes,
                    active: true,
                },
            )
            .await?;
        }
        Ok(())
    }

    // ---- messages ----------------------------------------------------------------------------

    async fn notify_visit(
        &self,
        tx: &mut Tx,
        view: &SiteView,
        v: &VisitRow,
        notice: Notice,
        link: &str,
    ) -> Result<()> {
        let en = v.language == "en";
        let tz = self.tz();
        let when = domain::time::format_datetime(from_micros(v.starts_at), tz);
        let service = view
            .services
            .iter()
            .find(|s| s.id == v.service_id)
            .map(|s| {
                if en {
                    s.name_en.clone()
                } else {
                    s.name_sv.clone()
                }
            })
            .unwrap_or_default();
        let place = view.address();
        let people = v.party;
        let (subject, body) = notice.text(en, &when, &service, &place, people, link);
        let ics = matches!(
            notice,
            Notice::Confirmation | Notice::Reminder | Notice::Cancelled
        )
        .then(|| {
            formats::ics::calendar(&formats::ics::Event {
                uid: &format!("visit-{}@beredskap", v.id),
                sequence: u32::try_from(v.sequence).unwrap_or(0),
                stamp: utc_secs(self.now_micros()),
                start: utc_secs(v.starts_at),
                end: utc_secs(v.ends_at),
                summary: &format!(
                    "{}: {service}",
                    if en { "Customer centre" } else { "Kundcenter" }
                ),
                location: &place,
                description: &format!(
                    "{} {link}",
                    if en {
                        "Cancel or change:"
                    } else {
                        "Avboka eller boka om:"
                    }
                ),
                cancelled: notice == Notice::Cancelled,
            })
        });
        let (channel, recipient) = match v.email.as_deref() {
            Some(e) if !e.is_empty() => (Channel::Email, e.to_owned()),
            _ if !v.phone.is_empty() => (Channel::Sms, v.phone.clone()),
            _ => return Ok(()),
        };
        let attachment = (channel == Channel::Email)
            .then_some(ics)
            .flatten()
            .map(|body| MessageAttachment {
                name: "besok.ics".into(),
                content_type: "text/calendar; charset=utf-8".into(),
                body,
            });
        self.queue_message(
            tx,
            &Message {
                channel,
                customer_id: v.customer_id.map(domain::ids::CustomerId::new),
                recipient,
                subject,
                body,
                html: None,
                attachment,
                // A flag can be cleared and set again without the visit changing: each flagging
                // is its own message.
                dedupe_key: Some(if notice == Notice::Flagged {
                    format!("visit:{}:flagged:{}", v.id, self.now_micros())
                } else {
                    format!("visit:{}:{}:{}", v.id, notice.key(), v.sequence)
                }),
            },
        )
        .await?;
        Ok(())
    }
}

/// A failure worth one more try of the whole transaction (see `StoreError::is_transient`).
trait Transient {
    fn is_transient(&self) -> bool;
}

impl Transient for ServiceError {
    fn is_transient(&self) -> bool {
        matches!(self, ServiceError::Store(e) if e.is_transient())
    }
}

impl Transient for BookingError {
    fn is_transient(&self) -> bool {
        matches!(self, BookingError::Service(e) if e.is_transient())
    }
}

/// Runs `attempt` again, up to five times with a short pause, while it fails with a transient
/// database error (a PostgreSQL deadlock victim or serialization failure, SQLite busy).
async fn retry_transient<T, E, F, Fut>(mut attempt: F) -> Result<T, E>
where
    E: Transient,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut n = 0u64;
    loop {
        n += 1;
        match attempt().await {
            Err(e) if e.is_transient() && n < 5 => {
                tokio::time::sleep(std::time::Duration::from_millis(5 * n)).await;
            }
            other => return other,
        }
    }
}

/// Takes the places of `[start, end)` for `party`, bucket by bucket in ascending order, or fails
/// with [`BookingError::Full`] (the caller's transaction is then dropped, undoing any bucket
/// already taken).
async fn take_places(
    tx: &mut Tx,
    view: &SiteView,
    caps: &Caps,
    start: i64,
    end: i64,
    party: u32,
) -> Result<(), BookingError> {
    for b in visits::buckets(start, end) {
        let cap = caps.cap_at(b);
        let desks = view.rules.staffed_desks_at(b);
        if party > cap || desks == 0 {
            return Err(BookingError::Full);
        }
        if !store::visits::take_bucket(
            tx,
            view.site.id,
            b,
            i64::from(party),
            i64::from(cap),
            i64::from(desks),
        )
        .await?
        {
            return Err(BookingError::Full);
        }
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Notice {
    ConfirmRequest,
    Confirmation,
    Reminder,
    Cancelled,
    Offer,
    Flagged,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::ConfirmRequest => "confirm-request",
            Notice::Confirmation => "confirmation",
            Notice::Reminder => "reminder",
            Notice::Cancelled => "cancelled",
            Notice::Offer => "offer",
            Notice::Flagged => "flagged",
        }
    }

    fn text(
        self,
        en: bool,
        when: &str,
        service: &str,
        place: &str,
        people: i64,
        link: &str,
    ) -> (String, String) {
        if en {
            match self {
                Notice::ConfirmRequest => (
                    "Confirm your visit to the customer centre".into(),
                    format!(
                        "Confirm your booking {when} ({service}, {people} people) within 30 minutes, or it is released:\n{link}\n\n{place}"
                    ),
                ),
                Notice::Confirmation => (
                    format!("Booked: customer centre {when}"),
                    format!(
                        "Welcome to {place} on {when} ({service}, {people} people).\nCancel or change the time: {link}"
                    ),
                ),
                Notice::Reminder => (
                    format!("Reminder: customer centre tomorrow {when}"),
                    format!(
                        "Your visit to {place} is tomorrow, {when} ({service}).\nCancel or change the time: {link}"
                    ),
                ),
                Notice::Cancelled => (
                    "Your visit is cancelled".into(),
                    format!("Your visit {when} ({service}) is cancelled. Book a new time: {link}"),
                ),
                Notice::Offer => (
                    "A time has become free at the customer centre".into(),
                    format!(
                        "You are on the waitlist: {when} ({service}) is free for you. Accept it within two hours: {link}"
                    ),
                ),
                Notice::Flagged => (
                    "Please choose a new time for your visit".into(),
                    format!(
                        "Fewer people may be in the customer centre at once now. Your visit {when} ({service}) is kept, but please choose another time if you can: {link}"
                    ),
                ),
            }
        } else {
            match self {
                Notice::ConfirmRequest => (
                    "Bekräfta ditt besök hos kundcenter".into(),
                    format!(
                        "Bekräfta din bokning {when} ({service}, {people} pers.) inom 30 minuter, annars släpps tiden:\n{link}\n\n{place}"
                    ),
                ),
                Notice::Confirmation => (
                    format!("Bokat: kundcenter {when}"),
                    format!(
                        "Välkommen till {place} {when} ({service}, {people} pers.).\nAvboka eller boka om: {link}"
                    ),
                ),
                Notice::Reminder => (
                    format!("Påminnelse: kundcenter i morgon {when}"),
                    format!(
                        "Ditt besök hos {place} är i morgon, {when} ({service}).\nAvboka eller boka om: {link}"
                    ),
                ),
                Notice::Cancelled => (
                    "Ditt besök är avbokat".into(),
                    format!("Ditt besök {when} ({service}) är avbokat. Boka en ny tid: {link}"),
                ),
                Notice::Offer => (
                    "En tid har blivit ledig hos kundcenter".into(),
                    format!(
                        "Du står i kö: {when} ({service}) är ledig för dig. Tacka ja inom två timmar: {link}"
                    ),
                ),
                Notice::Flagged => (
                    "Välj gärna en ny tid för ditt besök".into(),
                    format!(
                        "Färre personer får vara i kundcentret samtidigt nu. Ditt besök {when} ({service}) finns kvar, men välj gärna en annan tid: {link}"
                    ),
                ),
            }
        }
    }
}
