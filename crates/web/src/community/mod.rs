//! Community support on the web: the stock with donations, event applications, broadband
//! upgrades with their provisioning orders and the ledger for staff; the public event form; the
//! business customer's broadband page on Mina sidor; and the JSON API.

mod api;
mod portal;
mod public;
mod sponsorship;
mod staff;
mod summer;

use services::community::roles;
use views::Lang;

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

const DECIDE: Access = Access::Roles(roles::DECIDE);
const LEDGER: Access = Access::Roles(roles::LEDGER);
const RECORD: Access = Access::Roles(roles::RECORD);
const CUSTOMER: Access = Access::Roles(services::auth::roles::CUSTOMER);

pub use api::{documented_paths, openapi};

/// The routes of community support.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/samhalle", DECIDE, staff::stock),
        route!(post, "/samhalle/lager", DECIDE, staff::add_item),
        route!(post, "/samhalle/gavor", DECIDE, staff::donate),
        route!(get, "/samhalle/evenemang", DECIDE, staff::events),
        route!(
            post,
            "/samhalle/evenemang/{id}",
            DECIDE,
            staff::decide_event
        ),
        route!(get, "/samhalle/bredband", RECORD, staff::broadband),
        route!(post, "/samhalle/bredband", RECORD, staff::record_upgrade),
        route!(
            post,
            "/samhalle/bredband/{id}/avbryt",
            DECIDE,
            staff::cancel_upgrade
        ),
        route!(post, "/samhalle/bredband/kor", DECIDE, staff::run_day),
        route!(get, "/samhalle/bredband/ordrar", DECIDE, staff::order_file),
        route!(get, "/samhalle/sponsring", LEDGER, sponsorship::list),
        route!(post, "/samhalle/sponsring", DECIDE, sponsorship::make),
        route!(
            post,
            "/samhalle/sponsring/slapp",
            DECIDE,
            sponsorship::release
        ),
        route!(get, "/samhalle/sponsring/{id}", LEDGER, sponsorship::show),
        route!(
            post,
            "/samhalle/sponsring/{id}/matcher",
            DECIDE,
            sponsorship::matches
        ),
        route!(
            post,
            "/samhalle/sponsring/{id}/avsluta",
            DECIDE,
            sponsorship::terminate
        ),
        route!(get, "/samhalle/sommarjobb", DECIDE, summer::staff),
        route!(post, "/samhalle/sommarjobb", DECIDE, summer::open_season),
        route!(
            post,
            "/samhalle/sommarjobb/regler",
            Access::Roles(services::auth::roles::ADMIN),
            summer::save_rules
        ),
        route!(
            post,
            "/samhalle/sommarjobb/{year}/annonser",
            DECIDE,
            summer::add_posting
        ),
        route!(
            post,
            "/samhalle/sommarjobb/{year}/fro",
            DECIDE,
            summer::publish_seed
        ),
        route!(
            post,
            "/samhalle/sommarjobb/{year}/lotta",
            DECIDE,
            summer::draw
        ),
        route!(
            post,
            "/samhalle/sommarjobb/{year}/brev",
            DECIDE,
            summer::letters
        ),
        route!(
            get,
            "/samhalle/sommarjobb/{year}/ansokningar",
            DECIDE,
            summer::applications
        ),
        route!(get, "/samhalle/liggare", LEDGER, staff::ledger),
        route!(get, "/samhalle/liggare.csv", LEDGER, staff::ledger_csv),
        route!(get, "/evenemang/ansok", Access::Public, public::form),
        route!(post, "/evenemang/ansok", Access::Public, public::apply),
        route!(get, "/sommarjobb", Access::Public, summer::public),
        route!(post, "/sommarjobb", Access::Public, summer::apply),
        route!(
            get,
            "/sommarjobb/{year}/lottning",
            Access::Public,
            summer::published
        ),
        route!(
            get,
            "/sommarjobb/{year}/lottning.csv",
            Access::Public,
            summer::published_csv
        ),
        route!(get, "/mina-sidor/bredband", CUSTOMER, portal::show),
        route!(post, "/mina-sidor/bredband", CUSTOMER, portal::ask),
        route!(
            post,
            "/mina-sidor/bredband/{id}/avbryt",
            CUSTOMER,
            portal::cancel
        ),
        route!(
            post,
            "/api/v1/broadband-upgrades",
            RECORD,
            api::request_upgrade
        ),
        route!(get, "/api/v1/broadband-upgrades", RECORD, api::upgrades),
        route!(post, "/api/v1/events", RECORD, api::apply),
        route!(get, "/api/v1/community/ledger", LEDGER, api::ledger),
    ]
}

/// The gathering limit of `policy` as a sentence.
fn limit_sentence(lang: Lang, policy: &domain::community::CommunityPolicy) -> String {
    match &policy.gathering_limit {
        Some(l) => views::translate(
            lang,
            "community-limit-today",
            &[
                ("max", l.max_people.to_string()),
                ("source", l.source.clone()),
            ],
        ),
        None => views::translate(lang, "community-no-limit-today", &[]),
    }
}

/// Whether `policy` offers free upgrades, as a sentence.
fn offer_sentence(lang: Lang, policy: &domain::community::CommunityPolicy) -> String {
    match policy.free_upgrade_max_days {
        Some(days) => {
            views::translate(lang, "community-offer-today", &[("days", days.to_string())])
        }
        None => views::translate(lang, "community-no-offer-today", &[]),
    }
}

/// The sentence that says an upgrade was granted.
fn granted(lang: Lang, u: &services::community::UpgradeRow) -> String {
    views::translate(
        lang,
        "community-upgrade-granted",
        &[("from", u.from.to_string())],
    )
}

/// An upgrade as the lists show it.
fn upgrade_line(lang: Lang, u: &services::community::UpgradeRow) -> views::community::UpgradeLine {
    views::community::UpgradeLine {
        id: u.id.get(),
        customer_number: u.customer_number.clone(),
        customer: u.customer_name.clone(),
        normal_speed: u.normal_speed_mbit,
        speed: u.speed_mbit,
        from: u.from.to_string(),
        to: u.to.to_string(),
        state: views::label(lang, u.state),
        via: views::label(lang, u.via),
        value: u.value.to_string(),
        cancellable: u.state == domain::community::upgrades::UpgradeState::Scheduled,
    }
}
