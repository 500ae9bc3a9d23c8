//! The credit policy's hook on both backends: what a change of policy opens up, from live
//! data (three customers with known histories: one clean, one reminded last year, one over the
//! amount), applied as previewed and changing no invoice, the newly eligible customer told once
//! that they may ask for more time, twice under one key as once.

use domain::credit::InvoiceStatus;
use domain::policy::{Capability, CustomerChange, PolicyBody, Preset};
use jiff::civil::date;
use services::ServiceError;
use services::capability::{PolicyChange, Unit};
use test_support::BACKENDS;
use views::Lang;

use super::credit::{customer_with_invoices, services};

fn change(at: jiff::Timestamp) -> PolicyChange {
    PolicyChange {
        before: PolicyBody::preset(Capability::Credit, Preset::Normal),
        after: PolicyBody::preset(Capability::Credit, Preset::Pandemic),
        at,
        until: None,
    }
}

/// Rows a change could touch: arrangements, invoices in an extension, messages, recorded
/// customer changes.
async fn footprint(s: &services::Services) -> Vec<String> {
    store::backend::testing::query_strings(
        s.store(),
        "SELECT CAST((SELECT COUNT(*) FROM arrangements) AS TEXT) || ',' || \
         CAST((SELECT COUNT(*) FROM invoices WHERE status = 'extension') AS TEXT) || ',' || \
         CAST((SELECT COUNT(*) FROM outbox) AS TEXT) || ',' || \
         CAST((SELECT COUNT(*) FROM customer_changes) AS TEXT)",
    )
    .await
}

#[tokio::test]
async fn a_laxer_policy_opens_extensions_to_clean_histories_under_the_amount() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 2)).await else {
            continue;
        };
        let due = date(2026, 11, 10);
        // 3 000 kr: over the normal policy's automatic limit (2 000 kr), under the pandemic one's.
        let (clean, _) = customer_with_invoices(&s, 11, false, &[(300_000, due)]).await;
        let (reminded, _) = customer_with_invoices(&s, 12, false, &[(300_000, due)]).await;
        // 25 000 kr: over either policy's maximum (20 000 kr).
        let (large, _) = customer_with_invoices(&s, 13, false, &[(2_500_000, due)]).await;
        // A reminder on an invoice of last winter, inside both policies' twelve months.
        let old = store::backend::testing::query_strings(
            s.store(),
            &format!(
                "SELECT CAST(id AS TEXT) FROM invoices WHERE customer_id = {}",
                reminded.get()
            ),
        )
        .await[0]
            .clone();
        store::backend::testing::execute(
            s.store(),
            &format!(
                "INSERT INTO reminders (invoice_id, level, sent_on, due_on, fee_ore, created_at) \
                 VALUES ({old}, 1, '2026-01-15', '2026-01-26', 0, 0)"
            ),
        )
        .await;
        let credit = s.credit();
        let c = change(s.now());
        let preview = services::capability::PolicyHook::preview(&credit, &c)
            .await
            .unwrap();
        assert_eq!(preview.capability, Capability::Credit);
        assert_eq!(
            preview.customers,
            vec![(
                clean,
                CustomerChange::ExtensionAvailable {
                    invoices: 1,
                    max_days: 60,
                    interest_waived: true
                }
            )],
            "{backend:?}: the newly eligible customer is the one to tell"
        );
        let eligible = preview
            .effects
            .iter()
            .find(|e| e.key == "customers_newly_eligible")
            .unwrap();
        assert_eq!(eligible.ids, vec![clean.get()], "{backend:?}: {preview:?}");
        assert_eq!(eligible.value, 1);
        assert!(!eligible.ids.contains(&reminded.get()) && !eligible.ids.contains(&large.get()));
        // 3 000 kr from 11 November for 60 days at 10 % (reference 2 % + 8):
        // 3 000 × 0.10 × 60 / 365 = 49.315… kr.
        let waived = preview
            .effects
            .iter()
            .find(|e| e.key == "interest_waived_ore")
            .unwrap();
        assert_eq!(
            (waived.value, waived.unit()),
            (4_932, Unit::Ore),
            "{backend:?}"
        );
        assert_eq!(waived.ids.len(), 1);
        assert_eq!(preview.effect("max_extension_days_before"), 30);
        assert_eq!(preview.effect("max_extension_days_after"), 60);

        // Applying changes no invoice (the policy is read at each decision), reports what the
        // preview said, records the one customer to tell, and twice under one key is once.
        let before = footprint(&s).await;
        let hook = s
            .hook(Capability::Credit)
            .expect("credit is among the hooks");
        let applied = hook.apply(&c, "credit-test").await.unwrap();
        assert_eq!(applied, preview);
        assert_eq!(hook.apply(&c, "credit-test").await.unwrap(), preview);
        let after = footprint(&s).await;
        let counts =
            |f: &[String]| -> Vec<i64> { f[0].split(',').map(|n| n.parse().unwrap()).collect() };
        let (b, a) = (counts(&before), counts(&after));
        assert_eq!(
            &a[..3],
            &b[..3],
            "{backend:?}: no arrangement, invoice or message yet"
        );
        assert_eq!(a[3], b[3] + 1, "{backend:?}: one change recorded, once");
        assert_eq!(s.tell_customers("credit-test").await.unwrap(), 1);
        assert_eq!(
            s.tell_customers("credit-test").await.unwrap(),
            0,
            "told once"
        );
        let told = store::backend::testing::query_strings(
            s.store(),
            &format!(
                "SELECT subject FROM outbox WHERE customer_id = {} ORDER BY id DESC",
                clean.get()
            ),
        )
        .await;
        assert_eq!(
            told.first().map(String::as_str),
            Some("Du kan få mer tid att betala"),
            "{backend:?}"
        );
        // A change that starts later records nobody now (the activation applies it at its start).
        let later = change(
            s.now()
                .checked_add(jiff::SignedDuration::from_hours(24))
                .unwrap(),
        );
        let scheduled = hook.apply(&later, "credit-later").await.unwrap();
        assert_eq!(
            scheduled.customers.len(),
            1,
            "the impact still names who would be told"
        );
        assert_eq!(
            s.tell_customers("credit-later").await.unwrap(),
            0,
            "{backend:?}"
        );

        // The other way round nobody is newly eligible, and nothing is waived.
        let back = c.reverted(s.now());
        let reverse = hook.preview(&back).await.unwrap();
        assert_eq!(reverse.effect("customers_newly_eligible"), 0);
        assert_eq!(reverse.effect("interest_waived_ore"), 0);

        // The clean customer's request is what the preview assessed: referred under the
        // normal policy, granted by the platform once the pandemic policy is in force.
        let invoice = store::credit::unpaid_invoices_of(s.store(), clean)
            .await
            .unwrap()[0]
            .id;
        let customer = services::Actor {
            role: Some(domain::role::Role::Customer),
            customer_id: Some(clean),
            name: "kund".into(),
            ..services::Actor::system()
        };
        let ask = domain::credit::Ask::NewDueDate(date(2027, 1, 9));
        let now = credit
            .request_extension(&customer, invoice, ask)
            .await
            .unwrap();
        assert_eq!(now.assessment.decision, domain::credit::Decision::Refer);
        s.policies()
            .set(
                &services::Actor::system(),
                &c.after,
                s.now(),
                None,
                "pandemi",
            )
            .await
            .unwrap();
        let then = credit
            .request_extension(&customer, invoice, ask)
            .await
            .unwrap();
        assert_eq!(
            then.assessment.decision,
            domain::credit::Decision::Approve,
            "{backend:?}: {:?}",
            then.assessment.failed()
        );
        // The referral still waiting is withdrawn: the officers' queue does not hold it.
        assert!(
            credit
                .credit_queue()
                .await
                .unwrap()
                .iter()
                .all(|q| q.arrangement.invoice_id != invoice),
            "{backend:?}"
        );
        assert_eq!(
            store::credit::credit_invoice(s.store(), invoice)
                .await
                .unwrap()
                .unwrap()
                .status,
            InvoiceStatus::Extension
        );
    }
}

#[tokio::test]
async fn the_policy_is_described_in_both_languages_and_composes_only_its_own_changes() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 2)).await else {
            continue;
        };
        let hook = s.hook(Capability::Credit).unwrap();
        let normal = hook.describe(&PolicyBody::preset(Capability::Credit, Preset::Normal));
        let pandemic = hook.describe(&PolicyBody::preset(Capability::Credit, Preset::Pandemic));
        assert_eq!(normal.len(), pandemic.len());
        // What differs from everyday operation comes first: 60 days, no interest, 5 000 kr, 6.
        let keys: Vec<&str> = pandemic.iter().map(|m| m.key).collect();
        assert_eq!(
            &keys[..4],
            [
                "credit-measure-extension",
                "credit-measure-interest-waived",
                "credit-measure-auto-approve",
                "credit-measure-instalments"
            ]
        );
        for m in normal.iter().chain(&pandemic) {
            for lang in [Lang::Sv, Lang::En] {
                let text = views::explain(lang, m);
                assert!(!text.contains('{') && text != m.key, "{m:?}: {text}");
            }
        }
        assert_eq!(
            views::explain(Lang::En, &pandemic[0]).replace('\u{a0}', " "),
            "Extensions of up to 60 days and 20 000,00 kr"
        );
        assert!(
            hook.describe(&PolicyBody::preset(Capability::Visits, Preset::Normal))
                .is_empty()
        );
        // Every effect has a name in both languages.
        for key in [
            "customers_newly_eligible",
            "interest_waived_ore",
            "max_extension_days_before",
            "max_extension_days_after",
        ] {
            let k = format!("effect-credit-{key}");
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(views::translate(lang, &k, &[]), k);
            }
        }
        // Its own change says where to ask; another capability's change is a bug, not a message.
        let own = CustomerChange::ExtensionAvailable {
            invoices: 2,
            max_days: 60,
            interest_waived: true,
        };
        match hook.change_item(&own).await.unwrap() {
            views::messages::policy::ChangeItem::ExtensionAvailable {
                invoices,
                max_days,
                link,
                ..
            } => {
                assert_eq!((invoices, max_days), (2, 60));
                assert!(link.ends_with("/mina-sidor/anstand"), "{link}");
            }
            other => panic!("{other:?}"),
        }
        let stray = CustomerChange::VisitOverCap {
            visit: domain::ids::VisitId::new(1),
            starts_at: s.now(),
        };
        assert!(matches!(
            hook.change_item(&stray).await,
            Err(ServiceError::Internal(_))
        ));
    }
}
