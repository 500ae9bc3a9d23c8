//! Sign-on: a login under way is finished once, even by two answers at once; a provider's
//! subject is tied to one account, keyed by its issuer too.

use domain::role::{Role, SignOn};
use store::sign_on::{NewRequest, insert_request, is_linked, link, take_request, user_of};
use test_support::{BACKENDS, test_store};

#[tokio::test]
async fn a_login_under_way_is_taken_once_and_goes_stale() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let request = |state: &'static str, now: i64| NewRequest {
            state_hash: state,
            browser_hash: "browser",
            provider: SignOn::Staff,
            pkce_verifier: "verifier",
            nonce: "nonce",
            now,
        };
        let mut tx = store.begin().await.unwrap();
        insert_request(&mut tx, &request("old", 100), 0)
            .await
            .unwrap();
        insert_request(&mut tx, &request("s", 1_000), 0)
            .await
            .unwrap();
        // A new login clears those begun before its stale line.
        insert_request(&mut tx, &request("new", 2_000), 500)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert!(
            take_request(&mut tx, "old").await.unwrap().is_none(),
            "{backend:?}"
        );
        tx.commit().await.unwrap();

        // Two answers with the same state at once: one of them gets it.
        let mut handles = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let got = take_request(&mut tx, "s").await.unwrap();
                tx.commit().await.unwrap();
                got
            }));
        }
        let mut taken = Vec::new();
        for h in handles {
            taken.extend(h.await.unwrap());
        }
        assert_eq!(taken.len(), 1, "{backend:?}: a state was used twice");
        assert_eq!(taken[0].provider, SignOn::Staff);
        assert_eq!(taken[0].pkce_verifier, "verifier");
        assert_eq!(taken[0].created_at, 1_000);
    }
}

#[tokio::test]
async fn a_subject_is_tied_to_one_account_per_issuer() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let user = store::users::insert(
            &mut tx,
            &store::users::NewUser {
                username: "anna@kommun.example",
                display_name: "Anna",
                role: Role::Planner,
                customer_id: None,
                password_hash: "!sign-on",
                is_demo: false,
                now: 1,
            },
        )
        .await
        .unwrap();
        link(
            &mut tx,
            SignOn::Staff,
            "https://idp.example",
            "anna",
            user,
            10,
        )
        .await
        .unwrap();
        // The next login notes its time; it does not add a second tie.
        link(
            &mut tx,
            SignOn::Staff,
            "https://idp.example",
            "anna",
            user,
            20,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            user_of(&store, "https://idp.example", "anna")
                .await
                .unwrap(),
            Some(user),
            "{backend:?}"
        );
        // The same subject from another provider is someone else (ASVS 6.8.1).
        assert_eq!(
            user_of(&store, "https://other.example", "anna")
                .await
                .unwrap(),
            None
        );
        assert!(is_linked(&store, user).await.unwrap());
    }
}
