//! The live coverage board (every critical function × shift for the coming days: required,
//! rostered, present, status and who is missing) and the text message to the continuity
//! managers when a shift within 48 hours turns red.

use domain::continuity::CoverageStatus;
use domain::customer::{Channel, Language};
use domain::ids::{ShiftId, StaffId};
use jiff::Timestamp;
use jiff::civil::Date;
use store::continuity::{FunctionRow, ShiftRow};
use views::messages::CustomerMessage;

use super::world::{Parts, World, plus};
use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};
use crate::outbox::Message;

/// How far ahead a red shift is told to the continuity managers.
pub const ALERT_HOURS: i64 = 48;

/// The longest board.
pub const MAX_DAYS: u32 = 31;

/// One shift on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardCell {
    pub shift: ShiftId,
    /// The day the shift starts.
    pub date: Date,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The minimum under the policy in force at the shift's start.
    pub required: i64,
    pub rostered: i64,
    /// Rostered minus absent.
    pub present: i64,
    pub status: CoverageStatus,
    /// Rostered people who are absent: `(staff, name)`.
    pub missing: Vec<(StaffId, String)>,
    /// Rostered people on a recorded deviation from the working-time rules.
    pub deviations: usize,
}

/// One function's shift over the days.
#[derive(Clone, Debug)]
pub struct BoardRow {
    pub function: FunctionRow,
    pub shift: ShiftRow,
    pub cells: Vec<BoardCell>,
}

/// The coverage board.
#[derive(Clone, Debug)]
pub struct Board {
    pub from: Date,
    pub days: u32,
    pub rows: Vec<BoardRow>,
}

impl Board {
    /// Every cell, in row order.
    pub fn cells(&self) -> impl Iterator<Item = (&BoardRow, &BoardCell)> {
        self.rows
            .iter()
            .flat_map(|r| r.cells.iter().map(move |c| (r, c)))
    }
}

impl Continuity {
    /// The board for `days` days from `from` (1–31).
    pub async fn board(&self, actor: &Actor, from: Date, days: u32) -> Result<Board> {
        Self::require(actor, roles::READ)?;
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(ServiceError::invalid(
                "days",
                domain::problem::Problem::OutOfRange {
                    min: 1,
                    max: i64::from(MAX_DAYS),
                },
            ));
        }
        let to = plus(from, i64::from(days) - 1);
        let world = World::load(&self.s, from, to, Parts::default()).await?;
        Ok(board_of(&world, from, days))
    }

    /// Tells the continuity managers, once, of every shift starting within the next 48 hours
    /// that is red, and clears the alerts of shifts that recovered. Runs after every absence
    /// and cover answer, and as a background job (rosters and policies change too). Returns
    /// the messages queued.
    pub async fn alert_red_shifts(&self) -> Result<usize> {
        let now = self.s.now();
        let today = self.s.today();
        // Yesterday's nights are still running; the day after tomorrow's start within 48 hours.
        let world = World::load(&self.s, plus(today, -1), plus(today, 2), Parts::default()).await?;
        let horizon = now
            .saturating_add(jiff::SignedDuration::from_hours(ALERT_HOURS))
            .unwrap_or(now);
        let red: Vec<_> = world
            .occurrences(plus(today, -1), plus(today, 2))
            .into_iter()
            .filter(|o| o.starts_at >= now && o.starts_at < horizon)
            .filter(|o| o.status() == CoverageStatus::Red)
            .collect();
        let link = format!("{}/beredskap/bemanning", self.s.public_url());
        let mut tx = self.s.store().begin().await?;
        let managers = store::continuity::managers_in(&mut tx).await?;
        let mut sent = 0;
        for (id, shift, date) in store::continuity::open_alerts_in(&mut tx).await? {
            let still = red.iter().any(|o| o.shift.id == shift && o.date == date);
            if !still {
                store::continuity::clear_alert(&mut tx, id, self.s.now_micros()).await?;
            }
        }
        for o in &red {
            let Some(alert) =
                store::continuity::raise_alert(&mut tx, o.shift.id, o.date, self.s.now_micros())
                    .await?
            else {
                continue;
            };
            let local = |t: Timestamp| {
                let dt = self.s.tz().to_datetime(t);
                i64::from(dt.hour()) * 60 + i64::from(dt.minute())
            };
            let message = views::messages::continuity::RedShift {
                function: o.function.name.clone(),
                shift: o.shift.shift.clone(),
                date: o.date,
                starts: local(o.starts_at),
                ends: local(o.ends_at),
                required: o.cell.required,
                present: o.cell.present(),
                link: link.clone(),
            };
            for m in &managers {
                let key = format!("continuity:red:{alert}:{}", m.user_id);
                if self
                    .tell_staff(
                        &mut tx,
                        m.phone.as_deref(),
                        m.email.as_deref(),
                        &message,
                        key,
                    )
                    .await?
                    .is_some()
                {
                    sent += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(sent)
    }

    /// Queues a message to a member of staff: a text message when a phone number is known,
    /// else an e-mail; nothing when neither is. Staff read Swedish.
    pub(crate) async fn tell_staff(
        &self,
        tx: &mut store::Tx,
        phone: Option<&str>,
        email: Option<&str>,
        message: &dyn CustomerMessage,
        dedupe_key: String,
    ) -> Result<Option<domain::ids::OutboxId>> {
        let rendered = message
            .render(Language::Sv)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let phone = phone.map(str::trim).filter(|p| !p.is_empty());
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        let (channel, recipient, body, html) = match (phone, email) {
            (Some(p), _) => (Channel::Sms, p, rendered.sms, None),
            (None, Some(e)) => (Channel::Email, e, rendered.text, Some(rendered.html)),
            (None, None) => return Ok(None),
        };
        self.s
            .queue_message(
                tx,
                &Message {
                    channel,
                    customer_id: None,
                    recipient: recipient.to_owned(),
                    subject: rendered.subject,
                    body,
                    html,
                    attachment: None,
                    dedupe_key: Some(dedupe_key),
                },
            )
            .await
    }
}

/// The board from loaded data.
pub(crate) fn board_of(world: &World, from: Date, days: u32) -> Board {
    let to = plus(from, i64::from(days) - 1);
    let deviations: std::collections::HashSet<(ShiftId, Date, StaffId)> = world
        .roster
        .iter()
        .filter(|r| r.deviation_reason.is_some())
        .map(|r| (r.shift_id, r.on_date, r.staff_id))
        .collect();
    let mut rows = Vec::new();
    for f in &world.functions {
        for s in world.shifts_of(f.id) {
            let mut cells = Vec::with_capacity(days as usize);
            let mut d = from;
            while d <= to {
                let o = world.occurrence(f, s, d, None);
                cells.push(BoardCell {
                    shift: s.id,
                    date: d,
                    starts_at: o.starts_at,
                    ends_at: o.ends_at,
                    required: o.cell.required,
                    rostered: i64::try_from(o.cell.rostered.len()).unwrap_or(i64::MAX),
                    present: o.cell.present(),
                    status: o.status(),
                    missing: o
                        .cell
                        .missing
                        .iter()
                        .map(|p| {
                            (
                                *p,
                                world.person(*p).map(|x| x.name.clone()).unwrap_or_default(),
                            )
                        })
                        .collect(),
                    deviations: o
                        .cell
                        .rostered
                        .iter()
                        .filter(|p| deviations.contains(&(s.id, d, **p)))
                        .count(),
                });
                d = plus(d, 1);
            }
            rows.push(BoardRow {
                function: f.clone(),
                shift: s.clone(),
                cells,
            });
        }
    }
    Board { from, days, rows }
}
