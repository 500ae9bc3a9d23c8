//! Helpers shared by the Peppol tests: the shared data, a generated valid
//! Swedish invoice, and splitting the official unit-test sets.

use std::path::{Path, PathBuf};

use formats::peppol::{self, Checked};

/// The shared Peppol data folder, `None` (after saying so) when absent.
pub fn data_dir() -> Option<PathBuf> {
    test_support::shared_data("formats/peppol")
}

/// Every file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The example documents (`examples/**`).
pub fn examples(data: &Path) -> Vec<PathBuf> {
    files_below(&data.join("examples"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect()
}

/// The result of a check that must read.
#[track_caller]
pub fn check_ok(bytes: &[u8]) -> Checked {
    peppol::check(bytes).unwrap_or_else(|e| panic!("expected a UBL document: {e}"))
}

pub use test_support::peppol::{GenLine, invoice_with, swedish_invoice};

/// One `<test>` of an official unit-test set.
pub struct UnitTest {
    /// The set's file name and the test's position in it.
    pub origin: String,
    /// What must happen: (`success`, `error` or `warning`, rule id).
    pub expectations: Vec<(String, String)>,
    /// The Invoice or CreditNote document, with its namespace declarations.
    pub document: String,
}

/// Split a VEFA test set into its test documents.
pub fn split_test_set(name: &str, text: &str) -> Vec<UnitTest> {
    let tree = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = Vec::new();
    let tests = tree
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("test"));
    for (index, test) in tests.enumerate() {
        let expectations: Vec<(String, String)> = test
            .children()
            .filter(|n| n.has_tag_name("assert"))
            .flat_map(|a| a.children())
            .filter(|n| matches!(n.tag_name().name(), "success" | "error" | "warning"))
            .map(|n| {
                (
                    n.tag_name().name().to_owned(),
                    n.text().unwrap_or("").trim().to_owned(),
                )
            })
            .collect();
        let Some(doc) = test.children().find(|n| {
            n.is_element()
                && (n.tag_name().name() == "Invoice" || n.tag_name().name() == "CreditNote")
        }) else {
            continue;
        };
        out.push(UnitTest {
            origin: format!("{name} test {}", index + 1),
            expectations,
            document: standalone(text, doc),
        });
    }
    out
}

/// The source text of an element, with the namespaces it inherits
/// declared on it.
fn standalone(text: &str, node: roxmltree::Node<'_, '_>) -> String {
    let raw = &text[node.range()];
    let start_end = raw.find('>').unwrap_or(raw.len());
    let start_tag = &raw[..start_end];
    let name_end = start_tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(start_tag.len());
    let mut extra = String::new();
    for ns in node.namespaces() {
        let decl = match ns.name() {
            Some("xml") => continue,
            Some(prefix) => format!("xmlns:{prefix}="),
            None => "xmlns=".to_owned(),
        };
        if !start_tag.contains(&decl) {
            extra.push_str(&format!(" {decl}\"{}\"", ns.uri()));
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}{}{}\n",
        &raw[..name_end],
        extra,
        &raw[name_end..]
    )
}
