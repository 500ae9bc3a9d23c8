//! Pages of cases: the staff queues (`/arenden`), one case with replies, notes, assignment,
//! status and team, the phone-case form ([`staff`]); and the portal's own cases, replies and
//! contact form ([`portal`]). Handlers only translate between forms and `services.cases()`;
//! access to a case (own team, own customer) is decided there, and anything not the viewer's
//! is a 404.

mod portal;
mod staff;

use domain::cases::{CaseLink, Category, EntryKind, SlaState};
use domain::ids::CustomerId;
use domain::problem::Problem;
use domain::role::Role;
use services::ServiceError;
use services::cases::roles::{CASE_WORKERS, CUSTOMER};
use services::cases::{CaseRow, EntryRow, LinkChoice};
use views::cases::*;
use views::pages::FieldError;

use crate::AppState;
use crate::access::Access;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;

fn badge(ctx: &Ctx, state: Option<SlaState>) -> Option<SlaBadge> {
    state.map(|s| SlaBadge {
        state: s.as_str(),
        label: views::label(ctx.lang, s),
    })
}

fn entry_lines(ctx: &Ctx, entries: &[EntryRow]) -> Vec<EntryLine> {
    entries
        .iter()
        .map(|e| EntryLine {
            kind: e.kind.as_str(),
            kind_label: views::label(ctx.lang, e.kind),
            author: author(ctx, e),
            body: e.body.clone(),
            at: e.created_at,
        })
        .collect()
}

/// Who an entry is by: a message taken on the phone says so, and a transcript is by the chat.
fn author(ctx: &Ctx, e: &EntryRow) -> String {
    if e.taken_by_phone() {
        views::translate(
            ctx.lang,
            "cases-by-phone",
            &[("name", e.author_name.clone())],
        )
    } else if e.kind == EntryKind::ChatTranscript && e.author_user_id.is_none() {
        views::label(ctx.lang, domain::cases::CaseSource::Chat)
    } else {
        e.author_name.clone()
    }
}

/// The values of a closed set as options, named in the reader's language.
fn choices<T: domain::code::Code>(ctx: &Ctx, selected: Option<T>) -> Vec<Choice> {
    T::all()
        .iter()
        .map(|&v| Choice {
            value: v.code().to_owned(),
            label: views::label(ctx.lang, v),
            selected: selected == Some(v),
        })
        .collect()
}

fn parse_link(raw: &str) -> Result<Option<CaseLink>, Problem> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    CaseLink::parse_value(raw).map(Some).ok_or_else(|| {
        Problem::UnknownChoice(domain::code::UnknownCode {
            set: <domain::cases::LinkKind as domain::code::Code>::SET,
            value: raw.to_owned(),
            expected: domain::cases::LinkKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
        })
    })
}

fn when(micros: i64) -> String {
    domain::time::format_datetime(
        domain::time::from_micros(micros),
        &domain::time::stockholm(),
    )
}

fn link_text(ctx: &Ctx, link: CaseLink) -> String {
    let key = match link {
        CaseLink::Arrangement(_) => "cases-linked-arrangement",
        CaseLink::Visit(_) => "cases-linked-visit",
    };
    views::translate(ctx.lang, key, &[("id", link.id().to_string())])
}

fn link_choices(ctx: &Ctx, links: &[LinkChoice], selected: &str) -> Vec<Choice> {
    links
        .iter()
        .map(|l| {
            let value = l.link.to_value();
            let label = views::translate(
                ctx.lang,
                "cases-linked-choice",
                &[("what", link_text(ctx, l.link)), ("when", when(l.at))],
            );
            Choice {
                selected: value == selected,
                value,
                label,
            }
        })
        .collect()
}

/// The case's link as the viewer may follow it.
fn link_view(ctx: &Ctx, case: &CaseRow, role: Role) -> Option<LinkView> {
    let link = case.link?;
    let href = match (link, role) {
        (CaseLink::Arrangement(_), Role::Customer) => Some("/mina-sidor/anstand".to_owned()),
        (CaseLink::Arrangement(id), Role::CreditOfficer | Role::Admin) => {
            Some(format!("/kredit/{id}"))
        }
        (CaseLink::Visit(_), Role::Customer) => Some("/mina-sidor/besok".to_owned()),
        (CaseLink::Visit(_), Role::Agent | Role::Admin) => Some("/kundcenter".to_owned()),
        _ => None,
    };
    Some(LinkView {
        href,
        text: link_text(ctx, link),
    })
}

fn field_error(ctx: &Ctx, field: &str, problem: &Problem) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: views::explain(ctx.lang, problem),
    }
}

/// A refusal shown on the form's field, or the error passed on.
fn refusal(e: ServiceError) -> Result<(&'static str, Problem), AppError> {
    match e {
        ServiceError::Invalid(domain::problem::Invalid { field, problem }) => Ok((field, problem)),
        other => Err(other.into()),
    }
}

fn category(raw: &str) -> Result<Category, Problem> {
    Category::parse(raw).ok_or(Problem::Cases(domain::cases::CaseProblem::CategoryMissing))
}

fn case_line(ctx: &Ctx, c: &CaseRow) -> PortalCaseLine {
    PortalCaseLine {
        id: c.id,
        subject: c.subject.clone(),
        category: views::label(ctx.lang, c.category),
        status: views::label(ctx.lang, c.status),
        created: c.created_at,
        updated: c.updated_at,
    }
}

/// The customer's cases in the viewer's teams, for the customer page.
pub(crate) async fn customer_case_lines(
    state: &AppState,
    ctx: &Ctx,
    customer: i64,
) -> Result<Vec<PortalCaseLine>, AppError> {
    let cases = state
        .services
        .cases()
        .of_customer(&ctx.actor(), CustomerId::new(customer))
        .await?;
    Ok(cases.iter().map(|c| case_line(ctx, c)).collect())
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        // Cases.
        route!(get, "/arenden", Access::Roles(CASE_WORKERS), staff::queue),
        route!(post, "/arenden", Access::Roles(CASE_WORKERS), staff::create),
        route!(
            get,
            "/arenden/ny",
            Access::Roles(CASE_WORKERS),
            staff::new_form
        ),
        route!(
            get,
            "/arenden/{id}",
            Access::Roles(CASE_WORKERS),
            staff::detail
        ),
        route!(
            post,
            "/arenden/{id}/svar",
            Access::Roles(CASE_WORKERS),
            staff::reply
        ),
        route!(
            post,
            "/arenden/{id}/anteckning",
            Access::Roles(CASE_WORKERS),
            staff::note
        ),
        route!(
            post,
            "/arenden/{id}/tilldela",
            Access::Roles(CASE_WORKERS),
            staff::assign
        ),
        route!(
            post,
            "/arenden/{id}/status",
            Access::Roles(CASE_WORKERS),
            staff::set_status
        ),
        route!(
            post,
            "/arenden/{id}/team",
            Access::Roles(CASE_WORKERS),
            staff::move_team
        ),
        route!(
            get,
            "/mina-sidor/arenden",
            Access::Roles(CUSTOMER),
            portal::list
        ),
        route!(
            get,
            "/mina-sidor/arenden/{id}",
            Access::Roles(CUSTOMER),
            portal::case
        ),
        route!(
            post,
            "/mina-sidor/arenden/{id}/svar",
            Access::Roles(CUSTOMER),
            portal::reply
        ),
        route!(
            get,
            "/mina-sidor/kontakt",
            Access::Roles(CUSTOMER),
            portal::contact_form
        ),
        route!(
            post,
            "/mina-sidor/kontakt",
            Access::Roles(CUSTOMER),
            portal::contact_submit
        ),
    ]
}
