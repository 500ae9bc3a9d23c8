//! Staff, functions, absences (the manager's list and everyone's own, phone-sized page) and the
//! settings of the working-time rules.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::continuity::{AbsenceReason, OvertimeBasis};
use domain::ids::{AbsenceId, StaffId};
use domain::problem::Problem;
use services::continuity::{AbsenceInput, ContinuitySettings, StaffInput, StaffView};
use views::Lang;
use views::continuity::*;
use views::pages::FieldError;

use super::super::{plus, refused, times};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, parse_id, render, see_other};

fn status_of(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn staff_line(lang: Lang, today: jiff::civil::Date, v: &StaffView) -> StaffLine {
    let soon = today
        .checked_add(jiff::Span::new().days(30))
        .unwrap_or(today);
    StaffLine {
        id: v.row.id.get(),
        number: v.row.employee_number.clone().unwrap_or_default(),
        name: v.row.name.clone(),
        team: v.row.team.clone(),
        competences: v
            .competences
            .iter()
            .map(|c| CompetenceView {
                code: c.code.clone(),
                expires: c.expires_on.map(|d| d.to_string()),
                warn: c.expires_on.is_some_and(|d| d <= soon),
            })
            .collect(),
        phone: v.row.phone.clone().unwrap_or_default(),
        email: v.row.email.clone().unwrap_or_default(),
        remote: v.row.remote_possible,
        hours: hours(lang, v.row.weekly_minutes),
        account: v.username.clone().unwrap_or_default(),
    }
}

/// Hours with a decimal comma in Swedish and a point in English.
fn hours(lang: Lang, minutes: i64) -> String {
    let h = domain::continuity::hours_text(minutes);
    if lang == Lang::En {
        h.replace(',', ".")
    } else {
        h
    }
}

pub async fn staff(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let list = state.services.continuity().staff(&ctx.actor()).await?;
    let today = state.services.today();
    let page = StaffPage {
        layout: ctx.layout(&state, "continuity-staff-title").await,
        staff: list
            .iter()
            .map(|v| staff_line(ctx.lang, today, v))
            .collect(),
        result: None,
    };
    render(StatusCode::OK, &page)
}

fn form_of(f: &FormData) -> StaffForm {
    StaffForm {
        number: f.get("employee_number").to_owned(),
        name: f.get("name").to_owned(),
        team: f.get("team").to_owned(),
        competences: f.get("competences").to_owned(),
        phone: f.get("phone").to_owned(),
        email: f.get("email").to_owned(),
        remote: f.get("remote_possible") == "true",
        hours: f.get("weekly_hours").to_owned(),
        username: f.get("username").to_owned(),
    }
}

fn input_of(form: &StaffForm) -> StaffInput {
    StaffInput {
        employee_number: form.number.clone(),
        name: form.name.clone(),
        team: form.team.clone(),
        competences: form.competences.clone(),
        phone: form.phone.clone(),
        email: form.email.clone(),
        remote_possible: if form.remote { "true" } else { "false" }.into(),
        weekly_hours: form.hours.clone(),
        username: form.username.clone(),
    }
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    form: StaffForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let page = StaffEditPage {
        layout: ctx.layout(state, "continuity-staff-title").await,
        id,
        form,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn staff_new(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let form = StaffForm {
        hours: "40".into(),
        ..Default::default()
    };
    edit_page(&state, &ctx, None, form, Vec::new()).await
}

pub async fn staff_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = state
        .services
        .continuity()
        .staff_member(&ctx.actor(), StaffId::new(id))
        .await?;
    let form = StaffForm {
        number: v.row.employee_number.clone().unwrap_or_default(),
        name: v.row.name.clone(),
        team: v.row.team.clone(),
        competences: domain::continuity::values::competences_text(&v.competences),
        phone: v.row.phone.clone().unwrap_or_default(),
        email: v.row.email.clone().unwrap_or_default(),
        remote: v.row.remote_possible,
        hours: domain::continuity::hours_text(v.row.weekly_minutes),
        username: v.username.clone().unwrap_or_default(),
    };
    edit_page(&state, &ctx, Some(id), form, Vec::new()).await
}

async fn save(state: &AppState, ctx: &Ctx, id: Option<i64>, f: &FormData) -> PageResult {
    let form = form_of(f);
    match state
        .services
        .continuity()
        .save_staff(&ctx.actor(), id.map(StaffId::new), &input_of(&form))
        .await
    {
        Ok(_) => Ok(see_other("/beredskap/personal")),
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            edit_page(state, ctx, id, form, errors).await
        }
    }
}

pub async fn staff_create(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    save(&state, &ctx, None, &f).await
}

pub async fn staff_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    save(&state, &ctx, Some(id), &f).await
}

pub async fn functions(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let list = state.services.continuity().functions(&ctx.actor()).await?;
    let page = FunctionsPage {
        layout: ctx.layout(&state, "continuity-functions-title").await,
        functions: list
            .iter()
            .map(|v| FunctionLine {
                id: v.function.id.get(),
                code: v.function.code.clone(),
                name: v.function.name.clone(),
                service: views::label(ctx.lang, v.function.service),
                competences: v.function.competences.join(", "),
                remote_ok: v.function.remote_ok,
                shifts: v
                    .shifts
                    .iter()
                    .map(|s| ShiftLine {
                        name: s.shift.clone(),
                        times: times(s),
                        min_staff: s.min_staff,
                        min_staff_crisis: s.min_staff_crisis,
                    })
                    .collect(),
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

// ---- absences ---------------------------------------------------------------------------------

fn reasons(lang: Lang, selected: &str) -> Vec<Choice> {
    AbsenceReason::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| Choice {
            value: r.as_str().to_owned(),
            label: views::label(lang, *r),
            selected: r.as_str() == selected || (selected.is_empty() && i == 0),
        })
        .collect()
}

/// The absence form: reason, first day away and the expected return (the day after the last).
fn absence_input(f: &FormData) -> Result<AbsenceInput, (&'static str, Problem)> {
    let reason = f
        .get("reason")
        .parse::<AbsenceReason>()
        .map_err(|e| ("reason", Problem::UnknownChoice(e)))?;
    let from = domain::time::parse_date(f.get("from").trim()).map_err(|e| ("from", e.into()))?;
    let back = domain::time::parse_date(f.get("back").trim()).map_err(|e| ("back", e.into()))?;
    if back <= from {
        return Err(("back", Problem::EndsBeforeStart));
    }
    Ok(AbsenceInput {
        reason,
        from,
        to: plus(back, -1),
    })
}

fn absence_view(lang: Lang, a: &services::continuity::AbsenceLine) -> AbsenceView {
    AbsenceView {
        id: a.absence.id.get(),
        name: a.name.clone(),
        number: a.employee_number.clone().unwrap_or_default(),
        reason: views::label(lang, a.absence.reason),
        from: a.absence.from_date.to_string(),
        to: a.absence.to_date.to_string(),
        reported_by: a.absence.reported_by.clone(),
    }
}

async fn absences_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let c = state.services.continuity();
    let today = state.services.today();
    let actor = ctx.actor();
    let list = c.absences(&actor, today, plus(today, 14)).await?;
    let staff = c.staff(&actor).await?;
    let page = AbsencesPage {
        layout: ctx.layout(state, "continuity-absences-title").await,
        absences: list.iter().map(|a| absence_view(ctx.lang, a)).collect(),
        people: staff
            .iter()
            .map(|p| Choice {
                value: p.row.id.to_string(),
                label: format!(
                    "{} ({})",
                    p.row.name,
                    p.row.employee_number.clone().unwrap_or_default()
                ),
                selected: false,
            })
            .collect(),
        reasons: reasons(ctx.lang, ""),
        from: today.to_string(),
        back: plus(today, 1).to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn absences(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    absences_page(&state, &ctx, None, Vec::new()).await
}

pub async fn absence_for(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let field = |field: &str, p: Problem| {
        vec![FieldError {
            field: field.to_owned(),
            message: views::explain(ctx.lang, &p),
        }]
    };
    let Ok(staff) = f.get("staff").parse::<i64>() else {
        return absences_page(&state, &ctx, None, field("staff", Problem::Required)).await;
    };
    let input = match absence_input(&f) {
        Ok(i) => i,
        Err((name, p)) => return absences_page(&state, &ctx, None, field(name, p)).await,
    };
    match state
        .services
        .continuity()
        .report_absence(&ctx.actor(), StaffId::new(staff), &input)
        .await
    {
        Ok(_) => {
            let ok = Some(ctx.t("continuity-absence-saved"));
            absences_page(&state, &ctx, ok, Vec::new()).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            absences_page(&state, &ctx, None, errors).await
        }
    }
}

pub async fn absence_withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    state
        .services
        .continuity()
        .withdraw_absence(&ctx.actor(), AbsenceId::new(id))
        .await?;
    let ok = Some(ctx.t("continuity-absence-withdrawn"));
    absences_page(&state, &ctx, ok, Vec::new()).await
}

async fn own_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let c = state.services.continuity();
    let actor = ctx.actor();
    let me = c.own_staff(&actor).await?;
    let today = state.services.today();
    let absences = c.own_absences(&actor).await?;
    let page = OwnAbsencePage {
        layout: ctx.layout(state, "continuity-own-absence-title").await,
        linked: me.is_some(),
        name: me.map(|m| m.name).unwrap_or_default(),
        reasons: reasons(ctx.lang, ""),
        from: today.to_string(),
        back: plus(today, 1).to_string(),
        absences: absences
            .iter()
            .map(|a| AbsenceView {
                id: a.id.get(),
                name: String::new(),
                number: String::new(),
                reason: views::label(ctx.lang, a.reason),
                from: a.from_date.to_string(),
                to: a.to_date.to_string(),
                reported_by: a.reported_by.clone(),
            })
            .collect(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn own_absence(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    own_page(&state, &ctx, None, Vec::new()).await
}

pub async fn own_absence_report(
    State(state): State<AppState>,
    ctx: Ctx,
    f: FormData,
) -> PageResult {
    let input = match absence_input(&f) {
        Ok(i) => i,
        Err((name, p)) => {
            let errors = vec![FieldError {
                field: name.to_owned(),
                message: views::explain(ctx.lang, &p),
            }];
            return own_page(&state, &ctx, None, errors).await;
        }
    };
    match state
        .services
        .continuity()
        .report_own_absence(&ctx.actor(), &input)
        .await
    {
        Ok(_) => {
            let ok = Some(ctx.t("continuity-absence-saved"));
            own_page(&state, &ctx, ok, Vec::new()).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            own_page(&state, &ctx, None, errors).await
        }
    }
}

pub async fn own_absence_withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    state
        .services
        .continuity()
        .withdraw_absence(&ctx.actor(), AbsenceId::new(id))
        .await?;
    let ok = Some(ctx.t("continuity-absence-withdrawn"));
    own_page(&state, &ctx, ok, Vec::new()).await
}

// ---- settings ---------------------------------------------------------------------------------

const SETTING_FIELDS: [&str; 8] = [
    "daily_rest_hours",
    "daily_window_hours",
    "weekly_rest_hours",
    "overtime_period_weeks",
    "overtime_period_hours",
    "overtime_month_hours",
    "overtime_year_hours",
    "absence_retention_days",
];

fn setting_values(s: &ContinuitySettings) -> [u32; 8] {
    let r = &s.rules;
    [
        r.daily_rest_hours,
        r.daily_window_hours,
        r.weekly_rest_hours,
        r.overtime_period_weeks,
        r.overtime_period_hours,
        r.overtime_month_hours,
        r.overtime_year_hours,
        s.absence_retention_days,
    ]
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    shown: Option<(&FormData, OvertimeBasis)>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let current = state.services.continuity().settings().await?;
    let values = setting_values(&current);
    let basis = shown.map_or(current.rules.overtime_basis, |(_, b)| b);
    let page = SettingsPage {
        layout: ctx.layout(state, "continuity-settings-title").await,
        fields: SETTING_FIELDS
            .iter()
            .zip(values)
            .map(|(name, v)| NumberField {
                name: (*name).to_owned(),
                label: ctx.t(&format!("continuity-setting-{name}")),
                value: shown.map_or(v.to_string(), |(f, _)| f.get(name).to_owned()),
            })
            .collect(),
        bases: OvertimeBasis::ALL
            .iter()
            .map(|b| Choice {
                value: b.as_str().to_owned(),
                label: views::label(ctx.lang, *b),
                selected: *b == basis,
            })
            .collect(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn settings(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    settings_page(&state, &ctx, None, None, Vec::new()).await
}

pub async fn save_settings(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let basis = f
        .get("overtime_basis")
        .parse::<OvertimeBasis>()
        .unwrap_or(OvertimeBasis::FourWeeks);
    let mut numbers = [0u32; 8];
    for (i, name) in SETTING_FIELDS.iter().enumerate() {
        match f.get(name).trim().parse::<u32>() {
            Ok(n) => numbers[i] = n,
            Err(_) => {
                let errors = vec![FieldError {
                    field: (*name).to_owned(),
                    message: views::explain(ctx.lang, &Problem::NotANumber),
                }];
                return settings_page(&state, &ctx, Some((&f, basis)), None, errors).await;
            }
        }
    }
    let s = ContinuitySettings {
        rules: domain::continuity::worktime::WorkingTimeRules {
            daily_rest_hours: numbers[0],
            daily_window_hours: numbers[1],
            weekly_rest_hours: numbers[2],
            overtime_basis: basis,
            overtime_period_weeks: numbers[3],
            overtime_period_hours: numbers[4],
            overtime_month_hours: numbers[5],
            overtime_year_hours: numbers[6],
        },
        absence_retention_days: numbers[7],
    };
    match state
        .services
        .continuity()
        .save_settings(&ctx.actor(), &s)
        .await
    {
        Ok(()) => {
            let ok = Some(ctx.t("continuity-settings-saved"));
            settings_page(&state, &ctx, None, ok, Vec::new()).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            settings_page(&state, &ctx, Some((&f, basis)), None, errors).await
        }
    }
}
