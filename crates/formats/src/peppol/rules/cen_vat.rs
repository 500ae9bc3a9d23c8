//! The EN 16931 VAT category rules (BR-S, BR-Z, BR-E, BR-AE, BR-IC, BR-G,
//! BR-O, BR-AF, BR-AG). The Schematron writes each category's rules out in
//! full with small differences between categories; the differences are kept
//! here as parameters so each rule still follows its own XPath.

use std::cmp::Ordering;

use super::cen::{charge_is, some_cmp, vat, vat_context};
use super::{Assert, Ctx, Pattern, Rule, fatal};
use crate::peppol::decimal::Dec;
use crate::peppol::xml::{self, N, all, has, is, is_any, is_path, kid, kids, norm_at, string};

/// The patterns.
pub(super) static PATTERNS: &[Pattern] = &[DOCUMENT_PATTERN, CATEGORIES];

/// Where a category is looked for.
#[derive(Clone, Copy)]
enum Place {
    /// `//cac:ClassifiedTaxCategory`.
    Lines,
    /// `//cac:AllowanceCharge[ChargeIndicator = want]/cac:TaxCategory`.
    Charges(bool),
    /// `(/Invoice|/CreditNote)/cac:AllowanceCharge[ChargeIndicator = want]/cac:TaxCategory`.
    RootCharges(bool),
}

/// How the category id is compared and whether the VAT scheme is required.
#[derive(Clone, Copy)]
struct Match {
    normalized: bool,
    vat: bool,
}

const NV: Match = Match {
    normalized: true,
    vat: true,
};
const N_: Match = Match {
    normalized: true,
    vat: false,
};
const RV: Match = Match {
    normalized: false,
    vat: true,
};

fn category_matches(c: N<'_, '_>, code: &str, m: Match) -> bool {
    let id_ok = if m.normalized {
        norm_at(c, "cbc:ID") == code
    } else {
        kids(c, "cbc:ID").any(|id| string(id) == code)
    };
    id_ok && (!m.vat || vat(c))
}

fn categories<'a, 'i: 'a>(root: N<'a, 'i>, place: Place) -> Vec<N<'a, 'i>> {
    match place {
        Place::Lines => root
            .descendants()
            .filter(|c| is(*c, "cac:ClassifiedTaxCategory"))
            .collect(),
        Place::Charges(want) => root
            .descendants()
            .filter(|c| is_path(*c, &["cac:AllowanceCharge", "cac:TaxCategory"]))
            .filter(|c| xml::parent(*c).is_some_and(|a| charge_is(a, want)))
            .collect(),
        Place::RootCharges(want) => kids(root, "cac:AllowanceCharge")
            .filter(|a| charge_is(*a, want))
            .flat_map(|a| kids(a, "cac:TaxCategory"))
            .collect(),
    }
}

fn any_category(root: N<'_, '_>, place: Place, code: &str, m: Match) -> bool {
    categories(root, place)
        .into_iter()
        .any(|c| category_matches(c, code, m))
}

fn vat_company(root: N<'_, '_>, party_path: &str) -> bool {
    root.descendants()
        .filter(|n| xml::is_path(*n, &party_path.split('/').collect::<Vec<_>>()))
        .flat_map(|p| kids(p, "cac:PartyTaxScheme"))
        .any(|s| vat(s) && has(s, "cbc:CompanyID"))
}

fn seller_any_tax(root: N<'_, '_>) -> bool {
    root.descendants()
        .filter(|n| {
            xml::is_path(
                *n,
                &[
                    "cac:AccountingSupplierParty",
                    "cac:Party",
                    "cac:PartyTaxScheme",
                    "cbc:CompanyID",
                ],
            )
        })
        .count()
        > 0
}

fn trp_vat(root: N<'_, '_>) -> bool {
    vat_company(root, "cac:TaxRepresentativeParty")
}

fn seller_vat(root: N<'_, '_>) -> bool {
    vat_company(root, "cac:AccountingSupplierParty/cac:Party")
}

fn buyer_vat(root: N<'_, '_>) -> bool {
    vat_company(root, "cac:AccountingCustomerParty/cac:Party")
}

fn buyer_legal(root: N<'_, '_>) -> bool {
    root.descendants().any(|n| {
        xml::is_path(
            n,
            &[
                "cac:AccountingCustomerParty",
                "cac:Party",
                "cac:PartyLegalEntity",
                "cbc:CompanyID",
            ],
        )
    })
}

/// The party requirement of BR-x-02..04.
#[derive(Clone, Copy)]
enum Needs {
    SellerAny,
    SellerVat,
    SellerAnyBuyerAny,
    SellerVatBuyerVat,
    NoVat,
}

fn needs(root: N<'_, '_>, needs: Needs) -> bool {
    match needs {
        Needs::SellerAny => seller_any_tax(root) || trp_vat(root),
        Needs::SellerVat => seller_vat(root) || trp_vat(root),
        Needs::SellerAnyBuyerAny => {
            (seller_any_tax(root) || trp_vat(root)) && (buyer_vat(root) || buyer_legal(root))
        }
        Needs::SellerVatBuyerVat => (seller_vat(root) || trp_vat(root)) && buyer_vat(root),
        Needs::NoVat => !seller_vat(root) && !trp_vat(root) && !buyer_vat(root),
    }
}

/// `(exists(first) and needs) or not(exists(second))`.
fn party_rule(
    root: N<'_, '_>,
    code: &str,
    place: Place,
    first: Match,
    second: Match,
    need: Needs,
) -> bool {
    (any_category(root, place, code, first) && needs(root, need))
        || !any_category(root, place, code, second)
}

fn subtotal_categories<'a, 'i: 'a>(root: N<'a, 'i>) -> Vec<N<'a, 'i>> {
    all(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
}

/// BR-x-01 of AE, E, G, IC, O, Z: a category in use has exactly one subtotal.
fn one_subtotal(root: N<'_, '_>, code: &str) -> bool {
    let id_is = |c: N<'_, '_>| vat(c) && kids(c, "cbc:ID").any(|id| xml::norm(id) == code);
    let used = root
        .descendants()
        .filter(|c| is_any(*c, &["cac:TaxCategory", "cac:ClassifiedTaxCategory"]))
        .any(id_is);
    let count = subtotal_categories(root)
        .into_iter()
        .filter(|c| vat(*c))
        .map(|c| {
            kids(c, "cbc:ID")
                .filter(|id| xml::norm(*id) == code)
                .count()
        })
        .sum::<usize>();
    !used || count == 1
}

/// BR-S-01, BR-AF-01, BR-AG-01: a category in use has a subtotal.
fn some_subtotal(
    root: N<'_, '_>,
    code: &str,
    used_m: Match,
    present: Match,
    absent: Match,
) -> bool {
    let all_charges: usize = root
        .descendants()
        .filter(|c| is_path(*c, &["cac:AllowanceCharge", "cac:TaxCategory"]))
        .filter(|c| category_matches(*c, code, used_m))
        .count();
    let lines = categories(root, Place::Lines)
        .into_iter()
        .filter(|c| category_matches(*c, code, used_m))
        .count();
    let used = all_charges + lines;
    let count = |m: Match| {
        subtotal_categories(root)
            .into_iter()
            .filter(|c| category_matches(*c, code, m))
            .count()
    };
    (used > 0 && count(present) > 0) || (used == 0 && count(absent) == 0)
}

fn ic_11(root: N<'_, '_>) -> bool {
    !subtotal_has(root, "K")
        || xml::text_at(root, "cac:Delivery/cbc:ActualDeliveryDate")
            .chars()
            .count()
            > 1
        || all(root, "cac:InvoicePeriod")
            .into_iter()
            .any(|p| p.children().any(|c| c.is_element()))
}

fn ic_12(root: N<'_, '_>) -> bool {
    !subtotal_has(root, "K")
        || xml::text_at(
            root,
            "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode",
        )
        .chars()
        .count()
            > 1
}

fn subtotal_has(root: N<'_, '_>, code: &str) -> bool {
    subtotal_categories(root)
        .into_iter()
        .any(|c| vat(c) && kids(c, "cbc:ID").any(|id| xml::norm(id) == code))
}

/// BR-O-11..14: with an O subtotal, no other category anywhere.
fn only_o(root: N<'_, '_>, others: Vec<N<'_, '_>>) -> bool {
    !subtotal_has(root, "O")
        || !others
            .into_iter()
            .any(|c| vat(c) && norm_at(c, "cbc:ID") != "O")
}

macro_rules! doc_rules {
    ($($id:literal => $body:expr),* $(,)?) => {
        &[$(fatal($id, |_: &Ctx<'_, '_>, n: N<'_, '_>| $body(n))),*]
    };
}

const DOCUMENT: &[Assert] = doc_rules![
    "BR-AE-01" => |n| one_subtotal(n, "AE"),
    "BR-AE-02" => |n| party_rule(n, "AE", Place::Lines, NV, NV, Needs::SellerAnyBuyerAny),
    "BR-AE-03" => |n| party_rule(n, "AE", Place::Charges(false), NV, NV, Needs::SellerAnyBuyerAny),
    "BR-AE-04" => |n| party_rule(n, "AE", Place::Charges(true), NV, NV, Needs::SellerAnyBuyerAny),
    "BR-E-01" => |n| one_subtotal(n, "E"),
    "BR-E-02" => |n| party_rule(n, "E", Place::Lines, NV, NV, Needs::SellerAny),
    "BR-E-03" => |n| party_rule(n, "E", Place::Charges(false), NV, NV, Needs::SellerAny),
    "BR-E-04" => |n| party_rule(n, "E", Place::Charges(true), NV, NV, Needs::SellerAny),
    "BR-G-01" => |n| one_subtotal(n, "G"),
    "BR-G-02" => |n| party_rule(n, "G", Place::Lines, NV, NV, Needs::SellerVat),
    "BR-G-03" => |n| party_rule(n, "G", Place::Charges(false), N_, NV, Needs::SellerVat),
    "BR-G-04" => |n| party_rule(n, "G", Place::Charges(true), N_, NV, Needs::SellerVat),
    "BR-IC-01" => |n| one_subtotal(n, "K"),
    "BR-IC-02" => |n| party_rule(n, "K", Place::Lines, NV, NV, Needs::SellerVatBuyerVat),
    "BR-IC-03" => |n| party_rule(n, "K", Place::Charges(false), NV, NV, Needs::SellerVatBuyerVat),
    "BR-IC-04" => |n| party_rule(n, "K", Place::Charges(true), NV, NV, Needs::SellerVatBuyerVat),
    "BR-IC-11" => ic_11,
    "BR-IC-12" => ic_12,
    "BR-AF-01" => |n| some_subtotal(n, "L", NV, Match { normalized: false, vat: false }, NV),
    "BR-AF-02" => |n| party_rule(n, "L", Place::Lines, NV, NV, Needs::SellerAny),
    "BR-AF-03" => |n| party_rule(n, "L", Place::Charges(false), NV, NV, Needs::SellerAny),
    "BR-AF-04" => |n| party_rule(n, "L", Place::Charges(true), NV, RV, Needs::SellerAny),
    "BR-AG-01" => |n| some_subtotal(n, "M", NV, RV, NV),
    "BR-AG-02" => |n| party_rule(n, "M", Place::Lines, NV, NV, Needs::SellerAny),
    "BR-AG-03" => |n| party_rule(n, "M", Place::Charges(false), NV, NV, Needs::SellerAny),
    "BR-AG-04" => |n| party_rule(n, "M", Place::Charges(true), NV, NV, Needs::SellerAny),
    "BR-O-01" => |n| one_subtotal(n, "O"),
    "BR-O-02" => |n| party_rule(n, "O", Place::Lines, NV, NV, Needs::NoVat),
    "BR-O-03" => |n| party_rule(n, "O", Place::RootCharges(false), NV, NV, Needs::NoVat),
    "BR-O-04" => |n| party_rule(n, "O", Place::RootCharges(true), NV, NV, Needs::NoVat),
    "BR-O-11" => |n| only_o(n, subtotal_categories(n)),
    "BR-O-12" => |n| only_o(n, categories(n, Place::Lines)),
    "BR-O-13" => |n| only_o(n, categories(n, Place::Charges(false))),
    "BR-O-14" => |n| only_o(n, categories(n, Place::Charges(true))),
    "BR-S-01" => |n| some_subtotal(n, "S", N_, N_, N_),
    "BR-S-02" => |n| party_rule(n, "S", Place::Lines, NV, N_, Needs::SellerAny),
    "BR-S-03" => |n| party_rule(n, "S", Place::Charges(false), NV, NV, Needs::SellerAny),
    "BR-S-04" => |n| party_rule(n, "S", Place::Charges(true), NV, NV, Needs::SellerAny),
    "BR-Z-01" => |n| one_subtotal(n, "Z"),
    "BR-Z-02" => |n| party_rule(n, "Z", Place::Lines, NV, NV, Needs::SellerAny),
    "BR-Z-03" => |n| party_rule(n, "Z", Place::Charges(false), NV, NV, Needs::SellerAny),
    "BR-Z-04" => |n| party_rule(n, "Z", Place::Charges(true), NV, NV, Needs::SellerAny),
];

static DOCUMENT_PATTERN: Pattern = &[Rule {
    context: |_, n| is_any(n, &["inv:Invoice", "cn:CreditNote"]) && xml::parent(n).is_none(),
    asserts: DOCUMENT,
}];

/// `sum(lines in category [at rate]) + sum(charges) - sum(allowances)` for
/// the document of a subtotal category.
fn category_base(root: N<'_, '_>, line_tag: &str, code: &str, rate: Option<Dec>) -> Option<Dec> {
    let rate_ok = |c: N<'_, '_>| match rate {
        None => true,
        Some(r) => kids(c, "cbc:Percent").any(|p| xml::dec(p) == Some(r)),
    };
    let line_in = |l: N<'_, '_>| {
        let cats = all(l, "cac:Item/cac:ClassifiedTaxCategory");
        cats.iter().any(|c| norm_at(*c, "cbc:ID") == code)
            && (rate.is_none() || cats.iter().any(|c| rate_ok(*c)))
    };
    let lines = xml::sum(
        kids(root, line_tag)
            .filter(|l| line_in(*l))
            .flat_map(|l| kids(l, "cbc:LineExtensionAmount")),
    )?;
    let charge_in = |a: N<'_, '_>, want: bool| {
        let cats: Vec<N<'_, '_>> = kids(a, "cac:TaxCategory").collect();
        charge_is(a, want)
            && cats.iter().any(|c| norm_at(*c, "cbc:ID") == code)
            && (rate.is_none() || cats.iter().any(|c| rate_ok(*c)))
    };
    let charges = xml::sum(
        kids(root, "cac:AllowanceCharge")
            .filter(|a| charge_in(*a, true))
            .flat_map(|a| kids(a, "cbc:Amount")),
    )?;
    let allowances = xml::sum(
        kids(root, "cac:AllowanceCharge")
            .filter(|a| charge_in(*a, false))
            .flat_map(|a| kids(a, "cbc:Amount")),
    )?;
    lines.checked_add(charges)?.checked_sub(allowances)
}

fn subtotal_root<'a, 'i: 'a>(n: N<'a, 'i>) -> Option<(N<'a, 'i>, N<'a, 'i>)> {
    let subtotal = xml::parent(n)?;
    let root = xml::parent(xml::parent(subtotal)?)?;
    Some((subtotal, root))
}

/// BR-x-08 of the zero-rate categories: taxable amount = the exact base.
fn exact_base(n: N<'_, '_>, code: &str) -> bool {
    let Some((subtotal, root)) = subtotal_root(n) else {
        return false;
    };
    let taxable = xml::dec_at(subtotal, "cbc:TaxableAmount");
    let whole = root.document().root_element();
    ["cac:InvoiceLine", "cac:CreditNoteLine"].iter().any(|tag| {
        whole.descendants().any(|l| is(l, tag))
            && matches!((taxable, category_base(root, tag, code, None)), (Some(t), Some(b)) if t == b)
    })
}

/// BR-S-08, BR-AF-08, BR-AG-08: taxable amount within 1 of the base at the rate.
fn base_at_rate(n: N<'_, '_>, code: &str, need_use: bool) -> bool {
    let Some(percent) = kid(n, "cbc:Percent") else {
        return true;
    };
    let Some(rate) = xml::dec(percent) else {
        return false;
    };
    let Some((subtotal, root)) = subtotal_root(n) else {
        return false;
    };
    let taxable = xml::dec_at(subtotal, "cbc:TaxableAmount");
    let whole = root.document().root_element();
    let charge_at_rate = whole
        .descendants()
        .filter(|a| is(*a, "cac:AllowanceCharge"))
        .any(|a| {
            let cats: Vec<N<'_, '_>> = kids(a, "cac:TaxCategory").collect();
            cats.iter().any(|c| norm_at(*c, "cbc:ID") == code)
                && cats
                    .iter()
                    .any(|c| kids(*c, "cbc:Percent").any(|p| xml::dec(p) == Some(rate)))
        });
    ["cac:InvoiceLine", "cac:CreditNoteLine"].iter().any(|tag| {
        let used = if need_use {
            whole.descendants().filter(|l| is(*l, tag)).any(|l| {
                let cats = all(l, "cac:Item/cac:ClassifiedTaxCategory");
                cats.iter().any(|c| norm_at(*c, "cbc:ID") == code)
                    && cats
                        .iter()
                        .any(|c| kids(*c, "cbc:Percent").any(|p| xml::dec(p) == Some(rate)))
            }) || charge_at_rate
        } else {
            whole.descendants().any(|l| is(l, tag))
        };
        let within = match (taxable, category_base(root, tag, code, Some(rate))) {
            (Some(t), Some(b)) => {
                let one = Dec::int(1);
                t.checked_sub(one).is_some_and(|lo| lo < b)
                    && t.checked_add(one).is_some_and(|hi| hi > b)
            }
            _ => false,
        };
        used && within
    })
}

/// BR-S-09, BR-AF-09, BR-AG-09: VAT amount within 1 of taxable * rate.
fn amount_at_rate(n: N<'_, '_>) -> bool {
    let Some(subtotal) = xml::parent(n) else {
        return false;
    };
    let tax = xml::dec_at(subtotal, "cbc:TaxAmount");
    let expected = xml::dec_at(subtotal, "cbc:TaxableAmount")
        .zip(xml::dec_at(n, "cbc:Percent").and_then(|p| p.checked_div(Dec::int(100))))
        .and_then(|(t, p)| t.abs().checked_mul(p))
        .map(Dec::round2);
    match (tax, expected) {
        (Some(t), Some(e)) => {
            let one = Dec::int(1);
            t.abs().checked_sub(one).is_some_and(|lo| lo < e)
                && t.abs().checked_add(one).is_some_and(|hi| hi > e)
        }
        _ => false,
    }
}

fn zero_tax(n: N<'_, '_>) -> bool {
    xml::parent(n)
        .and_then(|s| xml::dec_at(s, "cbc:TaxAmount"))
        .is_some_and(Dec::is_zero)
}

fn exemption(n: N<'_, '_>) -> bool {
    has(n, "cbc:TaxExemptionReason") || has(n, "cbc:TaxExemptionReasonCode")
}

fn percent_zero(n: N<'_, '_>) -> bool {
    xml::dec_at(n, "cbc:Percent").is_some_and(Dec::is_zero)
}

fn positive(n: N<'_, '_>) -> bool {
    some_cmp(n, "cbc:Percent", &[Ordering::Greater])
}

fn not_negative(n: N<'_, '_>) -> bool {
    some_cmp(n, "cbc:Percent", &[Ordering::Greater, Ordering::Equal])
}

fn no_percent(n: N<'_, '_>) -> bool {
    !has(n, "cbc:Percent")
}

fn subtotal_context(n: N<'_, '_>, code: &str) -> bool {
    is_path(n, &["cac:TaxTotal", "cac:TaxSubtotal", "cac:TaxCategory"])
        && subtotal_root(n).is_some_and(|(_, r)| xml::parent(r).is_none())
        && xml::single(n, "cbc:ID")
        && norm_at(n, "cbc:ID") == code
        && vat_context(n)
}

fn charge_context(n: N<'_, '_>, code: &str, want: bool) -> bool {
    is_path(n, &["cac:AllowanceCharge", "cac:TaxCategory"])
        && xml::parent(n).is_some_and(|a| charge_is(a, want))
        && xml::single(n, "cbc:ID")
        && norm_at(n, "cbc:ID") == code
        && vat_context(n)
}

fn line_context(n: N<'_, '_>, code: &str) -> bool {
    is_path(n, &["cac:Item", "cac:ClassifiedTaxCategory"])
        && xml::parent(n)
            .and_then(xml::parent)
            .is_some_and(|l| is_any(l, &["cac:InvoiceLine", "cac:CreditNoteLine"]))
        && xml::single(n, "cbc:ID")
        && norm_at(n, "cbc:ID") == code
        && vat_context(n)
}

/// The four rules of one category: subtotal (08, 09, 10), allowance (06),
/// charge (07) and line (05).
macro_rules! category {
    ($code:literal, $p:literal, $sub:expr, $percent:expr) => {
        [
            Rule {
                context: |_, n| subtotal_context(n, $code),
                asserts: &$sub,
            },
            Rule {
                context: |_, n| charge_context(n, $code, false),
                asserts: &[fatal(concat!("BR-", $p, "-06"), |_, n| $percent(n))],
            },
            Rule {
                context: |_, n| charge_context(n, $code, true),
                asserts: &[fatal(concat!("BR-", $p, "-07"), |_, n| $percent(n))],
            },
            Rule {
                context: |_, n| line_context(n, $code),
                asserts: &[fatal(concat!("BR-", $p, "-05"), |_, n| $percent(n))],
            },
        ]
    };
}

macro_rules! zero_subtotal {
    ($code:literal, $p:literal, $ten:expr) => {
        [
            fatal(concat!("BR-", $p, "-08"), |_, n| exact_base(n, $code)),
            fatal(concat!("BR-", $p, "-09"), |_, n| zero_tax(n)),
            fatal(concat!("BR-", $p, "-10"), |_, n| $ten(n)),
        ]
    };
}

macro_rules! rated_subtotal {
    ($code:literal, $p:literal, $need_use:expr) => {
        [
            fatal(concat!("BR-", $p, "-08"), |_, n| {
                base_at_rate(n, $code, $need_use)
            }),
            fatal(concat!("BR-", $p, "-09"), |_, n| amount_at_rate(n)),
            fatal(concat!("BR-", $p, "-10"), |_, n| !exemption(n)),
        ]
    };
}

const AE: [Rule; 4] = category!(
    "AE",
    "AE",
    zero_subtotal!("AE", "AE", exemption),
    percent_zero
);
const E: [Rule; 4] = category!("E", "E", zero_subtotal!("E", "E", exemption), percent_zero);
const G: [Rule; 4] = category!("G", "G", zero_subtotal!("G", "G", exemption), percent_zero);
const IC: [Rule; 4] = category!(
    "K",
    "IC",
    zero_subtotal!("K", "IC", exemption),
    percent_zero
);
const AF: [Rule; 4] = category!("L", "AF", rated_subtotal!("L", "AF", false), not_negative);
const AG: [Rule; 4] = category!("M", "AG", rated_subtotal!("M", "AG", false), not_negative);
const O: [Rule; 4] = category!("O", "O", zero_subtotal!("O", "O", exemption), no_percent);
const S: [Rule; 4] = category!("S", "S", rated_subtotal!("S", "S", true), positive);
const Z: [Rule; 4] = category!(
    "Z",
    "Z",
    zero_subtotal!("Z", "Z", |n| !exemption(n)),
    percent_zero
);

static CATEGORIES: Pattern = &[
    AE[0], AE[1], AE[2], AE[3], E[0], E[1], E[2], E[3], G[0], G[1], G[2], G[3], IC[0], IC[1],
    IC[2], IC[3], AF[0], AF[1], AF[2], AF[3], AG[0], AG[1], AG[2], AG[3], O[0], O[1], O[2], O[3],
    S[0], S[1], S[2], S[3], Z[0], Z[1], Z[2], Z[3],
];
