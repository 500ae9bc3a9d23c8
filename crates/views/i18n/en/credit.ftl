# Credit
nav-extension = More time to pay
nav-credit = Credit
nav-finance = Finance
invoice = Invoice
invoice-status-open = Unpaid
invoice-status-partly_paid = Partly paid
invoice-status-paid = Paid
invoice-status-overdue = Overdue
invoice-status-extension = Extension
invoice-status-collection = Debt collection
arrangement-status-referred = Sent to a credit officer
arrangement-status-approved = Granted
arrangement-status-refused = Refused
arrangement-status-broken = Arrangement broken
arrangement-status-completed = Paid in full
arrangement-status-withdrawn = Withdrawn
arrangement-kind-extension = Later due date
arrangement-kind-instalments = Instalment plan
arrangement-source-portal = My pages
arrangement-source-agent = Customer service
charge-kind-reminder_fee = Reminder fee
charge-kind-interest = Late-payment interest
payment-source-bgmax = Bankgiro (BgMax)
payment-source-manual = Entered by hand
payment-source-demo = Demo
credit-decision-approve = Approved
credit-decision-refer = Referred to a credit officer
credit-decision-refuse = Refused
credit-invoice-state-open = Unpaid
credit-invoice-state-overdue = Overdue
credit-invoice-state-partly_paid = Partly paid
credit-invoice-state-paid = Paid
credit-invoice-state-in_extension = Extended
credit-invoice-state-with_collection = Debt collection
credit-what-extension = New due date { $date }
credit-what-instalments = { $count } monthly instalments
extension-title = More time to pay and instalments
extension-intro = Finding it hard to pay? Ask for a later due date or to split the amount. If you meet the conditions you get an answer at once; otherwise a credit officer assesses your request.
extension-what = What you ask for
extension-new-date = A later due date
extension-date = New due date
extension-instalments = Split into monthly payments
extension-count = Number of months
extension-submit = Send the request for invoice { $number }
extension-mine = My requests
credit-queue-title = Requests for more time to assess
credit-queue-empty = No requests are waiting.
credit-customer = Customer
credit-why-referred = Why referred
credit-reasons = The policy's assessment
credit-history = Reminders, broken arrangements and debt collection in the last 12 months
credit-decide = Decision
credit-note = Reason (kept in the history)
credit-approve = Grant
credit-refuse = Refuse
credit-collection = Debt-collection list
credit-collection-csv = Download as CSV
credit-collection-empty = No invoices on the debt-collection list.
credit-collection-since = On the list since
finance-title = Payments and interest
finance-import = Import a BgMax file
finance-file = File from Bankgirot
finance-file-help = The file as it came from the bank. All or nothing is imported, and a file imported before is not counted twice.
finance-import-submit = Import
finance-choose-file = Choose a file.
finance-imported = { $payments } payments ({ $amount }) imported: { $matched } matched, { $unmatched } to the matching queue, { $already } already imported.
finance-not-imported = Nothing was imported: { $reason }
finance-queue = Payments to match
finance-queue-empty = No payments are waiting to be matched.
finance-paid-on = Paid on
finance-reference = Reference
finance-payer = Payer
finance-match = Match
finance-match-to = OCR or invoice number
finance-rates = Reference rate (räntelagen 9 §)
finance-valid-from = Valid from
finance-reference-rate = Reference rate (%)
finance-late-rate = Late-payment interest (%)
finance-dunning = Reminders and interest
finance-dunning-help = Runs every night. Reminders go out after the due date plus grace days; a fee only where the customer agreed to one; interest is never charged for a day inside an approved extension.
finance-dunning-run = Run now
finance-dunning-done = { $reminders } reminders ({ $fees } in fees), { $collection } to debt collection, { $broken } broken arrangements, interest on { $interest_count } invoices ({ $interest }).
finance-board-report = Board report (CSV)
extension-for-caller = More time to pay for the caller
extension-submit-agent = Check against the credit policy
credit-interest-accrued = Late-payment interest accrued
credit-reason-invoice-state-ok = The invoice can be given an extension
credit-reason-invoice-paid = The invoice is already paid
credit-reason-invoice-collection = The invoice has been sent to debt collection
credit-reason-invoice-extended = The invoice already has an extension
credit-reason-invoice-state-no = The invoice cannot be extended
credit-reason-outstanding = Left to pay: { $amount }
credit-reason-nothing-outstanding = Nothing is left to pay on the invoice
credit-reason-new-due-after = The new due date { $new_due } is after { $current }
credit-reason-new-due-not-after = The new due date { $new_due } must be after { $current }
credit-reason-new-due-ahead = The new due date { $new_due } has not passed
credit-reason-new-due-passed = The new due date { $new_due } has already passed
credit-reason-instalments = { $n } instalments
credit-reason-instalments-too-few = An instalment plan needs at least 2 instalments
credit-reason-instalments-too-many = An instalment plan can have at most { $max } instalments
credit-reason-max-amount-ok = The amount is at most { $max }
credit-reason-max-amount-over = The amount is over { $max }
credit-reason-auto-approve-ok = The amount is within the limit for automatic approval, { $max }
credit-reason-auto-approve-over = The amount is over the limit for automatic approval, { $max }
credit-reason-extension-days-ok = The extension is { $days ->
    [one] 1 day
   *[other] { $days } days
}; at most { $max ->
    [one] 1 day
   *[other] { $max } days
} are allowed
credit-reason-extension-days-over = The extension is { $days ->
    [one] 1 day
   *[other] { $days } days
}, longer than { $max ->
    [one] 1 day
   *[other] { $max } days
}
credit-reason-max-instalments-ok = { $n } instalments; at most { $max } are allowed
credit-reason-max-instalments-over = { $n } instalments, more than { $max }
credit-reason-reminders-off = Reminders are not checked under the policy
credit-reason-reminders = { $count ->
    [0] No reminders
    [one] 1 reminder
   *[other] { $count } reminders
} in { $months ->
    [one] the last month
   *[other] the last { $months } months
}
credit-reason-reminders-latest = { $count ->
    [0] No reminders
    [one] 1 reminder
   *[other] { $count } reminders
} in { $months ->
    [one] the last month
   *[other] the last { $months } months
}, the latest on { $latest }
credit-reason-broken-off = Broken payment arrangements are not checked under the policy
credit-reason-broken = { $count ->
    [0] No broken payment arrangements
    [one] 1 broken payment arrangement
   *[other] { $count } broken payment arrangements
} in { $months ->
    [one] the last month
   *[other] the last { $months } months
}
credit-reason-broken-latest = { $count ->
    [0] No broken payment arrangements
    [one] 1 broken payment arrangement
   *[other] { $count } broken payment arrangements
} in { $months ->
    [one] the last month
   *[other] the last { $months } months
}, the latest on { $latest }
credit-reason-collections-off = Debt collections are not checked under the policy
credit-reason-collections = { $count ->
    [0] No invoices sent to debt collection
    [one] 1 invoice sent to debt collection
   *[other] { $count } invoices sent to debt collection
} in { $months ->
    [one] the last month
   *[other] the last { $months } months
}
credit-reason-collections-latest = { $count ->
    [0] No invoices sent to debt collection
    [one] 1 invoice sent to debt collection
   *[other] { $count } invoices sent to debt collection
} in { $months ->
    [one] the last month
   *[other] the last { $months } months
}, the latest on { $latest }
credit-reason-active = { $count ->
    [0] No other active payment arrangements
    [one] The customer already has 1 active payment arrangement
   *[other] The customer already has { $count } active payment arrangements
}
credit-reason-recorded = The rule { $code } { $passed ->
    [yes] was met
   *[no] was not met
}
credit-fee-charged = Reminder fee { $fee } as agreed (Debt Recovery Costs Act, sections 2 and 4)
credit-fee-not-agreed = No reminder fee: the fee was not agreed with the customer (Debt Recovery Costs Act, section 2)
credit-problem-no-such-invoice = No invoice has that OCR or invoice number.
credit-problem-already-matched = The payment has been matched already.
credit-problem-already-decided = The request has been decided already.
credit-problem-already-requested = The invoice already has a request for more time waiting for a decision or in force.
credit-problem-own-request = You cannot decide a request you filed yourself. Another credit officer needs to decide it.
credit-problem-rate-start = A reference rate applies from 1 January or 1 July.
credit-problem-rate-range = The rate must be between { $min } and { $max } per cent.
credit-problem-not-a-percent = Enter the rate in per cent, for example 2,00.
credit-problem-ocr-taken = An OCR reference of the file belongs to another invoice already.
credit-problem-bgmax-test-file = The file is a Bankgirot test file (TK01 marker T); test files are never booked. Import the production file.
credit-problem-bgmax-conflicting-file = A file with the same TK01 timestamp and receiving bankgiro ({ $key }) but other payments was imported before. Bankgirot never reuses a timestamp, so ask the bank which file is right before importing.
credit-problem-not-utf8 = The file is not UTF-8. Save it as UTF-8.
credit-problem-csv-header = The first row must have the columns { $expected }.
credit-problem-csv-field-count = The row has { $found } fields but should have { $expected }.
credit-problem-csv-unreadable = The row cannot be read as CSV.
credit-problem-duplicate-invoice = The invoice number { $number } appears twice in the file.
credit-problem-due-before-issued = The due date is before the issue date.
credit-problem-not-an-amount = { $found } is not an amount in kronor such as 1 234,50.
credit-problem-unknown-customer = There is no customer with customer number { $number }.
credit-bgmax-advice-empty = check that the right file was chosen; a BgMax file is never empty
credit-bgmax-advice-utf8 = the file was converted to UTF-8 after it left the bank; import the original ISO-8859-1 file from the bank instead
credit-bgmax-advice-layout = this is not a BgMax version 01 file; check that the right file was chosen and that the bank agreement delivers Bankgiro Inbetalningar in BgMax format
credit-bgmax-advice-ocr = Bankgirot reports reference code 2 only for references that passed the OCR check, so the file is damaged; fetch it from the bank again, and if the error remains, contact the bank
credit-bgmax-advice-truncated = the file is incomplete; wait until the transfer has finished or fetch the file from the bank again
credit-bgmax-advice-totals = do not book this file: it is incomplete or damaged; fetch it from the bank again, and if the error remains, contact Bankgirot with the file's date
credit-bgmax-advice-damaged = the file is not an unmodified BgMax file from Bankgirot; fetch the original file from the bank again (do not open and save it in an editor or convert it) and import that
credit-problem-bgmax-empty_file = line { $line }, field { $field }: the file is empty — { credit-bgmax-advice-empty }.
credit-problem-bgmax-byte_order_mark = line { $line }, field { $field }: the file starts with a UTF-8 byte-order mark; BgMax files are ISO-8859-1 — { credit-bgmax-advice-utf8 }.
credit-problem-bgmax-tab = line { $line }, field { $field }: TAB character at column { $column }; fixed-position fields after it are shifted — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-control_character = line { $line }, field { $field }: control character { $byte } at column { $column } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-looks_like_utf8 = line { $line }, field { $field }: UTF-8 encoded character at column { $column }; BgMax files are ISO-8859-1 — { credit-bgmax-advice-utf8 }.
credit-problem-bgmax-too_long = line { $line }, field { $field }: the record is { $length } characters long; BgMax records have 80 — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-empty_line = line { $line }, field { $field }: empty line inside the file — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-unknown_record_type = line { $line }, field { $field }: unknown record type { $code } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-not_digits = line { $line }, field { $field }: expected digits, found { $value } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-blank = line { $line }, field { $field }: the field is blank — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-invalid_code = line { $line }, field { $field }: invalid value { $value }; allowed: { $allowed } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-invalid_date = line { $line }, field { $field }: { $value } is not a valid date or time — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-wrong_layout = line { $line }, field { $field }: layout name is { $found }, expected BGMAX — { credit-bgmax-advice-layout }.
credit-problem-bgmax-unsupported_version = line { $line }, field { $field }: layout version { $found } is not supported; expected 01 — { credit-bgmax-advice-layout }.
credit-problem-bgmax-invalid_currency = line { $line }, field { $field }: { $value } is not a currency code — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-ocr_format = line { $line }, field { $field }: reference { $reference } has reference code 2 (correct OCR) but is not 2–25 digits — { credit-bgmax-advice-ocr }.
credit-problem-bgmax-ocr_check_digit = line { $line }, field { $field }: reference { $reference } has reference code 2 (correct OCR) but fails the check digit — { credit-bgmax-advice-ocr }.
credit-problem-bgmax-missing_start = line { $line }, field { $field }: the file must start with a TK01 start record, found { $record } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-duplicate_start = line { $line }, field { $field }: a second TK01 start record; the first is on line { $first_line } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-outside_section = line { $line }, field { $field }: { $record } outside a section: no TK05 opening record before it — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-section_not_closed = line { $line }, field { $field }: { $record } while the section opened on line { $opened_line } has no TK15 deposit record — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-outside_payment = line { $line }, field { $field }: { $record } before any TK20 or TK21 payment record of the section — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-out_of_order = line { $line }, field { $field }: { $record } out of order for the payment on line { $payment_line }; the order is TK22/TK23/TK25, then TK26, TK27, TK28, TK29 — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-duplicate = line { $line }, field { $field }: a second { $record } for the payment on line { $payment_line } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-empty_section = line { $line }, field { $field }: TK15 closes the section opened on line { $opened_line }, which has no payments — { credit-bgmax-advice-totals }.
credit-problem-bgmax-after_end = line { $line }, field { $field }: { $record } after the TK70 end record on line { $end_line } — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-missing_end = line { $line }, field { $field }: the file ends here without a TK70 end record — { credit-bgmax-advice-truncated }.
credit-problem-bgmax-missing_end_in_section = line { $line }, field { $field }: the file ends here without a TK70 end record (and the section opened on line { $opened_line } has no TK15) — { credit-bgmax-advice-truncated }.
credit-problem-bgmax-currency_mismatch = line { $line }, field { $field }: deposit currency { $deposit } differs from the section's currency { $section } — { credit-bgmax-advice-totals }.
credit-problem-bgmax-deposit_amount_mismatch = line { $line }, field { $field }: deposit amount is { $stated } öre, but the section's payments minus deductions are { $computed } öre — { credit-bgmax-advice-totals }.
credit-problem-bgmax-deposit_count_mismatch = line { $line }, field { $field }: deposit states { $stated } payments, but the section has { $computed } TK20 and TK21 records — { credit-bgmax-advice-totals }.
credit-problem-bgmax-end_count_mismatch = line { $line }, field { $field }: end record states { $stated }, but the file has { $computed } — { credit-bgmax-advice-totals }.
credit-problem-bgmax-extra_reference_sum_mismatch = line { $line }, field { $field }: the payment is { $payment } öre, but its TK22 amounts minus TK23 amounts are { $extra } öre — { credit-bgmax-advice-damaged }.
credit-problem-bgmax-other = line { $line }, field { $field }: { $detail } — { credit-bgmax-advice-damaged }.
credit-measure-extension = Extensions of up to { $days } days and { $amount }
credit-measure-clean-history = Requires no reminders, broken arrangements or debt collection in the last { $months } months
credit-measure-history-unchecked = The payment history is not checked
credit-measure-interest-waived = No late-payment interest during an extension
credit-measure-interest-charged = Late-payment interest runs during an extension too
credit-measure-auto-approve = Approved automatically up to { $amount }
credit-measure-instalments = Up to { $count } instalments
credit-measure-reminder-grace = Reminder { $days } days after the due date
effect-credit-customers_newly_eligible = Customers who can now get an extension at once
effect-credit-interest_waived_ore = Late-payment interest not charged (estimate)
effect-credit-max_extension_days_before = Longest extension until now (days)
effect-credit-max_extension_days_after = Longest extension from now on (days)
