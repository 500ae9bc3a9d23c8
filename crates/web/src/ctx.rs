//! What a handler needs to know about the request: who, which language, which CSRF token,
//! and the page frame ([`views::Layout`]) built from that. Plus a form extractor that never fails.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use domain::policy::{Capability, PolicyBody};
use domain::role::Role;
use services::auth::SessionUser;
use views::{Lang, Layout, NavItem, NavUser};

use crate::AppState;
use crate::error::AppError;
use crate::middleware::RequestId;
use crate::session::{CurrentUser, PreSessionCsrf, cookie, form_urlencoded_pairs};

pub struct Ctx {
    pub user: Option<SessionUser>,
    pub lang: Lang,
    pub csrf: String,
    pub path: String,
    pub request_id: String,
    pub address: String,
}

/// The language from the `lang` cookie; Swedish by default.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, "lang")
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<CurrentUser>()
            .and_then(|c| c.0.clone());
        let csrf = match &user {
            Some(u) => u.csrf_token.clone(),
            None => parts
                .extensions
                .get::<PreSessionCsrf>()
                .map(|p| p.0.clone())
                .unwrap_or_default(),
        };
        let address = parts
            .extensions
            .get::<crate::forwarded::ClientAddress>()
            .map_or_else(|| "local".to_owned(), |a| a.text());
        // After a POST the page shown is the result of an action; links back (the language switch)
        // go to the page the form was on, which the Referer names.
        let path = if parts.method == axum::http::Method::GET {
            parts.uri.path().to_owned()
        } else {
            parts
                .headers
                .get(axum::http::header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
                .and_then(|rest| {
                    rest.find('/')
                        .map(|i| rest[i..].split('?').next().unwrap_or("/").to_owned())
                })
                .unwrap_or_else(|| "/".to_owned())
        };
        Ok(Ctx {
            lang: lang_of(&parts.headers),
            csrf,
            path,
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            address,
            user,
        })
    }
}

/// Links a role sees in the navigation and on its home page: each link is shown to the roles its
/// route allows.
pub fn nav_for(role: Role) -> Vec<(&'static str, &'static str)> {
    use services::{audit, auth, customers, outbox, policies};
    let mut v = Vec::new();
    if role == Role::Customer {
        v.push(("/mina-sidor", "nav-portal"));
        v.push(("/mina-sidor/besok", "nav-visits"));
        v.push(("/mina-sidor/anstand", "nav-extension"));
        v.push(("/mina-sidor/meddelanden", "nav-messages"));
        v.push(("/mina-sidor/matarbyte", "nav-meter-booking"));
        v.push(("/mina-sidor/hembesok", "nav-homevisit"));
        v.push(("/mina-sidor/arenden", "nav-my-cases"));
        v.push(("/mina-sidor/kontakt", "nav-contact"));
        v.push(("/mina-sidor/chatt", "nav-chat"));
        v.push(("/mina-sidor/bredband", "nav-portal-broadband"));
    } else {
        v.push(("/personal", "nav-home"));
    }
    if customers::roles::READERS.contains(&role) {
        v.push(("/kunder", "nav-customers"));
    }
    if matches!(role, Role::Agent | Role::CreditOfficer | Role::Admin) {
        v.push(("/arenden", "nav-cases"));
    }
    if matches!(role, Role::Agent | Role::Admin) {
        v.push(("/kundcenter", "nav-desk"));
        v.push(("/chatt", "nav-chat-console"));
    }
    if outbox::roles::READERS.contains(&role) {
        v.push(("/utkorg", "nav-outbox"));
    }
    if matches!(role, Role::ContinuityManager | Role::Admin) {
        v.push(("/kundcenter/installningar", "nav-site-settings"));
    }
    if matches!(role, Role::Planner | Role::Admin) {
        v.push(("/kampanj", "nav-campaign"));
    }
    if role == Role::Technician {
        v.push(("/tekniker", "nav-work"));
    }
    if matches!(role, Role::CreditOfficer | Role::Admin) {
        v.push(("/kredit", "nav-credit"));
    }
    if matches!(role, Role::Finance | Role::Admin) {
        v.push(("/ekonomi", "nav-finance"));
    }
    if services::suppliers::roles::READ.contains(&role) {
        v.push(("/leverantorer", "nav-suppliers"));
    }
    if services::community::roles::DECIDE.contains(&role) {
        v.push(("/samhalle", "nav-community"));
    } else if services::community::roles::LEDGER.contains(&role) {
        v.push(("/samhalle/liggare", "nav-community-ledger"));
    } else if services::community::roles::RECORD.contains(&role) {
        v.push(("/samhalle/bredband", "nav-community-broadband"));
    }
    if policies::roles::MANAGERS.contains(&role) {
        v.push(("/admin/policyer", "nav-policies"));
    }
    if services::modes::roles::READ.contains(&role) {
        v.push(("/beredskap/lagen", "nav-modes"));
    }
    if auth::roles::ADMIN.contains(&role) {
        v.push(("/admin/anvandare", "nav-users"));
    }
    if audit::roles::READERS.contains(&role) {
        v.push(("/admin/granskning", "nav-audit"));
    }
    v.extend(crate::continuity::nav(role));
    v.push(("/konto", "nav-account"));
    v
}

impl Ctx {
    pub fn user(&self) -> Result<&SessionUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    /// Who is acting: the logged-in user, or an anonymous visitor from this address.
    pub fn actor(&self) -> services::Actor {
        match &self.user {
            Some(u) => u.actor(&self.address),
            None => services::Actor::anonymous(&self.address),
        }
    }

    pub fn t(&self, key: &str) -> String {
        views::translate(self.lang, key, &[])
    }

    /// The page frame. Public and portal pages carry a banner while measures are in force
    /// (any capability's policy differs from everyday operation): the portal policy's own text,
    /// or a plain notice, with a link to the public crisis page.
    pub async fn layout(&self, state: &AppState, title_key: &str) -> Layout {
        let mut banner = None;
        if self.user.as_ref().is_none_or(|u| u.role == Role::Customer)
            && state
                .services
                .crisis()
                .anything_in_force(state.services.now())
                .await
        {
            let own = match state
                .services
                .policies()
                .at(Capability::Portal, state.services.now())
                .await
            {
                Ok(PolicyBody::Portal(p)) => p.banner(self.lang).map(str::to_owned),
                _ => None,
            };
            banner = Some(own.unwrap_or_else(|| self.t("crisis-banner")));
        }
        let (user, nav) = match &self.user {
            Some(u) if !u.mfa_pending => (
                Some(NavUser {
                    display_name: u.display_name.clone(),
                    role_label: views::label(self.lang, u.role),
                }),
                nav_for(u.role)
                    .into_iter()
                    .map(|(href, label_key)| NavItem {
                        href,
                        label_key,
                        current: self.path == href,
                    })
                    .collect(),
            ),
            Some(u) => (
                Some(NavUser {
                    display_name: u.display_name.clone(),
                    role_label: String::new(),
                }),
                Vec::new(),
            ),
            None => (None, Vec::new()),
        };
        Layout {
            lang: self.lang,
            title: self.t(title_key),
            user,
            nav,
            csrf: self.csrf.clone(),
            banner,
            path: self.path.clone(),
            demo: state.services.demo_mode(),
        }
    }
}

/// Form fields as text. Never rejects: a malformed post gets its form back with the field
/// marked by the handler, never an error page.
pub struct FormData(pub HashMap<String, String>);

impl FormData {
    pub fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        Ok(FormData(
            form_urlencoded_pairs(&bytes).into_iter().collect(),
        ))
    }
}
