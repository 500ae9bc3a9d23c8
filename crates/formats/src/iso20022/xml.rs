//! A small indenting XML writer for the messages this module writes.

/// Builds a UTF-8 XML document with two-space indentation, escaping text
/// and attribute values. Element names are trusted constants.
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// A document with the XML declaration written.
    pub(crate) fn new() -> Self {
        XmlWriter {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    /// Opens `<name>`.
    pub(crate) fn open(&mut self, name: &'static str) {
        self.open_with(name, &[]);
    }

    /// Opens `<name a="v" …>`.
    pub(crate) fn open_with(&mut self, name: &'static str, attributes: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attributes(attributes);
        self.out.push_str(">\n");
        self.open.push(name);
    }

    /// Closes the innermost open element.
    pub(crate) fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
    }

    /// Writes `<name>text</name>`.
    pub(crate) fn leaf(&mut self, name: &'static str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    /// Writes `<name a="v" …>text</name>`.
    pub(crate) fn leaf_with(
        &mut self,
        name: &'static str,
        attributes: &[(&str, &str)],
        text: &str,
    ) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attributes(attributes);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn attributes(&mut self, attributes: &[(&str, &str)]) {
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    /// The document, closing whatever is still open.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped, so it is safe in
/// both text and attribute values.
fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
}

/// Whether XML 1.0 can carry `ch` in a single-line text field: no control
/// characters (not even tab or line breaks) and no non-characters.
pub(crate) fn is_text_char(ch: char) -> bool {
    !(ch.is_control() || ch == '\u{FFFE}' || ch == '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_indents() {
        let mut w = XmlWriter::new();
        w.open_with("Document", &[("xmlns", "urn:x")]);
        w.leaf_with("Amt", &[("Ccy", "S\"K")], "a<b & c>d 'e'");
        w.open("Empty");
        let text = w.finish();
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:x\">\n  \
             <Amt Ccy=\"S&quot;K\">a&lt;b &amp; c&gt;d &apos;e&apos;</Amt>\n  <Empty>\n  \
             </Empty>\n</Document>\n"
        );
    }

    #[test]
    fn text_chars() {
        assert!(is_text_char('å'));
        assert!(!is_text_char('\n'));
        assert!(!is_text_char('\u{0}'));
        assert!(!is_text_char('\u{FFFF}'));
        assert!(!is_text_char('\u{85}'));
    }
}
