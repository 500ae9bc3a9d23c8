//! The coverage board, one shift's cover, the day's proposal, asking a person, and the roster
//! editor.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use domain::continuity::{CoverageStatus, hours_text};
use domain::ids::{FunctionId, RosterEntryId, ShiftId, StaffId};
use services::continuity::{Candidate, RosterChange};
use views::Lang;
use views::continuity::*;
use views::pages::FieldError;

use super::super::{date, day_label, plus, refused, times, when};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, render, see_other};

/// How many days the board shows.
const BOARD_DAYS: u32 = 14;
/// How many days the roster editor shows.
const ROSTER_DAYS: u32 = 7;

#[derive(serde::Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    fran: String,
}

pub async fn board(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BoardQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let from = date(&q.fran).unwrap_or_else(|| state.services.today());
    let actor = ctx.actor();
    let c = state.services.continuity();
    let b = c.board(&actor, from, BOARD_DAYS).await?;
    let lang = ctx.lang;
    let mut heads: Vec<DayHead> = (0..BOARD_DAYS)
        .map(|i| {
            let d = plus(from, i64::from(i));
            DayHead {
                label: day_label(lang, d),
                day_href: None,
            }
        })
        .collect();
    let (mut red, mut amber) = (0, 0);
    let rows = b
        .rows
        .iter()
        .map(|r| BoardRowView {
            function: r.function.name.clone(),
            service: views::label(lang, r.function.service),
            shift: r.shift.shift.clone(),
            times: times(&r.shift),
            roster_href: format!("/beredskap/schema?funktion={}", r.function.id),
            cells: r
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    match c.status {
                        CoverageStatus::Red => {
                            red += 1;
                            if let Some(h) = heads.get_mut(i) {
                                h.day_href =
                                    Some(format!("/beredskap/bemanning/dag?datum={}", c.date));
                            }
                        }
                        CoverageStatus::Amber => amber += 1,
                        CoverageStatus::Green => {}
                    }
                    BoardCellView {
                        status: c.status.as_str().to_owned(),
                        label: views::label(lang, c.status),
                        required: c.required,
                        rostered: c.rostered,
                        present: c.present,
                        missing: c.missing.iter().map(|m| m.1.clone()).collect(),
                        deviations: c.deviations,
                        href: (c.status != CoverageStatus::Green).then(|| {
                            format!(
                                "/beredskap/bemanning/tackning?funktion={}&datum={}&pass={}",
                                r.function.code, c.date, r.shift.shift
                            )
                        }),
                    }
                })
                .collect(),
        })
        .collect();
    let policy = state
        .services
        .policies()
        .at(domain::policy::Capability::Continuity, state.services.now())
        .await?;
    let measures = state
        .services
        .hook(domain::policy::Capability::Continuity)
        .map(|h| h.describe(&policy))
        .unwrap_or_default()
        .iter()
        .map(|m| views::explain(lang, m))
        .collect();
    let page = BoardPage {
        layout: ctx.layout(&state, "continuity-board-title").await,
        heads,
        rows,
        red,
        amber,
        earlier: format!(
            "/beredskap/bemanning?fran={}",
            plus(from, -i64::from(BOARD_DAYS))
        ),
        later: format!(
            "/beredskap/bemanning?fran={}",
            plus(from, i64::from(BOARD_DAYS))
        ),
        measures,
    };
    render(StatusCode::OK, &page)
}

fn candidate_view(lang: Lang, c: &Candidate) -> CandidateView {
    CandidateView {
        staff_id: c.staff.id.get(),
        number: c.staff.employee_number.clone().unwrap_or_default(),
        name: c.staff.name.clone(),
        team: c.staff.team.clone(),
        overtime: hours_text(c.overtime_added_minutes),
        week: hours_text(c.week_minutes_before),
        request: c.request.map(|r| views::label(lang, r)),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CoverQuery {
    #[serde(default)]
    funktion: String,
    #[serde(default)]
    datum: String,
    #[serde(default)]
    pass: String,
}

async fn cover_page(
    state: &AppState,
    ctx: &Ctx,
    function: &str,
    day: jiff::civil::Date,
    shift: &str,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let list = state
        .services
        .continuity()
        .cover(&ctx.actor(), function, day, shift)
        .await?;
    let page = CoverPage {
        layout: ctx.layout(state, "continuity-board-title").await,
        function: list.function.name.clone(),
        shift: list.shift.shift.clone(),
        shift_id: list.shift.id.get(),
        date: day.to_string(),
        when: when(lang, day, list.starts_at, list.ends_at),
        required: list.required,
        present: list.present,
        status: list.status.as_str().to_owned(),
        status_label: views::label(lang, list.status),
        candidates: list
            .candidates
            .iter()
            .map(|c| candidate_view(lang, c))
            .collect(),
        excluded: list
            .excluded
            .iter()
            .map(|e| ExcludedView {
                number: e.staff.employee_number.clone().unwrap_or_default(),
                name: e.staff.name.clone(),
                team: e.staff.team.clone(),
                reason: views::label(lang, e.reason),
            })
            .collect(),
        result,
        errors,
    };
    render(StatusCode::OK, &page)
}

pub async fn cover(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<CoverQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let Some(day) = date(&q.datum) else {
        return Ok(see_other("/beredskap/bemanning"));
    };
    match cover_page(&state, &ctx, &q.funktion, day, &q.pass, None, Vec::new()).await {
        Err(crate::error::AppError::Invalid(_)) => Ok(see_other("/beredskap/bemanning")),
        other => other,
    }
}

async fn day_page(
    state: &AppState,
    ctx: &Ctx,
    day: jiff::civil::Date,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let p = state
        .services
        .continuity()
        .day_proposal(&ctx.actor(), day)
        .await?;
    let gaps = p
        .gaps
        .iter()
        .map(|g| GapView {
            function: g.function.name.clone(),
            shift: g.shift.shift.clone(),
            shift_id: g.shift.id.get(),
            when: when(lang, day, g.starts_at, g.ends_at),
            required: g.required,
            present: g.present,
            proposed: g.proposed.iter().map(|c| candidate_view(lang, c)).collect(),
            open: g.open,
            cover_href: format!(
                "/beredskap/bemanning/tackning?funktion={}&datum={day}&pass={}",
                g.function.code, g.shift.shift
            ),
        })
        .collect();
    let page = DayPage {
        layout: ctx.layout(state, "continuity-board-title").await,
        date: day.to_string(),
        date_label: day_label(lang, day),
        gaps,
        result,
        errors,
    };
    render(StatusCode::OK, &page)
}

#[derive(serde::Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    datum: String,
}

pub async fn day(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<DayQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let day = date(&q.datum).unwrap_or_else(|| state.services.today());
    day_page(&state, &ctx, day, None, Vec::new()).await
}

/// Asks a person to cover a shift; back to the cover page or the day's proposal.
pub async fn ask(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let (Ok(shift), Some(day), Ok(staff)) = (
        f.get("shift").parse::<i64>(),
        date(f.get("date")),
        f.get("staff").parse::<i64>(),
    ) else {
        return Ok(see_other("/beredskap/bemanning"));
    };
    let c = state.services.continuity();
    let shift = ShiftId::new(shift);
    let outcome = c.ask(&ctx.actor(), shift, day, StaffId::new(staff)).await;
    let (result, errors) = match outcome {
        Ok(_) => (Some(ctx.t("continuity-asked")), Vec::new()),
        Err(e) => (None, refused(ctx.lang, e)?),
    };
    if f.get("back") == "day" {
        return day_page(&state, &ctx, day, result, errors).await;
    }
    let shifts = c.functions(&ctx.actor()).await?;
    let Some(fv) = shifts
        .iter()
        .find(|fv| fv.shifts.iter().any(|s| s.id == shift))
    else {
        return Ok(see_other("/beredskap/bemanning"));
    };
    let name = fv
        .shifts
        .iter()
        .find(|s| s.id == shift)
        .map(|s| s.shift.clone())
        .unwrap_or_default();
    cover_page(&state, &ctx, &fv.function.code, day, &name, result, errors).await
}

#[derive(serde::Deserialize, Default)]
pub struct RosterQuery {
    #[serde(default)]
    funktion: String,
    #[serde(default)]
    fran: String,
}

struct RosterForm {
    staff: String,
    shift: String,
    date: String,
    deviation: String,
}

async fn roster_page(
    state: &AppState,
    ctx: &Ctx,
    function: FunctionId,
    from: jiff::civil::Date,
    form: Option<RosterForm>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let v = state
        .services
        .continuity()
        .roster(&ctx.actor(), function, from, ROSTER_DAYS)
        .await?;
    let form = form.unwrap_or(RosterForm {
        staff: String::new(),
        shift: String::new(),
        date: from.to_string(),
        deviation: String::new(),
    });
    let page = RosterPage {
        layout: ctx.layout(state, "continuity-board-title").await,
        function_id: v.function.id.get(),
        function: v.function.name.clone(),
        from: from.to_string(),
        earlier: format!(
            "/beredskap/schema?funktion={}&fran={}",
            function,
            plus(from, -7)
        ),
        later: format!(
            "/beredskap/schema?funktion={}&fran={}",
            function,
            plus(from, 7)
        ),
        shifts: v
            .shifts
            .iter()
            .map(|s| RosterShiftView {
                name: s.shift.shift.clone(),
                times: times(&s.shift),
                days: s
                    .days
                    .iter()
                    .map(|d| RosterDayView {
                        label: day_label(lang, d.date),
                        required: d.required,
                        present: d.present,
                        status: d.status.as_str().to_owned(),
                        status_label: views::label(lang, d.status),
                        entries: d
                            .entries
                            .iter()
                            .map(|(r, name, absent)| RosterEntryView {
                                id: r.id.get(),
                                name: name.clone(),
                                absent: *absent,
                                deviation: r.deviation_reason.clone(),
                                source: views::label(lang, r.source),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        people: v
            .qualified
            .iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: format!(
                    "{} ({})",
                    p.name,
                    p.employee_number.clone().unwrap_or_default()
                ),
                selected: p.id.to_string() == form.staff,
            })
            .collect(),
        shift_choices: v
            .shifts
            .iter()
            .map(|s| Choice {
                value: s.shift.id.to_string(),
                label: format!("{} {}", s.shift.shift, times(&s.shift)),
                selected: s.shift.id.to_string() == form.shift,
            })
            .collect(),
        date: form.date,
        deviation: form.deviation,
        result,
        errors,
    };
    render(
        if page.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &page,
    )
}

pub async fn roster(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<RosterQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let from = date(&q.fran).unwrap_or_else(|| state.services.today());
    let function = match q.funktion.parse::<i64>() {
        Ok(f) => FunctionId::new(f),
        Err(_) => {
            // Without a function: the first one, or the list of functions.
            let all = state.services.continuity().functions(&ctx.actor()).await?;
            match all.first() {
                Some(f) => f.function.id,
                None => return Ok(see_other("/beredskap/funktioner")),
            }
        }
    };
    roster_page(&state, &ctx, function, from, None, None, Vec::new()).await
}

pub async fn roster_add(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let Ok(function) = f.get("function").parse::<i64>() else {
        return Ok(see_other("/beredskap/schema"));
    };
    let function = FunctionId::new(function);
    let from = date(f.get("from")).unwrap_or_else(|| state.services.today());
    let form = RosterForm {
        staff: f.get("staff").to_owned(),
        shift: f.get("shift").to_owned(),
        date: f.get("date").to_owned(),
        deviation: f.get("deviation").to_owned(),
    };
    let bad = |field: &str, p: domain::problem::Problem| {
        vec![FieldError {
            field: field.to_owned(),
            message: views::explain(ctx.lang, &p),
        }]
    };
    let (staff, shift, day) = match (
        form.staff.parse::<i64>(),
        form.shift.parse::<i64>(),
        domain::time::parse_date(form.date.trim()),
    ) {
        (Ok(a), Ok(b), Ok(d)) => (StaffId::new(a), ShiftId::new(b), d),
        (Err(_), _, _) => {
            let e = bad("staff", domain::problem::Problem::Required);
            return roster_page(&state, &ctx, function, from, Some(form), None, e).await;
        }
        (_, Err(_), _) => {
            let e = bad("shift", domain::problem::Problem::Required);
            return roster_page(&state, &ctx, function, from, Some(form), None, e).await;
        }
        (_, _, Err(te)) => {
            let e = bad("date", te.into());
            return roster_page(&state, &ctx, function, from, Some(form), None, e).await;
        }
    };
    let change = RosterChange {
        staff,
        shift,
        date: day,
        deviation: Some(form.deviation.clone()).filter(|d| !d.trim().is_empty()),
    };
    match state
        .services
        .continuity()
        .add_to_roster(&ctx.actor(), &change)
        .await
    {
        Ok(_) => {
            let ok = Some(ctx.t("continuity-roster-added"));
            roster_page(&state, &ctx, function, from, None, ok, Vec::new()).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            roster_page(&state, &ctx, function, from, Some(form), None, errors).await
        }
    }
}

pub async fn roster_remove(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let (Ok(entry), Ok(function)) = (
        f.get("entry").parse::<i64>(),
        f.get("function").parse::<i64>(),
    ) else {
        return Ok(see_other("/beredskap/schema"));
    };
    let from = date(f.get("from")).unwrap_or_else(|| state.services.today());
    state
        .services
        .continuity()
        .remove_from_roster(&ctx.actor(), RosterEntryId::new(entry))
        .await?;
    let ok = Some(ctx.t("continuity-roster-removed"));
    roster_page(
        &state,
        &ctx,
        FunctionId::new(function),
        from,
        None,
        ok,
        Vec::new(),
    )
    .await
}
