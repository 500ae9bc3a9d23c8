//! Messages about a visit to the customer centre, to the address the visitor gave (e-mail, else
//! a text message): the request to confirm a public booking, the confirmation (also after a
//! move), tomorrow's reminder, the cancellation, a waitlist offer, and the request to choose a
//! new time when the visit is above a lowered cap. The confirmation, the reminder and the
//! cancellation by e-mail carry a calendar entry whose words come from [`calendar_text`].

use crate::translate;
use domain::customer::Language;

/// What every message about one visit says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitFacts {
    /// The start as Stockholm civil time, `2026-11-24 10:00`.
    pub when: String,
    /// The service's name as the site wrote it, in Swedish and in English.
    pub service_sv: String,
    pub service_en: String,
    /// The site's name and address.
    pub place: String,
    pub people: i64,
    /// The visit's own page: confirm, cancel or move it without logging in.
    pub link: String,
}

impl VisitFacts {
    pub fn service(&self, lang: Language) -> &str {
        match lang {
            Language::Sv => &self.service_sv,
            Language::En => &self.service_en,
        }
    }
}

macro_rules! visit_message {
    ($(#[$m:meta])* $name:ident, $sv:literal, $en:literal) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            pub visit: VisitFacts,
        }

        crate::message!($name, $sv, $en);
    };
}

visit_message!(
    /// A booking from the public page: confirm it through the link within 30 minutes.
    VisitConfirmRequest,
    "messages/visits/confirm_request.sv.txt",
    "messages/visits/confirm_request.en.txt"
);
visit_message!(
    /// The visit is booked (confirmed, booked for the customer, or moved to a new time).
    VisitConfirmed,
    "messages/visits/confirmed.sv.txt",
    "messages/visits/confirmed.en.txt"
);
visit_message!(
    /// The visit is tomorrow.
    VisitReminder,
    "messages/visits/reminder.sv.txt",
    "messages/visits/reminder.en.txt"
);
visit_message!(
    /// The visit is cancelled.
    VisitCancelled,
    "messages/visits/cancelled.sv.txt",
    "messages/visits/cancelled.en.txt"
);
visit_message!(
    /// Someone on the waitlist is offered a freed time, to accept within two hours.
    VisitOffer,
    "messages/visits/offer.sv.txt",
    "messages/visits/offer.en.txt"
);
visit_message!(
    /// Fewer people may be present at once now: the visit stands, but the visitor is asked to
    /// choose another time through the link.
    VisitFlagged,
    "messages/visits/flagged.sv.txt",
    "messages/visits/flagged.en.txt"
);

/// The words of a visit's calendar entry in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarText {
    pub summary: String,
    pub description: String,
}

/// The calendar entry's title and description for `visit`, in `lang`.
pub fn calendar_text(lang: Language, visit: &VisitFacts) -> CalendarText {
    CalendarText {
        summary: translate(
            lang,
            "visit-ics-summary",
            &[("service", visit.service(lang).to_owned())],
        ),
        description: translate(
            lang,
            "visit-ics-description",
            &[("link", visit.link.clone())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{CustomerMessage, Rendered};

    fn facts() -> VisitFacts {
        VisitFacts {
            when: "2026-11-24 10:00".into(),
            service_sv: "Flytt".into(),
            service_en: "Moving house".into(),
            place: "Kundcenter Centrum, Storgatan 1, 111 22 Stockholm".into(),
            people: 2,
            link: "https://x.se/besok/abc".into(),
        }
    }

    fn all() -> Vec<(&'static str, Box<dyn CustomerMessage>)> {
        let visit = facts();
        vec![
            (
                "confirm request",
                Box::new(VisitConfirmRequest {
                    visit: visit.clone(),
                }),
            ),
            (
                "confirmed",
                Box::new(VisitConfirmed {
                    visit: visit.clone(),
                }),
            ),
            (
                "reminder",
                Box::new(VisitReminder {
                    visit: visit.clone(),
                }),
            ),
            (
                "cancelled",
                Box::new(VisitCancelled {
                    visit: visit.clone(),
                }),
            ),
            (
                "offer",
                Box::new(VisitOffer {
                    visit: visit.clone(),
                }),
            ),
            ("flagged", Box::new(VisitFlagged { visit })),
        ]
    }

    #[test]
    fn every_visit_message_renders_its_facts_in_both_languages() {
        for (what, m) in all() {
            for lang in [Language::Sv, Language::En] {
                let r: Rendered = m.render(lang).unwrap();
                assert!(!r.subject.is_empty(), "{what} {lang:?}");
                for fact in ["2026-11-24 10:00", "https://x.se/besok/abc"] {
                    assert!(r.text.contains(fact), "{what} {lang:?}: {}", r.text);
                    assert!(r.sms.contains(fact), "{what} {lang:?}: {}", r.sms);
                }
                let service = facts().service(lang).to_owned();
                assert!(r.text.contains(&service), "{what} {lang:?}: {}", r.text);
                // The link stands alone, so a reader (and a test) can take it from the text.
                assert!(
                    r.text
                        .split_whitespace()
                        .any(|w| w == "https://x.se/besok/abc"),
                    "{what} {lang:?}: {}",
                    r.text
                );
                assert!(
                    r.html.contains(r#"<a href="https://x.se/besok/abc">"#),
                    "{what}"
                );
            }
        }
    }

    #[test]
    fn subjects_say_what_happened() {
        let visit = facts();
        let sv = |m: &dyn CustomerMessage| m.render(Language::Sv).unwrap().subject;
        let en = |m: &dyn CustomerMessage| m.render(Language::En).unwrap().subject;
        let request = VisitConfirmRequest {
            visit: visit.clone(),
        };
        assert_eq!(sv(&request), "Bekräfta ditt besök hos kundcenter");
        assert_eq!(en(&request), "Confirm your visit to the customer centre");
        let confirmed = VisitConfirmed {
            visit: visit.clone(),
        };
        assert_eq!(sv(&confirmed), "Bokat: kundcenter 2026-11-24 10:00");
        assert_eq!(en(&confirmed), "Booked: customer centre 2026-11-24 10:00");
        let cancelled = VisitCancelled {
            visit: visit.clone(),
        };
        assert_eq!(sv(&cancelled), "Ditt besök är avbokat");
        assert_eq!(en(&cancelled), "Your visit is cancelled");
        let offer = VisitOffer {
            visit: visit.clone(),
        };
        assert_eq!(sv(&offer), "En tid har blivit ledig hos kundcenter");
        let flagged = VisitFlagged { visit };
        assert_eq!(sv(&flagged), "Välj gärna en ny tid för ditt besök");
        assert_eq!(en(&flagged), "Please choose a new time for your visit");
    }

    #[test]
    fn the_calendar_entry_speaks_the_visitors_language() {
        let sv = calendar_text(Language::Sv, &facts());
        assert_eq!(sv.summary, "Kundcenter: Flytt");
        assert_eq!(
            sv.description,
            "Avboka eller boka om: https://x.se/besok/abc"
        );
        let en = calendar_text(Language::En, &facts());
        assert_eq!(en.summary, "Customer centre: Moving house");
        assert_eq!(en.description, "Cancel or change: https://x.se/besok/abc");
    }
}
