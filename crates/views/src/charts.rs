//! Small SVG charts drawn on the server (pages work without JavaScript): grouped bars with an
//! optional target line, and lines over a zero axis. Each chart is an image with its title and a
//! description naming the table beside it, which holds the same figures.

use std::fmt::Write as _;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 8.0;

/// One series: its CSS class (the colour, with a pattern-free legend) and a value per category.
pub struct Series<'a> {
    pub class: &'a str,
    pub name: &'a str,
    pub values: &'a [f64],
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

fn legend(out: &mut String, series: &[Series<'_>]) {
    for (i, s) in series.iter().enumerate() {
        let x = LEFT + 130.0 * i as f64;
        let _ = write!(
            out,
            "<rect class=\"{}\" x=\"{x}\" y=\"{TOP}\" width=\"10\" height=\"10\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            s.class,
            x + 14.0,
            TOP + 9.0,
            escape(s.name)
        );
    }
}

fn scale(lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let plot_top = TOP + 20.0;
    let plot_bottom = HEIGHT - BOTTOM;
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v: f64| plot_bottom - (v - lo) / span * (plot_bottom - plot_top)
}

/// Grouped bars per category, with a dashed target line when given.
pub fn bars(
    id: &str,
    title: &str,
    desc: &str,
    categories: &[String],
    series: &[Series<'_>],
    target: Option<(f64, &str)>,
) -> String {
    let hi = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .chain(target.map(|t| t.0))
        .fold(0.0_f64, f64::max);
    let y = scale(0.0, hi * 1.1);
    let mut out = String::new();
    open(&mut out, id, title, desc);
    legend(&mut out, series);
    let slot = (WIDTH - LEFT) / categories.len().max(1) as f64;
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
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x0 + slot * 0.4,
            HEIGHT - 6.0,
            escape(name)
        );
    }
    if let Some((t, label)) = target {
        let ty = y(t);
        let _ = write!(
            out,
            "<line class=\"target\" x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            ty - 3.0,
            escape(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Lines over the categories, with the zero axis drawn when the values cross it.
pub fn lines(
    id: &str,
    title: &str,
    desc: &str,
    categories: &[String],
    series: &[Series<'_>],
) -> String {
    let all = || series.iter().flat_map(|s| s.values.iter().copied());
    let hi = all().fold(0.0_f64, f64::max);
    let lo = all().fold(0.0_f64, f64::min);
    let pad = (hi - lo).abs() * 0.1;
    let y = scale(lo - pad, hi + pad);
    let step = (WIDTH - LEFT) / categories.len().max(1) as f64;
    let mut out = String::new();
    open(&mut out, id, title, desc);
    legend(&mut out, series);
    let zero = y(0.0);
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\"/>"
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
    for (i, name) in categories.iter().enumerate().step_by(2) {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            LEFT + step * (i as f64 + 0.5),
            HEIGHT - 6.0,
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_images_with_a_title_and_escaped_text() {
        let svg = bars(
            "d",
            "Dagar <till> betalning",
            "Samma siffror som tabellen",
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
        let l = lines(
            "f",
            "Likviditet",
            "Tabellen",
            &["v1".into(), "v2".into()],
            &[Series {
                class: "s1",
                name: "Prognos",
                values: &[-5.0, 10.0],
            }],
        );
        assert_eq!(l.matches("<polyline").count(), 1);
    }
}
