//! No GET changes state: every GET route in the table, as every role and as nobody, leaves the
//! database as it was. Triggers on every table record each row a request inserts, updates or
//! deletes; the only writes a GET may make are appending to the audit log (a denial, or a read
//! of personal data, is recorded) and a session's last-seen time.

use domain::role::Role;
use store::backend::Backend;
use test_support::{BACKENDS, Session, TestApp};

/// The table a request's writes are recorded in (created by the test, not the schema).
const CHANGES: &str = "test_row_changes";

/// Writes a GET may make: appending to the audit chain, and a session's last-seen time (checked
/// below to be the only column that changed).
const MAY_WRITE: &[&str] = &["audit_log:INSERT", "audit_head:UPDATE", "sessions:UPDATE"];

async fn install_change_triggers(store: &store::Store) {
    let exec = |sql: String| async move { store::backend::testing::execute(store, &sql).await };
    let tables: std::collections::BTreeSet<String> = store::export::columns(store)
        .await
        .unwrap()
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    exec(format!(
        "CREATE TABLE {CHANGES} (tbl TEXT NOT NULL, op TEXT NOT NULL)"
    ))
    .await;
    match store.backend() {
        Backend::Sqlite => {
            for t in &tables {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    exec(format!(
                        "CREATE TRIGGER {CHANGES}_{t}_{op} AFTER {op} ON {t} BEGIN \
                         INSERT INTO {CHANGES} (tbl, op) VALUES ('{t}', '{op}'); END"
                    ))
                    .await;
                }
            }
        }
        Backend::Postgres => {
            exec(format!(
                "CREATE FUNCTION {CHANGES}_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 INSERT INTO {CHANGES} (tbl, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$"
            ))
            .await;
            for t in &tables {
                exec(format!(
                    "CREATE TRIGGER {CHANGES}_{t} AFTER INSERT OR UPDATE OR DELETE ON {t} \
                     FOR EACH ROW EXECUTE FUNCTION {CHANGES}_log()"
                ))
                .await;
            }
        }
    }
}

/// Each row's session as it stands, but for the time it was last seen.
async fn sessions(store: &store::Store) -> Vec<String> {
    store::backend::testing::query_strings(
        store,
        "SELECT CAST(id AS TEXT) || ' ' || token_hash || ' ' || CAST(user_id AS TEXT) || ' ' || \
         csrf_token || ' ' || CAST(mfa_pending AS TEXT) || ' ' || CAST(created_at AS TEXT) \
         FROM sessions ORDER BY id",
    )
    .await
}

#[tokio::test]
async fn no_get_route_changes_state_for_any_role() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let store = app.services.store().clone();
        let mut logged_in: Vec<(Option<Role>, Session)> = vec![(None, app.anonymous().await)];
        for r in Role::ALL {
            logged_in.push((Some(*r), app.login_demo(r.demo_username()).await));
        }
        install_change_triggers(&store).await;
        let before = sessions(&store).await;
        let table = web::table();
        let gets: Vec<_> = table.iter().filter(|s| s.method == "GET").collect();
        let gets_len = gets.len();
        assert!(gets_len > 50, "{backend:?}: {gets_len} GET routes");
        let mut changed = Vec::new();
        let mut requests = 0;
        for spec in gets {
            let path = spec
                .path
                .replace("{id}", "1")
                .replace("{job}", "1")
                .replace("{capability}", "visits");
            for (role, s) in &logged_in {
                let r = app.get(&path, Some(s)).await;
                requests += 1;
                assert_ne!(
                    r.status.as_u16(),
                    500,
                    "{backend:?} {role:?} {path}: {}",
                    r.body
                );
                let writes = store::backend::testing::query_strings(
                    &store,
                    &format!("SELECT tbl || ':' || op FROM {CHANGES}"),
                )
                .await;
                for w in writes.iter().filter(|w| !MAY_WRITE.contains(&w.as_str())) {
                    changed.push(format!("{role:?} GET {path}: {w}"));
                }
                store::backend::testing::execute(&store, &format!("DELETE FROM {CHANGES}")).await;
            }
        }
        assert_eq!(requests, gets_len * logged_in.len());
        assert!(
            changed.is_empty(),
            "{backend:?}: GET requests that wrote:\n{}",
            changed.join("\n")
        );
        assert_eq!(
            sessions(&store).await,
            before,
            "{backend:?}: only a session's last-seen time may change on a GET"
        );
        // The triggers see a request's writes: logging out ends the session.
        let (_, customer) = &logged_in[1];
        let r = app.post("/logga-ut", Some(customer), &[]).await;
        assert!(r.status.is_redirection(), "{backend:?}: {}", r.status);
        let writes = store::backend::testing::query_strings(
            &store,
            &format!("SELECT tbl || ':' || op FROM {CHANGES}"),
        )
        .await;
        assert!(
            writes.iter().any(|w| w == "sessions:DELETE"),
            "{backend:?}: {writes:?}"
        );
    }
}
