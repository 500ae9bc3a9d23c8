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
use services::auth::roles::STAFF;
use services::customers::roles::READERS as CUSTOMER_READERS;

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
        .customers()
        .search(ctx.user()?, &p.q, p.limit.unwrap_or(50))
        .await?;
    Ok(Json(json!({
        "customers": hits.iter().map(|h| json!({
            "id": h.id,
            "customer_number": h.customer_number,
            "kind": h.kind,
            "name": h.name,
            "identity_masked": h.identity_masked,
            "address": format!("{}, {}", h.street, h.city),
        })).collect::<Vec<_>>()
    })))
}

pub async fn customer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult {
    let id = id
        .parse::<i64>()
        .map(domain::ids::CustomerId::new)
        .map_err(|_| AppError::NotFound)?;
    let d = state.services.customers().detail(ctx.user()?, id).await?;
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
            "amount_ore": i.amount.ore(),
            "paid_ore": i.paid.ore(),
            "status": i.status,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn policy_in_force(
    State(state): State<AppState>,
    Path(capability): Path<String>,
) -> ApiResult {
    let cap: Capability = capability.parse().map_err(|_| AppError::NotFound)?;
    let body = state
        .services
        .policies()
        .at(cap, state.services.now())
        .await?;
    Ok(Json(
        json!({ "capability": cap.as_str(), "in_force": body, "at": state.services.now().to_string() }),
    ))
}

/// Paths of the API as the OpenAPI document lists them.
pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    let mut paths = crate::visits::documented_paths();
    paths.extend([
        ("get", "/api/v1/me"),
        ("get", "/api/v1/customers"),
        ("get", "/api/v1/customers/{id}"),
        ("get", "/api/v1/policies/{capability}"),
    ]);
    paths.extend(crate::continuity::documented_paths());
    paths.extend(crate::modes::documented_paths());
    paths.extend(crate::community::documented_paths());
    paths
}

pub fn openapi_document() -> Value {
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let id_param = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64", "minimum": 1 } });
    let mut doc = json!({
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
                "PolicyInForce": { "type": "object", "properties": { "capability": { "type": "string" }, "in_force": { "type": "object" }, "at": { "type": "string", "format": "date-time" } } }
            }
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": {
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
    });
    // Each capability's part of the API: its paths and schemas.
    let parts = [
        (
            crate::visits::openapi_paths(&error, &id_param),
            crate::visits::openapi_schemas(),
        ),
        crate::continuity::openapi(),
        crate::modes::openapi(),
        crate::community::openapi(),
    ];
    for (paths, schemas) in parts {
        merge(&mut doc["paths"], paths);
        merge(&mut doc["components"]["schemas"], schemas);
    }
    doc
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

pub async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/api/openapi.json", Access::Public, openapi),
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
