//! The EN 16931 syntax rules (pattern `UBL-syntax`: UBL-SR, UBL-DT and the
//! fatal UBL-CR) and the code-list rules (pattern `Codesmodel`: BR-CL).

use super::cen::charge_is;
use super::cen_codes as lists;
use super::codes;
use super::{Assert, Pattern, Rule, fatal};
use crate::peppol::xml::{self, N, all, attr, has, is, is_any, is_path, kids, norm, string};

/// The patterns, in the order of the Schematron file.
pub(super) static PATTERNS: &[Pattern] = &[SYNTAX, CODES];

fn count(n: N<'_, '_>, path: &str) -> usize {
    all(n, path).len()
}

fn at_most_one(n: N<'_, '_>, path: &str) -> bool {
    count(n, path) <= 1
}

fn root(n: N<'_, '_>) -> bool {
    is_any(n, &["inv:Invoice", "cn:CreditNote"]) && xml::parent(n).is_none()
}

fn distinct_values(n: N<'_, '_>, tag: &str) -> usize {
    let mut seen: Vec<String> = Vec::new();
    for v in n.descendants().filter(|d| is(*d, tag)) {
        let s = string(v);
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.len()
}

/// `cac:TaxScheme/upper-case(cbc:ID)`: `""` when the scheme has no id.
fn scheme_upper(scheme: N<'_, '_>) -> String {
    xml::text_at(scheme, "cbc:ID").to_uppercase()
}

fn supplier_tax_ids(n: N<'_, '_>, is_vat: bool) -> usize {
    all(
        n,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme",
    )
    .into_iter()
    .filter(|s| kids(*s, "cac:TaxScheme").any(|t| (scheme_upper(t) == "VAT") == is_vat))
    .map(|s| kids(s, "cbc:CompanyID").count())
    .sum()
}

fn attachment_130(n: N<'_, '_>, path: &str) -> bool {
    n.descendants()
        .filter(|d| is(*d, "cac:AdditionalDocumentReference"))
        .filter(|d| kids(*d, "cbc:DocumentTypeCode").any(|c| string(c) == "130"))
        .any(|d| xml::exists(d, path))
}

const DOCUMENT: &[Assert] = &[
    fatal("UBL-CR-666", |_, n| !attachment_130(n, "cac:Attachment")),
    fatal("UBL-CR-673", |_, n| {
        !attachment_130(n, "cbc:DocumentDescription")
    }),
    fatal("UBL-SR-01", |_, n| {
        at_most_one(n, "cac:ContractDocumentReference/cbc:ID")
    }),
    fatal("UBL-SR-02", |_, n| {
        at_most_one(n, "cac:ReceiptDocumentReference/cbc:ID")
    }),
    fatal("UBL-SR-03", |_, n| {
        at_most_one(n, "cac:DespatchDocumentReference/cbc:ID")
    }),
    fatal("UBL-SR-04", |_, n| {
        kids(n, "cac:AdditionalDocumentReference")
            .filter(|r| kids(*r, "cbc:DocumentTypeCode").any(|c| string(c) == "130"))
            .map(|r| kids(r, "cbc:ID").count())
            .sum::<usize>()
            <= 1
    }),
    fatal("UBL-SR-05", |_, n| {
        at_most_one(n, "cac:PaymentTerms/cbc:Note")
    }),
    fatal("UBL-SR-08", |_, n| at_most_one(n, "cac:InvoicePeriod")),
    fatal("UBL-SR-09", |_, n| {
        at_most_one(
            n,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        )
    }),
    fatal("UBL-SR-10", |_, n| {
        at_most_one(
            n,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name",
        )
    }),
    fatal("UBL-SR-11", |_, n| {
        at_most_one(
            n,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        )
    }),
    fatal("UBL-SR-12", |_, n| supplier_tax_ids(n, true) <= 1),
    fatal("UBL-SR-13", |_, n| supplier_tax_ids(n, false) <= 1),
    fatal("UBL-SR-14", |_, n| {
        at_most_one(
            n,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm",
        )
    }),
    fatal("UBL-SR-15", |_, n| {
        at_most_one(
            n,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        )
    }),
    fatal("UBL-SR-16", |_, n| {
        at_most_one(
            n,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
        )
    }),
    fatal("UBL-SR-17", |_, n| {
        at_most_one(
            n,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        )
    }),
    fatal("UBL-SR-18", |_, n| {
        all(
            n,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme",
        )
        .into_iter()
        .filter(|s| kids(*s, "cac:TaxScheme").any(|t| scheme_upper(t) == "VAT"))
        .map(|s| kids(s, "cbc:CompanyID").count())
        .sum::<usize>()
            <= 1
    }),
    fatal("UBL-SR-24", |_, n| at_most_one(n, "cac:Delivery")),
    fatal("UBL-SR-29", |_, n| {
        n.descendants()
            .filter(|d| is_path(*d, &["cac:PartyIdentification", "cbc:ID"]))
            .filter(|d| attr(*d, "schemeID").is_some_and(|s| s.to_uppercase() == "SEPA"))
            .count()
            <= 1
    }),
    fatal("UBL-SR-39", |_, n| {
        at_most_one(n, "cac:ProjectReference/cbc:ID")
    }),
    fatal("UBL-SR-40", |_, n| {
        at_most_one(
            n,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name",
        )
    }),
    fatal("UBL-SR-44", |_, n| distinct_values(n, "cbc:PaymentID") <= 1),
    fatal("UBL-SR-45", |_, n| {
        at_most_one(n, "cac:PaymentMeans/cbc:PaymentDueDate")
    }),
    fatal("UBL-SR-46", |_, n| {
        all(n, "cac:PaymentMeans/cbc:PaymentMeansCode")
            .into_iter()
            .filter(|c| attr(*c, "name").is_some())
            .count()
            <= 1
    }),
    fatal("UBL-SR-47", |_, n| {
        distinct_values(n, "cbc:PaymentMeansCode") <= 1
    }),
    fatal("UBL-SR-49", |_, n| {
        at_most_one(n, "cac:InvoicePeriod/cbc:DescriptionCode")
    }),
    fatal("UBL-SR-54", |_, n| {
        at_most_one(n, "cac:PaymentMeans/cac:CardAccount")
    }),
    fatal("UBL-SR-55", |_, n| {
        at_most_one(n, "cac:PaymentMeans/cac:PaymentMandate")
    }),
    fatal("UBL-SR-56", |_, n| {
        at_most_one(n, "cac:OriginatorDocumentReference/cbc:ID")
    }),
];

/// `(cac:PartyName/cbc:Name) != (../AccountingSupplierParty/.../RegistrationName)`.
fn payee_name_differs(n: N<'_, '_>) -> bool {
    let names: Vec<String> = all(n, "cac:PartyName/cbc:Name")
        .into_iter()
        .map(string)
        .collect();
    let seller: Vec<String> = xml::parent(n)
        .map(|p| {
            all(
                p,
                "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
            )
            .into_iter()
            .map(string)
            .collect()
        })
        .unwrap_or_default();
    names.iter().any(|a| seller.iter().any(|b| a != b))
}

fn address_amount(n: N<'_, '_>) -> bool {
    n.tag_name().name().ends_with("Amount")
        && !n.tag_name().name().ends_with("PriceAmount")
        && !n
            .ancestors()
            .skip(1)
            .any(|a| is(a, "cac:Price") && has(a, "cac:AllowanceCharge"))
}

static SYNTAX: Pattern = &[
    Rule {
        context: |_, n| is_any(n, &["cac:PostalAddress", "cac:Address"]),
        asserts: &[fatal("UBL-SR-51", |_, n| {
            kids(n, "cac:AddressLine").count() <= 1
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:AccountingSupplierParty", "cac:Party"]),
        asserts: &[fatal("UBL-SR-42", |_, n| {
            kids(n, "cac:PartyTaxScheme").count() <= 2
        })],
    },
    Rule {
        context: |_, n| is(n, "cac:AdditionalDocumentReference"),
        asserts: &[
            fatal("UBL-SR-33", |_, n| {
                kids(n, "cbc:DocumentDescription").count() <= 1
            }),
            fatal("UBL-SR-43", |_, n| {
                let code_is = |v: &str| kids(n, "cbc:DocumentTypeCode").any(|c| string(c) == v);
                let credit_note = n.document().root_element().tag_name().name() == "CreditNote";
                code_is("130")
                    || (credit_note && code_is("50"))
                    || (!kids(n, "cbc:ID").any(|id| attr(id, "schemeID").is_some())
                        && !has(n, "cbc:DocumentTypeCode"))
            }),
        ],
    },
    Rule {
        context: |_, n| n.is_element() && address_amount(n),
        asserts: &[fatal("UBL-DT-01", |_, n| {
            string(n)
                .split_once('.')
                .is_none_or(|(_, after)| after.chars().count() <= 2)
        })],
    },
    Rule {
        context: |_, n| n.is_element() && n.tag_name().name().ends_with("BinaryObject"),
        asserts: &[
            fatal("UBL-DT-06", |_, n| attr(n, "mimeCode").is_some()),
            fatal("UBL-DT-07", |_, n| attr(n, "filename").is_some()),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:Delivery"),
        asserts: &[fatal("UBL-SR-25", |_, n| {
            at_most_one(n, "cac:DeliveryParty/cac:PartyName/cbc:Name")
        })],
    },
    Rule {
        context: |_, n| is(n, "cac:AllowanceCharge") && charge_is(n, false),
        asserts: &[fatal("UBL-SR-30", |_, n| {
            kids(n, "cbc:AllowanceChargeReason").count() <= 1
        })],
    },
    Rule {
        context: |_, n| is(n, "cac:AllowanceCharge") && charge_is(n, true),
        asserts: &[fatal("UBL-SR-31", |_, n| {
            kids(n, "cbc:AllowanceChargeReason").count() <= 1
        })],
    },
    Rule {
        context: |_, n| is(n, "cac:PartyTaxScheme"),
        asserts: &[fatal("UBL-SR-53", |_, n| {
            xml::exists(n, "cac:TaxScheme/cbc:ID") && has(n, "cbc:CompanyID")
        })],
    },
    Rule {
        context: |_, n| root(n),
        asserts: DOCUMENT,
    },
    Rule {
        context: |_, n| is_any(n, &["cac:InvoiceLine", "cac:CreditNoteLine"]),
        asserts: &[
            fatal("UBL-SR-34", |_, n| kids(n, "cbc:Note").count() <= 1),
            fatal("UBL-SR-35", |_, n| {
                at_most_one(n, "cac:OrderLineReference/cbc:LineID")
            }),
            fatal("UBL-SR-36", |_, n| {
                kids(n, "cac:InvoicePeriod").count() <= 1
            }),
            fatal("UBL-SR-37", |_, n| {
                at_most_one(n, "cac:Price/cac:AllowanceCharge/cbc:Amount")
            }),
            fatal("UBL-SR-48", |_, n| {
                count(n, "cac:Item/cac:ClassifiedTaxCategory") == 1
            }),
            fatal("UBL-SR-50", |_, n| {
                at_most_one(n, "cac:Item/cbc:Description")
            }),
            fatal("UBL-SR-52", |_, n| {
                kids(n, "cac:DocumentReference").count() <= 1
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:PayeeParty"),
        asserts: &[
            fatal("UBL-SR-19", |_, n| {
                at_most_one(n, "cac:PartyName/cbc:Name") && payee_name_differs(n)
            }),
            fatal("UBL-SR-20", |_, n| {
                all(n, "cac:PartyIdentification/cbc:ID")
                    .into_iter()
                    .filter(|id| attr(*id, "schemeID").is_some_and(|s| s.to_uppercase() != "SEPA"))
                    .count()
                    <= 1
                    && payee_name_differs(n)
            }),
            fatal("UBL-SR-21", |_, n| {
                at_most_one(n, "cac:PartyLegalEntity/cbc:CompanyID") && payee_name_differs(n)
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:PaymentMeans"),
        asserts: &[
            fatal("UBL-SR-26", |_, n| kids(n, "cbc:PaymentID").count() <= 1),
            fatal("UBL-SR-27", |_, n| {
                kids(n, "cbc:PaymentMeansCode").count() <= 1
            }),
            fatal("UBL-SR-28", |_, n| {
                at_most_one(n, "cac:PaymentMandate/cbc:ID")
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:BillingReference"),
        asserts: &[
            fatal("UBL-SR-06", |_, n| {
                kids(n, "cac:InvoiceDocumentReference").count() <= 1
            }),
            fatal("UBL-SR-07", |_, n| {
                xml::exists(n, "cac:InvoiceDocumentReference/cbc:ID")
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:TaxRepresentativeParty"),
        asserts: &[
            fatal("UBL-SR-22", |_, n| at_most_one(n, "cac:PartyName/cbc:Name")),
            fatal("UBL-SR-23", |_, n| {
                at_most_one(n, "cac:PartyTaxScheme/cbc:CompanyID")
            }),
        ],
    },
    Rule {
        context: |_, n| is(n, "cac:TaxSubtotal"),
        asserts: &[fatal("UBL-SR-32", |_, n| {
            at_most_one(n, "cac:TaxCategory/cbc:TaxExemptionReason")
        })],
    },
];

/// `not(contains(normalize-space(v), ' ')) and contains(list, concat(' ', normalize-space(v), ' '))`.
fn listed(list: &str, value: &str) -> bool {
    let v = xml::normalize(value);
    !v.contains(' ') && list.contains(&format!(" {v} "))
}

fn attr_listed(n: N<'_, '_>, name: &str, list: &str) -> bool {
    listed(list, attr(n, name).unwrap_or(""))
}

fn with_attr(n: N<'_, '_>, steps: &[&str], name: &str) -> bool {
    is_path(n, steps) && attr(n, name).is_some()
}

fn reference_130(n: N<'_, '_>) -> bool {
    is(n, "cbc:ID")
        && attr(n, "schemeID").is_some()
        && xml::parent(n).is_some_and(|p| {
            is_any(
                p,
                &["cac:AdditionalDocumentReference", "cac:DocumentReference"],
            ) && kids(p, "cbc:DocumentTypeCode").any(|c| string(c) == "130")
        })
}

fn reason_code(n: N<'_, '_>, want: bool) -> bool {
    is(n, "cbc:AllowanceChargeReasonCode")
        && xml::parent(n).is_some_and(|p| is(p, "cac:AllowanceCharge") && charge_is(p, want))
}

const AMOUNTS: &[&str] = &[
    "cbc:Amount",
    "cbc:BaseAmount",
    "cbc:PriceAmount",
    "cbc:TaxAmount",
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

static CODES: Pattern = &[
    Rule {
        context: |_, n| is_any(n, &["cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode"]),
        asserts: &[fatal("BR-CL-01", |_, n| {
            (is(n, "cbc:InvoiceTypeCode") && listed(lists::BR_CL_01, &string(n)))
                || (is(n, "cbc:CreditNoteTypeCode") && listed(lists::BR_CL_01_1, &string(n)))
        })],
    },
    Rule {
        context: |_, n| is_any(n, AMOUNTS),
        asserts: &[fatal("BR-CL-03", |_, n| {
            attr_listed(n, "currencyID", lists::BR_CL_03)
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:DocumentCurrencyCode"),
        asserts: &[fatal("BR-CL-04", |_, n| {
            listed(lists::BR_CL_04, &string(n))
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:TaxCurrencyCode"),
        asserts: &[fatal("BR-CL-05", |_, n| {
            listed(lists::BR_CL_05, &string(n))
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:InvoicePeriod", "cbc:DescriptionCode"]),
        asserts: &[fatal("BR-CL-06", |_, n| listed(" 3 35 432 ", &string(n)))],
    },
    Rule {
        context: |_, n| reference_130(n),
        asserts: &[fatal("BR-CL-07", |_, n| {
            attr_listed(n, "schemeID", lists::BR_CL_07)
        })],
    },
    Rule {
        context: |_, n| with_attr(n, &["cac:PartyIdentification", "cbc:ID"], "schemeID"),
        asserts: &[fatal("BR-CL-10", |_, n| {
            attr_listed(n, "schemeID", lists::BR_CL_10)
                || (attr_listed(n, "schemeID", " SEPA ")
                    && n.ancestors()
                        .any(|a| is_any(a, &["cac:AccountingSupplierParty", "cac:PayeeParty"])))
        })],
    },
    Rule {
        context: |_, n| with_attr(n, &["cac:PartyLegalEntity", "cbc:CompanyID"], "schemeID"),
        asserts: &[fatal("BR-CL-11", |_, n| {
            attr_listed(n, "schemeID", lists::BR_CL_11)
        })],
    },
    Rule {
        context: |_, n| {
            with_attr(
                n,
                &["cac:CommodityClassification", "cbc:ItemClassificationCode"],
                "listID",
            )
        },
        asserts: &[fatal("BR-CL-13", |_, n| {
            attr_listed(n, "listID", lists::BR_CL_13)
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:Country", "cbc:IdentificationCode"]),
        asserts: &[fatal("BR-CL-14", |_, n| {
            listed(lists::BR_CL_14, &string(n))
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:OriginCountry", "cbc:IdentificationCode"]),
        asserts: &[fatal("BR-CL-15", |_, n| {
            listed(lists::BR_CL_15, &string(n))
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:PaymentMeans", "cbc:PaymentMeansCode"]),
        asserts: &[fatal("BR-CL-16", |_, n| {
            listed(lists::BR_CL_16, &string(n))
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:TaxCategory", "cbc:ID"]),
        asserts: &[fatal("BR-CL-17", |_, n| {
            listed(lists::BR_CL_17, &string(n))
        })],
    },
    Rule {
        context: |_, n| is_path(n, &["cac:ClassifiedTaxCategory", "cbc:ID"]),
        asserts: &[fatal("BR-CL-18", |_, n| {
            listed(lists::BR_CL_18, &string(n))
        })],
    },
    Rule {
        context: |_, n| reason_code(n, false),
        asserts: &[fatal("BR-CL-19", |_, n| {
            listed(lists::BR_CL_19, &string(n))
        })],
    },
    Rule {
        context: |_, n| reason_code(n, true),
        asserts: &[fatal("BR-CL-20", |_, n| {
            listed(lists::BR_CL_20, &string(n))
        })],
    },
    Rule {
        context: |_, n| with_attr(n, &["cac:StandardItemIdentification", "cbc:ID"], "schemeID"),
        asserts: &[fatal("BR-CL-21", |_, n| {
            attr_listed(n, "schemeID", lists::BR_CL_21)
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:TaxExemptionReasonCode"),
        asserts: &[fatal("BR-CL-22", |_, n| {
            let v = norm(n);
            !v.contains(' ')
                && lists::BR_CL_22
                    .contains(&format!(" {} ", xml::normalize(&string(n).to_uppercase())))
        })],
    },
    Rule {
        context: |_, n| {
            is_any(
                n,
                &[
                    "cbc:InvoicedQuantity",
                    "cbc:BaseQuantity",
                    "cbc:CreditedQuantity",
                ],
            ) && attr(n, "unitCode").is_some()
        },
        asserts: &[fatal("BR-CL-23", |_, n| {
            attr_listed(n, "unitCode", lists::BR_CL_23)
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:EmbeddedDocumentBinaryObject") && attr(n, "mimeCode").is_some(),
        asserts: &[fatal("BR-CL-24", |_, n| {
            codes::in_list(codes::MIMECODE, attr(n, "mimeCode").unwrap_or(""))
        })],
    },
    Rule {
        context: |_, n| is(n, "cbc:EndpointID") && attr(n, "schemeID").is_some(),
        asserts: &[fatal("BR-CL-25", |_, n| {
            attr_listed(n, "schemeID", lists::BR_CL_25)
        })],
    },
    Rule {
        context: |_, n| with_attr(n, &["cac:DeliveryLocation", "cbc:ID"], "schemeID"),
        asserts: &[fatal("BR-CL-26", |_, n| {
            attr_listed(n, "schemeID", lists::BR_CL_26)
        })],
    },
];
