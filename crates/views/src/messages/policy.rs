//! The one message a customer gets when changes of policy change something for them (a
//! postponed meter visit, a booked visit above a lowered cap, …): every change in one message.

use jiff::civil::Date;

/// One change for the customer, with what the message needs to say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeItem {
    /// The meter exchange planned (and told, or booked) for `planned_on` does not happen then.
    MeterVisitPostponed {
        street: String,
        planned_on: Date,
        /// Because the household asked for no home visits (said without a reason of health);
        /// otherwise because of the restrictions in force.
        at_request: bool,
    },
    /// A booked visit to the customer centre is above the cap now in force: the customer may keep
    /// it, but is offered another time through the link.
    VisitOverCap {
        /// Stockholm civil time of the visit, as written on the booking.
        when: String,
        site: String,
        link: String,
    },
    /// The customer may now ask for more time to pay (up to `max_days`), on the portal.
    ExtensionAvailable {
        /// How many of their unpaid invoices qualify.
        invoices: u32,
        max_days: u32,
        interest_waived: bool,
        link: String,
    },
}

/// Everything that changes for one customer.
#[derive(Clone, Debug)]
pub struct PolicyChanges {
    pub name: String,
    pub items: Vec<ChangeItem>,
}

crate::message!(
    PolicyChanges,
    "messages/policy/changes.sv.txt",
    "messages/policy/changes.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;

    fn postponed(at_request: bool) -> ChangeItem {
        ChangeItem::MeterVisitPostponed {
            street: "Storgatan 1".into(),
            planned_on: Date::constant(2026, 12, 15),
            at_request,
        }
    }

    #[test]
    fn one_change_keeps_its_own_subject_and_several_are_one_message() {
        let one = PolicyChanges {
            name: "Karin".into(),
            items: vec![postponed(true)],
        };
        let sv = one.render(Language::Sv).unwrap();
        assert_eq!(sv.subject, "Ditt mätarbyte skjuts upp");
        assert!(sv.text.contains("Storgatan 1"), "{}", sv.text);
        assert!(sv.text.contains("tisdag 15 december"), "{}", sv.text);
        assert!(sv.text.contains("Som du bett om"), "{}", sv.text);
        let en = one.render(Language::En).unwrap();
        assert_eq!(en.subject, "Your meter exchange is postponed");
        assert!(en.text.contains("Tuesday 15 December"), "{}", en.text);
        let two = PolicyChanges {
            name: "Karin".into(),
            items: vec![
                postponed(false),
                ChangeItem::VisitOverCap {
                    when: "2026-12-16 10:00".into(),
                    site: "Kundcenter".into(),
                    link: "https://x.se/besok/abc".into(),
                },
            ],
        };
        for lang in [Language::Sv, Language::En] {
            let r = two.render(lang).unwrap();
            assert!(r.text.contains("Storgatan 1") && r.text.contains("https://x.se/besok/abc"));
            assert!(r.sms.contains("https://x.se/besok/abc"), "{}", r.sms);
        }
        assert_eq!(
            two.render(Language::Sv).unwrap().subject,
            "Ändringar som gäller dig"
        );
    }

    #[test]
    fn more_time_to_pay_says_how_long_whether_interest_runs_and_where_to_ask() {
        let m = |invoices, interest_waived| PolicyChanges {
            name: "Karin".into(),
            items: vec![ChangeItem::ExtensionAvailable {
                invoices,
                max_days: 60,
                interest_waived,
                link: "https://x.se/mina-sidor/anstand".into(),
            }],
        };
        let sv = m(2, true).render(Language::Sv).unwrap();
        assert_eq!(sv.subject, "Du kan få mer tid att betala");
        for needle in [
            "60 dagar",
            "2 obetalda fakturor",
            "utan dröjsmålsränta",
            "https://x.se/mina-sidor/anstand",
        ] {
            assert!(sv.text.contains(needle), "{needle}: {}", sv.text);
        }
        assert!(
            sv.sms.contains("https://x.se/mina-sidor/anstand"),
            "{}",
            sv.sms
        );
        let sv1 = m(1, false).render(Language::Sv).unwrap();
        assert!(sv1.text.contains("en obetald faktura"), "{}", sv1.text);
        assert!(!sv1.text.contains("utan dröjsmålsränta"), "{}", sv1.text);
        let en = m(2, true).render(Language::En).unwrap();
        assert_eq!(en.subject, "You can get more time to pay");
        for needle in [
            "60 days",
            "2 unpaid invoices",
            "without late-payment interest",
        ] {
            assert!(en.text.contains(needle), "{needle}: {}", en.text);
        }
        assert!(
            m(1, false)
                .render(Language::En)
                .unwrap()
                .text
                .contains("an unpaid invoice")
        );
    }
}
