//! The register's import file: one supplier per line, matched by organisation number (a known
//! one is updated, an unknown one added). All or nothing, in one transaction; a bad value names
//! its line and field; the same file again changes nothing.

use std::collections::HashMap;

use domain::problem::Problem;
use domain::suppliers::SupplierProblem;

use super::register::{Checked, SupplierInput, check};
use super::{SupplierRow, Suppliers, is_local, roles};
use crate::Actor;
use crate::import::{ImportCounts, ImportError, ImportResult, LineError, get, read_csv};

/// The columns of the import file; the first three and `municipality` and `trades` are
/// required. `trades` holds trade codes separated by `,` or `|`; `f_skatt` and `active` are
/// `ja`/`nej` (or `yes`/`no`, `true`/`false`, `1`/`0`), and `active` defaults to yes.
pub const SUPPLIER_COLUMNS: [&str; 16] = [
    "org_number",
    "name",
    "bankgiro",
    "plusgiro",
    "iban",
    "bic",
    "vat_number",
    "f_skatt",
    "municipality",
    "size",
    "terms_days",
    "trades",
    "active",
    "contact_name",
    "contact_email",
    "contact_phone",
];

const REQUIRED: [&str; 5] = ["org_number", "name", "municipality", "trades", "f_skatt"];

fn yes_no(line: u64, field: &'static str, value: &str, default: bool) -> ImportResult<bool> {
    match value.trim().to_lowercase().as_str() {
        "" => Ok(default),
        "ja" | "yes" | "true" | "1" | "j" | "y" => Ok(true),
        "nej" | "no" | "false" | "0" | "n" => Ok(false),
        _ => Err(LineError {
            line,
            field,
            problem: SupplierProblem::NotABoolean.into(),
        }
        .into()),
    }
}

fn input_of(line: u64, row: &crate::import::Row) -> ImportResult<SupplierInput> {
    Ok(SupplierInput {
        org_number: get(row, "org_number").to_owned(),
        name: get(row, "name").to_owned(),
        vat_number: get(row, "vat_number").to_owned(),
        f_skatt: yes_no(line, "f_skatt", get(row, "f_skatt"), false)?,
        bankgiro: get(row, "bankgiro").to_owned(),
        plusgiro: get(row, "plusgiro").to_owned(),
        iban: get(row, "iban").to_owned(),
        bic: get(row, "bic").to_owned(),
        municipality: get(row, "municipality").to_owned(),
        size: get(row, "size").to_owned(),
        terms_days: get(row, "terms_days").to_owned(),
        trades: get(row, "trades")
            .split([',', '|'])
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        active: yes_no(line, "active", get(row, "active"), true)?,
        contact_name: get(row, "contact_name").to_owned(),
        contact_email: get(row, "contact_email").to_owned(),
        contact_phone: get(row, "contact_phone").to_owned(),
    })
}

/// Whether the stored supplier already says what the line says.
fn same(stored: &SupplierRow, contacts: &[&store::suppliers::ContactRow], c: &Checked) -> bool {
    let mut trades = c.trades.clone();
    trades.sort();
    let stored_contact = contacts
        .first()
        .map(|k| (k.name.clone(), k.email.clone(), k.phone.clone()));
    stored.name == c.name
        && stored.vat_number == c.vat_number
        && stored.f_skatt == c.f_skatt
        && stored.pay_to.as_ref() == Some(&c.pay_to)
        && stored.municipality == c.municipality
        && stored.is_local == is_local(&c.municipality)
        && stored.size == c.size
        && stored.terms_days == c.terms_days
        && stored.active == c.active
        && stored.trades == trades
        && contacts.len() <= 1
        && stored_contact == c.contact
}

impl Suppliers {
    /// Imports the register file (columns [`SUPPLIER_COLUMNS`]); with `dry_run` the counts are
    /// what the import would do, and nothing is written.
    pub async fn import(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
    ) -> ImportResult<ImportCounts> {
        Self::require(actor, roles::MANAGE)?;
        let required: Vec<&'static str> = REQUIRED.to_vec();
        let optional: Vec<&'static str> = SUPPLIER_COLUMNS
            .iter()
            .copied()
            .filter(|c| !REQUIRED.contains(c))
            .collect();
        let rows = read_csv(
            bytes,
            &required,
            &optional,
            SupplierProblem::NotUtf8.into(),
            |expected| SupplierProblem::Header { expected }.into(),
        )?;
        // Every line is checked before anything is written.
        let mut checked = Vec::with_capacity(rows.len());
        let mut seen: HashMap<String, u64> = HashMap::new();
        for (line, row) in &rows {
            let input = input_of(*line, row)?;
            let c = check(&input).map_err(|e| LineError {
                line: *line,
                field: e.field,
                problem: e.problem,
            })?;
            if let Some(first) = seen.insert(c.org_number.normalised(), *line) {
                return Err(LineError {
                    line: *line,
                    field: "org_number",
                    problem: Problem::Suppliers(SupplierProblem::Duplicate { line: first }),
                }
                .into());
            }
            checked.push(c);
        }
        let store = self.s.store();
        let existing: HashMap<String, SupplierRow> = store::suppliers::suppliers(store)
            .await?
            .into_iter()
            .map(|s| (s.org_number.normalised(), s))
            .collect();
        let contacts = store::suppliers::contacts(store).await?;
        let now = self.s.now_micros();
        let mut counts = ImportCounts::default();
        let mut tx = store.begin().await?;
        for c in &checked {
            let id = match existing.get(&c.org_number.normalised()) {
                Some(s) => {
                    let theirs: Vec<_> =
                        contacts.iter().filter(|k| k.supplier_id == s.id).collect();
                    if same(s, &theirs, c) {
                        counts.unchanged += 1;
                        continue;
                    }
                    store::suppliers::update_supplier(&mut tx, s.id, &c.row(), now).await?;
                    counts.updated += 1;
                    s.id
                }
                None => {
                    counts.inserted += 1;
                    store::suppliers::insert_supplier(&mut tx, &c.row(), now).await?
                }
            };
            store::suppliers::set_contacts(&mut tx, id, &c.contacts()).await?;
        }
        let detail = counts.detail();
        self.audit(
            &mut tx,
            actor,
            "suppliers_imported",
            "suppliers",
            0,
            &detail,
        )
        .await
        .map_err(ImportError::Service)?;
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(counts)
    }
}
