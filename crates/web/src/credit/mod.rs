//! Pages of credit, by audience: the portal's requests for more time (`portal`), and staff's
//! credit queue and decisions, debt-collection list, finance page with the BgMax upload, the
//! matching queue, reference rates and the board report (`staff`).

mod portal;
mod staff;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use services::credit::ArrangementRow;
use services::credit::roles::{COLLECTION, CREDIT, EXTENSION_FOR_CALLER, FINANCE};
use views::Lang;
use views::credit::{ArrangementLine, arrangement_what, reason_lines};

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;
use services::auth::roles::CUSTOMER;

/// What an arrangement agrees, in `lang`.
fn what(a: &ArrangementRow, lang: Lang) -> String {
    arrangement_what(lang, a.kind, a.new_due_on, a.instalments)
}

/// One arrangement as the pages list it, with its reasons in `lang`.
fn line(a: &ArrangementRow, invoice_number: &str, lang: Lang) -> ArrangementLine {
    ArrangementLine {
        id: a.id,
        invoice_number: invoice_number.to_owned(),
        what: what(a, lang),
        status: a.status,
        amount: a.amount,
        reasons: reason_lines(lang, &a.reasons),
        note: a.decision_note.clone().unwrap_or_default(),
    }
}

fn csv_response(name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(
            get,
            "/mina-sidor/anstand",
            Access::Roles(CUSTOMER),
            portal::page
        ),
        route!(
            post,
            "/mina-sidor/anstand",
            Access::Roles(CUSTOMER),
            portal::submit
        ),
        route!(get, "/kredit", Access::Roles(CREDIT), staff::queue),
        route!(
            post,
            "/kunder/{id}/anstand",
            Access::Roles(EXTENSION_FOR_CALLER),
            staff::agent_request
        ),
        route!(
            get,
            "/kredit/inkasso",
            Access::Roles(COLLECTION),
            staff::collection
        ),
        route!(
            get,
            "/kredit/inkasso.csv",
            Access::Roles(COLLECTION),
            staff::collection_csv
        ),
        route!(get, "/kredit/{id}", Access::Roles(CREDIT), staff::case),
        route!(
            post,
            "/kredit/{id}/beslut",
            Access::Roles(CREDIT),
            staff::decide
        ),
        route!(get, "/ekonomi", Access::Roles(FINANCE), staff::finance),
        RouteSpec {
            method: "POST",
            path: "/ekonomi/bgmax",
            access: Access::Roles(FINANCE),
            // A day's BgMax file is small, but a month's can be tens of megabytes.
            handler: || {
                axum::routing::post(staff::upload_bgmax)
                    .layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024))
            },
        },
        route!(
            post,
            "/ekonomi/betalningar/{id}/matcha",
            Access::Roles(FINANCE),
            staff::match_payment
        ),
        route!(
            post,
            "/ekonomi/referensranta",
            Access::Roles(FINANCE),
            staff::set_rate
        ),
        route!(
            post,
            "/ekonomi/paminnelsekorning",
            Access::Roles(FINANCE),
            staff::run_dunning
        ),
        route!(
            get,
            "/ekonomi/styrelserapport.csv",
            Access::Roles(FINANCE),
            staff::board_report_csv
        ),
    ]
}
