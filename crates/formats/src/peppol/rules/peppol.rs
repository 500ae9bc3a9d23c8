//! The Peppol rules (PEPPOL-EN16931-*, PEPPOL-COMMON-*) of
//! `PEPPOL-EN16931-UBL.sch`, pattern by pattern.

use super::codes::{self, in_list};
use super::ids;
use super::{Ctx, Pattern, Rule, fatal, warning};
use crate::peppol::decimal::Dec;
use crate::peppol::xml::{self, N, attr, exists, has, is, is_any, kid, kids, norm, string};

/// The patterns, in the order of the Schematron file.
pub(super) static PATTERNS: &[Pattern] = &[EMPTY, CREDIT_NOTE, TRANSACTION, CODE_LISTS];

static EMPTY: Pattern = &[Rule {
    context: |_, n| !n.children().any(|c| c.is_element()) && norm(n).is_empty(),
    asserts: &[fatal("PEPPOL-EN16931-R008", |_, _| false)],
}];

static CREDIT_NOTE: Pattern = &[Rule {
    context: |_, n| is(n, "cn:CreditNote"),
    asserts: &[fatal("PEPPOL-EN16931-R080", |_, n| {
        kids(n, "cac:AdditionalDocumentReference")
            .filter(|r| kids(*r, "cbc:DocumentTypeCode").any(|c| string(c) == "50"))
            .count()
            <= 1
    })],
}];

/// The concatenated text children (`x/text()` of one element).
fn own_text(n: N<'_, '_>) -> String {
    n.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

fn root_like(n: N<'_, '_>) -> bool {
    is_any(n, &["inv:Invoice", "cn:CreditNote"])
}

fn tax_amount_signs(n: N<'_, '_>, currency: &str, test: fn(Dec) -> bool) -> bool {
    xml::all(n, "cac:TaxTotal/cbc:TaxAmount")
        .into_iter()
        .filter(|a| attr(*a, "currencyID") == Some(currency))
        .any(|a| Dec::parse_number(&string(a)).is_some_and(test))
}

fn r055(n: N<'_, '_>) -> bool {
    let Some(tax_currency) = kid(n, "cbc:TaxCurrencyCode") else {
        return true;
    };
    let tax_currency = norm(tax_currency);
    let doc_currency = xml::norm_at(n, "cbc:DocumentCurrencyCode");
    let le = |d: Dec| d <= Dec::ZERO;
    let ge = |d: Dec| d >= Dec::ZERO;
    (tax_amount_signs(n, &tax_currency, le) && tax_amount_signs(n, &doc_currency, le))
        || (tax_amount_signs(n, &tax_currency, ge) && tax_amount_signs(n, &doc_currency, ge))
}

fn r004(n: N<'_, '_>) -> bool {
    let value = xml::normalize(
        &kid(n, "cbc:CustomizationID")
            .map(own_text)
            .unwrap_or_default(),
    );
    value.starts_with("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
        && !value.contains("::")
}

const DOCUMENT: &[super::Assert] = &[
    fatal("PEPPOL-EN16931-R001", |_, n| has(n, "cbc:ProfileID")),
    fatal("PEPPOL-EN16931-R007", |c, _| c.profile != "Unknown"),
    fatal("PEPPOL-EN16931-R002", |c, n| {
        kids(n, "cbc:Note").count() <= 1 || (c.supplier_de && c.customer_de)
    }),
    fatal("PEPPOL-EN16931-R003", |_, n| {
        has(n, "cbc:BuyerReference") || exists(n, "cac:OrderReference/cbc:ID")
    }),
    fatal("PEPPOL-EN16931-R004", |_, n| r004(n)),
    fatal("PEPPOL-EN16931-R053", |_, n| {
        kids(n, "cac:TaxTotal")
            .filter(|t| has(*t, "cac:TaxSubtotal"))
            .count()
            == 1
    }),
    fatal("PEPPOL-EN16931-R054", |_, n| {
        let without = kids(n, "cac:TaxTotal")
            .filter(|t| !has(*t, "cac:TaxSubtotal"))
            .count();
        without == usize::from(has(n, "cbc:TaxCurrencyCode"))
    }),
    fatal("PEPPOL-EN16931-R055", |_, n| r055(n)),
];

fn line_allowance_charge(n: N<'_, '_>) -> bool {
    is(n, "cac:AllowanceCharge")
        && xml::parent(n).is_some_and(|p| {
            root_like(p)
                || (is_any(p, &["cac:InvoiceLine", "cac:CreditNoteLine"])
                    && xml::parent(p).is_some_and(root_like))
        })
}

/// `u:slack`.
fn slack(expected: Dec, value: Dec, slack: Dec) -> bool {
    let hi = expected.checked_add(slack);
    let lo = expected.checked_sub(slack);
    matches!((hi, lo), (Some(hi), Some(lo)) if hi >= value && lo <= value)
}

fn r040(n: N<'_, '_>) -> bool {
    let (Some(base), Some(factor)) = (
        kid(n, "cbc:BaseAmount"),
        kid(n, "cbc:MultiplierFactorNumeric"),
    ) else {
        return true;
    };
    let amount = match kid(n, "cbc:Amount") {
        Some(a) => xml::dec(a),
        None => Some(Dec::ZERO),
    };
    let value = xml::dec(base)
        .zip(xml::dec(factor))
        .and_then(|(b, f)| b.checked_mul(f))
        .and_then(|p| p.checked_div(Dec::int(100)));
    match (amount, value) {
        (Some(a), Some(v)) => slack(a, v, Dec::new(2, 2)),
        _ => false,
    }
}

fn charge_sum(line: N<'_, '_>, indicator: &str) -> Option<Dec> {
    let acs: Vec<N<'_, '_>> = kids(line, "cac:AllowanceCharge")
        .filter(|a| xml::norm_at(*a, "cbc:ChargeIndicator") == indicator)
        .collect();
    if acs.is_empty() {
        return Some(Dec::ZERO);
    }
    let amounts = acs
        .iter()
        .flat_map(|a| kids(*a, "cbc:Amount"))
        .collect::<Vec<_>>();
    Some(xml::sum(amounts)?.round2())
}

fn r120(c: &Ctx<'_, '_>, n: N<'_, '_>) -> bool {
    let or = |v: Option<N<'_, '_>>, default: Dec| v.map_or(Some(default), xml::dec);
    let line_amount = or(kid(n, "cbc:LineExtensionAmount"), Dec::ZERO);
    let quantity_tag = if c.invoice {
        "cbc:InvoicedQuantity"
    } else {
        "cbc:CreditedQuantity"
    };
    let quantity = or(kid(n, quantity_tag), Dec::int(1));
    let price = or(xml::first(n, "cac:Price/cbc:PriceAmount"), Dec::ZERO);
    let base = match xml::dec_at(n, "cac:Price/cbc:BaseQuantity") {
        Some(b) if !b.is_zero() => Some(b),
        Some(_) => Some(Dec::int(1)),
        None if exists(n, "cac:Price/cbc:BaseQuantity") => None,
        None => Some(Dec::int(1)),
    };
    let value = (|| {
        let unit = price?.checked_div(base?)?;
        quantity?
            .checked_mul(unit)?
            .checked_add(charge_sum(n, "true")?)?
            .checked_sub(charge_sum(n, "false")?)
    })();
    match (line_amount, value) {
        (Some(a), Some(v)) => slack(a, v, Dec::new(2, 2)),
        _ => false,
    }
}

fn line_date<'a, 'i>(n: N<'a, 'i>, tag: &str) -> Option<(N<'a, 'i>, String)> {
    if !is(n, tag) {
        return None;
    }
    let period = xml::parent(n)?;
    let line = xml::parent(period)?;
    let root = xml::parent(line)?;
    let ok = is(period, "cac:InvoicePeriod")
        && ((is(line, "cac:InvoiceLine") && is(root, "inv:Invoice"))
            || (is(line, "cac:CreditNoteLine") && is(root, "cn:CreditNote")));
    let period_path = format!("cac:InvoicePeriod/{tag}");
    let header = xml::first(root, &period_path)?;
    ok.then(|| (header, own_text(n)))
}

fn compare_dates(line: &str, header: N<'_, '_>, ordering: [std::cmp::Ordering; 2]) -> bool {
    match (xml_date(line), xml_date(&string(header))) {
        (Some(a), Some(b)) => ordering.contains(&a.cmp(&b)),
        _ => false,
    }
}

/// `xs:date` of a string: `[-]YYYY-MM-DD` with an optional time zone
/// (years beyond what `jiff` holds are refused).
pub(crate) fn xml_date(text: &str) -> Option<jiff::civil::Date> {
    let s = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let year_len = s.find('-')?;
    let (year_text, rest) = s.split_at(year_len);
    let year_ok = year_text.len() >= 4
        && year_text.bytes().all(|b| b.is_ascii_digit())
        && (year_text.len() == 4 || !year_text.starts_with('0'));
    let (date, zone) = rest.split_at_checked(6)?;
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && zone.starts_with(['+', '-'])
            && zone.as_bytes()[3] == b':'
            && zone[1..3]
                .bytes()
                .chain(zone[4..].bytes())
                .all(|b| b.is_ascii_digit()));
    let b = date.as_bytes();
    if !year_ok || !zone_ok || b[0] != b'-' || b[3] != b'-' {
        return None;
    }
    let two = |part: &str| -> Option<i8> {
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year: i16 = year_text.parse().ok()?;
    let year = if negative { -year } else { year };
    jiff::civil::Date::new(year, two(&date[1..3])?, two(&date[4..6])?).ok()
}

fn icd(n: N<'_, '_>, scheme: &str) -> bool {
    attr(n, "schemeID") == Some(scheme)
        && (is(n, "cbc:EndpointID")
            || is(n, "cbc:CompanyID")
            || (is(n, "cbc:ID") && xml::parent_is(n, "cac:PartyIdentification")))
}

fn digits_only(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit())
}

fn dk_cvr(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let tail: String = chars.iter().skip(2).take(8).collect();
    let head: String = chars.iter().take(8).collect();
    (chars.len() == 10 && s.starts_with("DK") && digits_only(&tail))
        || (chars.len() == 8 && digits_only(&head))
}

fn n_digits(s: &str, count: usize) -> bool {
    s.len() == count && digits_only(s)
}

fn nl_vat(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 14
        && s.starts_with("NL")
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11] == b'B'
        && b[12..].iter().all(u8::is_ascii_digit)
}

const CURRENCY_ELEMENTS: &[&str] = &[
    "cbc:Amount",
    "cbc:BaseAmount",
    "cbc:PriceAmount",
    "cbc:TaxableAmount",
    "cbc:LineExtensionAmount",
    "cbc:TaxExclusiveAmount",
    "cbc:TaxInclusiveAmount",
    "cbc:AllowanceTotalAmount",
    "cbc:ChargeTotalAmount",
    "cbc:PrepaidAmount",
    "cbc:PayableRoundingAmount",
    "cbc:PayableAmount",
];

fn r051_context(n: N<'_, '_>) -> bool {
    is_any(n, CURRENCY_ELEMENTS)
        || (is(n, "cbc:TaxAmount")
            && xml::parent(n).is_some_and(|p| {
                is(p, "cac:TaxSubtotal") || (is(p, "cac:TaxTotal") && has(p, "cac:TaxSubtotal"))
            }))
}

static TRANSACTION: Pattern = &[
    Rule {
        context: |_, n| root_like(n),
        asserts: DOCUMENT,
    },
    Rule {
        context: |_, n| is(n, "cbc:TaxCurrencyCode"),
        asserts: &[fatal("PEPPOL-EN16931-R005", |_, n| {
            let doc = xml::parent(n)
                .and_then(|p| kid(p, "cbc:DocumentCurrencyCode"))
                .map(own_text)
                .unwrap_or_default();
            xml::normalize(&own_text(n)) != xml::normalize(&doc)
        })],
    },
    Rule {
        context: |_, n| xml::is_path(n, &["cac:AccountingCustomerParty", "cac:Party"]),
        asserts: &[fatal("PEPPOL-EN16931-R010", |_, n| {
            has(n, "cbc:EndpointID")
        })],
    },
    Rule {
        context: |_, n| xml::is_path(n, &["cac:AccountingSupplierParty", "cac:Party"]),
        asserts: &[fatal("PEPPOL-EN16931-R020", |_, n| {
            has(n, "cbc:EndpointID")
        })],
    },
    Rule {
        context: |_, n| {
            line_allowance_charge(n)
                && has(n, "cbc:MultiplierFactorNumeric")
                && !has(n, "cbc:BaseAmount")
        },
        asserts: &[fatal("PEPPOL-EN16931-R041", |_, _| false)],
    },
    Rule {
        context: |_, n| {
            line_allowance_charge(n)
                && !has(n, "cbc:MultiplierFactorNumeric")
                && has(n, "cbc:BaseAmount")
        },
        asserts: &[fatal("PEPPOL-EN16931-R042", |_, _| false)],
    },
    Rule {
        context: |_, n| line_allowance_charge(n),
        asserts: &[
            fatal("PEPPOL-EN16931-R040", |_, n| r040(n)),
            fatal("PEPPOL-EN16931-R043", |_, n| {
                let v = xml::normalize(
                    &kid(n, "cbc:ChargeIndicator")
                        .map(own_text)
                        .unwrap_or_default(),
                );
                v == "true" || v == "false"
            }),
        ],
    },
    Rule {
        context: |_, n| {
            is(n, "cac:PaymentMeans")
                && xml::single(n, "cbc:PaymentMeansCode")
                && matches!(
                    xml::norm_at(n, "cbc:PaymentMeansCode").as_str(),
                    "49" | "59"
                )
        },
        asserts: &[fatal("PEPPOL-EN16931-R061", |_, n| {
            exists(n, "cac:PaymentMandate/cbc:ID")
        })],
    },
    Rule {
        context: |_, n| r051_context(n),
        asserts: &[fatal("PEPPOL-EN16931-R051", |c, n| {
            attr(n, "currencyID").is_some_and(|cur| c.currencies.iter().any(|d| d == cur))
        })],
    },
    Rule {
        context: |_, n| line_date(n, "cbc:StartDate").is_some(),
        asserts: &[fatal("PEPPOL-EN16931-R110", |_, n| {
            line_date(n, "cbc:StartDate").is_some_and(|(h, t)| {
                compare_dates(
                    &t,
                    h,
                    [std::cmp::Ordering::Greater, std::cmp::Ordering::Equal],
                )
            })
        })],
    },
    Rule {
        context: |_, n| line_date(n, "cbc:EndDate").is_some(),
        asserts: &[fatal("PEPPOL-EN16931-R111", |_, n| {
            line_date(n, "cbc:EndDate").is_some_and(|(h, t)| {
                compare_dates(&t, h, [std::cmp::Ordering::Less, std::cmp::Ordering::Equal])
            })
        })],
    },
    Rule {
        context: |_, n| is_any(n, &["cac:InvoiceLine", "cac:CreditNoteLine"]),
        asserts: &[
            fatal("PEPPOL-EN16931-R120", r120),
            fatal("PEPPOL-EN16931-R121", |_, n| {
                match xml::first(n, "cac:Price/cbc:BaseQuantity") {
                    None => true,
                    Some(b) => xml::dec(b).is_some_and(|d| d > Dec::ZERO),
                }
            }),
            fatal("PEPPOL-EN16931-R100", |_, n| {
                kids(n, "cac:DocumentReference").count() <= 1
            }),
            fatal("PEPPOL-EN16931-R101", |_, n| {
                !has(n, "cac:DocumentReference")
                    || xml::all(n, "cac:DocumentReference/cbc:DocumentTypeCode")
                        .into_iter()
                        .any(|c| string(c) == "130")
            }),
        ],
    },
    Rule {
        context: |_, n| xml::is_path(n, &["cac:Price", "cac:AllowanceCharge"]),
        asserts: &[
            fatal("PEPPOL-EN16931-R044", |_, n| {
                xml::norm_at(n, "cbc:ChargeIndicator") == "false"
            }),
            fatal("PEPPOL-EN16931-R046", |_, n| {
                if !has(n, "cbc:BaseAmount") {
                    return true;
                }
                let price = xml::parent(n).and_then(|p| xml::dec_at(p, "cbc:PriceAmount"));
                let gross_less_allowance = xml::dec_at(n, "cbc:BaseAmount")
                    .zip(xml::dec_at(n, "cbc:Amount"))
                    .and_then(|(b, a)| b.checked_sub(a));
                matches!((price, gross_less_allowance), (Some(p), Some(v)) if p == v)
            }),
        ],
    },
    Rule {
        context: |_, n| {
            xml::is_path(n, &["cac:Price", "cbc:BaseQuantity"]) && attr(n, "unitCode").is_some()
        },
        asserts: &[fatal("PEPPOL-EN16931-R130", |c, n| {
            let Some(line) = xml::parent(n).and_then(xml::parent) else {
                return true;
            };
            let has_quantity =
                has(line, "cbc:InvoicedQuantity") || has(line, "cbc:CreditedQuantity");
            let tag = if c.invoice {
                "cbc:InvoicedQuantity"
            } else {
                "cbc:CreditedQuantity"
            };
            !has_quantity
                || kids(line, tag).any(|q| {
                    attr(q, "unitCode").is_some() && attr(q, "unitCode") == attr(n, "unitCode")
                })
        })],
    },
    Rule {
        context: |_, n| icd(n, "0088"),
        asserts: &[fatal("PEPPOL-COMMON-R040", |_, n| {
            let v = norm(n);
            !v.is_empty() && digits_only(&v) && ids::gln(&v)
        })],
    },
    Rule {
        context: |_, n| icd(n, "0192"),
        asserts: &[fatal("PEPPOL-COMMON-R041", |_, n| {
            let v = norm(n);
            n_digits(&v, 9) && ids::mod11(&v)
        })],
    },
    Rule {
        context: |_, n| icd(n, "0184"),
        asserts: &[fatal("PEPPOL-COMMON-R042", |_, n| dk_cvr(&string(n)))],
    },
    Rule {
        context: |_, n| icd(n, "0096"),
        asserts: &[fatal("PEPPOL-COMMON-R052", |_, n| n_digits(&string(n), 10))],
    },
    Rule {
        context: |_, n| icd(n, "0198"),
        asserts: &[fatal("PEPPOL-COMMON-R053", |_, n| {
            let s = string(n);
            s.chars().count() == 10 && s.starts_with("DK") && digits_only(&s[2..])
        })],
    },
    Rule {
        context: |_, n| icd(n, "0208"),
        asserts: &[fatal("PEPPOL-COMMON-R043", |_, n| {
            let v = norm(n);
            n_digits(&v, 10) && ids::mod97_0208(&v)
        })],
    },
    Rule {
        context: |_, n| icd(n, "0201"),
        asserts: &[warning("PEPPOL-COMMON-R044", |_, n| {
            ids::codice_ipa(&norm(n))
        })],
    },
    Rule {
        context: |_, n| icd(n, "0210"),
        asserts: &[warning("PEPPOL-COMMON-R045", |_, n| {
            ids::codice_fiscale(&norm(n))
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:EndpointID") && attr(n, "schemeID") == Some("9907"),
        asserts: &[warning("PEPPOL-COMMON-R046", |_, n| {
            ids::codice_fiscale(&norm(n))
        })],
    },
    Rule {
        context: |_, n| icd(n, "0211"),
        asserts: &[warning("PEPPOL-COMMON-R047", |_, n| {
            ids::partita_iva(&norm(n))
        })],
    },
    Rule {
        context: |_, n| icd(n, "0007"),
        asserts: &[fatal("PEPPOL-COMMON-R049", |_, n| {
            let v = norm(n);
            v.chars().count() == 10 && Dec::is_number(&v) && ids::se_orgnr(&v)
        })],
    },
    Rule {
        context: |_, n| icd(n, "0151"),
        asserts: &[fatal("PEPPOL-COMMON-R050", |_, n| {
            let v = norm(n);
            n_digits(&v, 11) && ids::abn(&v)
        })],
    },
    Rule {
        context: |_, n| icd(n, "0106"),
        asserts: &[warning("PEPPOL-COMMON-R054", |_, n| n_digits(&norm(n), 8))],
    },
    Rule {
        context: |_, n| icd(n, "0190"),
        asserts: &[warning("PEPPOL-COMMON-R055", |_, n| n_digits(&norm(n), 20))],
    },
    Rule {
        context: |_, n| icd(n, "9944"),
        asserts: &[warning("PEPPOL-COMMON-R056-1", |_, n| nl_vat(&norm(n)))],
    },
    Rule {
        context: |_, n| {
            is(n, "cbc:CompanyID")
                && norm(n).starts_with("NL")
                && xml::parent(n).is_some_and(|p| {
                    is(p, "cac:PartyTaxScheme") && xml::norm_at(p, "cac:TaxScheme/cbc:ID") == "VAT"
                })
        },
        asserts: &[warning("PEPPOL-COMMON-R056-2", |_, n| nl_vat(&norm(n)))],
    },
    Rule {
        context: |_, n| icd(n, "0217"),
        asserts: &[warning("PEPPOL-COMMON-R057", |_, n| n_digits(&norm(n), 12))],
    },
];

fn exemption_is(n: N<'_, '_>, code: &str) -> bool {
    is(n, "cac:TaxCategory")
        && xml::single(n, "cbc:TaxExemptionReasonCode")
        && kid(n, "cbc:TaxExemptionReasonCode").is_some_and(|c| string(c).to_uppercase() == code)
}

macro_rules! exemption {
    ($code:literal, $id:literal, $cat:literal) => {
        Rule {
            context: |_, n| exemption_is(n, $code),
            asserts: &[fatal($id, |_, n| xml::norm_at(n, "cbc:ID") == $cat)],
        }
    };
}

static CODE_LISTS: Pattern = &[
    Rule {
        context: |_, n| is(n, "cbc:EmbeddedDocumentBinaryObject") && attr(n, "mimeCode").is_some(),
        asserts: &[fatal("PEPPOL-EN16931-CL001", |_, n| {
            in_list(codes::MIMECODE, attr(n, "mimeCode").unwrap_or(""))
        })],
    },
    Rule {
        context: |_, n| reason_code(n, "false"),
        asserts: &[fatal("PEPPOL-EN16931-CL002", |_, n| {
            in_list(codes::UNCL5189, &xml::normalize(&own_text(n)))
        })],
    },
    Rule {
        context: |_, n| reason_code(n, "true"),
        asserts: &[fatal("PEPPOL-EN16931-CL003", |_, n| {
            in_list(codes::UNCL7161, &xml::normalize(&own_text(n)))
        })],
    },
    Rule {
        context: |_, n| xml::is_path(n, &["cac:InvoicePeriod", "cbc:DescriptionCode"]),
        asserts: &[fatal("PEPPOL-EN16931-CL006", |_, n| {
            in_list(codes::UNCL2005, &xml::normalize(&own_text(n)))
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:TaxAmount") || is_any(n, CURRENCY_ELEMENTS),
        asserts: &[fatal("PEPPOL-EN16931-CL007", |_, n| {
            attr(n, "currencyID").is_some_and(|c| in_list(codes::ISO4217, c))
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:InvoiceTypeCode"),
        asserts: &[
            fatal("PEPPOL-EN16931-P0100", |c, n| {
                !matches!(c.profile, "01" | "02")
                    || in_list(codes::INVOICE_TYPES, &xml::normalize(&own_text(n)))
            }),
            fatal("PEPPOL-EN16931-P0112", |c, n| {
                !matches!(norm(n).as_str(), "326" | "384") || (c.supplier_de && c.customer_de)
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cbc:CreditNoteTypeCode"),
        asserts: &[fatal("PEPPOL-EN16931-P0101", |c, n| {
            !matches!(c.profile, "01" | "02")
                || in_list(codes::CREDIT_NOTE_TYPES, &xml::normalize(&own_text(n)))
        })],
    },
    Rule {
        context: |_, n| {
            is_any(
                n,
                &[
                    "cbc:IssueDate",
                    "cbc:DueDate",
                    "cbc:TaxPointDate",
                    "cbc:StartDate",
                    "cbc:EndDate",
                    "cbc:ActualDeliveryDate",
                ],
            )
        },
        asserts: &[fatal("PEPPOL-EN16931-F001", |_, n| {
            let t = own_text(n);
            t.chars().count() == 10 && xml_date(&string(n)).is_some()
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:EndpointID") && attr(n, "schemeID").is_some(),
        asserts: &[fatal("PEPPOL-EN16931-CL008", |_, n| {
            in_list(codes::EAS, attr(n, "schemeID").unwrap_or(""))
        })],
    },
    exemption!("VATEX-EU-G", "PEPPOL-EN16931-P0104", "G"),
    exemption!("VATEX-EU-O", "PEPPOL-EN16931-P0105", "O"),
    exemption!("VATEX-EU-IC", "PEPPOL-EN16931-P0106", "K"),
    exemption!("VATEX-EU-AE", "PEPPOL-EN16931-P0107", "AE"),
    exemption!("VATEX-EU-D", "PEPPOL-EN16931-P0108", "E"),
    exemption!("VATEX-EU-F", "PEPPOL-EN16931-P0109", "E"),
    exemption!("VATEX-EU-I", "PEPPOL-EN16931-P0110", "E"),
    exemption!("VATEX-EU-J", "PEPPOL-EN16931-P0111", "E"),
];

fn reason_code(n: N<'_, '_>, indicator: &str) -> bool {
    is(n, "cbc:AllowanceChargeReasonCode")
        && xml::parent(n).is_some_and(|p| {
            is(p, "cac:AllowanceCharge")
                && kids(p, "cbc:ChargeIndicator").any(|c| string(c) == indicator)
        })
}
