//! The register: read, add and edit suppliers. Every value is checked here, once, for the form,
//! the import and the API alike.

use domain::identity::OrgNumber;
use domain::ids::SupplierId;
use domain::problem::{Invalid, Problem};
use domain::suppliers::{LAW_TERMS_DAYS, PayTo, SizeClass, SupplierProblem, Trade, VatNumber};
use store::suppliers::{ContactRow, NewContact, NewSupplier, OfferRow, SupplierInvoiceRow};

use super::{SupplierRow, Suppliers, is_local, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// A supplier as typed into the form or read from a line of the import file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplierInput {
    pub org_number: String,
    pub name: String,
    pub vat_number: String,
    pub f_skatt: bool,
    pub bankgiro: String,
    pub plusgiro: String,
    pub iban: String,
    pub bic: String,
    pub municipality: String,
    pub size: String,
    pub terms_days: String,
    /// Trade codes.
    pub trades: Vec<String>,
    pub active: bool,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// A supplier whose every value has been checked.
pub(super) struct Checked {
    pub org_number: OrgNumber,
    pub name: String,
    pub vat_number: Option<VatNumber>,
    pub f_skatt: bool,
    pub pay_to: PayTo,
    pub municipality: String,
    pub size: SizeClass,
    pub terms_days: u32,
    pub trades: Vec<Trade>,
    pub active: bool,
    pub contact: Option<(String, Option<String>, Option<String>)>,
}

impl Checked {
    pub fn row(&self) -> NewSupplier<'_> {
        NewSupplier {
            org_number: &self.org_number,
            name: &self.name,
            vat_number: self.vat_number.as_ref(),
            f_skatt: self.f_skatt,
            pay_to: &self.pay_to,
            municipality: &self.municipality,
            is_local: is_local(&self.municipality),
            size: self.size,
            terms_days: self.terms_days,
            active: self.active,
            trades: &self.trades,
        }
    }

    pub fn contacts(&self) -> Vec<NewContact<'_>> {
        self.contact
            .iter()
            .map(|(name, email, phone)| NewContact {
                name,
                email: email.as_deref(),
                phone: phone.as_deref(),
            })
            .collect()
    }
}

fn required(field: &'static str, value: &str, max: usize) -> std::result::Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, Problem::Required));
    }
    if v.chars().count() > max {
        return Err(Invalid::new(field, Problem::TooLong { max }));
    }
    Ok(v.to_owned())
}

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Checks every value of a supplier; the first bad one is named with its field.
pub(super) fn check(input: &SupplierInput) -> std::result::Result<Checked, Invalid> {
    let org_number = OrgNumber::parse(&input.org_number)
        .map_err(|e| Invalid::new("org_number", Problem::Identity(e)))?;
    let name = required("name", &input.name, 200)?;
    let vat_number = match optional(&input.vat_number) {
        Some(v) => {
            Some(VatNumber::parse(&v, &org_number).map_err(|e| Invalid::new("vat_number", e))?)
        }
        None => None,
    };
    let pay_to = PayTo::from_fields(&input.bankgiro, &input.plusgiro, &input.iban, &input.bic)
        .map_err(|(field, e)| Invalid::new(field, e))?;
    let municipality = required("municipality", &input.municipality, 100)?;
    let size = match input.size.trim() {
        "" => SizeClass::Other,
        s => domain::code::parse_code::<SizeClass>(s).map_err(|e| Invalid::new("size", e))?,
    };
    let terms_days = match input.terms_days.trim() {
        "" => LAW_TERMS_DAYS,
        t => t
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=LAW_TERMS_DAYS).contains(d))
            .ok_or(Invalid::new(
                "terms_days",
                Problem::OutOfRange {
                    min: 1,
                    max: i64::from(LAW_TERMS_DAYS),
                },
            ))?,
    };
    let mut trades = Vec::new();
    for code in input
        .trades
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        let t = Trade::parse(code).ok_or_else(|| {
            Invalid::new(
                "trades",
                SupplierProblem::UnknownTrade {
                    code: code.to_owned(),
                },
            )
        })?;
        if !trades.contains(&t) {
            trades.push(t);
        }
    }
    if trades.is_empty() {
        return Err(Invalid::new("trades", SupplierProblem::NoTrade));
    }
    let email = optional(&input.contact_email);
    if let Some(e) = &email
        && (!e.contains('@') || e.contains(char::is_whitespace) || e.len() > 254)
    {
        return Err(Invalid::new("contact_email", SupplierProblem::BadEmail));
    }
    let contact_name = optional(&input.contact_name);
    let contact = match (contact_name, email, optional(&input.contact_phone)) {
        (None, None, None) => None,
        (name, email, phone) => Some((name.unwrap_or_default(), email, phone)),
    };
    Ok(Checked {
        org_number,
        name,
        vat_number,
        f_skatt: input.f_skatt,
        pay_to,
        municipality,
        size,
        terms_days,
        trades,
        active: input.active,
        contact,
    })
}

/// One supplier with what belongs to it.
#[derive(Clone, Debug)]
pub struct SupplierDetail {
    pub supplier: SupplierRow,
    pub contacts: Vec<ContactRow>,
    pub offers: Vec<OfferRow>,
    pub invoices: Vec<SupplierInvoiceRow>,
}

impl Suppliers {
    /// The register, by name.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<SupplierRow>> {
        Self::require(actor, roles::READ)?;
        Ok(store::suppliers::suppliers(self.s.store()).await?)
    }

    pub async fn detail(&self, actor: &Actor, id: SupplierId) -> Result<SupplierDetail> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let supplier = store::suppliers::supplier(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let contacts = store::suppliers::contacts(store)
            .await?
            .into_iter()
            .filter(|c| c.supplier_id == id)
            .collect();
        let offers = store::suppliers::offers(store)
            .await?
            .into_iter()
            .filter(|o| o.supplier_id == id)
            .collect();
        let invoices = store::suppliers::invoices_of(store, id).await?;
        Ok(SupplierDetail {
            supplier,
            contacts,
            offers,
            invoices,
        })
    }

    /// Adds a supplier (`id` `None`) or writes over one; refuses an organisation number another
    /// supplier has.
    pub async fn save(
        &self,
        actor: &Actor,
        id: Option<SupplierId>,
        input: &SupplierInput,
    ) -> Result<SupplierId> {
        Self::require(actor, roles::MANAGE)?;
        let checked = check(input).map_err(ServiceError::Invalid)?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let holder = store::suppliers::id_by_org_number(&mut tx, &checked.org_number).await?;
        if holder.is_some() && holder != id {
            return Err(ServiceError::invalid(
                "org_number",
                SupplierProblem::OrgNumberTaken {
                    org_number: checked.org_number.to_string(),
                },
            ));
        }
        let id = match id {
            None => store::suppliers::insert_supplier(&mut tx, &checked.row(), now).await?,
            Some(id) => {
                if store::suppliers::update_supplier(&mut tx, id, &checked.row(), now).await? == 0 {
                    return Err(ServiceError::NotFound);
                }
                id
            }
        };
        store::suppliers::set_contacts(&mut tx, id, &checked.contacts()).await?;
        self.audit(&mut tx, actor, "supplier_saved", "supplier", id.get(), "")
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
