//! Suppliers: the register (with trades and contact people), offers of shorter payment terms,
//! and the invoices suppliers send; [`payments`] pays them.

pub mod payments;
pub mod reports;
pub mod work;

use std::collections::HashMap;

use domain::identity::OrgNumber;
use domain::ids::{
    SupplierContactId, SupplierDocumentId, SupplierId, SupplierInvoiceId, SupplierOfferId,
};
use domain::money::Money;
use domain::suppliers::{
    Bankgiro, Bic, Iban, InvoiceKind, InvoiceState, OfferState, PayTo, Plusgiro, Refusal,
    SizeClass, Trade, VatNumber,
};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// A supplier in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierRow {
    pub id: SupplierId,
    pub org_number: OrgNumber,
    pub name: String,
    pub vat_number: Option<VatNumber>,
    pub f_skatt: bool,
    /// Where it is paid; `None` only for a supplier registered before accounts were required.
    pub pay_to: Option<PayTo>,
    pub municipality: String,
    pub is_local: bool,
    pub size: SizeClass,
    /// The agreed payment terms in days.
    pub terms_days: u32,
    pub active: bool,
    /// Filled by the functions that read suppliers (a table of its own).
    pub trades: Vec<Trade>,
}

fn pay_to(
    bankgiro: Option<Bankgiro>,
    plusgiro: Option<Plusgiro>,
    iban: Option<Iban>,
    bic: Option<Bic>,
) -> Option<PayTo> {
    match (bankgiro, plusgiro, iban, bic) {
        (Some(b), _, _, _) => Some(PayTo::Bankgiro(b)),
        (None, Some(p), _, _) => Some(PayTo::Plusgiro(p)),
        (None, None, Some(iban), Some(bic)) => Some(PayTo::Iban { iban, bic }),
        _ => None,
    }
}

from_row!(SupplierRow, "suppliers", |c| {
    let org_number: OrgNumber = c.parsed("org_number", OrgNumber::from_normalised)?;
    SupplierRow {
        id: c.id("id")?,
        vat_number: c.parsed_opt("vat_number", |s| VatNumber::parse(s, &org_number))?,
        org_number,
        name: c.get("name")?,
        f_skatt: c.get("f_skatt")?,
        pay_to: pay_to(
            c.parsed_opt("bankgiro", Bankgiro::parse)?,
            c.parsed_opt("plusgiro", Plusgiro::parse)?,
            c.parsed_opt("iban", Iban::parse)?,
            c.parsed_opt("bic", Bic::parse)?,
        ),
        municipality: c.get("municipality")?,
        is_local: c.get("is_local")?,
        size: c.code("size_class")?,
        terms_days: c.count("terms_days")?,
        active: c.get("active")?,
        trades: Vec::new(),
    }
});

const SUPPLIER_COLUMNS: &str = "id, org_number, name, vat_number, f_skatt, bankgiro, plusgiro, \
     iban, bic, municipality, is_local, size_class, terms_days, active";

/// A supplier as written by the register's form, its import and the demo.
pub struct NewSupplier<'a> {
    pub org_number: &'a OrgNumber,
    pub name: &'a str,
    pub vat_number: Option<&'a VatNumber>,
    pub f_skatt: bool,
    pub pay_to: &'a PayTo,
    pub municipality: &'a str,
    pub is_local: bool,
    pub size: SizeClass,
    pub terms_days: u32,
    pub active: bool,
    pub trades: &'a [Trade],
}

/// The account columns (bankgiro, plusgiro, IBAN, BIC) of a payee.
fn account_columns(p: &PayTo) -> [Option<String>; 4] {
    match p {
        PayTo::Bankgiro(b) => [Some(b.digits().to_owned()), None, None, None],
        PayTo::Plusgiro(p) => [None, Some(p.digits().to_owned()), None, None],
        PayTo::Iban { iban, bic } => [
            None,
            None,
            Some(iban.as_str().to_owned()),
            Some(bic.as_str().to_owned()),
        ],
    }
}

pub async fn insert_supplier(tx: &mut Tx, s: &NewSupplier<'_>, now: i64) -> Result<SupplierId> {
    let [bg, pg, iban, bic] = account_columns(s.pay_to);
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO suppliers (org_number, name, vat_number, f_skatt, bankgiro, plusgiro, iban, \
         bic, municipality, is_local, size_class, terms_days, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id"
    )
    .bind(s.org_number.normalised())
    .bind(s.name)
    .bind(s.vat_number.map(|v| v.as_str().to_owned()))
    .bind(s.f_skatt)
    .bind(bg.clone())
    .bind(pg.clone())
    .bind(iban.clone())
    .bind(bic.clone())
    .bind(s.municipality)
    .bind(s.is_local)
    .bind(s.size.as_str())
    .bind(i64::from(s.terms_days))
    .bind(s.active)
    .bind(now)
    .fetch_one(conn)
    .await?
    });
    let id = SupplierId::new(id);
    set_trades(tx, id, s.trades).await?;
    Ok(id)
}

/// Writes a supplier's fields over the stored ones; 0 when there is no such supplier.
pub async fn update_supplier(
    tx: &mut Tx,
    id: SupplierId,
    s: &NewSupplier<'_>,
    now: i64,
) -> Result<u64> {
    let [bg, pg, iban, bic] = account_columns(s.pay_to);
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE suppliers SET org_number = $1, name = $2, vat_number = $3, f_skatt = $4, \
         bankgiro = $5, plusgiro = $6, iban = $7, bic = $8, municipality = $9, is_local = $10, \
         size_class = $11, terms_days = $12, active = $13, updated_at = $14 WHERE id = $15"
    )
    .bind(s.org_number.normalised())
    .bind(s.name)
    .bind(s.vat_number.map(|v| v.as_str().to_owned()))
    .bind(s.f_skatt)
    .bind(bg.clone())
    .bind(pg.clone())
    .bind(iban.clone())
    .bind(bic.clone())
    .bind(s.municipality)
    .bind(s.is_local)
    .bind(s.size.as_str())
    .bind(i64::from(s.terms_days))
    .bind(s.active)
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    if n > 0 {
        set_trades(tx, id, s.trades).await?;
    }
    Ok(n)
}

async fn set_trades(tx: &mut Tx, id: SupplierId, trades: &[Trade]) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM supplier_trades WHERE supplier_id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    let mut trades = trades.to_vec();
    trades.sort();
    trades.dedup();
    for t in trades {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO supplier_trades (supplier_id, trade) VALUES ($1, $2)"
        )
        .bind(id.get())
        .bind(t.as_str())
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TradeRow {
    supplier_id: SupplierId,
    trade: Trade,
}

from_row!(TradeRow, "supplier_trades", |c| TradeRow {
    supplier_id: c.id("supplier_id")?,
    trade: c.code("trade")?,
});

async fn with_trades(store: &Store, mut rows: Vec<SupplierRow>) -> Result<Vec<SupplierRow>> {
    let trades = with_pool!(store, |pool| {
        sqlx::query_as::<_, TradeRow>(
            "SELECT supplier_id, trade FROM supplier_trades ORDER BY supplier_id, trade",
        )
        .fetch_all(pool)
        .await?
    });
    let mut by_supplier: HashMap<SupplierId, Vec<Trade>> = HashMap::new();
    for t in trades {
        by_supplier.entry(t.supplier_id).or_default().push(t.trade);
    }
    for r in &mut rows {
        r.trades = by_supplier.remove(&r.id).unwrap_or_default();
    }
    Ok(rows)
}

/// Every supplier, by name.
pub async fn suppliers(store: &Store) -> Result<Vec<SupplierRow>> {
    let sql = format!("SELECT {SUPPLIER_COLUMNS} FROM suppliers ORDER BY name, id");
    let rows = with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    });
    with_trades(store, rows).await
}

pub async fn supplier(store: &Store, id: SupplierId) -> Result<Option<SupplierRow>> {
    let sql = format!("SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE id = $1");
    let row = with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    });
    Ok(with_trades(store, row.into_iter().collect())
        .await?
        .into_iter()
        .next())
}

/// The supplier with this organisation number, read inside a transaction (imports).
pub async fn id_by_org_number(tx: &mut Tx, org: &OrgNumber) -> Result<Option<SupplierId>> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM suppliers WHERE org_number = $1"
    )
    .bind(org.normalised())
    .fetch_optional(conn)
    .await?);
    Ok(id.map(SupplierId::new))
}

/// A contact person at a supplier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub id: SupplierContactId,
    pub supplier_id: SupplierId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

from_row!(ContactRow, "supplier_contacts", |c| ContactRow {
    id: c.id("id")?,
    supplier_id: c.id("supplier_id")?,
    name: c.get("name")?,
    email: c.get("email")?,
    phone: c.get("phone")?,
});

/// A contact person as written.
pub struct NewContact<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// Replaces a supplier's contact people (the first is the one offers are sent to).
pub async fn set_contacts(tx: &mut Tx, id: SupplierId, contacts: &[NewContact<'_>]) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM supplier_contacts WHERE supplier_id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    for (i, c) in contacts.iter().enumerate() {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO supplier_contacts (supplier_id, name, email, phone, position) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id.get())
        .bind(c.name)
        .bind(c.email)
        .bind(c.phone)
        .bind(i as i64)
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(())
}

/// Every contact person, by supplier and position.
pub async fn contacts(store: &Store) -> Result<Vec<ContactRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ContactRow>(
            "SELECT id, supplier_id, name, email, phone FROM supplier_contacts \
             ORDER BY supplier_id, position",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// An offer of shorter payment terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRow {
    pub id: SupplierOfferId,
    pub supplier_id: SupplierId,
    pub change_key: String,
    pub days: u32,
    pub applies_from: Date,
    /// The first day the shorter terms no longer apply (the policy's end), if any.
    pub applies_until: Option<Date>,
    /// The last day the offer can be answered.
    pub answer_by: Date,
    pub state: OfferState,
}

from_row!(OfferRow, "supplier_offers", |c| OfferRow {
    id: c.id("id")?,
    supplier_id: c.id("supplier_id")?,
    change_key: c.get("change_key")?,
    days: c.count("days")?,
    applies_from: c.date("applies_from")?,
    applies_until: c.date_opt("applies_until")?,
    answer_by: c.date("answer_by")?,
    state: c.code("state")?,
});

const OFFER_COLUMNS: &str = "id, supplier_id, change_key, days, \
     applies_from, applies_until, answer_by, state";

/// An offer as made.
pub struct NewOffer<'a> {
    pub supplier_id: SupplierId,
    pub change_key: &'a str,
    pub days: u32,
    pub applies_from: Date,
    pub applies_until: Option<Date>,
    pub answer_by: Date,
}

/// Records an offer once per supplier and change: `(id, true)` when new.
pub async fn offer(tx: &mut Tx, o: &NewOffer<'_>, now: i64) -> Result<(SupplierOfferId, bool)> {
    let inserted = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_offers (supplier_id, change_key, days, applies_from, applies_until, \
         answer_by, state, sent_at) VALUES ($1, $2, $3, $4, $5, $6, 'offered', $7) \
         ON CONFLICT (supplier_id, change_key) DO NOTHING RETURNING id"
    )
    .bind(o.supplier_id.get())
    .bind(o.change_key)
    .bind(i64::from(o.days))
    .bind(o.applies_from.to_string())
    .bind(o.applies_until.map(|d| d.to_string()))
    .bind(o.answer_by.to_string())
    .bind(now)
    .fetch_optional(conn)
    .await?
    });
    if let Some(id) = inserted {
        return Ok((SupplierOfferId::new(id), true));
    }
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM supplier_offers WHERE supplier_id = $1 AND change_key = $2"
    )
    .bind(o.supplier_id.get())
    .bind(o.change_key)
    .fetch_one(conn)
    .await?);
    Ok((SupplierOfferId::new(id), false))
}

pub async fn offer_by_id(store: &Store, id: SupplierOfferId) -> Result<Option<OfferRow>> {
    let sql = format!("SELECT {OFFER_COLUMNS} FROM supplier_offers WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, OfferRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// Every offer, newest first.
pub async fn offers(store: &Store) -> Result<Vec<OfferRow>> {
    let sql = format!("SELECT {OFFER_COLUMNS} FROM supplier_offers ORDER BY id DESC");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, OfferRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Answers an offer still open; 0 when it was answered (or lapsed) meanwhile.
pub async fn answer_offer(
    tx: &mut Tx,
    id: SupplierOfferId,
    state: OfferState,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE supplier_offers SET state = $1, answered_at = $2 WHERE id = $3 AND state = 'offered'"
    )
    .bind(state.as_str())
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// An invoice or credit note from a supplier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierInvoiceRow {
    pub id: SupplierInvoiceId,
    pub supplier_id: SupplierId,
    pub kind: InvoiceKind,
    pub number: String,
    pub issue_date: Date,
    pub received_on: Date,
    pub terms_days: u32,
    pub due_date: Date,
    /// The accepted offer whose shorter terms set the due date.
    pub offer_id: Option<SupplierOfferId>,
    /// What is to be paid, VAT included (a credit note's is what it takes off).
    pub amount: Money,
    pub vat: Money,
    pub order_reference: Option<String>,
    pub payment_reference: Option<String>,
    pub state: InvoiceState,
    /// Who attested the delivery (the first step) and who approved the amount (the second).
    pub attested_by: Option<String>,
    pub approved_by: Option<String>,
    pub dispute_reason: Option<String>,
    /// What credit notes have taken off (an invoice).
    pub credited: Money,
    /// The invoice a credit note settled.
    pub settles_id: Option<SupplierInvoiceId>,
    pub paid_on: Option<Date>,
    /// The work order its order reference names (of the same supplier).
    pub work_order_id: Option<domain::ids::WorkOrderId>,
}

impl SupplierInvoiceRow {
    /// What is left to pay after credit notes.
    pub fn left_to_pay(&self) -> Money {
        self.amount - self.credited
    }
}

from_row!(SupplierInvoiceRow, "supplier_invoices", |c| {
    SupplierInvoiceRow {
        id: c.id("id")?,
        supplier_id: c.id("supplier_id")?,
        kind: c.code("kind")?,
        number: c.get("number")?,
        issue_date: c.date("issue_date")?,
        received_on: c.date("received_on")?,
        terms_days: c.count("terms_days")?,
        due_date: c.date("due_date")?,
        offer_id: c.id_opt("offer_id")?,
        amount: c.money("amount_ore")?,
        vat: c.money("vat_ore")?,
        order_reference: c.get("order_reference")?,
        payment_reference: c.get("payment_reference")?,
        state: c.code("state")?,
        attested_by: c.get("attested_by")?,
        approved_by: c.get("approved_by")?,
        dispute_reason: c.get("dispute_reason")?,
        credited: c.money("credited_ore")?,
        settles_id: c.id_opt("settles_id")?,
        paid_on: c.date_opt("paid_on")?,
        work_order_id: c.id_opt("work_order_id")?,
    }
});

pub(crate) const INVOICE_COLUMNS: &str = "id, supplier_id, kind, number, issue_date, received_on, \
     terms_days, due_date, offer_id, amount_ore, vat_ore, \
     order_reference, payment_reference, state, attested_by, approved_by, dispute_reason, \
     credited_ore, settles_id, paid_on, work_order_id";

/// An invoice as received.
pub struct NewSupplierInvoice<'a> {
    pub supplier_id: SupplierId,
    pub kind: InvoiceKind,
    pub number: &'a str,
    pub issue_date: Date,
    pub received_on: Date,
    pub terms_days: u32,
    pub due_date: Date,
    pub offer_id: Option<SupplierOfferId>,
    pub amount: Money,
    pub vat: Money,
    pub order_reference: Option<&'a str>,
    pub payment_reference: Option<&'a str>,
    /// The buyer's reference (Peppol BT-10): a work order's reference there matches it too
    /// when the order reference does not.
    pub buyer_reference: Option<&'a str>,
}

/// Records an invoice once per supplier, kind and number: `None` when it was there already.
pub async fn insert_invoice(
    tx: &mut Tx,
    i: &NewSupplierInvoice<'_>,
    now: i64,
) -> Result<Option<SupplierInvoiceId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO supplier_invoices (supplier_id, kind, number, issue_date, received_on, \
         terms_days, due_date, offer_id, amount_ore, vat_ore, order_reference, payment_reference, \
         state, created_at, work_order_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, 'received', $13, COALESCE((SELECT w.id FROM supplier_work_orders w \
         WHERE w.reference = $11 AND w.supplier_id = $1), (SELECT w.id FROM supplier_work_orders w \
         WHERE w.reference = $14 AND w.supplier_id = $1))) \
         ON CONFLICT (supplier_id, kind, number) DO NOTHING RETURNING id",
        )
        .bind(i.supplier_id.get())
        .bind(i.kind.as_str())
        .bind(i.number)
        .bind(i.issue_date.to_string())
        .bind(i.received_on.to_string())
        .bind(i64::from(i.terms_days))
        .bind(i.due_date.to_string())
        .bind(i.offer_id.map(|o| o.get()))
        .bind(i.amount.ore())
        .bind(i.vat.ore())
        .bind(i.order_reference)
        .bind(i.payment_reference)
        .bind(now)
        .bind(i.buyer_reference)
        .fetch_optional(conn)
        .await?
    });
    Ok(id.map(SupplierInvoiceId::new))
}

/// Open invoices (not paid, settled or disputed), by due date.
pub async fn open_invoices(store: &Store) -> Result<Vec<SupplierInvoiceRow>> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM supplier_invoices \
         WHERE state IN ('received', 'attested', 'approved') ORDER BY due_date, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierInvoiceRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// A supplier's invoices, newest first.
pub async fn invoices_of(store: &Store, id: SupplierId) -> Result<Vec<SupplierInvoiceRow>> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM supplier_invoices WHERE supplier_id = $1 \
         ORDER BY received_on DESC, id DESC"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierInvoiceRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_all(pool)
            .await?
    }))
}

/// Moves an open invoice's due date to an accepted offer's shorter terms (only ever earlier);
/// 0 when it is no longer open or already due by then.
pub async fn shorten_due_date(
    tx: &mut Tx,
    id: SupplierInvoiceId,
    due: Date,
    offer: SupplierOfferId,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET due_date = $1, offer_id = $2 WHERE id = $3 \
         AND state IN ('received', 'attested', 'approved') AND due_date > $1"
    )
    .bind(due.to_string())
    .bind(offer.get())
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Offers still unanswered lapse (the policy that made them no longer shortens terms).
pub async fn lapse_open_offers(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_offers SET state = 'lapsed' WHERE state = 'offered'"
    )
    .execute(conn)
    .await?
    .rows_affected()))
}

/// An e-invoice file as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: SupplierDocumentId,
    pub file_name: String,
    pub received_at: jiff::Timestamp,
    /// Why it was not taken in; `None`: it became `invoice_id`.
    pub refusal: Option<Refusal>,
    pub supplier_id: Option<SupplierId>,
    pub invoice_id: Option<SupplierInvoiceId>,
    pub invoice_number: Option<String>,
    /// The seller's Swedish organisation number as the document gave it (10 digits).
    pub seller_org_number: Option<String>,
    /// `PayableAmount` in hundredths of the document's currency.
    pub total_minor: Option<i64>,
}

from_row!(DocumentRow, "supplier_documents", |c| DocumentRow {
    id: c.id("id")?,
    file_name: c.get("file_name")?,
    received_at: c.instant("received_at")?,
    refusal: c.code_opt("refusal")?,
    supplier_id: c.id_opt("supplier_id")?,
    invoice_id: c.id_opt("invoice_id")?,
    invoice_number: c.get("invoice_number")?,
    seller_org_number: c.get("seller_org_number")?,
    total_minor: c.get("total_minor")?,
});

const DOCUMENT_COLUMNS: &str = "id, file_name, received_at, refusal, supplier_id, invoice_id, \
     invoice_number, seller_org_number, total_minor";

/// One broken rule of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub rule: String,
    pub fatal: bool,
    pub path: String,
}

from_row!(FindingRow, "supplier_document_findings", |c| FindingRow {
    rule: c.get("rule")?,
    fatal: c.get("fatal")?,
    path: c.get("path")?,
});

/// A document as received, with its findings.
pub struct NewDocument<'a> {
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub refusal: Option<Refusal>,
    pub supplier_id: Option<SupplierId>,
    pub invoice_id: Option<SupplierInvoiceId>,
    pub invoice_number: Option<&'a str>,
    pub seller_org_number: Option<&'a str>,
    pub total_minor: Option<i64>,
    pub body: &'a str,
    pub findings: &'a [FindingRow],
}

/// The document with this SHA-256, if it was received before.
pub async fn document_by_sha(tx: &mut Tx, sha256: &str) -> Result<Option<DocumentRow>> {
    let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM supplier_documents WHERE sha256 = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, DocumentRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(sha256)
    .fetch_optional(conn)
    .await?))
}

pub async fn insert_document(
    tx: &mut Tx,
    d: &NewDocument<'_>,
    now: i64,
) -> Result<SupplierDocumentId> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_documents (sha256, file_name, received_at, refusal, supplier_id, \
         invoice_id, invoice_number, seller_org_number, total_minor, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
    )
    .bind(d.sha256)
    .bind(d.file_name)
    .bind(now)
    .bind(d.refusal.map(Refusal::as_str))
    .bind(d.supplier_id.map(|s| s.get()))
    .bind(d.invoice_id.map(|i| i.get()))
    .bind(d.invoice_number)
    .bind(d.seller_org_number)
    .bind(d.total_minor)
    .bind(d.body)
    .fetch_one(conn)
    .await?);
    for (i, f) in d.findings.iter().enumerate() {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO supplier_document_findings (document_id, position, rule, fatal, path) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(i as i64)
        .bind(&f.rule)
        .bind(f.fatal)
        .bind(&f.path)
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(SupplierDocumentId::new(id))
}

/// The findings of a document, in the order found.
pub async fn findings_of(store: &Store, id: SupplierDocumentId) -> Result<Vec<FindingRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, FindingRow>(
            "SELECT rule, fatal, path FROM supplier_document_findings WHERE document_id = $1 \
             ORDER BY position",
        )
        .bind(id.get())
        .fetch_all(pool)
        .await?
    }))
}

/// The findings of a document read inside a transaction (an import that meets it again).
pub async fn findings_in(tx: &mut Tx, id: SupplierDocumentId) -> Result<Vec<FindingRow>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, FindingRow>(
        "SELECT rule, fatal, path FROM supplier_document_findings WHERE document_id = $1 \
         ORDER BY position"
    )
    .bind(id.get())
    .fetch_all(conn)
    .await?))
}

/// Refused documents, newest first: the inbox.
pub async fn refused_documents(store: &Store) -> Result<Vec<DocumentRow>> {
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS} FROM supplier_documents WHERE refusal IS NOT NULL \
         ORDER BY received_at DESC, id DESC"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DocumentRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// A supplier's invoice by kind and number, inside a transaction.
pub async fn invoice_id_by_number(
    tx: &mut Tx,
    supplier: SupplierId,
    kind: InvoiceKind,
    number: &str,
) -> Result<Option<SupplierInvoiceId>> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM supplier_invoices WHERE supplier_id = $1 AND kind = $2 AND number = $3"
    )
    .bind(supplier.get())
    .bind(kind.as_str())
    .bind(number)
    .fetch_optional(conn)
    .await?);
    Ok(id.map(SupplierInvoiceId::new))
}
