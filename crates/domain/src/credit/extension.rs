//! Payment extensions (anstånd) and instalment plans: the assessment of a request against the
//! credit policy, with every rule behind the decision as data people read in their own
//! language (see [`Reason`], which implements [`Explain`]).

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::days::{add_days, days_between};
use super::dunning::reminder_due_date;
use crate::money::Money;
use crate::policy::CreditPolicy;
use crate::problem::Explain;

/// Upper bound on the instalments of one plan, whatever the policy says: a guard against typing
/// errors and unbounded schedules, not a credit limit (that is
/// [`CreditPolicy::max_instalments`]). Five years of monthly instalments.
pub const MAX_PLAN_INSTALMENTS: u32 = 60;

crate::closed_set! {
    /// Where an invoice stands, as far as a payment extension is concerned.
    pub enum InvoiceState in "credit-invoice-state" {
        /// Sent, not yet due.
        Open = "open",
        /// Past its due date, nothing paid.
        Overdue = "overdue",
        /// Some but not all of it paid.
        PartlyPaid = "partly_paid",
        /// Fully paid.
        Paid = "paid",
        /// An extension or instalment plan is already in force.
        InExtension = "in_extension",
        /// Handed over to debt collection.
        WithCollection = "with_collection",
    }
}

impl InvoiceState {
    /// Whether a new extension may be granted in this state.
    pub fn allows_extension(self) -> bool {
        matches!(
            self,
            InvoiceState::Open | InvoiceState::Overdue | InvoiceState::PartlyPaid
        )
    }
}

/// What the customer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Ask {
    /// Pay the whole remainder on a later date.
    NewDueDate(Date),
    /// Pay the remainder in this many monthly instalments (see [`first_instalment_due`] and
    /// [`instalment_schedule`]).
    Instalments(u32),
}

/// A request for a payment extension on one invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    /// What is left to pay on the invoice, in öre.
    pub outstanding_ore: i64,
    /// The invoice's current due date.
    pub due: Date,
    pub state: InvoiceState,
    pub ask: Ask,
}

/// The customer's payment history that the credit rules look at. Dates outside the policy's
/// window are ignored, so the full history may be passed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentHistory {
    /// Dates reminders were sent.
    pub reminders: Vec<Date>,
    /// Dates earlier extensions or instalment plans were broken.
    pub broken_arrangements: Vec<Date>,
    /// Dates invoices were sent to debt collection.
    pub debt_collections: Vec<Date>,
    /// Extensions or instalment plans in force on the customer's other invoices.
    pub active_arrangements: u32,
}

impl PaymentHistory {
    /// Whether the history is clean under `policy` on `today`: no reminder, broken arrangement
    /// or debt collection inside its window (see [`assess_extension`]).
    pub fn is_clean(&self, policy: &CreditPolicy, today: Date) -> bool {
        let months = policy.require_clean_history_months;
        months == 0
            || [
                &self.reminders,
                &self.broken_arrangements,
                &self.debt_collections,
            ]
            .iter()
            .all(|dates| recent(dates, months, today).is_empty())
    }
}

crate::closed_set! {
    /// The outcome of [`assess_extension`], ordered by strength: `Refuse` wins over `Refer`,
    /// which wins over `Approve`.
    pub enum Decision in "credit-decision" {
        /// Within the policy: the platform grants it.
        Approve = "approve",
        /// Possible, but a credit officer decides.
        Refer = "refer",
        /// Not possible at all.
        Refuse = "refuse",
    }
}

/// Which part of the payment history a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    Reminders,
    BrokenArrangements,
    DebtCollections,
}

/// The facts behind one rule, from which its sentence is written (in `views`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Check {
    InvoiceState {
        state: InvoiceState,
    },
    Outstanding {
        ore: i64,
    },
    NewDueAfterCurrent {
        new_due: Date,
        current: Date,
    },
    NewDueNotPassed {
        new_due: Date,
    },
    InstalmentCount {
        n: u32,
    },
    MaxAmount {
        max: i64,
    },
    AutoApproveAmount {
        max: i64,
    },
    ExtensionDays {
        days: i64,
        max: u32,
    },
    MaxInstalments {
        n: u32,
        max: u32,
    },
    History {
        kind: HistoryKind,
        months: u32,
        count: usize,
        latest: Option<Date>,
    },
    ActiveArrangements {
        count: u32,
    },
    /// A rule stored before reasons were kept as facts: only its code is known.
    Recorded {
        code: String,
    },
}

/// One rule [`assess_extension`] checked, passed or not.
///
/// Stored with the decision as `{code, passed, on_failure, check}`, so the reasons can be shown
/// later as they were, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Whether the request met the rule.
    pub passed: bool,
    /// What a failure of this rule leads to: [`Decision::Refuse`] or [`Decision::Refer`].
    pub on_failure: Decision,
    pub check: Check,
}

impl Reason {
    fn new(check: Check, passed: bool) -> Reason {
        let on_failure = match &check {
            Check::InvoiceState { .. }
            | Check::Outstanding { .. }
            | Check::NewDueAfterCurrent { .. }
            | Check::NewDueNotPassed { .. }
            | Check::InstalmentCount { .. } => Decision::Refuse,
            _ => Decision::Refer,
        };
        Reason {
            passed,
            on_failure,
            check,
        }
    }

    /// Stable snake_case identifier of the rule, for code and storage.
    pub fn code(&self) -> &str {
        match &self.check {
            Check::InvoiceState { .. } => "invoice_state",
            Check::Outstanding { .. } => "amount_outstanding",
            Check::NewDueAfterCurrent { .. } => "new_due_after_current",
            Check::NewDueNotPassed { .. } => "new_due_not_passed",
            Check::InstalmentCount { .. } => "instalment_count",
            Check::MaxAmount { .. } => "max_amount",
            Check::AutoApproveAmount { .. } => "auto_approve_amount",
            Check::ExtensionDays { .. } => "max_extension_days",
            Check::MaxInstalments { .. } => "max_instalments",
            Check::History { kind, .. } => match kind {
                HistoryKind::Reminders => "no_recent_reminders",
                HistoryKind::BrokenArrangements => "no_recent_broken_arrangements",
                HistoryKind::DebtCollections => "no_recent_debt_collection",
            },
            Check::ActiveArrangements { .. } => "no_active_arrangement",
            Check::Recorded { code } => code,
        }
    }

    /// One reason of every kind, passed and failed, for the test that each has a sentence in
    /// both languages.
    pub fn examples() -> Vec<Reason> {
        let d = Date::constant(2026, 11, 30);
        let mut checks = vec![
            Check::Outstanding { ore: 150_000 },
            Check::NewDueAfterCurrent {
                new_due: d,
                current: Date::constant(2026, 11, 10),
            },
            Check::NewDueNotPassed { new_due: d },
            Check::InstalmentCount { n: 1 },
            Check::InstalmentCount { n: 61 },
            Check::MaxAmount { max: 2_000_000 },
            Check::AutoApproveAmount { max: 200_000 },
            Check::ExtensionDays { days: 1, max: 30 },
            Check::ExtensionDays { days: 31, max: 30 },
            Check::MaxInstalments { n: 4, max: 3 },
            Check::ActiveArrangements { count: 0 },
            Check::ActiveArrangements { count: 2 },
            Check::Recorded {
                code: "max_amount".into(),
            },
        ];
        checks.extend(
            InvoiceState::ALL
                .iter()
                .map(|&state| Check::InvoiceState { state }),
        );
        for kind in [
            HistoryKind::Reminders,
            HistoryKind::BrokenArrangements,
            HistoryKind::DebtCollections,
        ] {
            for (months, count, latest) in [(0, 0, None), (12, 0, None), (1, 2, Some(d))] {
                checks.push(Check::History {
                    kind,
                    months,
                    count,
                    latest,
                });
            }
        }
        checks
            .into_iter()
            .flat_map(|c| [Reason::new(c.clone(), true), Reason::new(c, false)])
            .collect()
    }
}

impl Explain for Reason {
    fn message_key(&self) -> &'static str {
        let ok = self.passed;
        match &self.check {
            Check::InvoiceState { .. } if ok => "credit-reason-invoice-state-ok",
            Check::InvoiceState { state } => match state {
                InvoiceState::Paid => "credit-reason-invoice-paid",
                InvoiceState::WithCollection => "credit-reason-invoice-collection",
                InvoiceState::InExtension => "credit-reason-invoice-extended",
                _ => "credit-reason-invoice-state-no",
            },
            Check::Outstanding { .. } if ok => "credit-reason-outstanding",
            Check::Outstanding { .. } => "credit-reason-nothing-outstanding",
            Check::NewDueAfterCurrent { .. } if ok => "credit-reason-new-due-after",
            Check::NewDueAfterCurrent { .. } => "credit-reason-new-due-not-after",
            Check::NewDueNotPassed { .. } if ok => "credit-reason-new-due-ahead",
            Check::NewDueNotPassed { .. } => "credit-reason-new-due-passed",
            Check::InstalmentCount { .. } if ok => "credit-reason-instalments",
            Check::InstalmentCount { n } if *n < 2 => "credit-reason-instalments-too-few",
            Check::InstalmentCount { .. } => "credit-reason-instalments-too-many",
            Check::MaxAmount { .. } if ok => "credit-reason-max-amount-ok",
            Check::MaxAmount { .. } => "credit-reason-max-amount-over",
            Check::AutoApproveAmount { .. } if ok => "credit-reason-auto-approve-ok",
            Check::AutoApproveAmount { .. } => "credit-reason-auto-approve-over",
            Check::ExtensionDays { .. } if ok => "credit-reason-extension-days-ok",
            Check::ExtensionDays { .. } => "credit-reason-extension-days-over",
            Check::MaxInstalments { .. } if ok => "credit-reason-max-instalments-ok",
            Check::MaxInstalments { .. } => "credit-reason-max-instalments-over",
            Check::History {
                kind,
                months,
                latest,
                ..
            } => match (kind, *months == 0, latest.is_some()) {
                (HistoryKind::Reminders, true, _) => "credit-reason-reminders-off",
                (HistoryKind::Reminders, false, false) => "credit-reason-reminders",
                (HistoryKind::Reminders, false, true) => "credit-reason-reminders-latest",
                (HistoryKind::BrokenArrangements, true, _) => "credit-reason-broken-off",
                (HistoryKind::BrokenArrangements, false, false) => "credit-reason-broken",
                (HistoryKind::BrokenArrangements, false, true) => "credit-reason-broken-latest",
                (HistoryKind::DebtCollections, true, _) => "credit-reason-collections-off",
                (HistoryKind::DebtCollections, false, false) => "credit-reason-collections",
                (HistoryKind::DebtCollections, false, true) => "credit-reason-collections-latest",
            },
            Check::ActiveArrangements { .. } => "credit-reason-active",
            Check::Recorded { .. } => "credit-reason-recorded",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        let money = |ore: &i64| Money::from_ore(*ore).to_string();
        match &self.check {
            Check::InvoiceState { .. } => Vec::new(),
            Check::Outstanding { ore } => vec![("amount", money(ore))],
            Check::NewDueAfterCurrent { new_due, current } => vec![
                ("new_due", new_due.to_string()),
                ("current", current.to_string()),
            ],
            Check::NewDueNotPassed { new_due } => vec![("new_due", new_due.to_string())],
            Check::InstalmentCount { n } => vec![
                ("n", n.to_string()),
                ("max", MAX_PLAN_INSTALMENTS.to_string()),
            ],
            Check::MaxAmount { max } | Check::AutoApproveAmount { max } => {
                vec![("max", money(max))]
            }
            Check::ExtensionDays { days, max } => {
                vec![("days", days.to_string()), ("max", max.to_string())]
            }
            Check::MaxInstalments { n, max } => {
                vec![("n", n.to_string()), ("max", max.to_string())]
            }
            Check::History {
                months,
                count,
                latest,
                ..
            } => {
                let mut args = vec![("months", months.to_string()), ("count", count.to_string())];
                if let Some(d) = latest {
                    args.push(("latest", d.to_string()));
                }
                args
            }
            Check::ActiveArrangements { count } => vec![("count", count.to_string())],
            Check::Recorded { code } => vec![
                ("code", code.clone()),
                ("passed", if self.passed { "yes" } else { "no" }.to_owned()),
            ],
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Reason", 4)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("passed", &self.passed)?;
        s.serialize_field("on_failure", &self.on_failure)?;
        s.serialize_field("check", &self.check)?;
        s.end()
    }
}

impl<'de> Deserialize<'de> for Reason {
    /// Reads the stored form; a reason stored before its facts were kept (with sentences
    /// instead) comes back as [`Check::Recorded`] with its code.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            code: String,
            passed: bool,
            on_failure: Decision,
            check: Option<Check>,
        }
        let s = Stored::deserialize(d)?;
        Ok(Reason {
            passed: s.passed,
            on_failure: s.on_failure,
            check: s.check.unwrap_or(Check::Recorded { code: s.code }),
        })
    }
}

/// The result of [`assess_extension`]: the decision, every rule behind it, and the proposal
/// that would be agreed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The strongest outcome among the failed rules; `Approve` when all passed.
    pub decision: Decision,
    /// Every rule checked, passed or not, in a fixed order: the refusal rules first, then the
    /// ones that refer to a credit officer.
    pub reasons: Vec<Reason>,
    /// What the customer would pay and when: one row (new due date, remainder) for
    /// [`Ask::NewDueDate`], the [`instalment_schedule`] for [`Ask::Instalments`]. Empty when no
    /// schedule can be made (fewer than one or more than [`MAX_PLAN_INSTALMENTS`] instalments).
    pub schedule: Vec<(Date, i64)>,
    /// Days from the current due date to the last date of `schedule`, if any.
    pub extension_days: Option<i64>,
    /// With [`CreditPolicy::waive_interest`]: the inclusive window from the day after the
    /// current due date to the last date of `schedule`, to pass as
    /// [`super::InterestQuery::waived`] once the extension is approved. `None` when the policy
    /// charges interest during extensions (an agreed new due date then does not stop the
    /// original interest) or there is no schedule.
    pub interest_free: Option<(Date, Date)>,
}

impl Assessment {
    /// The rules that failed, strongest consequence first.
    pub fn failed(&self) -> Vec<&Reason> {
        let mut failed: Vec<&Reason> = self.reasons.iter().filter(|r| !r.passed).collect();
        failed.sort_by_key(|r| std::cmp::Reverse(r.on_failure));
        failed
    }
}

/// The due date of the first instalment of a plan agreed on `today` for an invoice due on
/// `due`: the due date itself while it has not passed; otherwise ten days after today (the
/// same time to pay as a reminder gives), moved to the next working day.
pub fn first_instalment_due(due: Date, today: Date) -> Date {
    if due >= today {
        due
    } else {
        reminder_due_date(today)
    }
}

/// Assesses a request for a payment extension or an instalment plan against the credit policy.
///
/// Every rule appears in [`Assessment::reasons`], passed or not. The decision is the strongest
/// consequence of the failed rules (`Refuse` > `Refer` > `Approve`).
///
/// **Refuse** when the invoice is [`InvoiceState::Paid`], [`InvoiceState::WithCollection`] or
/// already [`InvoiceState::InExtension`]; when nothing is outstanding; for a new due date, when
/// it is not after the current due date or has already passed (is before `today`); for
/// instalments, when fewer than 2 or more than [`MAX_PLAN_INSTALMENTS`].
///
/// **Refer** to a credit officer when the outstanding amount is over
/// [`CreditPolicy::max_amount_ore`] or over [`CreditPolicy::auto_approve_up_to_ore`]; when the
/// extension (new due date − current due date, or the last instalment's date − current due
/// date) is longer than [`CreditPolicy::max_extension_days`]; when there are more instalments
/// than [`CreditPolicy::max_instalments`]; when any reminder, broken arrangement or debt
/// collection is dated within [`CreditPolicy::require_clean_history_months`] calendar months
/// before `today` (from `today` minus that many months, inclusive; later dates count too; 0
/// months turns the history checks off); and when the customer already has an active
/// arrangement on another invoice.
///
/// **Approve** otherwise.
pub fn assess_extension(
    req: &ExtensionRequest,
    history: &PaymentHistory,
    policy: &CreditPolicy,
    today: Date,
) -> Assessment {
    let mut reasons = vec![
        Reason::new(
            Check::InvoiceState { state: req.state },
            req.state.allows_extension(),
        ),
        Reason::new(
            Check::Outstanding {
                ore: req.outstanding_ore,
            },
            req.outstanding_ore > 0,
        ),
    ];
    let schedule = ask_rules(req, today, &mut reasons);
    let last_date = schedule.last().map(|(d, _)| *d);
    let extension_days = last_date.map(|d| days_between(req.due, d));
    policy_rules(req, policy, extension_days, &mut reasons);
    history_rules(history, policy, today, &mut reasons);

    let decision = reasons
        .iter()
        .filter(|r| !r.passed)
        .map(|r| r.on_failure)
        .max()
        .unwrap_or(Decision::Approve);
    let interest_free = match last_date {
        Some(last) if policy.waive_interest && last > req.due => Some((add_days(req.due, 1), last)),
        _ => None,
    };
    Assessment {
        decision,
        reasons,
        schedule,
        extension_days,
        interest_free,
    }
}

/// The rules of what is asked (a later date, a number of instalments), and the schedule that
/// would be agreed.
fn ask_rules(req: &ExtensionRequest, today: Date, reasons: &mut Vec<Reason>) -> Vec<(Date, i64)> {
    let amount = req.outstanding_ore.max(0);
    match req.ask {
        Ask::NewDueDate(new_due) => {
            reasons.push(Reason::new(
                Check::NewDueAfterCurrent {
                    new_due,
                    current: req.due,
                },
                new_due > req.due,
            ));
            reasons.push(Reason::new(
                Check::NewDueNotPassed { new_due },
                new_due >= today,
            ));
            vec![(new_due, amount)]
        }
        Ask::Instalments(n) => {
            reasons.push(Reason::new(
                Check::InstalmentCount { n },
                (2..=MAX_PLAN_INSTALMENTS).contains(&n),
            ));
            if (1..=MAX_PLAN_INSTALMENTS).contains(&n) {
                instalment_schedule(amount, n, first_instalment_due(req.due, today))
            } else {
                Vec::new()
            }
        }
    }
}

/// The policy's limits: amounts, length and instalments.
fn policy_rules(
    req: &ExtensionRequest,
    policy: &CreditPolicy,
    extension_days: Option<i64>,
    reasons: &mut Vec<Reason>,
) {
    reasons.push(Reason::new(
        Check::MaxAmount {
            max: policy.max_amount_ore,
        },
        req.outstanding_ore <= policy.max_amount_ore,
    ));
    reasons.push(Reason::new(
        Check::AutoApproveAmount {
            max: policy.auto_approve_up_to_ore,
        },
        req.outstanding_ore <= policy.auto_approve_up_to_ore,
    ));
    if let Some(days) = extension_days {
        reasons.push(Reason::new(
            Check::ExtensionDays {
                days,
                max: policy.max_extension_days,
            },
            days <= i64::from(policy.max_extension_days),
        ));
    }
    if let Ask::Instalments(n) = req.ask {
        reasons.push(Reason::new(
            Check::MaxInstalments {
                n,
                max: policy.max_instalments,
            },
            n <= policy.max_instalments,
        ));
    }
}

/// The dates of `dates` inside the clean-history window of `months` before `today`.
fn recent(dates: &[Date], months: u32, today: Date) -> Vec<Date> {
    if months == 0 {
        return Vec::new();
    }
    let window_start = Span::new()
        .try_months(i64::from(months))
        .ok()
        .and_then(|span| today.checked_sub(span).ok())
        .unwrap_or(Date::MIN);
    dates
        .iter()
        .copied()
        .filter(|d| *d >= window_start)
        .collect()
}

/// The payment history's rules: reminders, broken arrangements and debt collections inside
/// the window, and other arrangements in force.
fn history_rules(
    history: &PaymentHistory,
    policy: &CreditPolicy,
    today: Date,
    reasons: &mut Vec<Reason>,
) {
    let months = policy.require_clean_history_months;
    for (kind, dates) in [
        (HistoryKind::Reminders, &history.reminders),
        (
            HistoryKind::BrokenArrangements,
            &history.broken_arrangements,
        ),
        (HistoryKind::DebtCollections, &history.debt_collections),
    ] {
        let recent = recent(dates, months, today);
        reasons.push(Reason::new(
            Check::History {
                kind,
                months,
                count: recent.len(),
                latest: recent.iter().max().copied(),
            },
            recent.is_empty(),
        ));
    }
    reasons.push(Reason::new(
        Check::ActiveArrangements {
            count: history.active_arrangements,
        },
        history.active_arrangements == 0,
    ));
}

/// `n` monthly instalments of `amount_ore`, öre-exact.
///
/// The amounts add up to `amount_ore` exactly: each is `amount_ore / n` and the remainder öre
/// go on the first instalment (`10 000 öre / 3` → 3 334, 3 333, 3 333). The due dates are
/// `first_due` plus 0, 1, 2 … calendar months, keeping its day of month and clamping to the
/// month's last day only where that day does not exist: 31 Jan → 29 Feb (2024) → 31 Mar →
/// 30 Apr → 31 May. Dates saturate at the end of jiff's range. `n == 0` gives an empty plan.
///
/// `n` is not capped here; [`assess_extension`] refuses more than [`MAX_PLAN_INSTALMENTS`].
pub fn instalment_schedule(amount_ore: i64, n: u32, first_due: Date) -> Vec<(Date, i64)> {
    if n == 0 {
        return Vec::new();
    }
    let count = i64::from(n);
    let base = amount_ore / count;
    let first = amount_ore - base * (count - 1);
    (0..n)
        .map(|k| {
            // Counting every month from `first_due` (not from the previous instalment) keeps
            // the 31st after a short month.
            let due = Span::new()
                .try_months(i64::from(k))
                .ok()
                .and_then(|span| first_due.checked_add(span).ok())
                .unwrap_or(Date::MAX);
            (due, if k == 0 { first } else { base })
        })
        .collect()
}

#[cfg(test)]
mod tests;
