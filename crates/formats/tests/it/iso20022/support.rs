//! Helpers shared by the ISO 20022 tests: the shared sample folders, the
//! xmllint oracle and small queries on written XML.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `../shared/data/formats/iso20022`, or `None` after saying SKIPPED.
pub fn iso_dir() -> Option<PathBuf> {
    test_support::shared_data("formats/iso20022")
}

/// `../shared/data/formats/pain001`, or `None` after saying SKIPPED.
pub fn pain001_dir() -> Option<PathBuf> {
    test_support::shared_data("formats/pain001")
}

/// The schema `name` (such as `pain.001.001.09`) from the shared folder.
pub fn xsd(name: &str) -> Option<PathBuf> {
    Some(iso_dir()?.join("xsd").join(format!("{name}.xsd")))
}

/// Whether xmllint runs here; says SKIPPED when it does not.
pub fn have_xmllint() -> bool {
    let ok = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !ok {
        test_support::skip("xmllint (libxml2-utils)");
    }
    ok
}

/// Validates the files against the schema `name` with xmllint. Returns
/// `false` (after SKIPPED) when xmllint or the schema is missing, and
/// panics with xmllint's output when a file is invalid.
#[track_caller]
pub fn assert_valid_files(files: &[PathBuf], name: &str) -> bool {
    let Some(schema) = xsd(name) else {
        return false;
    };
    if !have_xmllint() {
        return false;
    }
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .args(files)
        .output()
        .expect("running xmllint");
    assert!(
        out.status.success(),
        "xmllint against {name} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

/// Validates `xml` against the schema `name` (see [`assert_valid_files`]).
#[track_caller]
pub fn assert_valid(xml: &str, name: &str) -> bool {
    let file = TempFile::new(xml);
    assert_valid_files(std::slice::from_ref(&file.path), name)
}

/// A file in the temporary folder, removed on drop.
pub struct TempFile {
    pub path: PathBuf,
}

impl TempFile {
    pub fn new(contents: &str) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("formats-iso20022-{}-{n}.xml", std::process::id()));
        std::fs::write(&path, contents).expect("writing a temporary file");
        TempFile { path }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The files in `dir` ending in `.xml`, sorted.
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
        .collect();
    files.sort();
    files
}

/// The texts of every element reached by `path` (local names separated by
/// `/`, starting below the root), in document order.
pub fn texts(doc: &roxmltree::Document<'_>, path: &str) -> Vec<String> {
    let mut nodes = vec![doc.root_element()];
    for name in path.split('/') {
        nodes = nodes
            .iter()
            .flat_map(|node| node.children())
            .filter(|child| child.is_element() && child.tag_name().name() == name)
            .collect();
    }
    nodes
        .iter()
        .map(|node| node.text().unwrap_or("").trim().to_owned())
        .collect()
}

/// Öre of a decimal amount as written in a test's expectations.
pub fn ore(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let fraction = format!("{fraction:0<2}");
    assert!(fraction.len() == 2, "more than two decimals in {text}");
    whole.parse::<i64>().expect("whole part") * 100 + fraction.parse::<i64>().expect("fraction")
}
