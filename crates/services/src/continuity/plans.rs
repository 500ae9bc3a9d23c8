//! Contingency plans (per function or for the whole company) with owner, last review, next
//! review and the measures they name; the reviews that are due; exercises logged with lessons.
//! The crisis log of crisis mode records decisions; this keeps the plans.

use domain::continuity::ExerciseStatus;
use domain::continuity::values;
use domain::ids::{ExerciseId, FunctionId, PlanId};
use domain::problem::Problem;
use jiff::civil::Date;
use store::continuity::{ExerciseRow, PlanRow};

use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// A plan as typed into the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanInput {
    /// A function's code, or empty for the whole company.
    pub function: String,
    pub title: String,
    pub owner: String,
    pub measures: String,
    pub next_review_on: String,
}

/// A plan with its function's name and its exercises.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub plan: PlanRow,
    pub function: Option<String>,
    pub exercises: Vec<ExerciseRow>,
    /// The next review is today or has passed.
    pub due: bool,
}

/// Every plan, the due reviews first.
#[derive(Clone, Debug)]
pub struct PlansOverview {
    pub plans: Vec<PlanView>,
    pub due: usize,
}

impl Continuity {
    /// Every plan with its exercises; those whose review is due first.
    pub async fn plans(&self, actor: &Actor) -> Result<PlansOverview> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let functions = store::continuity::functions(store).await?;
        let exercises = store::continuity::exercises(store).await?;
        let today = self.s.today();
        let mut plans: Vec<PlanView> = store::continuity::plans(store)
            .await?
            .into_iter()
            .map(|plan| PlanView {
                function: plan
                    .function_id
                    .and_then(|f| functions.iter().find(|x| x.id == f))
                    .map(|f| f.name.clone()),
                exercises: exercises
                    .iter()
                    .filter(|e| e.plan_id == plan.id)
                    .cloned()
                    .collect(),
                due: plan.next_review_on <= today,
                plan,
            })
            .collect();
        plans.sort_by_key(|p| (!p.due, p.plan.next_review_on, p.plan.id));
        let due = plans.iter().filter(|p| p.due).count();
        Ok(PlansOverview { plans, due })
    }

    pub async fn plan(&self, actor: &Actor, id: PlanId) -> Result<PlanView> {
        self.plans(actor)
            .await?
            .plans
            .into_iter()
            .find(|p| p.plan.id == id)
            .ok_or(ServiceError::NotFound)
    }

    /// Adds a plan (`id` none) or saves one.
    pub async fn save_plan(
        &self,
        actor: &Actor,
        id: Option<PlanId>,
        input: &PlanInput,
    ) -> Result<PlanId> {
        Self::require(actor, roles::MANAGE)?;
        let inv = |f: &'static str| move |p: Problem| ServiceError::invalid(f, p);
        let title = values::required_text(&input.title, 200).map_err(inv("title"))?;
        let owner = values::required_text(&input.owner, 100).map_err(inv("owner"))?;
        let measures = values::optional_text(&input.measures, 4000)
            .map_err(inv("measures"))?
            .unwrap_or_default();
        let next = domain::time::parse_date(input.next_review_on.trim())
            .map_err(|e| ServiceError::invalid("next_review_on", e))?;
        let function = self.function_id(&input.function).await?;
        let store = self.s.store();
        let last = match id {
            Some(id) => {
                store::continuity::plan(store, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?
                    .last_reviewed_on
            }
            None => None,
        };
        let p = store::continuity::NewPlan {
            function_id: function,
            title: &title,
            owner: &owner,
            measures: &measures,
            last_reviewed_on: last,
            next_review_on: next,
            by: &actor.name,
            now: self.s.now_micros(),
        };
        let mut tx = store.begin().await?;
        let id = match id {
            Some(id) => {
                store::continuity::update_plan(&mut tx, id, &p).await?;
                id
            }
            None => store::continuity::insert_plan(&mut tx, &p).await?,
        };
        self.audit(
            &mut tx,
            actor,
            "plan_saved",
            "contingency_plan",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a review today and sets the next one.
    pub async fn review_plan(&self, actor: &Actor, id: PlanId, next_review_on: Date) -> Result<()> {
        Self::require(actor, roles::MANAGE)?;
        let today = self.s.today();
        if next_review_on <= today {
            return Err(ServiceError::invalid("next_review_on", Problem::InThePast));
        }
        let store = self.s.store();
        let plan = store::continuity::plan(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = store.begin().await?;
        store::continuity::update_plan(
            &mut tx,
            id,
            &store::continuity::NewPlan {
                function_id: plan.function_id,
                title: &plan.title,
                owner: &plan.owner,
                measures: &plan.measures,
                last_reviewed_on: Some(today),
                next_review_on,
                by: &actor.name,
                now: self.s.now_micros(),
            },
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "plan_reviewed",
            "contingency_plan",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs an exercise of a plan: planned (a later day) or held (with its lessons).
    pub async fn log_exercise(
        &self,
        actor: &Actor,
        plan: PlanId,
        on_date: Date,
        held: bool,
        lessons: &str,
    ) -> Result<ExerciseId> {
        Self::require(actor, roles::MANAGE)?;
        let lessons = values::optional_text(lessons, 4000)
            .map_err(|p| ServiceError::invalid("lessons", p))?
            .unwrap_or_default();
        let today = self.s.today();
        let status = if held {
            if on_date > today {
                return Err(ServiceError::invalid(
                    "on_date",
                    domain::continuity::ContinuityProblem::NotYetHeld,
                ));
            }
            if lessons.is_empty() {
                return Err(ServiceError::invalid("lessons", Problem::Required));
            }
            ExerciseStatus::Held
        } else {
            if on_date < today {
                return Err(ServiceError::invalid("on_date", Problem::InThePast));
            }
            ExerciseStatus::Planned
        };
        let store = self.s.store();
        store::continuity::plan(store, plan)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = store.begin().await?;
        let id = store::continuity::insert_exercise(
            &mut tx,
            &store::continuity::NewExercise {
                plan_id: plan,
                on_date,
                status,
                lessons: &lessons,
                by: &actor.name,
                now: self.s.now_micros(),
            },
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "exercise_logged",
            "contingency_exercise",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A function's id by code (empty: none).
    async fn function_id(&self, code: &str) -> Result<Option<FunctionId>> {
        let code = code.trim();
        if code.is_empty() {
            return Ok(None);
        }
        store::continuity::functions(self.s.store())
            .await?
            .into_iter()
            .find(|f| f.code == code)
            .map(|f| Some(f.id))
            .ok_or_else(|| {
                ServiceError::invalid(
                    "function",
                    domain::continuity::ContinuityProblem::UnknownFunction {
                        code: code.to_owned(),
                    },
                )
            })
    }
}
