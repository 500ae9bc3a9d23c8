//! The nightly dunning and interest run, and the debt-collection list with the interest
//! accrued on it.
//!
//! Idempotent: reminders are unique per invoice and level, charges per dedupe key
//! (`fee:<invoice>:<level>`, `interest:<invoice>`), reminder messages per dedupe key
//! (`reminder:<invoice>:<level>`). The same night twice does nothing the second time.

use std::collections::{HashMap, HashSet};

use domain::credit::{
    ArrangementKind, ArrangementStatus, ChargeKind, DunningState, DunningStep, ExtensionStatus,
    InterestQuery, InvoiceStatus, ReferenceRate, SentReminder,
};
use domain::ids::InvoiceId;
use domain::money::Money;
use domain::outbox::OutboxStatus;
use domain::policy::CreditPolicy;
use jiff::civil::Date;
use store::credit::{
    ArrangementRow, Broken, CollectionRow, DunningRow, Instalment, NewCharge, NewReminder,
};
use views::messages::CustomerMessage;
use views::messages::credit::Reminder;

use super::Credit;
use crate::error::{Result, ServiceError};
use crate::outbox::{Message, customer_route};

/// Invoices handled per transaction of the nightly run.
const PAGE: usize = 5000;

/// Payments are sometimes booked days after they were made; interest looks this far back.
const LATE_PAYMENT_DAYS: i64 = 60;

/// What one nightly dunning and interest run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DunningReport {
    pub examined: u64,
    pub marked_overdue: u64,
    pub reminders: u64,
    pub fees_ore: i64,
    pub fees_not_agreed: u64,
    pub to_collection: u64,
    pub broken_arrangements: u64,
    pub interest_posted: u64,
    pub interest_ore: i64,
}

/// One line of the debt-collection list, with the interest accrued until the day asked for.
#[derive(Debug, Clone)]
pub struct CollectionLine {
    pub row: CollectionRow,
    pub interest: Money,
}

/// What late-payment interest needs for some invoices: their payments, and the windows of
/// granted arrangements (also later completed or broken), during which no interest runs.
#[derive(Default)]
struct InterestInputs {
    payments: HashMap<InvoiceId, Vec<(Date, i64)>>,
    waived: HashMap<InvoiceId, Vec<(Date, Date)>>,
}

impl InterestInputs {
    fn interest(&mut self, q: InterestQuery<'_>, invoice: InvoiceId) -> i64 {
        let payments = self.payments.remove(&invoice).unwrap_or_default();
        let waived = self.waived.remove(&invoice).unwrap_or_default();
        domain::credit::late_interest(&InterestQuery {
            payments: &payments,
            waived: &waived,
            ..q
        })
        .total_ore
    }
}

/// What the run decided for one page of unpaid invoices.
#[derive(Default)]
struct PagePlan<'a> {
    broken: Vec<Broken>,
    reminders: Vec<NewReminder>,
    charges: Vec<NewCharge>,
    collection: Vec<InvoiceId>,
    /// The reminder to tell each reminded customer, by invoice.
    letters: Vec<(&'a DunningRow, Reminder)>,
}

/// Whether an approved arrangement still holds dunning on `today`: active until its new due
/// date or an instalment is missed; then broken on that date, and dunning resumes from it.
fn arrangement_state(
    row: &DunningRow,
    arrangement: Option<&&ArrangementRow>,
    instalments: &[Instalment],
    today: Date,
) -> (ExtensionStatus, Date, Option<Broken>) {
    let Some(a) = arrangement else {
        return (ExtensionStatus::Inactive, row.due_on, None);
    };
    let missed = match a.kind {
        ArrangementKind::Extension => a.new_due_on.filter(|d| *d < today),
        ArrangementKind::Instalments => {
            let mut owed = 0;
            let mut missed = None;
            for i in instalments.iter().filter(|i| i.arrangement == a.id) {
                owed += i.amount.ore();
                if i.due_on < today && row.paid.ore() < owed {
                    missed = Some(i.due_on);
                    break;
                }
            }
            missed
        }
    };
    match missed {
        Some(on) => (
            ExtensionStatus::Broken,
            on,
            Some(Broken {
                arrangement: a.id,
                invoice: row.id,
                on,
            }),
        ),
        None => (ExtensionStatus::Active, row.due_on, None),
    }
}

/// The next step for every invoice of a page: reminders (with a fee only where agreed),
/// broken arrangements, the debt-collection list.
fn plan_page<'a>(
    page: &'a [DunningRow],
    arrangements: &[ArrangementRow],
    instalments: &[Instalment],
    policy: &CreditPolicy,
    today: Date,
    report: &mut DunningReport,
) -> PagePlan<'a> {
    let arrangement_of: HashMap<InvoiceId, &ArrangementRow> =
        arrangements.iter().map(|a| (a.invoice_id, a)).collect();
    let mut plan = PagePlan::default();
    for r in page {
        let outstanding = r.amount.ore() - r.paid.ore();
        let (extension, due, broken) =
            arrangement_state(r, arrangement_of.get(&r.id), instalments, today);
        plan.broken.extend(broken);
        let state = DunningState {
            outstanding_ore: outstanding,
            due,
            level: u8::try_from(r.reminder_level.clamp(0, 2)).unwrap_or(2),
            last_reminder: r.reminder_due_on.map(|d| SentReminder { sent: d, due: d }),
            extension,
        };
        match domain::credit::next_dunning_step(&state, policy, r.fee_agreed, today) {
            Some(DunningStep::Reminder(rem)) => {
                let fee = Money::from_ore(rem.fee_ore);
                plan.reminders.push(NewReminder {
                    invoice: r.id,
                    level: i64::from(rem.level),
                    sent_on: today,
                    due_on: rem.due,
                    fee,
                });
                if rem.fee_ore > 0 {
                    plan.charges.push(NewCharge {
                        customer: r.contact.id,
                        source_invoice: r.id,
                        kind: ChargeKind::ReminderFee,
                        amount: fee,
                        created_on: today,
                        dedupe_key: format!("fee:{}:{}", r.id, rem.level),
                    });
                } else {
                    report.fees_not_agreed += 1;
                }
                let letter = Reminder {
                    name: r.contact.name.clone(),
                    level: rem.level,
                    invoice_number: r.invoice_number.clone(),
                    outstanding: Money::from_ore(outstanding),
                    due_on: r.due_on,
                    pay_by: rem.due,
                    ocr: r.ocr.clone(),
                    fee: (rem.fee_ore > 0).then_some(fee),
                };
                plan.letters.push((r, letter));
            }
            Some(DunningStep::DebtCollection) => plan.collection.push(r.id),
            None => {}
        }
    }
    plan
}

impl Credit {
    /// The nightly run: overdue marking, broken arrangements, reminders (with a fee only where
    /// agreed), the debt-collection list, and late-payment interest on invoices paid late
    /// (posted as a charge for the customer's next invoice, never for a day inside an approved
    /// extension). Idempotent: the same day twice does nothing the second time.
    pub async fn run_dunning(&self, today: Date) -> Result<DunningReport> {
        let mut report = DunningReport::default();
        let policy = self.policy_now().await?;
        let rates = self.reference_rates().await?;
        {
            let mut tx = self.s.store().begin().await?;
            report.marked_overdue = store::credit::mark_overdue(&mut tx, today).await?;
            store::credit::complete_paid_arrangements(&mut tx).await?;
            tx.commit().await?;
        }
        let candidates = store::credit::dunning_candidates(self.s.store(), today).await?;
        report.examined = candidates.len() as u64;
        for page in candidates.chunks(PAGE) {
            self.dun_page(page, &policy, today, &mut report).await?;
        }
        self.post_interest(today, &rates, &mut report).await?;
        Ok(report)
    }

    /// One page of unpaid invoices in one transaction: the approved arrangements of those in
    /// an extension are read, each invoice's step decided, and everything recorded in bulk.
    async fn dun_page(
        &self,
        page: &[DunningRow],
        policy: &CreditPolicy,
        today: Date,
        report: &mut DunningReport,
    ) -> Result<()> {
        let in_extension: Vec<InvoiceId> = page
            .iter()
            .filter(|r| r.status == InvoiceStatus::Extension)
            .map(|r| r.id)
            .collect();
        let arrangements = store::credit::arrangements_of(
            self.s.store(),
            &in_extension,
            &[ArrangementStatus::Approved],
        )
        .await?;
        let plans: Vec<_> = arrangements
            .iter()
            .filter(|a| a.kind == ArrangementKind::Instalments)
            .map(|a| a.id)
            .collect();
        let instalments = store::credit::instalments_of(self.s.store(), &plans).await?;
        let plan = plan_page(page, &arrangements, &instalments, policy, today, report);

        let mut tx = self.s.store().begin().await?;
        store::credit::break_arrangements(&mut tx, &plan.broken).await?;
        report.broken_arrangements += plan.broken.len() as u64;
        let recorded: HashSet<InvoiceId> =
            store::credit::record_reminders(&mut tx, &plan.reminders, self.s.now_micros())
                .await?
                .into_iter()
                .collect();
        report.reminders += recorded.len() as u64;
        let charges: Vec<NewCharge> = plan
            .charges
            .into_iter()
            .filter(|c| recorded.contains(&c.source_invoice))
            .collect();
        report.fees_ore += charges.iter().map(|c| c.amount.ore()).sum::<i64>();
        store::credit::record_charges(&mut tx, &charges).await?;
        self.queue_reminders(&mut tx, &plan.letters, &recorded)
            .await?;
        store::credit::to_collection(&mut tx, &plan.collection, today).await?;
        report.to_collection += plan.collection.len() as u64;
        tx.commit().await?;
        Ok(())
    }

    /// Tells each customer reminded now, in their language on their channel, with one bulk
    /// insert into the outbox (dedupe key `reminder:<invoice>:<level>`).
    async fn queue_reminders(
        &self,
        tx: &mut store::Tx,
        letters: &[(&DunningRow, Reminder)],
        recorded: &HashSet<InvoiceId>,
    ) -> Result<()> {
        let mut messages = Vec::with_capacity(recorded.len());
        for (row, letter) in letters.iter().filter(|(r, _)| recorded.contains(&r.id)) {
            let c = &row.contact;
            let content = letter
                .render(c.language)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            let route = customer_route(
                c.preferred_channel,
                c.email.as_deref(),
                c.phone.as_deref(),
                &c.letter_address,
            );
            let key = format!("reminder:{}:{}", row.id, letter.level);
            messages.push(Message::rendered(route, Some(c.id), content, key));
        }
        let status = if self.s.demo_mode() {
            OutboxStatus::Held
        } else {
            OutboxStatus::Pending
        };
        let now = self.s.now_micros();
        let rows: Vec<store::outbox::NewMessage<'_>> = messages
            .iter()
            .map(|m| store::outbox::NewMessage {
                channel: m.channel,
                customer_id: m.customer_id,
                recipient: &m.recipient,
                subject: &m.subject,
                body_text: &m.body,
                body_html: m.html.as_deref(),
                attachment: None,
                status,
                dedupe_key: m.dedupe_key.as_deref(),
                now,
            })
            .collect();
        store::outbox::insert_many(tx, &rows).await?;
        Ok(())
    }

    /// Interest on invoices paid late in the last [`LATE_PAYMENT_DAYS`], as a charge on the
    /// customer's next invoice. Zero is recorded too, so an invoice is not examined again every
    /// night.
    async fn post_interest(
        &self,
        today: Date,
        rates: &[ReferenceRate],
        report: &mut DunningReport,
    ) -> Result<()> {
        let since = today
            .checked_sub(jiff::Span::new().days(LATE_PAYMENT_DAYS))
            .unwrap_or(today);
        let late = store::credit::paid_late_without_interest(self.s.store(), since).await?;
        for page in late.chunks(PAGE) {
            let ids: Vec<InvoiceId> = page.iter().map(|r| r.id).collect();
            let mut inputs = self.interest_inputs(&ids).await?;
            let charges: Vec<NewCharge> = page
                .iter()
                .map(|r| {
                    let q = InterestQuery {
                        amount_ore: r.amount.ore(),
                        due: r.due_on,
                        payments: &[],
                        until: r.paid_on,
                        rates,
                        waived: &[],
                    };
                    NewCharge {
                        customer: r.customer_id,
                        source_invoice: r.id,
                        kind: ChargeKind::Interest,
                        amount: Money::from_ore(inputs.interest(q, r.id)),
                        created_on: today,
                        dedupe_key: format!("interest:{}", r.id),
                    }
                })
                .collect();
            let mut tx = self.s.store().begin().await?;
            store::credit::record_charges(&mut tx, &charges).await?;
            tx.commit().await?;
            report.interest_posted += charges.iter().filter(|c| c.amount.ore() > 0).count() as u64;
            report.interest_ore += charges.iter().map(|c| c.amount.ore()).sum::<i64>();
        }
        Ok(())
    }

    /// What late-payment interest needs for these invoices: their payments, and the windows
    /// of granted arrangements, during which no interest runs (a broken one's ends the day it
    /// broke).
    async fn interest_inputs(&self, ids: &[InvoiceId]) -> Result<InterestInputs> {
        let mut inputs = InterestInputs::default();
        for (invoice, on, ore) in store::credit::payments_of_invoices(self.s.store(), ids).await? {
            inputs.payments.entry(invoice).or_default().push((on, ore));
        }
        let granted =
            store::credit::arrangements_of(self.s.store(), ids, ArrangementStatus::GRANTED).await?;
        for a in granted {
            let end = match (a.kind, a.new_due_on) {
                (ArrangementKind::Extension, Some(d)) => Some(d),
                _ => store::credit::instalments_of(self.s.store(), &[a.id])
                    .await?
                    .last()
                    .map(|i| i.due_on),
            };
            if let Some(to) = end {
                let to = a.broken_on.map_or(to, |b| b.min(to));
                let from = a.original_due_on;
                inputs
                    .waived
                    .entry(a.invoice_id)
                    .or_default()
                    .push((from.tomorrow().unwrap_or(from), to));
            }
        }
        Ok(inputs)
    }

    /// The debt-collection list with the interest accrued on each invoice until `today`.
    pub async fn collection_with_interest(&self, today: Date) -> Result<Vec<CollectionLine>> {
        let rows = store::credit::collection_list(self.s.store()).await?;
        let rates = self.reference_rates().await?;
        let ids: Vec<InvoiceId> = rows.iter().map(|r| r.invoice.id).collect();
        let mut inputs = self.interest_inputs(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let q = InterestQuery {
                    amount_ore: row.invoice.amount.ore(),
                    due: row.invoice.due_on,
                    payments: &[],
                    until: today,
                    rates: &rates,
                    waived: &[],
                };
                let interest = Money::from_ore(inputs.interest(q, row.invoice.id));
                CollectionLine { row, interest }
            })
            .collect())
    }

    /// The debt-collection list.
    pub async fn collection_list(&self) -> Result<Vec<CollectionRow>> {
        Ok(store::credit::collection_list(self.s.store()).await?)
    }
}
