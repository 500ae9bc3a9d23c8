//! Cover for red shifts: one shift's candidates best first with why everyone else is excluded,
//! the exact assignment of a whole day's gaps, asking a person by text message with a signed
//! link, and their answer (an acceptance puts them on the roster).

use std::collections::HashMap;

use domain::continuity::cover::{Gap, Person, cost, evaluate};
use domain::continuity::worktime::Load;
use domain::continuity::{
    ContinuityPolicy, ContinuityProblem, CoverageStatus, Exclusion, RequestStatus, RosterSource,
};
use domain::ids::{CoverRequestId, ShiftId, StaffId};
use jiff::Timestamp;
use jiff::civil::Date;
use store::continuity::{CoverRequestRow, FunctionRow, ShiftRow, StaffRow};

use super::world::{Parts, World, plus, times};
use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// Someone who can cover the shift.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub staff: StaffRow,
    pub overtime_added_minutes: i64,
    /// Minutes already worked in the shift's week.
    pub week_minutes_before: i64,
    /// The ranking (lower is better).
    pub cost: i64,
    /// Where a request to this person for this shift stands, if one was made.
    pub request: Option<RequestStatus>,
}

/// Someone who cannot, and the first reason that applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub staff: StaffRow,
    pub reason: Exclusion,
}

/// One shift's cover.
#[derive(Clone, Debug)]
pub struct CoverList {
    pub function: FunctionRow,
    pub shift: ShiftRow,
    pub date: Date,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub required: i64,
    pub present: i64,
    pub status: CoverageStatus,
    pub candidates: Vec<Candidate>,
    pub excluded: Vec<Excluded>,
}

/// A red shift of the day and the people the day's best assignment puts on it.
#[derive(Clone, Debug)]
pub struct DayGap {
    pub function: FunctionRow,
    pub shift: ShiftRow,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub required: i64,
    pub present: i64,
    pub proposed: Vec<Candidate>,
    /// Places nobody can fill.
    pub open: i64,
}

/// The best assignment for all of a day's red shifts at once.
#[derive(Clone, Debug)]
pub struct DayProposal {
    pub date: Date,
    pub gaps: Vec<DayGap>,
}

/// A request as the person asked sees it.
#[derive(Clone, Debug)]
pub struct CoverRequestView {
    pub request: CoverRequestRow,
    pub name: String,
    pub function: String,
    pub shift: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// Everyone's standing for one shift: candidates best first, then the excluded.
fn evaluate_all(
    world: &World,
    loads: &HashMap<StaffId, Load>,
    function: &FunctionRow,
    shift: &ShiftRow,
    date: Date,
    policy: &ContinuityPolicy,
) -> (Vec<Candidate>, Vec<Excluded>) {
    let teams = world.teams_on(shift.id, date);
    let gap = Gap {
        date,
        span: times(shift).span(date, &world.tz),
        competences: &function.competences,
        teams: policy.team_separation.then_some(&teams),
    };
    let empty = Load::default();
    let mut candidates = Vec::new();
    let mut excluded = Vec::new();
    for p in &world.staff {
        let person = Person {
            team: &p.team,
            competences: world.competences.get(&p.id).map_or(&[][..], Vec::as_slice),
            absent: world.is_absent(p.id, date),
            load: loads.get(&p.id).unwrap_or(&empty),
            contract_minutes: p.weekly_minutes,
        };
        match evaluate(&person, &gap, &world.settings.rules, &world.tz) {
            Ok(a) => candidates.push(Candidate {
                staff: p.clone(),
                overtime_added_minutes: a.overtime_added_minutes,
                week_minutes_before: a.week_minutes_before,
                cost: cost(&a),
                request: None,
            }),
            Err(reason) => excluded.push(Excluded {
                staff: p.clone(),
                reason,
            }),
        }
    }
    let key = |s: &StaffRow| (s.employee_number.clone(), s.name.clone(), s.id);
    candidates.sort_by_key(|a| (a.cost, key(&a.staff)));
    excluded.sort_by_key(|a| (a.reason, key(&a.staff)));
    (candidates, excluded)
}

impl Continuity {
    /// Loads what cover needs for shifts starting on `date`: the whole year's roster (for the
    /// yearly overtime) and a month ahead.
    async fn cover_world(&self, date: Date) -> Result<World> {
        let from = plus(Date::new(date.year(), 1, 1).unwrap_or(date), -7);
        World::load(&self.s, from, plus(date, 35), Parts { competences: true }).await
    }

    /// One shift's candidates and the excluded, by function code and shift name.
    pub async fn cover(
        &self,
        actor: &Actor,
        function: &str,
        date: Date,
        shift: &str,
    ) -> Result<CoverList> {
        Self::require(actor, roles::MANAGE)?;
        let world = self.cover_world(date).await?;
        let f = world.function_by_code(function.trim()).ok_or_else(|| {
            ServiceError::invalid(
                "function",
                ContinuityProblem::UnknownFunction {
                    code: function.trim().to_owned(),
                },
            )
        })?;
        let s = world
            .shifts_of(f.id)
            .find(|s| s.shift == shift.trim())
            .ok_or_else(|| {
                ServiceError::invalid(
                    "shift",
                    ContinuityProblem::UnknownShift {
                        function: f.code.clone(),
                        shift: shift.trim().to_owned(),
                    },
                )
            })?;
        let o = world.occurrence(f, s, date, None);
        let policy = world.policy_at(o.starts_at);
        let loads = world.loads();
        let (mut candidates, excluded) = evaluate_all(&world, &loads, f, s, date, &policy);
        let requests =
            store::continuity::cover_requests_between(self.s.store(), date, date).await?;
        for c in &mut candidates {
            c.request = requests
                .iter()
                .find(|r| r.shift_id == s.id && r.staff_id == c.staff.id)
                .map(|r| r.status);
        }
        Ok(CoverList {
            function: f.clone(),
            shift: s.clone(),
            date,
            starts_at: o.starts_at,
            ends_at: o.ends_at,
            required: o.cell.required,
            present: o.cell.present(),
            status: o.status(),
            candidates,
            excluded,
        })
    }

    /// The best assignment for every red shift starting on `date`: as many places filled as
    /// possible, and among those the least overtime and load (an exact assignment; each person
    /// at most once).
    pub async fn day_proposal(&self, actor: &Actor, date: Date) -> Result<DayProposal> {
        Self::require(actor, roles::MANAGE)?;
        let world = self.cover_world(date).await?;
        Ok(propose(&world, date))
    }

    /// Asks a person to cover a shift: a text message (or e-mail) with a signed link to accept
    /// or decline. Asking again sends nothing new.
    pub async fn ask(
        &self,
        actor: &Actor,
        shift: ShiftId,
        date: Date,
        staff: StaffId,
    ) -> Result<CoverRequestId> {
        Self::require(actor, roles::MANAGE)?;
        let world = self.cover_world(date).await?;
        let s = world.shift(shift).ok_or(ServiceError::NotFound)?;
        let f = world
            .function(s.function_id)
            .ok_or(ServiceError::NotFound)?;
        let person = world.person(staff).ok_or(ServiceError::NotFound)?;
        let o = world.occurrence(f, s, date, None);
        if o.starts_at <= self.s.now() {
            return Err(ServiceError::conflict(ContinuityProblem::Started));
        }
        if o.cell.shortfall() == 0 {
            return Err(ServiceError::conflict(ContinuityProblem::NotNeeded));
        }
        let policy = world.policy_at(o.starts_at);
        let (candidates, excluded) = evaluate_all(&world, &world.loads(), f, s, date, &policy);
        if let Some(e) = excluded.iter().find(|e| e.staff.id == staff) {
            return Err(ServiceError::invalid(
                "staff",
                ContinuityProblem::Excluded { reason: e.reason },
            ));
        }
        debug_assert!(candidates.iter().any(|c| c.staff.id == staff));
        if person.phone.as_deref().is_none_or(|p| p.trim().is_empty())
            && person.email.as_deref().is_none_or(|e| e.trim().is_empty())
        {
            return Err(ServiceError::conflict(ContinuityProblem::Unreachable));
        }
        // The link secret exists before the write transaction opens (it is created in its own).
        self.s.link_token("cover", 0).await?;
        let mut tx = self.s.store().begin().await?;
        let (id, new) =
            store::continuity::ask(&mut tx, s.id, date, staff, &actor.name, self.s.now_micros())
                .await?;
        if new {
            let token = self.s.link_token("cover", id.get()).await?;
            let local = |t: Timestamp| {
                let dt = self.s.tz().to_datetime(t);
                i64::from(dt.hour()) * 60 + i64::from(dt.minute())
            };
            let message = views::messages::continuity::CoverRequest {
                name: person.name.clone(),
                function: f.name.clone(),
                shift: s.shift.clone(),
                date,
                starts: local(o.starts_at),
                ends: local(o.ends_at),
                link: format!("{}/tackning/{token}", self.s.public_url()),
            };
            self.tell_staff(
                &mut tx,
                person.phone.as_deref(),
                person.email.as_deref(),
                &message,
                format!("continuity:cover:{id}"),
            )
            .await?;
            self.audit(&mut tx, actor, "cover_asked", "cover_request", id.get(), "")
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The request a signed link stands for.
    pub async fn cover_request(&self, token: &str) -> Result<CoverRequestView> {
        let id = self
            .s
            .link_id("cover", token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let request = store::continuity::cover_request(self.s.store(), CoverRequestId::new(id))
            .await?
            .ok_or(ServiceError::NotFound)?;
        let store = self.s.store();
        let shifts = store::continuity::shifts(store).await?;
        let shift = shifts
            .iter()
            .find(|s| s.id == request.shift_id)
            .ok_or(ServiceError::NotFound)?;
        let function = store::continuity::functions(store)
            .await?
            .into_iter()
            .find(|f| f.id == shift.function_id)
            .ok_or(ServiceError::NotFound)?;
        let person = store::continuity::staff_member(store, request.staff_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (starts_at, ends_at) = times(shift).occurrence(request.on_date, self.s.tz());
        Ok(CoverRequestView {
            name: person.name,
            function: function.name,
            shift: shift.shift.clone(),
            starts_at,
            ends_at,
            request,
        })
    }

    /// The person's answer by the signed link. An acceptance is checked again (the shift still
    /// short, not started, the person still able to take it) and puts them on the roster; a
    /// request that no longer holds lapses.
    pub async fn answer_cover(
        &self,
        token: &str,
        accept: bool,
        address: &str,
    ) -> Result<RequestStatus> {
        let view = self.cover_request(token).await?;
        let r = &view.request;
        if r.status != RequestStatus::Asked {
            return Err(ServiceError::conflict(ContinuityProblem::Answered));
        }
        let actor = Actor {
            name: view.name.clone(),
            ..Actor::anonymous(address)
        };
        let now = self.s.now_micros();
        if !accept {
            let mut tx = self.s.store().begin().await?;
            if store::continuity::answer(&mut tx, r.id, RequestStatus::Declined, now).await? == 0 {
                return Err(ServiceError::conflict(ContinuityProblem::Answered));
            }
            self.audit(
                &mut tx,
                &actor,
                "cover_declined",
                "cover_request",
                r.id.get(),
                "",
            )
            .await?;
            tx.commit().await?;
            return Ok(RequestStatus::Declined);
        }
        let refusal = self.still_needed(r).await?;
        let mut tx = self.s.store().begin().await?;
        if let Some(problem) = refusal {
            store::continuity::answer(&mut tx, r.id, RequestStatus::Lapsed, now).await?;
            self.audit(
                &mut tx,
                &actor,
                "cover_lapsed",
                "cover_request",
                r.id.get(),
                "",
            )
            .await?;
            tx.commit().await?;
            return Err(ServiceError::conflict(problem));
        }
        if store::continuity::answer(&mut tx, r.id, RequestStatus::Accepted, now).await? == 0 {
            return Err(ServiceError::conflict(ContinuityProblem::Answered));
        }
        store::continuity::insert_roster(
            &mut tx,
            &[store::continuity::NewRosterEntry {
                staff_id: r.staff_id,
                shift_id: r.shift_id,
                on_date: r.on_date,
                source: RosterSource::Cover,
                deviation: None,
                created_by: &actor.name,
                now,
            }],
        )
        .await?;
        self.audit(
            &mut tx,
            &actor,
            "cover_accepted",
            "cover_request",
            r.id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        self.alert_red_shifts().await?;
        Ok(RequestStatus::Accepted)
    }

    /// Why an acceptance can no longer be taken, if it cannot.
    async fn still_needed(&self, r: &CoverRequestRow) -> Result<Option<ContinuityProblem>> {
        let world = self.cover_world(r.on_date).await?;
        let s = world.shift(r.shift_id).ok_or(ServiceError::NotFound)?;
        let f = world
            .function(s.function_id)
            .ok_or(ServiceError::NotFound)?;
        let o = world.occurrence(f, s, r.on_date, None);
        if o.starts_at <= self.s.now() {
            return Ok(Some(ContinuityProblem::Started));
        }
        if o.cell.shortfall() == 0 {
            return Ok(Some(ContinuityProblem::NotNeeded));
        }
        let policy = world.policy_at(o.starts_at);
        let (_, excluded) = evaluate_all(&world, &world.loads(), f, s, r.on_date, &policy);
        Ok(excluded
            .into_iter()
            .find(|e| e.staff.id == r.staff_id)
            .map(|e| ContinuityProblem::Excluded { reason: e.reason }))
    }
}

/// The day's best assignment from loaded data.
pub(crate) fn propose(world: &World, date: Date) -> DayProposal {
    let loads = world.loads();
    let mut gaps: Vec<(DayGap, Vec<Candidate>, i64)> = Vec::new();
    for f in &world.functions {
        for s in world.shifts_of(f.id) {
            let o = world.occurrence(f, s, date, None);
            if o.status() != CoverageStatus::Red {
                continue;
            }
            let policy = world.policy_at(o.starts_at);
            let (candidates, _) = evaluate_all(world, &loads, f, s, date, &policy);
            gaps.push((
                DayGap {
                    function: f.clone(),
                    shift: s.clone(),
                    starts_at: o.starts_at,
                    ends_at: o.ends_at,
                    required: o.cell.required,
                    present: o.cell.present(),
                    proposed: Vec::new(),
                    open: 0,
                },
                candidates,
                o.cell.shortfall(),
            ));
        }
    }
    // One slot per missing person; people indexed once over all gaps.
    let index: HashMap<StaffId, usize> = world
        .staff
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut slots: Vec<usize> = Vec::new();
    let mut costs: Vec<Vec<Option<i64>>> = Vec::new();
    for (g, (_, candidates, shortfall)) in gaps.iter().enumerate() {
        let mut row = vec![None; world.staff.len()];
        for c in candidates {
            if let Some(&i) = index.get(&c.staff.id) {
                row[i] = Some(c.cost);
            }
        }
        for _ in 0..*shortfall {
            slots.push(g);
            costs.push(row.clone());
        }
    }
    let assignment = domain::continuity::assign::assign(&costs);
    for (slot, person) in assignment.into_iter().enumerate() {
        let g = slots[slot];
        let (gap, candidates, _) = &mut gaps[g];
        match person.and_then(|i| world.staff.get(i)) {
            Some(p) => {
                if let Some(c) = candidates.iter().find(|c| c.staff.id == p.id) {
                    gap.proposed.push(c.clone());
                }
            }
            None => gap.open += 1,
        }
    }
    DayProposal {
        date,
        gaps: gaps.into_iter().map(|(g, _, _)| g).collect(),
    }
}
