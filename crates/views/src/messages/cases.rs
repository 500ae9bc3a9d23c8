//! Messages about customer-service cases.

use domain::cases::Category;

/// The confirmation a customer gets when a case is opened for them (by chat, the contact
/// form or a phone call).
#[derive(Clone, Debug)]
pub struct CaseOpened {
    pub case: i64,
    pub name: String,
    pub subject: String,
    pub category: Category,
    /// When the first answer is due, as Stockholm civil time.
    pub answer_by: String,
    /// The case's page under Mina sidor.
    pub link: String,
}

crate::message!(
    CaseOpened,
    "messages/cases/opened.sv.txt",
    "messages/cases/opened.en.txt"
);

/// A new reply from customer service in the customer's case.
#[derive(Clone, Debug)]
pub struct CaseReplied {
    pub case: i64,
    pub name: String,
    pub subject: String,
    pub link: String,
}

crate::message!(
    CaseReplied,
    "messages/cases/replied.sv.txt",
    "messages/cases/replied.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;

    #[test]
    fn case_messages_render_in_both_languages() {
        let opened = CaseOpened {
            case: 17,
            name: "Karin".into(),
            subject: "Fakturan".into(),
            category: Category::Invoice,
            answer_by: "2026-12-07 10:00".into(),
            link: "https://x.se/mina-sidor/arenden/17".into(),
        };
        let sv = opened.render(Language::Sv).unwrap();
        assert_eq!(sv.subject, "Vi har tagit emot ditt ärende 17");
        assert!(sv.text.contains("(faktura)"), "{}", sv.text);
        assert!(
            sv.html
                .contains(r#"<a href="https://x.se/mina-sidor/arenden/17">"#)
        );
        let en = opened.render(Language::En).unwrap();
        assert_eq!(en.subject, "We have received your case 17");
        assert!(en.text.contains("(Invoice)"), "{}", en.text);
        let replied = CaseReplied {
            case: 17,
            name: "Karin".into(),
            subject: "Fakturan".into(),
            link: "https://x.se/mina-sidor/arenden/17".into(),
        };
        for lang in [Language::Sv, Language::En] {
            let r = replied.render(lang).unwrap();
            assert!(r.sms.contains("https://x.se/mina-sidor/arenden/17"));
            assert!(!r.text.contains("{{"));
        }
    }
}
