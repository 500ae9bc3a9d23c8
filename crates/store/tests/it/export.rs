//! The customer-data export (GDPR art. 15) is complete by construction: every table is either
//! reachable from `customers` by foreign keys (and so exported) or named below as holding no
//! customer's data, with the reason. A new table fails this test until its author decides.

use std::collections::BTreeSet;

use test_support::{BACKENDS, test_store};

/// Tables that hold no data about a customer, and why.
const NOT_CUSTOMER_DATA: &[(&str, &str)] = &[
    ("settings", "installation settings"),
    (
        "login_failures",
        "rate-limit counters by account name and address, pruned",
    ),
    (
        "login_attempts",
        "rate-limit counters by account name and address, pruned",
    ),
    ("audit_head", "the audit chain's head"),
    (
        "sign_on_requests",
        "logins under way at an identity provider, ten minutes, no account yet",
    ),
    (
        "audit_log",
        "no foreign keys by design; exported by actor and object instead",
    ),
    (
        "plan_runs",
        "planning runs of the campaign: counts and the staff member who started each",
    ),
    ("modes", "crisis modes"),
    ("mode_policies", "policies of a mode"),
    ("jobs", "background job queue"),
    ("suppliers", "companies the utility buys from"),
    ("supplier_trades", "the trades a supplier works in"),
    (
        "supplier_contacts",
        "people at supplier companies, reached in their work",
    ),
    (
        "supplier_offers",
        "offers of shorter payment terms to suppliers",
    ),
    ("supplier_invoices", "invoices from suppliers"),
    ("supplier_documents", "e-invoice files from suppliers"),
    ("supplier_document_findings", "the rules an e-invoice broke"),
    ("supplier_payment_proposals", "proposals to pay suppliers"),
    ("supplier_payments", "payments to suppliers"),
    ("supplier_payment_files", "pain.001 files to the bank"),
    (
        "supplier_bank_files",
        "the bank's status reports and notifications",
    ),
    (
        "supplier_bank_entries",
        "bank entries that matched no payment",
    ),
    ("supplier_projects", "the utility's projects"),
    ("supplier_work_orders", "work ordered from suppliers"),
    ("sites", "customer centres"),
    ("site_hours", "opening hours"),
    ("site_exceptions", "closed days"),
    ("site_services", "services a site offers"),
    ("visit_buckets", "occupancy counters without names"),
    (
        "visit_people",
        "lock rows keyed by a phone number or customer id, which the exported visits carry",
    ),
    ("reference_rates", "Riksbank reference rates"),
    ("bgmax_files", "bank files; their payments are exported"),
    ("campaigns", "meter-exchange campaigns"),
    ("crews", "fitting crews, own and subcontracted"),
    ("crew_days_off", "crews' absence"),
    ("teams", "customer-service teams"),
    // Continuity: staff rows are reachable through their accounts (staff.user_id), and with
    // them the tables about people; these hold no one's data.
    ("continuity_functions", "critical functions"),
    ("continuity_shifts", "shifts of critical functions"),
    (
        "coverage_alerts",
        "red shifts told to the continuity managers",
    ),
    ("contingency_plans", "contingency plans"),
    ("contingency_exercises", "contingency exercises"),
    ("service_status", "the state of each service"),
    (
        "situation_reports",
        "daily situation reports (counts, no names)",
    ),
    // Community: the ledger and upgrades are reachable by customer_id; these are not.
    ("community_items", "the company's stock of supplies"),
    (
        "community_events",
        "event applications from organisations (a contact person at the organiser)",
    ),
    ("sponsorship_agreements", "agreements with clubs"),
    ("sponsorship_instalments", "instalments paid to clubs"),
    ("summer_seasons", "summer-job seasons and their draws"),
    ("summer_postings", "summer jobs offered"),
    (
        "summer_applications",
        "young people's applications, not customers: purged after the season by their own rule",
    ),
];

#[tokio::test]
async fn every_table_is_exported_or_declared_free_of_customer_data() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let fks = store::export::foreign_keys(&store).await.unwrap();
        assert!(
            fks.iter()
                .any(|f| f.table == "invoices" && f.ref_table == "customers"),
            "{backend:?}: foreign keys were not read: {fks:?}"
        );
        let reachable: BTreeSet<String> =
            store::export::customer_tables(&fks).into_iter().collect();
        let columns = store::export::columns(&store).await.unwrap();
        let tables: BTreeSet<&str> = columns.iter().map(|(t, _)| t.as_str()).collect();
        for table in &tables {
            let declared = NOT_CUSTOMER_DATA.iter().any(|(t, _)| t == table);
            assert!(
                reachable.contains(*table) || declared,
                "{backend:?}: table {table} is neither reachable from customers by a foreign key \
                 (so the export cannot see it) nor declared free of customer data in this test"
            );
            assert!(
                !(reachable.contains(*table) && declared),
                "{backend:?}: table {table} is exported; remove it from NOT_CUSTOMER_DATA"
            );
        }
        // A column that names a customer must be a foreign key the walk can follow.
        for (table, column) in &columns {
            if column == "customer_id" || column.ends_with("_customer_id") {
                assert!(
                    fks.iter().any(|f| &f.table == table
                        && &f.column == column
                        && f.ref_table == "customers"),
                    "{backend:?}: {table}.{column} names a customer but is not a foreign key to customers"
                );
            }
        }
        for (t, _) in NOT_CUSTOMER_DATA {
            assert!(
                tables.contains(t),
                "{backend:?}: NOT_CUSTOMER_DATA names a table that does not exist: {t}"
            );
        }
    }
}

#[tokio::test]
async fn both_backends_report_the_same_foreign_keys() {
    let Some((sqlite, _a)) = test_store(test_support::Backend::Sqlite).await else {
        return;
    };
    let Some((pg, _b)) = test_store(test_support::Backend::Postgres).await else {
        return;
    };
    let a = store::export::foreign_keys(&sqlite).await.unwrap();
    let b = store::export::foreign_keys(&pg).await.unwrap();
    let set = |v: Vec<store::export::ForeignKey>| v.into_iter().collect::<BTreeSet<_>>();
    assert_eq!(set(a), set(b));
}
