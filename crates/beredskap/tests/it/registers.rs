//! `beredskap import customers`, `meter-points` and `subscriptions` as a user runs them, on the
//! README's own example files: a dry run writes nothing, the same file twice changes nothing,
//! and a bad line is exit 2 naming the line and the field.

use super::{bin, run, stderr, temp};

/// The three example files of the README's "Register layouts" section.
fn readme_examples() -> (String, String, String) {
    let readme = include_str!("../../../../README.md");
    let section = readme
        .split("Register layouts for `import customers`")
        .nth(1)
        .expect("the README has the register layouts");
    let block = section.split("```").nth(1).expect("an example block");
    let mut files = block.trim().split("\n\n");
    let customers = format!("{}\n", files.next().unwrap());
    let meter_points = format!("{}\n", files.next().unwrap());
    let subscriptions = format!("{}\n", files.next().unwrap());
    (customers, meter_points, subscriptions)
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(o)))
}

#[test]
fn the_readme_registers_import_once_and_a_bad_line_is_named() {
    let d = temp("registers");
    let url = "sqlite://registers.sqlite";
    assert!(
        run(bin().args(["migrate", "--database-url", url]), &d)
            .status
            .success()
    );
    let (customers, meter_points, subscriptions) = readme_examples();
    std::fs::write(d.join("customers.csv"), &customers).unwrap();
    std::fs::write(d.join("meter-points.csv"), &meter_points).unwrap();
    std::fs::write(d.join("subscriptions.csv"), &subscriptions).unwrap();
    let import = |kind: &str, file: &str, extra: &[&str]| {
        let mut args = vec!["import", kind, file, "--json", "--database-url", url];
        args.extend_from_slice(extra);
        run(bin().args(&args), &d)
    };

    // Meter points before their customers: the customer is unknown.
    let o = import("meter-points", "meter-points.csv", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 2, field customer_number")
            && stderr(&o).contains("nothing was imported"),
        "{}",
        stderr(&o)
    );

    for _ in 0..2 {
        let o = import("customers", "customers.csv", &["--dry-run"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(json(&o)["inserted"], 2, "a dry run writes nothing");
    }
    let o = import("customers", "customers.csv", &[]);
    assert_eq!(json(&o)["inserted"], 2);
    let o = import("meter-points", "meter-points.csv", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["inserted"], 1);
    let o = import("customers", "customers.csv", &[]);
    assert_eq!(json(&o)["unchanged"], 2);
    let o = import("meter-points", "meter-points.csv", &[]);
    assert_eq!(json(&o)["unchanged"], 1);
    // The subscriptions: Karin's electricity corrects the start of the one the meter-point
    // import began today; the company's ended waste is added. Again: nothing changes.
    let o = import("subscriptions", "subscriptions.csv", &["--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        (json(&o)["inserted"].clone(), json(&o)["updated"].clone()),
        (1.into(), 1.into())
    );
    let o = import("subscriptions", "subscriptions.csv", &[]);
    assert_eq!(
        (json(&o)["inserted"].clone(), json(&o)["updated"].clone()),
        (1.into(), 1.into())
    );
    let o = import("subscriptions", "subscriptions.csv", &[]);
    assert_eq!(json(&o)["unchanged"], 2);
    std::fs::write(
        d.join("ends-early.csv"),
        subscriptions.replacen("2026-06-30", "2020-06-30", 1),
    )
    .unwrap();
    let o = import("subscriptions", "ends-early.csv", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ends-early.csv: line 3, field ended_on: "),
        "{}",
        stderr(&o)
    );

    std::fs::write(d.join("bad.csv"), customers.replacen("691 31", "6913", 1)).unwrap();
    let o = import("customers", "bad.csv", &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert!(e.contains("bad.csv: line 2, field postal_code: "), "{e}");
}
