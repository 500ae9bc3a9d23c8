//! Typed ids of the stored rows people and services refer to; see [`crate::id!`].

crate::id!(
    /// A customer (`customers.id`), private person or business.
    CustomerId,
    /// A meter point (`meter_points.id`); its market identity is the anläggnings-id.
    MeterPointId,
    /// A customer's subscription to a service (`subscriptions.id`).
    SubscriptionId,
    /// A staff or customer account (`users.id`).
    UserId,
    /// An invoice (`invoices.id`).
    InvoiceId,
    /// A recorded payment (`payments.id`).
    PaymentId,
    /// An imported BgMax file (`bgmax_files.id`).
    BgmaxFileId,
    /// A request for more time to pay (`arrangements.id`).
    ArrangementId,
    /// A supplier (`suppliers.id`).
    SupplierId,
    /// A supplier's contact person (`supplier_contacts.id`).
    SupplierContactId,
    /// An offer of shorter payment terms to a supplier (`supplier_offers.id`).
    SupplierOfferId,
    /// An invoice or credit note from a supplier (`supplier_invoices.id`).
    SupplierInvoiceId,
    /// An e-invoice file as received (`supplier_documents.id`).
    SupplierDocumentId,
    /// A proposal to pay suppliers on a day (`supplier_payment_proposals.id`).
    PaymentProposalId,
    /// One payment of a proposal (`supplier_payments.id`).
    SupplierPaymentId,
    /// A pain.001 file of a proposal (`supplier_payment_files.id`).
    PaymentFileId,
    /// An entry of the bank's files that matched no payment (`supplier_bank_entries.id`).
    BankEntryId,
    /// A project with work for suppliers (`supplier_projects.id`).
    ProjectId,
    /// A work order to a supplier (`supplier_work_orders.id`).
    WorkOrderId,
    /// A member of staff (`staff.id`).
    StaffId,
    /// A customer-centre site (`sites.id`).
    SiteId,
    /// A service offered at a site (`site_services.id`).
    SiteServiceId,
    /// A booked visit to the customer centre (`visits.id`).
    VisitId,
    /// A place on the customer centre's waitlist (`visit_waitlist.id`).
    WaitId,
    /// A customer-service case (`cases.id`).
    CaseId,
    /// One entry of a case's history (`case_entries.id`).
    CaseEntryId,
    /// A chat (`chats.id`).
    ChatId,
    /// One chat message (`chat_messages.id`).
    ChatMessageId,
    /// A meter-exchange campaign (`campaigns.id`).
    CampaignId,
    /// One meter point's job in a campaign (`campaign_jobs.id`).
    CampaignJobId,
    /// A planning run started from the planner's page (`plan_runs.id`).
    PlanRunId,
    /// A crew of technicians (`crews.id`).
    CrewId,
    /// A sealed "no home visits" declaration (`home_visit_declarations.id`).
    DeclarationId,
    /// An effective-dated policy (`policies.id`).
    PolicyId,
    /// A named bundle of policies (`modes.id`).
    ModeId,
    /// A message to a customer or a member of staff (`outbox.id`).
    OutboxId,
    /// A background job (`jobs.id`).
    JobId,
    /// A login session (`sessions.id`).
    SessionId,
    /// An entry of the audit log (`audit_log.id`).
    AuditEntryId,
    /// A critical function that must be staffed (`continuity_functions.id`).
    FunctionId,
    /// One shift of a critical function (`continuity_shifts.id`).
    ShiftId,
    /// One person on one shift on one day (`roster_entries.id`).
    RosterEntryId,
    /// A reported absence (`absences.id`).
    AbsenceId,
    /// A request to cover a shift (`cover_requests.id`).
    CoverRequestId,
    /// A contingency plan (`contingency_plans.id`).
    PlanId,
    /// A contingency exercise (`contingency_exercises.id`).
    ExerciseId,
    /// A daily situation report (`situation_reports.id`).
    ReportId,
    /// An item of the company's stock of critical supplies (`community_items.id`).
    StockItemId,
    /// One entry of the community ledger (`community_ledger.id`).
    LedgerEntryId,
    /// A free broadband upgrade (`broadband_upgrades.id`).
    UpgradeId,
    /// A provisioning order to the network operator (`provisioning_orders.id`).
    ProvisioningOrderId,
    /// An application for event support (`community_events.id`).
    EventId,
    /// A sponsorship agreement with a club (`sponsorship_agreements.id`).
    AgreementId,
    /// One instalment of a sponsorship agreement (`sponsorship_instalments.id`).
    InstalmentId,
    /// A summer-job posting (`summer_postings.id`).
    PostingId,
    /// An application for a summer job (`summer_applications.id`).
    ApplicationId,
);
