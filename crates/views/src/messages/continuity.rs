//! Messages of continuity to staff: a red shift to the continuity managers, a request to cover
//! a shift, and the working arrangements a continuity policy sets.

use jiff::civil::Date;

/// A shift within 48 hours is below its minimum.
#[derive(Clone, Debug)]
pub struct RedShift {
    pub function: String,
    pub shift: String,
    /// The day the shift starts.
    pub date: Date,
    /// Minutes after midnight, Stockholm time.
    pub starts: i64,
    pub ends: i64,
    pub required: i64,
    pub present: i64,
    /// The coverage board.
    pub link: String,
}

crate::message!(
    RedShift,
    "messages/continuity/red_shift.sv.txt",
    "messages/continuity/red_shift.en.txt"
);

/// A person is asked to cover a shift; the link answers.
#[derive(Clone, Debug)]
pub struct CoverRequest {
    pub name: String,
    pub function: String,
    pub shift: String,
    pub date: Date,
    pub starts: i64,
    pub ends: i64,
    pub link: String,
}

crate::message!(
    CoverRequest,
    "messages/continuity/cover_request.sv.txt",
    "messages/continuity/cover_request.en.txt"
);

/// The working arrangements from a day on, as a continuity policy sets them; none of them
/// means everyday arrangements again.
#[derive(Clone, Debug)]
pub struct Measures {
    pub name: String,
    pub from: Date,
    /// Work from home (only to those whose work allows it).
    pub remote_work: bool,
    pub travel_limited: bool,
    pub meetings_postponed: bool,
}

impl Measures {
    pub fn any(&self) -> bool {
        self.remote_work || self.travel_limited || self.meetings_postponed
    }
}

crate::message!(
    Measures,
    "messages/continuity/measures.sv.txt",
    "messages/continuity/measures.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;
    use jiff::civil::date;

    #[test]
    fn every_message_renders_in_both_languages_with_its_facts() {
        let red = RedShift {
            function: "Driftcentral el".into(),
            shift: "natt".into(),
            date: date(2026, 11, 24),
            starts: 22 * 60,
            ends: 6 * 60,
            required: 3,
            present: 2,
            link: "https://x.se/beredskap/bemanning".into(),
        };
        let ask = CoverRequest {
            name: "Anna".into(),
            function: "Driftcentral el".into(),
            shift: "natt".into(),
            date: date(2026, 11, 24),
            starts: 22 * 60,
            ends: 6 * 60,
            link: "https://x.se/tackning/abc".into(),
        };
        let on = Measures {
            name: "Anna".into(),
            from: date(2026, 11, 24),
            remote_work: true,
            travel_limited: true,
            meetings_postponed: false,
        };
        let off = Measures {
            remote_work: false,
            travel_limited: false,
            ..on.clone()
        };
        for lang in [Language::Sv, Language::En] {
            let r = red.render(lang).unwrap();
            assert!(
                r.sms.contains("22:00") && r.sms.contains(&red.link),
                "{}",
                r.sms
            );
            assert!(r.text.contains("Driftcentral el") && r.text.contains("06:00"));
            let r = ask.render(lang).unwrap();
            assert!(
                r.sms.contains(&ask.link) && r.text.contains("Anna"),
                "{}",
                r.text
            );
            let r = on.render(lang).unwrap();
            assert!(r.text.lines().count() >= 4, "{}", r.text);
            let r2 = off.render(lang).unwrap();
            assert_ne!(r.text, r2.text);
            assert_ne!(r.subject, r2.subject);
        }
        let sv = on.render(Language::Sv).unwrap();
        assert!(
            sv.text.contains("hemifrån") && !sv.text.contains("Möten"),
            "{}",
            sv.text
        );
        assert!(
            ask.render(Language::Sv)
                .unwrap()
                .subject
                .contains("tisdag 24 november")
        );
    }
}
