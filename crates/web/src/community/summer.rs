//! Summer jobs on the web: the season for staff (postings, the seed, the draw, the letters, the
//! applications with names), and for young people the public postings with the application
//! form and the published draw anyone can check (no names).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use services::community::{ApplicationInput, PostingInput, PostingLine, SeasonInput};
use views::Lang;
use views::community::{
    ApplicationLine, DrawRow, PostingView, SeasonLine, SummerApplicationsPage, SummerApplyPage,
    SummerDrawPage, SummerPage,
};
use views::pages::FieldError;

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, outcome, refusal, render, status_of};

fn posting_view(lang: Lang, p: &PostingLine) -> PostingView {
    let r = &p.posting;
    PostingView {
        id: r.id.get(),
        workplace: r.workplace.clone(),
        supervisor: r.supervisor.clone(),
        description: r.description.clone(),
        period: format!("{} – {}", r.starts_on, r.last_day()),
        hours: format!("{}–{}", r.start.strftime("%H:%M"), r.end.strftime("%H:%M")),
        hours_week: r.hours().week_minutes() / 60,
        places: r.places,
        wage: r.hourly_wage.to_string(),
        for_minors: match &p.for_minors {
            Ok(()) => views::translate(lang, "summer-fits-minors", &[]),
            Err(e) => views::explain(lang, e),
        },
    }
}

#[derive(serde::Deserialize, Default)]
pub struct YearParams {
    year: Option<i64>,
}

fn year_of(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or(AppError::NotFound)
}

async fn season_page(
    state: &AppState,
    ctx: &Ctx,
    year: Option<i64>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let h = state.services.community();
    let seasons = h.seasons(&actor).await?;
    let chosen = year
        .and_then(|y| seasons.iter().find(|s| s.year == y))
        .or_else(|| seasons.first());
    let tz = state.services.tz().clone();
    let at = |t: jiff::Timestamp| domain::time::format_datetime(t, &tz);
    let (season, postings) = match chosen {
        None => (None, Vec::new()),
        Some(s) => {
            let view = h.season(&actor, s.year).await?;
            let line = SeasonLine {
                year: s.year,
                apply_until: s.apply_until.to_string(),
                first_day: s.first_day.to_string(),
                applications: view.applications,
                seed: s.seed.clone(),
                seed_note: match (&s.seed_published_by, s.seed_published_at) {
                    (Some(by), Some(t)) => views::translate(
                        lang,
                        "summer-seed-note",
                        &[("by", by.clone()), ("at", at(t))],
                    ),
                    _ => String::new(),
                },
                drawn: s.drawn_at.map(|t| {
                    views::translate(
                        lang,
                        "summer-drawn-note",
                        &[
                            ("by", s.drawn_by.clone().unwrap_or_default()),
                            ("at", at(t)),
                        ],
                    )
                }),
                letters: s
                    .letters_at
                    .map(|t| views::translate(lang, "summer-letters-note", &[("at", at(t))])),
                purged: s.purged_at.is_some(),
                priority: s.priority_first_job,
            };
            (
                Some(line),
                view.postings
                    .iter()
                    .map(|p| posting_view(lang, p))
                    .collect(),
            )
        }
    };
    let r = h.summer_rules().await?;
    let page = SummerPage {
        layout: ctx.layout(state, "summer-title").await,
        season,
        postings,
        years: seasons.iter().map(|s| s.year).collect(),
        rules: views::translate(
            lang,
            "summer-rules",
            &[
                ("min", r.min_age.to_string()),
                ("max", r.max_age.to_string()),
                ("minor", r.minor_age.to_string()),
                ("from", r.night_from_hour.to_string()),
                ("until", r.night_until_hour.to_string()),
                ("day", r.max_hours_day.to_string()),
                ("week", r.max_hours_week.to_string()),
            ],
        ),
        rule_fields: if actor.require(services::auth::roles::ADMIN).is_ok() {
            vec![
                ("min_age", "summer-rule-min-age", r.min_age),
                ("max_age", "summer-rule-max-age", r.max_age),
                ("minor_age", "summer-rule-minor-age", r.minor_age),
                (
                    "night_from_hour",
                    "summer-rule-night-from",
                    r.night_from_hour,
                ),
                (
                    "night_until_hour",
                    "summer-rule-night-until",
                    r.night_until_hour,
                ),
                ("max_hours_day", "summer-rule-day", r.max_hours_day),
                ("max_hours_week", "summer-rule-week", r.max_hours_week),
                ("retention_days", "summer-rule-retention", r.retention_days),
            ]
        } else {
            Vec::new()
        },
        next_year: i64::from(state.services.today().year()) + 1,
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn staff(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<YearParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let year = q.ok().and_then(|Query(q)| q.year);
    season_page(&state, &ctx, year, None, Vec::new()).await
}

pub async fn open_season(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = SeasonInput {
        year: f.get("year").to_owned(),
        apply_until: f.get("apply_until").to_owned(),
        first_day: f.get("first_day").to_owned(),
        priority_first_job: f.get("priority_first_job") == "true",
    };
    let done = state
        .services
        .community()
        .open_season(&ctx.actor(), &input)
        .await;
    let year = done.as_ref().ok().copied();
    let (said, errors) = outcome(
        ctx.lang,
        done.map(|_| ctx.t("summer-season-opened")),
        "new-year",
    )?;
    let errors = errors
        .into_iter()
        .map(|mut e| {
            if e.field == "year" {
                e.field = "new-year".to_owned();
            }
            e
        })
        .collect();
    season_page(&state, &ctx, year, said, errors).await
}

pub async fn save_rules(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let fields = [
        "min_age",
        "max_age",
        "minor_age",
        "night_from_hour",
        "night_until_hour",
        "max_hours_day",
        "max_hours_week",
        "retention_days",
    ];
    let values: Vec<(&str, &str)> = fields.iter().map(|k| (*k, f.get(k))).collect();
    let done = state
        .services
        .community()
        .save_summer_rules_input(&ctx.actor(), &values)
        .await
        .map(|()| ctx.t("summer-rules-saved"));
    let (said, errors) = outcome(ctx.lang, done, "min_age")?;
    season_page(&state, &ctx, None, said, errors).await
}

pub async fn add_posting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
    f: FormData,
) -> PageResult {
    let year = year_of(&year)?;
    let input = PostingInput {
        year,
        workplace: f.get("workplace").to_owned(),
        supervisor: f.get("supervisor").to_owned(),
        description: f.get("description").to_owned(),
        starts_on: f.get("starts_on").to_owned(),
        weeks: f.get("weeks").to_owned(),
        start_time: f.get("start_time").to_owned(),
        end_time: f.get("end_time").to_owned(),
        break_minutes: f.get("break_minutes").to_owned(),
        days_per_week: f.get("days_per_week").to_owned(),
        places: f.get("places").to_owned(),
        hourly_wage: f.get("hourly_wage").to_owned(),
    };
    let done = state
        .services
        .community()
        .add_posting(&ctx.actor(), &input)
        .await
        .map(|_| ctx.t("summer-posting-added"));
    let (said, errors) = outcome(ctx.lang, done, "workplace")?;
    season_page(&state, &ctx, Some(year), said, errors).await
}

pub async fn publish_seed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> PageResult {
    let year = year_of(&year)?;
    let done = state
        .services
        .community()
        .publish_seed(&ctx.actor(), year)
        .await
        .map(|_| ctx.t("summer-seed-published"));
    let (said, errors) = outcome(ctx.lang, done, "publish-seed")?;
    season_page(&state, &ctx, Some(year), said, errors).await
}

pub async fn draw(State(state): State<AppState>, ctx: Ctx, Path(year): Path<String>) -> PageResult {
    let year = year_of(&year)?;
    let done = state
        .services
        .community()
        .draw(&ctx.actor(), year)
        .await
        .map(|d| {
            views::translate(
                ctx.lang,
                "summer-drawn",
                &[
                    ("chosen", d.chosen.to_string()),
                    ("not_chosen", d.not_chosen.to_string()),
                ],
            )
        });
    let (said, errors) = outcome(ctx.lang, done, "draw")?;
    season_page(&state, &ctx, Some(year), said, errors).await
}

pub async fn letters(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> PageResult {
    let year = year_of(&year)?;
    let done = state
        .services
        .community()
        .send_letters(&ctx.actor(), year)
        .await
        .map(|n| views::translate(ctx.lang, "summer-letters-sent", &[("count", n.to_string())]));
    let (said, errors) = outcome(ctx.lang, done, "letters")?;
    season_page(&state, &ctx, Some(year), said, errors).await
}

pub async fn applications(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> PageResult {
    let year = year_of(&year)?;
    let lang = ctx.lang;
    let actor = ctx.actor();
    let h = state.services.community();
    let view = h.season(&actor, year).await?;
    let rows = h.summer_applications(&actor, year).await?;
    let name_of = |id: Option<domain::ids::PostingId>| {
        id.and_then(|id| view.postings.iter().find(|p| p.posting.id == id))
            .map(|p| p.posting.workplace.clone())
            .unwrap_or_default()
    };
    let page = SummerApplicationsPage {
        layout: ctx.layout(&state, "summer-title").await,
        year,
        applications: rows
            .iter()
            .map(|a| ApplicationLine {
                reference: a.reference(),
                name: a.name.clone(),
                age: domain::community::summer::age_on(a.birth_date, view.season.first_day),
                contact: [Some(a.email.clone()), a.phone.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                first_job: a.first_job && view.season.priority_first_job,
                guardian: [a.guardian_name.clone(), a.guardian_email.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                wish: name_of(a.wish_id),
                state: views::label(lang, a.state),
                rank: a.draw_rank.map(|r| r.to_string()).unwrap_or_default(),
                posting: name_of(a.posting_id),
            })
            .collect(),
    };
    render(axum::http::StatusCode::OK, &page)
}

const FIELDS: [&str; 7] = [
    "name",
    "birth_date",
    "email",
    "phone",
    "wish",
    "guardian_name",
    "guardian_email",
];
const CHECKS: [&str; 2] = ["first_job", "guardian_consent"];

async fn apply_page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<&FormData>,
    errors: Vec<FieldError>,
    received: Option<String>,
) -> PageResult {
    let lang = ctx.lang;
    let h = state.services.community();
    let open = h.open_for_applications().await?;
    let draws = h.drawn_years().await?;
    let (open, postings) = match open {
        None => (None, Vec::new()),
        Some((s, postings)) => (
            Some((s.year, s.apply_until.to_string())),
            postings.iter().map(|p| posting_view(lang, p)).collect(),
        ),
    };
    let page = SummerApplyPage {
        layout: ctx.layout(state, "summer-apply-title").await,
        open,
        postings,
        draws,
        values: FIELDS
            .iter()
            .map(|k| {
                (
                    (*k).to_owned(),
                    form.map(|f| f.get(k).to_owned()).unwrap_or_default(),
                )
            })
            .collect(),
        checked: CHECKS
            .iter()
            .filter(|k| form.is_some_and(|f| f.get(k) == "true"))
            .map(|k| (*k).to_owned())
            .collect(),
        errors,
        received,
    };
    render(status_of(&page.errors), &page)
}

pub async fn public(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    apply_page(&state, &ctx, None, Vec::new(), None).await
}

pub async fn apply(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = ApplicationInput {
        name: f.get("name").to_owned(),
        birth_date: f.get("birth_date").to_owned(),
        email: f.get("email").to_owned(),
        phone: f.get("phone").to_owned(),
        first_job: f.get("first_job") == "true",
        wish: f.get("wish").to_owned(),
        guardian_name: f.get("guardian_name").to_owned(),
        guardian_email: f.get("guardian_email").to_owned(),
        guardian_consent: f.get("guardian_consent") == "true",
    };
    match state
        .services
        .community()
        .apply_for_summer_job(&ctx.actor(), &input)
        .await
    {
        Ok(reference) => apply_page(&state, &ctx, None, Vec::new(), Some(reference)).await,
        Err(e) => {
            let errors = refusal(ctx.lang, e, "name")?;
            apply_page(&state, &ctx, Some(&f), errors, None).await
        }
    }
}

pub async fn published(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> PageResult {
    let year = year_of(&year)?;
    let d = state.services.community().published_draw(year).await?;
    let tz = state.services.tz().clone();
    let page = SummerDrawPage {
        layout: ctx.layout(&state, "summer-title").await,
        year,
        seed: d.season.seed.clone(),
        seed_published: d
            .season
            .seed_published_at
            .map(|t| domain::time::format_datetime(t, &tz))
            .unwrap_or_default(),
        drawn: d.season.drawn_at.map(|t| {
            views::translate(
                ctx.lang,
                "summer-drawn-note",
                &[
                    ("by", d.season.drawn_by.clone().unwrap_or_default()),
                    ("at", domain::time::format_datetime(t, &tz)),
                ],
            )
        }),
        priority: d.season.priority_first_job,
        rows: d
            .lines
            .iter()
            .map(|l| DrawRow {
                rank: l.rank,
                reference: l.reference.clone(),
                priority: l.priority,
                ticket: l.ticket.clone(),
                chosen: l.chosen,
            })
            .collect(),
        digest: d.digest,
    };
    render(axum::http::StatusCode::OK, &page)
}

/// The published draw as CSV (`rank,reference,priority,ticket,chosen`), for checking by script.
pub async fn published_csv(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<axum::response::Response, AppError> {
    let year = year_of(&year)?;
    let d = state.services.community().published_draw(year).await?;
    let mut body = String::from("rank,reference,priority,ticket,chosen\n");
    for l in &d.lines {
        body.push_str(&format!(
            "{},{},{},{},{}\n",
            l.rank, l.reference, l.priority, l.ticket, l.chosen
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"summer-draw-{year}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
