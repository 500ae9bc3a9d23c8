//! Shared reading helpers: parsing bytes into a tree, finding elements of
//! the message's namespace, and errors that carry line, column and path.

use roxmltree::{Document, Node, ParsingOptions};

use super::{ReadError, ReadErrorKind, amount};

/// Elements that may repeat among their siblings; their paths carry an
/// index (`TxInfAndSts[2]`) so an error names the one at fault.
const REPEATABLE: &[&str] = &[
    "OrgnlPmtInfAndSts",
    "TxInfAndSts",
    "StsRsnInf",
    "AddtlInf",
    "Ntfctn",
    "Ntry",
    "NtryDtls",
    "TxDtls",
    "Ustrd",
    "Strd",
    "NbOfTxsPerSts",
];

/// Upper bound on the nodes of one message, so hostile input cannot make
/// the tree arbitrarily large.
const NODES_LIMIT: u32 = 5_000_000;

/// Parses `bytes` (UTF-8, an optional byte-order mark) into a tree.
/// Documents with a DTD are refused.
pub(crate) fn parse(bytes: &[u8]) -> Result<Document<'_>, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        ReadError {
            line: saturate(line),
            column: saturate(column),
            path: String::new(),
            kind: ReadErrorKind::NotUtf8,
        }
    })?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
    };
    Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        ReadError {
            line: pos.row,
            column: pos.col,
            path: String::new(),
            kind: ReadErrorKind::Xml(e),
        }
    })
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The root `Document` and its message element (`CstmrPmtStsRpt`, …) when
/// the root's namespace is one of `namespaces`; the index of the matching
/// namespace comes back too.
pub(crate) fn message<'a, 'i>(
    doc: &'a Document<'i>,
    namespaces: &[&str],
    message: &'static str,
) -> Result<(Elem<'a, 'i>, usize), ReadError> {
    let root = doc.root_element();
    let namespace = root.tag_name().namespace().unwrap_or("");
    let version = namespaces.iter().position(|ns| *ns == namespace);
    let Some(version) = version.filter(|_| root.tag_name().name() == "Document") else {
        let elem = Elem {
            node: root,
            namespace,
        };
        return Err(elem.error(ReadErrorKind::UnsupportedDocument {
            root: root.tag_name().name().to_owned(),
            namespace: namespace.to_owned(),
        }));
    };
    let document = Elem {
        node: root,
        namespace,
    };
    Ok((document.require(message)?, version))
}

/// An element of the message's namespace.
#[derive(Clone, Copy)]
pub(crate) struct Elem<'a, 'i> {
    node: Node<'a, 'i>,
    namespace: &'a str,
}

impl<'a, 'i> Elem<'a, 'i> {
    /// Child elements named `name`, in document order.
    pub(crate) fn children(self, name: &'static str) -> impl Iterator<Item = Elem<'a, 'i>> {
        let namespace = self.namespace;
        self.node
            .children()
            .filter(move |n| {
                n.is_element()
                    && n.tag_name().name() == name
                    && n.tag_name().namespace().unwrap_or("") == namespace
            })
            .map(move |node| Elem { node, namespace })
    }

    /// The first child named `name`.
    pub(crate) fn child(self, name: &'static str) -> Option<Elem<'a, 'i>> {
        self.children(name).next()
    }

    /// The element at the end of a chain of first children.
    pub(crate) fn find(self, path: &[&'static str]) -> Option<Elem<'a, 'i>> {
        path.iter().try_fold(self, |elem, name| elem.child(name))
    }

    /// The first child named `name`, or a [`ReadErrorKind::Missing`] error.
    pub(crate) fn require(self, name: &'static str) -> Result<Elem<'a, 'i>, ReadError> {
        self.child(name).ok_or_else(|| self.missing(name))
    }

    /// The element's text without surrounding white space; an error when
    /// there is none.
    pub(crate) fn text(self) -> Result<&'a str, ReadError> {
        let text = self.node.text().unwrap_or("").trim();
        if text.is_empty() || self.node.children().any(|n| n.is_element()) {
            return Err(self.error(ReadErrorKind::Empty));
        }
        Ok(text)
    }

    /// The text of the required child `name`.
    pub(crate) fn text_of(self, name: &'static str) -> Result<String, ReadError> {
        Ok(self.require(name)?.text()?.to_owned())
    }

    /// The text of the optional child `name`.
    pub(crate) fn opt_text_of(self, name: &'static str) -> Result<Option<String>, ReadError> {
        self.child(name)
            .map(|child| child.text().map(str::to_owned))
            .transpose()
    }

    /// The text at the end of an optional chain of first children.
    pub(crate) fn opt_text_at(self, path: &[&'static str]) -> Result<Option<String>, ReadError> {
        self.find(path)
            .map(|elem| elem.text().map(str::to_owned))
            .transpose()
    }

    /// The element's amount in öre and its `Ccy` attribute.
    pub(crate) fn amount(self) -> Result<(i64, String), ReadError> {
        let text = self.text()?;
        let ore = amount::parse(text).ok_or_else(|| {
            self.error(ReadErrorKind::BadAmount {
                value: text.to_owned(),
            })
        })?;
        let currency = self
            .node
            .attribute("Ccy")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| self.error(ReadErrorKind::MissingAttribute { name: "Ccy" }))?;
        Ok((ore, currency.to_owned()))
    }

    /// The element's text as a boolean.
    pub(crate) fn boolean(self) -> Result<bool, ReadError> {
        match self.text()? {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(self.error(ReadErrorKind::BadBoolean {
                value: other.to_owned(),
            })),
        }
    }

    /// The element's date: its `Dt` child, or the date part of its `DtTm`
    /// child as written (the local date of the sender).
    pub(crate) fn date_choice(self) -> Result<Option<jiff::civil::Date>, ReadError> {
        if let Some(dt) = self.child("Dt") {
            return dt.date(false).map(Some);
        }
        self.child("DtTm").map(|dt| dt.date(true)).transpose()
    }

    fn date(self, with_time: bool) -> Result<jiff::civil::Date, ReadError> {
        let text = self.text()?;
        let bad = || {
            self.error(ReadErrorKind::BadDate {
                value: text.to_owned(),
            })
        };
        let date_part = if with_time {
            let (date, time) = text.split_once('T').ok_or_else(bad)?;
            if !is_time(time) {
                return Err(bad());
            }
            date
        } else {
            text
        };
        if date_part.len() != 10 {
            return Err(bad());
        }
        date_part.parse::<jiff::civil::Date>().map_err(|_| bad())
    }

    /// An error located at this element.
    pub(crate) fn error(self, kind: ReadErrorKind) -> ReadError {
        let pos = self.node.document().text_pos_at(self.node.range().start);
        ReadError {
            line: pos.row,
            column: pos.col,
            path: self.path(),
            kind,
        }
    }

    /// A [`ReadErrorKind::Missing`] error for the absent child `name`,
    /// located at this element.
    pub(crate) fn missing(self, name: &str) -> ReadError {
        let mut error = self.error(ReadErrorKind::Missing);
        error.path.push('/');
        error.path.push_str(name);
        error
    }

    /// `/Document/…/Name[n]`, indexing repeatable elements.
    pub(crate) fn path(self) -> String {
        let mut parts: Vec<String> = self
            .node
            .ancestors()
            .filter(|n| n.is_element())
            .map(|n| {
                let name = n.tag_name().name();
                if REPEATABLE.contains(&name) {
                    let index = n
                        .prev_siblings()
                        .filter(|s| s.is_element() && s.tag_name() == n.tag_name())
                        .count();
                    format!("{name}[{index}]")
                } else {
                    name.to_owned()
                }
            })
            .collect();
        parts.reverse();
        let mut path = String::new();
        for part in parts {
            path.push('/');
            path.push_str(&part);
        }
        path
    }
}

/// `hh:mm:ss` with optional fraction and optional `Z` or `±hh:mm`.
fn is_time(text: &str) -> bool {
    let (clock, offset) = text
        .char_indices()
        .skip(8)
        .find(|(_, c)| matches!(c, 'Z' | '+' | '-'))
        .map_or((text, ""), |(i, _)| text.split_at(i));
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let two = |p: &str| p.len() == 2 && digits(p);
    let mut parts = hms.split(':');
    let ok = |part: Option<&str>, max: u32| {
        part.filter(|p| two(p))
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|v| v <= max)
    };
    let offset_ok = match offset.strip_prefix(['+', '-']) {
        Some(rest) => rest
            .split_once(':')
            .is_some_and(|(hours, minutes)| two(hours) && two(minutes)),
        None => offset.is_empty() || offset == "Z",
    };
    ok(parts.next(), 24)
        && ok(parts.next(), 59)
        && ok(parts.next(), 60)
        && parts.next().is_none()
        && digits(fraction)
        && offset_ok
}

#[cfg(test)]
mod tests {
    use super::is_time;

    #[test]
    fn times() {
        for good in [
            "13:15:00",
            "13:15:00+01:00",
            "01:50:15.800+02:00",
            "06:00:00.123",
            "23:59:60Z",
        ] {
            assert!(is_time(good), "{good}");
        }
        for bad in [
            "23:30",
            "1:15:00",
            "13:15:00+1",
            "13:15:00+01:00x",
            "13:15:00.",
            "25:00:00",
            "aa:bb:cc",
            "",
        ] {
            assert!(!is_time(bad), "{bad}");
        }
    }
}
