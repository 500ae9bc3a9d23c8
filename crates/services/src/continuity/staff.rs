//! The staff (teams, competences with expiry, contact details, contracted hours, the account
//! a person logs in with) and the critical functions with their shifts, as managers read and
//! edit them.

use std::collections::HashMap;

use domain::continuity::ContinuityProblem;
use domain::continuity::values::{self, Competence};
use domain::ids::StaffId;
use domain::problem::Problem;
use store::continuity::{FunctionRow, NewStaff, ShiftRow, StaffRow};

use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// A person with their competences and the account linked to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffView {
    pub row: StaffRow,
    pub competences: Vec<Competence>,
    pub username: Option<String>,
}

/// A function with its shifts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionView {
    pub function: FunctionRow,
    pub shifts: Vec<ShiftRow>,
}

/// A person as typed into the form or a row of the import file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffInput {
    pub employee_number: String,
    pub name: String,
    pub team: String,
    /// `code` or `code:YYYY-MM-DD`, separated by `;`.
    pub competences: String,
    pub phone: String,
    pub email: String,
    pub remote_possible: String,
    /// Contracted hours a week; empty: 40.
    pub weekly_hours: String,
    /// The account to link (forms only; empty: none).
    pub username: String,
}

/// A person parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedStaff {
    pub employee_number: String,
    pub name: String,
    pub team: String,
    pub competences: Vec<Competence>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub remote_possible: bool,
    pub weekly_minutes: i64,
}

impl ParsedStaff {
    pub fn as_new(&self, now: i64) -> NewStaff<'_> {
        NewStaff {
            employee_number: &self.employee_number,
            name: &self.name,
            team: &self.team,
            phone: self.phone.as_deref(),
            email: self.email.as_deref(),
            remote_possible: self.remote_possible,
            weekly_minutes: self.weekly_minutes,
            now,
        }
    }

    /// Whether the stored person already says all this.
    pub fn same_as(&self, row: &StaffRow, competences: &[Competence]) -> bool {
        row.employee_number.as_deref() == Some(self.employee_number.as_str())
            && row.name == self.name
            && row.team == self.team
            && row.phone == self.phone
            && row.email == self.email
            && row.remote_possible == self.remote_possible
            && row.weekly_minutes == self.weekly_minutes
            && competences == self.competences.as_slice()
    }
}

/// Parses a person; the error names the field.
pub(crate) fn parse_staff(i: &StaffInput) -> Result<ParsedStaff, (&'static str, Problem)> {
    let employee_number =
        values::employee_number(&i.employee_number).map_err(|p| ("employee_number", p))?;
    let name = values::required_text(&i.name, 100).map_err(|p| ("name", p))?;
    let team = values::optional_text(&i.team, 40)
        .map_err(|p| ("team", p))?
        .unwrap_or_default();
    let competences = values::competences(&i.competences).map_err(|p| ("competences", p))?;
    let phone = values::optional_text(&i.phone, 30).map_err(|p| ("phone", p))?;
    let email = values::optional_text(&i.email, 200).map_err(|p| ("email", p))?;
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(("email", ContinuityProblem::BadEmail.into()));
    }
    let remote_possible = match i.remote_possible.trim() {
        "" => false,
        s => values::boolean(s).map_err(|p| ("remote_possible", p))?,
    };
    let weekly_minutes = match i.weekly_hours.trim() {
        "" => 40 * 60,
        s => values::weekly_hours(s).map_err(|p| ("weekly_hours", p))?,
    };
    Ok(ParsedStaff {
        employee_number,
        name,
        team,
        competences,
        phone,
        email,
        remote_possible,
        weekly_minutes,
    })
}

impl Continuity {
    /// Everyone on the staff, with competences and linked accounts (managers).
    pub async fn staff(&self, actor: &Actor) -> Result<Vec<StaffView>> {
        Self::require(actor, roles::MANAGE)?;
        let store = self.s.store();
        let mut comp: HashMap<StaffId, Vec<Competence>> = HashMap::new();
        for c in store::continuity::competences(store).await? {
            comp.entry(c.staff_id).or_default().push(c.competence);
        }
        let users: HashMap<StaffId, String> = store::continuity::linked_usernames(store)
            .await?
            .into_iter()
            .collect();
        Ok(store::continuity::staff(store)
            .await?
            .into_iter()
            .map(|row| StaffView {
                competences: comp.remove(&row.id).unwrap_or_default(),
                username: users.get(&row.id).cloned(),
                row,
            })
            .collect())
    }

    pub async fn staff_member(&self, actor: &Actor, id: StaffId) -> Result<StaffView> {
        Self::require(actor, roles::MANAGE)?;
        let store = self.s.store();
        let row = store::continuity::staff_member(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let username = store::continuity::linked_usernames(store)
            .await?
            .into_iter()
            .find(|(s, _)| *s == id)
            .map(|(_, u)| u);
        Ok(StaffView {
            competences: store::continuity::competences_of(store, id).await?,
            row,
            username,
        })
    }

    /// Adds a person (`id` none) or saves one; links the account named, if any.
    pub async fn save_staff(
        &self,
        actor: &Actor,
        id: Option<StaffId>,
        input: &StaffInput,
    ) -> Result<StaffId> {
        Self::require(actor, roles::MANAGE)?;
        let p = parse_staff(input).map_err(|(f, p)| ServiceError::invalid(f, p))?;
        let store = self.s.store();
        let user = match input.username.trim() {
            "" => None,
            name => Some(
                store::users::by_username(store, name)
                    .await?
                    .filter(|u| u.customer_id.is_none())
                    .map(|u| u.id)
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            "username",
                            ContinuityProblem::UnknownAccount {
                                username: name.to_owned(),
                            },
                        )
                    })?,
            ),
        };
        if let Some(other) = store::continuity::staff_by_number(store, &p.employee_number).await?
            && Some(other.id) != id
        {
            return Err(ServiceError::invalid(
                "employee_number",
                ContinuityProblem::EmployeeNumberTaken {
                    employee_number: p.employee_number.clone(),
                },
            ));
        }
        let now = self.s.now_micros();
        let mut tx = store.begin().await?;
        let id = match id {
            Some(id) => {
                if store::continuity::update_staff(&mut tx, id, &p.as_new(now)).await? == 0 {
                    return Err(ServiceError::NotFound);
                }
                id
            }
            None => store::continuity::insert_staff(&mut tx, &p.as_new(now)).await?,
        };
        store::continuity::set_competences(&mut tx, id, &p.competences).await?;
        store::continuity::set_staff_user(&mut tx, id, user)
            .await
            .map_err(|e| {
                if e.is_conflict_on("user") {
                    ServiceError::invalid(
                        "username",
                        ContinuityProblem::AccountTaken {
                            username: input.username.trim().to_owned(),
                        },
                    )
                } else {
                    e.into()
                }
            })?;
        self.audit(&mut tx, actor, "staff_saved", "staff", id.get(), "")
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The critical functions with their shifts.
    pub async fn functions(&self, actor: &Actor) -> Result<Vec<FunctionView>> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let shifts = store::continuity::shifts(store).await?;
        Ok(store::continuity::functions(store)
            .await?
            .into_iter()
            .map(|f| FunctionView {
                shifts: shifts
                    .iter()
                    .filter(|s| s.function_id == f.id)
                    .cloned()
                    .collect(),
                function: f,
            })
            .collect())
    }
}
