//! The EN 16931 rules of `CEN-EN16931-UBL.sch` (pattern `UBL-model`):
//! presence, calculation and decimal rules. The VAT category rules of the
//! same pattern are in `cen_vat`, the syntax and code-list patterns in
//! `cen_syntax`.

use std::cmp::Ordering;

use super::cen_codes;
use super::peppol::xml_date;
use super::{Assert, Pattern, Rule, fatal, warning};
use crate::peppol::decimal::Dec;
use crate::peppol::xml::{
    self, N, all, attr, exists, has, is, is_any, is_path, kid, kids, norm, norm_at, string,
};

/// The patterns, in the order of the Schematron file.
pub(super) static PATTERNS: &[Pattern] = &[MODEL];

/// `cbc:ChargeIndicator = true()` / `false()`: the value cast to a boolean.
pub(crate) fn charge_is(n: N<'_, '_>, want: bool) -> bool {
    kids(n, "cbc:ChargeIndicator").any(|c| {
        let v = string(c);
        match v.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
            "true" | "1" => want,
            "false" | "0" => !want,
            _ => false,
        }
    })
}

/// `[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']`.
pub(crate) fn vat(n: N<'_, '_>) -> bool {
    kids(n, "cac:TaxScheme").any(|s| xml::upper_norm(&xml::text_at(s, "cbc:ID")) == "VAT")
}

/// [`vat`] in a rule context: a scheme with two ids is an error there,
/// so the context does not match.
pub(crate) fn vat_context(n: N<'_, '_>) -> bool {
    kids(n, "cac:TaxScheme").all(|s| xml::single(s, "cbc:ID")) && vat(n)
}

/// `string-length(substring-after(path, '.')) <= 2`.
pub(crate) fn decimals(n: N<'_, '_>, path: &str) -> bool {
    let s = xml::text_at(n, path);
    s.split_once('.')
        .is_none_or(|(_, after)| after.chars().count() <= 2)
}

/// `(path) op 0` as a general comparison: some value compares so.
pub(crate) fn some_cmp(n: N<'_, '_>, path: &str, ok: &[Ordering]) -> bool {
    all(n, path)
        .into_iter()
        .any(|v| Dec::parse_number(&string(v)).is_some_and(|d| ok.contains(&d.cmp(&Dec::ZERO))))
}

fn reason(n: N<'_, '_>) -> bool {
    has(n, "cbc:AllowanceChargeReason") || has(n, "cbc:AllowanceChargeReasonCode")
}

fn doc_charge(n: N<'_, '_>, want: bool) -> bool {
    is(n, "cac:AllowanceCharge")
        && xml::parent(n).is_some_and(|p| {
            is_any(p, &["inv:Invoice", "cn:CreditNote"]) && xml::parent(p).is_none()
        })
        && charge_is(n, want)
}

fn line_charge(n: N<'_, '_>, want: bool) -> bool {
    is(n, "cac:AllowanceCharge")
        && xml::parent(n).is_some_and(|p| is_any(p, &["cac:InvoiceLine", "cac:CreditNoteLine"]))
        && charge_is(n, want)
}

fn has_vat_category_id(n: N<'_, '_>) -> bool {
    kids(n, "cac:TaxCategory").any(|c| vat(c) && has(c, "cbc:ID"))
}

const DOC_ALLOWANCE: &[Assert] = &[
    fatal("BR-31", |_, n| has(n, "cbc:Amount")),
    fatal("BR-32", |_, n| has_vat_category_id(n)),
    fatal("BR-33", |_, n| reason(n)),
    fatal("BR-CO-05", |_, _| true),
    fatal("BR-CO-21", |_, n| reason(n)),
    fatal("BR-DEC-01", |_, n| decimals(n, "cbc:Amount")),
    fatal("BR-DEC-02", |_, n| decimals(n, "cbc:BaseAmount")),
];

const DOC_CHARGE: &[Assert] = &[
    fatal("BR-36", |_, n| has(n, "cbc:Amount")),
    fatal("BR-37", |_, n| has_vat_category_id(n)),
    fatal("BR-38", |_, n| reason(n)),
    fatal("BR-CO-06", |_, _| true),
    fatal("BR-CO-22", |_, n| reason(n)),
    fatal("BR-DEC-05", |_, n| decimals(n, "cbc:Amount")),
    fatal("BR-DEC-06", |_, n| decimals(n, "cbc:BaseAmount")),
];

fn d(n: N<'_, '_>, path: &str) -> Option<Dec> {
    xml::dec_at(n, path)
}

fn add(a: Option<Dec>, b: Option<Dec>) -> Option<Dec> {
    a?.checked_add(b?)
}

fn sub(a: Option<Dec>, b: Option<Dec>) -> Option<Dec> {
    a?.checked_sub(b?)
}

fn eq(a: Option<Dec>, b: Option<Dec>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a == b)
}

fn round2(a: Option<Dec>) -> Option<Dec> {
    a.map(Dec::round2)
}

fn charge_sum(total: N<'_, '_>, want: bool) -> Option<(bool, Option<Dec>)> {
    let parent = xml::parent(total)?;
    let acs: Vec<N<'_, '_>> = kids(parent, "cac:AllowanceCharge")
        .filter(|a| charge_is(*a, want))
        .collect();
    let amounts = acs
        .iter()
        .flat_map(|a| kids(*a, "cbc:Amount"))
        .collect::<Vec<_>>();
    Some((!acs.is_empty(), xml::sum(amounts).map(Dec::round2)))
}

fn br_co_10(root: N<'_, '_>, n: N<'_, '_>) -> bool {
    let lines = root
        .descendants()
        .filter(|l| is_any(*l, &["cac:InvoiceLine", "cac:CreditNoteLine"]))
        .flat_map(|l| kids(l, "cbc:LineExtensionAmount"))
        .collect::<Vec<_>>();
    eq(
        d(n, "cbc:LineExtensionAmount"),
        xml::sum(lines).map(Dec::round2),
    )
}

fn br_co_11_12(n: N<'_, '_>, want: bool, tag: &str) -> bool {
    let Some((any, sum)) = charge_sum(n, want) else {
        return false;
    };
    eq(d(n, tag), sum) || (!has(n, tag) && !any)
}

fn br_co_13(n: N<'_, '_>) -> bool {
    let lines = d(n, "cbc:LineExtensionAmount");
    let charges = d(n, "cbc:ChargeTotalAmount");
    let allowances = d(n, "cbc:AllowanceTotalAmount");
    let exclusive = d(n, "cbc:TaxExclusiveAmount");
    let (has_c, has_a) = (
        has(n, "cbc:ChargeTotalAmount"),
        has(n, "cbc:AllowanceTotalAmount"),
    );
    match (has_c, has_a) {
        (true, true) => eq(exclusive, round2(sub(add(lines, charges), allowances))),
        (false, true) => eq(exclusive, round2(sub(lines, allowances))),
        (true, false) => eq(exclusive, round2(add(lines, charges))),
        (false, false) => eq(exclusive, lines),
    }
}

fn br_co_16(n: N<'_, '_>) -> bool {
    let payable = d(n, "cbc:PayableAmount");
    let inclusive = d(n, "cbc:TaxInclusiveAmount");
    let prepaid = d(n, "cbc:PrepaidAmount");
    let rounding = d(n, "cbc:PayableRoundingAmount");
    match (
        has(n, "cbc:PrepaidAmount"),
        has(n, "cbc:PayableRoundingAmount"),
    ) {
        (true, false) => eq(payable, round2(sub(inclusive, prepaid))),
        (false, false) => eq(payable, inclusive),
        (true, true) => eq(
            round2(sub(payable, rounding)),
            round2(sub(inclusive, prepaid)),
        ),
        (false, true) => eq(round2(sub(payable, rounding)), inclusive),
    }
}

const MONETARY_TOTAL: &[Assert] = &[
    fatal("BR-12", |_, n| has(n, "cbc:LineExtensionAmount")),
    fatal("BR-13", |_, n| has(n, "cbc:TaxExclusiveAmount")),
    fatal("BR-14", |_, n| has(n, "cbc:TaxInclusiveAmount")),
    fatal("BR-15", |_, n| has(n, "cbc:PayableAmount")),
    fatal("BR-CO-10", |c, n| br_co_10(c.root, n)),
    fatal("BR-CO-11", |_, n| {
        br_co_11_12(n, false, "cbc:AllowanceTotalAmount")
    }),
    fatal("BR-CO-12", |_, n| {
        br_co_11_12(n, true, "cbc:ChargeTotalAmount")
    }),
    fatal("BR-CO-13", |_, n| br_co_13(n)),
    fatal("BR-CO-16", |_, n| br_co_16(n)),
    fatal("BR-DEC-09", |_, n| decimals(n, "cbc:LineExtensionAmount")),
    fatal("BR-DEC-10", |_, n| decimals(n, "cbc:AllowanceTotalAmount")),
    fatal("BR-DEC-11", |_, n| decimals(n, "cbc:ChargeTotalAmount")),
    fatal("BR-DEC-12", |_, n| decimals(n, "cbc:TaxExclusiveAmount")),
    fatal("BR-DEC-14", |_, n| decimals(n, "cbc:TaxInclusiveAmount")),
    fatal("BR-DEC-16", |_, n| decimals(n, "cbc:PrepaidAmount")),
    fatal("BR-DEC-17", |_, n| decimals(n, "cbc:PayableRoundingAmount")),
    fatal("BR-DEC-18", |_, n| decimals(n, "cbc:PayableAmount")),
];

fn not_blank(n: N<'_, '_>, path: &str) -> bool {
    !norm_at(n, path).is_empty()
}

fn tax_amounts<'a, 'i: 'a>(n: N<'a, 'i>, currency: &str) -> Vec<N<'a, 'i>> {
    all(n, "cac:TaxTotal/cbc:TaxAmount")
        .into_iter()
        .filter(|a| attr(*a, "currencyID") == Some(currency))
        .collect()
}

fn br_co_15(n: N<'_, '_>) -> bool {
    kids(n, "cbc:DocumentCurrencyCode").all(|code| {
        let amounts = tax_amounts(n, &string(code));
        let Some(&[amount]) = Some(amounts.as_slice()) else {
            return false;
        };
        let exclusive = d(n, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount");
        let inclusive = d(n, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount");
        xml::dec(amount).is_some() && eq(inclusive, round2(add(exclusive, xml::dec(amount))))
    })
}

fn category_b(n: N<'_, '_>, code: &str) -> bool {
    let root = n;
    let in_subtotals = all(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID");
    let in_charges = all(root, "cac:AllowanceCharge/cac:TaxCategory/cbc:ID");
    let in_lines: Vec<N<'_, '_>> = root
        .descendants()
        .filter(|c| is_path(*c, &["cac:ClassifiedTaxCategory", "cbc:ID"]))
        .collect();
    in_subtotals
        .iter()
        .chain(&in_charges)
        .chain(&in_lines)
        .any(|id| string(*id) == code)
}

fn any_b(n: N<'_, '_>) -> bool {
    n.descendants().any(|c| {
        (is_path(c, &["cac:TaxCategory", "cbc:ID"])
            || is_path(c, &["cac:ClassifiedTaxCategory", "cbc:ID"]))
            && string(c) == "B"
    })
}

const DOCUMENT: &[Assert] = &[
    fatal("BR-01", |_, n| not_blank(n, "cbc:CustomizationID")),
    fatal("BR-02", |_, n| not_blank(n, "cbc:ID")),
    fatal("BR-03", |_, n| not_blank(n, "cbc:IssueDate")),
    fatal("BR-04", |_, n| {
        not_blank(n, "cbc:InvoiceTypeCode") || not_blank(n, "cbc:CreditNoteTypeCode")
    }),
    fatal("BR-05", |_, n| not_blank(n, "cbc:DocumentCurrencyCode")),
    fatal("BR-06", |_, n| {
        not_blank(
            n,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        )
    }),
    fatal("BR-07", |_, n| {
        not_blank(
            n,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        )
    }),
    fatal("BR-08", |_, n| {
        exists(n, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")
    }),
    fatal("BR-10", |_, n| {
        exists(n, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")
    }),
    fatal("BR-16", |_, n| {
        has(n, "cac:InvoiceLine") || has(n, "cac:CreditNoteLine")
    }),
    fatal("BR-53", |_, n| {
        let amounts: Vec<N<'_, '_>> = n
            .descendants()
            .filter(|a| is_path(*a, &["cac:TaxTotal", "cbc:TaxAmount"]))
            .collect();
        kids(n, "cbc:TaxCurrencyCode").all(|code| {
            let code = string(code);
            amounts
                .iter()
                .any(|a| attr(*a, "currencyID") == Some(code.as_str()))
        })
    }),
    fatal("BR-CO-03", |_, n| {
        !(has(n, "cbc:TaxPointDate") && exists(n, "cac:InvoicePeriod/cbc:DescriptionCode"))
    }),
    fatal("BR-CO-15", |_, n| br_co_15(n)),
    fatal("BR-CO-18", |_, n| exists(n, "cac:TaxTotal/cac:TaxSubtotal")),
    // The predicates of BR-DEC-13 and BR-DEC-15 look for a currency code
    // below cbc:TaxAmount, which UBL never has: as written they always hold.
    fatal("BR-DEC-13", |_, n| dec_13_15(n, "cbc:DocumentCurrencyCode")),
    fatal("BR-DEC-15", |_, n| dec_13_15(n, "cbc:TaxCurrencyCode")),
    fatal("BR-B-01", |_, n| {
        let non_it = n
            .descendants()
            .any(|c| is(c, "cbc:IdentificationCode") && string(c) != "IT");
        !any_b(n) || !non_it
    }),
    fatal("BR-B-02", |_, n| !category_b(n, "B") || !category_b(n, "S")),
];

fn dec_13_15(n: N<'_, '_>, code: &str) -> bool {
    let hits: Vec<N<'_, '_>> = n
        .descendants()
        .filter(|a| is_path(*a, &["cac:TaxTotal", "cbc:TaxAmount"]))
        .filter(|a| {
            let value = attr(*a, "currencyID");
            kids(*a, code).any(|c| Some(string(c).as_str()) == value)
        })
        .collect();
    match hits.first() {
        None => true,
        Some(first) => {
            let s = string(*first);
            s.split_once('.')
                .is_none_or(|(_, after)| after.chars().count() <= 2)
        }
    }
}

const LINE: &[Assert] = &[
    fatal("BR-21", |_, n| not_blank(n, "cbc:ID")),
    fatal("BR-22", |_, n| {
        has(n, "cbc:InvoicedQuantity") || has(n, "cbc:CreditedQuantity")
    }),
    fatal("BR-23", |_, n| {
        kids(n, "cbc:InvoicedQuantity")
            .chain(kids(n, "cbc:CreditedQuantity"))
            .any(|q| attr(q, "unitCode").is_some())
    }),
    fatal("BR-24", |_, n| has(n, "cbc:LineExtensionAmount")),
    fatal("BR-25", |_, n| not_blank(n, "cac:Item/cbc:Name")),
    fatal("BR-26", |_, n| exists(n, "cac:Price/cbc:PriceAmount")),
    fatal("BR-27", |_, n| {
        some_cmp(
            n,
            "cac:Price/cbc:PriceAmount",
            &[Ordering::Greater, Ordering::Equal],
        )
    }),
    fatal("BR-28", |_, n| {
        !exists(n, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount")
            || some_cmp(
                n,
                "cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
                &[Ordering::Greater, Ordering::Equal],
            )
    }),
    fatal("BR-CO-04", |_, n| {
        all(n, "cac:Item/cac:ClassifiedTaxCategory")
            .into_iter()
            .any(|c| vat(c) && has(c, "cbc:ID"))
    }),
    fatal("BR-DEC-23", |_, n| decimals(n, "cbc:LineExtensionAmount")),
];

fn period_ok(n: N<'_, '_>) -> bool {
    match (kid(n, "cbc:StartDate"), kid(n, "cbc:EndDate")) {
        (Some(start), Some(end)) => match (xml_date(&string(start)), xml_date(&string(end))) {
            (Some(s), Some(e)) => e >= s,
            _ => false,
        },
        _ => true,
    }
}

fn payee_br_17(n: N<'_, '_>) -> bool {
    let Some(parent) = xml::parent(n) else {
        return false;
    };
    let names: Vec<String> = all(n, "cac:PartyName/cbc:Name")
        .into_iter()
        .map(string)
        .collect();
    let seller_names: Vec<String> = all(
        parent,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name",
    )
    .into_iter()
    .map(string)
    .collect();
    let ids: Vec<String> = all(n, "cac:PartyIdentification/cbc:ID")
        .into_iter()
        .map(string)
        .collect();
    let seller_ids: Vec<String> = all(
        parent,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    )
    .into_iter()
    .map(string)
    .collect();
    !names.is_empty()
        && !names.iter().any(|a| seller_names.contains(a))
        && !ids.iter().any(|a| seller_ids.contains(a))
}

fn payment_code(n: N<'_, '_>, codes: &[&str]) -> bool {
    kids(n, "cbc:PaymentMeansCode").any(|c| codes.contains(&string(c).as_str()))
}

fn br_cl_08(n: N<'_, '_>) -> bool {
    let s = string(n);
    let Some((_, after)) = s.split_once('#') else {
        return true;
    };
    let code = after
        .split_once('#')
        .map(|(before, _)| before)
        .unwrap_or("");
    code.chars().count() != 3 || cen_codes::BR_CL_08.contains(code)
}

fn br_co_17(n: N<'_, '_>) -> bool {
    let categories: Vec<N<'_, '_>> = kids(n, "cac:TaxCategory").filter(|c| vat(*c)).collect();
    let percent = categories
        .iter()
        .find_map(|c| kid(*c, "cbc:Percent"))
        .and_then(xml::dec);
    let has_percent = categories.iter().any(|c| has(*c, "cbc:Percent"));
    let tax = d(n, "cbc:TaxAmount");
    let tax_zero = tax.is_some_and(|t| t.round().is_zero());
    let Some(percent) = percent else {
        return !has_percent && tax_zero;
    };
    if percent.round().is_zero() {
        return tax_zero;
    }
    let expected = d(n, "cbc:TaxableAmount")
        .zip(percent.checked_div(Dec::int(100)))
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

fn br_co_09(n: N<'_, '_>) -> bool {
    let prefix: String = xml::text_at(n, "cbc:CompanyID").chars().take(2).collect();
    cen_codes::BR_CO_09.contains(&prefix)
}

static MODEL: Pattern = &[
    Rule {
        context: |_, n| is(n, "cac:AdditionalDocumentReference"),
        asserts: &[fatal("BR-52", |_, n| not_blank(n, "cbc:ID"))],
    },
    Rule {
        context: |_, n| {
            is_path(
                n,
                &["cac:AccountingCustomerParty", "cac:Party", "cbc:EndpointID"],
            )
        },
        asserts: &[fatal("BR-63", |_, n| attr(n, "schemeID").is_some())],
    },
    Rule {
        context: |_, n| {
            is_path(
                n,
                &[
                    "cac:AccountingCustomerParty",
                    "cac:Party",
                    "cac:PostalAddress",
                ],
            )
        },
        asserts: &[fatal("BR-11", |_, n| {
            not_blank(n, "cac:Country/cbc:IdentificationCode")
        })],
    },
    Rule {
        context: |_, n| {
            is_path(
                n,
                &[
                    "cac:PaymentMeans",
                    "cac:CardAccount",
                    "cbc:PrimaryAccountNumberID",
                ],
            )
        },
        asserts: &[warning("BR-51", |_, n| norm(n).chars().count() <= 10)],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:Delivery", "cac:DeliveryLocation", "cac:Address"]),
        asserts: &[fatal("BR-57", |_, n| {
            exists(n, "cac:Country/cbc:IdentificationCode")
        })],
    },
    Rule {
        context: |_, n| doc_charge(n, false),
        asserts: DOC_ALLOWANCE,
    },
    Rule {
        context: |_, n| doc_charge(n, true),
        asserts: DOC_CHARGE,
    },
    Rule {
        context: |_, n| is(n, "cac:LegalMonetaryTotal"),
        asserts: MONETARY_TOTAL,
    },
    Rule {
        context: |_, n| is_any(n, &["inv:Invoice", "cn:CreditNote"]) && xml::parent(n).is_none(),
        asserts: DOCUMENT,
    },
    Rule {
        context: |_, n| is_any(n, &["cac:InvoiceLine", "cac:CreditNoteLine"]),
        asserts: LINE,
    },
    Rule {
        context: |_, n| line_charge(n, false),
        asserts: &[
            fatal("BR-41", |_, n| has(n, "cbc:Amount")),
            fatal("BR-42", |_, n| reason(n)),
            fatal("BR-CO-07", |_, _| true),
            fatal("BR-CO-23", |_, n| reason(n)),
            fatal("BR-DEC-24", |_, n| decimals(n, "cbc:Amount")),
            fatal("BR-DEC-25", |_, n| decimals(n, "cbc:BaseAmount")),
        ],
    },
    Rule {
        context: |_, n| line_charge(n, true),
        asserts: &[
            fatal("BR-43", |_, n| has(n, "cbc:Amount")),
            fatal("BR-44", |_, n| reason(n)),
            fatal("BR-CO-08", |_, _| true),
            fatal("BR-CO-24", |_, n| reason(n)),
            fatal("BR-DEC-27", |_, n| decimals(n, "cbc:Amount")),
            fatal("BR-DEC-28", |_, n| decimals(n, "cbc:BaseAmount")),
        ],
    },
    Rule {
        context: |_, n| {
            is_path(n, &["cac:InvoiceLine", "cac:InvoicePeriod"])
                || is_path(n, &["cac:CreditNoteLine", "cac:InvoicePeriod"])
        },
        asserts: &[
            fatal("BR-30", |_, n| period_ok(n)),
            fatal("BR-CO-20", |_, n| {
                has(n, "cbc:StartDate") || has(n, "cbc:EndDate")
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:InvoicePeriod"),
        asserts: &[
            fatal("BR-29", |_, n| period_ok(n)),
            fatal("BR-CO-19", |_, n| {
                has(n, "cbc:StartDate") || has(n, "cbc:EndDate") || has(n, "cbc:DescriptionCode")
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:AdditionalItemProperty"),
        asserts: &[fatal("BR-54", |_, n| {
            has(n, "cbc:Name") && has(n, "cbc:Value")
        })],
    },
    Rule {
        context: |_, n| {
            is_path(
                n,
                &[
                    "cac:Item",
                    "cac:CommodityClassification",
                    "cbc:ItemClassificationCode",
                ],
            ) && line_item(n, 2)
        },
        asserts: &[fatal("BR-65", |_, n| attr(n, "listID").is_some())],
    },
    Rule {
        context: |_, n| {
            is_path(n, &["cac:Item", "cac:StandardItemIdentification", "cbc:ID"]) && line_item(n, 2)
        },
        asserts: &[fatal("BR-64", |_, n| attr(n, "schemeID").is_some())],
    },
    Rule {
        context: |_, n| {
            is(n, "cbc:Note")
                && xml::parent(n).is_some_and(|p| {
                    is_any(p, &["inv:Invoice", "cn:CreditNote"]) && xml::parent(p).is_none()
                })
        },
        asserts: &[fatal("BR-CL-08", |_, n| br_cl_08(n))],
    },
    Rule {
        context: |_, n| is(n, "cac:PayeeParty"),
        asserts: &[fatal("BR-17", |_, n| payee_br_17(n))],
    },
    Rule {
        context: |_, n| {
            is_path(n, &["cac:PaymentMeans", "cac:PayeeFinancialAccount"])
                && xml::parent(n).is_some_and(|p| payment_code(p, &["30", "58"]))
        },
        asserts: &[fatal("BR-50", |_, n| not_blank(n, "cbc:ID"))],
    },
    Rule {
        context: |_, n| is(n, "cac:PaymentMeans"),
        asserts: &[
            fatal("BR-49", |_, n| has(n, "cbc:PaymentMeansCode")),
            fatal("BR-61", |_, n| {
                let code = norm_at(n, "cbc:PaymentMeansCode");
                let credit = code == "30" || code == "58";
                !credit || exists(n, "cac:PayeeFinancialAccount/cbc:ID")
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:BillingReference"),
        asserts: &[fatal("BR-55", |_, n| {
            exists(n, "cac:InvoiceDocumentReference/cbc:ID")
        })],
    },
    Rule {
        context: |_, n| is(n, "cac:AccountingSupplierParty"),
        asserts: &[fatal("BR-CO-26", |_, n| {
            all(n, "cac:Party/cac:PartyTaxScheme")
                .into_iter()
                .any(|s| vat(s) && has(s, "cbc:CompanyID"))
                || all(n, "cac:Party/cac:PartyIdentification/cbc:ID")
                    .into_iter()
                    .any(|id| attr(id, "schemeID") != Some("SEPA"))
                || exists(n, "cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
        })],
    },
    Rule {
        context: |_, n| {
            is_path(
                n,
                &["cac:AccountingSupplierParty", "cac:Party", "cbc:EndpointID"],
            )
        },
        asserts: &[fatal("BR-62", |_, n| attr(n, "schemeID").is_some())],
    },
    Rule {
        context: |_, n| {
            is_path(
                n,
                &[
                    "cac:AccountingSupplierParty",
                    "cac:Party",
                    "cac:PostalAddress",
                ],
            )
        },
        asserts: &[fatal("BR-09", |_, n| {
            not_blank(n, "cac:Country/cbc:IdentificationCode")
        })],
    },
    Rule {
        context: |_, n| is(n, "cac:TaxRepresentativeParty"),
        asserts: &[
            fatal("BR-18", |_, n| not_blank(n, "cac:PartyName/cbc:Name")),
            fatal("BR-19", |_, n| has(n, "cac:PostalAddress")),
            fatal("BR-56", |_, n| {
                kids(n, "cac:PartyTaxScheme").any(|s| vat(s) && has(s, "cbc:CompanyID"))
            }),
        ],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:TaxRepresentativeParty", "cac:PostalAddress"]),
        asserts: &[fatal("BR-20", |_, n| {
            not_blank(n, "cac:Country/cbc:IdentificationCode")
        })],
    },
    Rule {
        context: |_, n| {
            is(n, "cac:TaxTotal")
                && xml::parent(n).is_some_and(|p| {
                    is_any(p, &["inv:Invoice", "cn:CreditNote"]) && xml::parent(p).is_none()
                })
        },
        asserts: &[fatal("BR-CO-14", |_, n| {
            !has(n, "cac:TaxSubtotal")
                || eq(
                    d(n, "cbc:TaxAmount"),
                    xml::sum(all(n, "cac:TaxSubtotal/cbc:TaxAmount")).map(Dec::round2),
                )
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:TaxTotal", "cac:TaxSubtotal"]),
        asserts: &[
            fatal("BR-45", |_, n| has(n, "cbc:TaxableAmount")),
            fatal("BR-46", |_, n| has(n, "cbc:TaxAmount")),
            fatal("BR-47", |_, n| {
                kids(n, "cac:TaxCategory").any(|c| vat(c) && has(c, "cbc:ID"))
            }),
            fatal("BR-48", |_, n| {
                kids(n, "cac:TaxCategory").any(|c| vat(c) && has(c, "cbc:Percent"))
                    || kids(n, "cac:TaxCategory").any(|c| vat(c) && norm_at(c, "cbc:ID") == "O")
            }),
            fatal("BR-CO-17", |_, n| br_co_17(n)),
            fatal("BR-DEC-19", |_, n| decimals(n, "cbc:TaxableAmount")),
            fatal("BR-DEC-20", |_, n| decimals(n, "cbc:TaxAmount")),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:PartyTaxScheme") && vat_context(n),
        asserts: &[fatal("BR-CO-09", |_, n| br_co_09(n))],
    },
];

/// Whether the element `levels` up is an Item of an invoice or credit note line.
fn line_item(n: N<'_, '_>, levels: usize) -> bool {
    let mut current = Some(n);
    for _ in 0..levels {
        current = current.and_then(xml::parent);
    }
    current.is_some_and(|item| {
        xml::parent(item).is_some_and(|l| is_any(l, &["cac:InvoiceLine", "cac:CreditNoteLine"]))
    })
}
