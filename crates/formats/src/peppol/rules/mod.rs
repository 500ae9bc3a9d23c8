//! The rule table and the engine that runs it.
//!
//! The rules follow the official Schematron files: a *pattern* is a list
//! of rules, each with a context test and asserts. Every element of the
//! document is offered to every pattern; within a pattern only the first
//! rule whose context matches runs its asserts, as in Schematron.

mod cen;
mod cen_codes;
mod cen_syntax;
mod cen_vat;
mod codes;
mod ids;
mod national;
mod peppol;

use roxmltree::Node;

use super::xml::{self, N};
use super::{Finding, Flag};

pub(crate) use ids::luhn_ok;
pub(crate) use peppol::xml_date;

/// What every rule may look at: the document and values computed once.
pub(crate) struct Ctx<'a, 'i> {
    /// The root element (Invoice or CreditNote).
    pub root: Node<'a, 'i>,
    /// Whether the root is an Invoice.
    pub invoice: bool,
    /// The Peppol profile: `"01"`, `"02"` or `"Unknown"`.
    pub profile: &'static str,
    /// Seller postal country is DE.
    pub supplier_de: bool,
    /// Buyer postal country is DE.
    pub customer_de: bool,
    /// The values of `/*/cbc:DocumentCurrencyCode`.
    pub currencies: Vec<String>,
    /// Swedish seller, Swedish seller with SE VAT number, Swedish buyer.
    pub swedish: (bool, bool, bool),
}

/// One assert: its rule id, its flag and its test (`true` = passes).
#[derive(Clone, Copy)]
pub(crate) struct Assert {
    pub id: &'static str,
    pub flag: Flag,
    pub test: fn(&Ctx<'_, '_>, N<'_, '_>) -> bool,
}

/// One Schematron rule: a context and its asserts.
#[derive(Clone, Copy)]
pub(crate) struct Rule {
    pub context: fn(&Ctx<'_, '_>, N<'_, '_>) -> bool,
    pub asserts: &'static [Assert],
}

/// A pattern: the first matching rule wins.
pub(crate) type Pattern = &'static [Rule];

/// A fatal assert.
pub(crate) const fn fatal(id: &'static str, test: fn(&Ctx<'_, '_>, N<'_, '_>) -> bool) -> Assert {
    Assert {
        id,
        flag: Flag::Fatal,
        test,
    }
}

/// A warning assert.
pub(crate) const fn warning(id: &'static str, test: fn(&Ctx<'_, '_>, N<'_, '_>) -> bool) -> Assert {
    Assert {
        id,
        flag: Flag::Warning,
        test,
    }
}

fn patterns() -> impl Iterator<Item = Pattern> {
    cen::PATTERNS
        .iter()
        .chain(cen_vat::PATTERNS)
        .chain(cen_syntax::PATTERNS)
        .chain(peppol::PATTERNS)
        .chain(national::PATTERNS)
        .copied()
}

/// Every rule id in the table, in table order, without repeats.
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for pattern in patterns() {
        for rule in pattern {
            for a in rule.asserts {
                if !ids.contains(&a.id) {
                    ids.push(a.id);
                }
            }
        }
    }
    ids
}

fn profile(root: N<'_, '_>) -> &'static str {
    match xml::norm_at(root, "cbc:ProfileID").as_str() {
        "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
        | "urn:peppol:france:billing:regulated"
        | "urn:peppol:france:billing:non-regulated" => "01",
        "urn:peppol:bis:billing_with_response" => "02",
        _ => "Unknown",
    }
}

fn postal_country_is(root: N<'_, '_>, party: &str, code: &str) -> bool {
    let path = format!("{party}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode");
    xml::first(root, &path).is_some_and(|c| xml::upper_norm(&xml::string(c)) == code)
}

/// Run every pattern over the document.
pub(crate) fn run(root: Node<'_, '_>) -> Vec<Finding> {
    let ctx = Ctx {
        root,
        invoice: xml::is(root, "inv:Invoice"),
        profile: profile(root),
        supplier_de: postal_country_is(root, "cac:AccountingSupplierParty", "DE"),
        customer_de: postal_country_is(root, "cac:AccountingCustomerParty", "DE"),
        swedish: national::swedish_parties(root),
        currencies: xml::kids(root, "cbc:DocumentCurrencyCode")
            .map(xml::string)
            .collect(),
    };
    let elements: Vec<N<'_, '_>> = root.descendants().filter(|n| n.is_element()).collect();
    let positions = xml::Positions::new(root);
    let mut findings = Vec::new();
    for pattern in patterns() {
        for node in &elements {
            let Some(rule) = pattern.iter().find(|r| (r.context)(&ctx, *node)) else {
                continue;
            };
            for a in rule.asserts {
                if !(a.test)(&ctx, *node) {
                    findings.push(Finding {
                        rule: a.id.to_owned(),
                        flag: a.flag,
                        path: positions.location(*node),
                    });
                }
            }
        }
    }
    findings
}
