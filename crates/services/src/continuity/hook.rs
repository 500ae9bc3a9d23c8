//! The continuity policy's hook for crisis mode: what a policy means, what a change of it would
//! do (shifts that turn red under higher minimums, staff told to work from home, meetings and
//! exercises postponed), and doing it once under a key. Continuity changes nothing for
//! customers.

use std::collections::BTreeSet;

use domain::continuity::{ContinuityPolicy, CoverageStatus, RaisedMinimum};
use domain::ids::{ExerciseId, StaffId};
use domain::policy::{Capability, CustomerChange, PolicyBody};
use futures_util::future::BoxFuture;
use views::messages::policy::ChangeItem;

use super::Continuity;
use super::world::{Parts, World, plus};
use crate::capability::{Effect, Impact, Measure, PolicyChange, PolicyHook};
use crate::error::{Result, ServiceError};

/// How far ahead a change's effect on the shifts is counted.
pub const HORIZON_DAYS: i64 = 14;

fn continuity(body: &PolicyBody) -> Result<&ContinuityPolicy> {
    match body {
        PolicyBody::Continuity(p) => Ok(p),
        other => Err(ServiceError::Internal(format!(
            "the continuity hook was given a {} policy",
            other.capability()
        ))),
    }
}

/// What a continuity policy says, one measure per line (what differs from everyday first).
pub fn measures(p: &ContinuityPolicy) -> Vec<Measure> {
    let mut out = Vec::new();
    if p.remote_work_default {
        out.push(Measure::new("continuity-measure-remote-work"));
    }
    if p.travel_limited {
        out.push(Measure::new("continuity-measure-travel-limited"));
    }
    if p.meetings_postponed {
        out.push(Measure::new("continuity-measure-meetings-postponed"));
    }
    if p.team_separation {
        out.push(Measure::new("continuity-measure-team-separation"));
    }
    match &p.raised_minimum {
        RaisedMinimum::None => {}
        RaisedMinimum::All => out.push(Measure::new("continuity-measure-raised-all")),
        RaisedMinimum::Functions(codes) => out.push(
            Measure::new("continuity-measure-raised-functions").with("functions", codes.join(", ")),
        ),
    }
    if out.is_empty() {
        out.push(Measure::new("continuity-measure-normal"));
    }
    out
}

/// What a change does, and what applying it needs.
struct Plan {
    impact: Impact,
    /// `(staff, told to work from home)` for everyone to tell.
    tell: Vec<(StaffId, bool)>,
    exercises: Vec<ExerciseId>,
}

impl Continuity {
    /// The effects of `change` computed from the live data; `key` adds what an earlier apply
    /// under it already did (so a repeated apply reports the same).
    async fn change_plan(&self, change: &PolicyChange, key: Option<&str>) -> Result<Plan> {
        let before = continuity(&change.before)?;
        let after = continuity(&change.after)?;
        let tz = self.s.tz().clone();
        let from = domain::time::civil_date(change.at, &tz);
        let mut to = plus(from, HORIZON_DAYS - 1);
        if let Some(until) = change.until {
            to = to.min(domain::time::civil_date(until, &tz));
        }
        let world = World::load(&self.s, plus(from, -1), to, Parts::default()).await?;
        let mut impact = Impact::new(Capability::Continuity);
        // Shifts whose status crosses red when the minimums change.
        let (mut red_ids, mut red_n, mut ok_ids, mut ok_n) =
            (BTreeSet::new(), 0i64, BTreeSet::new(), 0i64);
        for f in &world.functions {
            for s in world.shifts_of(f.id) {
                let mut d = plus(from, -1);
                while d <= to {
                    let was = world.occurrence(f, s, d, Some(before));
                    let now = world.occurrence(f, s, d, Some(after));
                    let in_window = was.starts_at >= change.at
                        && change.until.is_none_or(|u| was.starts_at < u);
                    if in_window {
                        let (r0, r1) = (
                            was.status() == CoverageStatus::Red,
                            now.status() == CoverageStatus::Red,
                        );
                        if r1 && !r0 {
                            red_ids.insert(s.id.get());
                            red_n += 1;
                        }
                        if r0 && !r1 {
                            ok_ids.insert(s.id.get());
                            ok_n += 1;
                        }
                    }
                    d = plus(d, 1);
                }
            }
        }
        impact
            .effects
            .push(count_of("shifts_turning_red", red_n, red_ids));
        impact
            .effects
            .push(count_of("shifts_no_longer_red", ok_n, ok_ids));
        // Staff told of the working arrangements when one that concerns everyone changes.
        let mut tell = Vec::new();
        if after.staff_measures_differ(before) {
            for p in &world.staff {
                let reachable = p.phone.as_deref().is_some_and(|x| !x.trim().is_empty())
                    || p.email.as_deref().is_some_and(|x| !x.trim().is_empty());
                if reachable {
                    let remote = after.remote_work_default && p.remote_possible;
                    tell.push((p.id, remote));
                }
            }
        }
        let told: Vec<i64> = tell.iter().map(|(s, _)| s.get()).collect();
        let remote: Vec<i64> = tell
            .iter()
            .filter(|(_, r)| *r && !before.remote_work_default)
            .map(|(s, _)| s.get())
            .collect();
        impact.effects.push(Effect::count("staff_told", told));
        impact
            .effects
            .push(Effect::count("staff_told_to_work_remotely", remote));
        // Exercises (meetings) in the policy's time postponed.
        let mut exercises = Vec::new();
        if after.meetings_postponed && !before.meetings_postponed {
            let until = change
                .until
                .map(|u| plus(domain::time::civil_date(u, &tz), -1));
            exercises = store::continuity::planned_exercises(self.s.store(), from, until)
                .await?
                .into_iter()
                .map(|e| e.id)
                .collect();
            if let Some(key) = key {
                exercises.extend(store::continuity::postponed_by(self.s.store(), key).await?);
            }
            exercises.sort();
            exercises.dedup();
        }
        impact.effects.push(Effect::count(
            "meetings_postponed",
            exercises.iter().map(|e| e.get()).collect(),
        ));
        Ok(Plan {
            impact,
            tell,
            exercises,
        })
    }

    async fn apply_change(&self, change: &PolicyChange, key: &str) -> Result<Impact> {
        let plan = self.change_plan(change, Some(key)).await?;
        let after = continuity(&change.after)?;
        let before = continuity(&change.before)?;
        let from = domain::time::civil_date(change.at, self.s.tz());
        let staff = store::continuity::staff(self.s.store()).await?;
        let mut tx = self.s.store().begin().await?;
        if !plan.exercises.is_empty() {
            let until = change
                .until
                .map(|u| plus(domain::time::civil_date(u, self.s.tz()), -1));
            store::continuity::postpone_exercises(&mut tx, from, until, key).await?;
        }
        for (id, remote) in &plan.tell {
            let Some(p) = staff.iter().find(|p| p.id == *id) else {
                continue;
            };
            let message = views::messages::continuity::Measures {
                name: p.name.clone(),
                from,
                remote_work: *remote,
                travel_limited: after.travel_limited,
                meetings_postponed: after.meetings_postponed,
            };
            self.tell_staff(
                &mut tx,
                p.phone.as_deref(),
                p.email.as_deref(),
                &message,
                format!("continuity:{key}:measures:{id}"),
            )
            .await?;
        }
        tx.commit().await?;
        // Higher minimums in force now may turn a shift within 48 hours red.
        if change.at <= self.s.now() && (after.raised_minimum != before.raised_minimum) {
            self.alert_red_shifts().await?;
        }
        Ok(plan.impact)
    }
}

fn count_of(key: &'static str, occurrences: i64, shifts: BTreeSet<i64>) -> Effect {
    Effect {
        key,
        value: occurrences,
        ids: shifts.into_iter().collect(),
    }
}

impl PolicyHook for Continuity {
    fn capability(&self) -> Capability {
        Capability::Continuity
    }

    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        continuity(policy).map(measures).unwrap_or_default()
    }

    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(async move { Ok(self.change_plan(change, None).await?.impact) })
    }

    fn apply<'a>(
        &'a self,
        change: &'a PolicyChange,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.apply_change(change, key))
    }

    fn change_item<'a>(&'a self, change: &'a CustomerChange) -> BoxFuture<'a, Result<ChangeItem>> {
        Box::pin(async move {
            Err(ServiceError::Internal(format!(
                "continuity records no customer changes, yet was asked to describe {change:?}"
            )))
        })
    }
}
