# Suppliers: the register, invoices, offers of shorter payment terms.

suppliers-trade-excavation = Excavation and groundwork
suppliers-trade-haulage = Haulage
suppliers-trade-electrical = Electrical
suppliers-trade-plumbing_hvac = Plumbing and HVAC
suppliers-trade-automation = Automation
suppliers-trade-environmental_measurement = Environmental measurement
suppliers-trade-transport = Transport
suppliers-trade-civil_works = Civil works
suppliers-trade-cleaning = Cleaning and sanitation
suppliers-trade-it_services = IT services
suppliers-trade-consulting = Consulting
suppliers-trade-marketing = Advertising and sponsorship

suppliers-size-small = Small company
suppliers-size-other = Medium-sized or large company

suppliers-offer-offered = Offered, not answered
suppliers-offer-accepted = Accepted
suppliers-offer-declined = Declined
suppliers-offer-lapsed = Lapsed

suppliers-invoice-kind-invoice = Invoice
suppliers-invoice-kind-credit_note = Credit note

suppliers-invoice-received = Received, waiting for attestation
suppliers-invoice-attested = Attested, waiting for the budget owner
suppliers-invoice-approved = Approved for payment
suppliers-invoice-disputed = Disputed
suppliers-invoice-paid = Paid
suppliers-invoice-credited = Credited

suppliers-problem-bankgiro = Not a bankgiro number: 7 or 8 digits, the last a check digit.
suppliers-problem-plusgiro = Not a plusgiro number: 2 to 8 digits, the last a check digit.
suppliers-problem-iban = Not an IBAN: country code, two check digits and the account, of the country's length.
suppliers-problem-bic = Give a BIC of 8 or 11 characters, for example ESSESESS.
suppliers-problem-bic-country = The BIC belongs to another country than the IBAN.
suppliers-problem-no-account = Give a bankgiro, a plusgiro or an IBAN with BIC so the supplier can be paid.
suppliers-problem-several-accounts = Give only one of bankgiro, plusgiro and IBAN.
suppliers-problem-vat = Not a VAT registration number. A Swedish one is SE, the organisation number and 01.
suppliers-problem-vat-org = A Swedish VAT number must hold the supplier's organisation number.
suppliers-problem-unknown-trade = Unknown trade: { $code }.
suppliers-problem-no-trade = Give at least one trade.
suppliers-problem-org-taken = Another supplier has organisation number { $number }.
suppliers-problem-duplicate = The same organisation number is already on line { $line }.
suppliers-problem-header = The first line must name the columns: { $expected }.
suppliers-problem-not-utf8 = Save the file as UTF-8.
suppliers-problem-not-a-boolean = Write yes or no.
suppliers-problem-email = Not an e-mail address.
suppliers-problem-offer-answered = The offer has already been answered.
suppliers-problem-offer-closed = The offer can no longer be answered.
suppliers-problem-not-eligible = The policy in force offers this supplier no shorter terms.

suppliers-measure-normal = Suppliers are paid on their agreed terms, at most 30 days.
suppliers-measure-shortened-all = All suppliers are offered payment within { $days } days.
suppliers-measure-shortened-local = Local suppliers are offered payment within { $days } days.
suppliers-measure-shortened-small = Small suppliers are offered payment within { $days } days.
suppliers-measure-shortened-trade = Suppliers in the trade { $trade } are offered payment within { $days } days.

effect-suppliers-offers = Suppliers sent the offer by e-mail
effect-suppliers-suppliers_unreachable = Suppliers covered but without an e-mail address
effect-suppliers-brought_forward_if_accepted_ore = Amount paid earlier if all accept
effect-suppliers-invoices_brought_forward_if_accepted = Open invoices brought forward if all accept
effect-suppliers-offers_lapsing = Unanswered offers that lapse

suppliers-offer-title = Offer of shorter payment terms
suppliers-offer-intro = We offer { $supplier } payment within { $days } days instead of { $standard } for invoices we receive from { $from }.
suppliers-offer-until = The offer covers invoices we receive up to and including { $until }.
suppliers-offer-open-invoices = Your invoices already sent and not yet paid are brought forward too.
suppliers-offer-answer-by = Please answer by { $date }.
suppliers-offer-state = State: { $state }
suppliers-offer-accept = Yes, we want to be paid within { $days } days
suppliers-offer-decline = No thank you, we keep our terms
suppliers-offer-answer = Answer
suppliers-answer-accepted = Thank you! Your invoices are now paid within { $days } days.
suppliers-answer-declined = Thank you for answering. Your usual terms apply.

suppliers-refusal-rules = Breaks rules that make the invoice invalid (EN 16931 or Peppol BIS 3).
suppliers-refusal-unreadable = The file is not a readable Peppol invoice (UBL Invoice or CreditNote).
suppliers-refusal-unknown_supplier = The seller is not in the supplier register.
suppliers-refusal-currency = The invoice is not in Swedish kronor.
suppliers-refusal-number_taken = The supplier has already sent another invoice with the same number.

suppliers-list-title = Suppliers
suppliers-list-intro = { $count } suppliers, { $local } of them local.
suppliers-inbox-title = Inbox of e-invoices not taken in
suppliers-inbox-intro = E-invoices that were stopped, with the reasons. Ask the supplier to send a corrected invoice.
suppliers-inbox-empty = No stopped e-invoices.
suppliers-col-name = Name
suppliers-col-org = Organisation number
suppliers-col-municipality = Municipality
suppliers-col-size = Size
suppliers-col-trades = Trades
suppliers-col-pay-to = Paid to
suppliers-col-terms = Payment terms (days)
suppliers-col-days = Days
suppliers-col-from = From
suppliers-col-answer-by = Answer by
suppliers-col-state = State
suppliers-col-number = Invoice number
suppliers-col-received = Received
suppliers-col-due = Due date
suppliers-col-amount = Amount
suppliers-col-rule = Rule
suppliers-col-message = What is wrong
suppliers-col-where = Where in the file
suppliers-local = local
suppliers-inactive = inactive
suppliers-shortened = shorter terms
suppliers-contacts = Contact people
suppliers-offers = Offers of shorter payment terms
suppliers-no-offers = No offers.
suppliers-invoices = Invoices
suppliers-no-invoices = No invoices.
suppliers-fact-vat = VAT registration number
suppliers-fact-f-skatt = F-tax approval
suppliers-fact-yes = Yes
suppliers-fact-no = No
suppliers-pay-bankgiro = Bankgiro { $number }
suppliers-pay-plusgiro = Plusgiro { $number }
suppliers-pay-iban = IBAN { $iban } (BIC { $bic })
suppliers-pay-none = Missing

nav-suppliers = Suppliers

suppliers-new = New supplier
suppliers-edit = Edit
suppliers-save = Save
suppliers-active = Active supplier
suppliers-contact-email = E-mail
suppliers-contact-phone = Phone
suppliers-pay-help = Fill in one of bankgiro, plusgiro or IBAN (with BIC).
suppliers-import-title = Import the register from a file
suppliers-import-help = CSV with a header row, for example org_number;name;bankgiro;municipality;trades;f_skatt. All or nothing.
suppliers-import-file = File
suppliers-import = Import
suppliers-imported = { $inserted } new, { $updated } changed, { $unchanged } unchanged suppliers.
suppliers-not-imported = Nothing was imported: line { $line }, field { $field }: { $reason }
suppliers-choose-file = Choose a file to import.

suppliers-einvoice-upload-title = Receive e-invoices
suppliers-einvoice-upload-help = Peppol BIS Billing 3.0 (UBL Invoice or CreditNote), one or more files. Each file is checked against the rules; a file received before changes nothing.
suppliers-einvoice-files = Files
suppliers-einvoice-upload = Receive
suppliers-einvoice-choose = Choose one or more XML files.
suppliers-einvoice-received = { $accepted } of { $files } files were taken in as invoices; { $refused } were stopped and are listed below.
suppliers-reply-title = Draft reply to the supplier
suppliers-reply-label = Reply to copy
suppliers-reply-body = Hello! We have received your e-invoice { $number } (the file { $file }) but cannot accept it: { $reason }. Please correct what is listed below and send a new invoice. Do not send the same file again.
suppliers-reply-rule = { $rule }: { $message }
effect-suppliers-paid_earlier_week_1_ore = Paid earlier if all accept: in the first week
effect-suppliers-paid_earlier_week_2_ore = Paid earlier if all accept: in the second week
effect-suppliers-paid_earlier_week_3_ore = Paid earlier if all accept: in the third week
effect-suppliers-paid_earlier_later_ore = Paid earlier if all accept: later

# Chart axes (views::charts)
reports-axis-month = Month
reports-axis-days = Days to payment
reports-axis-week = Week starting
reports-axis-kr = Kronor
