//! The mode editor's form: every policy field of every capability, shown from a policy and read
//! back into one, parsed once here with a typed problem per field.

use std::collections::BTreeMap;

use domain::community::{CommunityPolicy, GatheringLimit};
use domain::continuity::{ContinuityPolicy, RaisedMinimum};
use domain::money::Money;
use domain::policy::{
    CampaignPolicy, Capability, CreditPolicy, IndoorVisits, PolicyBody, PortalPolicy, SupplierRule,
    SuppliersPolicy, VisitsPolicy,
};
use domain::problem::{Invalid, Problem};
use views::Lang;
use views::modes::{FieldKind, FieldView, PolicyFieldset};

use crate::ctx::FormData;

/// What the form said: the policies, or the fields that were wrong.
pub type Parsed = Result<BTreeMap<Capability, PolicyBody>, Vec<Invalid>>;

/// A field before it is named in a language.
struct Field {
    name: &'static str,
    kind: Kind,
    value: String,
    checked: bool,
}

enum Kind {
    Checkbox,
    Number,
    Kronor,
    Text,
    Indoor,
    SupplierRule,
    RaisedMinimum,
}

fn field(name: &'static str, kind: Kind, value: impl ToString) -> Field {
    Field {
        name,
        kind,
        value: value.to_string(),
        checked: false,
    }
}

fn checkbox(name: &'static str, on: bool) -> Field {
    Field {
        name,
        kind: Kind::Checkbox,
        value: "true".into(),
        checked: on,
    }
}

fn kronor(ore: i64) -> String {
    Money::from_ore(ore)
        .to_string()
        .trim_end_matches(" kr")
        .to_owned()
}

fn fields_of(p: &PolicyBody) -> Vec<Field> {
    match p {
        PolicyBody::Campaign(c) => vec![
            field(
                "campaign.indoor_visits",
                Kind::Indoor,
                c.indoor_visits.as_str(),
            ),
            checkbox("campaign.defer_risk_group", c.defer_risk_group),
            field(
                "campaign.notice_working_days",
                Kind::Number,
                c.notice_working_days,
            ),
            checkbox(
                "campaign.indoor_requires_booking",
                c.indoor_requires_booking,
            ),
            checkbox("campaign.indoor_routine", c.indoor_routine),
        ],
        PolicyBody::Visits(v) => vec![
            checkbox("visits.walk_in", v.walk_in),
            checkbox("visits.booking_required", v.booking_required),
            field(
                "visits.max_present_per_site",
                Kind::Number,
                v.max_present_per_site,
            ),
        ],
        PolicyBody::Credit(c) => vec![
            field(
                "credit.max_extension_days",
                Kind::Number,
                c.max_extension_days,
            ),
            field(
                "credit.max_amount_ore",
                Kind::Kronor,
                kronor(c.max_amount_ore),
            ),
            field(
                "credit.require_clean_history_months",
                Kind::Number,
                c.require_clean_history_months,
            ),
            checkbox("credit.waive_interest", c.waive_interest),
            field(
                "credit.auto_approve_up_to_ore",
                Kind::Kronor,
                kronor(c.auto_approve_up_to_ore),
            ),
            field(
                "credit.reminder_grace_days",
                Kind::Number,
                c.reminder_grace_days,
            ),
            field("credit.max_instalments", Kind::Number, c.max_instalments),
        ],
        PolicyBody::Suppliers(s) => vec![
            field(
                "suppliers.shortened_terms_days",
                Kind::Number,
                s.shortened_terms_days
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            field(
                "suppliers.applies_to",
                Kind::SupplierRule,
                rule_code(&s.applies_to),
            ),
            field(
                "suppliers.trade",
                Kind::Text,
                match &s.applies_to {
                    SupplierRule::Trade(t) => t.clone(),
                    _ => String::new(),
                },
            ),
        ],
        PolicyBody::Portal(p) => portal_fields(p),
        PolicyBody::Continuity(c) => vec![
            checkbox("continuity.remote_work_default", c.remote_work_default),
            checkbox("continuity.travel_limited", c.travel_limited),
            checkbox("continuity.meetings_postponed", c.meetings_postponed),
            checkbox("continuity.team_separation", c.team_separation),
            field(
                "continuity.raised_minimum",
                Kind::RaisedMinimum,
                match c.raised_minimum {
                    RaisedMinimum::None => "none",
                    RaisedMinimum::All => "all",
                    RaisedMinimum::Functions(_) => "functions",
                },
            ),
            field(
                "continuity.functions",
                Kind::Text,
                match &c.raised_minimum {
                    RaisedMinimum::Functions(codes) => codes.join(", "),
                    _ => String::new(),
                },
            ),
        ],
        PolicyBody::Community(c) => community_fields(c),
    }
}

/// The community policy's fields: the gathering limit and its source (empty: no limit), free
/// upgrades (empty: not offered), the sponsorship measures.
fn community_fields(c: &CommunityPolicy) -> Vec<Field> {
    vec![
        field(
            "community.gathering_limit.max_people",
            Kind::Number,
            c.gathering_limit
                .as_ref()
                .map(|l| l.max_people.to_string())
                .unwrap_or_default(),
        ),
        field(
            "community.gathering_limit.source",
            Kind::Text,
            c.gathering_limit
                .as_ref()
                .map(|l| l.source.clone())
                .unwrap_or_default(),
        ),
        field(
            "community.free_upgrade_max_days",
            Kind::Number,
            c.free_upgrade_max_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        field(
            "community.sponsorship_extra_percent",
            Kind::Number,
            c.sponsorship_extra_percent,
        ),
        checkbox(
            "community.sponsorship_pay_cancelled",
            c.sponsorship_pay_cancelled,
        ),
    ]
}

/// The portal policy's fields: the banner in both languages, self-service first, the chat's
/// hours.
fn portal_fields(p: &PortalPolicy) -> Vec<Field> {
    vec![
        field(
            "portal.banner_sv",
            Kind::Text,
            p.banner_sv.clone().unwrap_or_default(),
        ),
        field(
            "portal.banner_en",
            Kind::Text,
            p.banner_en.clone().unwrap_or_default(),
        ),
        checkbox("portal.deflect_to_self_service", p.deflect_to_self_service),
        field(
            "portal.chat_hours",
            Kind::Text,
            p.chat_hours.map(|h| h.to_string()).unwrap_or_default(),
        ),
    ]
}

fn rule_code(r: &SupplierRule) -> &'static str {
    match r {
        SupplierRule::All => "all",
        SupplierRule::Local => "local",
        SupplierRule::Small => "small",
        SupplierRule::Trade(_) => "trade",
    }
}

/// The editor's fieldsets for `policies`, named in `lang`, with each field's error.
pub fn fieldsets(
    lang: Lang,
    policies: &BTreeMap<Capability, PolicyBody>,
    form: Option<&FormData>,
    errors: &[Invalid],
) -> Vec<PolicyFieldset> {
    policies
        .iter()
        .map(|(c, p)| PolicyFieldset {
            capability: c.as_str().to_owned(),
            legend: views::label(lang, *c),
            fields: fields_of(p)
                .into_iter()
                .map(|f| view(lang, f, form, errors))
                .collect(),
        })
        .collect()
}

fn view(lang: Lang, f: Field, form: Option<&FormData>, errors: &[Invalid]) -> FieldView {
    let t = |key: &str| views::translate(lang, key, &[]);
    let key = format!("mode-field-{}", f.name.replace(['.', '_'], "-"));
    let kind = match f.kind {
        Kind::Checkbox => FieldKind::Checkbox,
        Kind::Number => FieldKind::Number,
        Kind::Kronor => FieldKind::Kronor,
        Kind::Text => FieldKind::Text,
        Kind::Indoor => FieldKind::Select(
            IndoorVisits::ALL
                .iter()
                .map(|v| (v.as_str().to_owned(), views::label(lang, *v)))
                .collect(),
        ),
        Kind::SupplierRule => FieldKind::Select(
            ["all", "local", "small", "trade"]
                .into_iter()
                .map(|v| (v.to_owned(), t(&format!("mode-supplier-rule-{v}"))))
                .collect(),
        ),
        Kind::RaisedMinimum => FieldKind::Select(
            ["none", "all", "functions"]
                .into_iter()
                .map(|v| (v.to_owned(), t(&format!("mode-raised-rule-{v}"))))
                .collect(),
        ),
    };
    // A form sent back shows what the person wrote, not what is stored.
    let (value, checked) = match form {
        Some(form) => (
            form.get(f.name).to_owned(),
            matches!(kind, FieldKind::Checkbox) && form.get(f.name) == "true",
        ),
        None => (f.value, f.checked),
    };
    FieldView {
        id: f.name.replace('.', "-"),
        name: f.name.to_owned(),
        label: t(&key),
        help: None,
        kind,
        value,
        checked,
        error: errors
            .iter()
            .find(|e| e.field == f.name)
            .map(|e| views::explain(lang, &e.problem)),
    }
}

/// Reads every capability's policy from the form; each wrong field is named.
pub fn parse(form: &FormData) -> Parsed {
    let mut r = Reader {
        form,
        errors: Vec::new(),
    };
    let mut out = BTreeMap::new();
    let indoor = IndoorVisits::parse(form.get("campaign.indoor_visits"));
    if indoor.is_none() {
        let raw = form.get("campaign.indoor_visits");
        r.fail(
            "campaign.indoor_visits",
            Problem::UnknownChoice(unknown::<IndoorVisits>(raw)),
        );
    }
    let campaign = CampaignPolicy {
        indoor_visits: indoor.unwrap_or(IndoorVisits::Allowed),
        defer_risk_group: r.flag("campaign.defer_risk_group"),
        notice_working_days: r.number("campaign.notice_working_days", 0, 30),
        indoor_requires_booking: r.flag("campaign.indoor_requires_booking"),
        indoor_routine: r.flag("campaign.indoor_routine"),
    };
    out.insert(Capability::Campaign, PolicyBody::Campaign(campaign));
    let visits = VisitsPolicy {
        walk_in: r.flag("visits.walk_in"),
        booking_required: r.flag("visits.booking_required"),
        max_present_per_site: r.number("visits.max_present_per_site", 1, 10_000),
    };
    out.insert(Capability::Visits, PolicyBody::Visits(visits));
    let credit = CreditPolicy {
        max_extension_days: r.number("credit.max_extension_days", 1, 365),
        max_amount_ore: r.kronor("credit.max_amount_ore"),
        require_clean_history_months: r.number("credit.require_clean_history_months", 0, 120),
        waive_interest: r.flag("credit.waive_interest"),
        auto_approve_up_to_ore: r.kronor("credit.auto_approve_up_to_ore"),
        reminder_grace_days: r.number("credit.reminder_grace_days", 0, 90),
        max_instalments: r.number("credit.max_instalments", 1, 36),
    };
    out.insert(Capability::Credit, PolicyBody::Credit(credit));
    let terms = match form.get("suppliers.shortened_terms_days").trim() {
        "" => None,
        _ => Some(r.number("suppliers.shortened_terms_days", 1, 60)),
    };
    let applies_to = match form.get("suppliers.applies_to") {
        "all" => SupplierRule::All,
        "local" => SupplierRule::Local,
        "small" => SupplierRule::Small,
        "trade" => match form.get("suppliers.trade").trim() {
            "" => {
                r.fail("suppliers.trade", Problem::Required);
                SupplierRule::All
            }
            t => SupplierRule::Trade(t.to_owned()),
        },
        other => {
            r.fail(
                "suppliers.applies_to",
                Problem::UnknownChoice(domain::code::UnknownCode {
                    set: "mode-supplier-rule",
                    value: other.to_owned(),
                    expected: vec!["all", "local", "small", "trade"],
                }),
            );
            SupplierRule::All
        }
    };
    out.insert(
        Capability::Suppliers,
        PolicyBody::Suppliers(SuppliersPolicy {
            shortened_terms_days: terms,
            applies_to,
        }),
    );
    let portal = PortalPolicy {
        banner_sv: r.text("portal.banner_sv"),
        banner_en: r.text("portal.banner_en"),
        deflect_to_self_service: r.flag("portal.deflect_to_self_service"),
        chat_hours: r.hours("portal.chat_hours"),
    };
    out.insert(Capability::Portal, PolicyBody::Portal(portal));
    out.insert(Capability::Continuity, parse_continuity(&mut r));
    out.insert(Capability::Community, parse_community(&mut r));
    if r.errors.is_empty() {
        Ok(out)
    } else {
        Err(r.errors)
    }
}

/// The continuity policy's fields: the measures, and which functions staff to their crisis
/// minimum (codes separated by commas when it is some of them).
fn parse_continuity(r: &mut Reader<'_>) -> PolicyBody {
    let raised = match r.form.get("continuity.raised_minimum") {
        "none" => RaisedMinimum::None,
        "all" => RaisedMinimum::All,
        "functions" => {
            let mut codes = Vec::new();
            let text = r.form.get("continuity.functions").to_owned();
            for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                match domain::continuity::values::code(part) {
                    Ok(c) => codes.push(c),
                    Err(p) => r.fail("continuity.functions", p),
                }
            }
            if codes.is_empty() {
                r.fail("continuity.functions", Problem::Required);
            }
            RaisedMinimum::Functions(codes)
        }
        other => {
            r.fail(
                "continuity.raised_minimum",
                Problem::UnknownChoice(domain::code::UnknownCode {
                    set: "mode-raised-rule",
                    value: other.to_owned(),
                    expected: vec!["none", "all", "functions"],
                }),
            );
            RaisedMinimum::None
        }
    };
    PolicyBody::Continuity(ContinuityPolicy {
        remote_work_default: r.flag("continuity.remote_work_default"),
        travel_limited: r.flag("continuity.travel_limited"),
        meetings_postponed: r.flag("continuity.meetings_postponed"),
        team_separation: r.flag("continuity.team_separation"),
        raised_minimum: raised,
    })
}

/// The community policy's fields; an empty limit or number of days means none.
fn parse_community(r: &mut Reader<'_>) -> PolicyBody {
    let gathering_limit = match r.form.get("community.gathering_limit.max_people").trim() {
        "" => None,
        _ => Some(GatheringLimit {
            max_people: r.number("community.gathering_limit.max_people", 1, 1_000_000),
            source: r
                .text("community.gathering_limit.source")
                .unwrap_or_default(),
        }),
    };
    let free_upgrade_max_days = match r.form.get("community.free_upgrade_max_days").trim() {
        "" => None,
        _ => Some(r.number(
            "community.free_upgrade_max_days",
            1,
            i64::from(domain::community::MAX_UPGRADE_DAYS),
        )),
    };
    PolicyBody::Community(CommunityPolicy {
        gathering_limit,
        free_upgrade_max_days,
        sponsorship_extra_percent: r.number("community.sponsorship_extra_percent", 0, 100),
        sponsorship_pay_cancelled: r.flag("community.sponsorship_pay_cancelled"),
    })
}

fn unknown<T: domain::code::Code>(value: &str) -> domain::code::UnknownCode {
    domain::code::UnknownCode {
        set: T::SET,
        value: value.to_owned(),
        expected: T::all().iter().map(|v| v.code()).collect(),
    }
}

struct Reader<'a> {
    form: &'a FormData,
    errors: Vec<Invalid>,
}

impl Reader<'_> {
    fn fail(&mut self, field: &'static str, problem: Problem) {
        self.errors.push(Invalid { field, problem });
    }

    fn flag(&self, name: &str) -> bool {
        self.form.get(name) == "true"
    }

    fn number<T: TryFrom<i64> + Default>(&mut self, name: &'static str, min: i64, max: i64) -> T {
        match self.form.get(name).trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => T::try_from(n).unwrap_or_default(),
            Ok(_) => {
                self.fail(name, Problem::OutOfRange { min, max });
                T::default()
            }
            Err(_) => {
                self.fail(name, Problem::NotANumber);
                T::default()
            }
        }
    }

    fn kronor(&mut self, name: &'static str) -> i64 {
        match domain::money::parse_kronor(self.form.get(name)) {
            Ok(m) => m.ore(),
            Err(e) => {
                self.fail(name, Problem::Money(e));
                0
            }
        }
    }

    /// Opening hours (`07:00-19:00`), or none when the field is empty.
    fn hours(&mut self, name: &'static str) -> Option<domain::chat::ChatHours> {
        match self.form.get(name).trim() {
            "" => None,
            t => domain::chat::ChatHours::parse(t)
                .inspect_err(|_| self.fail(name, Problem::NotHours))
                .ok(),
        }
    }

    fn text(&mut self, name: &'static str) -> Option<String> {
        let t = self.form.get(name).trim();
        if t.chars().count() > 300 {
            self.fail(name, Problem::TooLong { max: 300 });
        }
        (!t.is_empty()).then(|| t.to_owned())
    }
}
