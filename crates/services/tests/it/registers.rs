//! The utility's registers imported from its billing system, on both backends: every line
//! checked before anything is written (a bad file names its line and field and changes
//! nothing), matched by the utility's own numbers, the same file twice changing nothing, a
//! changed row updated and audited by column names only, a dry run writing nothing, and a
//! meter point that changes hands ending the old customer's subscription.

use std::sync::Arc;

use domain::meter::{AnlaggningsId, UtilityService};
use domain::problem::Problem;
use domain::registers::RegisterProblem;
use domain::role::Role;
use services::import::{ImportCounts, ImportError};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

fn admin() -> Actor {
    Actor {
        role: Some(Role::Admin),
        name: "Ada Admin".into(),
        ..Actor::system()
    }
}

async fn setup(backend: Backend) -> Option<(Services, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let s = Services::new(
        store,
        Arc::new(FixedClock::new(test_now())),
        test_settings(false),
    );
    Some((s, db))
}

fn counts(c: ImportCounts) -> (u64, u64, u64) {
    (c.inserted, c.updated, c.unchanged)
}

const CUSTOMERS: &str = "\
customer_number,identity_number,name,street,postal_code,city,email,phone,language
1000001,19800101-1231,Karin Lindqvist,Storgatan 1,69131,Karlskoga,karin@example.se,070-123 45 67,sv
1000002,556036-0793,Karlskoga Schakt AB,Industrivägen 4,691 42,Karlskoga,,0586-123 45,sv
1000003,19750607-4124,Sam Smith,Bergsvägen 7,693 30,Degerfors,,,en
";

fn line_error(r: Result<ImportCounts, ImportError>) -> (u64, &'static str, Problem) {
    match r {
        Err(ImportError::Line(l)) => (l.line, l.field, l.problem),
        other => panic!("expected a line error, got {other:?}"),
    }
}

#[tokio::test]
async fn customers_import_whole_once_and_audit_what_changed() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let r = s.registers();
        // A bad postal code on line 3: nothing is written.
        let bad = CUSTOMERS.replace("691 42", "691 4");
        let (line, field, problem) =
            line_error(r.import_customers(&admin(), bad.as_bytes(), false).await);
        assert_eq!((line, field), (3, "postal_code"), "{backend:?}");
        assert_eq!(problem, Problem::Registers(RegisterProblem::PostalCode));
        assert_eq!(store::customers::count(s.store()).await.unwrap(), 0);
        // A personnummer with a wrong check digit, a duplicate number, a header that is not ours.
        let wrong = CUSTOMERS.replace("19800101-1231", "19800101-1232");
        assert_eq!(
            line_error(r.import_customers(&admin(), wrong.as_bytes(), false).await).1,
            "identity_number"
        );
        let twice = format!("{CUSTOMERS}1000001,19800101-1231,Igen,Gatan 2,69131,Karlskoga,,,sv\n");
        let (line, field, problem) =
            line_error(r.import_customers(&admin(), twice.as_bytes(), false).await);
        assert_eq!((line, field), (5, "customer_number"));
        assert_eq!(
            problem,
            Problem::Registers(RegisterProblem::Duplicate { line: 2 })
        );
        let header = CUSTOMERS.replace("customer_number", "kundnr");
        assert_eq!(
            line_error(r.import_customers(&admin(), header.as_bytes(), false).await).1,
            "header"
        );

        // A dry run counts and writes nothing.
        let dry = r
            .import_customers(&admin(), CUSTOMERS.as_bytes(), true)
            .await
            .unwrap();
        assert_eq!(counts(dry), (3, 0, 0));
        assert_eq!(store::customers::count(s.store()).await.unwrap(), 0);

        let first = r
            .import_customers(&admin(), CUSTOMERS.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(first), (3, 0, 0), "{backend:?}");
        let again = r
            .import_customers(&admin(), CUSTOMERS.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(again), (0, 0, 3));
        // Semicolons, columns in another order, a changed e-mail address.
        let changed = "\
name;customer_number;identity_number;street;postal_code;city;email;language;phone
Karin Lindqvist;1000001;198001011231;Storgatan 1;691 31;Karlskoga;karin.l@example.se;sv;070-123 45 67
";
        let third = r
            .import_customers(&admin(), changed.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(third), (0, 1, 0));
        let entries = store::audit::list(s.store(), Some("customer_updated"), 10, 0)
            .await
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].detail, "import: email");
        assert!(
            !entries[0].detail.contains("example.se"),
            "values stay out of the log"
        );

        let all = store::registers::all_customers(s.store()).await.unwrap();
        let karin = all.iter().find(|c| c.customer_number == "1000001").unwrap();
        assert_eq!(karin.identity_number, "198001011231");
        assert_eq!(karin.postal_code, "691 31");
        assert_eq!(karin.email.as_deref(), Some("karin.l@example.se"));
        assert_eq!(karin.preferred_channel, domain::customer::Channel::Email);
        let firm = all.iter().find(|c| c.customer_number == "1000002").unwrap();
        assert_eq!(firm.kind, domain::customer::CustomerKind::Business);
        assert_eq!(
            firm.preferred_channel,
            domain::customer::Channel::Letter,
            "a landline gets letters"
        );
        let sam = all.iter().find(|c| c.customer_number == "1000003").unwrap();
        assert_eq!(sam.language, domain::customer::Language::En);

        assert!(matches!(
            r.import_customers(
                &Actor {
                    role: Some(Role::Agent),
                    ..admin()
                },
                CUSTOMERS.as_bytes(),
                false
            )
            .await,
            Err(ImportError::Service(ServiceError::Forbidden))
        ));
    }
}

fn meter_id(n: u32) -> String {
    AnlaggningsId::from_body(&format!("73599900000{n:06}"))
        .unwrap()
        .as_str()
        .to_owned()
}

fn meter_points(rows: &[(u32, &str)]) -> String {
    let mut out = String::from(
        "meter_point_id,customer_number,street,postal_code,city,latitude,longitude,property_kind,placement,meter_kind,service\n",
    );
    for (n, customer) in rows {
        out.push_str(&format!(
            "{},{customer},Storgatan 1,691 31,Karlskoga,59.3293,14.5212,house,indoor,direct,electricity\n",
            meter_id(*n)
        ));
    }
    out
}

#[tokio::test]
async fn meter_points_import_whole_once_and_a_move_ends_the_old_subscription() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let r = s.registers();
        r.import_customers(&admin(), CUSTOMERS.as_bytes(), false)
            .await
            .unwrap();
        let file = meter_points(&[(1, "1000001"), (2, "1000002"), (3, "1000003")]);

        // A customer nobody imported, a mistyped check digit, a position abroad.
        let unknown = meter_points(&[(1, "1000001"), (2, "9999999")]);
        let (line, field, problem) = line_error(
            r.import_meter_points(&admin(), unknown.as_bytes(), false)
                .await,
        );
        assert_eq!((line, field), (3, "customer_number"), "{backend:?}");
        assert_eq!(
            problem,
            Problem::Registers(RegisterProblem::UnknownCustomer {
                number: "9999999".into()
            })
        );
        let id = meter_id(2);
        let typo = file.replace(
            &id,
            &format!("{}{}", &id[..17], (id.as_bytes()[17] - b'0' + 1) % 10),
        );
        assert_eq!(
            line_error(
                r.import_meter_points(&admin(), typo.as_bytes(), false)
                    .await
            )
            .1,
            "meter_point_id"
        );
        let abroad = file.replacen("59.3293,14.5212", "48.8566,2.3522", 1);
        assert_eq!(
            line_error(
                r.import_meter_points(&admin(), abroad.as_bytes(), false)
                    .await
            )
            .1,
            "latitude"
        );
        let odd = file.replacen("house", "castle", 1);
        assert_eq!(
            line_error(r.import_meter_points(&admin(), odd.as_bytes(), false).await).1,
            "property_kind"
        );
        assert_eq!(
            store::customers::count_meter_points(s.store())
                .await
                .unwrap(),
            0
        );

        let first = r
            .import_meter_points(&admin(), file.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(first), (3, 0, 0), "{backend:?}");
        let again = r
            .import_meter_points(&admin(), file.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(again), (0, 0, 3));
        let subs = store::registers::active_meter_subscriptions(s.store())
            .await
            .unwrap();
        assert_eq!(subs.len(), 3);
        assert!(
            subs.iter()
                .all(|s| s.service == UtilityService::Electricity)
        );

        // Karin moves out of meter point 1; Sam moves in.
        let moved = meter_points(&[(1, "1000003"), (2, "1000002"), (3, "1000003")]);
        let dry = r
            .import_meter_points(&admin(), moved.as_bytes(), true)
            .await
            .unwrap();
        assert_eq!(counts(dry), (0, 1, 2));
        let third = r
            .import_meter_points(&admin(), moved.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(third), (0, 1, 2));
        let subs = store::registers::active_meter_subscriptions(s.store())
            .await
            .unwrap();
        assert_eq!(subs.len(), 3, "Karin's ended, Sam's began");
        let customers = store::registers::all_customers(s.store()).await.unwrap();
        let number = |id| {
            customers
                .iter()
                .find(|c| c.id == id)
                .unwrap()
                .customer_number
                .clone()
        };
        let mut holders: Vec<String> = subs.iter().map(|s| number(s.customer_id)).collect();
        holders.sort();
        assert_eq!(holders, ["1000002", "1000003", "1000003"]);
        let entries = store::audit::list(s.store(), Some("meter_point_updated"), 10, 0)
            .await
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].detail, "import: customer_number, subscription");
        let fourth = r
            .import_meter_points(&admin(), moved.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(fourth), (0, 0, 3));
    }
}

#[tokio::test]
async fn subscriptions_import_whole_correct_the_meter_point_imports_start_and_never_overlap() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let r = s.registers();
        r.import_customers(&admin(), CUSTOMERS.as_bytes(), false)
            .await
            .unwrap();
        let points = meter_points(&[(1, "1000001"), (2, "1000002")]);
        r.import_meter_points(&admin(), points.as_bytes(), false)
            .await
            .unwrap();
        let (one, two) = (meter_id(1), meter_id(2));
        // Karin's electricity since 2019 (the meter-point import started it today: the file
        // corrects its start); the company's waste, ended; Sam's broadband, without a meter point.
        let file = format!(
            "customer_number,service,started_on,meter_point_id,ended_on\n\
             1000001,electricity,2019-04-01,{one},\n\
             1000002;waste;2021-01-01;;2026-06-30\n\
             1000003,broadband,2024-02-01,,\n"
        )
        .replace(';', ",");
        let dry = r
            .import_subscriptions(&admin(), file.as_bytes(), true)
            .await
            .unwrap();
        assert_eq!(counts(dry), (2, 1, 0), "{backend:?}");
        let first = r
            .import_subscriptions(&admin(), file.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(first), (2, 1, 0), "{backend:?}");
        let again = r
            .import_subscriptions(&admin(), file.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(
            counts(again),
            (0, 0, 3),
            "{backend:?}: the same file changes nothing"
        );
        let subs = store::registers::all_subscriptions(s.store())
            .await
            .unwrap();
        assert_eq!(subs.len(), 4, "{backend:?}: {subs:?}");
        let karin = subs
            .iter()
            .find(|x| {
                x.service == UtilityService::Electricity
                    && x.ended_on.is_none()
                    && x.started_on.to_string() == "2019-04-01"
            })
            .expect("Karin's subscription with its start corrected");
        assert!(karin.meter_point_id.is_some());
        let audit = store::audit::list(s.store(), Some("subscription_updated"), 5, 0)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].detail, "import: started_on");

        // Sam on Karin's meter point from 2020 while Karin's runs: refused, naming hers.
        let overlap = format!(
            "customer_number,service,started_on,meter_point_id,ended_on\n\
             1000003,electricity,2020-01-01,{one},\n"
        );
        let (line, field, problem) = line_error(
            r.import_subscriptions(&admin(), overlap.as_bytes(), false)
                .await,
        );
        assert_eq!((line, field), (2, "started_on"), "{backend:?}");
        assert_eq!(
            problem,
            Problem::Registers(RegisterProblem::Overlap {
                started_on: "2019-04-01".into(),
                number: "1000001".into()
            })
        );
        // A move in one file: Karin's ends the day Sam's begins.
        let moved = format!(
            "customer_number,service,started_on,meter_point_id,ended_on\n\
             1000001,electricity,2019-04-01,{one},2026-11-30\n\
             1000003,electricity,2026-11-30,{one},\n"
        );
        let m = r
            .import_subscriptions(&admin(), moved.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(counts(m), (1, 1, 0), "{backend:?}");

        // Bad lines name their line and field, and change nothing.
        let header = "customer_number,service,started_on,meter_point_id,ended_on\n";
        for (body, field) in [
            ("9999999,electricity,2020-01-01,,\n", "customer_number"),
            ("1000001,gas,2020-01-01,,\n", "service"),
            ("1000001,water,2020-13-01,,\n", "started_on"),
            ("1000001,water,2020-02-01,,2020-01-31\n", "ended_on"),
            (
                "1000001,water,2020-02-01,735999000000000000,\n",
                "meter_point_id",
            ),
        ] {
            let before = store::registers::all_subscriptions(s.store())
                .await
                .unwrap();
            let f = format!("{header}1000002,water,2020-01-01,{two},\n{body}");
            let (line, got, _) =
                line_error(r.import_subscriptions(&admin(), f.as_bytes(), false).await);
            assert_eq!((line, got), (3, field), "{backend:?}: {body}");
            let after = store::registers::all_subscriptions(s.store())
                .await
                .unwrap();
            assert_eq!(before, after, "{backend:?}: nothing written");
        }
        let unknown = format!("{header}1000001,water,2020-02-01,{},\n", meter_id(9));
        let (_, _, problem) = line_error(
            r.import_subscriptions(&admin(), unknown.as_bytes(), false)
                .await,
        );
        assert_eq!(
            problem,
            Problem::Registers(RegisterProblem::UnknownMeterPoint { id: meter_id(9) })
        );
        // Only admins import.
        let agent = Actor {
            role: Some(Role::Agent),
            ..Actor::system()
        };
        assert!(matches!(
            r.import_subscriptions(&agent, file.as_bytes(), true).await,
            Err(ImportError::Service(ServiceError::Forbidden))
        ));
    }
}
