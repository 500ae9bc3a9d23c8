//! Crisis modes: the continuity manager's mode list and editor, the preview, the approval and
//! progress page of an activation, the crisis log, and the public crisis page with its feed.

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

/// A link in a list: its target and its text.
#[derive(Clone, Debug)]
pub struct Link {
    pub href: String,
    pub text: String,
}

/// One mode in the list.
#[derive(Clone, Debug)]
pub struct ModeLine {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub version: i64,
    pub changed_at: i64,
    pub changed_by: String,
}

/// One activation in a list.
#[derive(Clone, Debug)]
pub struct ActivationLine {
    pub id: i64,
    pub mode: String,
    pub status: String,
    pub from: i64,
    pub to: Option<i64>,
    pub proposed_by: String,
}

#[derive(Template)]
#[template(path = "modes/list.html")]
pub struct ModesPage {
    pub layout: Layout,
    pub modes: Vec<ModeLine>,
    pub activations: Vec<ActivationLine>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// How a policy field is entered.
#[derive(Clone, Debug)]
pub enum FieldKind {
    Checkbox,
    Number,
    /// Kronor, entered as `1 234,50`.
    Kronor,
    Text,
    /// `(value, label)` choices.
    Select(Vec<(String, String)>),
}

/// One field of a policy in the editor.
#[derive(Clone, Debug)]
pub struct FieldView {
    /// The form name and the `Invalid` field: `visits.max_present_per_site`.
    pub name: String,
    /// An element id safe for `for`/`id` and error links.
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub kind: FieldKind,
    pub value: String,
    pub checked: bool,
    pub error: Option<String>,
}

/// One capability's policy in the editor.
#[derive(Clone, Debug)]
pub struct PolicyFieldset {
    pub capability: String,
    pub legend: String,
    pub fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "modes/edit.html")]
pub struct ModeEditPage {
    pub layout: Layout,
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub description: String,
    pub fieldsets: Vec<PolicyFieldset>,
    /// Now in Stockholm as a `datetime-local` value, for the preview form.
    pub now_local: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One effect of a change, named.
#[derive(Clone, Debug)]
pub struct EffectLine {
    pub label: String,
    pub value: String,
}

/// One capability in a preview: what its policy will say, and what changes.
#[derive(Clone, Debug)]
pub struct ImpactView {
    pub capability: String,
    pub measures: Vec<String>,
    pub effects: Vec<EffectLine>,
}

/// Customers to tell, counted by channel and language.
#[derive(Clone, Debug)]
pub struct NoticeCount {
    pub channel: String,
    pub language: String,
    pub count: usize,
}

/// One message as a customer would get it.
#[derive(Clone, Debug)]
pub struct NoticeSample {
    pub name: String,
    pub channel: String,
    pub language: String,
    pub subject: String,
    pub body: String,
}

/// A preview, as both the preview page and the approval page show it.
#[derive(Clone, Debug)]
pub struct PreviewView {
    pub from: i64,
    pub to: Option<i64>,
    pub impacts: Vec<ImpactView>,
    pub customers: usize,
    pub counts: Vec<NoticeCount>,
    pub samples: Vec<NoticeSample>,
    /// The CSV list of every customer's message.
    pub csv: String,
}

#[derive(Template)]
#[template(path = "modes/preview.html")]
pub struct PreviewPage {
    pub layout: Layout,
    pub mode_id: i64,
    pub mode_name: String,
    pub version: i64,
    pub preview: PreviewView,
    /// The `datetime-local` values the preview was made for, carried into the proposal.
    pub from_local: String,
    pub to_local: String,
    pub errors: Vec<FieldError>,
    /// The campaign's jobs the change would move, on a map.
    pub map: Option<crate::map::MapView>,
}

/// A step begun or done, for the progress list (a running step shows its planned effects).
#[derive(Clone, Debug)]
pub struct StepLine {
    pub phase: String,
    pub capability: String,
    pub effects: Vec<EffectLine>,
    pub done_at: Option<i64>,
}

#[derive(Template)]
#[template(path = "modes/activation.html")]
pub struct ActivationPage {
    pub layout: Layout,
    pub id: i64,
    pub mode: String,
    pub status: String,
    pub status_code: String,
    pub from: i64,
    pub to: Option<i64>,
    pub reason: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    /// The approved policies, described.
    pub measures: Vec<ImpactView>,
    /// The preview the approver sees (awaiting approval only).
    pub preview: Option<PreviewView>,
    /// The preview of moving back (an end proposed or planned).
    pub end_preview: Option<PreviewView>,
    pub may_approve: bool,
    pub may_propose_end: bool,
    pub end_proposal: Option<String>,
    pub may_approve_end: bool,
    pub steps: Vec<StepLine>,
    pub now_local: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One entry of the crisis log.
#[derive(Clone, Debug)]
pub struct LogLine {
    pub at: i64,
    pub kind: String,
    pub actor: String,
    pub what: String,
    pub reason: String,
    pub link: Option<Link>,
}

#[derive(Template)]
#[template(path = "modes/log.html")]
pub struct CrisisLogPage {
    pub layout: Layout,
    pub lines: Vec<LogLine>,
    /// `(value, label, selected)` of every kind, for the filter.
    pub kinds: Vec<(String, String, bool)>,
    pub from: String,
    pub to: String,
    pub csv: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One capability's measures on the public page.
#[derive(Clone, Debug)]
pub struct PublicSection {
    pub heading: String,
    pub measures: Vec<String>,
}

/// One change on the public page and in the feed.
#[derive(Clone, Debug)]
pub struct ChangeLine {
    pub id: i64,
    pub at: i64,
    /// RFC 3339, for the feed.
    pub at_rfc3339: String,
    pub title: String,
    pub sections: Vec<PublicSection>,
}

#[derive(Template)]
#[template(path = "modes/public.html")]
pub struct PublicCrisisPage {
    pub layout: Layout,
    pub sections: Vec<PublicSection>,
    pub last_change: Option<i64>,
    pub changes: Vec<ChangeLine>,
}

#[derive(Template)]
#[template(path = "modes/feed.xml")]
pub struct CrisisFeed {
    /// The feed's own address (its id).
    pub self_url: String,
    /// The public page's address.
    pub page_url: String,
    pub title: String,
    pub updated: String,
    pub entries: Vec<ChangeLine>,
    pub lang: crate::Lang,
}

impl CrisisFeed {
    pub fn t(&self, key: &str) -> String {
        crate::translate(self.lang, key, &[])
    }
}
