//! The demo town's year of invoices and payments, each customer paying as their habit has it.

use domain::credit::{InvoiceStatus, PaymentSource};
use domain::ids::CustomerId;
use domain::meter::PropertyKind;
use domain::money::Money;
use domain::ocr::OcrReference;
use jiff::ToSpan;
use jiff::civil::Date;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use store::credit::{NewInvoice, NewPayment};

use super::people::Customers;
use super::town::Point;
use super::{BATCH, COMMIT_EVERY, DemoStage, DemoSummary, Payer, Progress};
use crate::Services;
use crate::error::{Result, ServiceError};

/// Writes a batch of invoices, then their payments linked by the ids the insert returned.
async fn flush_invoices(
    tx: &mut store::Tx,
    invoices: &mut Vec<NewInvoice>,
    payments: &mut Vec<(String, NewPayment)>,
) -> Result<()> {
    let ids: std::collections::HashMap<String, domain::ids::InvoiceId> =
        store::credit::insert_invoices(tx, invoices)
            .await?
            .into_iter()
            .collect();
    let linked: Vec<NewPayment> = payments
        .drain(..)
        .map(|(number, p)| NewPayment {
            invoice_id: ids.get(&number).copied(),
            ..p
        })
        .collect();
    for chunk in linked.chunks(BATCH) {
        store::credit::insert_payments(tx, chunk).await?;
    }
    invoices.clear();
    Ok(())
}

/// Where one month's bill stands.
struct Bill {
    /// Customer `c`'s index, the month's number (0 = a year ago) and the customer.
    c: usize,
    month: i32,
    customer_id: CustomerId,
    payer: Payer,
    kind: PropertyKind,
    /// The customer has a second property (every seventh, when there are more properties).
    sites: usize,
}

/// One month's invoice for one customer, and its payment if it was paid by `today`.
fn invoice_rows(
    rng: &mut ChaCha8Rng,
    b: &Bill,
    first_month: Date,
    today: Date,
    now: i64,
) -> Result<(NewInvoice, Option<(String, NewPayment)>)> {
    let (c, m) = (b.c, b.month);
    let issued = first_month.saturating_add(m.months());
    let due = issued.saturating_add(30.days());
    let winter = matches!(issued.month(), 1 | 2 | 3 | 11 | 12);
    // Amounts in öre: a kronor range times 100 plus random öre.
    let kronor: i64 = match b.kind {
        PropertyKind::Apartment => rng.random_range(250..700),
        PropertyKind::House => rng.random_range(900..2_400) + if winter { 1_200 } else { 0 },
        _ => rng.random_range(3_000..40_000),
    };
    let base = (kronor * 100 + rng.random_range(0..100)) * b.sites as i64;
    let number = format!("{}{:02}{}", issued.year(), issued.month(), 1_000_001 + c);
    let ocr = OcrReference::generate(
        &format!(
            "{:02}{:02}{}",
            issued.year() % 100,
            issued.month(),
            1_000_001 + c
        ),
        true,
    )
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let days_late: Option<i64> = match b.payer {
        Payer::Punctual => Some(-rng.random_range(0..10)),
        Payer::SometimesLate => Some(if rng.random_bool(0.25) {
            rng.random_range(3..30)
        } else {
            -rng.random_range(0..8)
        }),
        Payer::OftenLate => Some(if rng.random_bool(0.7) {
            rng.random_range(5..45)
        } else {
            0
        }),
        Payer::Chronic => rng.random_bool(0.6).then(|| rng.random_range(20..90)),
    };
    let partial = matches!(b.payer, Payer::OftenLate | Payer::Chronic) && rng.random_bool(0.15);
    // The demo's portal customer (the first) has this month's bill still to pay, so Mina sidor
    // and the extension request have something to show.
    let paid_on = days_late
        .map(|d| due.saturating_add(d.days()))
        .filter(|d| *d <= today)
        .filter(|_| !(c == 0 && m == 12));
    let paid = match paid_on {
        Some(_) if partial => base / 2,
        Some(_) => base,
        None => 0,
    };
    let status = if paid >= base {
        InvoiceStatus::Paid
    } else if due >= today {
        if paid > 0 {
            InvoiceStatus::PartlyPaid
        } else {
            InvoiceStatus::Open
        }
    } else if today.since(due).map(|s| s.get_days()).unwrap_or(0) > 90 && b.payer == Payer::Chronic
    {
        InvoiceStatus::Collection
    } else if paid > 0 {
        InvoiceStatus::PartlyPaid
    } else {
        InvoiceStatus::Overdue
    };
    let payment = paid_on.map(|on| {
        (
            number.clone(),
            NewPayment {
                invoice_id: None,
                customer_id: b.customer_id,
                paid_on: on,
                amount: Money::from_ore(paid),
                source: PaymentSource::Demo,
                reference: ocr.as_str().to_owned(),
                created_at: now,
            },
        )
    });
    let invoice = NewInvoice {
        customer_id: b.customer_id,
        invoice_number: number,
        ocr: ocr.as_str().to_owned(),
        issued_on: issued,
        due_on: due,
        amount: Money::from_ore(base),
        paid: Money::from_ore(paid),
        status,
        created_at: now,
    };
    Ok((invoice, payment))
}

impl Services {
    /// A year of monthly invoices per customer and this month's bill, with payments as each
    /// customer's habit has it (this month's is mostly not due yet).
    ///
    /// Month by month, so invoice numbers and OCR references (month first) are inserted in key
    /// order: index appends instead of random B-tree inserts. A commit every [`COMMIT_EVERY`]
    /// rows lets SQLite checkpoint its WAL; the SQLite demo is built in a side file and renamed
    /// when complete, so the town still appears all at once.
    pub(super) async fn demo_invoices(
        &self,
        rng: &mut ChaCha8Rng,
        points: &[Point],
        has_second_homes: bool,
        customers: &Customers,
        progress: &dyn Progress,
        summary: &mut DemoSummary,
    ) -> Result<()> {
        let n_customers = customers.ids.len();
        progress.stage(DemoStage::Invoices, 13 * n_customers as u64);
        let (now, today) = (self.now_micros(), self.today());
        let first_month = today.first_of_month().saturating_sub(12.months());
        let mut tx = self.store().begin().await?;
        let mut invoices = Vec::with_capacity(BATCH);
        let mut payments = Vec::with_capacity(BATCH);
        let mut since_commit = 0usize;
        for month in 0..13i32 {
            let each = customers.ids.iter().zip(&customers.payer).zip(points);
            for (c, ((&customer_id, &payer), point)) in each.enumerate() {
                let bill = Bill {
                    c,
                    month,
                    customer_id,
                    payer,
                    kind: point.kind,
                    sites: 1 + usize::from(has_second_homes && c % 7 == 0),
                };
                let (invoice, payment) = invoice_rows(rng, &bill, first_month, today, now)?;
                payments.extend(payment);
                invoices.push(invoice);
                if invoices.len() == BATCH {
                    summary.invoices += invoices.len();
                    summary.payments += payments.len();
                    progress.inc(invoices.len() as u64);
                    since_commit += invoices.len();
                    flush_invoices(&mut tx, &mut invoices, &mut payments).await?;
                    if since_commit >= COMMIT_EVERY {
                        tx.commit().await?;
                        tx = self.store().begin().await?;
                        since_commit = 0;
                    }
                }
            }
        }
        summary.invoices += invoices.len();
        summary.payments += payments.len();
        progress.inc(invoices.len() as u64);
        flush_invoices(&mut tx, &mut invoices, &mut payments).await?;
        tx.commit().await?;
        Ok(())
    }
}
