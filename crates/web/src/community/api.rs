//! Community support's JSON API (bearer token of a staff account), in the OpenAPI document:
//! free broadband upgrades (ask, list), applications for event support, and the ledger.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::community::upgrades::Via;
use domain::problem::{Invalid, Problem};
use serde_json::{Value, json};
use services::community::{EventInput, UpgradeInput, UpgradeRow};

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;

type ApiResult = Result<Response, AppError>;

fn body_missing() -> AppError {
    AppError::Invalid(Invalid::new("body", Problem::Required))
}

fn upgrade_json(u: &UpgradeRow) -> Value {
    json!({
        "id": u.id.get(),
        "customer_number": u.customer_number,
        "speed_mbit": u.speed_mbit,
        "normal_speed_mbit": u.normal_speed_mbit,
        "from": u.from.to_string(),
        "to": u.to.to_string(),
        "state": u.state.as_str(),
    })
}

#[derive(serde::Deserialize)]
pub struct UpgradeBody {
    customer_number: String,
    speed_mbit: u32,
    from: String,
    /// The last day at the higher speed.
    to: String,
}

/// Asks for a free upgrade: 201 with the upgrade, or 409 naming why not.
pub async fn request_upgrade(
    State(state): State<AppState>,
    ctx: Ctx,
    b: Result<Json<UpgradeBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(b) = b.map_err(|_| body_missing())?;
    let input = UpgradeInput {
        customer_number: b.customer_number,
        speed_mbit: b.speed_mbit.to_string(),
        from: b.from,
        to: b.to,
    };
    let u = state
        .services
        .community()
        .request_upgrade(&ctx.actor(), Via::Api, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(upgrade_json(&u))).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct UpgradeParams {
    customer_number: Option<String>,
}

/// `[{"id", "customer_number", "speed_mbit", "from", "to", "state"}]` of one customer.
pub async fn upgrades(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<UpgradeParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let number = q
        .customer_number
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::Invalid(Invalid::new("customer_number", Problem::Required)))?;
    let list = state
        .services
        .community()
        .upgrades_by_number(&ctx.actor(), &number)
        .await?;
    Ok(Json(list.iter().map(upgrade_json).collect::<Vec<_>>()).into_response())
}

#[derive(serde::Deserialize)]
pub struct EventBody {
    organiser: String,
    org_number: String,
    date: String,
    place: String,
    expected_attendees: u32,
    /// Codes: `money`, `equipment`, `electricity`.
    needs: Vec<String>,
    #[serde(default)]
    amount_ore: Option<i64>,
    #[serde(default)]
    contact_name: Option<String>,
    #[serde(default)]
    contact_email: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// Takes in an application: 201 with its id, or 422 naming the field (above the gathering limit
/// in force on the event's day: the limit and its source).
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    b: Result<Json<EventBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(b) = b.map_err(|_| body_missing())?;
    let input = EventInput {
        organiser: b.organiser,
        org_number: b.org_number,
        contact_name: b.contact_name.unwrap_or_default(),
        contact_email: b.contact_email.unwrap_or_default(),
        date: b.date,
        place: b.place,
        expected_attendees: b.expected_attendees.to_string(),
        needs: b.needs,
        amount: b.amount_ore.map(kronor_text).unwrap_or_default(),
        description: b.description.unwrap_or_default(),
    };
    let id = state
        .services
        .community()
        .apply_for_event(&ctx.actor(), &input, false)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id.get()}))).into_response())
}

/// Öre as kronor written the Swedish way (`1234,50`), as the form would send them.
fn kronor_text(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

#[derive(serde::Deserialize, Default)]
pub struct LedgerParams {
    from: Option<String>,
    to: Option<String>,
}

/// `{"totals": {"<category>": öre, …}, "entries": [...]}` of a period (both days included).
pub async fn ledger(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<LedgerParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let date = |field: &'static str, v: Option<String>| -> Result<jiff::civil::Date, AppError> {
        let v = v
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| AppError::Invalid(Invalid::new(field, Problem::Required)))?;
        domain::time::parse_date(v.trim()).map_err(|e| AppError::Invalid(Invalid::new(field, e)))
    };
    let from = date("from", q.from)?;
    let to = date("to", q.to)?;
    let l = state
        .services
        .community()
        .ledger(&ctx.actor(), from, to)
        .await?;
    let tz = state.services.tz().clone();
    let totals: serde_json::Map<String, Value> = l
        .totals
        .by_category
        .iter()
        .map(|(c, m)| (c.as_str().to_owned(), json!(m.ore())))
        .collect();
    let entries: Vec<Value> = l
        .entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id.get(),
                "category": e.category.as_str(),
                "amount_ore": e.amount.ore(),
                "recipient": e.recipient,
                "recipient_kind": e.recipient_kind.as_str(),
                "org_number": e.recipient_org_number,
                "description": e.description,
                "quantity": e.quantity,
                "decided_by": e.decided_by,
                "decided_at": domain::time::format_datetime(e.decided_at, &tz),
                "reason": e.reason,
                "date": e.given_on.to_string(),
            })
        })
        .collect();
    Ok(Json(json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "totals": totals,
        "total_ore": l.totals.total.ore(),
        "entries": entries,
    }))
    .into_response())
}

pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("post", "/api/v1/broadband-upgrades"),
        ("get", "/api/v1/broadband-upgrades"),
        ("post", "/api/v1/events"),
        ("get", "/api/v1/community/ledger"),
    ]
}

/// `(paths, schemas)` for the OpenAPI document.
pub fn openapi() -> (Value, Value) {
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let date = json!({ "type": "string", "format": "date" });
    let categories = json!([
        "donation",
        "sponsorship",
        "summer_job_wages",
        "broadband_upgrade",
        "event_support"
    ]);
    let schemas = json!({
        "NewBroadbandUpgrade": { "type": "object", "required": ["customer_number", "speed_mbit", "from", "to"], "properties": {
            "customer_number": { "type": "string" },
            "speed_mbit": { "type": "integer", "minimum": 1, "description": "One of the speeds of the price list" },
            "from": date, "to": { "type": "string", "format": "date", "description": "The last day at the higher speed; the speed returns at the start of the next day" } } },
        "BroadbandUpgrade": { "type": "object", "required": ["id", "customer_number", "speed_mbit", "from", "to", "state"], "properties": {
            "id": { "type": "integer" }, "customer_number": { "type": "string" },
            "speed_mbit": { "type": "integer" }, "normal_speed_mbit": { "type": "integer" },
            "from": date, "to": date,
            "state": { "type": "string", "enum": ["scheduled", "active", "reverted", "cancelled"] } } },
        "NewEvent": { "type": "object", "required": ["organiser", "org_number", "date", "place", "expected_attendees", "needs"], "properties": {
            "organiser": { "type": "string" }, "org_number": { "type": "string", "description": "NNNNNN-NNNN" },
            "date": date, "place": { "type": "string" },
            "expected_attendees": { "type": "integer", "minimum": 1, "description": "At most the gathering limit in force on the event's date" },
            "needs": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": ["money", "equipment", "electricity"] } },
            "amount_ore": { "type": "integer", "minimum": 0 },
            "contact_name": { "type": "string" }, "contact_email": { "type": "string", "format": "email", "description": "Where the decision is sent" },
            "description": { "type": "string" } } },
        "CommunityLedger": { "type": "object", "required": ["totals", "entries"], "properties": {
            "from": date, "to": date,
            "totals": { "type": "object", "description": "Öre per category", "additionalProperties": { "type": "integer" } },
            "total_ore": { "type": "integer" },
            "entries": { "type": "array", "items": { "type": "object", "required": ["category", "amount_ore", "recipient", "decided_by", "date"], "properties": {
                "id": { "type": "integer" },
                "category": { "type": "string", "enum": categories },
                "amount_ore": { "type": "integer" }, "recipient": { "type": "string" },
                "recipient_kind": { "type": "string", "enum": ["organisation", "public_body", "customer"] },
                "org_number": { "type": "string", "nullable": true }, "description": { "type": "string" },
                "quantity": { "type": "integer", "nullable": true },
                "decided_by": { "type": "string" }, "decided_at": { "type": "string" }, "reason": { "type": "string" },
                "date": date } } } } }
    });
    let paths = json!({
        "/api/v1/broadband-upgrades": {
            "post": { "summary": "Ask for a free broadband upgrade for a business customer", "operationId": "requestBroadbandUpgrade",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewBroadbandUpgrade" } } } },
                "responses": { "201": { "description": "Granted", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/BroadbandUpgrade" } } } },
                    "401": error, "403": error,
                    "409": { "description": "Refused: `code` is community-problem-not-a-business, -no-broadband, -not-offered, -too-long, -not-faster, -unknown-speed or -upgrade-exists", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                    "422": error } },
            "get": { "summary": "A customer's upgrades", "operationId": "listBroadbandUpgrades",
                "parameters": [{ "name": "customer_number", "in": "query", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "Upgrades, the latest first", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/BroadbandUpgrade" } } } } }, "401": error, "403": error, "404": error, "422": error } } },
        "/api/v1/events": { "post": { "summary": "Apply for support for an event", "operationId": "applyForEvent",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewEvent" } } } },
            "responses": { "201": { "description": "Received", "content": { "application/json": { "schema": { "type": "object", "properties": { "id": { "type": "integer" } } } } } },
                "401": error, "403": error, "422": { "description": "Refused; above the limit: `field` expected_attendees, `error` naming the limit in force on the date and its source", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } } } },
        "/api/v1/community/ledger": { "get": { "summary": "Everything given in a period, with totals per category", "operationId": "communityLedger",
            "parameters": [{ "name": "from", "in": "query", "required": true, "schema": date }, { "name": "to", "in": "query", "required": true, "schema": date }],
            "responses": { "200": { "description": "Ledger", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CommunityLedger" } } } }, "401": error, "403": error, "422": error } } }
    });
    (paths, schemas)
}
