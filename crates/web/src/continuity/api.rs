//! Continuity's JSON API (bearer token of a staff account), in the OpenAPI document: the
//! coverage board, reporting an absence, one shift's cover, and the situation report.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::continuity::AbsenceReason;
use domain::problem::{Invalid, Problem};
use serde_json::{Value, json};
use services::continuity::AbsenceInput;

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;

type ApiResult = Result<Response, AppError>;

fn required_date(
    field: &'static str,
    v: Option<&str>,
) -> Result<Option<jiff::civil::Date>, AppError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => domain::time::parse_date(s)
            .map(Some)
            .map_err(|e| AppError::Invalid(Invalid::new(field, e))),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CoverageParams {
    from: Option<String>,
    days: Option<String>,
}

/// `[{"function", "date", "shift", "required", "rostered", "present", "status"}]`.
pub async fn coverage(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<CoverageParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let from = required_date("from", q.from.as_deref())?.unwrap_or_else(|| state.services.today());
    let days = match q.days.as_deref().map(str::trim) {
        None | Some("") => 14,
        Some(d) => d
            .parse::<u32>()
            .map_err(|_| AppError::Invalid(Invalid::new("days", Problem::NotANumber)))?,
    };
    let board = state
        .services
        .continuity()
        .board(&ctx.actor(), from, days)
        .await?;
    let out: Vec<Value> = board
        .cells()
        .map(|(r, c)| {
            json!({
                "function": r.function.code,
                "date": c.date.to_string(),
                "shift": r.shift.shift,
                "required": c.required,
                "rostered": c.rostered,
                "present": c.present,
                "status": c.status.as_str(),
            })
        })
        .collect();
    Ok(Json(out).into_response())
}

#[derive(serde::Deserialize)]
pub struct AbsenceBody {
    employee_number: String,
    from: String,
    /// The last day absent, inclusive.
    to: String,
    reason: String,
}

/// Reports an absence: 201 with its id.
pub async fn absence(
    State(state): State<AppState>,
    ctx: Ctx,
    b: Result<Json<AbsenceBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(b) = b.map_err(|_| AppError::Invalid(Invalid::new("body", Problem::Required)))?;
    let reason = b
        .reason
        .trim()
        .parse::<AbsenceReason>()
        .map_err(|e| AppError::Invalid(Invalid::new("reason", Problem::UnknownChoice(e))))?;
    let from = required_date("from", Some(&b.from))?
        .ok_or_else(|| AppError::Invalid(Invalid::new("from", Problem::Required)))?;
    let to = required_date("to", Some(&b.to))?
        .ok_or_else(|| AppError::Invalid(Invalid::new("to", Problem::Required)))?;
    let id = state
        .services
        .continuity()
        .report_absence_by_number(
            &ctx.actor(),
            &b.employee_number,
            &AbsenceInput { reason, from, to },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct CoverParams {
    function: Option<String>,
    date: Option<String>,
    shift: Option<String>,
}

/// `{"candidates": [...], "excluded": [{"employee_number", "reason"}]}`.
pub async fn cover(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<CoverParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let need = |field: &'static str, v: Option<String>| {
        v.filter(|s| !s.trim().is_empty())
            .ok_or_else(|| AppError::Invalid(Invalid::new(field, Problem::Required)))
    };
    let function = need("function", q.function)?;
    let shift = need("shift", q.shift)?;
    let day = required_date("date", q.date.as_deref())?
        .ok_or_else(|| AppError::Invalid(Invalid::new("date", Problem::Required)))?;
    let list = state
        .services
        .continuity()
        .cover(&ctx.actor(), &function, day, &shift)
        .await?;
    Ok(Json(json!({
        "function": list.function.code,
        "date": day.to_string(),
        "shift": list.shift.shift,
        "required": list.required,
        "present": list.present,
        "status": list.status.as_str(),
        "candidates": list.candidates.iter().map(|c| json!({
            "employee_number": c.staff.employee_number,
            "name": c.staff.name,
            "team": c.staff.team,
            "overtime_added_minutes": c.overtime_added_minutes,
            "week_minutes": c.week_minutes_before,
            "request": c.request.map(|r| r.as_str()),
        })).collect::<Vec<_>>(),
        "excluded": list.excluded.iter().map(|e| json!({
            "employee_number": e.staff.employee_number,
            "reason": e.reason.as_str(),
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct ReportParams {
    date: Option<String>,
}

/// The situation report of a day (today by default) as issued.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<ReportParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let day = required_date("date", q.date.as_deref())?.unwrap_or_else(|| state.services.today());
    let r = state
        .services
        .continuity()
        .report_of(&ctx.actor(), day)
        .await?;
    Ok(Json(r).into_response())
}

pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("get", "/api/v1/continuity/coverage"),
        ("post", "/api/v1/continuity/absences"),
        ("get", "/api/v1/continuity/cover"),
        ("get", "/api/v1/continuity/situation-report"),
    ]
}

/// `(paths, schemas)` for the OpenAPI document.
pub fn openapi() -> (Value, Value) {
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let date_param = |name: &str, required: bool, description: &str| json!({ "name": name, "in": "query", "required": required, "schema": { "type": "string", "format": "date" }, "description": description });
    let status = json!({ "type": "string", "enum": ["green", "amber", "red"], "description": "green above the minimum in force, amber at it, red below it" });
    let figures = json!({ "type": "object", "required": ["status"], "properties": {
        "status": { "type": "string", "enum": ["available", "not_available"] },
        "figures": { "description": "Present when available" } } });
    let schemas = json!({
        "CoverageCell": { "type": "object", "required": ["function", "date", "shift", "required", "rostered", "present", "status"], "properties": {
            "function": { "type": "string", "description": "The function's code" },
            "date": { "type": "string", "format": "date", "description": "The day the shift starts" },
            "shift": { "type": "string" },
            "required": { "type": "integer", "description": "The minimum under the policy in force" },
            "rostered": { "type": "integer" },
            "present": { "type": "integer", "description": "Rostered minus absent" },
            "status": status } },
        "NewAbsence": { "type": "object", "required": ["employee_number", "from", "to", "reason"], "properties": {
            "employee_number": { "type": "string" },
            "from": { "type": "string", "format": "date" },
            "to": { "type": "string", "format": "date", "description": "The last day absent, inclusive" },
            "reason": { "type": "string", "enum": ["sick", "care_of_sick_child", "quarantine", "other"] } } },
        "Cover": { "type": "object", "required": ["candidates", "excluded"], "properties": {
            "candidates": { "type": "array", "description": "Best first", "items": { "type": "object", "required": ["employee_number"], "properties": {
                "employee_number": { "type": "string" }, "name": { "type": "string" }, "team": { "type": "string" },
                "overtime_added_minutes": { "type": "integer" }, "week_minutes": { "type": "integer" },
                "request": { "type": "string", "nullable": true, "enum": ["asked", "accepted", "declined", "lapsed", null] } } } },
            "excluded": { "type": "array", "items": { "type": "object", "required": ["employee_number", "reason"], "properties": {
                "employee_number": { "type": "string" },
                "reason": { "type": "string", "enum": ["absent", "competence", "already_rostered", "daily_rest", "weekly_rest", "overtime", "team_separation"], "description": "The first that applies, in this order" } } } } } },
        "SituationReport": { "type": "object", "required": ["date", "kind", "generated_at", "services", "staffing", "absence", "customers", "credit", "suppliers", "community"], "properties": {
            "date": { "type": "string", "format": "date" },
            "kind": { "type": "string", "enum": ["scheduled", "on_demand"] },
            "generated_at": { "type": "string", "format": "date-time" },
            "generated_by": { "type": "string" },
            "services": { "type": "array", "items": { "type": "object", "properties": {
                "service": { "type": "string", "enum": ["electricity", "district_heating", "water", "waste", "broadband", "customer_service", "it"] },
                "state": { "type": "string", "nullable": true, "enum": ["undisturbed", "disturbed", null] },
                "note": { "type": "string" } } } },
            "staffing": { "type": "array", "items": { "type": "object", "properties": {
                "function": { "type": "string" }, "name": { "type": "string" }, "status": status,
                "shifts": { "type": "array", "items": { "type": "object" } } } } },
            "absence": { "type": "array", "items": { "type": "object", "properties": { "reason": { "type": "string" }, "staff": { "type": "integer" } } } },
            "customers": { "type": "object", "properties": { "chat": figures, "open_cases": figures, "visits_today": figures, "campaign": figures } },
            "credit": figures, "suppliers": figures, "community": figures } }
    });
    let paths = json!({
        "/api/v1/continuity/coverage": { "get": { "summary": "The coverage board: every critical function × shift × day", "operationId": "continuityCoverage",
            "parameters": [date_param("from", false, "The first day (today by default)"),
                { "name": "days", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 31, "default": 14 } }],
            "responses": { "200": { "description": "Cells", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/CoverageCell" } } } } }, "401": error, "403": error, "422": error } } },
        "/api/v1/continuity/absences": { "post": { "summary": "Report an absence (a reason only, never a diagnosis)", "operationId": "continuityReportAbsence",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewAbsence" } } } },
            "responses": { "201": { "description": "Reported", "content": { "application/json": { "schema": { "type": "object", "properties": { "id": { "type": "integer" } } } } } }, "401": error, "403": error, "422": error } } },
        "/api/v1/continuity/cover": { "get": { "summary": "Who can cover a shift, and why the others cannot", "operationId": "continuityCover",
            "parameters": [
                { "name": "function", "in": "query", "required": true, "schema": { "type": "string" }, "description": "The function's code" },
                date_param("date", true, "The day the shift starts"),
                { "name": "shift", "in": "query", "required": true, "schema": { "type": "string" } }],
            "responses": { "200": { "description": "Cover", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Cover" } } } }, "401": error, "403": error, "422": error } } },
        "/api/v1/continuity/situation-report": { "get": { "summary": "The day's situation report (the latest issued; today's as it stands when none is)", "operationId": "continuitySituationReport",
            "parameters": [date_param("date", false, "The day (today by default)")],
            "responses": { "200": { "description": "Report", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SituationReport" } } } }, "401": error, "403": error, "404": error, "422": error } } }
    });
    (paths, schemas)
}
