//! The Swedish national rules SE-R-001..013 of `PEPPOL-EN16931-UBL.sch`.
//! Other countries' national rules are not part of this checker.

use super::ids;
use super::{Ctx, Pattern, Rule, fatal, warning};
use crate::peppol::decimal::Dec;
use crate::peppol::xml::{self, N, has, is, kids, norm, string};

/// The Swedish pattern.
pub(super) static PATTERNS: &[Pattern] = &[SWEDEN];

/// `cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']` of a party.
fn vat_schemes<'a, 'i>(party: N<'a, 'i>) -> Vec<N<'a, 'i>> {
    kids(party, "cac:PartyTaxScheme")
        .filter(|p| {
            xml::all(*p, "cac:TaxScheme/cbc:ID")
                .iter()
                .any(|id| string(*id) == "VAT")
        })
        .collect()
}

/// The first VAT `cbc:CompanyID` of a party.
fn vat_id<'a, 'i>(party: N<'a, 'i>) -> Option<N<'a, 'i>> {
    vat_schemes(party)
        .into_iter()
        .find_map(|p| xml::kid(p, "cbc:CompanyID"))
}

fn country_se(party: N<'_, '_>) -> bool {
    xml::all(
        party,
        "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    )
    .iter()
    .any(|c| string(*c) == "SE")
}

/// A seller party in Sweden with a Swedish VAT number.
fn se_vat_seller(party: N<'_, '_>) -> bool {
    xml::is_path(party, &["cac:AccountingSupplierParty", "cac:Party"])
        && country_se(party)
        && vat_schemes(party)
            .iter()
            .all(|p| xml::single(*p, "cbc:CompanyID"))
        && vat_schemes(party).iter().any(|p| {
            xml::text_at(*p, "cbc:CompanyID")
                .chars()
                .take(2)
                .collect::<String>()
                == "SE"
        })
}

/// Which Swedish parties the document has, found once per document:
/// (a Swedish seller, a Swedish seller with a Swedish VAT number, a
/// Swedish buyer), as the `//cac:...Party[...]` tests of the rules ask.
pub(super) fn swedish_parties(root: N<'_, '_>) -> (bool, bool, bool) {
    let (mut seller, mut vat_seller, mut buyer) = (false, false, false);
    for n in root.descendants() {
        if xml::is_path(n, &["cac:AccountingSupplierParty", "cac:Party"]) {
            seller |= country_se(n);
            vat_seller |= se_vat_seller(n);
        } else if xml::is_path(n, &["cac:AccountingCustomerParty", "cac:Party"]) {
            buyer |= country_se(n);
        }
    }
    (seller, vat_seller, buyer)
}

fn any_se_vat_seller(c: &Ctx<'_, '_>) -> bool {
    c.swedish.1
}

fn any_se_seller(c: &Ctx<'_, '_>) -> bool {
    c.swedish.0
}

fn any_se_buyer(c: &Ctx<'_, '_>) -> bool {
    c.swedish.2
}

fn giro_account(c: &Ctx<'_, '_>, n: N<'_, '_>, branch: &str) -> bool {
    if !xml::is_path(
        n,
        &["cac:PaymentMeans", "cac:PayeeFinancialAccount", "cbc:ID"],
    ) {
        return false;
    }
    let Some(means) = xml::parent(n).and_then(xml::parent) else {
        return false;
    };
    let branch_path = "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID";
    any_se_seller(c)
        && xml::single(means, "cbc:PaymentMeansCode")
        && xml::single(means, branch_path)
        && xml::norm_at(means, "cbc:PaymentMeansCode") == "30"
        && xml::norm_at(
            means,
            "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID",
        ) == branch
}

fn means_code_is(n: N<'_, '_>, codes: &[&str]) -> bool {
    kids(n, "cbc:PaymentMeansCode").any(|c| codes.contains(&string(c).as_str()))
}

fn legal_entity_context(n: N<'_, '_>) -> bool {
    is(n, "cac:PartyLegalEntity")
        && has(n, "cbc:CompanyID")
        && xml::parent(n).is_some_and(|p| {
            xml::is_path(p, &["cac:AccountingSupplierParty", "cac:Party"]) && country_se(p)
        })
}

fn f_tax_context(n: N<'_, '_>) -> bool {
    if !xml::is_path(n, &["cac:PartyTaxScheme", "cbc:CompanyID"]) {
        return false;
    }
    let Some(scheme) = xml::parent(n) else {
        return false;
    };
    let Some(party) = xml::parent(scheme) else {
        return false;
    };
    if !xml::single(scheme, "cac:TaxScheme/cbc:ID") {
        return false;
    }
    let scheme_id = xml::first(scheme, "cac:TaxScheme/cbc:ID")
        .map(|id| xml::normalize(&string(id).to_uppercase()))
        .unwrap_or_default();
    xml::is_path(party, &["cac:AccountingSupplierParty", "cac:Party"])
        && country_se(party)
        && xml::exists(party, "cac:PartyLegalEntity/cbc:CompanyID")
        && scheme_id != "VAT"
}

static SWEDEN: Pattern = &[
    Rule {
        context: |_, n| se_vat_seller(n),
        asserts: &[
            fatal("SE-R-001", |_, n| {
                vat_id(n).is_some_and(|id| norm(id).chars().count() == 14)
            }),
            fatal("SE-R-002", |_, n| {
                let id = vat_id(n).map(string).unwrap_or_default();
                let tail: String = id.chars().skip(2).take(12).collect();
                Dec::is_number(&tail)
            }),
        ],
    },
    Rule {
        context: |_, n| legal_entity_context(n),
        asserts: &[
            fatal("SE-R-003", |_, n| {
                Dec::is_number(&xml::text_at(n, "cbc:CompanyID"))
            }),
            fatal("SE-R-004", |_, n| {
                xml::norm_at(n, "cbc:CompanyID").chars().count() == 10
            }),
            fatal("SE-R-013", |_, n| {
                ids::se_orgnr(&xml::norm_at(n, "cbc:CompanyID"))
            }),
        ],
    },
    Rule {
        context: |_, n| f_tax_context(n),
        asserts: &[fatal("SE-R-005", |_, n| {
            xml::normalize(&string(n).to_uppercase()) == "GODKÄND FÖR F-SKATT"
        })],
    },
    Rule {
        context: |c, n| {
            (is(n, "cac:TaxCategory") || is(n, "cac:ClassifiedTaxCategory"))
                && kids(n, "cbc:ID").any(|id| string(id) == "S")
                && any_se_vat_seller(c)
        },
        asserts: &[fatal("SE-R-006", |_, n| {
            let percent = xml::first(n, "cbc:Percent").and_then(|p| Dec::parse_number(&string(p)));
            percent.is_some_and(|p| [25, 12, 6].iter().any(|r| p == Dec::int(*r)))
        })],
    },
    Rule {
        context: |c, n| giro_account(c, n, "SE:PLUSGIRO"),
        asserts: &[
            warning("SE-R-007", |_, n| Dec::is_number(&norm(n))),
            warning("SE-R-010", |_, n| {
                (2..=8).contains(&norm(n).chars().count())
            }),
        ],
    },
    Rule {
        context: |c, n| giro_account(c, n, "SE:BANKGIRO"),
        asserts: &[
            warning("SE-R-008", |_, n| Dec::is_number(&norm(n))),
            warning("SE-R-009", |_, n| {
                (7..=8).contains(&norm(n).chars().count())
            }),
        ],
    },
    Rule {
        context: |c, n| {
            is(n, "cac:PaymentMeans") && any_se_seller(c) && means_code_is(n, &["50", "56"])
        },
        asserts: &[warning("SE-R-011", |_, _| false)],
    },
    Rule {
        context: |c, n| {
            is(n, "cac:PaymentMeans")
                && any_se_seller(c)
                && any_se_buyer(c)
                && means_code_is(n, &["31"])
        },
        asserts: &[warning("SE-R-012", |_, _| false)],
    },
];
