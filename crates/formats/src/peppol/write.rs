//! Writing Peppol BIS Billing 3.0 invoices (UBL 2.1 `Invoice`) the way a Swedish supplier sends
//! them: seller and buyer by organisation number (scheme 0007), the seller's VAT number and
//! F-skatt, standard-rated lines at 25 %, payment by bankgiro with an OCR reference. Amounts are
//! whole öre; the totals are computed here, so what is written passes every fatal rule (the
//! demo town's inbox and the import benchmark use it; tests break one thing on purpose).

use std::fmt::Write as _;

/// A party: seller or buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party<'a> {
    /// Ten digits, no hyphen.
    pub org_number: &'a str,
    pub name: &'a str,
    pub street: &'a str,
    pub city: &'a str,
    pub postal_zone: &'a str,
}

/// One line: whole units at a price in öre, VAT 25 %.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub name: &'a str,
    pub quantity: u32,
    pub price_ore: i64,
}

/// An invoice to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice<'a> {
    pub number: &'a str,
    pub issue_date: jiff::civil::Date,
    pub due_date: jiff::civil::Date,
    pub buyer_reference: &'a str,
    pub order_reference: Option<&'a str>,
    pub seller: Party<'a>,
    pub buyer: Party<'a>,
    /// The seller's bankgiro number (digits) and the OCR reference to pay with.
    pub bankgiro: &'a str,
    pub ocr: Option<&'a str>,
    pub lines: Vec<Line<'a>>,
}

/// The totals of an invoice as written, in öre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub net_ore: i64,
    pub vat_ore: i64,
    pub total_ore: i64,
}

/// VAT at 25 % on `net_ore`, rounded half away from zero to whole öre.
fn vat(net_ore: i64) -> i64 {
    let quarter = net_ore * 25;
    (quarter + quarter.signum() * 50) / 100
}

/// The invoice's totals.
pub fn totals(inv: &Invoice<'_>) -> Totals {
    let net_ore: i64 = inv
        .lines
        .iter()
        .map(|l| i64::from(l.quantity) * l.price_ore)
        .sum();
    let vat_ore = vat(net_ore);
    Totals {
        net_ore,
        vat_ore,
        total_ore: net_ore + vat_ore,
    }
}

fn amount(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", ore.abs() / 100, ore.abs() % 100)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn party(out: &mut String, p: &Party<'_>, seller: bool) {
    let _ = write!(
        out,
        "<cac:Party><cbc:EndpointID schemeID=\"0007\">{org}</cbc:EndpointID>\
         <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>\
         <cac:PostalAddress><cbc:StreetName>{street}</cbc:StreetName><cbc:CityName>{city}</cbc:CityName>\
         <cbc:PostalZone>{zone}</cbc:PostalZone><cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>",
        org = escape(p.org_number),
        name = escape(p.name),
        street = escape(p.street),
        city = escape(p.city),
        zone = escape(p.postal_zone),
    );
    if seller {
        let _ = write!(
            out,
            "<cac:PartyTaxScheme><cbc:CompanyID>SE{org}01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>\
             <cac:PartyTaxScheme><cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
            org = escape(p.org_number)
        );
    }
    let _ = write!(
        out,
        "<cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>\
         <cbc:CompanyID schemeID=\"0007\">{org}</cbc:CompanyID></cac:PartyLegalEntity></cac:Party>",
        name = escape(p.name),
        org = escape(p.org_number),
    );
}

/// Writes the invoice as UBL 2.1 XML.
pub fn write(inv: &Invoice<'_>) -> String {
    let t = totals(inv);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" \
         xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
         xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n\
         <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>\n\
         <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>\n\
         <cbc:ID>{number}</cbc:ID>\n<cbc:IssueDate>{issue}</cbc:IssueDate>\n<cbc:DueDate>{due}</cbc:DueDate>\n\
         <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>\n<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>\n\
         <cbc:BuyerReference>{buyer_ref}</cbc:BuyerReference>\n",
        number = escape(inv.number),
        issue = inv.issue_date,
        due = inv.due_date,
        buyer_ref = escape(inv.buyer_reference),
    );
    if let Some(order) = inv.order_reference {
        let _ = writeln!(
            out,
            "<cac:OrderReference><cbc:ID>{}</cbc:ID></cac:OrderReference>",
            escape(order)
        );
    }
    out.push_str("<cac:AccountingSupplierParty>");
    party(&mut out, &inv.seller, true);
    out.push_str("</cac:AccountingSupplierParty>\n<cac:AccountingCustomerParty>");
    party(&mut out, &inv.buyer, false);
    out.push_str("</cac:AccountingCustomerParty>\n<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>");
    if let Some(ocr) = inv.ocr {
        let _ = write!(out, "<cbc:PaymentID>{}</cbc:PaymentID>", escape(ocr));
    }
    let _ = write!(
        out,
        "<cac:PayeeFinancialAccount><cbc:ID>{bg}</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>\n\
         <cac:PaymentTerms><cbc:Note>30 dagar netto</cbc:Note></cac:PaymentTerms>\n\
         <cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">{vat}</cbc:TaxAmount><cac:TaxSubtotal>\
         <cbc:TaxableAmount currencyID=\"SEK\">{excl}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"SEK\">{vat}</cbc:TaxAmount>\
         <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>\
         </cac:TaxSubtotal></cac:TaxTotal>\n\
         <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"SEK\">{excl}</cbc:LineExtensionAmount>\
         <cbc:TaxExclusiveAmount currencyID=\"SEK\">{excl}</cbc:TaxExclusiveAmount>\
         <cbc:TaxInclusiveAmount currencyID=\"SEK\">{total}</cbc:TaxInclusiveAmount>\
         <cbc:PayableAmount currencyID=\"SEK\">{total}</cbc:PayableAmount></cac:LegalMonetaryTotal>\n",
        bg = escape(inv.bankgiro),
        vat = amount(t.vat_ore),
        excl = amount(t.net_ore),
        total = amount(t.total_ore),
    );
    for (i, l) in inv.lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<cac:InvoiceLine><cbc:ID>{id}</cbc:ID><cbc:InvoicedQuantity unitCode=\"EA\">{q}</cbc:InvoicedQuantity>\
             <cbc:LineExtensionAmount currencyID=\"SEK\">{excl}</cbc:LineExtensionAmount>\
             <cac:Item><cbc:Name>{name}</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>\
             <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>\
             <cac:Price><cbc:PriceAmount currencyID=\"SEK\">{price}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>",
            id = i + 1,
            q = l.quantity,
            excl = amount(i64::from(l.quantity) * l.price_ore),
            name = escape(l.name),
            price = amount(l.price_ore),
        );
    }
    out.push_str("</Invoice>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    pub(crate) fn sample() -> Invoice<'static> {
        Invoice {
            number: "F-1 & 2",
            issue_date: date(2026, 11, 30),
            due_date: date(2026, 12, 30),
            buyer_reference: "KST-4711",
            order_reference: Some("AO-7"),
            seller: Party {
                org_number: "5560360793",
                name: "Karlskoga Schakt AB",
                street: "Bruksgatan 1",
                city: "Karlskoga",
                postal_zone: "69131",
            },
            buyer: Party {
                org_number: "5564001237",
                name: "Karlskoga Energi & Miljö AB",
                street: "Box 42",
                city: "Karlskoga",
                postal_zone: "69121",
            },
            bankgiro: "50501055",
            ocr: Some("1234567897"),
            lines: vec![
                Line {
                    name: "Schaktning",
                    quantity: 3,
                    price_ore: 33_333,
                },
                Line {
                    name: "Återfyllnad",
                    quantity: 1,
                    price_ore: 12_550,
                },
            ],
        }
    }

    #[test]
    fn what_is_written_passes_every_fatal_rule_and_reads_back() {
        let inv = sample();
        let t = totals(&inv);
        assert_eq!(t.net_ore, 3 * 33_333 + 12_550);
        assert_eq!(t.vat_ore, 28_137);
        let xml = write(&inv);
        let checked = crate::peppol::check(xml.as_bytes()).expect("readable");
        let fatal: Vec<_> = checked
            .findings
            .iter()
            .filter(|f| f.flag == crate::peppol::Flag::Fatal)
            .map(|f| f.rule.clone())
            .collect();
        assert!(fatal.is_empty(), "{fatal:?}\n{xml}");
        assert!(xml.contains("<cbc:ID>F-1 &amp; 2</cbc:ID>"));
        assert!(xml.contains(&format!(
            "<cbc:PayableAmount currencyID=\"SEK\">{}</cbc:PayableAmount>",
            amount(t.total_ore)
        )));
    }

    #[test]
    fn vat_rounds_half_away_from_zero() {
        assert_eq!(vat(2), 1);
        assert_eq!(vat(1), 0);
        assert_eq!(vat(-2), -1);
        assert_eq!(amount(-5), "-0.05");
    }
}
