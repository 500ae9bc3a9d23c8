//! iCalendar (RFC 5545) for one appointment: the `.ics` a confirmation carries so the visit
//! lands in the customer's calendar.
//!
//! Times are written in UTC (`…Z`), which every calendar converts to local time, so no
//! VTIMEZONE block is needed. Lines end in CRLF and are folded at 75 octets without splitting a
//! UTF-8 character; text values escape `\`, `;`, `,` and newlines.

/// One event. Instants are seconds since the epoch, UTC.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// Globally unique and stable for the appointment, so a rebooking replaces the old entry.
    pub uid: &'a str,
    /// Incremented on every change of the same appointment.
    pub sequence: u32,
    pub stamp: i64,
    pub start: i64,
    pub end: i64,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// `true` writes `METHOD:CANCEL` / `STATUS:CANCELLED`, removing the entry.
    pub cancelled: bool,
}

/// The calendar file for `event`.
pub fn calendar(event: &Event<'_>) -> String {
    let mut out = String::new();
    let method = if event.cancelled { "CANCEL" } else { "PUBLISH" };
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Beredskap//Kundcenter//SV".to_owned(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("SEQUENCE:{}", event.sequence),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.start)),
        format!("DTEND:{}", utc(event.end)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("LOCATION:{}", escape(event.location)),
        format!("DESCRIPTION:{}", escape(event.description)),
        format!(
            "STATUS:{}",
            if event.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ] {
        fold_into(&mut out, &line);
    }
    out
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            ';' => o.push_str("\\;"),
            ',' => o.push_str("\\,"),
            '\n' => o.push_str("\\n"),
            '\r' => {}
            c => o.push(c),
        }
    }
    o
}

fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the epoch (proleptic Gregorian, days from civil).
fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(cancelled: bool) -> Event<'static> {
        Event {
            uid: "visit-42@beredskap",
            sequence: 1,
            stamp: 1_795_000_000,
            // 2026-03-29 07:00 UTC = 09:00 CEST, the first day of summer time.
            start: 1_774_767_600,
            end: 1_774_768_800,
            summary: "Besök hos kundcenter: Fakturor, betalningar",
            location: "Kundcenter, Bergsmansgatan 1, 691 31 Karlskoga",
            description: "Avboka eller boka om: https://example.se/besok/abc;x\nVälkommen!",
            cancelled,
        }
    }

    #[test]
    fn writes_a_valid_event() {
        let s = calendar(&event(false));
        let unfolded = s.replace("\r\n ", "");
        assert!(s.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(s.contains("DTSTART:20260329T070000Z\r\n"), "{s}");
        assert!(s.contains("DTEND:20260329T072000Z\r\n"));
        assert!(unfolded.contains("SUMMARY:Besök hos kundcenter: Fakturor\\, betalningar\r\n"));
        assert!(unfolded.contains("abc\\;x\\nVälkommen!"));
        assert!(s.contains("STATUS:CONFIRMED"));
        assert!(s.ends_with("END:VCALENDAR\r\n"));
        for line in s.split("\r\n") {
            assert!(line.len() <= 75, "line over 75 octets: {line:?}");
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn folding_keeps_characters_whole() {
        let mut out = String::new();
        fold_into(&mut out, &"Å".repeat(60));
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, "Å".repeat(60));
    }

    #[test]
    fn cancellation() {
        let s = calendar(&event(true));
        assert!(s.contains("METHOD:CANCEL\r\n") && s.contains("STATUS:CANCELLED\r\n"));
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "19700101T000000Z");
        assert_eq!(utc(951_782_400), "20000229T000000Z");
        assert_eq!(utc(1_798_761_599), "20261231T235959Z");
    }
}
