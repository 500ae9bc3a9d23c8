//! Finance's supplier reports: days to pay per group against the policy's target, local spend
//! per trade, and the 13-week liquidity forecast with a what-if of shorter terms (asked by a
//! GET form, so the page works without JavaScript), each chart beside its table.

use std::collections::HashMap;

use axum::extract::{Query, State};
use domain::problem::Problem;
use domain::suppliers::reports::{Week, WhatIf, WhatIfRule};
use services::suppliers::DaysToPay;
use views::charts::{self, Series};
use views::pages::FieldError;
use views::suppliers::{ReportsPage, WeekLine};

use crate::AppState;
use crate::ctx::Ctx;
use crate::pages::{PageResult, render, status_of};

/// Months the reports cover, this one last.
const MONTHS: u32 = 6;

/// The what-if as asked: `None` without days; a field error for days that are not 1–30.
fn what_if(q: &HashMap<String, String>) -> Result<Option<WhatIf>, Problem> {
    let days = q.get("dagar").map(|d| d.trim()).unwrap_or("");
    if days.is_empty() {
        return Ok(None);
    }
    let days: u32 = days.parse().map_err(|_| Problem::NotANumber)?;
    if !(1..=30).contains(&days) {
        return Err(Problem::OutOfRange { min: 1, max: 30 });
    }
    let rule = match q.get("galler").map(String::as_str) {
        Some("small") => WhatIfRule::Small,
        Some("all") => WhatIfRule::All,
        _ => WhatIfRule::Local,
    };
    Ok(Some(WhatIf { days, rule }))
}

/// The days-to-pay table's rows and its chart.
fn days_section(
    ctx: &Ctx,
    days: &DaysToPay,
    months: &[String],
) -> (Vec<(String, Vec<String>)>, String) {
    let lang = ctx.lang;
    let values: Vec<Vec<f64>> = days
        .rows
        .iter()
        .map(|(_, cells)| cells.iter().map(|c| c.map_or(0.0, |(d, _)| d)).collect())
        .collect();
    let names: Vec<String> = days
        .rows
        .iter()
        .map(|(g, _)| views::label(lang, *g))
        .collect();
    let series: Vec<Series<'_>> = values
        .iter()
        .zip(&names)
        .zip(["s1", "s2", "s3"])
        .map(|((values, name), class)| Series {
            class,
            name,
            values,
        })
        .collect();
    let target = views::translate(
        lang,
        "reports-target",
        &[("days", days.target_days.to_string())],
    );
    let chart = charts::bars(
        "days",
        &ctx.t("reports-chart-days"),
        &ctx.t("reports-chart-desc"),
        charts::Axes {
            x: &ctx.t("reports-axis-month"),
            y: &ctx.t("reports-axis-days"),
        },
        months,
        &series,
        Some((f64::from(days.target_days), &target)),
    );
    let rows = days
        .rows
        .iter()
        .zip(&names)
        .map(|((_, cells), name)| {
            let cells = cells
                .iter()
                .map(|c| match c {
                    Some((d, n)) => views::translate(
                        lang,
                        "reports-cell",
                        &[("days", format!("{d:.1}")), ("count", n.to_string())],
                    ),
                    None => "–".into(),
                })
                .collect();
            (name.clone(), cells)
        })
        .collect();
    (rows, chart)
}

/// The forecast's table and its chart (with the what-if's line when one was asked).
fn forecast_section(ctx: &Ctx, weeks: &[Week], what_if: bool) -> (Vec<WeekLine>, String) {
    let kr = |m: domain::money::Money| m.ore() as f64 / 100.0;
    let balance: Vec<f64> = weeks.iter().map(|w| kr(w.balance)).collect();
    let balance_if: Vec<f64> = weeks.iter().map(|w| kr(w.balance_if)).collect();
    let (now_name, if_name) = (ctx.t("reports-series-now"), ctx.t("reports-series-if"));
    let mut lines = vec![Series {
        class: "s1",
        name: &now_name,
        values: &balance,
    }];
    if what_if {
        lines.push(Series {
            class: "s2",
            name: &if_name,
            values: &balance_if,
        });
    }
    let names: Vec<String> = weeks
        .iter()
        .map(|w| {
            w.starts
                .map_or_else(String::new, |d| d.strftime("%-d/%-m").to_string())
        })
        .collect();
    let chart = charts::lines(
        "forecast",
        &ctx.t("reports-chart-forecast"),
        &ctx.t("reports-chart-desc"),
        charts::Axes {
            x: &ctx.t("reports-axis-week"),
            y: &ctx.t("reports-axis-kr"),
        },
        &names,
        &lines,
    );
    let table = weeks
        .iter()
        .map(|w| WeekLine {
            starts: w.starts.map_or_else(String::new, |d| d.to_string()),
            customers_in: w.customers_in.to_string(),
            suppliers_out: w.suppliers_out.to_string(),
            suppliers_out_if: w.suppliers_out_if.to_string(),
            balance: w.balance.to_string(),
            balance_if: w.balance_if.to_string(),
            cost: (w.balance - w.balance_if).to_string(),
        })
        .collect();
    (table, chart)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let h = state.services.suppliers();
    let actor = ctx.actor();
    let (asked, errors) = match what_if(&q) {
        Ok(w) => (w, Vec::new()),
        Err(p) => (
            None,
            vec![FieldError {
                field: "dagar".into(),
                message: views::explain(lang, &p),
            }],
        ),
    };
    let days = h.days_to_pay(&actor, MONTHS).await?;
    let spend = h.local_spend(&actor, MONTHS).await?;
    let weeks = h.liquidity_forecast(&actor, asked).await?;
    let months: Vec<String> = days.months.iter().map(ToString::to_string).collect();
    let (days_rows, days_chart) = days_section(&ctx, &days, &months);
    let (weeks, forecast_chart) = forecast_section(&ctx, &weeks, asked.is_some());
    let page = ReportsPage {
        layout: ctx.layout(&state, "reports-title").await,
        days_rows,
        months,
        target_days: days.target_days,
        days_chart,
        spend_rows: spend
            .rows
            .iter()
            .map(|(t, cells)| {
                let cells = cells.iter().map(ToString::to_string).collect();
                (views::label(lang, *t), cells)
            })
            .collect(),
        weeks,
        forecast_chart,
        what_if_days: q.get("dagar").cloned().unwrap_or_default(),
        what_if_rule: q.get("galler").cloned().unwrap_or_else(|| "local".into()),
        rules: ["local", "small", "all"]
            .iter()
            .map(|c| ((*c).to_owned(), ctx.t(&format!("reports-what-if-{c}"))))
            .collect(),
        what_if_on: asked.is_some(),
        errors,
    };
    render(status_of(&page.errors), &page)
}
