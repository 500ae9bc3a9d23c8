//! Server-rendered pages: askama templates, the view structs they read, Fluent messages in
//! Swedish (default) and English, and display helpers (money as `1 234,50 kr`, Stockholm dates).
//!
//! Views depend on `domain` only; handlers in `web` fill the structs from service results.
//! Everything printed is escaped by askama unless a template says otherwise.

pub mod campaign;
pub mod cases;
pub mod chat;
pub mod credit;
pub mod pages;
pub mod portal;
pub mod visits;

pub use askama::Template;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The interface language of one response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The name of a closed-set value in this language.
    pub fn label<T: domain::Labelled>(self, value: T) -> &'static str {
        match self {
            Lang::Sv => value.label_sv(),
            Lang::En => value.label_en(),
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }
}

struct Bundles {
    sv: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, source: &'static str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: they show up as junk in e-mails and tests.
    b.set_use_isolating(false);
    // The message files are part of the binary and checked by a test; a broken one is a build bug.
    let res = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, _)| res);
    let _ = b.add_resource(res);
    b
}

fn bundles() -> &'static Bundles {
    static B: OnceLock<Bundles> = OnceLock::new();
    B.get_or_init(|| Bundles {
        sv: bundle("sv", include_str!("../i18n/sv.ftl")),
        en: bundle("en", include_str!("../i18n/en.ftl")),
    })
}

/// Looks up a message; a missing key shows as the key itself so it is noticed, never a panic.
pub fn translate(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let b = match lang {
        Lang::Sv => &bundles().sv,
        Lang::En => &bundles().en,
    };
    let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        // Small whole numbers go in as numbers so plural variants (`[one]`) can select on them;
        // anything else (identifiers with leading zeros, long numbers) stays text, unchanged.
        match v.parse::<i64>() {
            Ok(n) if n.abs() < 1_000_000 && n.to_string() == *v => {
                fargs.set(*k, FluentValue::from(n))
            }
            _ => fargs.set(*k, FluentValue::from(v.clone())),
        }
    }
    let mut errors = Vec::new();
    b.format_pattern(
        pattern,
        if args.is_empty() { None } else { Some(&fargs) },
        &mut errors,
    )
    .into_owned()
}

/// Every key in a message file, for the test that both languages have the same keys.
pub fn message_keys(lang: Lang) -> Vec<String> {
    let src = match lang {
        Lang::Sv => include_str!("../i18n/sv.ftl"),
        Lang::En => include_str!("../i18n/en.ftl"),
    };
    src.lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.starts_with('#'))
        .collect()
}

/// One link in the navigation.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
    pub current: bool,
}

/// The logged-in user as the layout shows them.
#[derive(Clone, Debug)]
pub struct NavUser {
    pub display_name: String,
    pub role_label: String,
}

/// What every page's frame needs.
#[derive(Clone, Debug)]
pub struct Layout {
    pub lang: Lang,
    pub title: String,
    pub user: Option<NavUser>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    /// A crisis banner from the portal policy in force.
    pub banner: Option<String>,
    pub path: String,
    pub demo: bool,
}

impl Layout {
    pub fn t(&self, key: &str) -> String {
        translate(self.lang, key, &[])
    }

    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        translate(self.lang, key, &[(name, value.to_string())])
    }

    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl std::fmt::Display,
        n2: &str,
        v2: impl std::fmt::Display,
    ) -> String {
        translate(
            self.lang,
            key,
            &[(n1, v1.to_string()), (n2, v2.to_string())],
        )
    }

    pub fn money(&self, ore: &i64) -> String {
        domain::money::Money::from_ore(*ore).to_string()
    }

    pub fn status(&self, status: &str) -> String {
        self.t(&format!("status-{status}"))
    }

    /// An instant (microseconds UTC) as Stockholm civil time.
    pub fn when(&self, micros: &i64) -> String {
        domain::time::format_datetime(
            domain::time::from_micros(*micros),
            &domain::time::stockholm(),
        )
    }

    pub fn role_label(&self, role: &str) -> String {
        role.parse::<domain::role::Role>()
            .map(|r| self.lang.label(r).to_owned())
            .unwrap_or_else(|_| role.to_owned())
    }

    pub fn other_lang(&self) -> &'static str {
        self.lang.other().code()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals_select_on_numbers_and_identifiers_stay_as_written() {
        use super::{Lang, translate};
        let one = translate(Lang::Sv, "portal-cases-waiting", &[("count", "1".into())]);
        assert_eq!(
            one.replace(['\u{2068}', '\u{2069}'], ""),
            "Ett ärende väntar på ditt svar."
        );
        let two = translate(Lang::En, "portal-cases-waiting", &[("count", "2".into())]);
        assert_eq!(
            two.replace(['\u{2068}', '\u{2069}'], ""),
            "2 cases are waiting for your answer."
        );
        let id = translate(Lang::Sv, "portal-next-visit", &[("when", "007".into())]);
        assert!(id.contains("007"), "{id}");
    }

    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_every_key_resolves() {
        let sv = message_keys(Lang::Sv);
        assert_eq!(sv, message_keys(Lang::En));
        for k in &sv {
            assert_ne!(
                translate(
                    Lang::Sv,
                    k,
                    &[
                        ("name", "x".into()),
                        ("count", "1".into()),
                        ("amount", "1".into()),
                        ("role", "r".into()),
                        ("id", "i".into()),
                        ("seq", "1".into())
                    ]
                ),
                *k
            );
        }
        assert_eq!(
            translate(Lang::Sv, "portal-welcome", &[("name", "Karin".into())]),
            "Välkommen, Karin"
        );
        assert_eq!(translate(Lang::En, "no-such-key", &[]), "no-such-key");
    }
}
