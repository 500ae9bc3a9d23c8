//! `beredskap import suppliers` and `beredskap import peppol` as a user runs them: one JSON line
//! per e-invoice with the rule ids that refused it, exit 0 when all were taken in, 1 when some
//! were refused (the good ones taken in), 2 for a file that cannot be read; nothing twice.

use super::{bin, run, stderr, temp};

const REGISTER: &str = "\
org_number;name;bankgiro;municipality;trades;f_skatt;contact_email
556036-0793;Karlskoga Schakt AB;5050-1055;Karlskoga;excavation;ja;eva@schakt.example
";

fn invoice(number: &str, total: &str) -> String {
    let lines = [test_support::peppol::GenLine {
        name: "Schaktning",
        quantity: "10",
        price: "200.00",
        net: "2000.00",
    }];
    test_support::peppol::invoice_from("5560360793", number, &lines, "2000.00", "500.00", total)
}

fn json_lines(o: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn e_invoices_are_taken_in_or_refused_with_their_rules_and_exit_codes_say_which() {
    let d = temp("peppol");
    let url = "sqlite://suppliers.sqlite";
    assert!(
        run(bin().args(["migrate", "--database-url", url]), &d)
            .status
            .success()
    );
    std::fs::write(d.join("register.csv"), REGISTER).unwrap();
    // A dry run counts the supplier it would add and writes nothing: the import still adds it.
    let o = run(
        bin().args([
            "import",
            "suppliers",
            "register.csv",
            "--json",
            "--dry-run",
            "--database-url",
            url,
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains(r#""inserted":1"#));
    let o = run(
        bin().args([
            "import",
            "suppliers",
            "register.csv",
            "--json",
            "--database-url",
            url,
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains(r#""inserted":1"#));
    let inbox = d.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(inbox.join("a-good.xml"), invoice("F-1", "2500.00")).unwrap();
    std::fs::write(inbox.join("b-bad.xml"), invoice("F-2", "2600.00")).unwrap();
    std::fs::write(inbox.join("notes.txt"), "not an invoice").unwrap();
    let o = run(
        bin().args(["import", "peppol", "inbox", "--json", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 2, "the folder's .xml files only");
    assert_eq!(lines[0]["accepted"], true);
    assert_eq!(lines[0]["supplier"], "5560360793");
    assert_eq!(lines[0]["invoice_number"], "F-1");
    assert_eq!(lines[0]["total_ore"], 250_000);
    assert_eq!(lines[1]["accepted"], false);
    let errors = lines[1]["errors"].as_array().unwrap();
    let co15 = errors
        .iter()
        .find(|e| e["rule"] == "BR-CO-15")
        .expect("BR-CO-15 among the errors");
    assert!(co15["message"].as_str().unwrap().len() > 10);
    assert!(co15["path"].as_str().unwrap().starts_with("/Invoice"));
    // The good one again: taken in before, so nothing new and exit 0.
    let o = run(
        bin().args([
            "import",
            "peppol",
            "inbox/a-good.xml",
            "--json",
            "--database-url",
            url,
        ]),
        &d,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_lines(&o)[0]["duplicate"], true);
    // A file that is not there: exit 2, and nothing was written.
    let o = run(
        bin().args(["import", "peppol", "absent.xml", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("absent.xml"), "{}", stderr(&o));
    // A bad register line names its line and field.
    std::fs::write(
        d.join("bad.csv"),
        REGISTER.replace("5050-1055", "5050-1056"),
    )
    .unwrap();
    let o = run(
        bin().args(["import", "suppliers", "bad.csv", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 2, field bankgiro"),
        "{}",
        stderr(&o)
    );
}
