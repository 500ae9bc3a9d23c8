//! Customer-centre visits: opening hours, the cap on people present, and the slots a site offers.
//!
//! Pure rules; the store keeps one counter row per site × [`BUCKET_MINUTES`] bucket and the
//! service feeds its load in here. Instants are microseconds since the epoch (the storage form,
//! [`crate::time::to_micros`]); civil times are Europe/Stockholm. Because the zone's offsets
//! are whole hours, a civil time on a 5-minute grid is also on the UTC 5-minute grid, so
//! buckets are simply `instant / BUCKET_MICROS` — also on the two daylight-saving days, when a
//! civil day has 23 or 25 hours.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::time::{at_civil, civil_date, from_micros, stockholm, to_micros};

mod problem;

pub use problem::VisitError;

/// Length of one occupancy bucket. Service durations are whole multiples of it, so the buckets
/// a visit covers are exactly its interval: "at every instant" is checked without rounding up.
pub const BUCKET_MINUTES: i64 = 5;
pub const BUCKET_MICROS: i64 = BUCKET_MINUTES * 60 * 1_000_000;
/// Largest party one booking may bring (DESIGN §3.3).
pub const MAX_PARTY: u32 = 4;
const MINUTE: i64 = 60 * 1_000_000;

crate::closed_set! {
    /// Where a booked visit stands.
    pub enum VisitStatus in "visit-status" {
        /// Booked on the public page; held until its link is confirmed or `expires_at`.
        Unconfirmed = "unconfirmed",
        /// Offered to someone on the waitlist; held until accepted or `expires_at`.
        Offered = "offered",
        Booked = "booked",
        CheckedIn = "checked_in",
        NoShow = "no_show",
        Cancelled = "cancelled",
        /// An unconfirmed booking or an offer whose time ran out.
        Expired = "expired",
    }
}

impl VisitStatus {
    /// The statuses whose visits hold places in the occupancy buckets.
    pub const HOLDING: &'static [VisitStatus] = &[
        VisitStatus::Unconfirmed,
        VisitStatus::Offered,
        VisitStatus::Booked,
        VisitStatus::CheckedIn,
    ];
    /// What the desk shows for a day: everything but cancelled and expired visits.
    pub const ON_THE_DESK: &'static [VisitStatus] = &[
        VisitStatus::Unconfirmed,
        VisitStatus::Offered,
        VisitStatus::Booked,
        VisitStatus::CheckedIn,
        VisitStatus::NoShow,
    ];
    /// Held until a link is used or the hold runs out (`expires_at`).
    pub const AWAITING: &'static [VisitStatus] = &[VisitStatus::Unconfirmed, VisitStatus::Offered];
    /// What may be cancelled or moved: not yet started, not ended.
    pub const OPEN: &'static [VisitStatus] = &[
        VisitStatus::Unconfirmed,
        VisitStatus::Offered,
        VisitStatus::Booked,
    ];

    pub fn holds_places(self) -> bool {
        VisitStatus::HOLDING.contains(&self)
    }

    /// Waiting for its link (a public booking or a waitlist offer).
    pub fn awaits_confirmation(self) -> bool {
        VisitStatus::AWAITING.contains(&self)
    }

    /// Cancelled, moved or confirmed still possible: not checked in, not ended.
    pub fn is_open(self) -> bool {
        VisitStatus::OPEN.contains(&self)
    }

    /// Counted as due when the no-show rate is computed (the customer was expected).
    pub fn was_due(self) -> bool {
        matches!(
            self,
            VisitStatus::Booked | VisitStatus::CheckedIn | VisitStatus::NoShow
        )
    }
}

crate::closed_set! {
    /// Where a booking came from; decides its first status and who is told.
    pub enum VisitSource in "visit-source" {
        /// A logged-in customer in the portal.
        Portal = "portal",
        /// An agent for a caller.
        Agent = "agent",
        /// The public booking page; held until the link in the message is confirmed.
        Public = "public",
        /// An API client with a bearer token.
        Api = "api",
        /// Registered at the desk on arrival.
        WalkIn = "walk_in",
        /// An offer to someone on the waitlist.
        Waitlist = "waitlist",
    }
}

crate::closed_set! {
    /// Where a place on the waitlist stands.
    pub enum WaitStatus in "wait-status" {
        Waiting = "waiting",
        /// A time was offered (the visit `visit_id`, status offered).
        Offered = "offered",
        /// The offer was accepted.
        Booked = "booked",
        /// The offer ran out.
        Expired = "expired",
        /// The person left the queue, or cancelled the offer.
        Cancelled = "cancelled",
    }
}

/// One opening span of a day (a site closed for lunch has two) and the desks staffed in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningSpan {
    pub opens: Time,
    pub closes: Time,
    pub staffed_desks: u32,
}

impl OpeningSpan {
    pub fn new(opens: Time, closes: Time, staffed_desks: u32) -> Result<OpeningSpan, VisitError> {
        if closes <= opens {
            return Err(VisitError::SpanOrder);
        }
        if !on_grid(opens) || !on_grid(closes) {
            return Err(VisitError::SpanGrid);
        }
        Ok(OpeningSpan {
            opens,
            closes,
            staffed_desks,
        })
    }
}

fn on_grid(t: Time) -> bool {
    t.second() == 0 && t.subsec_nanosecond() == 0 && i64::from(t.minute()) % BUCKET_MINUTES == 0
}

/// How a site is open and how far ahead it takes bookings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRules {
    /// Monday first.
    pub weekly: [Vec<OpeningSpan>; 7],
    /// Dates with other hours; an empty list closes the site that day. Wins over holidays.
    pub exceptions: BTreeMap<Date, Vec<OpeningSpan>>,
    /// Closed on public holidays and on midsommarafton, julafton and nyårsafton.
    pub closed_on_holidays: bool,
    /// No booking starts sooner than this after now.
    pub lead_minutes: u32,
    /// No booking on a day further ahead than this.
    pub horizon_days: u32,
    /// Slots start every this many minutes from the opening of a span.
    pub slot_step_minutes: u32,
}

impl SiteRules {
    /// The spans the site is open on `date`; empty when it is closed.
    pub fn spans_on(&self, date: Date) -> &[OpeningSpan] {
        if let Some(spans) = self.exceptions.get(&date) {
            return spans;
        }
        if self.closed_on_holidays && is_day_off(date) {
            return &[];
        }
        &self.weekly[weekday_index(date.weekday())]
    }

    /// The staffed desks at instant `at` (0 when closed).
    pub fn staffed_desks_at(&self, at: i64) -> u32 {
        let date = civil_date(from_micros(at), &stockholm());
        self.spans_on(date)
            .iter()
            .find(|s| span_instants(date, s).0 <= at && at < span_instants(date, s).1)
            .map_or(0, |s| s.staffed_desks)
    }

    /// Checks that a visit of `duration_minutes` may start at `start` when asked at `now`: on a
    /// slot boundary of an opening span, ending before it closes, inside lead time and horizon.
    /// Returns the end instant and the staffed desks.
    pub fn check_start(
        &self,
        start: i64,
        duration_minutes: u32,
        now: i64,
    ) -> Result<(i64, u32), VisitError> {
        check_duration(duration_minutes)?;
        let end = start + i64::from(duration_minutes) * MINUTE;
        if start < now + i64::from(self.lead_minutes) * MINUTE {
            return Err(VisitError::TooSoon);
        }
        let tz = stockholm();
        let date = civil_date(from_micros(start), &tz);
        let today = civil_date(from_micros(now), &tz);
        if date > today.saturating_add(jiff::Span::new().days(i64::from(self.horizon_days))) {
            return Err(VisitError::TooFar);
        }
        let spans = self.spans_on(date);
        if spans.is_empty() {
            return Err(VisitError::Closed);
        }
        let step = i64::from(self.slot_step_minutes.max(1)) * MINUTE;
        for span in spans {
            let (open, close) = span_instants(date, span);
            if start >= open && end <= close {
                if (start - open) % step != 0 {
                    return Err(VisitError::NotOnGrid);
                }
                return Ok((end, span.staffed_desks));
            }
        }
        Err(VisitError::OutsideHours)
    }
}

/// The instants a span opens and closes on `date`.
fn span_instants(date: Date, span: &OpeningSpan) -> (i64, i64) {
    let tz = stockholm();
    (
        to_micros(at_civil(date, span.opens, &tz)),
        to_micros(at_civil(date, span.closes, &tz)),
    )
}

fn is_day_off(date: Date) -> bool {
    calendar::is_public_holiday(date)
        || calendar::de_facto_days_off(date.year())
            .iter()
            .any(|(d, _)| *d == date)
}

/// Monday = 0 … Sunday = 6.
pub fn weekday_index(w: Weekday) -> usize {
    usize::try_from(w.to_monday_zero_offset()).unwrap_or(0)
}

pub fn check_duration(minutes: u32) -> Result<(), VisitError> {
    if minutes == 0 || minutes > 240 || i64::from(minutes) % BUCKET_MINUTES != 0 {
        return Err(VisitError::Duration);
    }
    Ok(())
}

pub fn check_party(party: u32) -> Result<(), VisitError> {
    if !(1..=MAX_PARTY).contains(&party) {
        return Err(VisitError::Party);
    }
    Ok(())
}

/// The bucket start instants a visit `[start, end)` covers, ascending (the lock order).
pub fn buckets(start: i64, end: i64) -> impl Iterator<Item = i64> {
    let first = start.div_euclid(BUCKET_MICROS) * BUCKET_MICROS;
    (0..)
        .map(move |k| first + k * BUCKET_MICROS)
        .take_while(move |b| *b < end)
}

/// People present and visits in progress during one bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BucketLoad {
    pub present: u32,
    pub visits: u32,
}

/// A start time a site offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    /// Places left for more people over the whole visit (the cap minus the most present).
    pub free_places: u32,
    /// Bookings of the queried party size that would succeed now: at every bucket of the visit
    /// both the people under the cap and the staffed desks not yet taken allow that many.
    pub bookable: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct SlotQuery {
    pub from: Date,
    /// Inclusive.
    pub to: Date,
    pub duration_minutes: u32,
    pub party: u32,
    pub now: i64,
}

/// Every slot between `q.from` and `q.to` where a party of `q.party` fits: at every bucket of
/// the visit the people present plus the party stay within the cap in force then (`cap_at`,
/// from the visits policy), and the visits in progress stay below the staffed desks.
pub fn slots(
    rules: &SiteRules,
    q: &SlotQuery,
    cap_at: impl Fn(i64) -> u32,
    load: impl Fn(i64) -> BucketLoad,
) -> Vec<Slot> {
    let mut out = Vec::new();
    if check_duration(q.duration_minutes).is_err() || check_party(q.party).is_err() {
        return out;
    }
    let tz = stockholm();
    let today = civil_date(from_micros(q.now), &tz);
    let last = today.saturating_add(jiff::Span::new().days(i64::from(rules.horizon_days)));
    let earliest = q.now + i64::from(rules.lead_minutes) * MINUTE;
    let duration = i64::from(q.duration_minutes) * MINUTE;
    let step = i64::from(rules.slot_step_minutes.max(1)) * MINUTE;
    let mut date = q.from.max(today);
    while date <= q.to.min(last) {
        for span in rules.spans_on(date) {
            let (open, close) = span_instants(date, span);
            let mut start = open;
            while start + duration <= close {
                if start >= earliest
                    && let Some(room) = room(
                        start,
                        start + duration,
                        span.staffed_desks,
                        q.party,
                        &cap_at,
                        &load,
                    )
                    && room.places >= q.party
                {
                    out.push(Slot {
                        start,
                        end: start + duration,
                        free_places: room.places,
                        bookable: room.bookings,
                    });
                }
                start += step;
            }
        }
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    out
}

/// What is left over `[start, end)`.
struct Room {
    /// People who may still come (the cap minus the most present).
    places: u32,
    /// Bookings of one party size that fit: at every bucket, the fewer of the parties the cap
    /// leaves room for and the desks not yet taken.
    bookings: u32,
}

/// Room over `[start, end)` for parties of `party`, or `None` when every staffed desk is taken
/// at some bucket.
fn room(
    start: i64,
    end: i64,
    desks: u32,
    party: u32,
    cap_at: &impl Fn(i64) -> u32,
    load: &impl Fn(i64) -> BucketLoad,
) -> Option<Room> {
    let mut room = Room {
        places: u32::MAX,
        bookings: u32::MAX,
    };
    for b in buckets(start, end) {
        let l = load(b);
        if l.visits >= desks {
            return None;
        }
        let places = cap_at(b).saturating_sub(l.present);
        room.places = room.places.min(places);
        room.bookings = room
            .bookings
            .min(places / party.max(1))
            .min(desks - l.visits);
    }
    Some(room)
}

/// A visit as the cap check and the desk view see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occupancy {
    pub id: i64,
    pub start: i64,
    pub end: i64,
    pub party: u32,
}

/// After the cap (or the staffed desks) dropped: which visits no longer fit. Visits are kept in
/// the order they were booked (`visits` must come in that order), so the latest bookings are the
/// ones flagged; a flagged visit keeps its time until its customer picks another.
pub fn over_cap(
    visits: &[Occupancy],
    cap_at: impl Fn(i64) -> u32,
    desks_at: impl Fn(i64) -> u32,
) -> Vec<i64> {
    let mut present: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    let mut flagged = Vec::new();
    for v in visits {
        let fits = buckets(v.start, v.end).all(|b| {
            let (p, n) = present.get(&b).copied().unwrap_or_default();
            p + v.party <= cap_at(b) && n < desks_at(b)
        });
        if fits {
            for b in buckets(v.start, v.end) {
                let e = present.entry(b).or_default();
                e.0 += v.party;
                e.1 += 1;
            }
        } else {
            flagged.push(v.id);
        }
    }
    flagged
}

/// Desk numbers (1-based) for a day's visits, in start order; an interval graph needs no more
/// colours than its largest overlap, so the greedy choice uses no more desks than are staffed
/// whenever the bookings respect the desk count. Visits beyond the desks get `None`.
pub fn assign_desks(visits: &[Occupancy], desks: u32) -> Vec<(i64, Option<u32>)> {
    let mut order: Vec<&Occupancy> = visits.iter().collect();
    order.sort_by_key(|v| (v.start, v.end, v.id));
    let mut free_at: Vec<i64> = vec![i64::MIN; desks as usize];
    order
        .into_iter()
        .map(|v| {
            let desk = free_at.iter().position(|t| *t <= v.start);
            if let Some(d) = desk {
                free_at[d] = v.end;
            }
            (v.id, desk.and_then(|d| u32::try_from(d + 1).ok()))
        })
        .collect()
}

/// Parses `HH:MM`.
pub fn parse_time(s: &str) -> Option<Time> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m) = (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?);
    Time::new(h, m, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn span(o: (i8, i8), c: (i8, i8), desks: u32) -> OpeningSpan {
        OpeningSpan::new(time(o.0, o.1, 0, 0), time(c.0, c.1, 0, 0), desks).unwrap()
    }

    fn rules() -> SiteRules {
        let day = vec![span((9, 0), (12, 0), 2), span((13, 0), (16, 0), 2)];
        SiteRules {
            weekly: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                vec![],
                vec![],
            ],
            exceptions: BTreeMap::new(),
            closed_on_holidays: true,
            lead_minutes: 60,
            horizon_days: 28,
            slot_step_minutes: 15,
        }
    }

    fn at(d: Date, h: i8, m: i8) -> i64 {
        to_micros(at_civil(d, time(h, m, 0, 0), &stockholm()))
    }

    fn query(d: Date, party: u32, now: i64) -> SlotQuery {
        SlotQuery {
            from: d,
            to: d,
            duration_minutes: 20,
            party,
            now,
        }
    }

    /// Slots under a constant cap.
    fn slots_c(
        r: &SiteRules,
        q: &SlotQuery,
        cap: u32,
        load: impl Fn(i64) -> BucketLoad,
    ) -> Vec<Slot> {
        slots(r, q, |_| cap, load)
    }

    #[test]
    fn slots_follow_hours_and_lunch() {
        let d = date(2026, 12, 1); // a Tuesday
        let now = at(date(2026, 11, 30), 8, 0);
        let s = slots_c(&rules(), &query(d, 1, now), 8, |_| BucketLoad::default());
        // 09:00 … 11:30 (11 starts: 11:45 would end 12:05) and 13:00 … 15:30.
        assert_eq!(s.len(), 22);
        assert_eq!(s[0].start, at(d, 9, 0));
        assert_eq!(s[0].end, at(d, 9, 20));
        assert_eq!(s[10].start, at(d, 11, 30));
        assert_eq!(s[11].start, at(d, 13, 0));
        assert!(s.iter().all(|x| x.free_places == 8));
    }

    #[test]
    fn closed_on_weekends_holidays_and_eves_unless_excepted() {
        let mut r = rules();
        let now = at(date(2026, 12, 1), 8, 0);
        for d in [
            date(2026, 12, 5),
            date(2026, 12, 24),
            date(2026, 12, 25),
            date(2027, 1, 6),
        ] {
            assert!(
                slots_c(&r, &query(d, 1, now), 8, |_| BucketLoad::default()).is_empty(),
                "{d}"
            );
        }
        r.exceptions
            .insert(date(2026, 12, 24), vec![span((9, 0), (10, 0), 1)]);
        assert_eq!(
            slots_c(&r, &query(date(2026, 12, 24), 1, now), 8, |_| {
                BucketLoad::default()
            })
            .len(),
            3
        );
        r.exceptions.insert(date(2026, 12, 2), vec![]);
        assert!(
            slots_c(&r, &query(date(2026, 12, 2), 1, now), 8, |_| {
                BucketLoad::default()
            })
            .is_empty()
        );
    }

    #[test]
    fn lead_time_and_horizon() {
        let d = date(2026, 12, 1);
        let now = at(d, 9, 50);
        let s = slots_c(&rules(), &query(d, 1, now), 8, |_| BucketLoad::default());
        assert_eq!(s[0].start, at(d, 11, 0), "60 minutes' lead from 09:50");
        assert!(rules().check_start(at(d, 10, 45), 20, now) == Err(VisitError::TooSoon));
        let far = date(2027, 1, 4);
        assert!(slots_c(&rules(), &query(far, 1, now), 8, |_| BucketLoad::default()).is_empty());
        assert_eq!(
            rules().check_start(at(far, 9, 0), 20, now),
            Err(VisitError::TooFar)
        );
    }

    #[test]
    fn cap_counts_people_at_every_bucket_of_the_visit() {
        let d = date(2026, 12, 1);
        let now = at(date(2026, 11, 30), 8, 0);
        let busy = at(d, 9, 15);
        // 6 people present 09:15–09:20 only.
        let load = |b: i64| {
            if b == busy {
                BucketLoad {
                    present: 6,
                    visits: 1,
                }
            } else {
                BucketLoad::default()
            }
        };
        let s = slots_c(&rules(), &query(d, 3, now), 8, load);
        // 09:00 (covers 09:15) is out for a party of 3; 09:15 too; 09:30 is free again.
        assert_eq!(s[0].start, at(d, 9, 30));
        let s = slots_c(&rules(), &query(d, 2, now), 8, load);
        assert_eq!(s[0].start, at(d, 9, 0));
        assert_eq!(s[0].free_places, 2);
    }

    #[test]
    fn desks_limit_visits_in_progress() {
        let d = date(2026, 12, 1);
        let now = at(date(2026, 11, 30), 8, 0);
        let full = at(d, 9, 0);
        let load = |b: i64| {
            if b == full {
                BucketLoad {
                    present: 2,
                    visits: 2,
                }
            } else {
                BucketLoad::default()
            }
        };
        let s = slots_c(&rules(), &query(d, 1, now), 40, load);
        assert_eq!(s[0].start, at(d, 9, 15));
    }

    #[test]
    fn bookable_counts_the_cap_and_the_staffed_desks() {
        let d = date(2026, 12, 1);
        let now = at(date(2026, 11, 30), 8, 0);
        // Two staffed desks, cap 40, nobody booked: two bookings fit, though 40 places are free.
        let s = slots_c(&rules(), &query(d, 1, now), 40, |_| BucketLoad::default());
        assert_eq!((s[0].free_places, s[0].bookable), (40, 2));
        // Cap 3 for parties of 2: one booking fits the cap, though two desks are free.
        let s = slots_c(&rules(), &query(d, 2, now), 3, |_| BucketLoad::default());
        assert_eq!((s[0].free_places, s[0].bookable), (3, 1));
        // One desk taken somewhere in the visit leaves one booking.
        let busy = at(d, 9, 10);
        let load = |b: i64| {
            if b == busy {
                BucketLoad {
                    present: 1,
                    visits: 1,
                }
            } else {
                BucketLoad::default()
            }
        };
        let s = slots_c(&rules(), &query(d, 1, now), 40, load);
        assert_eq!(
            (s[0].start, s[0].free_places, s[0].bookable),
            (at(d, 9, 0), 39, 1)
        );
    }

    #[test]
    fn daylight_saving_days_keep_civil_times() {
        let mut r = rules();
        let sunday_spans = vec![span((9, 0), (10, 0), 1)];
        r.weekly[6] = sunday_spans;
        for (d, utc_hour) in [
            (date(2026, 3, 29), 7),
            (date(2026, 10, 25), 8),
            (date(2025, 3, 30), 7),
        ] {
            let now = at(d.yesterday().unwrap(), 8, 0);
            let s = slots_c(&r, &query(d, 1, now), 8, |_| BucketLoad::default());
            assert_eq!(s.len(), 3, "{d}");
            let first = from_micros(s[0].start);
            assert_eq!(
                jiff::tz::TimeZone::UTC.to_datetime(first).hour(),
                utc_hour,
                "{d}"
            );
            assert_eq!(stockholm().to_datetime(first).hour(), 9, "{d}");
            assert_eq!(s[0].end - s[0].start, 20 * MINUTE);
        }
        // A site open through the night of the October change gets 25 hours of buckets.
        let night = date(2026, 10, 25);
        r.exceptions.insert(night, vec![span((0, 0), (23, 55), 1)]);
        r.slot_step_minutes = 60;
        let now = at(night.yesterday().unwrap(), 8, 0);
        let q = SlotQuery {
            duration_minutes: 60,
            ..query(night, 1, now)
        };
        let s = slots_c(&r, &q, 8, |_| BucketLoad::default());
        assert_eq!(
            s.len(),
            24,
            "a 25-hour day open 24 h 55 min has 24 hourly starts (02:00 twice)"
        );
        assert!(s.windows(2).all(|w| w[1].start - w[0].start == 60 * MINUTE));
    }

    #[test]
    fn check_start_accepts_offered_slots_only() {
        let d = date(2026, 12, 1);
        let now = at(date(2026, 11, 30), 8, 0);
        let r = rules();
        assert_eq!(r.check_start(at(d, 9, 15), 20, now), Ok((at(d, 9, 35), 2)));
        assert_eq!(
            r.check_start(at(d, 9, 5), 20, now),
            Err(VisitError::NotOnGrid)
        );
        assert_eq!(
            r.check_start(at(d, 11, 45), 20, now),
            Err(VisitError::OutsideHours)
        );
        assert_eq!(
            r.check_start(at(date(2026, 12, 5), 10, 0), 20, now),
            Err(VisitError::Closed)
        );
        assert_eq!(
            r.check_start(at(d, 9, 0), 7, now),
            Err(VisitError::Duration)
        );
        assert_eq!(r.staffed_desks_at(at(d, 9, 30)), 2);
        assert_eq!(r.staffed_desks_at(at(d, 12, 30)), 0);
    }

    #[test]
    fn buckets_cover_the_interval_exactly() {
        let b: Vec<i64> = buckets(0, 20 * MINUTE).collect();
        assert_eq!(b, vec![0, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE]);
    }

    #[test]
    fn over_cap_flags_the_latest_bookings() {
        let v = |id, s: i64, e: i64, party| Occupancy {
            id,
            start: s * MINUTE,
            end: e * MINUTE,
            party,
        };
        let visits = [
            v(1, 0, 20, 3),
            v(2, 0, 20, 3),
            v(3, 10, 30, 2),
            v(4, 30, 50, 4),
        ];
        assert!(over_cap(&visits, |_| 8, |_| 4).is_empty());
        assert_eq!(over_cap(&visits, |_| 5, |_| 4), vec![2]);
        assert_eq!(over_cap(&visits, |_| 4, |_| 4), vec![2, 3]);
        assert_eq!(over_cap(&visits, |_| 8, |_| 1), vec![2, 3]);
        // A cap that drops from minute 25 on only touches visit 4 (party 4 over a cap of 3).
        assert_eq!(
            over_cap(&visits, |b| if b >= 25 * MINUTE { 3 } else { 8 }, |_| 4),
            vec![4]
        );
    }

    #[test]
    fn desks_are_assigned_greedily_by_start() {
        let v = |id, s: i64, e: i64| Occupancy {
            id,
            start: s,
            end: e,
            party: 1,
        };
        let a = assign_desks(
            &[
                v(1, 5, 20),
                v(2, 0, 15),
                v(3, 15, 30),
                v(4, 20, 40),
                v(5, 0, 5),
            ],
            2,
        );
        assert_eq!(
            a,
            vec![
                (5, Some(1)),
                (2, Some(2)),
                (1, Some(1)),
                (3, Some(2)),
                (4, Some(1))
            ]
        );
        let a = assign_desks(&[v(1, 0, 20), v(2, 0, 20), v(3, 10, 30)], 2);
        assert_eq!(a[2], (3, None), "a third overlapping visit has no desk");
    }

    #[test]
    fn spans_are_validated() {
        assert_eq!(
            OpeningSpan::new(time(10, 0, 0, 0), time(9, 0, 0, 0), 1),
            Err(VisitError::SpanOrder)
        );
        assert_eq!(
            OpeningSpan::new(time(9, 2, 0, 0), time(10, 0, 0, 0), 1),
            Err(VisitError::SpanGrid)
        );
        assert_eq!(parse_time("09:30"), Some(time(9, 30, 0, 0)));
        assert_eq!(parse_time("25:00"), None);
    }
}
