//! Views of cases: the staff queue, one case for staff, the phone-case form, and the portal's
//! own cases, one case without internal notes, and the contact form.

use askama::Template;
use domain::ids::{CaseId, CustomerId};

use crate::Layout;
use crate::pages::FieldError;

/// An option of a select or a filter.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What a case is about, as a link where the viewer may follow it.
#[derive(Clone, Debug)]
pub struct LinkView {
    pub href: Option<String>,
    pub text: String,
}

/// Where an SLA target stands, for a badge.
#[derive(Clone, Debug)]
pub struct SlaBadge {
    /// `on_track`, `at_risk` or `breached` (CSS class `sla-…`).
    pub state: &'static str,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct CaseLine {
    pub id: CaseId,
    pub subject: String,
    pub customer: String,
    pub category: String,
    pub status: String,
    pub team: String,
    pub assignee: String,
    pub created: i64,
    pub due: i64,
    pub sla: Option<SlaBadge>,
}

#[derive(Template)]
#[template(path = "cases_queue.html")]
pub struct CaseQueuePage {
    pub layout: Layout,
    pub teams: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub assigned: Vec<Choice>,
    pub sla: Vec<Choice>,
    pub lines: Vec<CaseLine>,
}

#[derive(Template)]
#[template(path = "case_new.html")]
pub struct CaseNewPage {
    pub layout: Layout,
    /// The customer the call is about, when the form was opened from the customer page.
    pub customer_id: Option<CustomerId>,
    pub customer_name: String,
    pub customer_number: String,
    pub categories: Vec<Choice>,
    pub links: Vec<Choice>,
    pub subject: String,
    pub body: String,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct EntryLine {
    /// The entry kind's code (CSS class `entry-…`).
    pub kind: &'static str,
    pub kind_label: String,
    pub author: String,
    pub body: String,
    pub at: i64,
}

#[derive(Template)]
#[template(path = "case_staff.html")]
pub struct CaseStaffPage {
    pub layout: Layout,
    pub id: CaseId,
    pub subject: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub customer_number: String,
    pub category: String,
    pub source: String,
    pub status: String,
    pub team: String,
    pub assignee: String,
    pub created: i64,
    pub first_response_due: i64,
    pub first_response_at: Option<i64>,
    pub first_response_sla: Option<SlaBadge>,
    pub resolve_due: i64,
    pub resolved_at: Option<i64>,
    pub resolve_sla: Option<SlaBadge>,
    pub link: Option<LinkView>,
    pub entries: Vec<EntryLine>,
    pub members: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub assigned_to_me: bool,
    pub errors: Vec<FieldError>,
    pub reply: String,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct PortalCaseLine {
    pub id: CaseId,
    pub subject: String,
    pub category: String,
    pub status: String,
    pub created: i64,
    pub updated: i64,
}

#[derive(Template)]
#[template(path = "portal_cases.html")]
pub struct PortalCasesPage {
    pub layout: Layout,
    pub lines: Vec<PortalCaseLine>,
}

#[derive(Template)]
#[template(path = "portal_case.html")]
pub struct PortalCasePage {
    pub layout: Layout,
    pub id: CaseId,
    pub subject: String,
    pub category: String,
    pub status: String,
    pub created: i64,
    pub link: Option<LinkView>,
    pub entries: Vec<EntryLine>,
    pub can_reply: bool,
    pub body: String,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "portal_contact.html")]
pub struct ContactPage {
    pub layout: Layout,
    pub categories: Vec<Choice>,
    pub links: Vec<Choice>,
    pub subject: String,
    pub body: String,
    pub errors: Vec<FieldError>,
}

#[cfg(test)]
mod tests {
    use crate::{Lang, label};
    use domain::code::Code;

    fn named<T: Code>() {
        for &v in T::all() {
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(label(lang, v), v.message_key(), "{lang:?}");
            }
        }
    }

    /// The sets of cases that have no place in the shared check are named in both languages.
    #[test]
    fn teams_and_link_kinds_have_names() {
        named::<domain::cases::Team>();
        named::<domain::cases::LinkKind>();
        named::<domain::campaign::ExchangeState>();
        assert_eq!(label(Lang::En, domain::cases::Team::Fakturering), "Billing");
    }

    #[test]
    fn a_phone_entry_says_so_in_each_language() {
        let by = |lang| crate::translate(lang, "cases-by-phone", &[("name", "Anna".into())]);
        assert_eq!(by(Lang::Sv), "Anna (telefon)");
        assert_eq!(by(Lang::En), "Anna (by phone)");
    }
}
