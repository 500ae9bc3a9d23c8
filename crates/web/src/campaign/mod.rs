//! The meter-exchange campaign's pages, split by audience:
//!
//! - `staff`: the planner's page (open a campaign, own and subcontracted crews and days off,
//!   plan in the background with a progress page, classify again, pin or unpin a stop, the
//!   plan per crew and day on a server-drawn SVG map) and the campaign's progress.
//! - `technician`: the crew's work list with done and failed.
//! - `caller`: customer service booking an indoor window, or recording "no home visits", for
//!   a customer on the phone.
//! - `portal`: the customer's own booking and "no home visits" pages on Mina sidor.
//! - `public`: booking by the signed link in the invitation, without login.
//!
//! Handlers parse the request once, call one method of `services.campaign()` or
//! `services.declarations()`, and render a view from `views::campaign`.

mod caller;
mod common;
mod portal;
mod public;
mod staff;
mod technician;

use services::campaign::roles::{CALLER_BOOKERS, PLANNERS, PROGRESS, TECHNICIANS, WORK_LIST};
use services::declarations::roles::HOME_VISIT_AGENTS;

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;
use services::auth::roles::CUSTOMER;

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    [staff_routes(), technician_routes(), customer_routes()]
        .into_iter()
        .flatten()
        .collect()
}

fn staff_routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/static/plan.js", Access::Public, staff::plan_script),
        route!(
            get,
            "/kampanj",
            Access::Roles(PLANNERS),
            staff::planner_page
        ),
        route!(post, "/kampanj", Access::Roles(PLANNERS), staff::open),
        route!(
            get,
            "/kampanj/framsteg",
            Access::Roles(PROGRESS),
            staff::progress
        ),
        route!(
            get,
            "/kampanj/framsteg.csv",
            Access::Roles(PROGRESS),
            staff::progress_csv
        ),
        route!(
            post,
            "/kampanj/aviseringar",
            Access::Roles(PLANNERS),
            staff::notices
        ),
        route!(
            post,
            "/kampanj/planera",
            Access::Roles(PLANNERS),
            staff::plan
        ),
        route!(
            get,
            "/kampanj/planering",
            Access::Roles(PLANNERS),
            staff::plan_status
        ),
        route!(
            get,
            "/kampanj/planering.json",
            Access::Roles(PLANNERS),
            staff::plan_status_json
        ),
        route!(
            post,
            "/kampanj/avsluta",
            Access::Roles(PLANNERS),
            staff::close
        ),
        route!(
            post,
            "/kampanj/jobb/{id}/fast",
            Access::Roles(PLANNERS),
            staff::pin
        ),
        route!(
            post,
            "/kampanj/klassa",
            Access::Roles(PLANNERS),
            staff::classify
        ),
        route!(
            post,
            "/kampanj/lag",
            Access::Roles(PLANNERS),
            staff::add_crew
        ),
        route!(
            post,
            "/kampanj/lag/{id}/ledig",
            Access::Roles(PLANNERS),
            staff::day_off
        ),
    ]
}

fn technician_routes() -> Vec<RouteSpec> {
    vec![
        route!(
            get,
            "/tekniker",
            Access::Roles(WORK_LIST),
            technician::work_list
        ),
        route!(
            post,
            "/tekniker/jobb/{id}/klar",
            Access::Roles(TECHNICIANS),
            technician::job_done
        ),
        route!(
            post,
            "/tekniker/jobb/{id}/misslyckad",
            Access::Roles(TECHNICIANS),
            technician::job_failed
        ),
    ]
}

fn customer_routes() -> Vec<RouteSpec> {
    vec![
        route!(
            get,
            "/kunder/{id}/matarbyte",
            Access::Roles(CALLER_BOOKERS),
            caller::booking
        ),
        route!(
            post,
            "/kunder/{id}/matarbyte/{job}/boka",
            Access::Roles(CALLER_BOOKERS),
            caller::booking_submit
        ),
        route!(
            get,
            "/kunder/{id}/hembesok",
            Access::Roles(HOME_VISIT_AGENTS),
            caller::home_visits
        ),
        route!(
            post,
            "/kunder/{id}/hembesok",
            Access::Roles(HOME_VISIT_AGENTS),
            caller::home_visits_submit
        ),
        route!(
            post,
            "/kunder/{id}/hembesok/aterkalla",
            Access::Roles(HOME_VISIT_AGENTS),
            caller::home_visits_withdraw
        ),
        route!(
            get,
            "/mina-sidor/matarbyte",
            Access::Roles(CUSTOMER),
            portal::booking
        ),
        route!(
            post,
            "/mina-sidor/matarbyte/{id}/boka",
            Access::Roles(CUSTOMER),
            portal::booking_submit
        ),
        route!(
            get,
            "/mina-sidor/hembesok",
            Access::Roles(CUSTOMER),
            portal::home_visits
        ),
        route!(
            post,
            "/mina-sidor/hembesok",
            Access::Roles(CUSTOMER),
            portal::home_visits_submit
        ),
        route!(
            post,
            "/mina-sidor/hembesok/aterkalla",
            Access::Roles(CUSTOMER),
            portal::home_visits_withdraw
        ),
        route!(get, "/matarbyte/{token}", Access::Public, public::booking),
        route!(
            post,
            "/matarbyte/{token}",
            Access::Public,
            public::booking_submit
        ),
        route!(
            get,
            "/matarbyte/{token}/skjut-upp",
            Access::Public,
            public::postpone
        ),
        route!(
            post,
            "/matarbyte/{token}/skjut-upp",
            Access::Public,
            public::postpone_submit
        ),
    ]
}
