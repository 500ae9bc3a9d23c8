//! Accounts, for everyone: logging in (password, then the second factor; or through an identity
//! provider), the language, the
//! account page with the password change, and logging out.

mod login;
mod passkeys;
mod password;
mod sign_on;
mod totp;

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/logga-in", Access::Public, login::form),
        route!(post, "/logga-in", Access::Public, login::submit),
        route!(post, "/sprak", Access::Public, login::set_language),
        route!(
            get,
            "/logga-in/organisation",
            Access::Public,
            sign_on::staff_start
        ),
        route!(
            get,
            "/logga-in/organisation/svar",
            Access::Public,
            sign_on::staff_answer
        ),
        route!(
            get,
            "/logga-in/e-legitimation",
            Access::Public,
            sign_on::customer_start
        ),
        route!(
            get,
            "/logga-in/e-legitimation/svar",
            Access::Public,
            sign_on::customer_answer
        ),
        route!(get, "/logga-in/totp", Access::SecondFactor, totp::form),
        route!(post, "/logga-in/totp", Access::SecondFactor, totp::submit),
        route!(post, "/logga-in/totp/ny", Access::SecondFactor, totp::enrol),
        route!(
            post,
            "/logga-in/reservkod",
            Access::SecondFactor,
            totp::recovery
        ),
        route!(post, "/logga-ut", Access::AnySession, login::logout),
        route!(get, "/konto", Access::Authenticated, password::account),
        route!(
            post,
            "/konto/losenord",
            Access::Authenticated,
            password::change
        ),
        route!(
            post,
            "/konto/reservkoder",
            Access::Roles(services::auth::roles::STAFF),
            totp::new_codes
        ),
        route!(get, "/static/passkey.js", Access::Public, passkeys::script),
        route!(
            post,
            "/konto/passkey/start",
            Access::Roles(services::auth::roles::STAFF),
            passkeys::register_start
        ),
        route!(
            post,
            "/konto/passkey",
            Access::Roles(services::auth::roles::STAFF),
            passkeys::register
        ),
        route!(
            post,
            "/konto/passkey/{id}/ta-bort",
            Access::Roles(services::auth::roles::STAFF),
            passkeys::remove
        ),
        route!(
            post,
            "/logga-in/passkey/start",
            Access::SecondFactor,
            passkeys::login_start
        ),
        route!(
            post,
            "/logga-in/passkey",
            Access::SecondFactor,
            passkeys::login
        ),
    ]
}
