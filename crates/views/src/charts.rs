//! Small SVG charts drawn on the server (pages work without JavaScript): grouped bars with an
//! optional target line, lines over a zero axis, a burn-up towards a total with its forecast
//! date, and horizontal bars. Every chart has labelled axes with numbers on them and a legend;
//! each is an image with its title and a description naming the table beside it, which holds
//! the same figures.

use std::fmt::Write as _;

use jiff::civil::Date;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 44.0;
const TOP: f64 = 30.0;

/// One series: its CSS class (the colour, with a pattern-free legend) and a value per category.
pub struct Series<'a> {
    pub class: &'a str,
    pub name: &'a str,
    pub values: &'a [f64],
}

/// What the axes say: the unit of the values and what runs along the bottom.
#[derive(Clone, Copy)]
pub struct Axes<'a> {
    pub x: &'a str,
    pub y: &'a str,
}

/// Text for SVG markup, with the characters that could end a text or an attribute escaped.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number as Swedish text: a narrow space between thousands, a decimal comma.
pub fn number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// Round tick marks covering `lo..=hi`: steps of 1, 2 or 5 times a power of ten, about five.
fn ticks(lo: f64, hi: f64) -> (Vec<f64>, usize) {
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() * step;
    let last = (hi / step).ceil() * step;
    let n = ((last - first) / step).round() as usize;
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    (
        (0..=n.max(1)).map(|i| first + step * i as f64).collect(),
        decimals,
    )
}

fn open(out: &mut String, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

/// A legend entry per series along the top: a swatch in the series' class and its name.
fn legend(out: &mut String, entries: &[(&str, &str)]) {
    let mut x = LEFT;
    for (class, name) in entries {
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{x}\" y=\"8\" width=\"12\" height=\"12\"/>\
             <text x=\"{}\" y=\"18\" font-size=\"12\">{}</text>",
            x + 16.0,
            escape(name)
        );
        x += 28.0 + 7.0 * name.chars().count() as f64;
    }
}

/// The vertical scale: grid lines with their numbers, the axis title, and the function from a
/// value to its height.
fn y_axis(out: &mut String, lo: f64, hi: f64, title: &str) -> impl Fn(f64) -> f64 + use<> {
    let (ticks, decimals) = ticks(lo, hi);
    let (t0, t1) = (ticks[0], ticks[ticks.len() - 1]);
    let bottom = HEIGHT - BOTTOM;
    let y = move |v: f64| bottom - (v - t0) / (t1 - t0).max(f64::MIN_POSITIVE) * (bottom - TOP);
    for t in &ticks {
        let ty = y(*t);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            ty + 4.0,
            number(*t, decimals)
        );
    }
    let mid = (TOP + bottom) / 2.0;
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{bottom}\"/>\
         <text transform=\"translate(14 {mid:.1}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
        escape(title)
    );
    y
}

/// The horizontal axis line and its title under the labels.
fn x_axis(out: &mut String, title: &str) {
    let bottom = HEIGHT - BOTTOM;
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{bottom}\" y2=\"{bottom}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
        WIDTH - RIGHT,
        (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 4.0,
        escape(title)
    );
}

fn x_label(out: &mut String, x: f64, text: &str, anchor: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"{anchor}\">{}</text>",
        HEIGHT - BOTTOM + 16.0,
        escape(text)
    );
}

fn entries<'a>(series: &'a [Series<'a>]) -> Vec<(&'a str, &'a str)> {
    series.iter().map(|s| (s.class, s.name)).collect()
}

/// Grouped bars per category, with a dashed target line when given.
pub fn bars(
    id: &str,
    title: &str,
    desc: &str,
    axes: Axes<'_>,
    categories: &[String],
    series: &[Series<'_>],
    target: Option<(f64, &str)>,
) -> String {
    let hi = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .chain(target.map(|t| t.0))
        .fold(0.0_f64, f64::max);
    let mut out = String::new();
    open(&mut out, id, title, desc);
    legend(&mut out, &entries(series));
    let y = y_axis(&mut out, 0.0, hi, axes.y);
    x_axis(&mut out, axes.x);
    let slot = (WIDTH - LEFT - RIGHT) / categories.len().max(1) as f64;
    let bar = (slot * 0.8) / series.len().max(1) as f64;
    for (c, name) in categories.iter().enumerate() {
        let x0 = LEFT + slot * c as f64 + slot * 0.1;
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(c).copied().unwrap_or(0.0);
            let top = y(v);
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                s.class,
                x0 + bar * k as f64,
                bar.max(1.0) - 1.0,
                (y(0.0) - top).max(0.0)
            );
        }
        x_label(&mut out, x0 + slot * 0.4, name, "middle");
    }
    if let Some((t, label)) = target {
        let ty = y(t);
        let _ = write!(
            out,
            "<line class=\"target\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            WIDTH - RIGHT,
            ty - 3.0,
            escape(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Lines over the categories, with the zero line drawn when the values cross it.
pub fn lines(
    id: &str,
    title: &str,
    desc: &str,
    axes: Axes<'_>,
    categories: &[String],
    series: &[Series<'_>],
) -> String {
    let all = || series.iter().flat_map(|s| s.values.iter().copied());
    let hi = all().fold(0.0_f64, f64::max);
    let lo = all().fold(0.0_f64, f64::min);
    let mut out = String::new();
    open(&mut out, id, title, desc);
    legend(&mut out, &entries(series));
    let y = y_axis(&mut out, lo, hi, axes.y);
    x_axis(&mut out, axes.x);
    let step = (WIDTH - LEFT - RIGHT) / categories.len().max(1) as f64;
    let zero = y(0.0);
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\"/>",
        WIDTH - RIGHT
    );
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", LEFT + step * (i as f64 + 0.5), y(*v)))
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"{}\" fill=\"none\" stroke-width=\"2\" points=\"{}\"/>",
            s.class,
            points.join(" ")
        );
    }
    let every = categories.len().div_ceil(8).max(1);
    for (i, name) in categories.iter().enumerate().step_by(every) {
        x_label(&mut out, LEFT + step * (i as f64 + 0.5), name, "middle");
    }
    out.push_str("</svg>");
    out
}

/// One day of a burn-up: done, and done plus planned, by the end of the day.
pub struct BurnDay {
    pub day: Date,
    pub done: usize,
    pub done_and_planned: usize,
}

/// The words of a burn-up: its series' names, the total line's and the forecast's labels.
pub struct BurnWords<'a> {
    pub done: &'a str,
    pub done_and_planned: &'a str,
    pub total: &'a str,
    pub forecast: &'a str,
}

/// A burn-up towards `total` over the days, with the forecast completion date marked on the
/// time axis (which runs on to it when it lies after the last day).
pub fn burn_up(
    id: &str,
    (title, desc): (&str, &str),
    axes: Axes<'_>,
    words: &BurnWords<'_>,
    total: usize,
    days: &[BurnDay],
    forecast: Option<Date>,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    legend(
        &mut out,
        &[
            ("s-done", words.done),
            ("s-planned", words.done_and_planned),
            ("s-total", words.total),
        ],
    );
    let y = y_axis(&mut out, 0.0, total.max(1) as f64, axes.y);
    x_axis(&mut out, axes.x);
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        out.push_str("</svg>");
        return out;
    };
    let end = forecast.map_or(last.day, |f| f.max(last.day));
    let span = (end - first.day).get_days().max(1) as f64;
    let x = |d: Date| LEFT + (WIDTH - LEFT - RIGHT) * ((d - first.day).get_days() as f64 / span);
    let ty = y(total as f64);
    let _ = write!(
        out,
        "<line class=\"s-total\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke-dasharray=\"2 4\"/>",
        WIDTH - RIGHT
    );
    for (class, dash, value) in [
        (
            "s-planned",
            "6 4",
            (|d: &BurnDay| d.done_and_planned) as fn(&BurnDay) -> usize,
        ),
        ("s-done", "", |d: &BurnDay| d.done),
    ] {
        let pts = days
            .iter()
            .map(|d| format!("{:.1},{:.1}", x(d.day), y(value(d) as f64)))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = write!(
            out,
            "<polyline class=\"{class}\" points=\"{pts}\" fill=\"none\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>"
        );
    }
    x_label(&mut out, LEFT, &first.day.to_string(), "start");
    match forecast {
        Some(f) => {
            // The forecast date is a tick on the time axis, named at the top of its line.
            let fx = x(f);
            let _ = write!(
                out,
                "<line class=\"forecast\" x1=\"{fx:.1}\" x2=\"{fx:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
                HEIGHT - BOTTOM + 6.0,
                fx - 4.0,
                TOP + 12.0,
                escape(words.forecast)
            );
            if x(f) - x(last.day) > 80.0 {
                x_label(&mut out, x(last.day), &last.day.to_string(), "middle");
            }
            let anchor = if fx > WIDTH - RIGHT - 40.0 {
                "end"
            } else {
                "middle"
            };
            x_label(&mut out, fx, &f.to_string(), anchor);
        }
        None if days.len() > 1 => x_label(&mut out, x(last.day), &last.day.to_string(), "end"),
        None => {}
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per row (label, value), with a value axis along the bottom.
pub fn hbars(
    id: &str,
    (title, desc): (&str, &str),
    x_title: &str,
    rows: &[(String, f64)],
) -> String {
    let (bar, gap, label_w, right) = (14.0, 6.0, 220.0, 48.0);
    let top = 8.0;
    let plot_h = rows.len() as f64 * (bar + gap);
    let h = top + plot_h + 44.0;
    let hi = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let (ticks, decimals) = ticks(0.0, hi);
    let t1 = ticks[ticks.len() - 1].max(f64::MIN_POSITIVE);
    let x = |v: f64| label_w + (WIDTH - label_w - right) * v / t1;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {h}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    let axis_y = top + plot_h;
    for t in &ticks {
        let tx = x(*t);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{axis_y:.1}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            axis_y + 14.0,
            number(*t, decimals)
        );
    }
    for (i, (label, v)) in rows.iter().enumerate() {
        let yy = top + i as f64 * (bar + gap);
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"11\">{}</text><rect class=\"s1\" x=\"{label_w}\" y=\"{yy:.1}\" width=\"{:.1}\" height=\"{bar}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            yy + bar - 3.0,
            escape(label),
            x(*v) - label_w,
            x(*v) + 4.0,
            yy + bar - 3.0,
            number(*v, 1)
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{label_w}\" x2=\"{label_w}\" y1=\"{top}\" y2=\"{axis_y:.1}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text></svg>",
        (label_w + WIDTH - right) / 2.0,
        h - 6.0,
        escape(x_title)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const AXES: Axes<'static> = Axes {
        x: "Månad",
        y: "Dagar",
    };

    /// The numbers written along the value axis (right-aligned texts).
    fn axis_numbers(svg: &str) -> Vec<String> {
        svg.split("text-anchor=\"end\">")
            .skip(1)
            .map(|t| t.split('<').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn charts_are_images_with_a_title_axes_and_escaped_text() {
        let svg = bars(
            "d",
            "Dagar <till> betalning",
            "Samma siffror som tabellen",
            AXES,
            &["2026-11".into()],
            &[Series {
                class: "s1",
                name: "Lokala",
                values: &[12.0],
            }],
            Some((10.0, "Mål 10")),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"d-title d-desc\""));
        assert!(svg.contains("Dagar &lt;till&gt; betalning"));
        assert!(svg.contains("class=\"target\""));
        assert!(svg.contains(">Månad</text>") && svg.contains(">Dagar</text>"));
        assert!(svg.contains(">Lokala</text>"), "legend");
        let numbers = axis_numbers(&svg);
        assert_eq!(numbers[..4], ["0", "5", "10", "15"], "{numbers:?}");
        let l = lines(
            "f",
            "Likviditet",
            "Tabellen",
            Axes {
                x: "Vecka",
                y: "kr",
            },
            &["v1".into(), "v2".into()],
            &[Series {
                class: "s1",
                name: "Prognos",
                values: &[-5000.0, 12000.0],
            }],
        );
        assert_eq!(l.matches("<polyline").count(), 1);
        let numbers = axis_numbers(&l);
        assert_eq!(
            numbers.first().map(String::as_str),
            Some("−5\u{202f}000"),
            "{numbers:?}"
        );
        assert!(numbers.contains(&"0".to_owned()) && numbers.contains(&"15\u{202f}000".to_owned()));
    }

    #[test]
    fn numbers_and_ticks_are_round() {
        assert_eq!(number(1234567.0, 0), "1\u{202f}234\u{202f}567");
        assert_eq!(number(-0.25, 2), "−0,25");
        assert_eq!(number(-0.0, 0), "0");
        assert_eq!(ticks(0.0, 700.0).0, vec![0.0, 200.0, 400.0, 600.0, 800.0]);
        assert_eq!(
            ticks(0.0, 1.0),
            (vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0], 1)
        );
        assert_eq!(ticks(0.0, 0.0).0, vec![0.0, 0.2]);
    }

    #[test]
    fn the_burn_up_marks_the_forecast_on_its_time_axis() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let words = BurnWords {
            done: "Klara",
            done_and_planned: "Klara + planerade",
            total: "Alla jobb",
            forecast: "Prognos",
        };
        let days = [
            BurnDay {
                day: d("2026-12-01"),
                done: 0,
                done_and_planned: 40,
            },
            BurnDay {
                day: d("2026-12-11"),
                done: 60,
                done_and_planned: 200,
            },
        ];
        let svg = burn_up(
            "b",
            ("Framsteg", "Tabellen"),
            Axes {
                x: "Dag",
                y: "Jobb",
            },
            &words,
            700,
            &days,
            Some(d("2027-02-01")),
        );
        assert!(
            svg.contains(">Prognos</text>") && svg.contains(">2027-02-01</text>"),
            "{svg}"
        );
        assert!(svg.contains("class=\"forecast\""));
        assert!(svg.contains(">2026-12-01</text>") && svg.contains(">2026-12-11</text>"));
        assert_eq!(axis_numbers(&svg)[..2], ["0", "200"]);
        // The forecast lies at the right end of the axis, the last day a sixth of the way.
        let x_of = |needle: &str| -> f64 {
            let before = &svg[..svg.find(needle).unwrap()];
            let x = before.rsplit("x=\"").next().unwrap();
            x.split('"').next().unwrap().parse().unwrap()
        };
        assert!((x_of(">2027-02-01") - (WIDTH - RIGHT)).abs() < 0.5);
        let h = hbars(
            "k",
            ("Km", "Tabellen"),
            "km",
            &[("Lag 1 2026-12-01".into(), 42.5)],
        );
        assert!(h.contains(">42,5</text>") && h.contains(">km</text>") && h.contains(">40</text>"));
    }
}
