//! The accounts handle: refusals are typed (field and problem), each named in both languages.

use std::sync::Arc;

use domain::problem::{Invalid, Problem};
use domain::role::{AccountProblem, Role};
use services::{ServiceError, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

fn refused(e: &ServiceError) -> (&'static str, AccountProblem) {
    match e {
        ServiceError::Invalid(Invalid {
            field,
            problem: Problem::Account(p),
        }) => (field, p.clone()),
        ServiceError::Conflict(Problem::Account(p)) => ("", p.clone()),
        other => panic!("not an account refusal: {other:?}"),
    }
}

#[tokio::test]
async fn account_refusals_name_the_field_and_the_reason() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let accounts = s.accounts();
        let create = |name: &'static str, role: Role, password: &'static str| {
            let accounts = accounts.clone();
            async move {
                accounts
                    .create_user(name, "Namn", role, None, password, false)
                    .await
            }
        };
        let e = create("Ada Lovelace", Role::Agent, "ett långt lösenord")
            .await
            .unwrap_err();
        assert_eq!(refused(&e), ("username", AccountProblem::BadUsername));
        let e = create("ada", Role::Customer, "ett långt lösenord")
            .await
            .unwrap_err();
        assert_eq!(refused(&e), ("customer", AccountProblem::CustomerMismatch));
        let e = create("ada", Role::Agent, "kort").await.unwrap_err();
        assert_eq!(
            refused(&e),
            ("password", AccountProblem::PasswordTooShort { min: 12 })
        );
        create("ada", Role::Agent, "ett långt lösenord")
            .await
            .unwrap();
        let e = create("ada", Role::Agent, "ett långt lösenord")
            .await
            .unwrap_err();
        assert_eq!(
            refused(&e),
            (
                "",
                AccountProblem::UsernameTaken {
                    username: "ada".into()
                }
            ),
            "{backend:?}"
        );
        let e = accounts.create_api_token("nobody", "x").await.unwrap_err();
        assert_eq!(
            refused(&e),
            (
                "user",
                AccountProblem::NoSuchAccount {
                    username: "nobody".into()
                }
            )
        );
        assert!(
            accounts
                .create_api_token("ada", "x")
                .await
                .unwrap()
                .starts_with("bk_")
        );
        // Whoever reads the refusal reads it in their language, with its values filled in.
        let text = |lang| views::explain(lang, e.problem().unwrap());
        assert_eq!(text(views::Lang::En), "There is no account named nobody.");
        assert_eq!(
            text(views::Lang::Sv),
            "Det finns inget konto som heter nobody."
        );
    }
}

/// A session opened while the program ran in demo mode does not outlive a restart into
/// production: the demo account's session is refused (and deleted) there.
#[tokio::test]
async fn a_demo_session_ends_when_the_program_runs_for_real() {
    for backend in test_support::BACKENDS {
        let Some((store, _db)) = test_support::test_store(backend).await else {
            continue;
        };
        let clock = std::sync::Arc::new(services::FixedClock::new(test_support::test_now()));
        let demo = Services::new(
            store.clone(),
            clock.clone(),
            test_support::test_settings(true),
        );
        demo.accounts()
            .create_user("demo-agent", "Demo", Role::Agent, None, "demo", true)
            .await
            .unwrap();
        let session = demo
            .accounts()
            .login("demo-agent", "demo", "127.0.0.1")
            .await
            .unwrap();
        assert!(
            demo.accounts()
                .session_user(&session.token)
                .await
                .unwrap()
                .is_some(),
            "{backend:?}: the control, in demo mode"
        );
        let real = Services::new(store, clock, test_support::test_settings(false));
        assert!(
            real.accounts()
                .session_user(&session.token)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}"
        );
    }
}

/// Two hundred wrong passwords for one account at once: the limit is counted before the
/// password check, so only the first few reach argon2; the rest are refused unhashed. The
/// right password then waits for the window like everyone else.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_passwords_reaches_the_check_only_up_to_the_limit() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(services::FixedClock::new(test_now()));
        let s = Services::new(store, clock.clone(), test_settings(false));
        s.accounts()
            .create_user(
                "ekonomi",
                "Ekonomi",
                Role::Finance,
                None,
                "ett långt lösenord",
                false,
            )
            .await
            .unwrap();
        let limit = s.settings().auth.max_failures_per_minute;
        let tries = (0..200).map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                // Many addresses, so only the account's limit applies.
                let address = format!("10.0.{}.{}", i / 250, i % 250);
                s.accounts().login("ekonomi", "fel", &address).await
            })
        });
        let mut checked = 0;
        let mut refused = 0;
        for t in tries.collect::<Vec<_>>() {
            match t.await.unwrap() {
                Err(ServiceError::BadCredentials) => checked += 1,
                Err(ServiceError::RateLimited) => refused += 1,
                other => panic!("{backend:?}: {other:?}"),
            }
        }
        assert_eq!((checked, refused), (limit, 200 - limit), "{backend:?}");
        let audited = store::audit::all_in_order(s.store())
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "login" && e.outcome.as_str() == "failure")
            .count();
        assert_eq!(audited as i64, limit, "{backend:?}: each check is audited");
        assert!(matches!(
            s.accounts()
                .login("ekonomi", "ett långt lösenord", "10.9.9.9")
                .await,
            Err(ServiceError::RateLimited)
        ));
        clock.advance(jiff::SignedDuration::from_secs(61));
        s.accounts()
            .login("ekonomi", "ett långt lösenord", "10.9.9.9")
            .await
            .unwrap();
    }
}

/// A new password that is common, or built from the account's own names, is refused (ASVS 5.0
/// 6.2.4, 6.2.11); a long one of one's own words is not. API tokens run out (finding 10).
#[tokio::test]
async fn easy_passwords_are_refused_and_api_tokens_expire() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(services::FixedClock::new(test_now()));
        let s = Services::new(store, clock.clone(), test_settings(false));
        let accounts = s.accounts();
        for easy in [
            "password1234",
            "qwertyuiop123",
            "123456789012",
            "beredskap2026",
            "annaandersson1",
        ] {
            let e = accounts
                .create_user("anna", "Anna Andersson", Role::Agent, None, easy, false)
                .await
                .unwrap_err();
            assert_eq!(
                refused(&e),
                ("password", AccountProblem::EasyPassword),
                "{backend:?}: {easy}"
            );
        }
        accounts
            .create_user(
                "anna",
                "Anna Andersson",
                Role::Agent,
                None,
                "blåbär vid Möckeln i juli",
                false,
            )
            .await
            .unwrap();

        // A token for 30 days works on the 30th and not on the 31st; 0 or 400 days are refused.
        for days in [0, 400] {
            let e = accounts
                .create_api_token_for("anna", "x", days)
                .await
                .unwrap_err();
            assert_eq!(
                refused(&e),
                ("days", AccountProblem::TokenLifetime { max: 366 })
            );
        }
        let token = accounts
            .create_api_token_for("anna", "bokningssystem", 30)
            .await
            .unwrap();
        assert!(accounts.api_token_user(&token).await.unwrap().is_some());
        clock.advance(jiff::SignedDuration::from_hours(24 * 30 - 1));
        assert!(accounts.api_token_user(&token).await.unwrap().is_some());
        clock.advance(jiff::SignedDuration::from_hours(2));
        assert!(
            accounts.api_token_user(&token).await.unwrap().is_none(),
            "{backend:?}: an expired token is refused"
        );
        // The default is ninety days.
        let token = accounts.create_api_token("anna", "x").await.unwrap();
        clock.advance(jiff::SignedDuration::from_hours(24 * 90 + 1));
        assert!(accounts.api_token_user(&token).await.unwrap().is_none());
    }
}
