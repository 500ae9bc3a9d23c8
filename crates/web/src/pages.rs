//! What every page handler shares: rendering a view, redirects, scripts, and reading an id or
//! a stored code from a request. The pages themselves live with their audience (`home`,
//! `account`, `customers`, `admin`) and their capability (`visits`, `credit`, …).

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::code::TypedId;
use views::Template;

use crate::error::AppError;

pub(crate) type PageResult = Result<Response, AppError>;

pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> PageResult {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("render: {e}")))?;
    Ok((status, Html(html)).into_response())
}

pub(crate) fn ok<T: Template>(page: &T) -> PageResult {
    render(StatusCode::OK, page)
}

/// A script of ours, served with an hour's caching.
pub(crate) fn script(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// An id from a path segment: anything but a positive whole number is a page that does not
/// exist (404), never a parse error.
/// The bytes of the uploaded file field `name` of a `multipart/form-data` form; `None` when no
/// file (or an empty one) was chosen.
pub(crate) async fn uploaded(
    multipart: axum::extract::Multipart,
    name: &str,
) -> Result<Option<axum::body::Bytes>, AppError> {
    Ok(uploaded_file(multipart, name)
        .await?
        .map(|(_, bytes)| bytes))
}

/// Every file of the uploaded field `name` (an `<input type="file" multiple>`), with its name;
/// empty files are left out.
pub(crate) async fn uploaded_files(
    mut multipart: axum::extract::Multipart,
    name: &str,
) -> Result<Vec<(String, axum::body::Bytes)>, AppError> {
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest)?
    {
        if field.name() == Some(name) {
            let file_name = base_name(field.file_name());
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?;
            if !bytes.is_empty() {
                files.push((file_name, bytes));
            }
        }
    }
    Ok(files)
}

/// A file name as the browser gave it, without any folder.
fn base_name(name: Option<&str>) -> String {
    name.map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
        .unwrap_or_default()
}

/// The uploaded file field `name` with the file's name as the browser gave it; `None` when no
/// file (or an empty one) was chosen.
pub(crate) async fn uploaded_file(
    multipart: axum::extract::Multipart,
    name: &str,
) -> Result<Option<(String, axum::body::Bytes)>, AppError> {
    Ok(uploaded_files(multipart, name).await?.pop())
}

/// A refusal shown on the page it came from: an invalid value at its field, a conflict at
/// `conflict_field`, named in the reader's language; anything else is an error page.
pub(crate) fn refusal(
    lang: views::Lang,
    e: services::ServiceError,
    conflict_field: &str,
) -> Result<Vec<views::pages::FieldError>, AppError> {
    match e {
        services::ServiceError::Invalid(i) => Ok(vec![views::pages::FieldError {
            field: i.field.to_owned(),
            message: views::explain(lang, &i.problem),
        }]),
        services::ServiceError::Conflict(p) => Ok(vec![views::pages::FieldError {
            field: conflict_field.to_owned(),
            message: views::explain(lang, &p),
        }]),
        other => Err(other.into()),
    }
}

/// What a step on a page came to: its sentence, or its refusal named where [`refusal`] puts it.
pub(crate) fn outcome(
    lang: views::Lang,
    done: Result<String, services::ServiceError>,
    conflict_field: &str,
) -> Result<(Option<String>, Vec<views::pages::FieldError>), AppError> {
    match done {
        Ok(said) => Ok((Some(said), Vec::new())),
        Err(e) => Ok((None, refusal(lang, e, conflict_field)?)),
    }
}

/// [`outcome`] with every refusal named at `field`: a row's own field on a page of many rows.
pub(crate) fn outcome_at(
    lang: views::Lang,
    done: Result<String, services::ServiceError>,
    field: &str,
) -> Result<(Option<String>, Vec<views::pages::FieldError>), AppError> {
    let done = done.map_err(|e| match e {
        services::ServiceError::Invalid(i) => services::ServiceError::Conflict(i.problem),
        other => other,
    });
    outcome(lang, done, field)
}

/// A page's status: 200, or 422 when it shows refusals.
pub(crate) fn status_of(errors: &[views::pages::FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

pub(crate) fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or(AppError::NotFound)
}

/// [`parse_id`] as the typed id of the row it names.
pub(crate) fn id_of<T: TypedId>(raw: &str) -> Result<T, AppError> {
    parse_id(raw).map(T::from_i64)
}
