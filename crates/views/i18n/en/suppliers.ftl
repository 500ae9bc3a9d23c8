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
