//! Every rule in the table has a message in both Fluent files.

use std::path::PathBuf;

use formats::peppol::rule_ids;

fn keys(lang: &str) -> Vec<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../views/i18n/{lang}/peppol.ftl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
        .filter_map(|l| l.split_once(" = "))
        .map(|(key, _)| key.trim().to_owned())
        .collect()
}

#[test]
fn every_rule_has_a_message_in_swedish_and_english() {
    for lang in ["sv", "en"] {
        let keys = keys(lang);
        let missing: Vec<&str> = rule_ids()
            .into_iter()
            .filter(|id| !keys.iter().any(|k| k == &format!("peppol-rule-{id}")))
            .collect();
        assert!(
            missing.is_empty(),
            "{lang}/peppol.ftl lacks messages for {missing:?}"
        );
        let extra: Vec<&String> = keys
            .iter()
            .filter(|k| {
                k.strip_prefix("peppol-rule-")
                    .is_none_or(|id| !rule_ids().contains(&id))
            })
            .collect();
        assert!(
            extra.is_empty(),
            "{lang}/peppol.ftl has keys for no rule: {extra:?}"
        );
    }
}
