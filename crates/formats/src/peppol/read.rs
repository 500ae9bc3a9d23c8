//! Reading the UBL tree into a [`Document`].

use roxmltree::{Document as Tree, Node, ParsingOptions};

use super::rules::xml_date;
use super::xml::{self, N, attr, first, kids, norm};
use super::{Document, DocumentKind, Line, Party, PaymentMeans, ReadError};

fn position(text: &[u8]) -> (u32, u32) {
    let line = text.iter().filter(|b| **b == b'\n').count() + 1;
    let last_line = text.rsplit(|b| *b == b'\n').next().unwrap_or(&[]);
    let column = String::from_utf8_lossy(last_line).chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// The bytes as UTF-8 text, without a byte-order mark.
pub fn utf8(bytes: &[u8]) -> Result<&str, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position(&bytes[..e.valid_up_to()]);
        ReadError::NotUtf8 { line, column }
    })
}

/// Parse the XML and check the root element.
pub fn parse(text: &str) -> Result<Tree<'_>, ReadError> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let tree = Tree::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        ReadError::NotXml {
            line: pos.row,
            column: pos.col,
            detail: e.to_string(),
        }
    })?;
    let root = tree.root_element();
    if !(xml::is(root, "inv:Invoice") || xml::is(root, "cn:CreditNote")) {
        let pos = tree.text_pos_at(root.range().start);
        return Err(ReadError::NotUbl {
            line: pos.row,
            column: pos.col,
            namespace: root.tag_name().namespace().unwrap_or("").to_owned(),
            name: root.tag_name().name().to_owned(),
        });
    }
    Ok(tree)
}

fn opt_text(node: N<'_, '_>, path: &str) -> Option<String> {
    first(node, path).map(norm).filter(|s| !s.is_empty())
}

fn minor(node: N<'_, '_>, path: &str) -> Option<i64> {
    xml::dec_at(node, path)?.to_minor()
}

fn party(root: N<'_, '_>, path: &str) -> Party {
    let Some(p) = first(root, path) else {
        return Party::default();
    };
    let vat = kids(p, "cac:PartyTaxScheme")
        .find(|s| xml::upper_norm(&xml::text_at(*s, "cac:TaxScheme/cbc:ID")) == "VAT")
        .and_then(|s| opt_text(s, "cbc:CompanyID"));
    let legal = first(p, "cac:PartyLegalEntity/cbc:CompanyID");
    Party {
        name: opt_text(p, "cac:PartyLegalEntity/cbc:RegistrationName")
            .or_else(|| opt_text(p, "cac:PartyName/cbc:Name")),
        endpoint: xml::kid(p, "cbc:EndpointID")
            .map(|e| (attr(e, "schemeID").unwrap_or("").to_owned(), norm(e))),
        legal_id: legal.map(norm).filter(|s| !s.is_empty()),
        legal_id_scheme: legal.and_then(|l| attr(l, "schemeID")).map(str::to_owned),
        vat,
        country: opt_text(p, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
    }
}

fn payment(means: N<'_, '_>) -> PaymentMeans {
    PaymentMeans {
        code: xml::norm_at(means, "cbc:PaymentMeansCode"),
        payment_id: opt_text(means, "cbc:PaymentID"),
        account_id: opt_text(means, "cac:PayeeFinancialAccount/cbc:ID"),
        branch_id: opt_text(
            means,
            "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID",
        ),
    }
}

fn line(node: N<'_, '_>, quantity_tag: &str) -> Option<Line> {
    let quantity = xml::kid(node, quantity_tag);
    Some(Line {
        id: xml::norm_at(node, "cbc:ID"),
        name: opt_text(node, "cac:Item/cbc:Name"),
        quantity: quantity.map(norm),
        unit: quantity
            .and_then(|q| attr(q, "unitCode"))
            .map(str::to_owned),
        net_minor: minor(node, "cbc:LineExtensionAmount")?,
    })
}

fn tax_minor(root: N<'_, '_>, currency: &str) -> Option<i64> {
    let amounts: Vec<N<'_, '_>> = xml::all(root, "cac:TaxTotal/cbc:TaxAmount")
        .into_iter()
        .filter(|a| attr(*a, "currencyID").is_none_or(|c| c == currency))
        .collect();
    xml::sum(amounts)?.to_minor()
}

/// The document fields, `None` when a required one is missing or unreadable.
pub fn document(root: Node<'_, '_>) -> Option<Document> {
    let invoice = xml::is(root, "inv:Invoice");
    let (kind, line_tag, quantity_tag) = if invoice {
        (
            DocumentKind::Invoice,
            "cac:InvoiceLine",
            "cbc:InvoicedQuantity",
        )
    } else {
        (
            DocumentKind::CreditNote,
            "cac:CreditNoteLine",
            "cbc:CreditedQuantity",
        )
    };
    let due = first(root, "cbc:DueDate")
        .or_else(|| first(root, "cac:PaymentMeans/cbc:PaymentDueDate"))
        .or_else(|| first(root, "cac:PaymentTerms/cbc:PaymentDueDate"));
    let due_date = match due {
        Some(d) => Some(xml_date(&xml::string(d))?),
        None => None,
    };
    let currency = opt_text(root, "cbc:DocumentCurrencyCode")?;
    let lines = kids(root, line_tag)
        .map(|l| line(l, quantity_tag))
        .collect::<Option<Vec<_>>>()?;
    Some(Document {
        kind,
        number: opt_text(root, "cbc:ID")?,
        issue_date: xml_date(&xml::text_at(root, "cbc:IssueDate"))?,
        due_date,
        buyer_reference: opt_text(root, "cbc:BuyerReference"),
        order_reference: opt_text(root, "cac:OrderReference/cbc:ID"),
        billing_references: xml::all(
            root,
            "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
        )
        .into_iter()
        .map(norm)
        .collect(),
        seller: party(root, "cac:AccountingSupplierParty/cac:Party"),
        buyer: party(root, "cac:AccountingCustomerParty/cac:Party"),
        payable_minor: minor(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")?,
        tax_exclusive_minor: minor(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")?,
        tax_minor: tax_minor(root, &currency)?,
        payment: kids(root, "cac:PaymentMeans").map(payment).collect(),
        lines,
        currency,
    })
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(position(b""), (1, 1));
        assert_eq!(position("a\nbå".as_bytes()), (2, 3));
    }
}
