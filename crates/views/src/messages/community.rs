//! Messages of community support: to a business whose broadband runs faster for free (at the
//! start, before the end with an offer to keep the speed, at the end) and to organisers of events
//! (the decision, and a new gathering limit their event is above).

use domain::money::Money;
use jiff::civil::Date;

/// The higher speed starts today.
#[derive(Clone, Debug)]
pub struct UpgradeStarted {
    pub name: String,
    pub speed_mbit: u32,
    pub normal_speed_mbit: u32,
    pub from: Date,
    /// The last day at the higher speed.
    pub to: Date,
    /// The customer's broadband page on Mina sidor.
    pub link: String,
}

crate::message!(
    UpgradeStarted,
    "messages/community/upgrade_started.sv.txt",
    "messages/community/upgrade_started.en.txt"
);

/// The higher speed ends soon; it can be kept at the normal price.
#[derive(Clone, Debug)]
pub struct UpgradeEnding {
    pub name: String,
    pub speed_mbit: u32,
    pub normal_speed_mbit: u32,
    pub to: Date,
    pub monthly_price: Money,
    pub link: String,
}

crate::message!(
    UpgradeEnding,
    "messages/community/upgrade_ending.sv.txt",
    "messages/community/upgrade_ending.en.txt"
);

/// The speed is back to normal from `from`.
#[derive(Clone, Debug)]
pub struct UpgradeEnded {
    pub name: String,
    pub normal_speed_mbit: u32,
    pub from: Date,
    pub link: String,
}

crate::message!(
    UpgradeEnded,
    "messages/community/upgrade_ended.sv.txt",
    "messages/community/upgrade_ended.en.txt"
);

/// An application for event support was decided.
#[derive(Clone, Debug)]
pub struct EventDecided {
    pub organiser: String,
    pub place: String,
    pub date: Date,
    pub approved: bool,
    pub support: Option<Money>,
    pub note: String,
}

crate::message!(
    EventDecided,
    "messages/community/event_decided.sv.txt",
    "messages/community/event_decided.en.txt"
);

/// A new gathering limit that an approved event is above.
#[derive(Clone, Debug)]
pub struct EventOverLimit {
    pub organiser: String,
    pub place: String,
    pub date: Date,
    pub expected: u32,
    pub max_people: u32,
    pub source: String,
    /// The first day of the new limit.
    pub from: Date,
}

crate::message!(
    EventOverLimit,
    "messages/community/event_over_limit.sv.txt",
    "messages/community/event_over_limit.en.txt"
);

/// A summer job: where, with whom, when, the hours and the wage.
#[derive(Clone, Debug)]
pub struct Placement {
    pub workplace: String,
    pub supervisor: String,
    pub from: Date,
    pub to: Date,
    /// `HH:MM`.
    pub start: String,
    pub end: String,
    pub hours_week: u32,
    pub hourly_wage: Money,
}

/// Which letter an applicant for a summer job gets.
#[derive(Clone, Debug)]
pub enum SummerLetterKind {
    /// The receipt of an application.
    Received,
    Chosen(Placement),
    /// Not drawn for a place: their place on the reserve list.
    NotChosen {
        reserve_place: u32,
    },
}

/// A letter to an applicant for a summer job (and a copy to a minor's guardian).
#[derive(Clone, Debug)]
pub struct SummerLetter {
    pub name: String,
    pub reference: String,
    pub year: i64,
    pub apply_until: Date,
    pub kind: SummerLetterKind,
}

crate::message!(
    SummerLetter,
    "messages/community/summer_letter.sv.txt",
    "messages/community/summer_letter.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;
    use jiff::civil::date;

    #[test]
    fn upgrade_messages_say_the_speeds_the_days_and_the_link() {
        let link = "https://x.se/mina-sidor/bredband".to_owned();
        for lang in [Language::Sv, Language::En] {
            let started = UpgradeStarted {
                name: "Verkstad AB".into(),
                speed_mbit: 1000,
                normal_speed_mbit: 100,
                from: date(2020, 4, 1),
                to: date(2020, 6, 29),
                link: link.clone(),
            }
            .render(lang)
            .unwrap();
            assert!(started.text.contains("1000") && started.text.contains("100 Mbit/s"));
            assert!(started.sms.contains(&link));
            let ending = UpgradeEnding {
                name: "Verkstad AB".into(),
                speed_mbit: 1000,
                normal_speed_mbit: 100,
                to: date(2020, 6, 29),
                monthly_price: Money::from_ore(59_900),
                link: link.clone(),
            }
            .render(lang)
            .unwrap();
            assert!(ending.text.contains("599,00"), "{}", ending.text);
            let ended = UpgradeEnded {
                name: "Verkstad AB".into(),
                normal_speed_mbit: 100,
                from: date(2020, 6, 30),
                link: link.clone(),
            }
            .render(lang)
            .unwrap();
            assert!(ended.text.contains("30"), "{}", ended.text);
        }
    }

    #[test]
    fn summer_letters_say_the_reference_and_the_outcome() {
        let chosen = SummerLetterKind::Chosen(Placement {
            workplace: "Vattenverket".into(),
            supervisor: "Eva Ek".into(),
            from: date(2027, 6, 21),
            to: date(2027, 7, 11),
            start: "08:00".into(),
            end: "16:30".into(),
            hours_week: 40,
            hourly_wage: Money::from_ore(11_500),
        });
        for lang in [Language::Sv, Language::En] {
            for kind in [
                SummerLetterKind::Received,
                chosen.clone(),
                SummerLetterKind::NotChosen { reserve_place: 12 },
            ] {
                let r = SummerLetter {
                    name: "Alva".into(),
                    reference: "2027-00042".into(),
                    year: 2027,
                    apply_until: date(2027, 3, 31),
                    kind: kind.clone(),
                }
                .render(lang)
                .unwrap();
                assert!(r.text.contains("2027-00042"), "{}", r.text);
                match kind {
                    SummerLetterKind::Chosen(_) => {
                        assert!(r.text.contains("Vattenverket") && r.text.contains("08:00"))
                    }
                    SummerLetterKind::NotChosen { .. } => assert!(r.text.contains("12")),
                    SummerLetterKind::Received => {}
                }
            }
        }
    }

    #[test]
    fn organisers_are_told_the_decision_and_a_new_limit_with_its_source() {
        for lang in [Language::Sv, Language::En] {
            let d = EventDecided {
                organiser: "Karlskoga IF".into(),
                place: "Nobelhallen".into(),
                date: date(2020, 5, 16),
                approved: true,
                support: Some(Money::from_ore(500_000)),
                note: String::new(),
            }
            .render(lang)
            .unwrap();
            assert!(d.text.contains("000,00"), "{}", d.text);
            let o = EventOverLimit {
                organiser: "Karlskoga IF".into(),
                place: "Nobelhallen".into(),
                date: date(2020, 12, 5),
                expected: 40,
                max_people: 8,
                source: "SFS 2020:114".into(),
                from: date(2020, 11, 24),
            }
            .render(lang)
            .unwrap();
            assert!(
                o.text.contains("SFS 2020:114") && o.text.contains(" 8 "),
                "{}",
                o.text
            );
        }
    }
}
