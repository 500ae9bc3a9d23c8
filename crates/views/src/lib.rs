//! Server-rendered pages: askama templates, the view structs they read, Fluent messages in
//! Swedish (default) and English, and display helpers (money as `1 234,50 kr`, Stockholm dates).
//!
//! Views depend on `domain` only; handlers in `web` fill the structs from service results.
//! Everything printed is escaped by askama unless a template says otherwise.

pub mod campaign;
pub mod cases;
pub mod charts;
pub mod chat;
pub mod community;
pub mod continuity;
pub mod credit;
pub mod map;
pub mod messages;
pub mod modes;
pub mod pages;
pub mod portal;
pub mod suppliers;
pub mod visits;

pub use askama::Template;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The interface language of one response: the customer's language type, so pages and
/// messages speak the same two.
pub use domain::customer::Language as Lang;

/// The message files, one per capability (and `common` for the frame, accounts and errors),
/// each in both languages with the same keys (a test checks).
macro_rules! message_files {
    ($($name:literal),+ $(,)?) => {
        /// `(name, Swedish source, English source)` of every message file.
        pub const MESSAGE_FILES: &[(&str, &str, &str)] = &[$((
            $name,
            include_str!(concat!("../i18n/sv/", $name, ".ftl")),
            include_str!(concat!("../i18n/en/", $name, ".ftl")),
        )),+];
    };
}

message_files!(
    "common",
    "policies",
    "customers",
    "visits",
    "credit",
    "portal",
    "campaign",
    "chat",
    "cases",
    "problems",
    "modes",
    "continuity",
    "suppliers",
    "peppol",
    "payments",
    "work",
    "community",
);

struct Bundles {
    sv: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, sources: impl Iterator<Item = &'static str>) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: they show up as junk in e-mails and tests.
    b.set_use_isolating(false);
    for source in sources {
        // The message files are part of the binary and checked by a test; a broken one is a
        // build bug.
        let res = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, _)| res);
        let _ = b.add_resource(res);
    }
    b
}

fn bundles() -> &'static Bundles {
    static B: OnceLock<Bundles> = OnceLock::new();
    B.get_or_init(|| Bundles {
        sv: bundle("sv", MESSAGE_FILES.iter().map(|f| f.1)),
        en: bundle("en", MESSAGE_FILES.iter().map(|f| f.2)),
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

/// Every key of one language's message file, for the test that both languages have the same
/// keys.
pub fn message_keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.starts_with('#') && !k.starts_with(' '))
        .collect()
}

/// A closed set's value named in `lang` (its Fluent message `<set>-<code>`).
pub fn label<T: domain::code::Code>(lang: Lang, value: T) -> String {
    translate(lang, value.message_key(), &[])
}

/// Why an input was refused, in `lang`.
pub fn explain(lang: Lang, why: &dyn domain::problem::Explain) -> String {
    let args = why.args();
    let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
    translate(lang, why.message_key(), &args)
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

    /// An instant (microseconds UTC) as Stockholm civil time.
    pub fn when(&self, micros: &i64) -> String {
        domain::time::format_datetime(
            domain::time::from_micros(*micros),
            &domain::time::stockholm(),
        )
    }

    /// A closed set's value named in the page's language.
    pub fn label<T: domain::code::Code>(&self, value: &T) -> String {
        label(self.lang, *value)
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
        let mut all = std::collections::HashSet::new();
        for (name, sv_src, en_src) in MESSAGE_FILES {
            let sv = message_keys(sv_src);
            assert_eq!(
                sv,
                message_keys(en_src),
                "{name}.ftl: the same keys in sv and en"
            );
            for k in &sv {
                assert!(all.insert(k.clone()), "{k} is defined twice ({name}.ftl)");
                for lang in [Lang::Sv, Lang::En] {
                    assert_ne!(translate(lang, k, &[]), *k, "{k} does not resolve");
                }
            }
        }
        assert_eq!(
            translate(Lang::Sv, "portal-welcome", &[("name", "Karin".into())]),
            "Välkommen, Karin"
        );
        assert_eq!(translate(Lang::En, "no-such-key", &[]), "no-such-key");
    }

    /// Every closed set people read has a name in both languages.
    #[test]
    fn every_closed_set_value_has_a_name() {
        fn check<T: domain::code::Code>() {
            for &v in T::all() {
                for lang in [Lang::Sv, Lang::En] {
                    let text = label(lang, v);
                    assert_ne!(
                        text,
                        v.message_key(),
                        "{} has no {lang:?} name",
                        v.message_key()
                    );
                }
            }
        }
        check::<domain::role::Role>();
        check::<domain::role::SignOn>();
        check::<domain::policy::Capability>();
        check::<domain::suppliers::Trade>();
        check::<domain::suppliers::SizeClass>();
        check::<domain::suppliers::OfferState>();
        check::<domain::suppliers::InvoiceKind>();
        check::<domain::suppliers::InvoiceState>();
        check::<domain::suppliers::Refusal>();
        check::<domain::suppliers::pay::ProposalState>();
        check::<domain::suppliers::pay::PaymentState>();
        check::<domain::suppliers::pay::EntryState>();
        check::<domain::suppliers::work::ProjectKind>();
        check::<domain::suppliers::work::OrderState>();
        check::<domain::community::LedgerCategory>();
        check::<domain::community::RecipientKind>();
        check::<domain::community::StockUnit>();
        check::<domain::community::events::EventState>();
        check::<domain::community::events::EventNeed>();
        check::<domain::community::sponsorship::ReturnKind>();
        check::<domain::community::sponsorship::AgreementState>();
        check::<domain::community::sponsorship::InstalmentState>();
        check::<domain::community::summer::ApplicationState>();
        check::<domain::community::upgrades::UpgradeState>();
        check::<domain::community::upgrades::OrderAction>();
        check::<domain::community::upgrades::Via>();
        check::<domain::suppliers::reports::SupplierGroup>();
        check::<domain::customer::CustomerKind>();
        check::<domain::customer::Language>();
        check::<domain::customer::Channel>();
        check::<domain::meter::PropertyKind>();
        check::<domain::meter::Placement>();
        check::<domain::meter::MeterKind>();
        check::<domain::meter::UtilityService>();
        check::<domain::cases::Category>();
        check::<domain::cases::CaseSource>();
        check::<domain::cases::EntryKind>();
        check::<domain::cases::CaseStatus>();
        check::<domain::cases::SlaState>();
        check::<domain::chat::Topic>();
        check::<domain::outbox::OutboxStatus>();
        check::<domain::modes::ActivationStatus>();
        check::<domain::modes::LogKind>();
        check::<domain::visits::VisitStatus>();
        check::<domain::visits::VisitSource>();
        check::<domain::visits::WaitStatus>();
        check::<domain::credit::InvoiceStatus>();
        check::<domain::credit::ArrangementKind>();
        check::<domain::credit::ArrangementStatus>();
        check::<domain::credit::ArrangementSource>();
        check::<domain::credit::ChargeKind>();
        check::<domain::credit::PaymentSource>();
        check::<domain::credit::Decision>();
        check::<domain::credit::InvoiceState>();
        check::<domain::audit::Outcome>();
        check::<domain::jobs::JobStatus>();
        check::<domain::policy::IndoorVisits>();
        check::<domain::continuity::Service>();
        check::<domain::continuity::AbsenceReason>();
        check::<domain::continuity::CoverageStatus>();
        check::<domain::continuity::Exclusion>();
        check::<domain::continuity::Rule>();
        check::<domain::continuity::ServiceState>();
        check::<domain::continuity::RequestStatus>();
        check::<domain::continuity::ExerciseStatus>();
        check::<domain::continuity::ReportKind>();
        check::<domain::continuity::RosterSource>();
        check::<domain::continuity::OvertimeBasis>();
    }

    /// Every refusal a service can return is explained in both languages, with its arguments
    /// filled in.
    #[test]
    fn every_problem_has_a_message() {
        for p in domain::problem::Problem::examples() {
            for lang in [Lang::Sv, Lang::En] {
                let text = explain(lang, &p);
                let key = domain::problem::Explain::message_key(&p);
                assert_ne!(text, key, "{p:?} has no {lang:?} message");
                assert!(!text.contains("{ $"), "{p:?}: {text}");
                for (name, _) in domain::problem::Explain::args(&p) {
                    assert!(!text.contains(&format!("${name}")), "{p:?}: {text}");
                }
            }
        }
    }
}
