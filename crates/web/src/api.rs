//! The JSON API under `/api/v1`, and its OpenAPI document at `/api/openapi.json`.
//!
//! The document is built here from the same paths as the route table; a test fails when an
//! `/api/v1` route is missing from it.

use axum::Json;
use axum::extract::{Path, Query, State};
use domain::policy::Capability;
use serde_json::{Value, json};

use crate::AppState;
use crate::access::Access;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;
#[allow(unused_imports)]
use crate::routes::{CUSTOMER_READERS, DESK, STAFF};

type ApiResult = Result<Json<Value>, AppError>;

pub async fn me(ctx: Ctx) -> ApiResult {
    let u = ctx.user()?;
    Ok(Json(json!({
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.as_str(),
        "customer_id": u.customer_id,
    })))
}

#[derive(serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    limit: Option<i64>,
}

pub async fn customers(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> ApiResult {
    let hits = state
        .services
        .search_customers(ctx.user()?, &p.q, p.limit.unwrap_or(50))
        .await?;
    Ok(Json(json!({
        "customers": hits.iter().map(|h| json!({
            "id": h.id,
            "customer_number": h.customer_number,
            "kind": h.kind,
            "name": h.name,
            "identity_masked": h.identity_masked,
            "address": h.address,
        })).collect::<Vec<_>>()
    })))
}

pub async fn customer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    let d = state.services.customer_detail(ctx.user()?, id).await?;
    let c = &d.customer;
    Ok(Json(json!({
        "id": c.id,
        "customer_number": c.customer_number,
        "kind": c.kind,
        "name": c.name,
        "identity_masked": d.identity_masked,
        "email": c.email,
        "phone": c.phone,
        "language": c.language,
        "preferred_channel": c.preferred_channel,
        "address": { "street": c.street, "postal_code": c.postal_code, "city": c.city },
        "open_amount_ore": d.open_amount.ore(),
        "meter_points": d.meter_points.iter().map(|m| json!({
            "anlaggnings_id": m.anlaggnings_id,
            "property_kind": m.property_kind,
            "placement": m.placement,
            "meter_kind": m.meter_kind,
            "fuse_amps": m.fuse_amps,
            "lat": m.lat_e6 as f64 / 1e6,
            "lon": m.lon_e6 as f64 / 1e6,
        })).collect::<Vec<_>>(),
        "invoices": d.invoices.iter().map(|i| json!({
            "invoice_number": i.invoice_number,
            "ocr": i.ocr,
            "issued_on": i.issued_on,
            "due_on": i.due_on,
            "amount_ore": i.amount_ore,
            "paid_ore": i.paid_ore,
            "status": i.status,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn policy_in_force(
    State(state): State<AppState>,
    Path(capability): Path<String>,
) -> ApiResult {
    let cap: Capability = capability.parse().map_err(|_| AppError::NotFound)?;
    let body = state.services.policy_at(cap, state.services.now()).await?;
    Ok(Json(
        json!({ "capability": cap.as_str(), "in_force": body, "at": state.services.now().to_string() }),
    ))
}

pub async fn sites(State(state): State<AppState>) -> ApiResult {
    let mut out = Vec::new();
    for s in state.services.sites().await? {
        let view = state.services.site_view(s.id).await?;
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
    service: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    party: Option<u32>,
}

fn rfc3339(micros: i64) -> String {
    domain::time::from_micros(micros).to_string()
}

fn api_date(field: &str, v: Option<&str>) -> Result<jiff::civil::Date, AppError> {
    let v = v.ok_or_else(|| AppError::Invalid(format!("{field}: required, YYYY-MM-DD").into()))?;
    domain::time::parse_date(v.trim())
        .map_err(|_| AppError::Invalid(format!("{field}: {v:?} is not a date (YYYY-MM-DD)").into()))
}

pub async fn availability(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<AvailabilityParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    let Query(p) = q.map_err(|e| AppError::Invalid(format!("query: {e}").into()))?;
    let service = p
        .service
        .ok_or_else(|| AppError::Invalid("service: required (a service id of the site)".into()))?;
    let from = api_date("from", p.from.as_deref())?;
    let to = api_date("to", p.to.as_deref())?;
    if to < from || (to - from).get_days() > 62 {
        return Err(AppError::Invalid(
            "to: must be on or after from, at most 62 days later".into(),
        ));
    }
    let party = p.party.unwrap_or(1);
    let (_, slots) = state
        .services
        .availability(id, service, from, to, party)
        .await?;
    Ok(Json(json!({
        "site": id,
        "service": service,
        "party": party,
        "slots": slots.iter().map(|s| json!({
            "start": rfc3339(s.start),
            "end": rfc3339(s.end),
            "free_places": s.free_places,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(serde::Deserialize)]
pub struct NewVisitBody {
    site: i64,
    service: i64,
    start: String,
    party: u32,
    name: String,
    phone: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

fn visit_json(v: &services::visits::VisitRow, link: &str) -> Value {
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
    headers: axum::http::HeaderMap,
    body: Result<Json<NewVisitBody>, axum::extract::rejection::JsonRejection>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let Json(b) = body.map_err(|e| AppError::Invalid(format!("body: {}", e.body_text()).into()))?;
    let start = b.start.trim().parse::<jiff::Timestamp>().map_err(|_| {
        AppError::Invalid(
            format!(
                "start: {:?} is not an RFC 3339 time such as 2026-12-01T08:00:00Z",
                b.start
            )
            .into(),
        )
    })?;
    let user_id = ctx.user()?.user_id;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| format!("api:{user_id}:{}", k.trim()))
        .filter(|k| k.len() < 200);
    let req = services::visits::BookingRequest {
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
            .unwrap_or(domain::customer::Language::Sv),
        customer_id: None,
        source: services::visits::Source::Api,
        idempotency_key: key,
    };
    let actor = ctx.user()?.actor(&ctx.address);
    match state.services.book_visit(&actor, &req).await {
        Ok(booked) => {
            let status = if booked.replayed {
                axum::http::StatusCode::OK
            } else {
                axum::http::StatusCode::CREATED
            };
            Ok((status, Json(visit_json(&booked.visit, &booked.link))).into_response())
        }
        Err(services::visits::BookingError::Full) => Err(AppError::Conflict(
            "full: the cap on people present or the staffed desks is reached at some instant of this visit".into(),
        )),
        Err(services::visits::BookingError::Overlap) => Err(AppError::Conflict(
            "overlap: this person already holds a visit at an overlapping time".into(),
        )),
        Err(services::visits::BookingError::Invalid { field, message }) => Err(
            AppError::Invalid(domain::problem::Invalid::new(field, message)),
        ),
        Err(services::visits::BookingError::Service(e)) => Err(e.into()),
    }
}

/// Paths of the API as the OpenAPI document lists them.
pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("get", "/api/v1/sites"),
        ("get", "/api/v1/sites/{id}/availability"),
        ("post", "/api/v1/visits"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/customers"),
        ("get", "/api/v1/customers/{id}"),
        ("get", "/api/v1/policies/{capability}"),
    ]
    .into_iter()
    .chain(crate::continuity::documented_paths())
    .collect()
}

pub fn openapi_document() -> Value {
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let id_param = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64", "minimum": 1 } });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Beredskap API",
            "version": "1",
            "description": "JSON API of Beredskap. Authenticate with a bearer token (`beredskap token create --user NAME`, for staff accounts) or with the session cookie from /logga-in, where state-changing calls also need the x-csrf-token header."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "__Host-beredskap" },
                "bearer": { "type": "http", "scheme": "bearer", "description": "An API token from `beredskap token create`" }
            },
            "schemas": {
                "Error": { "type": "object", "required": ["error", "request_id"], "properties": { "error": { "type": "string" }, "request_id": { "type": "string" } } },
                "Me": { "type": "object", "required": ["username", "display_name", "role"], "properties": {
                    "username": { "type": "string" }, "display_name": { "type": "string" },
                    "role": { "type": "string", "enum": ["customer", "agent", "credit_officer", "planner", "technician", "finance", "continuity_manager", "admin"] },
                    "customer_id": { "type": "integer", "nullable": true } } },
                "CustomerHit": { "type": "object", "properties": {
                    "id": { "type": "integer" }, "customer_number": { "type": "string" }, "kind": { "type": "string", "enum": ["private", "business"] },
                    "name": { "type": "string" }, "identity_masked": { "type": "string" }, "address": { "type": "string" } } },
                "Customer": { "type": "object", "description": "A customer with meter points and the latest twelve invoices. Identity numbers are masked.", "additionalProperties": true },
                "Site": { "type": "object", "required": ["id", "name", "services"], "properties": {
                    "id": { "type": "integer" }, "name": { "type": "string" }, "address": { "type": "object" }, "phone": { "type": "string" },
                    "desks": { "type": "integer" }, "lead_minutes": { "type": "integer" }, "horizon_days": { "type": "integer" },
                    "services": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "integer" }, "code": { "type": "string" }, "name_sv": { "type": "string" }, "name_en": { "type": "string" }, "duration_minutes": { "type": "integer" } } } } } },
                "Slot": { "type": "object", "required": ["start", "end", "free_places"], "properties": {
                    "start": { "type": "string", "format": "date-time" }, "end": { "type": "string", "format": "date-time" },
                    "free_places": { "type": "integer", "description": "People who can still be added over the whole visit (the cap minus the most present)" } } },
                "NewVisit": { "type": "object", "required": ["site", "service", "start", "party", "name", "phone"], "properties": {
                    "site": { "type": "integer" }, "service": { "type": "integer" }, "start": { "type": "string", "format": "date-time" },
                    "party": { "type": "integer", "minimum": 1, "maximum": 4 }, "name": { "type": "string", "maxLength": 100 }, "phone": { "type": "string" },
                    "email": { "type": "string", "nullable": true }, "language": { "type": "string", "enum": ["sv", "en"] } } },
                "Visit": { "type": "object", "properties": {
                    "id": { "type": "integer" }, "site": { "type": "integer" }, "service": { "type": "integer" },
                    "start": { "type": "string", "format": "date-time" }, "end": { "type": "string", "format": "date-time" },
                    "party": { "type": "integer" }, "status": { "type": "string" }, "name": { "type": "string" },
                    "cancel_link": { "type": "string", "format": "uri", "description": "Cancel or rebook without login" } } },
                "PolicyInForce": { "type": "object", "properties": { "capability": { "type": "string" }, "in_force": { "type": "object" }, "at": { "type": "string", "format": "date-time" } } }
            }
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": {
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
                    "401": error, "403": error, "409": error, "422": error } } },
            "/api/v1/me": { "get": { "summary": "The logged-in user", "operationId": "me",
                "responses": { "200": { "description": "User", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } } }, "401": error } } },
            "/api/v1/customers": { "get": { "summary": "Search customers by name, number, address or meter-point id", "operationId": "searchCustomers",
                "parameters": [
                    { "name": "q", "in": "query", "required": false, "schema": { "type": "string", "maxLength": 100 } },
                    { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }
                ],
                "responses": { "200": { "description": "Matches", "content": { "application/json": { "schema": { "type": "object", "properties": { "customers": { "type": "array", "items": { "$ref": "#/components/schemas/CustomerHit" } } } } } } }, "401": error, "403": error, "422": error } } },
            "/api/v1/customers/{id}": { "get": { "summary": "One customer", "operationId": "getCustomer", "parameters": [id_param],
                "responses": { "200": { "description": "Customer", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Customer" } } } }, "401": error, "403": error, "404": error } } },
            "/api/v1/policies/{capability}": { "get": { "summary": "The policy in force now for a capability", "operationId": "policyInForce",
                "parameters": [{ "name": "capability", "in": "path", "required": true, "schema": { "type": "string", "enum": ["campaign", "visits", "credit", "suppliers", "portal"] } }],
                "responses": { "200": { "description": "Policy", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PolicyInForce" } } } }, "401": error, "403": error, "404": error } } }
        }
    })
}

pub async fn openapi() -> Json<Value> {
    let mut doc = openapi_document();
    let (paths, schemas) = crate::continuity::openapi();
    merge_openapi(&mut doc, paths, schemas);
    Json(doc)
}

/// Adds a capability module's own paths and schemas to the document.
fn merge_openapi(doc: &mut Value, paths: Value, schemas: Value) {
    if let (Some(all), Value::Object(more)) = (doc["paths"].as_object_mut(), paths) {
        all.extend(more);
    }
    if let (Some(all), Value::Object(more)) =
        (doc["components"]["schemas"].as_object_mut(), schemas)
    {
        all.extend(more);
    }
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/api/openapi.json", Access::Public, openapi),
        route!(get, "/api/v1/sites", Access::Roles(STAFF), sites),
        route!(
            get,
            "/api/v1/sites/{id}/availability",
            Access::Roles(STAFF),
            availability
        ),
        route!(post, "/api/v1/visits", Access::Roles(DESK), create_visit),
        route!(get, "/api/v1/me", Access::Authenticated, me),
        route!(
            get,
            "/api/v1/customers",
            Access::Roles(CUSTOMER_READERS),
            customers
        ),
        route!(
            get,
            "/api/v1/customers/{id}",
            Access::Roles(CUSTOMER_READERS),
            customer
        ),
        route!(
            get,
            "/api/v1/policies/{capability}",
            Access::Roles(STAFF),
            policy_in_force
        ),
    ]
}
