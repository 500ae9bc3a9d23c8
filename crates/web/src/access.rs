//! Who may call a route, decided on the server for every request.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use domain::role::Role;
use services::audit::{Event, Outcome};
use services::auth::SessionUser;

use crate::AppState;
use crate::error::AppError;
use crate::routes::RouteSpec;
use crate::session::{CurrentUser, client_address};

#[derive(Clone, Copy, Debug)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any session, even one still owing its second factor (only logout).
    AnySession,
    /// A fully logged-in user of any role.
    Authenticated,
    /// The TOTP pages: a session owing its second factor, or any staff member enrolling.
    SecondFactor,
    /// A fully logged-in user with one of these roles.
    Roles(&'static [Role]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not logged in (or second factor owed): send to the login step.
    Login,
    Forbidden,
}

impl Access {
    pub fn decide(self, user: Option<&SessionUser>) -> Decision {
        let Some(u) = user else {
            return if matches!(self, Access::Public) {
                Decision::Allow
            } else {
                Decision::Login
            };
        };
        match self {
            Access::Public | Access::AnySession => Decision::Allow,
            Access::SecondFactor if u.mfa_pending || u.role.is_staff() => Decision::Allow,
            Access::SecondFactor => Decision::Forbidden,
            _ if u.mfa_pending => Decision::Login,
            Access::Authenticated => Decision::Allow,
            Access::Roles(roles) if roles.contains(&u.role) => Decision::Allow,
            Access::Roles(_) => Decision::Forbidden,
        }
    }

    /// Whether a fully logged-in user of `role` (or an anonymous visitor, `None`) may call the route:
    /// the cell of the access matrix.
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::AnySession | Access::Authenticated, Some(_)) => true,
            (Access::SecondFactor, Some(r)) => r.is_staff(),
            (Access::Roles(rs), Some(r)) => rs.contains(&r),
        }
    }
}

/// The route's handler wrapped in its guard.
pub fn guarded(spec: RouteSpec, state: AppState) -> MethodRouter<AppState> {
    (spec.handler)()
        .route_layer(axum::middleware::from_fn_with_state(
            (state.clone(), spec.access, spec.path),
            guard,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            crate::metrics::track,
        ))
}

async fn guard(
    State((state, access, path)): State<(AppState, Access, &'static str)>,
    req: Request,
    next: Next,
) -> Response {
    let user = req
        .extensions()
        .get::<CurrentUser>()
        .and_then(|c| c.0.clone());
    let mut resp = match access.decide(user.as_ref()) {
        Decision::Allow => return next.run(req).await,
        Decision::Login => {
            if answers_401(path) {
                AppError::Unauthorized.into_response()
            } else if user.as_ref().is_some_and(|u| u.mfa_pending) {
                Redirect::to("/logga-in/totp").into_response()
            } else {
                Redirect::to("/logga-in").into_response()
            }
        }
        Decision::Forbidden => {
            if let Some(u) = &user {
                let address = client_address(&req);
                // Denied authorisations are audited (ASVS 16.3.2); a failure to audit is logged, not shown.
                if let Err(e) = services::audit::record_alone(
                    &state.services,
                    &u.actor(&address),
                    &Event {
                        action: "access_denied",
                        object_kind: "route",
                        object_id: path,
                        outcome: Outcome::Denied,
                        detail: req.method().as_str(),
                    },
                )
                .await
                {
                    tracing::error!(error = %e, "audit of a denied request failed");
                }
            }
            AppError::Forbidden.into_response()
        }
    };
    // Says which layer answered, so tests (and operators reading logs) can tell a guard refusal
    // from a handler's own redirect or error.
    resp.headers_mut().insert(
        GUARD_HEADER,
        axum::http::HeaderValue::from_static("refused"),
    );
    resp
}

/// Routes a browser does not navigate to (the API and WebSockets) answer a missing session with
/// 401 instead of a redirect to the login page.
pub fn answers_401(path: &str) -> bool {
    path.starts_with("/api/") || path.ends_with("/ws")
}

/// Header set on every response the access guard refused.
pub const GUARD_HEADER: &str = "x-beredskap-guard";
