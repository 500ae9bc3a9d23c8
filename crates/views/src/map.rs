//! The day's routes on a map, two ways from the same data. The server draws an SVG (for pages
//! without script and installations without a tile source); the route lists beside it carry
//! each stop's place in data attributes, from which `/static/map.js` draws the same routes with
//! Leaflet over the configured tiles (`map.tiles_url`).
//!
//! Both are fitted to the day's routes, not the town: one colour per crew, named in the legend;
//! numbered stops in route order, the same numbers as the lists; the depot a square; a booked
//! window ringed, a failed stop hollow with a dashed red ring, a deferred stop hollow with a
//! dotted ring, a done stop grey; the next stop larger. The remaining jobs are drawn faintly on
//! request. Colours keep a contrast of at least 3:1 against white (WCAG 1.4.11), and no mark is
//! told by colour alone.

use std::fmt::Write as _;

use crate::charts::escape;

/// Crew colours, in the order crews are listed: dark enough against white and against light
/// map tiles, and apart from each other (blue, orange, green, purple, teal, olive, indigo, rust).
pub const CREW_COLOURS: [&str; 8] = [
    "#0b5394", "#b45f06", "#38761d", "#741b47", "#006d6f", "#5b5b00", "#3d3d8f", "#8f2d00",
];

/// The colour of the `i`-th crew's route.
pub fn crew_colour(i: usize) -> &'static str {
    CREW_COLOURS[i % CREW_COLOURS.len()]
}

const DONE_GREY: &str = "#6b6b6b";
const FAILED_RED: &str = "#b00020";
const FAINT: &str = "#8a8a8a";
const AFFECTED: &str = "#a33b00";

/// How a stop is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopMark {
    Planned,
    /// Planned inside a window the household booked.
    Booked,
    Done,
    Failed,
    /// Taken off at the household's request, still on the day until it is planned again.
    Deferred,
}

impl StopMark {
    pub const ALL: [StopMark; 5] = [
        StopMark::Planned,
        StopMark::Booked,
        StopMark::Done,
        StopMark::Failed,
        StopMark::Deferred,
    ];

    /// The name `map.js` reads from `data-mark`.
    pub fn as_str(self) -> &'static str {
        match self {
            StopMark::Planned => "planned",
            StopMark::Booked => "booked",
            StopMark::Done => "done",
            StopMark::Failed => "failed",
            StopMark::Deferred => "deferred",
        }
    }

    /// The legend's message key.
    pub fn message_key(self) -> &'static str {
        match self {
            StopMark::Planned => "map-mark-planned",
            StopMark::Booked => "map-mark-booked",
            StopMark::Done => "map-mark-done",
            StopMark::Failed => "map-mark-failed",
            StopMark::Deferred => "map-mark-deferred",
        }
    }
}

/// A stop on a route: its number in route order (the list's number too) and the list item it
/// links to.
#[derive(Clone, Debug)]
pub struct MapStop {
    pub number: usize,
    pub anchor: String,
    pub lat: f64,
    pub lon: f64,
    pub mark: StopMark,
    /// The technician's next stop.
    pub next: bool,
    /// What a pointer over the stop reads (`3. Storgatan 1`).
    pub title: String,
}

/// One crew's route of the day, depot first and last.
#[derive(Clone, Debug)]
pub struct MapRoute {
    pub label: String,
    pub colour: &'static str,
    pub depot: Option<(f64, f64)>,
    pub stops: Vec<MapStop>,
}

/// A job that is not on the day's routes: the remaining work, faint, or the jobs a crisis
/// preview would take off the plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapDot {
    pub lat: f64,
    pub lon: f64,
    pub affected: bool,
}

/// Everything one map shows.
#[derive(Clone, Debug, Default)]
pub struct DayMap {
    pub routes: Vec<MapRoute>,
    pub dots: Vec<MapDot>,
    /// Draw the dots on the server-drawn map (the script's map has its own toggle).
    pub show_dots: bool,
}

/// The tile source of the script's map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tiles {
    /// `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
    pub url: String,
    /// What the tile source asks to be shown (`© OpenStreetMap contributors`).
    pub attribution: String,
}

/// What a page's map section needs: the SVG, the tile source when the script may draw over
/// tiles, the dots for the script's toggle, and the crews for the legend.
#[derive(Clone, Debug)]
pub struct MapView {
    pub svg: String,
    pub tiles: Option<Tiles>,
    /// `lat,lon,a|r;…` for `data-dots` (a: affected, r: remaining).
    pub dots: String,
    pub show_dots: bool,
    /// (label, colour) per route, for the legend.
    pub crews: Vec<(String, &'static str)>,
    /// A small SVG sample of each mark, for the legend.
    pub marks: Vec<(StopMark, String)>,
    /// The map shows dots only (a crisis preview), so the legend names them.
    pub dots_only: bool,
    /// The first route's colour and depot (a technician's list has one route).
    pub colour: &'static str,
    pub depot: Option<(f64, f64)>,
}

impl DayMap {
    /// The page's map section, with `title` naming the SVG.
    pub fn view(&self, title: &str, tiles: Option<Tiles>) -> MapView {
        MapView {
            svg: self.svg(title),
            tiles,
            dots: self.dots_attr(),
            show_dots: self.show_dots,
            crews: self
                .routes
                .iter()
                .map(|r| (r.label.clone(), r.colour))
                .collect(),
            marks: StopMark::ALL.iter().map(|&m| (m, mark_sample(m))).collect(),
            dots_only: self.routes.is_empty(),
            colour: self.routes.first().map_or(CREW_COLOURS[0], |r| r.colour),
            depot: self.routes.first().and_then(|r| r.depot),
        }
    }

    fn dots_attr(&self) -> String {
        let mut s = String::with_capacity(self.dots.len() * 22);
        for (i, d) in self.dots.iter().enumerate() {
            if i > 0 {
                s.push(';');
            }
            let kind = if d.affected { 'a' } else { 'r' };
            let _ = write!(s, "{:.5},{:.5},{kind}", d.lat, d.lon);
        }
        s
    }

    /// The bounds the map is fitted to: the routes with their depots, or, without routes, the dots.
    fn bounds(&self) -> Option<Bounds> {
        let route_points = self.routes.iter().flat_map(|r| {
            r.depot
                .into_iter()
                .chain(r.stops.iter().map(|s| (s.lat, s.lon)))
        });
        Bounds::of(route_points).or_else(|| Bounds::of(self.dots.iter().map(|d| (d.lat, d.lon))))
    }

    /// Draws the map as SVG, equirectangular with the latitude's cosine (distances look right at
    /// Swedish latitudes). Every stop links to its line in the list, so the drawing is a group
    /// (an image's children would be hidden from assistive technology, links included).
    pub fn svg(&self, title: &str) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="group" aria-labelledby="map-title" class="map"><title id="map-title">{}</title><rect width="{W}" height="{H}" fill="#ffffff" stroke="#6b6b6b"/>"##,
            escape(title)
        );
        let Some(b) = self.bounds() else {
            s.push_str("</svg>");
            return s;
        };
        let xy = b.projection();
        if self.show_dots || self.routes.is_empty() {
            for d in &self.dots {
                let (x, y) = xy(d.lat, d.lon);
                if !(0.0..=W).contains(&x) || !(0.0..=H).contains(&y) {
                    continue;
                }
                let (fill, r, opacity) = if d.affected {
                    (AFFECTED, 3.5, 1.0)
                } else {
                    (FAINT, 2.0, 0.6)
                };
                let _ = write!(
                    s,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}" fill-opacity="{opacity}"/>"#
                );
            }
        }
        for r in &self.routes {
            route_svg(&mut s, r, &xy);
        }
        s.push_str("</svg>");
        s
    }
}

fn route_svg(s: &mut String, r: &MapRoute, xy: &impl Fn(f64, f64) -> (f64, f64)) {
    let mut line: Vec<(f64, f64)> = Vec::with_capacity(r.stops.len() + 2);
    line.extend(r.depot);
    line.extend(r.stops.iter().map(|st| (st.lat, st.lon)));
    line.extend(r.depot);
    let pts = line
        .iter()
        .map(|&(lat, lon)| {
            let (x, y) = xy(lat, lon);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let colour = r.colour;
    let _ = write!(
        s,
        r##"<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="3" stroke-opacity="0.8"><title>{}</title></polyline>"##,
        escape(&r.label)
    );
    if let Some((lat, lon)) = r.depot {
        let (x, y) = xy(lat, lon);
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="{colour}" stroke="#1f1f1f" stroke-width="1.5"><title>{}</title></rect>"##,
            x - 6.0,
            y - 6.0,
            escape(&r.label)
        );
    }
    for st in &r.stops {
        let (x, y) = xy(st.lat, st.lon);
        let _ = write!(
            s,
            r##"<a href="#{}"><title>{}</title>{}</a>"##,
            escape(&st.anchor),
            escape(&st.title),
            stop_mark(x, y, st.number, st.mark, st.next, colour)
        );
    }
}

/// A stop's circle with its number, at (x, y).
fn stop_mark(x: f64, y: f64, number: usize, mark: StopMark, next: bool, colour: &str) -> String {
    let r = if next { 12.0 } else { 9.0 };
    let (fill, stroke, text, dash) = match mark {
        StopMark::Planned | StopMark::Booked => (colour, "#ffffff", "#ffffff", ""),
        StopMark::Done => (DONE_GREY, "#ffffff", "#ffffff", ""),
        StopMark::Failed => ("#ffffff", FAILED_RED, FAILED_RED, "3 2"),
        StopMark::Deferred => ("#ffffff", colour, colour, "1 2"),
    };
    let mut s = String::new();
    if mark == StopMark::Booked {
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            r + 3.5
        );
    }
    if next {
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="none" stroke="#1f1f1f" stroke-width="3"/>"##,
            r + 3.0
        );
    }
    let _ = write!(
        s,
        r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}" stroke="{stroke}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{x:.1}" y="{:.1}" font-size="{}" font-weight="bold" text-anchor="middle" fill="{text}">{number}</text>"#,
        y + 3.5,
        if number >= 10 { 9 } else { 11 }
    );
    s
}

/// A mark as the legend shows it, with the first crew's colour.
fn mark_sample(mark: StopMark) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="24" height="24" aria-hidden="true" focusable="false">{}</svg>"#,
        stop_mark(16.0, 16.0, 1, mark, false, CREW_COLOURS[0])
    )
}

const W: f64 = 640.0;
const H: f64 = 480.0;
const PAD: f64 = 24.0;

struct Bounds {
    lat0: f64,
    lat1: f64,
    lon0: f64,
    lon1: f64,
}

impl Bounds {
    fn of(points: impl Iterator<Item = (f64, f64)>) -> Option<Bounds> {
        let mut b = Bounds {
            lat0: f64::MAX,
            lat1: f64::MIN,
            lon0: f64::MAX,
            lon1: f64::MIN,
        };
        for (lat, lon) in points {
            b.lat0 = b.lat0.min(lat);
            b.lat1 = b.lat1.max(lat);
            b.lon0 = b.lon0.min(lon);
            b.lon1 = b.lon1.max(lon);
        }
        (b.lat0 <= b.lat1).then_some(b)
    }

    /// Latitude and longitude to SVG coordinates, centred, with the same scale both ways.
    fn projection(&self) -> impl Fn(f64, f64) -> (f64, f64) + use<> {
        let k = ((self.lat0 + self.lat1) / 2.0).to_radians().cos();
        let span_x = ((self.lon1 - self.lon0) * k).max(1e-4);
        let span_y = (self.lat1 - self.lat0).max(1e-4);
        let scale = ((W - 2.0 * PAD) / span_x).min((H - 2.0 * PAD) / span_y);
        let (mid_lat, mid_lon) = ((self.lat0 + self.lat1) / 2.0, (self.lon0 + self.lon1) / 2.0);
        move |lat, lon| {
            (
                W / 2.0 + (lon - mid_lon) * k * scale,
                H / 2.0 - (lat - mid_lat) * scale,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(n: usize, lat: f64, lon: f64, mark: StopMark) -> MapStop {
        MapStop {
            number: n,
            anchor: format!("stop-{n}"),
            lat,
            lon,
            mark,
            next: n == 2,
            title: format!("{n}. Gata <{n}>"),
        }
    }

    fn town() -> DayMap {
        DayMap {
            routes: vec![MapRoute {
                label: "Lag \"1\" & 2".into(),
                colour: crew_colour(0),
                depot: Some((59.30, 14.50)),
                stops: vec![
                    stop(1, 59.31, 14.51, StopMark::Booked),
                    stop(2, 59.32, 14.52, StopMark::Failed),
                    stop(3, 59.33, 14.50, StopMark::Done),
                ],
            }],
            dots: vec![
                MapDot {
                    lat: 59.315,
                    lon: 14.505,
                    affected: false,
                },
                MapDot {
                    lat: 60.5,
                    lon: 16.0,
                    affected: false,
                },
            ],
            show_dots: true,
        }
    }

    fn circles(svg: &str) -> Vec<(f64, f64)> {
        svg.split("<circle cx=\"")
            .skip(1)
            .map(|c| {
                let x: f64 = c.split('"').next().unwrap().parse().unwrap();
                let y: f64 = c
                    .split("cy=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                (x, y)
            })
            .collect()
    }

    #[test]
    fn the_map_is_fitted_to_the_routes_numbers_the_stops_and_escapes_text() {
        let svg = town().svg("Karta <över> dagen");
        assert!(svg.contains("Karta &lt;över&gt; dagen"));
        assert!(svg.contains("Lag &quot;1&quot; &amp; 2"));
        assert!(svg.contains("2. Gata &lt;2&gt;"));
        for n in 1..=3 {
            assert!(svg.contains(&format!("<a href=\"#stop-{n}\">")), "{n}");
            assert!(svg.contains(&format!(">{n}</text>")), "{n}");
        }
        // The far dot lies outside the day's routes and is left out; every circle drawn is on
        // the map.
        for (x, y) in circles(&svg) {
            assert!((0.0..=W).contains(&x) && (0.0..=H).contains(&y), "{x},{y}");
        }
        assert_eq!(svg.matches("fill-opacity=\"0.6\"").count(), 1);
        // The routes fill the map: the depot and the northernmost stop lie near opposite edges.
        let ys: Vec<f64> = circles(&svg).iter().map(|c| c.1).collect();
        let span = ys.iter().cloned().fold(f64::MIN, f64::max)
            - ys.iter().cloned().fold(f64::MAX, f64::min);
        assert!(span > H / 2.0, "{span}");
    }

    #[test]
    fn dots_are_drawn_on_request_and_alone_when_there_are_no_routes() {
        let mut m = town();
        m.show_dots = false;
        assert!(!m.svg("t").contains("fill-opacity=\"0.6\""));
        assert!(m.dots_attr().starts_with("59.31500,14.50500,r;60.50000"));
        let preview = DayMap {
            routes: Vec::new(),
            dots: vec![
                MapDot {
                    lat: 59.3,
                    lon: 14.5,
                    affected: true,
                },
                MapDot {
                    lat: 59.4,
                    lon: 14.6,
                    affected: false,
                },
            ],
            show_dots: false,
        };
        let v = preview.view("t", None);
        assert!(v.dots_only);
        assert_eq!(v.svg.matches("<circle").count(), 2);
        assert!(DayMap::default().svg("tom").ends_with("</svg>"));
    }

    #[test]
    fn every_mark_has_a_sample_and_a_name() {
        let v = town().view("t", None);
        assert_eq!(v.marks.len(), StopMark::ALL.len());
        for (m, sample) in &v.marks {
            assert!(
                sample.starts_with("<svg") && sample.contains("aria-hidden"),
                "{m:?}"
            );
            for lang in [crate::Lang::Sv, crate::Lang::En] {
                assert_ne!(
                    crate::translate(lang, m.message_key(), &[]),
                    m.message_key()
                );
            }
        }
        assert_eq!(v.crews, vec![("Lag \"1\" & 2".to_owned(), CREW_COLOURS[0])]);
    }
}
