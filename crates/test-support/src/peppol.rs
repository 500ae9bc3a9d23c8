//! Generated Peppol BIS Billing 3.0 invoices for tests: valid by every fatal rule, so a test
//! can break one thing on purpose. The shared official examples are absent in a user's clone;
//! these are not.

/// One line of a generated invoice.
pub struct GenLine {
    pub name: &'static str,
    pub quantity: &'static str,
    pub price: &'static str,
    pub net: &'static str,
}

/// A small valid Swedish invoice: seller 556036-0793 with VAT
/// SE556036079301 and F-skatt, bankgiro payment, 25 % VAT.
pub fn swedish_invoice() -> String {
    let lines = [
        GenLine {
            name: "Elnätsabonnemang",
            quantity: "1",
            price: "1000.00",
            net: "1000.00",
        },
        GenLine {
            name: "Överföring",
            quantity: "2500",
            price: "0.40",
            net: "1000.00",
        },
    ];
    invoice_with(&lines, "2000.00", "500.00", "2500.00")
}

/// A Swedish invoice with the given lines and totals.
pub fn invoice_with(lines: &[GenLine], net: &str, vat: &str, total: &str) -> String {
    invoice_from("5560360793", "F2026-0042", lines, net, vat, total)
}

/// An invoice numbered `number` from the seller with organisation number `org` (10 digits), the
/// given lines and totals.
pub fn invoice_from(
    org: &str,
    number: &str,
    lines: &[GenLine],
    net: &str,
    vat: &str,
    total: &str,
) -> String {
    let mut body = String::new();
    for (i, l) in lines.iter().enumerate() {
        body.push_str(&format!(
            r#"
  <cac:InvoiceLine>
    <cbc:ID>{id}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="EA">{q}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="SEK">{net}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>{name}</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="SEK">{price}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>"#,
            id = i + 1,
            q = l.quantity,
            net = l.net,
            name = l.name,
            price = l.price,
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-11-30</cbc:IssueDate>
  <cbc:DueDate>2026-12-30</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>KST-4711</cbc:BuyerReference>
  <cac:OrderReference><cbc:ID>IO-2026-17</cbc:ID></cac:OrderReference>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0007">{org}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Nätbolaget</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Storgatan 1</cbc:StreetName>
        <cbc:CityName>Umeå</cbc:CityName>
        <cbc:PostalZone>90325</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>SE{org}01</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Nätbolaget i Norr AB</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0007">{org}</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0007">2120000142</cbc:EndpointID>
      <cac:PostalAddress>
        <cbc:CityName>Umeå</cbc:CityName>
        <cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Umeå kommun</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0007">2120000142</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>4711000000017</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>56020053</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>30 dagar netto</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="SEK">{vat}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="SEK">{net}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="SEK">{vat}</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="SEK">{net}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="SEK">{net}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="SEK">{total}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="SEK">{total}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{body}
</Invoice>
"#
    )
}
