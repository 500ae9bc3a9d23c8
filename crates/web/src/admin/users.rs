//! Accounts and roles: the list, changing a staff member's role, ending an account's sessions.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use services::ServiceError;
use views::pages::{FieldError, UserLine, UsersPage};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, id_of, render, see_other};

async fn page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let users = state.services.accounts().users(ctx.user()?).await?;
    let staff_roles = Role::STAFF
        .iter()
        .map(|r| (*r, views::label(ctx.lang, *r)))
        .collect();
    let page = UsersPage {
        layout: ctx.layout(state, "users-title").await,
        users: users
            .into_iter()
            .map(|u| UserLine {
                id: u.id,
                is_customer: u.role == Role::Customer,
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                totp_enabled: u.totp_enabled,
                is_demo: u.is_demo,
            })
            .collect(),
        staff_roles,
        message,
        errors,
    };
    render(status, &page)
}

fn refused(ctx: &Ctx, field: &str, problem: &Problem) -> Vec<FieldError> {
    vec![FieldError {
        field: field.to_owned(),
        message: views::explain(ctx.lang, problem),
    }]
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page(&state, &ctx, None, Vec::new(), StatusCode::OK).await
}

pub async fn set_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = id_of(&id)?;
    let role = match form.get("role").parse::<Role>() {
        Ok(role) => role,
        Err(e) => {
            let errors = refused(&ctx, "role", &Problem::UnknownChoice(e));
            return page(&state, &ctx, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let result = state
        .services
        .accounts()
        .set_role(ctx.user()?, id, role, &ctx.address)
        .await;
    match result {
        Ok(()) => Ok(see_other("/admin/anvandare")),
        Err(ServiceError::Invalid(Invalid { field, problem })) => {
            let errors = refused(&ctx, field, &problem);
            page(&state, &ctx, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn end_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_of(&id)?;
    let n = state
        .services
        .accounts()
        .end_sessions(ctx.user()?, id, &ctx.address)
        .await?;
    let message = views::translate(
        ctx.lang,
        "users-sessions-ended",
        &[("count", n.to_string())],
    );
    page(&state, &ctx, Some(message), Vec::new(), StatusCode::OK).await
}
