//! Absence: reported by the person from a phone-sized page, or by a manager for them; a reason
//! category only, never a diagnosis; purged after the retention the settings give.

use domain::continuity::{AbsenceReason, ContinuityProblem};
use domain::ids::{AbsenceId, StaffId};
use domain::problem::Problem;
use jiff::civil::Date;
use store::continuity::{AbsenceRow, StaffRow};

use super::world::plus;
use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// How far back an absence may start, and how long one report may last.
const MAX_DAYS_BACK: i64 = 14;
const MAX_LENGTH_DAYS: i64 = 366;

/// An absence as reported: from the first day away to the last (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbsenceInput {
    pub reason: AbsenceReason,
    pub from: Date,
    /// The last day away (the day before the expected return).
    pub to: Date,
}

/// An absence with the person's name, for the manager's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbsenceLine {
    pub absence: AbsenceRow,
    pub name: String,
    pub employee_number: Option<String>,
}

impl Continuity {
    fn check_absence(&self, input: &AbsenceInput) -> Result<()> {
        let today = self.s.today();
        if input.to < input.from {
            return Err(ServiceError::invalid("to", Problem::EndsBeforeStart));
        }
        if input.from < plus(today, -MAX_DAYS_BACK) || input.to < today {
            return Err(ServiceError::invalid("from", Problem::InThePast));
        }
        if (input.to - input.from).get_days() > MAX_LENGTH_DAYS as i32 {
            return Err(ServiceError::invalid(
                "to",
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_LENGTH_DAYS,
                },
            ));
        }
        Ok(())
    }

    /// The staff row the actor's account is linked to.
    pub async fn own_staff(&self, actor: &Actor) -> Result<Option<StaffRow>> {
        Self::require(actor, roles::OWN_ABSENCE)?;
        let Some(user) = actor.user_id else {
            return Ok(None);
        };
        Ok(store::continuity::staff_by_user(self.s.store(), user).await?)
    }

    /// The actor's own absences that have not ended.
    pub async fn own_absences(&self, actor: &Actor) -> Result<Vec<AbsenceRow>> {
        let Some(me) = self.own_staff(actor).await? else {
            return Ok(Vec::new());
        };
        Ok(store::continuity::absences_of(self.s.store(), me.id, self.s.today()).await?)
    }

    /// The actor reports their own absence.
    pub async fn report_own_absence(
        &self,
        actor: &Actor,
        input: &AbsenceInput,
    ) -> Result<AbsenceId> {
        let me = self
            .own_staff(actor)
            .await?
            .ok_or_else(|| ServiceError::conflict(ContinuityProblem::NotOnStaff))?;
        self.record_absence(actor, me.id, input).await
    }

    /// A manager reports someone's absence.
    pub async fn report_absence(
        &self,
        actor: &Actor,
        staff: StaffId,
        input: &AbsenceInput,
    ) -> Result<AbsenceId> {
        Self::require(actor, roles::MANAGE)?;
        store::continuity::staff_member(self.s.store(), staff)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.record_absence(actor, staff, input).await
    }

    /// A manager (or the API) reports an absence by employee number.
    pub async fn report_absence_by_number(
        &self,
        actor: &Actor,
        employee_number: &str,
        input: &AbsenceInput,
    ) -> Result<AbsenceId> {
        Self::require(actor, roles::MANAGE)?;
        let person = store::continuity::staff_by_number(self.s.store(), employee_number.trim())
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    "employee_number",
                    ContinuityProblem::UnknownStaff {
                        employee_number: employee_number.trim().to_owned(),
                    },
                )
            })?;
        self.record_absence(actor, person.id, input).await
    }

    async fn record_absence(
        &self,
        actor: &Actor,
        staff: StaffId,
        input: &AbsenceInput,
    ) -> Result<AbsenceId> {
        self.check_absence(input)?;
        let mut tx = self.s.store().begin().await?;
        let id = store::continuity::insert_absence(
            &mut tx,
            &store::continuity::NewAbsence {
                staff_id: staff,
                reason: input.reason,
                from_date: input.from,
                to_date: input.to,
                reported_by: &actor.name,
                now: self.s.now_micros(),
            },
        )
        .await?;
        // The audit log outlives the absence: it names the record, never the reason.
        self.audit(&mut tx, actor, "absence_reported", "absence", id.get(), "")
            .await?;
        tx.commit().await?;
        self.alert_red_shifts().await?;
        Ok(id)
    }

    /// Absences that meet the days `[from, to]`, with names (managers).
    pub async fn absences(&self, actor: &Actor, from: Date, to: Date) -> Result<Vec<AbsenceLine>> {
        Self::require(actor, roles::MANAGE)?;
        let staff = store::continuity::staff(self.s.store()).await?;
        Ok(
            store::continuity::absences_between(self.s.store(), from, to)
                .await?
                .into_iter()
                .map(|a| {
                    let p = staff.iter().find(|p| p.id == a.staff_id);
                    AbsenceLine {
                        name: p.map(|p| p.name.clone()).unwrap_or_default(),
                        employee_number: p.and_then(|p| p.employee_number.clone()),
                        absence: a,
                    }
                })
                .collect(),
        )
    }

    /// Takes back an absence: a manager any, a person their own.
    pub async fn withdraw_absence(&self, actor: &Actor, id: AbsenceId) -> Result<()> {
        let a = store::continuity::absence(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if Self::require(actor, roles::MANAGE).is_err() {
            let me = self.own_staff(actor).await?.ok_or(ServiceError::NotFound)?;
            if me.id != a.staff_id {
                return Err(ServiceError::NotFound);
            }
        }
        let mut tx = self.s.store().begin().await?;
        store::continuity::delete_absence(&mut tx, id).await?;
        self.audit(&mut tx, actor, "absence_withdrawn", "absence", id.get(), "")
            .await?;
        tx.commit().await?;
        self.alert_red_shifts().await?;
        Ok(())
    }

    /// Deletes absences whose last day is older than the retention (the nightly job).
    pub async fn purge_absences(&self) -> Result<u64> {
        let days = i64::from(self.settings().await?.absence_retention_days);
        let before = plus(self.s.today(), -days);
        let mut tx = self.s.store().begin().await?;
        let n = store::continuity::purge_absences(&mut tx, before).await?;
        if n > 0 {
            self.audit(
                &mut tx,
                &Actor::system(),
                "absences_purged",
                "absence",
                0,
                &n.to_string(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}
