//! The agents' pages: the console (presence, limit, the queue, their chats) and one chat with
//! its transcript, the reply form, hand-over and closing into a case.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::cases::Category;
use domain::chat::ChatStatus;
use domain::ids::{ChatId, UserId};
use domain::problem::Problem;
use services::ServiceError;
use views::chat::*;
use views::pages::FieldError;

use super::{Reader, line_view, message_view};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, parse_id, render, see_other};

async fn console_page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let chat = state.services.chat();
    chat.heartbeat(&actor).await?;
    let c = chat.console(&actor).await?;
    let now = state.services.now_micros();
    let page = ChatConsolePage {
        layout: ctx.layout(state, "chat-console-title").await,
        online: c.online,
        max_chats: c
            .presence
            .as_ref()
            .map_or(i64::from(domain::chat::DEFAULT_MAX_CHATS), |p| p.max_chats),
        queue: c
            .queue
            .iter()
            .map(|l| line_view(l, ctx.lang, now))
            .collect(),
        queue_length: c.queue_length,
        mine: c.mine.iter().map(|l| line_view(l, ctx.lang, now)).collect(),
        agents: c
            .agents
            .iter()
            .map(|a| AgentLine {
                name: a.display_name.clone(),
                active: a.active,
                max_chats: a.max_chats,
            })
            .collect(),
        message,
        errors,
        open_now: chat.open_now().await?,
    };
    render(status, &page)
}

pub async fn console(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    console_page(&state, &ctx, None, vec![], StatusCode::OK).await
}

fn refused(ctx: &Ctx, field: &str, problem: &Problem) -> FieldError {
    FieldError {
        field: field.into(),
        message: views::explain(ctx.lang, problem),
    }
}

pub async fn set_status(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let online = form.get("online") == "1";
    let raw = form.get("max_chats").trim();
    let result = match raw.parse::<u32>() {
        _ if raw.is_empty() => {
            state
                .services
                .chat()
                .set_presence(&ctx.actor(), online, None)
                .await
        }
        Ok(max) => {
            state
                .services
                .chat()
                .set_presence(&ctx.actor(), online, Some(max))
                .await
        }
        Err(_) => Err(ServiceError::invalid("max_chats", Problem::NotANumber)),
    };
    match result {
        Ok(()) => Ok(see_other("/chatt")),
        Err(ServiceError::Invalid(domain::problem::Invalid { field, problem })) => {
            let e = refused(&ctx, field, &problem);
            console_page(
                &state,
                &ctx,
                None,
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn accept_next(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    match state.services.chat().accept_next(&ctx.actor()).await {
        Ok(Some(id)) => Ok(see_other(&format!("/chatt/{id}"))),
        Ok(None) => {
            let empty = Some(ctx.t("chat-queue-empty"));
            console_page(&state, &ctx, empty, vec![], StatusCode::OK).await
        }
        Err(ServiceError::Conflict(problem)) => {
            let e = refused(&ctx, "max_chats", &problem);
            console_page(&state, &ctx, None, vec![e], StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn transfer_choices(state: &AppState, me: UserId) -> Result<Vec<Choice>, ServiceError> {
    Ok(state
        .services
        .chat()
        .agents_online()
        .await?
        .into_iter()
        .filter(|a| a.user_id != me && a.active < a.max_chats)
        .map(|a| Choice {
            value: a.user_id.to_string(),
            label: format!("{} ({}/{})", a.display_name, a.active, a.max_chats),
            selected: false,
        })
        .collect())
}

async fn agent_page(
    state: &AppState,
    ctx: &Ctx,
    id: ChatId,
    draft: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let me = actor.user_id.ok_or(crate::error::AppError::Forbidden)?;
    let (line, messages) = state.services.chat().agent_chat(&actor, id).await?;
    let mine = line.agent_user_id == Some(me) && line.status == ChatStatus::Active;
    let transfer_to = if mine {
        transfer_choices(state, me).await?
    } else {
        Vec::new()
    };
    let category = line.topic.case_category();
    let categories = Category::ALL
        .iter()
        .map(|&c| Choice {
            value: c.as_str().to_owned(),
            label: views::label(ctx.lang, c),
            selected: c == category,
        })
        .collect();
    let status_text = match (line.status, line.customer_left_at) {
        (ChatStatus::Active, Some(_)) => ctx.t("chat-customer-left"),
        (ChatStatus::Active, None) => ctx.t("chat-agent-active"),
        (ChatStatus::Queued, _) => ctx.t("chat-agent-queued"),
        (ChatStatus::Closed, _) => ctx.t("chat-ended"),
    };
    let reader = Reader::Agent {
        user_id: me,
        customer: &line.customer_name,
    };
    let page = AgentChatPage {
        layout: ctx.layout(state, "chat-console-title").await,
        id,
        customer: line.customer_name.clone(),
        customer_id: line.customer_id,
        topic: views::label(ctx.lang, line.topic),
        status: status_text,
        mine,
        messages: messages
            .iter()
            .map(|m| message_view(m, reader, ctx.lang))
            .collect(),
        transfer_to,
        categories,
        draft: draft.to_owned(),
        errors,
        left: line.customer_left_at.is_some(),
    };
    render(status, &page)
}

fn chat_id(raw: &str) -> Result<ChatId, crate::error::AppError> {
    parse_id(raw).map(ChatId::new)
}

pub async fn agent_chat(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = chat_id(&id)?;
    state.services.chat().heartbeat(&ctx.actor()).await?;
    agent_page(&state, &ctx, id, "", vec![], StatusCode::OK).await
}

async fn agent_form_error(
    state: &AppState,
    ctx: &Ctx,
    id: ChatId,
    draft: &str,
    e: ServiceError,
) -> PageResult {
    let (field, problem, status) = match e {
        ServiceError::Invalid(domain::problem::Invalid { field, problem }) => {
            (field, problem, StatusCode::UNPROCESSABLE_ENTITY)
        }
        ServiceError::Conflict(problem) => ("body", problem, StatusCode::CONFLICT),
        other => return Err(other.into()),
    };
    let e = refused(ctx, field, &problem);
    agent_page(state, ctx, id, draft, vec![e], status).await
}

pub async fn agent_send(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = chat_id(&id)?;
    match state
        .services
        .chat()
        .agent_send(&ctx.actor(), id, form.get("body"))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/chatt/{id}"))),
        Err(e) => agent_form_error(&state, &ctx, id, form.get("body"), e).await,
    }
}

pub async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = chat_id(&id)?;
    let Ok(to) = form.get("to").parse::<UserId>() else {
        let e = FieldError {
            field: "to".into(),
            message: ctx.t("chat-transfer-pick"),
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return agent_page(&state, &ctx, id, "", vec![e], status).await;
    };
    match state.services.chat().transfer(&ctx.actor(), id, to).await {
        Ok(()) => Ok(see_other("/chatt")),
        Err(e) => agent_form_error(&state, &ctx, id, "", e).await,
    }
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = chat_id(&id)?;
    let closed = match form.get("category").parse::<Category>() {
        Ok(category) => {
            state
                .services
                .chat()
                .close(&ctx.actor(), id, category)
                .await
        }
        Err(e) => Err(ServiceError::invalid("category", Problem::UnknownChoice(e))),
    };
    match closed {
        Ok(case_id) => {
            let done = Some(views::translate(
                ctx.lang,
                "chat-closed-into-case",
                &[("id", case_id.to_string())],
            ));
            console_page(&state, &ctx, done, vec![], StatusCode::OK).await
        }
        Err(e) => agent_form_error(&state, &ctx, id, "", e).await,
    }
}
