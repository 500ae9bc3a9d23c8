//! "Mina sidor": the export of everything held about a customer, messages and contact
//! preferences.

use std::sync::Arc;

use domain::role::Role;
use services::demo::{DEMO_PASSWORD, DemoSize, Quiet};
use services::portal::ContactForm;
use services::{ServiceError, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

async fn customer_session(s: &Services) -> services::auth::SessionUser {
    let session = s
        .accounts()
        .login(Role::Customer.demo_username(), DEMO_PASSWORD, "127.0.0.1")
        .await
        .unwrap();
    s.accounts()
        .session_user(&session.token)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_export_holds_the_customers_rows_of_every_table_and_nobody_elses() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(true),
        );
        s.generate_demo(DemoSize::Small, 7, &Quiet).await.unwrap();
        let user = customer_session(&s).await;
        let me = user.customer_id.unwrap();
        let actor = user.actor("127.0.0.1");
        let export = serde_json::to_value(s.portal().export(&actor, &user).await.unwrap()).unwrap();
        let text = export.to_string();
        let tables = export["tables"].as_array().unwrap();
        let rows = |name: &str| -> Vec<serde_json::Value> {
            tables
                .iter()
                .find(|t| t["table"] == name)
                .unwrap_or_else(|| panic!("{backend:?}: no table {name} in the export"))["rows"]
                .as_array()
                .unwrap()
                .clone()
        };
        // The customer's own row, with the identity number in full (it is theirs).
        let customer = store::customers::get(s.store(), me).await.unwrap().unwrap();
        let own = rows("customers");
        assert_eq!(own.len(), 1);
        assert_eq!(own[0]["identity_number"], customer.identity_number.as_str());
        // Every invoice, payment and visit of theirs, counted against the store.
        let invoices = store::credit::invoices_of(s.store(), me, 10_000)
            .await
            .unwrap();
        assert!(!invoices.is_empty());
        assert_eq!(rows("invoices").len(), invoices.len(), "{backend:?}");
        let visits = s.visits().customer_visits(me).await.unwrap();
        assert!(rows("visits").len() >= visits.len(), "{backend:?}");
        assert!(!rows("meter_points").is_empty() && !rows("subscriptions").is_empty());
        // Payments reach the export through their invoices as well.
        let paid: i64 = invoices.iter().map(|i| i.paid.ore()).sum();
        let exported: i64 = rows("payments")
            .iter()
            .filter(|p| p["invoice_id"].is_i64())
            .map(|p| p["amount_ore"].as_i64().unwrap())
            .sum();
        assert_eq!(exported, paid, "{backend:?}: payments of the invoices");
        // Credentials are masked, not left out.
        let users = rows("users");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0]["password_hash"], store::export::MASK);
        assert!(!rows("sessions").is_empty());
        assert!(
            rows("sessions")
                .iter()
                .all(|r| r["token_hash"] == store::export::MASK)
        );
        // Nobody else's row: every customer column in every table is this customer.
        for t in tables {
            for r in t["rows"].as_array().unwrap() {
                if let Some(c) = r.get("customer_id").and_then(|v| v.as_i64()) {
                    assert_eq!(
                        c,
                        me.get(),
                        "{backend:?}: another customer's row in {}",
                        t["table"]
                    );
                }
            }
        }
        let other = store::customers::get(s.store(), domain::ids::CustomerId::new(me.get() + 1))
            .await
            .unwrap()
            .unwrap();
        assert!(!text.contains(&other.identity_number), "{backend:?}");
        // The export is in the audit log, and the next export shows that too.
        let again = serde_json::to_value(s.portal().export(&actor, &user).await.unwrap()).unwrap();
        let audit = again["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == "audit_log")
            .unwrap()["rows"]
            .as_array()
            .unwrap()
            .clone();
        assert!(
            audit
                .iter()
                .any(|r| r["action"] == "customer_data_exported"),
            "{backend:?}: {audit:?}"
        );
        // Staff sessions have no customer export of their own.
        let agent = s
            .accounts()
            .login(Role::Agent.demo_username(), DEMO_PASSWORD, "127.0.0.1")
            .await
            .unwrap();
        let agent = s
            .accounts()
            .session_user(&agent.token)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            s.portal().export(&agent.actor("127.0.0.1"), &agent).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn contact_preferences_are_validated_saved_and_audited() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(true),
        );
        s.generate_demo(DemoSize::Small, 7, &Quiet).await.unwrap();
        let user = customer_session(&s).await;
        let actor = user.actor("127.0.0.1");
        let bad = ContactForm {
            email: String::new(),
            phone: String::new(),
            language: "sv".into(),
            channel: "email".into(),
        };
        match s.portal().set_contact(&actor, &user, &bad).await {
            Err(ServiceError::Invalid(domain::problem::Invalid { field, problem })) => {
                assert_eq!(field, "channel");
                assert_eq!(
                    problem,
                    domain::problem::Problem::Portal(domain::portal::PortalProblem::EmailNeeded)
                );
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        let good = ContactForm {
            email: "karin@example.se".into(),
            phone: "070-123 45 67".into(),
            language: "en".into(),
            channel: "sms".into(),
        };
        s.portal().set_contact(&actor, &user, &good).await.unwrap();
        let c = s.portal().contact(&user).await.unwrap();
        assert_eq!(
            (
                c.email.as_deref(),
                c.phone.as_deref(),
                c.language.as_str(),
                c.preferred_channel.as_str()
            ),
            (Some("karin@example.se"), Some("070-123 45 67"), "en", "sms"),
            "{backend:?}"
        );
        // Messages: only the customer's own, and another's message is not found.
        let mine = s.portal().messages(&user).await.unwrap();
        assert!(mine.iter().all(|m| m.customer_id == user.customer_id));
        let someone_elses = store::outbox::list(s.store(), 10_000, 0)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.customer_id.is_some() && m.customer_id != user.customer_id);
        if let Some(m) = someone_elses {
            assert!(matches!(
                s.portal().message(&user, m.id).await,
                Err(ServiceError::NotFound)
            ));
        }
    }
}

/// The portal's policy hook: registered, its preview is what apply then reports, apply under
/// one key twice does it once (there is nothing to do but report), nobody is told anything,
/// and every measure and effect it names reads in both languages.
#[tokio::test]
async fn the_portal_hook_previews_what_it_applies_and_tells_nobody() {
    use domain::policy::{Capability, CustomerChange, PolicyBody, Preset};
    use services::capability::PolicyChange;
    use views::Lang;

    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let hook = s
            .hook(Capability::Portal)
            .expect("the portal hook is registered");
        let normal = PolicyBody::preset(Capability::Portal, Preset::Normal);
        let pandemic = PolicyBody::preset(Capability::Portal, Preset::Pandemic);
        let change = PolicyChange {
            before: normal.clone(),
            after: pandemic.clone(),
            at: test_now(),
            until: None,
        };
        let preview = hook.preview(&change).await.unwrap();
        assert_eq!(preview.capability, Capability::Portal);
        assert_eq!(preview.effect("banner_shown"), 1, "{backend:?}");
        assert_eq!(preview.effect("deflection_on"), 1, "{backend:?}");
        assert!(preview.customers.is_empty());
        let applied = hook.apply(&change, "portal-test").await.unwrap();
        assert_eq!(
            applied, preview,
            "{backend:?}: apply does what preview said"
        );
        assert_eq!(hook.apply(&change, "portal-test").await.unwrap(), preview);
        assert_eq!(s.tell_customers("portal-test").await.unwrap(), 0);
        assert!(
            store::outbox::list(s.store(), 10, 0)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}: the banner tells customers, not a message"
        );
        assert_eq!(
            (
                preview.effect("chat_opens_time"),
                preview.effect("chat_closes_time")
            ),
            (700, 1900),
            "{backend:?}"
        );
        let back = hook.preview(&change.reverted(test_now())).await.unwrap();
        assert_eq!(
            (back.effect("banner_shown"), back.effect("deflection_on")),
            (0, 0)
        );
        assert_eq!(
            (
                back.effect("chat_opens_time"),
                back.effect("chat_closes_time")
            ),
            (800, 1700),
            "the everyday hours (none set: 08–17)"
        );
        // What a policy means, and the effects, in both languages.
        // The pandemic preset also opens the chat 07–19.
        let hours = hook
            .describe(&pandemic)
            .into_iter()
            .find(|m| m.key == "portal-measure-chat-hours")
            .expect("the pandemic preset sets the chat's hours");
        assert_eq!(
            views::explain(Lang::Sv, &hours),
            "Chatten är öppen 07:00–19:00 på vardagar."
        );
        for (policy, n) in [(&normal, 2), (&pandemic, 3)] {
            let measures = hook.describe(policy);
            assert_eq!(measures.len(), n);
            for m in &measures {
                for lang in [Lang::Sv, Lang::En] {
                    let text = views::explain(lang, m);
                    assert_ne!(text, m.key, "{} has no {lang:?} text", m.key);
                    assert!(!text.contains('$'), "{text}");
                }
            }
        }
        let pandemic_measures = hook.describe(&pandemic);
        assert_eq!(pandemic_measures[0].key, "portal-measure-banner");
        assert!(
            views::explain(Lang::En, &pandemic_measures[0]).contains("by appointment only"),
            "the English banner is quoted in English"
        );
        assert!(views::explain(Lang::Sv, &pandemic_measures[0]).contains("endast efter bokning"));
        for e in &preview.effects {
            let key = format!("effect-portal-{}", e.key);
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(views::translate(lang, &key, &[]), key);
            }
        }
        // The portal records no customer changes, so it is never asked about one.
        let change = CustomerChange::VisitOverCap {
            visit: domain::ids::VisitId::new(1),
            starts_at: test_now(),
        };
        assert!(matches!(
            hook.change_item(&change).await,
            Err(ServiceError::Internal(_))
        ));
    }
}

/// The policy in force is read per request: a deflecting policy from now on is what the chat
/// and the pages see at once.
#[tokio::test]
async fn the_portal_policy_in_force_is_read_per_request() {
    use domain::policy::{Capability, PolicyBody, Preset};

    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let p = s.portal().policy().await.unwrap();
        assert!(!p.deflect_to_self_service && p.banner_sv.is_none());
        let everyday = domain::chat::ChatHours::parse("08:30-16:30").unwrap();
        let mut tx = s.store().begin().await.unwrap();
        store::settings::set(
            &mut tx,
            services::chat::HOURS_SETTING,
            &everyday.to_string(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(s.chat().hours().await.unwrap(), everyday, "{backend:?}");
        s.policies()
            .set(
                &services::Actor::system(),
                &PolicyBody::preset(Capability::Portal, Preset::Pandemic),
                test_now(),
                None,
                "test",
            )
            .await
            .unwrap();
        let p = s.portal().policy().await.unwrap();
        assert!(p.deflect_to_self_service, "{backend:?}");
        assert!(p.banner_sv.is_some());
        // The chat keeps the policy's hours while it is in force, the everyday ones otherwise.
        assert_eq!(
            s.chat().hours().await.unwrap().to_string(),
            "07:00-19:00",
            "{backend:?}"
        );
        assert_eq!(s.chat().everyday_hours().await.unwrap(), everyday);
    }
}

/// What the export says about staff follows `docs/privacy.md`: internal notes stay out (the
/// portal never shows them either), replies are in; staff appear in the audit section as staff,
/// never by account name, and no entry carries an address.
#[tokio::test]
async fn the_export_leaves_out_internal_notes_staff_names_and_addresses() {
    use domain::cases::{CaseSource, Category, EntryKind};
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(true),
        );
        s.generate_demo(DemoSize::Small, 7, &Quiet).await.unwrap();
        let user = customer_session(&s).await;
        let me = user.customer_id.unwrap();
        let actor = user.actor("192.0.2.10");
        let agent = s
            .accounts()
            .login(Role::Agent.demo_username(), DEMO_PASSWORD, "198.51.100.7")
            .await
            .unwrap();
        let agent = s
            .accounts()
            .session_user(&agent.token)
            .await
            .unwrap()
            .unwrap();
        let agent_actor = agent.actor("198.51.100.7");
        let case = s
            .cases()
            .open(
                &actor,
                services::cases::NewCase {
                    customer_id: me,
                    category: Category::Invoice,
                    source: CaseSource::Portal,
                    subject: "Fakturan".into(),
                    body: "Varför så hög?".into(),
                    link: None,
                },
            )
            .await
            .unwrap();
        s.cases()
            .add_entry(
                &agent_actor,
                case,
                EntryKind::InternalNote,
                "Intern: ring ekonomi",
            )
            .await
            .unwrap();
        s.cases()
            .add_entry(
                &agent_actor,
                case,
                EntryKind::AgentReply,
                "Vi ser över fakturan.",
            )
            .await
            .unwrap();
        s.customers()
            .reveal_identity(&agent, me, "198.51.100.7")
            .await
            .unwrap();
        let export = serde_json::to_value(s.portal().export(&actor, &user).await.unwrap()).unwrap();
        let text = export.to_string();
        // The positive control: the case and the reply are there.
        assert!(text.contains("Varför så hög?") && text.contains("Vi ser över fakturan."));
        assert!(
            !text.contains("Intern: ring ekonomi"),
            "{backend:?}: an internal note"
        );
        let audit = export["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == "audit_log")
            .unwrap()["rows"]
            .as_array()
            .unwrap()
            .clone();
        let reveal = audit
            .iter()
            .find(|r| r["action"] == "identity_read")
            .unwrap_or_else(|| panic!("{backend:?}: the reveal is in the export: {audit:?}"));
        assert_eq!(reveal["actor"], store::export::STAFF, "{backend:?}");
        assert!(
            audit.iter().any(|r| r["actor"] == user.username.as_str()),
            "{backend:?}: the customer's own entries keep their name"
        );
        assert!(
            audit.iter().all(|r| r["actor"] != agent.username.as_str()),
            "{backend:?}: a staff name"
        );
        assert!(
            !text.contains("198.51.100.7") && !text.contains("192.0.2.10"),
            "{backend:?}: an address"
        );
    }
}
