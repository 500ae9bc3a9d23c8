//! The official examples and unit-test documents, changed in small ways (an
//! element removed or repeated, a value or an attribute changed), checked by
//! Saxon and by `check`: the fatal rules found must be the same. This
//! reaches rules the examples and unit tests leave quiet, such as the VAT
//! breakdown sums.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::differential::{SCHEMATRON, fatal_ids, in_scope};
use super::saxon;
use super::support;

/// Mutants made from each example.
const PER_EXAMPLE: usize = 16;
/// Mutants made from each unit-test document.
const PER_UNIT_TEST: usize = 3;

/// A small deterministic generator (xorshift), so every run tests the
/// same documents.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Another value for a leaf's text: amounts and quantities get nudged,
/// codes get replaced.
fn other_value(text: &str, rng: &mut Rng) -> String {
    let t = text.trim();
    let numeric = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    if numeric {
        match rng.below(5) {
            0 => format!("{t}1"),
            1 => {
                if t.contains('.') {
                    format!("{t}5")
                } else {
                    format!("{t}.005")
                }
            }
            2 => {
                if let Some(rest) = t.strip_prefix('-') {
                    rest.to_owned()
                } else {
                    format!("-{t}")
                }
            }
            3 => "0".to_owned(),
            _ => "100.00".to_owned(),
        }
    } else {
        [
            "S", "Z", "E", "AE", "K", "G", "O", "VAT", "30", "58", "SE", "380", "381", "ZZ",
            "false", "true", " ",
        ][rng.below(17)]
        .to_owned()
    }
}

fn mutate(text: &str, rng: &mut Rng) -> Option<String> {
    let tree = roxmltree::Document::parse(text).ok()?;
    let elements: Vec<roxmltree::Node<'_, '_>> = tree
        .root_element()
        .descendants()
        .filter(|n| n.is_element())
        .skip(1)
        .collect();
    let node = elements.get(rng.below(elements.len()))?;
    let range = node.range();
    Some(match rng.below(4) {
        0 => format!("{}{}", &text[..range.start], &text[range.end..]),
        1 => format!(
            "{}{}{}",
            &text[..range.end],
            &text[range.clone()],
            &text[range.end..]
        ),
        2 => {
            let owner = node.descendants().find(|n| n.attributes().len() > 0)?;
            let attribute = owner
                .attributes()
                .nth(rng.below(owner.attributes().len()))?;
            let r = attribute.range_value();
            let values = [
                "SEK", "EUR", "NOK", "0007", "0088", "0192", "0208", "9944", "SEPA", "Q9", "", "EA",
            ];
            let value = values[rng.below(values.len())];
            format!("{}{}{}", &text[..r.start], value, &text[r.end..])
        }
        _ => {
            let leaf = node
                .descendants()
                .find(|n| n.is_element() && !n.children().any(|c| c.is_element()))?;
            let inner = leaf.first_child().filter(|c| c.is_text())?;
            let r = inner.range();
            let value = other_value(inner.text().unwrap_or(""), rng);
            format!("{}{}{}", &text[..r.start], value, &text[r.end..])
        }
    })
}

/// The documents to change: (origin, document, how many mutants of it).
fn bases(data: &Path) -> Vec<(PathBuf, String, usize)> {
    let mut bases: Vec<(PathBuf, String, usize)> = support::examples(data)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("example");
            (p, text, PER_EXAMPLE)
        })
        .collect();
    // The generated Swedish invoice brings the SE rules into play.
    bases.push((
        PathBuf::from("generated Swedish invoice"),
        support::swedish_invoice(),
        4 * PER_EXAMPLE,
    ));
    // The unit-test documents are partial and odd in shape: a few each.
    for dir in ["unit-tests/peppol-ubl", "unit-tests/peppol-ubl-national/SE"] {
        for path in support::files_below(&data.join(dir)) {
            let text = std::fs::read_to_string(&path).expect("test set");
            let name = path.display().to_string();
            for t in support::split_test_set(&name, &text) {
                bases.push((path.clone(), t.document, PER_UNIT_TEST));
            }
        }
    }
    bases
}

#[test]
fn mutated_documents_agree_with_the_official_schematron() {
    let Some(data) = support::data_dir() else {
        return;
    };
    if !saxon::available() {
        return;
    }
    let input = saxon::temp_dir("mutants");
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mut documents = Vec::new();
    for (path, text, count) in bases(&data) {
        for _ in 0..count {
            let mut mutant = text.clone();
            for _ in 0..=rng.below(3) {
                mutant = mutate(&mutant, &mut rng).unwrap_or(mutant);
            }
            if mutant != text {
                let name = format!("{:04}.xml", documents.len());
                std::fs::write(input.join(&name), &mutant).expect("write mutant");
                documents.push((name, path.clone(), mutant));
            }
        }
    }
    let out = input.with_extension("out");
    let schematron = data.join(SCHEMATRON);
    let cen = saxon::run_lenient(
        &schematron.join("CEN-EN16931-UBL.xslt"),
        &input,
        &out.join("cen"),
    );
    let pep = saxon::run_lenient(
        &schematron.join("PEPPOL-EN16931-UBL.xslt"),
        &input,
        &out.join("peppol"),
    );
    let (mut compared, mut skipped, mut differences) = (0, 0, Vec::new());
    for (name, origin, text) in &documents {
        let (Some(c), Some(p)) = (cen.get(name), pep.get(name)) else {
            skipped += 1;
            continue;
        };
        let Ok(checked) = formats::peppol::check(text.as_bytes()) else {
            skipped += 1;
            continue;
        };
        let mut expected = fatal_ids(c);
        expected.extend(fatal_ids(p));
        let got: BTreeSet<String> = checked
            .fatal_rules()
            .into_iter()
            .filter(|id| in_scope(id))
            .map(str::to_owned)
            .collect();
        compared += 1;
        if expected != got {
            let missing: Vec<_> = expected.difference(&got).collect();
            let extra: Vec<_> = got.difference(&expected).collect();
            differences.push(format!(
                "{name} (from {}): Saxon only {missing:?}, check only {extra:?}",
                origin.display()
            ));
        }
    }
    if differences.is_empty() {
        let _ = std::fs::remove_dir_all(&input);
        let _ = std::fs::remove_dir_all(&out);
    }
    println!(
        "peppol mutants: {} documents, {compared} compared, {skipped} left out (Saxon stopped), {} differences",
        documents.len(),
        differences.len()
    );
    assert!(
        differences.is_empty(),
        "{} differences (documents kept in {}):\n{}",
        differences.len(),
        input.display(),
        differences.join("\n")
    );
    assert!(
        compared * 10 >= documents.len() * 6,
        "Saxon stopped on too many mutants"
    );
}
