//! Site administration: creating a site, its settings, weekly hours, dates with other hours and
//! services. A change that can leave booked visits above the desks re-checks the cap (visitors
//! of visits that no longer fit are told at once).

use domain::ids::{SiteId, SiteServiceId};
use domain::problem::Problem;
use domain::visits::{self as rules, BUCKET_MINUTES, OpeningSpan, VisitError};
use jiff::civil::{Date, Time};
use store::Tx;

use super::{CapReport, NewService, SiteSettings, Visits, roles};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// A new customer centre.
#[derive(Clone, Debug)]
pub struct NewSite {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub desks: i64,
}

/// Checks opening spans `(opens, closes, staffed desks)` of one day against a site with
/// `desks` desks; returns them as stored (minutes after midnight), in order.
fn check_spans(spans: &[(Time, Time, u32)], desks: i64) -> Result<Vec<(i64, i64, i64)>> {
    let mut rows = Vec::new();
    for (o, c, d) in spans {
        OpeningSpan::new(*o, *c, *d).map_err(|e| ServiceError::invalid("hours", e))?;
        if i64::from(*d) > desks {
            return Err(ServiceError::invalid(
                "staffed_desks",
                VisitError::StaffedDesks {
                    max: u32::try_from(desks).unwrap_or(0),
                },
            ));
        }
        let m = |t: &Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
        rows.push((m(o), m(c), i64::from(*d)));
    }
    rows.sort();
    if rows.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(ServiceError::invalid("hours", VisitError::SpanOverlap));
    }
    Ok(rows)
}

/// A number of a site's settings, within `min..=max`.
fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            field,
            Problem::OutOfRange { min, max },
        ))
    }
}

impl Visits {
    /// Creates a site with no hours or services yet.
    pub async fn create_site(&self, actor: &Actor, new: &NewSite) -> Result<SiteId> {
        roles::may(actor, roles::SITE_ADMINS)?;
        for (field, v) in [
            ("name", &new.name),
            ("street", &new.street),
            ("postal_code", &new.postal_code),
            ("city", &new.city),
        ] {
            if v.trim().is_empty() {
                return Err(ServiceError::invalid(field, Problem::Required));
            }
        }
        in_range("desks", new.desks, 1, 100)?;
        let mut tx = self.store().begin().await?;
        let id = store::visits::insert_site(
            &mut tx,
            &store::visits::NewSite {
                name: new.name.trim(),
                street: new.street.trim(),
                postal_code: new.postal_code.trim(),
                city: new.city.trim(),
                desks: new.desks,
                now: self.now(),
            },
        )
        .await?;
        self.audit_site(&mut tx, actor, id, "site_created").await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn audit_site(&self, tx: &mut Tx, actor: &Actor, id: SiteId, action: &str) -> Result<()> {
        audit::record(
            tx,
            &self.s,
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

    /// The site, or not found.
    async fn site_row(&self, site_id: SiteId) -> Result<store::visits::SiteRow> {
        store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Changes a site's desks, lead time, horizon and slot step; re-checks the cap afterwards.
    pub async fn update_site_settings(
        &self,
        actor: &Actor,
        site_id: SiteId,
        s: &SiteSettings<'_>,
    ) -> Result<CapReport> {
        roles::may(actor, roles::SITE_ADMINS)?;
        in_range("desks", s.desks, 1, 100)?;
        in_range("lead_minutes", s.lead_minutes, 0, 7 * 24 * 60)?;
        in_range("horizon_days", s.horizon_days, 1, 365)?;
        if !(5..=120).contains(&s.slot_step_minutes) || s.slot_step_minutes % BUCKET_MINUTES != 0 {
            return Err(ServiceError::invalid(
                "slot_step_minutes",
                VisitError::SlotStep,
            ));
        }
        let mut tx = self.store().begin().await?;
        if !store::visits::update_site(&mut tx, site_id, s).await? {
            return Err(ServiceError::NotFound);
        }
        self.audit_site(&mut tx, actor, site_id, "site_updated")
            .await?;
        tx.commit().await?;
        self.reconcile_caps().await
    }

    /// Replaces the opening spans of one weekday (1 = Monday); `spans` are
    /// `(opens, closes, staffed desks)`. Visits that no longer fit are flagged.
    pub async fn set_site_hours(
        &self,
        actor: &Actor,
        site_id: SiteId,
        weekday: i64,
        spans: &[(Time, Time, u32)],
    ) -> Result<CapReport> {
        roles::may(actor, roles::SITE_ADMINS)?;
        in_range("weekday", weekday, 1, 7)?;
        let site = self.site_row(site_id).await?;
        let rows = check_spans(spans, site.desks)?;
        let mut tx = self.store().begin().await?;
        store::visits::set_hours(&mut tx, site_id, weekday, &rows).await?;
        self.audit_site(&mut tx, actor, site_id, "site_hours_set")
            .await?;
        tx.commit().await?;
        self.reconcile_caps().await
    }

    /// Other hours on one date (no spans: closed). Visits that no longer fit are flagged.
    pub async fn set_site_exception(
        &self,
        actor: &Actor,
        site_id: SiteId,
        day: Date,
        spans: &[(Time, Time, u32)],
        note: &str,
    ) -> Result<CapReport> {
        roles::may(actor, roles::SITE_ADMINS)?;
        let site = self.site_row(site_id).await?;
        let rows = check_spans(spans, site.desks)?;
        let mut tx = self.store().begin().await?;
        store::visits::set_exception(&mut tx, site_id, day, &rows, note.trim()).await?;
        self.audit_site(&mut tx, actor, site_id, "site_exception_set")
            .await?;
        tx.commit().await?;
        self.reconcile_caps().await
    }

    pub async fn remove_site_exception(
        &self,
        actor: &Actor,
        site_id: SiteId,
        day: Date,
    ) -> Result<CapReport> {
        roles::may(actor, roles::SITE_ADMINS)?;
        let mut tx = self.store().begin().await?;
        store::visits::delete_exception(&mut tx, site_id, day).await?;
        self.audit_site(&mut tx, actor, site_id, "site_exception_removed")
            .await?;
        tx.commit().await?;
        self.reconcile_caps().await
    }

    /// Adds a service or changes the one with the same code.
    pub async fn save_site_service(
        &self,
        actor: &Actor,
        site_id: SiteId,
        s: &NewService<'_>,
    ) -> Result<SiteServiceId> {
        roles::may(actor, roles::SITE_ADMINS)?;
        if s.code.trim().is_empty()
            || !s
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ServiceError::invalid("code", VisitError::ServiceCode));
        }
        if s.name_sv.trim().is_empty() || s.name_en.trim().is_empty() {
            return Err(ServiceError::invalid("name_sv", VisitError::ServiceNames));
        }
        rules::check_duration(u32::try_from(s.duration_minutes).unwrap_or(0))
            .map_err(|e| ServiceError::invalid("duration_minutes", e))?;
        self.site_row(site_id).await?;
        let mut tx = self.store().begin().await?;
        let id = store::visits::upsert_service(&mut tx, site_id, s).await?;
        self.audit_site(&mut tx, actor, site_id, "site_service_saved")
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The usual set-up of a Swedish customer centre: weekdays 09–12 and 13–16 (Thursdays
    /// until 18), all desks staffed, and the four services of DESIGN §3.3.
    pub async fn set_up_standard_site(&self, actor: &Actor, site_id: SiteId) -> Result<()> {
        roles::may(actor, roles::SITE_ADMINS)?;
        let site = self.site_row(site_id).await?;
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
        // The services' names as the site writes them (data, like a site's own name).
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
                &NewService {
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
}
