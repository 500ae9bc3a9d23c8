//! Messages to customers (e-mail, text message, letter), rendered from templates in the
//! recipient's language.
//!
//! A message is a typed value (its data, no text) and one askama template per language under
//! `templates/messages/<capability>/<name>.<sv|en>.txt`, each with three blocks: `subject`,
//! `text` (the plain-text body of an e-mail or letter) and `sms` (at most a few lines). The HTML
//! body of an e-mail or a printed letter is the plain text laid out by the one shared
//! `messages/layout.html` (paragraphs, links made clickable, everything escaped), so a message is
//! written once per language. [`message!`] ties a data type to its two templates.
//!
//! Labels inside a message come from the same Fluent messages the pages use (the filters `sv`
//! and `en` name a message key). Services build the data, render it in the customer's
//! language inside the transaction that makes the change, and queue the [`Rendered`] result in
//! the outbox; nothing here chooses the channel.

pub mod campaign;
pub mod cases;
pub mod community;
pub mod continuity;
pub mod credit;
pub mod modes;
pub mod policy;
pub mod suppliers;
pub mod visits;

use askama::Template;
use domain::customer::Language;

/// Rendering a message failed: a template bug, reported with the message's name.
#[derive(Debug, thiserror::Error)]
#[error("rendering message {name}: {source}")]
pub struct RenderError {
    pub name: &'static str,
    #[source]
    pub source: askama::Error,
}

pub type Result<T, E = RenderError> = std::result::Result<T, E>;

/// A message rendered in one language: what every channel needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// The plain-text body of an e-mail or a letter.
    pub text: String,
    /// The same body as HTML (e-mail alternative, printed letter).
    pub html: String,
    /// The body of a text message.
    pub sms: String,
}

/// A message to a customer that can be rendered in either language.
pub trait CustomerMessage: Send + Sync {
    fn render(&self, lang: Language) -> Result<Rendered>;
}

/// Renders the blocks of one language's template into a [`Rendered`].
pub fn rendered(subject: String, text: String, sms: String) -> Result<Rendered> {
    let subject = subject.trim().to_owned();
    let text = tidy(&text);
    let sms = tidy(&sms);
    let html = Layout {
        subject: &subject,
        paragraphs: paragraphs(&text),
    }
    .render()
    .map_err(|source| RenderError {
        name: "layout",
        source,
    })?;
    Ok(Rendered {
        subject,
        text,
        html,
        sms,
    })
}

#[doc(hidden)]
pub fn template_error(name: &'static str, source: askama::Error) -> RenderError {
    RenderError { name, source }
}

/// Ties a data type to its message templates, one per language, in which the data is `m`:
///
/// ```text
/// message!(CaseOpened, "messages/cases/opened.sv.txt", "messages/cases/opened.en.txt");
/// ```
#[macro_export]
macro_rules! message {
    ($data:ty, $sv:literal, $en:literal) => {
        const _: () = {
            #[allow(unused_imports)]
            use $crate::messages::filters;

            #[derive(::askama::Template)]
            #[template(path = $sv, blocks = ["subject", "text", "sms"])]
            struct Sv<'a> {
                m: &'a $data,
            }

            #[derive(::askama::Template)]
            #[template(path = $en, blocks = ["subject", "text", "sms"])]
            struct En<'a> {
                m: &'a $data,
            }

            impl $crate::messages::CustomerMessage for $data {
                fn render(
                    &self,
                    lang: ::domain::customer::Language,
                ) -> $crate::messages::Result<$crate::messages::Rendered> {
                    use ::askama::Template as _;
                    let e = |e| $crate::messages::template_error($sv, e);
                    match lang {
                        ::domain::customer::Language::Sv => {
                            let t = Sv { m: self };
                            $crate::messages::rendered(
                                t.as_subject().render().map_err(e)?,
                                t.as_text().render().map_err(e)?,
                                t.as_sms().render().map_err(e)?,
                            )
                        }
                        ::domain::customer::Language::En => {
                            let t = En { m: self };
                            $crate::messages::rendered(
                                t.as_subject().render().map_err(e)?,
                                t.as_text().render().map_err(e)?,
                                t.as_sms().render().map_err(e)?,
                            )
                        }
                    }
                }
            }
        };
    };
}

/// Trims each line's trailing space and the whole text, and keeps at most one blank line in a
/// row, so template indentation never reaches the customer.
fn tidy(s: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in s.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// A piece of a paragraph: text, or a link.
pub(crate) enum Piece {
    Text(String),
    Link(String),
}

/// The plain text as paragraphs of lines of pieces, links found by their scheme.
fn paragraphs(text: &str) -> Vec<Vec<Vec<Piece>>> {
    text.split("\n\n")
        .map(|p| {
            p.lines()
                .map(|line| {
                    let mut pieces = Vec::new();
                    let mut rest = line;
                    while let Some(at) = rest.find("https://").or_else(|| rest.find("http://")) {
                        if at > 0 {
                            pieces.push(Piece::Text(rest[..at].to_owned()));
                        }
                        let end = rest[at..]
                            .find(char::is_whitespace)
                            .map_or(rest.len(), |e| at + e);
                        pieces.push(Piece::Link(rest[at..end].to_owned()));
                        rest = &rest[end..];
                    }
                    if !rest.is_empty() {
                        pieces.push(Piece::Text(rest.to_owned()));
                    }
                    pieces
                })
                .collect()
        })
        .collect()
}

#[derive(Template)]
#[template(path = "messages/layout.html")]
struct Layout<'a> {
    subject: &'a str,
    paragraphs: Vec<Vec<Vec<Piece>>>,
}

/// Formatting for templates: labels from the message files, dates and times as a Swedish or
/// English reader expects.
pub mod filters {
    use jiff::civil::Date;

    use crate::Lang;

    /// The Swedish text of a Fluent message (`{{ m.category.message_key()|sv }}`).
    #[askama::filter_fn]
    pub fn sv(key: &str, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::translate(Lang::Sv, key, &[]))
    }

    /// The English text of a Fluent message.
    #[askama::filter_fn]
    pub fn en(key: &str, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::translate(Lang::En, key, &[]))
    }

    const WEEKDAYS_SV: [&str; 7] = [
        "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    ];
    const MONTHS_SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const WEEKDAYS_EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const MONTHS_EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];

    fn parts(d: &Date) -> (usize, usize) {
        (
            usize::from(d.weekday().to_monday_zero_offset().unsigned_abs()),
            usize::from(d.month().unsigned_abs()) - 1,
        )
    }

    /// `tisdag 15 december`.
    #[askama::filter_fn]
    pub fn day_sv(d: &Date, _: &dyn askama::Values) -> askama::Result<String> {
        let (w, m) = parts(d);
        Ok(format!("{} {} {}", WEEKDAYS_SV[w], d.day(), MONTHS_SV[m]))
    }

    /// `Tuesday 15 December`.
    #[askama::filter_fn]
    pub fn day_en(d: &Date, _: &dyn askama::Values) -> askama::Result<String> {
        let (w, m) = parts(d);
        Ok(format!("{} {} {}", WEEKDAYS_EN[w], d.day(), MONTHS_EN[m]))
    }

    /// Minutes after midnight as `HH:MM`.
    #[askama::filter_fn]
    pub fn hhmm(minutes: &i64, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(format!("{:02}:{:02}", minutes / 60, minutes % 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_tidied_and_links_are_found() {
        assert_eq!(tidy("  a  \n\n\n\n b\n c  "), "a\n\n b\n c");
        let p = paragraphs("Boka här: https://x.se/a?b=1 tack\n\nHej");
        assert_eq!(p.len(), 2);
        assert!(matches!(&p[0][0][1], Piece::Link(l) if l == "https://x.se/a?b=1"));
        let r = rendered(
            " Ämne ".into(),
            "Hej <Karin>\n\nLänk: https://x.se/?a=1&b=2".into(),
            "sms".into(),
        )
        .unwrap();
        assert_eq!(r.subject, "Ämne");
        assert!(r.html.contains("Hej &#60;Karin&#62;"), "{}", r.html);
        assert!(
            r.html.contains(r#"<a href="https://x.se/?a=1&#38;b=2">"#),
            "{}",
            r.html
        );
    }
}
