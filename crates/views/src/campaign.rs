//! Views of the meter-exchange campaign: the planner's page with counts, crews, the plan per
//! crew and day, and a map drawn on the server as SVG (no map tiles); the planning run's
//! progress; the technician's work list; the campaign's progress with its charts; booking an
//! indoor window; and the "no home visits" declaration. Every word comes from
//! `i18n/*/campaign.ftl`; closed sets are named by their `<set>-<code>` messages.

use std::fmt::Write;

use askama::Template;
use domain::campaign::{ConsentVersion, CrewKind, DayOffReason, FailReason, JobStatus, RecordedBy};
use domain::ids::{CampaignId, CampaignJobId, CrewId, CustomerId};
use domain::meter::Placement;
use jiff::civil::Date;

use crate::Layout;
use crate::pages::FieldError;

/// A count per tier and state.
#[derive(Clone, Debug, Default)]
pub struct TierCounts {
    pub tier: u8,
    pub plannable: usize,
    pub paused: usize,
    pub deferred: usize,
    pub planned: usize,
    pub notified: usize,
    pub booked: usize,
    pub done: usize,
    pub failed: usize,
}

#[derive(Clone, Debug)]
pub struct CrewLine {
    pub id: CrewId,
    pub name: String,
    pub kind: CrewKind,
    pub skills: String,
    pub shift: String,
}

#[derive(Clone, Debug)]
pub struct StopLine {
    pub job: CampaignJobId,
    pub pinned: bool,
    pub seq: i64,
    pub arrive: String,
    pub address: String,
    pub tier: u8,
    pub status: JobStatus,
}

#[derive(Clone, Debug)]
pub struct RouteLine {
    pub crew: String,
    pub day: String,
    pub stops: Vec<StopLine>,
}

#[derive(Template)]
#[template(path = "campaign/planner.html")]
pub struct CampaignPage {
    pub layout: Layout,
    /// (id, name, starts on) of the open campaign.
    pub campaign: Option<(CampaignId, String, Date)>,
    pub counts: Vec<TierCounts>,
    pub crews: Vec<CrewLine>,
    pub routes: Vec<RouteLine>,
    /// The day the map and lists show.
    pub day: String,
    pub days: Vec<String>,
    /// Server-drawn SVG; built by [`svg_map`], which escapes all text.
    pub map: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
    pub today: String,
    /// Local suppliers a subcontracted crew may come from, `(id, name)`.
    pub suppliers: Vec<(i64, String)>,
    /// The reasons a crew may be off, for the select.
    pub day_off_reasons: &'static [DayOffReason],
}

/// A planning run in progress.
#[derive(Template)]
#[template(path = "campaign/planning.html")]
pub struct PlanRunPage {
    pub layout: Layout,
    pub percent: u8,
    pub elapsed: u64,
    pub budget: u64,
    pub started_by: String,
}

/// A point on the map.
#[derive(Clone, Debug)]
pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
    pub class: PointClass,
}

/// How a job's point is drawn (the legend under the map names the colours).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointClass {
    /// On a crew's day: planned, notified or booked.
    Planned,
    Deferred,
    Paused,
    Done,
    Failed,
    /// Plannable, not on a day yet.
    Open,
}

impl PointClass {
    /// The point's colour, with contrast against white (WCAG non-text contrast ≥ 3:1).
    fn fill(self) -> &'static str {
        match self {
            PointClass::Planned => "#1d4f91",
            PointClass::Deferred => "#a33b00",
            PointClass::Paused => "#6b6b6b",
            PointClass::Done => "#2f6b2f",
            PointClass::Failed => "#b00020",
            PointClass::Open => "#9aa5b1",
        }
    }
}

/// A route on the map, in visiting order (depot first and last).
#[derive(Clone, Debug)]
pub struct MapRoute {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

const W: f64 = 640.0;
const H: f64 = 480.0;
const PAD: f64 = 12.0;
/// Route colours with contrast against white (WCAG non-text contrast ≥ 3:1).
const ROUTE_COLOURS: [&str; 6] = [
    "#1d4f91", "#a33b00", "#2f6b2f", "#7a2e7a", "#005f73", "#8a5a00",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws the town's points and the day's routes as SVG, equirectangular with the latitude's
/// cosine, so distances look right at Swedish latitudes.
pub fn svg_map(title: &str, points: &[MapPoint], routes: &[MapRoute]) -> String {
    let all = points
        .iter()
        .map(|p| (p.lat, p.lon))
        .chain(routes.iter().flat_map(|r| r.points.iter().copied()));
    let (mut lat0, mut lat1, mut lon0, mut lon1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (lat, lon) in all {
        lat0 = lat0.min(lat);
        lat1 = lat1.max(lat);
        lon0 = lon0.min(lon);
        lon1 = lon1.max(lon);
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="map-title" class="map"><title id="map-title">{}</title><rect width="{W}" height="{H}" fill="#ffffff" stroke="#6b6b6b"/>"##,
        escape(title)
    );
    if lat0 > lat1 {
        s.push_str("</svg>");
        return s;
    }
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let span_x = ((lon1 - lon0) * k).max(1e-6);
    let span_y = (lat1 - lat0).max(1e-6);
    let scale = ((W - 2.0 * PAD) / span_x).min((H - 2.0 * PAD) / span_y);
    let xy = |lat: f64, lon: f64| -> (f64, f64) {
        (
            PAD + (lon - lon0) * k * scale,
            H - PAD - (lat - lat0) * scale,
        )
    };
    for p in points {
        let (x, y) = xy(p.lat, p.lon);
        let fill = p.class.fill();
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="2" fill="{fill}"/>"#
        );
    }
    for (i, r) in routes.iter().enumerate() {
        let colour = ROUTE_COLOURS[i % ROUTE_COLOURS.len()];
        let pts = r
            .points
            .iter()
            .map(|(lat, lon)| {
                let (x, y) = xy(*lat, *lon);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        let _ = write!(
            s,
            r##"<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"><title>{}</title></polyline>"##,
            escape(&r.label)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_escapes_labels_and_keeps_points_inside() {
        let svg = svg_map(
            "Karta <över> staden",
            &[
                MapPoint {
                    lat: 59.30,
                    lon: 14.50,
                    class: PointClass::Planned,
                },
                MapPoint {
                    lat: 59.35,
                    lon: 14.55,
                    class: PointClass::Deferred,
                },
            ],
            &[MapRoute {
                label: "Lag \"1\" & 2".into(),
                points: vec![(59.30, 14.50), (59.35, 14.55)],
            }],
        );
        assert!(svg.contains("Karta &lt;över&gt; staden"));
        assert!(svg.contains("Lag &quot;1&quot; &amp; 2"));
        for c in svg.split("cx=\"").skip(1) {
            let x: f64 = c.split('"').next().unwrap().parse().unwrap();
            assert!((0.0..=W).contains(&x));
        }
        assert!(svg_map("tom", &[], &[]).ends_with("</svg>"));
    }

    /// Every value of the campaign's closed sets has a name in both languages, and every
    /// consent version its text.
    #[test]
    fn every_campaign_value_has_a_name() {
        fn check<T: domain::code::Code>() {
            for &v in T::all() {
                for lang in [crate::Lang::Sv, crate::Lang::En] {
                    assert_ne!(crate::label(lang, v), v.message_key(), "{lang:?}");
                }
            }
        }
        check::<domain::campaign::Plannability>();
        check::<domain::campaign::JobStatus>();
        check::<domain::campaign::CampaignStatus>();
        check::<CrewKind>();
        check::<DayOffReason>();
        check::<FailReason>();
        check::<RecordedBy>();
        check::<ConsentVersion>();
        check::<domain::campaign::ExchangeState>();
        let sv = consent_text(crate::Lang::Sv, ConsentVersion::CURRENT);
        let en = consent_text(crate::Lang::En, ConsentVersion::CURRENT);
        assert!(sv.contains("riskgrupp") && en.contains("risk group"));
    }
}

/// One stop on the technician's list.
#[derive(Clone, Debug)]
pub struct WorkStop {
    pub id: CampaignJobId,
    pub seq: i64,
    pub arrive: String,
    pub window: Option<String>,
    pub address: String,
    pub nav: String,
    pub customer: String,
    pub phone: String,
    pub meter: String,
    pub meter_number: String,
    pub placement: Placement,
    pub ct: bool,
    pub status: JobStatus,
    /// Why the visit failed, once recorded.
    pub failure: Option<FailReason>,
    /// The new meter's number, once the exchange is recorded.
    pub new_meter_number: Option<String>,
}

#[derive(Template)]
#[template(path = "campaign/work_list.html")]
pub struct WorkListPage {
    pub layout: Layout,
    pub day: String,
    /// The crew's name; `None` for a technician not yet in a crew.
    pub crew: Option<String>,
    pub stops: Vec<WorkStop>,
    /// The failure reasons a technician chooses from.
    pub reasons: &'static [FailReason],
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
    /// The stop an error belongs to.
    pub error_stop: Option<CampaignJobId>,
}

impl WorkListPage {
    pub fn error_for(&self, stop: &CampaignJobId, field: &str) -> Option<&str> {
        (Some(*stop) == self.error_stop)
            .then(|| {
                self.errors
                    .iter()
                    .find(|e| e.field == format!("{field}-{stop}"))
                    .map(|e| e.message.as_str())
            })
            .flatten()
    }
}

#[derive(Template)]
#[template(path = "campaign/progress.html")]
pub struct ProgressPage {
    pub layout: Layout,
    /// Per tier: (tier, done, planned, deferred, paused, failed, open).
    pub tiers: Vec<(u8, [usize; 6])>,
    pub total: usize,
    pub forecast: Option<String>,
    /// Server-drawn burn-up chart; built by [`svg_burn_up`].
    pub chart: String,
    /// (date, done, done + planned) for the table under the chart.
    pub burn_up: Vec<(String, usize, usize)>,
    pub deferred_backlog: Vec<(String, usize)>,
    pub paused_backlog: usize,
    /// Server-drawn km per crew-day; built by [`svg_bars`].
    pub km_chart: String,
    pub km: Vec<(String, String, String)>,
}

/// A burn-up chart: done (solid) and done + planned (dashed) against the total.
pub fn svg_burn_up(title: &str, total: usize, rows: &[(String, usize, usize)]) -> String {
    let (w, h, pad) = (640.0, 260.0, 32.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="burn-title" class="chart"><title id="burn-title">{}</title><rect width="{w}" height="{h}" fill="#ffffff"/>"##,
        escape(title)
    );
    let max = total.max(1) as f64;
    let n = rows.len().max(2) as f64 - 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n;
    let y = |v: usize| h - pad - (h - 2.0 * pad) * v as f64 / max;
    let _ = write!(
        s,
        r##"<line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#6b6b6b" stroke-dasharray="2 4"/>"##,
        y(total),
        w - pad,
        y(total)
    );
    for (idx, dash, colour) in [(2usize, "6 4", "#1d4f91"), (1usize, "", "#2f6b2f")] {
        let pts = rows
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{:.1},{:.1}", x(i), y(if idx == 1 { r.1 } else { r.2 })))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = write!(
            s,
            r##"<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"##
        );
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        let _ = write!(
            s,
            r##"<text x="{pad}" y="{}" font-size="12" fill="#1f1f1f">{}</text><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#1f1f1f">{}</text>"##,
            h - 8.0,
            escape(&first.0),
            w - pad,
            h - 8.0,
            escape(&last.0)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one per row: (label, value).
pub fn svg_bars(title: &str, rows: &[(String, f64)]) -> String {
    let (w, bar, gap, label_w) = (640.0, 14.0, 6.0, 220.0);
    let h = (rows.len() as f64 * (bar + gap) + gap).max(40.0);
    let max = rows.iter().map(|r| r.1).fold(1.0, f64::max);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="bars-title" class="chart"><title id="bars-title">{}</title>"##,
        escape(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let yy = gap + i as f64 * (bar + gap);
        let len = (w - label_w - 60.0) * v / max;
        let _ = write!(
            s,
            r##"<text x="0" y="{:.1}" font-size="11" fill="#1f1f1f">{}</text><rect x="{label_w}" y="{yy:.1}" width="{len:.1}" height="{bar}" fill="#1d4f91"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#1f1f1f">{v:.0}</text>"##,
            yy + bar - 3.0,
            escape(label),
            label_w + len + 4.0,
            yy + bar - 3.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One indoor job on the booking page.
#[derive(Clone, Debug)]
pub struct BookingJob {
    pub job_id: CampaignJobId,
    pub street: String,
    pub booked: Option<String>,
    /// Where the form posts.
    pub action: String,
    /// (value `DATE|START`, label).
    pub windows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "campaign/booking.html")]
pub struct MeterBookingPage {
    pub layout: Layout,
    pub jobs: Vec<BookingJob>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
    /// Signed in (Mina sidor) or through the link.
    pub portal: bool,
    /// Staff booking for a caller: the customer's id.
    pub caller: Option<CustomerId>,
}

/// The "no home visits" page, for the customer or for an agent on the phone.
#[derive(Template)]
#[template(path = "campaign/home_visits.html")]
pub struct HomeVisitsPage {
    pub layout: Layout,
    /// Where the forms post: `/mina-sidor/hembesok` or `/kunder/{id}/hembesok`.
    pub action: String,
    /// An agent acting for a caller (the page words the consent step for reading aloud).
    pub for_caller: Option<String>,
    /// The declaration held.
    pub held: Option<HeldDeclaration>,
    /// The version of the consent text shown (its text is the message
    /// `campaign-consent-<version>`).
    pub consent_version: ConsentVersion,
    pub until: String,
    pub note: String,
    pub max_note: usize,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A declaration as its customer (or the agent on the phone) sees it.
#[derive(Clone, Debug)]
pub struct HeldDeclaration {
    pub until: Date,
    /// When the customer consented, microseconds UTC.
    pub consented_at: i64,
    pub consent_version: ConsentVersion,
    pub note: String,
    pub recorded_by: RecordedBy,
}

impl HeldDeclaration {
    /// Recorded by customer service for a caller (the page says so).
    pub fn by_agent(&self) -> bool {
        self.recorded_by == RecordedBy::Agent
    }
}

impl HomeVisitsPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The consent text of a version, in `lang`: what the customer accepts, and what is sealed
/// with the declaration (in Swedish).
pub fn consent_text(lang: crate::Lang, version: ConsentVersion) -> String {
    crate::label(lang, version)
}
