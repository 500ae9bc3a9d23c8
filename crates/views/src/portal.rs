//! Views of "Mina sidor" beyond invoices: messages, contact preferences and "my data".

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

#[derive(Clone, Debug)]
pub struct MessageLine {
    pub id: domain::ids::OutboxId,
    pub subject: String,
    pub channel: String,
    pub created_at: i64,
}

#[derive(Template)]
#[template(path = "portal_messages.html")]
pub struct PortalMessagesPage {
    pub layout: Layout,
    pub messages: Vec<MessageLine>,
}

#[derive(Template)]
#[template(path = "portal_message.html")]
pub struct PortalMessagePage {
    pub layout: Layout,
    pub subject: String,
    pub channel: String,
    pub created_at: i64,
    pub body: String,
    pub attachment: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_settings.html")]
pub struct PortalSettingsPage {
    pub layout: Layout,
    pub email: String,
    pub phone: String,
    /// The language and channel codes chosen (as submitted, when the form comes back).
    pub language: String,
    pub channel: String,
    pub saved: bool,
    pub errors: Vec<FieldError>,
}

impl PortalSettingsPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "portal_data.html")]
pub struct PortalDataPage {
    pub layout: Layout,
    /// What the download holds, table by table: (table, rows).
    pub tables: Vec<(String, usize)>,
}
