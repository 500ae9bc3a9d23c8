//! Messages of crisis modes to staff.

/// A planned end of a crisis mode is a week away: the continuity managers decide whether it
/// ends as planned.
#[derive(Clone, Debug)]
pub struct EndReminder {
    pub mode: String,
    /// Stockholm civil time of the end.
    pub ends_at: String,
    /// The activation's page.
    pub link: String,
}

crate::message!(
    EndReminder,
    "messages/modes/end_reminder.sv.txt",
    "messages/modes/end_reminder.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;

    #[test]
    fn the_reminder_names_the_mode_the_end_and_the_page() {
        let m = EndReminder {
            mode: "Pandemi 2020".into(),
            ends_at: "2026-12-31 00:00".into(),
            link: "https://x.se/beredskap/aktiveringar/3".into(),
        };
        for lang in [Language::Sv, Language::En] {
            let r = m.render(lang).unwrap();
            assert!(r.subject.contains("Pandemi 2020"), "{}", r.subject);
            assert!(r.text.contains("2026-12-31 00:00") && r.text.contains(&m.link));
        }
    }
}
