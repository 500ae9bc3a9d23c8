//! Small XPath-like helpers over `roxmltree` for UBL documents.

use roxmltree::Node;

use super::decimal::Dec;

/// UBL common basic components.
pub const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
/// UBL common aggregate components.
pub const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
/// UBL extension components.
pub const EXT: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2";
/// The Invoice root namespace.
pub const INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
/// The CreditNote root namespace.
pub const CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/// A tree node.
pub type N<'a, 'i> = Node<'a, 'i>;

fn split(step: &str) -> (&'static str, &str) {
    // Called for every element and rule, so no general string search here.
    let prefix_end = match step.as_bytes() {
        [_, _, _, b':', ..] => 3,
        [_, _, b':', ..] => 2,
        _ => return ("", step),
    };
    let ns = match &step[..prefix_end] {
        "cbc" => CBC,
        "cac" => CAC,
        "ext" => EXT,
        "inv" => INVOICE,
        "cn" => CREDIT_NOTE,
        _ => return ("", step),
    };
    (ns, &step[prefix_end + 1..])
}

/// Whether `node` is the element `step` (`"cbc:ID"`, `"cac:Party"`).
pub fn is(node: N<'_, '_>, step: &str) -> bool {
    let (ns, local) = split(step);
    node.is_element()
        && node.tag_name().name() == local
        && node.tag_name().namespace().unwrap_or("") == ns
}

/// Whether `node` is one of `steps`.
pub fn is_any(node: N<'_, '_>, steps: &[&str]) -> bool {
    steps.iter().any(|s| is(node, s))
}

/// The parent element, if the parent is an element.
pub fn parent<'a, 'i: 'a>(node: N<'a, 'i>) -> Option<N<'a, 'i>> {
    node.parent().filter(|p| p.is_element())
}

/// Whether the parent is `step`.
pub fn parent_is(node: N<'_, '_>, step: &str) -> bool {
    parent(node).is_some_and(|p| is(p, step))
}

/// Whether `node` is `steps[last]`, its parent `steps[last-1]`, and so on.
pub fn is_path(node: N<'_, '_>, steps: &[&str]) -> bool {
    let mut current = Some(node);
    for step in steps.iter().rev() {
        match current {
            Some(n) if is(n, step) => current = parent(n),
            _ => return false,
        }
    }
    true
}

/// Child elements named `step`.
pub fn kids<'a, 'i: 'a>(node: N<'a, 'i>, step: &'a str) -> impl Iterator<Item = N<'a, 'i>> + 'a {
    node.children().filter(move |c| is(*c, step))
}

/// The first child element named `step`.
pub fn kid<'a, 'i: 'a>(node: N<'a, 'i>, step: &str) -> Option<N<'a, 'i>> {
    node.children().find(|c| is(*c, step))
}

/// Whether `path` reaches at most one element. An XPath function given
/// more than one item is an error, and an error in a rule context means
/// the context does not match, so contexts that call one check this.
pub fn single(node: N<'_, '_>, path: &str) -> bool {
    all(node, path).len() <= 1
}

/// Whether a child element named `step` exists.
pub fn has(node: N<'_, '_>, step: &str) -> bool {
    kid(node, step).is_some()
}

/// All elements reached from `node` by the relative path `a/b/c`.
pub fn all<'a, 'i: 'a>(node: N<'a, 'i>, path: &str) -> Vec<N<'a, 'i>> {
    let mut current = vec![node];
    for step in path.split('/') {
        let mut next = Vec::new();
        for n in current {
            next.extend(n.children().filter(|c| is(*c, step)));
        }
        current = next;
    }
    current
}

/// The first element reached by `path`.
pub fn first<'a, 'i: 'a>(node: N<'a, 'i>, path: &str) -> Option<N<'a, 'i>> {
    all(node, path).into_iter().next()
}

/// Whether `path` reaches an element.
pub fn exists(node: N<'_, '_>, path: &str) -> bool {
    first(node, path).is_some()
}

/// The XPath string value: all descendant text.
pub fn string(node: N<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text() {
            out.push_str(d.text().unwrap_or(""));
        }
    }
    out
}

/// `normalize-space`.
pub fn normalize(s: &str) -> String {
    s.split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `normalize-space(node)`.
pub fn norm(node: N<'_, '_>) -> String {
    normalize(&string(node))
}

/// `normalize-space(path)` of the first element reached, `""` when none.
pub fn norm_at(node: N<'_, '_>, path: &str) -> String {
    first(node, path).map(norm).unwrap_or_default()
}

/// The string value of the first element reached, `""` when none.
pub fn text_at(node: N<'_, '_>, path: &str) -> String {
    first(node, path).map(string).unwrap_or_default()
}

/// `xs:decimal(node)`.
pub fn dec(node: N<'_, '_>) -> Option<Dec> {
    Dec::parse(&string(node))
}

/// `xs:decimal(path)` of the first element reached.
pub fn dec_at(node: N<'_, '_>, path: &str) -> Option<Dec> {
    first(node, path).and_then(dec)
}

/// `sum(path/xs:decimal(.))`; `None` when one of them is not a decimal.
pub fn sum<'a, 'i: 'a>(nodes: impl IntoIterator<Item = N<'a, 'i>>) -> Option<Dec> {
    let mut total = Dec::ZERO;
    for n in nodes {
        total = total.checked_add(dec(n)?)?;
    }
    Some(total)
}

/// An attribute value.
pub fn attr<'a>(node: N<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute(name)
}

/// `upper-case(normalize-space(s))`.
pub fn upper_norm(s: &str) -> String {
    normalize(s).to_uppercase()
}

/// The position of every element among its same-named siblings (1-based),
/// indexed by node id, computed in one pass so locations stay cheap on
/// large documents.
pub struct Positions(Vec<u32>);

impl Positions {
    /// Count the positions of every element below `root`.
    pub fn new(root: N<'_, '_>) -> Positions {
        let size = root
            .document()
            .descendants()
            .map(|n| n.id().get_usize() + 1)
            .max()
            .unwrap_or(0);
        let mut out = vec![1; size];
        for parent in root.document().descendants().filter(|n| n.is_element()) {
            let mut seen: Vec<(roxmltree::ExpandedName<'_, '_>, u32)> = Vec::new();
            for child in parent.children().filter(|c| c.is_element()) {
                let name = child.tag_name();
                let count = match seen.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        seen.push((name, 1));
                        1
                    }
                };
                out[child.id().get_usize()] = count;
            }
        }
        Positions(out)
    }

    /// An XPath-like location: `/Invoice/cac:TaxTotal[1]/cbc:TaxAmount[1]`.
    pub fn location(&self, node: N<'_, '_>) -> String {
        let mut steps = Vec::new();
        let mut current = Some(node);
        while let Some(n) = current.filter(|n| n.is_element()) {
            let name = n.tag_name().name();
            let prefix = match n.tag_name().namespace() {
                Some(CBC) => "cbc:",
                Some(CAC) => "cac:",
                Some(EXT) => "ext:",
                _ => "",
            };
            match parent(n) {
                None => steps.push(format!("/{prefix}{name}")),
                Some(_) => {
                    let index = self.0.get(n.id().get_usize()).copied().unwrap_or(1);
                    steps.push(format!("/{prefix}{name}[{index}]"));
                }
            }
            current = parent(n);
        }
        steps.reverse();
        steps.concat()
    }
}
