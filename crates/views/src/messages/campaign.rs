//! Messages of the meter-exchange campaign to the household whose meter is exchanged: the
//! interruption notice, the invitation to book an indoor window, the booking confirmation,
//! the reminder the day before, the arrival window on the day, the offer to rebook after a
//! failed visit, and the postponement when a planner's re-classification takes a told visit
//! out of the plan (a change of policy tells it through `policy::PolicyChanges` instead).
//!
//! Dates of the visit are written `YYYY-MM-DD` as on the planner's and the technician's pages,
//! so a customer who calls can read the day out; times as `HH:MM`.

use jiff::civil::Date;

/// When the technician arrives: minutes after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrivalWindow {
    pub start_min: i64,
    pub end_min: i64,
}

impl ArrivalWindow {
    /// The booked window, or an hour either side of the planned arrival (08:00 when the plan
    /// has none).
    pub fn of(booked: Option<(i64, i64)>, arrive_min: Option<i64>) -> ArrivalWindow {
        match booked {
            Some((start_min, end_min)) => ArrivalWindow { start_min, end_min },
            None => {
                let a = arrive_min.unwrap_or(8 * 60);
                ArrivalWindow {
                    start_min: (a - 60).max(0),
                    end_min: (a + 60).min(24 * 60 - 1),
                }
            }
        }
    }
}

/// The interruption notice: the meter is exchanged on a day, around a time. The job is fixed
/// to that day from now on. An indoor visit's notice carries the link to choose another time.
#[derive(Clone, Debug)]
pub struct InterruptionNotice {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub anlaggnings_id: String,
    pub planned_on: Date,
    /// Minutes after midnight.
    pub arrive_min: i64,
    pub rebook_link: Option<String>,
}

crate::message!(
    InterruptionNotice,
    "messages/campaign/notice.sv.txt",
    "messages/campaign/notice.en.txt"
);

/// The invitation to book a window for an indoor visit, with a link that works without login.
#[derive(Clone, Debug)]
pub struct BookingInvitation {
    pub name: String,
    pub street: String,
    pub link: String,
    /// The policy requires a booked window: without one, nobody comes.
    pub required: bool,
}

crate::message!(
    BookingInvitation,
    "messages/campaign/invitation.sv.txt",
    "messages/campaign/invitation.en.txt"
);

/// The reminder the working day before the visit, with the arrival window.
#[derive(Clone, Debug)]
pub struct VisitReminder {
    pub name: String,
    pub street: String,
    pub planned_on: Date,
    pub window: ArrivalWindow,
    /// Under the infection routine: the link to postpone the indoor visit when anyone at home
    /// is ill or in quarantine (no reason asked).
    pub postpone: Option<String>,
}

crate::message!(
    VisitReminder,
    "messages/campaign/reminder.sv.txt",
    "messages/campaign/reminder.en.txt"
);

/// The arrival window on the day of the visit.
#[derive(Clone, Debug)]
pub struct ArrivalToday {
    pub name: String,
    pub street: String,
    pub window: ArrivalWindow,
}

crate::message!(
    ArrivalToday,
    "messages/campaign/arrival.sv.txt",
    "messages/campaign/arrival.en.txt"
);

/// The household postponed its indoor visit (the infection routine's question answered
/// "yes"): confirmed, with the link to choose a new time. No reason is said or kept.
#[derive(Clone, Debug)]
pub struct PostponedByHousehold {
    pub name: String,
    pub street: String,
    pub planned_on: Date,
    pub link: String,
}

crate::message!(
    PostponedByHousehold,
    "messages/campaign/postponed_by_you.sv.txt",
    "messages/campaign/postponed_by_you.en.txt"
);

/// A live arrival time: the technician finished the stop before and is on the way.
#[derive(Clone, Debug)]
pub struct OnTheWay {
    pub name: String,
    pub street: String,
    pub window: ArrivalWindow,
}

crate::message!(
    OnTheWay,
    "messages/campaign/on_the_way.sv.txt",
    "messages/campaign/on_the_way.en.txt"
);

/// The technician will miss the booked window: when to expect them, and the link to choose a
/// new window instead.
#[derive(Clone, Debug)]
pub struct ArrivalDelayed {
    pub name: String,
    pub street: String,
    pub booked: ArrivalWindow,
    pub expected: ArrivalWindow,
    pub link: String,
}

crate::message!(
    ArrivalDelayed,
    "messages/campaign/delayed.sv.txt",
    "messages/campaign/delayed.en.txt"
);

/// The confirmation of a booked (or rebooked) window, whoever booked it.
#[derive(Clone, Debug)]
pub struct BookingConfirmed {
    pub name: String,
    pub street: String,
    pub date: Date,
    pub window: ArrivalWindow,
}

crate::message!(
    BookingConfirmed,
    "messages/campaign/booked.sv.txt",
    "messages/campaign/booked.en.txt"
);

/// A booked visit that did not happen (nobody home, no access, declined): a new window is
/// offered at once.
#[derive(Clone, Debug)]
pub struct RebookOffer {
    pub name: String,
    pub street: String,
    pub link: String,
}

crate::message!(
    RebookOffer,
    "messages/campaign/rebook.sv.txt",
    "messages/campaign/rebook.en.txt"
);

/// A told or booked visit that no longer happens on its day, because the household asked for
/// no home visits (said without any reason of health) or the restrictions in force pause it.
#[derive(Clone, Debug)]
pub struct VisitPostponed {
    pub name: String,
    pub street: String,
    pub planned_on: Date,
    pub at_request: bool,
}

crate::message!(
    VisitPostponed,
    "messages/campaign/postponed.sv.txt",
    "messages/campaign/postponed.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{CustomerMessage, Rendered};
    use domain::customer::Language;

    const LINK: &str = "https://x.se/matarbyte/abc";

    fn both(m: &dyn CustomerMessage) -> [Rendered; 2] {
        [Language::Sv, Language::En].map(|lang| {
            let r = m.render(lang).unwrap();
            for part in [&r.subject, &r.text, &r.sms] {
                assert!(!part.is_empty() && !part.contains("{{") && !part.contains("{%"));
            }
            assert!(r.text.starts_with("Hej Karin,") || r.text.starts_with("Hello Karin,"));
            r
        })
    }

    fn window() -> ArrivalWindow {
        ArrivalWindow::of(None, Some(9 * 60 + 30))
    }

    #[test]
    fn the_notice_names_the_day_the_time_and_the_meter_point() {
        let mut notice = InterruptionNotice {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            anlaggnings_id: "735999100000000017".into(),
            planned_on: Date::constant(2026, 12, 1),
            arrive_min: 9 * 60 + 5,
            rebook_link: None,
        };
        let [sv, en] = both(&notice);
        assert_eq!(sv.subject, "Vi byter din elmätare");
        assert!(
            sv.text
                .contains("elmätaren på Storgatan 1, 691 31 Karlskoga (anläggning 735999100000000017) den 2026-12-01, omkring klockan 09:05."),
            "{}",
            sv.text
        );
        assert!(!sv.text.contains("inomhus"));
        assert_eq!(en.subject, "We are exchanging your electricity meter");
        assert!(
            en.text.contains("on 2026-12-01, around 09:05"),
            "{}",
            en.text
        );
        notice.rebook_link = Some(LINK.into());
        for r in both(&notice) {
            assert!(r.text.contains(LINK) && r.sms.contains(LINK), "{}", r.text);
            assert!(
                r.html.contains(&format!(r#"<a href="{LINK}">"#)),
                "{}",
                r.html
            );
        }
    }

    #[test]
    fn the_invitation_says_whether_a_booking_is_required() {
        let mut m = BookingInvitation {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            link: LINK.into(),
            required: true,
        };
        let [sv, en] = both(&m);
        assert_eq!(sv.subject, "Boka tid för din nya elmätare");
        assert!(sv.text.contains("Elmätaren på Storgatan 1 sitter inomhus"));
        assert!(sv.text.contains("bara på en tid du har bokat") && sv.text.contains(LINK));
        assert!(en.text.contains("only come at a time you have booked"));
        m.required = false;
        let [sv, en] = both(&m);
        assert!(sv.text.contains("föreslår vi en"), "{}", sv.text);
        assert!(en.text.contains("we will propose a time"), "{}", en.text);
        assert!(sv.sms.contains(LINK) && en.sms.contains(LINK));
    }

    #[test]
    fn reminders_arrivals_and_confirmations_carry_the_window() {
        assert_eq!(
            window(),
            ArrivalWindow {
                start_min: 8 * 60 + 30,
                end_min: 10 * 60 + 30
            }
        );
        assert_eq!(
            ArrivalWindow::of(Some((600, 660)), Some(0)),
            ArrivalWindow {
                start_min: 600,
                end_min: 660
            }
        );
        let [sv, en] = both(&VisitReminder {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            planned_on: Date::constant(2026, 12, 1),
            window: window(),
            postpone: None,
        });
        assert_eq!(sv.subject, "I morgon: mätarbyte");
        assert!(sv.text.contains("I morgon, 2026-12-01,") && sv.text.contains("08:30–10:30"));
        assert!(en.text.contains("between 08:30–10:30"), "{}", en.text);
        assert!(!sv.text.contains("karantän") && sv.sms.ends_with("halvtimme."));
        // Under the infection routine: the question, with the link, and no reason asked.
        let [sv, en] = both(&VisitReminder {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            planned_on: Date::constant(2026, 12, 1),
            window: window(),
            postpone: Some(LINK.into()),
        });
        assert!(sv.text.contains("sjuk eller i karantän") && sv.text.contains(LINK));
        assert!(sv.sms.contains(LINK) && en.sms.contains("quarantine"));
        let [sv, en] = both(&PostponedByHousehold {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            planned_on: Date::constant(2026, 12, 15),
            link: LINK.into(),
        });
        assert_eq!(sv.subject, "Ditt mätarbyte är uppskjutet");
        assert!(sv.text.contains("tisdag 15 december") && en.sms.contains(LINK));
        for part in [&sv.text, &en.text, &sv.sms] {
            assert!(!part.contains("sjuk") && !part.contains("ill "));
        }
        let [sv, en] = both(&ArrivalToday {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            window: window(),
        });
        assert_eq!(sv.subject, "I dag: teknikern kommer 08:30–10:30");
        assert_eq!(en.subject, "Today: our technician comes 08:30–10:30");
        let [sv, en] = both(&BookingConfirmed {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            date: Date::constant(2026, 12, 2),
            window: ArrivalWindow {
                start_min: 600,
                end_min: 720,
            },
        });
        assert_eq!(sv.subject, "Bokat: mätarbyte 2026-12-02 10:00–12:00");
        assert_eq!(en.subject, "Booked: meter exchange 2026-12-02 10:00–12:00");
        assert!(sv.text.contains("släppa in teknikern"));
    }

    #[test]
    fn a_rebooking_offer_and_a_postponement_say_why_without_health() {
        let [sv, en] = both(&RebookOffer {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            link: LINK.into(),
        });
        assert_eq!(sv.subject, "Vi kom inte in: boka en ny tid");
        assert!(sv.text.contains(LINK) && en.sms.contains(LINK));
        let w = |a: i64, b: i64| ArrivalWindow {
            start_min: a,
            end_min: b,
        };
        let [sv, en] = both(&OnTheWay {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            window: w(600, 630),
        });
        assert!(sv.sms.contains("10:00 och 10:30") && en.subject.contains("10:00–10:30"));
        let [sv, en] = both(&ArrivalDelayed {
            name: "Karin".into(),
            street: "Storgatan 1".into(),
            booked: w(780, 900),
            expected: w(900, 930),
            link: LINK.into(),
        });
        assert!(sv.text.contains("13:00–15:00") && sv.sms.contains("15:00–15:30"));
        assert!(sv.sms.contains(LINK) && en.text.contains(LINK));
        for at_request in [true, false] {
            let [sv, en] = both(&VisitPostponed {
                name: "Karin".into(),
                street: "Storgatan 1".into(),
                planned_on: Date::constant(2026, 12, 15),
                at_request,
            });
            assert_eq!(sv.subject, "Ditt mätarbyte skjuts upp");
            assert_eq!(en.subject, "Your meter exchange is postponed");
            assert!(sv.text.contains("tisdag 15 december"), "{}", sv.text);
            assert!(en.text.contains("Tuesday 15 December"), "{}", en.text);
            assert_eq!(sv.text.contains("Som du bett om"), at_request);
            assert!(!sv.text.contains("hälsa") && !en.text.contains("health"));
        }
    }
}
