//! Running the official Schematron (compiled to XSLT) with Saxon.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's Saxon-HE lives.
const SAXON_JAR: &str = "/usr/share/java/Saxon-HE.jar";

/// A failed assert from the SVRL report: rule id and flag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failed {
    pub id: String,
    pub fatal: bool,
}

/// Whether `java` and the Saxon jar are here; says SKIPPED when not.
pub fn available() -> bool {
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !java || !Path::new(SAXON_JAR).exists() {
        test_support::skip("java and /usr/share/java/Saxon-HE.jar (the Schematron oracle)");
        return false;
    }
    true
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("beredskap-peppol-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Run one compiled rule set over every file of `input` (one JVM start)
/// and return the failed asserts per file name.
pub fn run(xslt: &Path, input: &Path, output: &Path) -> BTreeMap<String, Vec<Failed>> {
    let (ok, stderr, reports) = run_all(xslt, input, output);
    assert!(ok, "Saxon failed on {}: {stderr}", input.display());
    reports
}

/// Like [`run`], but a document Saxon stops on (a dynamic error in a rule,
/// e.g. a decimal cast of a non-number) is left out instead of failing.
pub fn run_lenient(xslt: &Path, input: &Path, output: &Path) -> BTreeMap<String, Vec<Failed>> {
    run_all(xslt, input, output).2
}

fn run_all(
    xslt: &Path,
    input: &Path,
    output: &Path,
) -> (bool, String, BTreeMap<String, Vec<Failed>>) {
    std::fs::create_dir_all(output).expect("output directory");
    let result = Command::new("java")
        .arg("-cp")
        .arg(SAXON_JAR)
        .arg("net.sf.saxon.Transform")
        .arg(format!("-s:{}", input.display()))
        .arg(format!("-xsl:{}", xslt.display()))
        .arg(format!("-o:{}", output.display()))
        .output()
        .expect("running java");
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(input).expect("input directory");
    for entry in entries {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Ok(svrl) = std::fs::read_to_string(output.join(&name)) else {
            continue;
        };
        if let Some(failed) = failed_asserts(&svrl) {
            out.insert(name, failed);
        }
    }
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    (result.status.success(), stderr, out)
}

fn failed_asserts(svrl: &str) -> Option<Vec<Failed>> {
    let tree = roxmltree::Document::parse(svrl).ok()?;
    let mut out: Vec<Failed> = tree
        .descendants()
        .filter(|n| n.has_tag_name(("http://purl.oclc.org/dsdl/svrl", "failed-assert")))
        .map(|n| Failed {
            id: n.attribute("id").unwrap_or("").to_owned(),
            fatal: n.attribute("flag") == Some("fatal"),
        })
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}
