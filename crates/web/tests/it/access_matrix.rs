//! The checked-in access matrix lists every route × role; this test fails on a route missing from
//! it (or a row without a route), and checks every allowance and every denial with real requests.

use axum::http::{Method, StatusCode};
use domain::role::Role;
use test_support::{BACKENDS, Session, TestApp, TestResponse};
use web::access::Access;

const MATRIX: &str = include_str!("../../../../docs/access-matrix.md");

fn columns() -> Vec<Option<Role>> {
    std::iter::once(None)
        .chain(Role::ALL.iter().copied().map(Some))
        .collect()
}

fn expected_matrix() -> String {
    let mut s = String::from("| Method | Path |");
    for r in Role::ALL {
        s.push_str(&format!(" {} |", r.as_str()));
    }
    s = s.replace("| Method | Path |", "| Method | Path | anonymous |");
    s.push('\n');
    s.push_str(&"|---".repeat(2 + columns().len()));
    s.push_str("|\n");
    for spec in web::table() {
        s.push_str(&format!("| {} | `{}` |", spec.method, spec.path));
        for role in columns() {
            s.push_str(if spec.access.allows(role) {
                " ✓ |"
            } else {
                " – |"
            });
        }
        s.push('\n');
    }
    s
}

fn matrix_table(doc: &str) -> String {
    doc.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn matrix_lists_every_route_exactly_as_the_router_enforces_it() {
    let expected = expected_matrix();
    let actual = matrix_table(MATRIX);
    if expected != actual && std::env::var("UPDATE_ACCESS_MATRIX").is_ok() {
        // Regenerates the table in place; the diff is then reviewed like any other change.
        let prose: String = MATRIX
            .lines()
            .filter(|l| !l.starts_with('|'))
            .map(|l| format!("{l}\n"))
            .collect();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/access-matrix.md");
        std::fs::write(path, format!("{}\n{expected}", prose.trim_end()))
            .expect("writing docs/access-matrix.md");
        return;
    }
    if expected != actual {
        let routes: Vec<String> = web::table()
            .iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect();
        let missing: Vec<&String> = routes
            .iter()
            .filter(|r| {
                let (m, p) = r.split_once(' ').unwrap_or_default();
                !actual.contains(&format!("| {m} | `{p}` |"))
            })
            .collect();
        panic!(
            "docs/access-matrix.md is out of step with the route table.\nRoutes missing from the matrix: {missing:?}\n\
             The table the router enforces is:\n\n{expected}\nReview it, then regenerate with UPDATE_ACCESS_MATRIX=1 cargo test -p web matrix_lists."
        );
    }
}

fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{job}", "1")
        .replace("{capability}", "visits")
        .replace("{year}", "2027")
}

fn denied_for_anonymous(path: &str, r: &TestResponse) -> bool {
    guard_refused(r)
        && if web::access::answers_401(path) {
            r.status == StatusCode::UNAUTHORIZED
        } else {
            r.status == StatusCode::SEE_OTHER && r.location() == Some("/logga-in")
        }
}

fn guard_refused(r: &TestResponse) -> bool {
    r.headers.contains_key(web::access::GUARD_HEADER)
}

async fn session_for(app: &TestApp, role: Option<Role>) -> Session {
    match role {
        None => app.anonymous().await,
        Some(r) => app.login_demo(r.demo_username()).await,
    }
}

async fn call(app: &TestApp, method: &str, path: &str, s: &Session) -> TestResponse {
    if method == "GET" {
        app.get(path, Some(s)).await
    } else {
        app.post(path, Some(s), &[]).await
    }
}

#[tokio::test]
async fn every_allowance_and_every_denial_holds() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let mut failures = Vec::new();
        // Reads first with one session per role; writes each get a fresh session, since some
        // (logout, ending sessions) end the session they are sent with.
        let mut sessions = Vec::new();
        for role in columns() {
            sessions.push((role, session_for(&app, role).await));
        }
        for spec in web::table().iter().filter(|s| s.method == "GET") {
            let path = concrete(spec.path);
            for (role, s) in &sessions {
                let r = call(&app, spec.method, &path, s).await;
                check(spec.access, *role, spec.path, &r, &mut failures);
            }
        }
        for spec in web::table().iter().filter(|s| s.method != "GET") {
            let path = concrete(spec.path);
            for role in columns() {
                let s = session_for(&app, role).await;
                let r = call(&app, spec.method, &path, &s).await;
                check(spec.access, role, spec.path, &r, &mut failures);
            }
            // Empty TOTP codes count as failed logins from this one address; let the limit lapse.
            app.clock.advance(jiff::SignedDuration::from_secs(61));
        }
        assert!(
            failures.is_empty(),
            "{backend:?}: {} access failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

fn check(
    access: Access,
    role: Option<Role>,
    path: &str,
    r: &TestResponse,
    failures: &mut Vec<String>,
) {
    let allowed = access.allows(role);
    let who = role.map(|r| r.as_str()).unwrap_or("anonymous");
    let ok = match (allowed, role) {
        (true, _) => !guard_refused(r) && r.status != StatusCode::INTERNAL_SERVER_ERROR,
        (false, None) => denied_for_anonymous(path, r),
        (false, Some(_)) => guard_refused(r) && r.status == StatusCode::FORBIDDEN,
    };
    if !ok {
        failures.push(format!(
            "{who} {path}: expected {}, got {} {:?}",
            if allowed { "allowed" } else { "denied" },
            r.status,
            r.location()
        ));
    }
}

#[tokio::test]
async fn a_denied_request_is_audited() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("kund").await;
    let r = app
        .request(Method::GET, "/admin/granskning", Some(&s), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let log = services::audit::list(&app.services, 50, 0).await.unwrap();
    assert!(log.iter().any(|e| e.action == "access_denied"
        && e.object_id == "/admin/granskning"
        && e.actor == "kund"
        && e.outcome.as_str() == "denied"));
}
