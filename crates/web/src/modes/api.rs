//! The crisis-mode API (bearer token of a staff account): modes, previews, activations and the
//! policies in force, as documented in `/api/openapi.json`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::ids::ModeId;
use domain::modes::StepPhase;
use domain::policy::{Capability, Preset};
use domain::problem::{Invalid, Problem};
use jiff::Timestamp;
use serde_json::{Value, json};
use services::modes::NewMode;

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::parse_id;

type ApiResult = Result<Response, AppError>;

fn mode_id(raw: &str) -> Result<ModeId, AppError> {
    Ok(ModeId::new(parse_id(raw)?))
}

fn body<T>(b: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, AppError> {
    b.map(|Json(t)| t)
        .map_err(|_| AppError::Invalid(Invalid::new("body", Problem::Required)))
}

fn instant(field: &'static str, s: &str) -> Result<Timestamp, AppError> {
    s.trim()
        .parse::<Timestamp>()
        .map_err(|_| AppError::Invalid(Invalid::new(field, Problem::NotADateTime)))
}

fn mode_json(view: &services::modes::ModeView) -> Value {
    json!({
        "id": view.row.id,
        "name": view.row.name,
        "description": view.row.description,
        "version": view.row.version,
        "policies": view.policies.iter().map(|(c, p)| (c.as_str(), serde_json::to_value(p).unwrap_or(Value::Null))).collect::<BTreeMap<_, _>>(),
    })
}

pub async fn modes(State(state): State<AppState>, ctx: Ctx) -> ApiResult {
    let rows = state.services.crisis().list(&ctx.actor()).await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|m| json!({"id": m.id, "name": m.name, "description": m.description, "version": m.version}))
        .collect();
    Ok(Json(list).into_response())
}

#[derive(serde::Deserialize)]
pub struct NewModeBody {
    name: String,
    #[serde(default)]
    description: String,
    /// `normal` or `pandemic`.
    preset: Option<String>,
    /// A mode to copy instead of a preset.
    copy_of: Option<ModeId>,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    b: Result<Json<NewModeBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let from = match (b.copy_of, b.preset.as_deref()) {
        (Some(id), _) => NewMode::Copy(id),
        (None, Some("pandemic")) => NewMode::Preset(Preset::Pandemic),
        (None, Some("normal") | None) => NewMode::Preset(Preset::Normal),
        (None, Some(other)) => {
            return Err(AppError::Invalid(Invalid::new(
                "preset",
                Problem::UnknownChoice(domain::code::UnknownCode {
                    set: "preset",
                    value: other.to_owned(),
                    expected: vec!["normal", "pandemic"],
                }),
            )));
        }
    };
    let crisis = state.services.crisis();
    let id = crisis
        .create(&ctx.actor(), &b.name, &b.description, from)
        .await?;
    let view = crisis.mode(&ctx.actor(), id).await?;
    Ok((StatusCode::CREATED, Json(mode_json(&view))).into_response())
}

pub async fn mode(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult {
    let view = state
        .services
        .crisis()
        .mode(&ctx.actor(), mode_id(&id)?)
        .await?;
    Ok(Json(mode_json(&view)).into_response())
}

#[derive(serde::Deserialize)]
pub struct IntervalBody {
    from: String,
    to: Option<String>,
    #[serde(default)]
    reason: String,
}

fn interval(b: &IntervalBody) -> Result<(Timestamp, Option<Timestamp>), AppError> {
    let from = instant("from", &b.from)?;
    let to = b.to.as_deref().map(|t| instant("to", t)).transpose()?;
    Ok((from, to))
}

pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    b: Result<Json<IntervalBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let (from, to) = interval(&b)?;
    let p = state
        .services
        .crisis()
        .preview(&ctx.actor(), mode_id(&id)?, from, to)
        .await?;
    Ok(Json(json!({
        "capabilities": p.effects(),
        "customers_to_notify": p.customers.len(),
    }))
    .into_response())
}

pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    b: Result<Json<IntervalBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let (from, to) = interval(&b)?;
    let crisis = state.services.crisis();
    let a = crisis
        .propose(&ctx.actor(), mode_id(&id)?, None, from, to, &b.reason)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": a, "status": "awaiting_approval"})),
    )
        .into_response())
}

async fn activation_json(state: &AppState, ctx: &Ctx, id: i64) -> Result<Value, AppError> {
    let view = state.services.crisis().activation(&ctx.actor(), id).await?;
    let mut caps: BTreeMap<&str, BTreeMap<String, i64>> = BTreeMap::new();
    let mut end: BTreeMap<&str, BTreeMap<String, i64>> = BTreeMap::new();
    for s in view.steps.iter().filter(|s| s.done_at.is_some()) {
        let into = match s.phase {
            StepPhase::End => &mut end,
            StepPhase::Start => &mut caps,
        };
        into.insert(s.capability.as_str(), s.effects.clone());
    }
    let micros = |t: i64| domain::time::from_micros(t).to_string();
    Ok(json!({
        "id": view.row.id,
        "mode": view.row.mode_id,
        "mode_version": view.row.mode_version,
        "status": view.row.status,
        "from": micros(view.row.starts_at),
        "to": view.row.ends_at.map(micros),
        "reason": view.row.reason,
        "capabilities": caps,
        "end": end,
    }))
}

pub async fn activation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_id(&id)?;
    Ok(Json(activation_json(&state, &ctx, id).await?).into_response())
}

pub async fn approve(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id)?;
    let crisis = state.services.crisis();
    crisis
        .approve(&ctx.actor(), id)
        .await
        .map_err(|e| match e {
            services::ServiceError::Conflict(Problem::Modes(
                domain::modes::ModeProblem::SamePerson,
            )) => AppError::Forbidden,
            other => other.into(),
        })?;
    Ok(Json(activation_json(&state, &ctx, id).await?).into_response())
}

#[derive(serde::Deserialize)]
pub struct EndBody {
    /// When it ends; now when absent.
    at: Option<String>,
    #[serde(default)]
    reason: String,
}

/// Asks to end an activation (a second person approves it with the same call, or on the page);
/// when the caller is not the one who asked, this call is the approval.
pub async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    b: Result<Json<EndBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let b = body(b)?;
    let actor = ctx.actor();
    let crisis = state.services.crisis();
    let row = crisis.activation(&actor, id).await?.row;
    let pending = row.end_proposed_by.is_some() && row.end_approved_at.is_none();
    if pending && row.end_proposed_by != actor.user_id {
        crisis.approve_end(&actor, id).await?;
        crisis.run_end(id).await?;
    } else {
        let at = match b.at.as_deref() {
            Some(t) => instant("at", t)?,
            None => state.services.now(),
        };
        crisis.propose_end(&actor, id, at, &b.reason).await?;
    }
    Ok(Json(activation_json(&state, &ctx, id).await?).into_response())
}

#[derive(serde::Deserialize)]
pub struct AtQuery {
    at: Option<String>,
}

pub async fn policies(State(state): State<AppState>, Query(q): Query<AtQuery>) -> ApiResult {
    let at = match q.at.as_deref() {
        Some(t) => instant("at", t)?,
        None => state.services.now(),
    };
    let mut out = BTreeMap::new();
    for &c in Capability::ALL {
        let p = state.services.policies().at(c, at).await?;
        out.insert(c.as_str(), serde_json::to_value(&p).unwrap_or(Value::Null));
    }
    Ok(Json(json!({"at": at.to_string(), "policies": out})).into_response())
}

/// The paths of the crisis-mode API, as the OpenAPI document lists them.
pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("get", "/api/v1/modes"),
        ("post", "/api/v1/modes"),
        ("get", "/api/v1/modes/{id}"),
        ("post", "/api/v1/modes/{id}/preview"),
        ("post", "/api/v1/modes/{id}/activations"),
        ("get", "/api/v1/activations/{id}"),
        ("post", "/api/v1/activations/{id}/approve"),
        ("post", "/api/v1/activations/{id}/end"),
        ("get", "/api/v1/policies"),
    ]
}

/// Crisis modes' part of the OpenAPI document: `(paths, schemas)`.
pub fn openapi() -> (Value, Value) {
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let id_param = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64", "minimum": 1 } });
    let capabilities: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
    let effects = json!({ "type": "object", "description": "Per capability, each effect's key and value: a count, or by the key's ending an amount in öre (_ore), a day as yyyymmdd, 0 for none (_date), a time of day as hhmm (_time)",
        "additionalProperties": { "type": "object", "additionalProperties": { "type": "integer" } } });
    let ok = |description: &str, schema: Value| json!({ "description": description, "content": { "application/json": { "schema": schema } } });
    let reference = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let request = |name: &str| json!({ "required": true, "content": { "application/json": { "schema": reference(name) } } });
    let schemas = json!({
        "ModeSummary": { "type": "object", "required": ["id", "name", "version"], "properties": {
            "id": { "type": "integer" }, "name": { "type": "string" }, "description": { "type": "string" },
            "version": { "type": "integer", "description": "Raised by every saved change" } } },
        "Mode": { "type": "object", "required": ["id", "name", "version", "policies"], "properties": {
            "id": { "type": "integer" }, "name": { "type": "string" }, "description": { "type": "string" },
            "version": { "type": "integer" },
            "policies": { "type": "object", "description": "One policy per capability, keyed by capability",
                "properties": capabilities.iter().map(|c| (c.to_string(), json!({ "type": "object" }))).collect::<serde_json::Map<_, _>>() } } },
        "NewMode": { "type": "object", "required": ["name"], "properties": {
            "name": { "type": "string" }, "description": { "type": "string" },
            "preset": { "type": "string", "enum": ["normal", "pandemic"], "description": "The preset to start from (normal by default)" },
            "copy_of": { "type": "integer", "description": "A mode to copy instead of a preset" } } },
        "Interval": { "type": "object", "required": ["from"], "properties": {
            "from": { "type": "string", "format": "date-time" },
            "to": { "type": "string", "format": "date-time", "nullable": true, "description": "A planned end, or null for until ended by hand" },
            "reason": { "type": "string", "description": "Why (required when proposing an activation)" } } },
        "Preview": { "type": "object", "required": ["capabilities", "customers_to_notify"], "properties": {
            "capabilities": effects,
            "customers_to_notify": { "type": "integer", "description": "Customers who get one message each" } } },
        "Activation": { "type": "object", "required": ["id", "mode", "status", "from", "capabilities"], "properties": {
            "id": { "type": "integer" }, "mode": { "type": "integer" }, "mode_version": { "type": "integer" },
            "status": { "type": "string", "enum": ["awaiting_approval", "scheduled", "activating", "active", "ending", "ended", "rejected", "withdrawn"] },
            "from": { "type": "string", "format": "date-time" },
            "to": { "type": "string", "format": "date-time", "nullable": true },
            "reason": { "type": "string" },
            "capabilities": effects,
            "end": { "type": "object", "description": "The revert's effects per capability, as done so far" } } },
        "EndRequest": { "type": "object", "properties": {
            "at": { "type": "string", "format": "date-time", "description": "When it ends (now by default)" },
            "reason": { "type": "string" } } },
        "PoliciesInForce": { "type": "object", "required": ["at", "policies"], "properties": {
            "at": { "type": "string", "format": "date-time" },
            "policies": { "type": "object", "description": "The policy in force per capability" } } }
    });
    let paths = json!({
        "/api/v1/modes": {
            "get": { "summary": "The modes", "operationId": "listModes",
                "responses": { "200": ok("Modes", json!({ "type": "array", "items": reference("ModeSummary") })), "401": error, "403": error } },
            "post": { "summary": "Create a mode from a preset or as a copy of another", "operationId": "createMode",
                "requestBody": request("NewMode"),
                "responses": { "201": ok("Created", reference("Mode")), "401": error, "403": error, "404": error, "422": error } } },
        "/api/v1/modes/{id}": { "get": { "summary": "One mode with its policies", "operationId": "getMode", "parameters": [id_param],
            "responses": { "200": ok("Mode", reference("Mode")), "401": error, "403": error, "404": error } } },
        "/api/v1/modes/{id}/preview": { "post": { "summary": "What activating the mode would change, computed from the live data", "operationId": "previewMode",
            "parameters": [id_param], "requestBody": request("Interval"),
            "responses": { "200": ok("Preview", reference("Preview")), "401": error, "403": error, "404": error, "422": error } } },
        "/api/v1/modes/{id}/activations": { "post": { "summary": "Propose an activation; a second person approves it", "operationId": "proposeActivation",
            "parameters": [id_param], "requestBody": request("Interval"),
            "responses": { "201": ok("Proposed", json!({ "type": "object", "properties": { "id": { "type": "integer" }, "status": { "type": "string", "enum": ["awaiting_approval"] } } })),
                "401": error, "403": error, "404": error, "409": error, "422": error } } },
        "/api/v1/activations/{id}": { "get": { "summary": "An activation's status and its effects per capability, as done so far", "operationId": "getActivation",
            "parameters": [id_param],
            "responses": { "200": ok("Activation", reference("Activation")), "401": error, "403": error, "404": error } } },
        "/api/v1/activations/{id}/approve": { "post": { "summary": "Approve an activation (not by the person who proposed it)", "operationId": "approveActivation",
            "parameters": [id_param],
            "responses": { "200": ok("Approved", reference("Activation")), "401": error, "403": error, "404": error, "409": error } } },
        "/api/v1/activations/{id}/end": { "post": { "summary": "Ask to end an activation; called by a second person, approves the end asked for", "operationId": "endActivation",
            "parameters": [id_param], "requestBody": request("EndRequest"),
            "responses": { "200": ok("Activation", reference("Activation")), "401": error, "403": error, "404": error, "409": error, "422": error } } },
        "/api/v1/policies": { "get": { "summary": "The policy in force per capability at an instant", "operationId": "policiesInForce",
            "parameters": [{ "name": "at", "in": "query", "required": false, "schema": { "type": "string", "format": "date-time" }, "description": "Now by default" }],
            "responses": { "200": ok("Policies", reference("PoliciesInForce")), "401": error, "403": error, "422": error } } }
    });
    (paths, schemas)
}
