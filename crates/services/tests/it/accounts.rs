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
