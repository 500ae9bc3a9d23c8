//! The customer's chat page: the start form (with self-service offered first when the portal
//! policy in force asks for it), the open chat, and what became of the last one.

use axum::extract::State;
use axum::http::StatusCode;
use domain::chat::{ChatStatus, SelfService, Topic};
use services::ServiceError;
use services::chat::CustomerChat;
use views::Lang;
use views::chat::*;
use views::pages::FieldError;

use super::{Reader, message_view};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, render, see_other};

/// What a customer waiting or chatting is told about their chat.
pub(super) fn customer_status(lang: Lang, c: &CustomerChat) -> String {
    match (c.chat.status, &c.estimate, &c.agent_name) {
        (ChatStatus::Queued, Some(e), _) => match e.wait_minutes {
            Some(w) => views::translate(
                lang,
                "chat-queued",
                &[
                    ("position", e.position.to_string()),
                    ("minutes", w.to_string()),
                ],
            ),
            None => views::translate(
                lang,
                "chat-queued-unknown",
                &[("position", e.position.to_string())],
            ),
        },
        (ChatStatus::Active, _, Some(name)) => {
            views::translate(lang, "chat-active", &[("name", name.clone())])
        }
        (ChatStatus::Active, _, None) => views::translate(lang, "chat-active-anon", &[]),
        _ => views::translate(lang, "chat-ended", &[]),
    }
}

/// Whether the portal policy in force asks the chat to offer self-service first (a policy
/// that cannot be read offers nothing; the page still works).
async fn deflecting(state: &AppState) -> bool {
    state
        .services
        .portal()
        .policy()
        .await
        .is_ok_and(|p| p.deflect_to_self_service)
}

struct StartForm<'a> {
    topic: Option<Topic>,
    draft: &'a str,
    offer: Option<DeflectOffer>,
}

impl StartForm<'_> {
    fn empty() -> Self {
        StartForm {
            topic: None,
            draft: "",
            offer: None,
        }
    }
}

/// The open chat, or what became of the last one: (open chat, notice, case).
fn chat_parts(
    lang: Lang,
    chat: Option<&CustomerChat>,
) -> (
    Option<OpenChat>,
    Option<String>,
    Option<domain::ids::CaseId>,
) {
    match chat {
        Some(c) if c.is_open() => (
            Some(OpenChat {
                status_text: customer_status(lang, c),
                messages: c
                    .messages
                    .iter()
                    .map(|m| message_view(m, Reader::Customer, lang))
                    .collect(),
                left: false,
            }),
            None,
            None,
        ),
        // The latest chat ended: say what became of it (the last note says why).
        Some(c) => (
            None,
            c.last_note().map(|n| views::chat::note_text(lang, n)),
            c.chat.case_id,
        ),
        None => (None, None, None),
    }
}

async fn portal_page(
    state: &AppState,
    ctx: &Ctx,
    form: StartForm<'_>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let chat_service = state.services.chat();
    let chat = chat_service.of_customer(&ctx.actor()).await?;
    let hours = chat_service.hours().await?;
    let hours_text = format!(
        "{:02}:{:02}–{:02}:{:02}",
        hours.opens.hour(),
        hours.opens.minute(),
        hours.closes.hour(),
        hours.closes.minute()
    );
    let (open, notice, notice_case) = chat_parts(ctx.lang, chat.as_ref());
    let deflect = if deflecting(state).await {
        SelfService::ALL
            .iter()
            .map(|&s| SelfServiceLink::new(s))
            .collect()
    } else {
        Vec::new()
    };
    let page = PortalChatPage {
        layout: ctx.layout(state, "chat-title").await,
        open,
        deflect,
        offer: form.offer,
        topics: Topic::ALL
            .iter()
            .map(|&t| Choice {
                value: t.as_str().to_owned(),
                label: views::label(ctx.lang, t),
                selected: Some(t) == form.topic,
            })
            .collect(),
        draft: form.draft.to_owned(),
        errors,
        notice,
        notice_case,
        closed_now: !hours.is_open(state.services.now(), state.services.tz()),
        hours: hours_text,
    };
    render(status, &page)
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    portal_page(&state, &ctx, StartForm::empty(), vec![], StatusCode::OK).await
}

fn field_error(lang: Lang, e: ServiceError) -> Result<FieldError, AppError> {
    match e {
        ServiceError::Invalid(domain::problem::Invalid { problem, .. }) => Ok(FieldError {
            field: "body".into(),
            message: views::explain(lang, &problem),
        }),
        other => Err(other.into()),
    }
}

pub async fn start(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let body = form.get("body");
    let topic = match form.get("topic").parse::<Topic>() {
        Ok(t) => t,
        Err(_) => {
            let e = FieldError {
                field: "topic".into(),
                message: ctx.t("chat-topic-missing"),
            };
            let kept = StartForm {
                draft: body,
                ..StartForm::empty()
            };
            return portal_page(
                &state,
                &ctx,
                kept,
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // Crisis deflection: a topic with self-service is offered it before the chat is queued.
    if form.get("confirmed") != "1"
        && let Some(s) = topic.self_service()
        && !body.trim().is_empty()
        && deflecting(&state).await
    {
        let offer = StartForm {
            topic: Some(topic),
            draft: body,
            offer: Some(DeflectOffer {
                link: SelfServiceLink::new(s),
                topic,
                body: body.to_owned(),
            }),
        };
        return portal_page(&state, &ctx, offer, vec![], StatusCode::OK).await;
    }
    match state.services.chat().start(&ctx.actor(), topic, body).await {
        Ok(_) => Ok(see_other("/mina-sidor/chatt")),
        Err(e) => {
            let e = field_error(ctx.lang, e)?;
            let kept = StartForm {
                topic: Some(topic),
                draft: body,
                offer: None,
            };
            portal_page(
                &state,
                &ctx,
                kept,
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn send(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    match state
        .services
        .chat()
        .customer_send(&ctx.actor(), form.get("body"))
        .await
    {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(see_other("/mina-sidor/chatt")),
        Err(e) => {
            let e = field_error(ctx.lang, e)?;
            let kept = StartForm {
                draft: form.get("body"),
                ..StartForm::empty()
            };
            portal_page(
                &state,
                &ctx,
                kept,
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn leave(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    state.services.chat().leave(&ctx.actor()).await?;
    Ok(see_other("/mina-sidor/chatt"))
}
