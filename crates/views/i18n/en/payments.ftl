# Supplier payments: attestation, payment proposals, the bank's files.

suppliers-proposal-proposed = Proposed, waiting for approval
suppliers-proposal-approved = Approved
suppliers-proposal-cancelled = Cancelled

suppliers-payment-proposed = In a proposal
suppliers-payment-sent = Sent to the bank
suppliers-payment-accepted = Accepted by the bank
suppliers-payment-rejected = Rejected by the bank
suppliers-payment-paid = Paid
suppliers-payment-cancelled = Cancelled

suppliers-entry-unmatched = Not matched
suppliers-entry-resolved = Looked into

suppliers-problem-not-an-invoice = Only an invoice can be attested, paid or credited.
suppliers-problem-not-a-credit-note = That is not a credit note.
suppliers-problem-not-awaiting = The invoice is { $state ->
    [received] received
    [attested] attested
    [approved] approved for payment
    [disputed] disputed
    [paid] paid
    *[credited] credited
  } and is not waiting for this.
suppliers-problem-same-attester = The person who attested the delivery may not also approve the amount.
suppliers-problem-no-approval-right = Your role may not approve invoices.
suppliers-problem-over-limit = The amount is above your role's approval limit of { $limit }.
suppliers-problem-credit-too-large = The credit note is larger than the { $left } left to pay.
suppliers-problem-other-supplier = The credit note is from another supplier.
suppliers-problem-no-debtor-account = No account to pay from is set up for this kind of payment.
suppliers-problem-proposal-closed = The payment proposal is no longer open.
suppliers-problem-own-proposal = The person who made the proposal may not approve it.
suppliers-problem-nothing-to-pay = Nothing falls due for payment by that day.
suppliers-problem-not-a-bank-file = The file is neither a status report (pain.002) nor a debit notification (camt.054).
suppliers-problem-pay-date-passed = The payment day has passed.

# The bank's reason codes (ISO 20022 ExternalStatusReason1Code).
pay-reason-AC01 = Incorrect account number
pay-reason-AC03 = Incorrect creditor account
pay-reason-AC04 = The account is closed
pay-reason-AC06 = The account is blocked
pay-reason-AG01 = The transaction is not allowed on the account
pay-reason-AM04 = Insufficient funds
pay-reason-AM05 = Duplicate
pay-reason-BE05 = Unknown initiating party
pay-reason-DT01 = Invalid date
pay-reason-DUPL = The payment is a duplicate
pay-reason-FF01 = Invalid file format
pay-reason-MS02 = Reason not specified by the creditor
pay-reason-MS03 = Reason not specified by the bank
pay-reason-NARR = The reason is in the bank's text
pay-reason-RC01 = Incorrect bank identifier (BIC)
pay-reason-RR01 = The debtor's account or identity is missing
pay-reason-other = Reason code { $code }

suppliers-problem-bank-file = Line { $line }, column { $column } ({ $path }): { $fault ->
    [not_utf8] the file is not saved as UTF-8.
    [xml] the file is not well-formed XML.
    [unsupported] it is not an ISO 20022 message in a version that can be read.
    [missing] a required element is missing.
    [attribute] a required attribute is missing.
    [empty] the element is empty.
    [amount] the amount is not an amount with at most two decimals.
    [date] the date cannot be read.
    [indicator] debit/credit must be DBIT or CRDT.
    [boolean] the value must be true or false.
    [status] the status code is not in ISO's code list.
    *[other] the payment has no status.
  } Correct the file or ask the bank for a new one.
suppliers-problem-account-name-taken = Another account already has that name.
suppliers-problem-payee-kind-taken = Another account already pays this kind of payment.

payments-title = Attestation and payment
payments-attest-title = To attest
payments-attest-intro = The person who ordered the work attests the delivery; then a budget owner approves the amount within their limit. The same person may not do both.
payments-attest-empty = Nothing is waiting for attestation.
payments-col-amount = Amount
payments-col-due = Due
payments-col-state = State
payments-col-action = Action
payments-col-account = Account
payments-col-version = Format
payments-col-count = Payments
payments-col-file = File
payments-col-e2e = Payment id
payments-col-reference = Reference
payments-col-booked = Booked
payments-attest = Attest the delivery
payments-approve = Approve the amount
payments-resolve = The dispute is resolved
payments-dispute = Dispute
payments-dispute-reason = Reason
payments-settle = Settle
payments-settle-against = Against invoice
payments-proposals-title = Payment proposals
payments-propose-help = The proposal takes approved invoices due by that day, with what is left after credit notes. Another person in finance approves it before the files go to the bank.
payments-pay-date = Payment day
payments-propose = Make a proposal
payments-proposals-empty = No payment proposals yet.
payments-proposal-heading = Payment { $day }
payments-proposed-by = Proposed by
payments-decided-by = Decided by
payments-download = Download pain.001
payments-approve-proposal = Approve the proposal
payments-cancel-proposal = Cancel
payments-bank-title = The bank's files
payments-bank-help = Status reports (pain.002) and debit notifications (camt.054) from the bank. A file is taken in once.
payments-bank-file = File from the bank
payments-bank-upload = Take in
payments-entries-title = Bank entries not matched
payments-entries-empty = Every entry of the bank's files has been matched.
payments-entry-note = What was done
payments-entry-resolve = Mark looked into
payments-choose-file = Choose a file from the bank.
payments-attested = The delivery is attested.
payments-approved = The amount is approved for payment.
payments-disputed = The invoice is disputed.
payments-resolved = The invoice waits for attestation again.
payments-settled = The credit note is settled.
payments-proposed = Proposal for { $day }: { $files } files with { $payments } payments.
payments-proposal-approved = The proposal is approved. The files may be sent to the bank.
payments-proposal-cancelled = The proposal is cancelled.
payments-bank-taken = { $kind } { $message }: { $accepted } accepted, { $rejected } rejected, { $paid } paid, { $returned } returned, { $unmatched } not matched.
payments-bank-already = { $kind } { $message } was taken in before; nothing changed.
payments-entry-resolved = The entry is looked into.
payments-link = Attestation and payment

suppliers-group-local = Local
suppliers-group-small = Small (not local)
suppliers-group-other = Other

reports-title = Supplier reports
reports-link = Reports
reports-days-title = Days to pay
reports-days-intro = Average days from an invoice received to its payment, per supplier group and month. The target of the policy in force: { $target } days.
reports-group = Group
reports-cell = { $days } d ({ $count })
reports-spend-title = Purchases from local suppliers per trade
reports-spend-empty = No invoices from local suppliers in these months.
reports-forecast-title = Liquidity over the coming 13 weeks
reports-forecast-intro = Expected payments from customers (due date, granted extensions and the customer's habit of paying late) against payments to suppliers under the terms in force.
reports-what-if-help = What if suppliers were paid on shorter terms from today? The cost shows in the weeks it falls.
reports-what-if-days = Payment terms in days
reports-what-if-rule = For
reports-what-if-show = Show
reports-what-if-local = local suppliers
reports-what-if-small = small suppliers
reports-what-if-all = all suppliers
reports-week = Week from
reports-in = In from customers
reports-out = Out to suppliers
reports-balance = Cumulative net
reports-out-if = Out on shorter terms
reports-balance-if = Net on shorter terms
reports-cost = Cost so far
reports-chart-days = Days to pay per group and month
reports-chart-forecast = Cumulative net week by week
reports-chart-desc = The table below the chart holds the same figures.
reports-target = Target { $days } days
reports-series-now = The terms in force
reports-series-if = On shorter terms

payments-rejected-title = Payments the bank rejected
payments-rejected-intro = The invoices come with the next payment proposal. Correct the supplier's account first if the reason concerns the account.
payments-col-reason = Reason
