//! Sponsorship agreements with clubs and their instalments; an instalment is released once, as
//! an invoice in the suppliers' payment run.

use domain::community::sponsorship::{AgreementState, InstalmentState, ReturnKind};
use domain::ids::{AgreementId, InstalmentId, SupplierId, SupplierInvoiceId};
use domain::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// An agreement, with the club's organisation number from the supplier register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRow {
    pub id: AgreementId,
    pub supplier_id: SupplierId,
    pub club: String,
    pub org_number: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub amount: Money,
    pub instalments: u32,
    pub returns: Vec<ReturnKind>,
    pub returns_note: String,
    pub state: AgreementState,
    pub decided_by: String,
    pub decided_at: Timestamp,
    pub reason: String,
    pub terminated_by: Option<String>,
}

from_row!(AgreementRow, "sponsorship_agreements", |c| AgreementRow {
    id: c.id("id")?,
    supplier_id: c.id("supplier_id")?,
    club: c.get("club")?,
    org_number: c.get("org_number")?,
    starts_on: c.date("starts_on")?,
    ends_on: c.date("ends_on")?,
    amount: c.money("amount_ore")?,
    instalments: c.count("instalments")?,
    returns: c.parsed("returns", super::codes::<ReturnKind>)?,
    returns_note: c.get("returns_note")?,
    state: c.code("state")?,
    decided_by: c.get("decided_by")?,
    decided_at: c.instant("decided_at")?,
    reason: c.get("reason")?,
    terminated_by: c.get("terminated_by")?,
});

const AGREEMENT_COLUMNS: &str = "a.id, a.supplier_id, a.club, s.org_number, a.starts_on, \
     a.ends_on, a.amount_ore, a.instalments, a.returns, a.returns_note, a.state, a.decided_by, \
     a.decided_at, a.reason, a.terminated_by";

/// An agreement as decided.
pub struct NewAgreement<'a> {
    pub supplier_id: SupplierId,
    pub club: &'a str,
    pub starts_on: Date,
    pub ends_on: Date,
    pub amount: Money,
    pub returns: &'a [ReturnKind],
    pub returns_note: &'a str,
    pub decided_by: &'a str,
    pub reason: &'a str,
    /// The due dates and amounts of the instalments.
    pub schedule: &'a [(Date, Money)],
}

/// Writes an agreement with its instalments.
pub async fn insert_agreement(tx: &mut Tx, a: &NewAgreement<'_>, now: i64) -> Result<AgreementId> {
    let codes = a
        .returns
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let count = i64::try_from(a.schedule.len()).unwrap_or(i64::MAX);
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO sponsorship_agreements (supplier_id, club, starts_on, ends_on, \
             amount_ore, instalments, returns, returns_note, state, decided_by, decided_at, \
             reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, \
             $10) RETURNING id",
        )
        .bind(a.supplier_id.get())
        .bind(a.club)
        .bind(a.starts_on.to_string())
        .bind(a.ends_on.to_string())
        .bind(a.amount.ore())
        .bind(count)
        .bind(&codes)
        .bind(a.returns_note)
        .bind(a.decided_by)
        .bind(now)
        .bind(a.reason)
        .fetch_one(conn)
        .await?
    });
    for (n, (due, amount)) in a.schedule.iter().enumerate() {
        let number = i64::try_from(n).unwrap_or(0) + 1;
        with_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO sponsorship_instalments (agreement_id, number, due_on, base_ore, \
                 state) VALUES ($1, $2, $3, $4, 'planned')",
            )
            .bind(id)
            .bind(number)
            .bind(due.to_string())
            .bind(amount.ore())
            .execute(conn)
            .await?
            .rows_affected()
        });
    }
    Ok(AgreementId::new(id))
}

/// Every agreement, the latest first.
pub async fn agreements(store: &Store) -> Result<Vec<AgreementRow>> {
    let sql = format!(
        "SELECT {AGREEMENT_COLUMNS} FROM sponsorship_agreements a \
         JOIN suppliers s ON s.id = a.supplier_id ORDER BY a.starts_on DESC, a.id DESC"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, AgreementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// One agreement.
pub async fn agreement(store: &Store, id: AgreementId) -> Result<Option<AgreementRow>> {
    let sql = format!(
        "SELECT {AGREEMENT_COLUMNS} FROM sponsorship_agreements a \
         JOIN suppliers s ON s.id = a.supplier_id WHERE a.id = $1"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, AgreementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// Ends an active agreement: its planned instalments are cancelled. `false`: not active.
pub async fn terminate(tx: &mut Tx, id: AgreementId, by: &str, now: i64) -> Result<bool> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE sponsorship_agreements SET state = 'terminated', terminated_by = $1, \
         terminated_at = $2 WHERE id = $3 AND state = 'active'"
    )
    .bind(by)
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1;
    if done {
        with_tx!(tx, |conn| sqlx::query(
            "UPDATE sponsorship_instalments SET state = 'cancelled' \
             WHERE agreement_id = $1 AND state = 'planned'"
        )
        .bind(id.get())
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(done)
}

/// An instalment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentRow {
    pub id: InstalmentId,
    pub agreement_id: AgreementId,
    pub number: u32,
    pub due_on: Date,
    pub base: Money,
    pub extra: Money,
    pub matches_cancelled: bool,
    pub state: InstalmentState,
    pub invoice_id: Option<SupplierInvoiceId>,
    pub released_at: Option<Timestamp>,
}

from_row!(InstalmentRow, "sponsorship_instalments", |c| {
    InstalmentRow {
        id: c.id("id")?,
        agreement_id: c.id("agreement_id")?,
        number: c.count("number")?,
        due_on: c.date("due_on")?,
        base: c.money("base_ore")?,
        extra: c.money("extra_ore")?,
        matches_cancelled: c.get("matches_cancelled")?,
        state: c.code("state")?,
        invoice_id: c.id_opt("invoice_id")?,
        released_at: c.instant_opt("released_at")?,
    }
});

const INSTALMENT_COLUMNS: &str = "id, agreement_id, number, due_on, base_ore, extra_ore, \
     matches_cancelled, state, invoice_id, released_at";

/// The instalments of an agreement, in order.
pub async fn instalments_of(store: &Store, id: AgreementId) -> Result<Vec<InstalmentRow>> {
    let sql = format!(
        "SELECT {INSTALMENT_COLUMNS} FROM sponsorship_instalments WHERE agreement_id = $1 \
         ORDER BY number"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, InstalmentRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_all(pool)
            .await?
    }))
}

/// Planned instalments due by `by`, the earliest first.
pub async fn planned_due(store: &Store, by: Date) -> Result<Vec<InstalmentRow>> {
    let sql = format!(
        "SELECT {INSTALMENT_COLUMNS} FROM sponsorship_instalments \
         WHERE state = 'planned' AND due_on <= $1 ORDER BY due_on, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, InstalmentRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(by.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// Planned instalments due from `from` (and before `until`, when given).
pub async fn planned_between(
    store: &Store,
    from: Date,
    until: Option<Date>,
) -> Result<Vec<InstalmentRow>> {
    let sql = format!(
        "SELECT {INSTALMENT_COLUMNS} FROM sponsorship_instalments \
         WHERE state = 'planned' AND due_on >= $1 AND due_on < $2 \
         ORDER BY due_on, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, InstalmentRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(from.to_string())
            .bind(until.map_or_else(|| "9999-12-31".to_owned(), |u| u.to_string()))
            .fetch_all(pool)
            .await?
    }))
}

/// Records whether an instalment's matches were cancelled; only a planned one. `false`: not
/// planned (or no such instalment of the agreement).
pub async fn set_cancelled(
    tx: &mut Tx,
    agreement: AgreementId,
    number: u32,
    cancelled: bool,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE sponsorship_instalments SET matches_cancelled = $1 \
         WHERE agreement_id = $2 AND number = $3 AND state = 'planned'"
    )
    .bind(cancelled)
    .bind(agreement.get())
    .bind(i64::from(number))
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Marks a planned instalment released (with its invoice and extra) or withheld, once: `false`
/// when another run got there first.
pub async fn settle_instalment(
    tx: &mut Tx,
    id: InstalmentId,
    state: InstalmentState,
    extra: Money,
    invoice: Option<SupplierInvoiceId>,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE sponsorship_instalments SET state = $1, extra_ore = $2, invoice_id = $3, \
         released_at = $4 WHERE id = $5 AND state = 'planned'"
    )
    .bind(state.as_str())
    .bind(extra.ore())
    .bind(invoice.map(|i| i.get()))
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}
