//! The customer centre's part of the JSON API (`/api/v1`): the sites with their services, the
//! free times of a service, and booking a visit for a caller; and their OpenAPI entries, which
//! `web::api` joins into the one document.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::customer::Language;
use domain::ids::{SiteId, SiteServiceId};
use domain::problem::{Invalid, Problem};
use domain::visits::{VisitError, VisitSource};
use serde_json::{Value, json};
use services::ServiceError;
use services::visits::roles::{DESK, READERS};
use services::visits::{BookingRequest, VisitRow};

use crate::AppState;
use crate::access::Access;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;

type ApiResult = Result<Json<Value>, AppError>;

/// The most days one availability request covers.
const MAX_DAYS: u32 = 62;

pub async fn sites(State(state): State<AppState>) -> ApiResult {
    let visits = state.services.visits();
    let mut out = Vec::new();
    for s in visits.sites().await? {
        let view = visits.site_view(s.id).await?;
        out.push(json!({
            "id": s.id,
            "name": s.name,
            "address": { "street": s.street, "postal_code": s.postal_code, "city": s.city },
            "phone": s.phone,
            "desks": s.desks,
            "lead_minutes": s.lead_minutes,
            "horizon_days": s.horizon_days,
            "services": view.services.iter().filter(|x| x.active).map(|x| json!({
                "id": x.id, "code": x.code, "name_sv": x.name_sv, "name_en": x.name_en,
                "duration_minutes": x.duration_minutes,
            })).collect::<Vec<_>>(),
        }));
    }
    Ok(Json(json!({ "sites": out })))
}

#[derive(serde::Deserialize)]
pub struct AvailabilityParams {
    service: Option<SiteServiceId>,
    from: Option<String>,
    to: Option<String>,
    party: Option<u32>,
}

fn rfc3339(micros: i64) -> String {
    domain::time::from_micros(micros).to_string()
}

fn invalid(field: &'static str, problem: impl Into<Problem>) -> AppError {
    AppError::Invalid(Invalid::new(field, problem))
}

fn api_date(field: &'static str, v: Option<&str>) -> Result<jiff::civil::Date, AppError> {
    let v = v.ok_or_else(|| invalid(field, Problem::Required))?;
    domain::time::parse_date(v.trim()).map_err(|e| invalid(field, e))
}

/// Free times of one service for a party. `free_places` of a slot is the number of bookings of
/// that party size that would succeed now (the cap on people present and the staffed desks).
pub async fn availability(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<AvailabilityParams>, QueryRejection>,
) -> ApiResult {
    let id: SiteId = id.parse().map_err(|_| AppError::NotFound)?;
    let Query(p) = q.map_err(|_| invalid("query", Problem::NotANumber))?;
    let service = p
        .service
        .ok_or_else(|| invalid("service", Problem::Required))?;
    let from = api_date("from", p.from.as_deref())?;
    let to = api_date("to", p.to.as_deref())?;
    if to < from {
        return Err(invalid("to", Problem::EndsBeforeStart));
    }
    if (to - from).get_days() > i32::try_from(MAX_DAYS).unwrap_or(i32::MAX) {
        return Err(invalid("to", VisitError::DateRange { max_days: MAX_DAYS }));
    }
    let party = p.party.unwrap_or(1);
    let (_, slots) = state
        .services
        .visits()
        .availability(id, service, from, to, party)
        .await?;
    Ok(Json(json!({
        "site": id,
        "service": service,
        "party": party,
        "slots": slots.iter().map(|s| json!({
            "start": rfc3339(s.start),
            "end": rfc3339(s.end),
            "free_places": s.bookable,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(serde::Deserialize)]
pub struct NewVisitBody {
    site: SiteId,
    service: SiteServiceId,
    start: String,
    party: u32,
    name: String,
    phone: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

fn visit_json(v: &VisitRow, link: &str) -> Value {
    json!({
        "id": v.id,
        "site": v.site_id,
        "service": v.service_id,
        "start": rfc3339(v.starts_at),
        "end": rfc3339(v.ends_at),
        "party": v.party,
        "status": v.status,
        "name": v.name,
        "cancel_link": link,
    })
}

/// Books a visit for a caller. 201 with the visit and its cancel link; 409 when full.
/// An `Idempotency-Key` header makes a retried request return the first booking.
pub async fn create_visit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Result<Json<NewVisitBody>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(b) = body.map_err(|_| invalid("body", VisitError::Malformed))?;
    let start = b
        .start
        .trim()
        .parse::<jiff::Timestamp>()
        .map_err(|_| invalid("start", Problem::NotADateTime))?;
    let user = ctx.user()?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| format!("api:{}:{}", user.user_id, k.trim()))
        .filter(|k| k.len() < 200);
    let req = BookingRequest {
        site_id: b.site,
        service_id: b.service,
        start: domain::time::to_micros(start),
        party: b.party,
        name: b.name,
        phone: b.phone,
        email: b.email.filter(|e| !e.trim().is_empty()),
        language: b
            .language
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or(Language::Sv),
        customer_id: None,
        source: VisitSource::Api,
        idempotency_key: key,
    };
    let actor = user.actor(&ctx.address);
    let booked = state
        .services
        .visits()
        .book(&actor, &req)
        .await
        .map_err(ServiceError::from)?;
    let status = if booked.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(visit_json(&booked.visit, &booked.link))).into_response())
}

/// The customer centre's paths of the API, as the OpenAPI document lists them.
pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("get", "/api/v1/sites"),
        ("get", "/api/v1/sites/{id}/availability"),
        ("post", "/api/v1/visits"),
    ]
}

/// The schemas of the customer centre's part of the document.
pub fn openapi_schemas() -> Value {
    json!({
        "Site": { "type": "object", "required": ["id", "name", "services"], "properties": {
            "id": { "type": "integer" }, "name": { "type": "string" }, "address": { "type": "object" }, "phone": { "type": "string" },
            "desks": { "type": "integer" }, "lead_minutes": { "type": "integer" }, "horizon_days": { "type": "integer" },
            "services": { "type": "array", "items": { "type": "object", "properties": {
                "id": { "type": "integer" }, "code": { "type": "string" }, "name_sv": { "type": "string" }, "name_en": { "type": "string" }, "duration_minutes": { "type": "integer" } } } } } },
        "Slot": { "type": "object", "required": ["start", "end", "free_places"], "properties": {
            "start": { "type": "string", "format": "date-time" }, "end": { "type": "string", "format": "date-time" },
            "free_places": { "type": "integer", "description": "Bookings of the requested party size that would succeed now: the cap on people present and the staffed desks both allow that many over the whole visit" } } },
        "NewVisit": { "type": "object", "required": ["site", "service", "start", "party", "name", "phone"], "properties": {
            "site": { "type": "integer" }, "service": { "type": "integer" }, "start": { "type": "string", "format": "date-time" },
            "party": { "type": "integer", "minimum": 1, "maximum": 4 }, "name": { "type": "string", "maxLength": 100 }, "phone": { "type": "string" },
            "email": { "type": "string", "nullable": true }, "language": { "type": "string", "enum": ["sv", "en"] } } },
        "Visit": { "type": "object", "properties": {
            "id": { "type": "integer" }, "site": { "type": "integer" }, "service": { "type": "integer" },
            "start": { "type": "string", "format": "date-time" }, "end": { "type": "string", "format": "date-time" },
            "party": { "type": "integer" }, "status": { "type": "string", "enum": ["unconfirmed", "offered", "booked", "checked_in", "no_show", "cancelled", "expired"] }, "name": { "type": "string" },
            "cancel_link": { "type": "string", "format": "uri", "description": "Cancel or rebook without login" } } }
    })
}

/// The customer centre's paths, given the document's shared error response and id parameter.
pub fn openapi_paths(error: &Value, id_param: &Value) -> Value {
    json!({
        "/api/v1/sites": { "get": { "summary": "Customer centres with their services", "operationId": "listSites",
            "responses": { "200": { "description": "Sites", "content": { "application/json": { "schema": { "type": "object", "properties": { "sites": { "type": "array", "items": { "$ref": "#/components/schemas/Site" } } } } } } }, "401": error, "403": error } } },
        "/api/v1/sites/{id}/availability": { "get": { "summary": "Free slots of one service for a party", "operationId": "siteAvailability",
            "parameters": [id_param,
                { "name": "service", "in": "query", "required": true, "schema": { "type": "integer" } },
                { "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
                { "name": "to", "in": "query", "required": true, "schema": { "type": "string", "format": "date" }, "description": "Inclusive; at most 62 days after from" },
                { "name": "party", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 4, "default": 1 } }],
            "responses": { "200": { "description": "Slots", "content": { "application/json": { "schema": { "type": "object", "properties": { "slots": { "type": "array", "items": { "$ref": "#/components/schemas/Slot" } } } } } } }, "401": error, "403": error, "404": error, "422": error } } },
        "/api/v1/visits": { "post": { "summary": "Book a visit for a caller", "operationId": "createVisit",
            "parameters": [{ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 150 }, "description": "A retried request with the same key returns the first booking (200) instead of booking twice" }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewVisit" } } } },
            "responses": { "201": { "description": "Booked", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Visit" } } } },
                "200": { "description": "The same Idempotency-Key was booked before: that booking", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Visit" } } } },
                "401": error, "403": error, "409": error, "422": error } } }
    })
}

/// The API's customer-centre routes: staff read, the desk books.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/api/v1/sites", Access::Roles(READERS), sites),
        route!(
            get,
            "/api/v1/sites/{id}/availability",
            Access::Roles(READERS),
            availability
        ),
        route!(post, "/api/v1/visits", Access::Roles(DESK), create_visit),
    ]
}
