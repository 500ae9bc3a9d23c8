//! The acceptance test: the official Schematron rules, run by Saxon, and
//! `peppol::check` must find the same fatal rules on every shared example
//! and agree with every official unit test of the rules in scope.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use formats::peppol::{self, Flag};

use super::saxon::{self, Failed};
use super::support::{self, UnitTest};

pub(super) const SCHEMATRON: &str = "schematron/v3.0.21-2026.5";

/// The rules a Swedish buyer applies: all of the CEN set, and from the
/// Peppol set the Peppol rules and the Swedish national rules.
pub(super) fn in_scope(id: &str) -> bool {
    let cen = ["BR-", "UBL-SR-", "UBL-DT-", "UBL-CR-"];
    let peppol = ["PEPPOL-EN16931-", "PEPPOL-COMMON-", "SE-R-"];
    cen.iter().chain(peppol.iter()).any(|p| id.starts_with(p))
}

pub(super) fn fatal_ids(failed: &[Failed]) -> BTreeSet<String> {
    failed
        .iter()
        .filter(|f| f.fatal && in_scope(&f.id))
        .map(|f| f.id.clone())
        .collect()
}

#[derive(Default)]
struct Tally {
    documents: usize,
    comparisons: usize,
    differences: Vec<String>,
}

fn fmt_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn compare_examples(data: &Path, tally: &mut Tally) {
    let input = saxon::temp_dir("examples");
    let mut names = BTreeMap::new();
    for (i, path) in support::examples(data).iter().enumerate() {
        let name = format!("{i:04}.xml");
        std::fs::copy(path, input.join(&name)).expect("copy example");
        names.insert(name, path.clone());
    }
    let out = input.with_extension("out");
    let cen = saxon::run(
        &data.join(SCHEMATRON).join("CEN-EN16931-UBL.xslt"),
        &input,
        &out.join("cen"),
    );
    let pep = saxon::run(
        &data.join(SCHEMATRON).join("PEPPOL-EN16931-UBL.xslt"),
        &input,
        &out.join("peppol"),
    );
    let implemented: BTreeSet<&str> = peppol::rule_ids().into_iter().collect();
    for (name, path) in &names {
        let mut expected = fatal_ids(&cen[name]);
        expected.extend(fatal_ids(&pep[name]));
        let bytes = std::fs::read(path).expect("example");
        let checked = support::check_ok(&bytes);
        let got: BTreeSet<String> = checked
            .fatal_rules()
            .into_iter()
            .filter(|id| in_scope(id))
            .map(str::to_owned)
            .collect();
        let compared: BTreeSet<&str> = implemented
            .iter()
            .copied()
            .chain(expected.iter().map(String::as_str))
            .collect();
        tally.documents += 1;
        tally.comparisons += compared.len();
        if expected != got {
            let missing: Vec<_> = expected.difference(&got).collect();
            let extra: Vec<_> = got.difference(&expected).collect();
            tally.differences.push(format!(
                "{}: Saxon only {missing:?}, check only {extra:?}",
                path.display()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&input);
    let _ = std::fs::remove_dir_all(&out);
}

/// All fatal rules of both sets must agree too, not only the rule the test
/// is about: the partial documents exercise many EN 16931 rules.
fn compare_sets(
    origin: &str,
    cen: &[Failed],
    peppol: &[Failed],
    checked: &formats::peppol::Checked,
    tally: &mut Tally,
) {
    let mut expected = fatal_ids(cen);
    expected.extend(fatal_ids(peppol));
    let got: BTreeSet<String> = checked
        .fatal_rules()
        .into_iter()
        .filter(|id| in_scope(id))
        .map(str::to_owned)
        .collect();
    let implemented: BTreeSet<&str> = peppol::rule_ids().into_iter().collect();
    tally.comparisons += implemented
        .iter()
        .copied()
        .chain(expected.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .len();
    if expected != got {
        let missing: Vec<_> = expected.difference(&got).collect();
        let extra: Vec<_> = got.difference(&expected).collect();
        tally.differences.push(format!(
            "{origin}: Saxon only {missing:?}, check only {extra:?}"
        ));
    }
}

fn outcome(fired: Option<bool>) -> &'static str {
    match fired {
        None => "success",
        Some(true) => "error",
        Some(false) => "warning",
    }
}

/// `None` when the rule did not fire, else whether it fired as fatal.
fn saxon_fired(failed: &[Failed], rule: &str) -> Option<bool> {
    let hits: Vec<&Failed> = failed.iter().filter(|f| f.id == rule).collect();
    if hits.is_empty() {
        None
    } else {
        Some(hits.iter().any(|f| f.fatal))
    }
}

fn compare_unit_tests(data: &Path, folder: &str, tally: &mut Tally) {
    let dir = data.join("unit-tests").join(folder);
    let mut tests: Vec<UnitTest> = Vec::new();
    for path in support::files_below(&dir) {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("test set");
        tests.extend(support::split_test_set(&name, &text));
    }
    let input = saxon::temp_dir(&folder.replace('/', "-"));
    for (i, t) in tests.iter().enumerate() {
        std::fs::write(input.join(format!("{i:04}.xml")), &t.document).expect("write test");
    }
    let out = input.with_extension("out");
    let reports = saxon::run(
        &data.join(SCHEMATRON).join("PEPPOL-EN16931-UBL.xslt"),
        &input,
        &out.join("peppol"),
    );
    let cen = saxon::run(
        &data.join(SCHEMATRON).join("CEN-EN16931-UBL.xslt"),
        &input,
        &out.join("cen"),
    );
    for (i, t) in tests.iter().enumerate() {
        let report = &reports[&format!("{i:04}.xml")];
        let checked = support::check_ok(t.document.as_bytes());
        tally.documents += 1;
        compare_sets(
            &t.origin,
            &cen[&format!("{i:04}.xml")],
            report,
            &checked,
            tally,
        );
        for (expect, rule) in &t.expectations {
            let saxon = outcome(saxon_fired(report, rule));
            let ours: Vec<_> = checked
                .findings
                .iter()
                .filter(|f| &f.rule == rule)
                .collect();
            let ours = outcome(if ours.is_empty() {
                None
            } else {
                Some(ours.iter().any(|f| f.flag == Flag::Fatal))
            });
            tally.comparisons += 1;
            if saxon != expect || ours != expect {
                tally.differences.push(format!(
                    "{} ({rule}): expected {expect}, Saxon {saxon}, check {ours}",
                    t.origin
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&input);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn check_agrees_with_the_official_schematron() {
    let Some(data) = support::data_dir() else {
        return;
    };
    if !saxon::available() {
        return;
    }
    let mut tally = Tally::default();
    compare_examples(&data, &mut tally);
    compare_unit_tests(&data, "peppol-ubl", &mut tally);
    compare_unit_tests(&data, "peppol-ubl-national/SE", &mut tally);
    println!(
        "peppol differential: {} documents, {} rule comparisons, {} differences",
        tally.documents,
        fmt_thousands(tally.comparisons),
        tally.differences.len()
    );
    assert!(
        tally.differences.is_empty(),
        "{} differences:\n{}",
        tally.differences.len(),
        tally.differences.join("\n")
    );
}
