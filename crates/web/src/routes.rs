//! The route table: method, path, who may call it, and the handler. The single source of truth
//! for the router, the access guard, the access-matrix test and the OpenAPI check.

use axum::routing::{MethodRouter, get, post};
use domain::role::Role;
use services::customers::{CUSTOMER_READERS, IDENTITY_READERS};

use crate::access::Access;
use crate::{AppState, api, campaign, cases, chat, credit, pages, portal, visits};

pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: fn() -> MethodRouter<AppState>,
}

const STAFF: &[Role] = &Role::STAFF;
const ADMIN: &[Role] = &[Role::Admin];
/// Read and change the policies (change_policy checks the same roles).
const POLICY_READERS: &[Role] = &[Role::ContinuityManager, Role::Admin];
const OUTBOX_READERS: &[Role] = &[Role::Agent, Role::Admin];
const CUSTOMER: &[Role] = &[Role::Customer];
/// The customer-centre desk: agents (and admins).
const DESK: &[Role] = &[Role::Agent, Role::Admin];
/// Who plans the meter-exchange campaign.
const PLANNERS: &[Role] = &[Role::Planner, Role::Admin];
/// Book a customer's indoor meter visit for a caller.
const CALLER_BOOKERS: &[Role] = &[Role::Agent, Role::Planner, Role::Admin];
/// Who reads a crew's work list: its technicians, and planners naming the crew.
const WORK_LIST: &[Role] = &[Role::Technician, Role::Planner, Role::Admin];
const TECHNICIANS: &[Role] = &[Role::Technician];
/// Who follows the campaign's progress.
const PROGRESS: &[Role] = &[Role::Planner, Role::ContinuityManager, Role::Admin];
/// Who records or withdraws a caller's "no home visits" declaration: customer service.
const HOME_VISIT_AGENTS: &[Role] = &[Role::Agent, Role::Admin];
/// Credit officers decide referred requests for more time.
const CREDIT: &[Role] = &[Role::CreditOfficer, Role::Admin];
/// Ask for more time for a caller: agents and credit officers.
const EXTENSION_FOR_CALLER: &[Role] = &[Role::Agent, Role::CreditOfficer, Role::Admin];
/// The debt-collection list: credit officers and finance.
const COLLECTION: &[Role] = &[Role::CreditOfficer, Role::Finance, Role::Admin];
/// Payments, matching, reference rates, the board report.
const FINANCE: &[Role] = &[Role::Finance, Role::Admin];
/// Case handling: agents and credit officers (their teams' queues only), admins (every team).
const CASE_WORKERS: &[Role] = &[Role::Agent, Role::CreditOfficer, Role::Admin];
/// Who sets a site's hours, desks and services.
const SITE_ADMINS: &[Role] = &[Role::ContinuityManager, Role::Admin];

macro_rules! route {
    ($method:ident, $path:literal, $access:expr, $handler:path) => {
        RouteSpec {
            method: const_str_upper(stringify!($method)),
            path: $path,
            access: $access,
            handler: || $method($handler),
        }
    };
}

const fn const_str_upper(m: &'static str) -> &'static str {
    match m.as_bytes() {
        b"get" => "GET",
        b"post" => "POST",
        _ => "OTHER",
    }
}

/// Every route of the application.
pub fn table() -> Vec<RouteSpec> {
    vec![
        route!(get, "/", Access::Public, pages::root),
        route!(get, "/static/app.css", Access::Public, pages::stylesheet),
        route!(get, "/static/chat.js", Access::Public, chat::script),
        route!(
            get,
            "/static/plan.js",
            Access::Public,
            campaign::plan_script
        ),
        route!(get, "/healthz", Access::Public, pages::healthz),
        route!(get, "/readyz", Access::Public, pages::readyz),
        route!(get, "/metrics", Access::Public, crate::metrics::render),
        route!(get, "/logga-in", Access::Public, pages::login_form),
        route!(post, "/logga-in", Access::Public, pages::login_submit),
        route!(post, "/sprak", Access::Public, pages::set_language),
        route!(
            get,
            "/logga-in/totp",
            Access::SecondFactor,
            pages::totp_form
        ),
        route!(
            post,
            "/logga-in/totp",
            Access::SecondFactor,
            pages::totp_submit
        ),
        route!(
            post,
            "/logga-in/totp/ny",
            Access::SecondFactor,
            pages::totp_new
        ),
        route!(post, "/logga-ut", Access::Authenticated, pages::logout),
        route!(get, "/konto", Access::Authenticated, pages::account),
        route!(
            post,
            "/konto/losenord",
            Access::Authenticated,
            pages::change_password
        ),
        route!(
            get,
            "/mina-sidor",
            Access::Roles(CUSTOMER),
            pages::portal_home
        ),
        route!(
            get,
            "/mina-sidor/meddelanden",
            Access::Roles(CUSTOMER),
            portal::messages
        ),
        route!(
            get,
            "/mina-sidor/meddelanden/{id}",
            Access::Roles(CUSTOMER),
            portal::message
        ),
        route!(
            get,
            "/mina-sidor/installningar",
            Access::Roles(CUSTOMER),
            portal::settings
        ),
        route!(
            post,
            "/mina-sidor/installningar",
            Access::Roles(CUSTOMER),
            portal::settings_submit
        ),
        route!(
            get,
            "/mina-sidor/mina-uppgifter",
            Access::Roles(CUSTOMER),
            portal::my_data
        ),
        route!(
            get,
            "/mina-sidor/mina-uppgifter.json",
            Access::Roles(CUSTOMER),
            portal::my_data_download
        ),
        route!(
            get,
            "/mina-sidor/hembesok",
            Access::Roles(CUSTOMER),
            portal::my_home_visits
        ),
        route!(
            post,
            "/mina-sidor/hembesok",
            Access::Roles(CUSTOMER),
            portal::my_home_visits_submit
        ),
        route!(
            post,
            "/mina-sidor/hembesok/aterkalla",
            Access::Roles(CUSTOMER),
            portal::my_home_visits_withdraw
        ),
        route!(
            get,
            "/kunder/{id}/hembesok",
            Access::Roles(HOME_VISIT_AGENTS),
            portal::caller_home_visits
        ),
        route!(
            post,
            "/kunder/{id}/hembesok",
            Access::Roles(HOME_VISIT_AGENTS),
            portal::caller_home_visits_submit
        ),
        route!(
            post,
            "/kunder/{id}/hembesok/aterkalla",
            Access::Roles(HOME_VISIT_AGENTS),
            portal::caller_home_visits_withdraw
        ),
        route!(
            get,
            "/kampanj",
            Access::Roles(PLANNERS),
            campaign::planner_page
        ),
        route!(post, "/kampanj", Access::Roles(PLANNERS), campaign::open),
        route!(
            get,
            "/kampanj/framsteg",
            Access::Roles(PROGRESS),
            campaign::progress
        ),
        route!(
            get,
            "/kampanj/framsteg.csv",
            Access::Roles(PROGRESS),
            campaign::progress_csv
        ),
        route!(
            post,
            "/kampanj/aviseringar",
            Access::Roles(PLANNERS),
            campaign::notices
        ),
        route!(
            post,
            "/kampanj/planera",
            Access::Roles(PLANNERS),
            campaign::plan
        ),
        route!(
            get,
            "/kampanj/planering",
            Access::Roles(PLANNERS),
            campaign::plan_status
        ),
        route!(
            get,
            "/kampanj/planering.json",
            Access::Roles(PLANNERS),
            campaign::plan_status_json
        ),
        route!(
            post,
            "/kampanj/avsluta",
            Access::Roles(PLANNERS),
            campaign::close
        ),
        route!(
            post,
            "/kampanj/jobb/{id}/fast",
            Access::Roles(PLANNERS),
            campaign::pin
        ),
        route!(
            post,
            "/kampanj/klassa",
            Access::Roles(PLANNERS),
            campaign::classify
        ),
        route!(
            post,
            "/kampanj/lag",
            Access::Roles(PLANNERS),
            campaign::add_crew
        ),
        route!(
            post,
            "/kampanj/lag/{id}/ledig",
            Access::Roles(PLANNERS),
            campaign::day_off
        ),
        route!(
            get,
            "/tekniker",
            Access::Roles(WORK_LIST),
            campaign::work_list
        ),
        route!(
            post,
            "/tekniker/jobb/{id}/klar",
            Access::Roles(TECHNICIANS),
            campaign::job_done
        ),
        route!(
            post,
            "/tekniker/jobb/{id}/misslyckad",
            Access::Roles(TECHNICIANS),
            campaign::job_failed
        ),
        route!(
            get,
            "/kunder/{id}/matarbyte",
            Access::Roles(CALLER_BOOKERS),
            campaign::caller_booking
        ),
        route!(
            post,
            "/kunder/{id}/matarbyte/{job}/boka",
            Access::Roles(CALLER_BOOKERS),
            campaign::caller_booking_submit
        ),
        route!(
            get,
            "/mina-sidor/matarbyte",
            Access::Roles(CUSTOMER),
            campaign::my_booking
        ),
        route!(
            post,
            "/mina-sidor/matarbyte/{id}/boka",
            Access::Roles(CUSTOMER),
            campaign::my_booking_submit
        ),
        route!(
            get,
            "/matarbyte/{token}",
            Access::Public,
            campaign::link_booking
        ),
        route!(
            post,
            "/matarbyte/{token}",
            Access::Public,
            campaign::link_booking_submit
        ),
        route!(get, "/personal", Access::Roles(STAFF), pages::staff_home),
        route!(
            get,
            "/kunder",
            Access::Roles(CUSTOMER_READERS),
            pages::customers
        ),
        route!(
            get,
            "/kunder/{id}",
            Access::Roles(CUSTOMER_READERS),
            pages::customer
        ),
        route!(
            post,
            "/kunder/{id}/personnummer",
            Access::Roles(IDENTITY_READERS),
            pages::reveal_identity
        ),
        route!(get, "/admin/anvandare", Access::Roles(ADMIN), pages::users),
        route!(
            post,
            "/admin/anvandare/{id}/roll",
            Access::Roles(ADMIN),
            pages::set_role
        ),
        route!(
            post,
            "/admin/anvandare/{id}/avsluta-sessioner",
            Access::Roles(ADMIN),
            pages::end_sessions
        ),
        route!(
            get,
            "/admin/policyer",
            Access::Roles(POLICY_READERS),
            pages::policies
        ),
        route!(
            post,
            "/admin/policyer",
            Access::Roles(POLICY_READERS),
            pages::set_policy
        ),
        route!(get, "/admin/granskning", Access::Roles(ADMIN), pages::audit),
        route!(get, "/utkorg", Access::Roles(OUTBOX_READERS), pages::outbox),
        route!(
            get,
            "/utkorg/{id}",
            Access::Roles(OUTBOX_READERS),
            pages::outbox_message
        ),
        // Customer centre: the public booking page and the link in every message work without login.
        route!(get, "/besok", Access::Public, visits::public_form),
        route!(post, "/besok", Access::Public, visits::public_submit),
        route!(post, "/besok/ko", Access::Public, visits::public_waitlist),
        route!(get, "/besok/{token}", Access::Public, visits::manage),
        route!(
            post,
            "/besok/{token}/bekrafta",
            Access::Public,
            visits::manage_confirm
        ),
        route!(
            post,
            "/besok/{token}/avboka",
            Access::Public,
            visits::manage_cancel
        ),
        route!(
            post,
            "/besok/{token}/omboka",
            Access::Public,
            visits::manage_rebook
        ),
        route!(
            get,
            "/mina-sidor/besok",
            Access::Roles(CUSTOMER),
            visits::portal_visits
        ),
        route!(
            get,
            "/mina-sidor/besok/boka",
            Access::Roles(CUSTOMER),
            visits::portal_form
        ),
        route!(
            post,
            "/mina-sidor/besok/boka",
            Access::Roles(CUSTOMER),
            visits::portal_submit
        ),
        route!(
            post,
            "/mina-sidor/besok/boka/ko",
            Access::Roles(CUSTOMER),
            visits::portal_waitlist
        ),
        route!(get, "/kundcenter", Access::Roles(DESK), visits::desk),
        route!(
            get,
            "/kundcenter/boka",
            Access::Roles(DESK),
            visits::agent_form
        ),
        route!(
            post,
            "/kundcenter/boka",
            Access::Roles(DESK),
            visits::agent_submit
        ),
        route!(
            post,
            "/kundcenter/boka/ko",
            Access::Roles(DESK),
            visits::agent_waitlist
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/incheckning",
            Access::Roles(DESK),
            visits::desk_check_in
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/utebliven",
            Access::Roles(DESK),
            visits::desk_no_show
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/avboka",
            Access::Roles(DESK),
            visits::desk_cancel
        ),
        route!(
            post,
            "/kundcenter/spontanbesok",
            Access::Roles(DESK),
            visits::desk_walk_in
        ),
        route!(
            get,
            "/kundcenter/installningar",
            Access::Roles(SITE_ADMINS),
            visits::settings
        ),
        route!(
            post,
            "/kundcenter/installningar",
            Access::Roles(SITE_ADMINS),
            visits::settings_submit
        ),
        route!(
            post,
            "/kundcenter/installningar/oppettider",
            Access::Roles(SITE_ADMINS),
            visits::settings_hours
        ),
        route!(
            post,
            "/kundcenter/installningar/undantag",
            Access::Roles(SITE_ADMINS),
            visits::settings_exception
        ),
        route!(
            post,
            "/kundcenter/installningar/tjanster",
            Access::Roles(SITE_ADMINS),
            visits::settings_service
        ),
        route!(
            post,
            "/kundcenter/installningar/nytt",
            Access::Roles(SITE_ADMINS),
            visits::settings_new_site
        ),
        // Credit.
        route!(
            get,
            "/mina-sidor/anstand",
            Access::Roles(CUSTOMER),
            credit::portal
        ),
        route!(
            post,
            "/mina-sidor/anstand",
            Access::Roles(CUSTOMER),
            credit::portal_submit
        ),
        route!(get, "/kredit", Access::Roles(CREDIT), credit::queue),
        route!(
            post,
            "/kunder/{id}/anstand",
            Access::Roles(EXTENSION_FOR_CALLER),
            credit::agent_request
        ),
        route!(
            get,
            "/kredit/inkasso",
            Access::Roles(COLLECTION),
            credit::collection
        ),
        route!(
            get,
            "/kredit/inkasso.csv",
            Access::Roles(COLLECTION),
            credit::collection_csv
        ),
        route!(get, "/kredit/{id}", Access::Roles(CREDIT), credit::case),
        route!(
            post,
            "/kredit/{id}/beslut",
            Access::Roles(CREDIT),
            credit::decide
        ),
        route!(get, "/ekonomi", Access::Roles(FINANCE), credit::finance),
        RouteSpec {
            method: "POST",
            path: "/ekonomi/bgmax",
            access: Access::Roles(FINANCE),
            // A day's BgMax file is small, but a month's can be tens of megabytes.
            handler: || {
                post(credit::upload_bgmax)
                    .layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024))
            },
        },
        route!(
            post,
            "/ekonomi/betalningar/{id}/matcha",
            Access::Roles(FINANCE),
            credit::match_payment
        ),
        route!(
            post,
            "/ekonomi/referensranta",
            Access::Roles(FINANCE),
            credit::set_rate
        ),
        route!(
            post,
            "/ekonomi/paminnelsekorning",
            Access::Roles(FINANCE),
            credit::run_dunning
        ),
        route!(
            get,
            "/ekonomi/styrelserapport.csv",
            Access::Roles(FINANCE),
            credit::board_report_csv
        ),
        // Cases.
        route!(get, "/arenden", Access::Roles(CASE_WORKERS), cases::queue),
        route!(post, "/arenden", Access::Roles(CASE_WORKERS), cases::create),
        route!(
            get,
            "/arenden/ny",
            Access::Roles(CASE_WORKERS),
            cases::new_form
        ),
        route!(
            get,
            "/arenden/{id}",
            Access::Roles(CASE_WORKERS),
            cases::detail
        ),
        route!(
            post,
            "/arenden/{id}/svar",
            Access::Roles(CASE_WORKERS),
            cases::reply
        ),
        route!(
            post,
            "/arenden/{id}/anteckning",
            Access::Roles(CASE_WORKERS),
            cases::note
        ),
        route!(
            post,
            "/arenden/{id}/tilldela",
            Access::Roles(CASE_WORKERS),
            cases::assign
        ),
        route!(
            post,
            "/arenden/{id}/status",
            Access::Roles(CASE_WORKERS),
            cases::set_status
        ),
        route!(
            post,
            "/arenden/{id}/team",
            Access::Roles(CASE_WORKERS),
            cases::move_team
        ),
        route!(
            get,
            "/mina-sidor/arenden",
            Access::Roles(CUSTOMER),
            cases::portal_list
        ),
        route!(
            get,
            "/mina-sidor/arenden/{id}",
            Access::Roles(CUSTOMER),
            cases::portal_case
        ),
        route!(
            post,
            "/mina-sidor/arenden/{id}/svar",
            Access::Roles(CUSTOMER),
            cases::portal_reply
        ),
        route!(
            get,
            "/mina-sidor/kontakt",
            Access::Roles(CUSTOMER),
            cases::contact_form
        ),
        route!(
            post,
            "/mina-sidor/kontakt",
            Access::Roles(CUSTOMER),
            cases::contact_submit
        ),
        // Chat: the customer's chat in the portal and the agents' console.
        route!(
            get,
            "/mina-sidor/chatt",
            Access::Roles(CUSTOMER),
            chat::portal
        ),
        route!(
            post,
            "/mina-sidor/chatt",
            Access::Roles(CUSTOMER),
            chat::portal_start
        ),
        route!(
            post,
            "/mina-sidor/chatt/meddelande",
            Access::Roles(CUSTOMER),
            chat::portal_send
        ),
        route!(
            post,
            "/mina-sidor/chatt/avsluta",
            Access::Roles(CUSTOMER),
            chat::portal_leave
        ),
        route!(
            get,
            "/mina-sidor/chatt/ws",
            Access::Roles(CUSTOMER),
            chat::portal_ws
        ),
        route!(get, "/chatt", Access::Roles(DESK), chat::console),
        route!(post, "/chatt/status", Access::Roles(DESK), chat::set_status),
        route!(post, "/chatt/nasta", Access::Roles(DESK), chat::accept_next),
        route!(get, "/chatt/ws", Access::Roles(DESK), chat::agent_ws),
        route!(get, "/chatt/{id}", Access::Roles(DESK), chat::agent_chat),
        route!(
            post,
            "/chatt/{id}/meddelande",
            Access::Roles(DESK),
            chat::agent_send
        ),
        route!(
            post,
            "/chatt/{id}/overlamna",
            Access::Roles(DESK),
            chat::transfer
        ),
        route!(post, "/chatt/{id}/stang", Access::Roles(DESK), chat::close),
        route!(get, "/api/openapi.json", Access::Public, api::openapi),
        route!(get, "/api/v1/sites", Access::Roles(STAFF), api::sites),
        route!(
            get,
            "/api/v1/sites/{id}/availability",
            Access::Roles(STAFF),
            api::availability
        ),
        route!(
            post,
            "/api/v1/visits",
            Access::Roles(DESK),
            api::create_visit
        ),
        route!(get, "/api/v1/me", Access::Authenticated, api::me),
        route!(
            get,
            "/api/v1/customers",
            Access::Roles(CUSTOMER_READERS),
            api::customers
        ),
        route!(
            get,
            "/api/v1/customers/{id}",
            Access::Roles(CUSTOMER_READERS),
            api::customer
        ),
        route!(
            get,
            "/api/v1/policies/{capability}",
            Access::Roles(STAFF),
            api::policy_in_force
        ),
    ]
}
