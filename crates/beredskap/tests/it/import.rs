//! `beredskap import bgmax|invoices` and `token create` as a user runs them: `--json`, exit
//! code 2 with line and field for a bad file, nothing imported twice.

use super::{bin, run, stderr, temp};

fn sample(name: &str) -> Option<std::path::PathBuf> {
    test_support::shared_data(&format!("formats/bgmax/{name}"))
}

#[test]
fn bgmax_imports_once_prints_json_and_names_the_bad_line() {
    let (Some(good), Some(tab)) = (
        sample("bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv.txt"),
        sample("bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"),
    ) else {
        return;
    };
    let d = temp("import");
    let url = "sqlite://credit.sqlite";
    assert!(
        run(bin().args(["migrate", "--database-url", url]), &d)
            .status
            .success()
    );
    let good = good.to_string_lossy().into_owned();
    let o = run(
        bin().args(["import", "bgmax", &good, "--json", "--database-url", url]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        r#"{"payments":5,"amount_ore":85000,"matched":0,"unmatched":5,"already_imported":0}"#
    );
    let o = run(
        bin().args(["import", "bgmax", &good, "--json", "--database-url", url]),
        &d,
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        r#"{"payments":0,"amount_ore":0,"matched":0,"unmatched":0,"already_imported":5}"#
    );
    let o = run(
        bin().args([
            "import",
            "bgmax",
            &tab.to_string_lossy(),
            "--database-url",
            url,
        ]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("line 17, field record") && e.contains("nothing was imported"),
        "{e}"
    );
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
}

#[test]
fn invoices_csv_errors_name_line_and_field() {
    let d = temp("invoices");
    let url = "sqlite://credit.sqlite";
    assert!(
        run(bin().args(["migrate", "--database-url", url]), &d)
            .status
            .success()
    );
    std::fs::write(
        d.join("bad.csv"),
        "customer_number,invoice_number,issued_on,due_on,amount,ocr\n1,F1,2026-12-01,2026-12-31,tusen,\n",
    )
    .unwrap();
    let o = run(
        bin().args(["import", "invoices", "bad.csv", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 2, field amount"),
        "{}",
        stderr(&o)
    );
    // An API token only for a staff account that exists.
    let o = run(
        bin().args(["token", "create", "--user", "nobody", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nobody"), "{}", stderr(&o));
}
