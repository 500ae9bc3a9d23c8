//! Checks on the Rust source itself, read with `syn` (with `proc-macro2`'s span locations), not
//! guessed with patterns: the size rules of issue 13, the words that must not come back, and no
//! IO or clock in the pure crates.
//!
//! Test code is excepted everywhere: files under a `tests` directory, items under
//! `#[cfg(test)]`, and functions marked `#[test]` (or `#[tokio::test]` and the like).

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Most lines of non-test code in one source file.
pub const MAX_FILE_LINES: usize = 1_000;
/// Most lines of one function, from its `fn` line to its closing brace.
pub const MAX_FN_LINES: usize = 120;

/// Identifiers that must not appear outside tests: sentences chosen in code by language, and
/// the transitional untyped refusal (issue 13). Text lives in Fluent files and templates.
pub const BANNED_WORDS: &[&str] = &[
    "label_sv",
    "label_en",
    "message_sv",
    "message_en",
    "summary_sv",
    "Untranslated",
];

/// Identifiers that mean IO or a clock, not allowed in the pure crates (`domain`, `formats`,
/// `planner`) outside tests: time is an input there, and so is every byte.
pub const IMPURE_WORDS: &[&str] = &[
    "SystemTime",
    "Instant",
    "fs",
    "net",
    "env",
    "io",
    "process",
    "thread",
    "File",
    "TcpStream",
    "stdin",
    "stdout",
    "stderr",
    "print",
    "println",
    "eprint",
    "eprintln",
    "dbg",
];

/// The library sources that do no IO and read no clock (their examples and benches are
/// programs, and may).
pub const PURE_CRATES: &[&str] = &[
    "crates/domain/src",
    "crates/formats/src",
    "crates/planner/src",
];

/// A rule broken at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The file has more non-test lines than [`MAX_FILE_LINES`].
    LongFile { lines: usize },
    /// A function is longer than [`MAX_FN_LINES`].
    LongFunction {
        name: String,
        line: usize,
        lines: usize,
    },
    /// A banned identifier, at a line.
    Banned { word: String, line: usize },
    /// IO or a clock read in a pure crate, at a line.
    Impure { what: String, line: usize },
    /// The file is not Rust that `syn` can read.
    Unparsable { message: String },
}

impl Violation {
    /// One line naming the file, where, and what to do.
    pub fn describe(&self, file: &str) -> String {
        match self {
            Violation::LongFile { lines } => format!(
                "{file}: {lines} lines of non-test code (at most {MAX_FILE_LINES}): split it into modules"
            ),
            Violation::LongFunction { name, line, lines } => format!(
                "{file}:{line}: fn {name} is {lines} lines long (at most {MAX_FN_LINES}): split it into named steps"
            ),
            Violation::Banned { word, line } => format!(
                "{file}:{line}: `{word}` outside tests: text comes from Fluent (views::label, views::explain) or a template"
            ),
            Violation::Impure { what, line } => format!(
                "{file}:{line}: `{what}` in a pure crate: no IO and no clock here; take the value (bytes, `now`) as an argument"
            ),
            Violation::Unparsable { message } => format!("{file}: cannot be parsed: {message}"),
        }
    }
}

/// Checks one Rust source file against the size rules and the banned words.
pub fn check_rust(source: &str, banned: &[&str]) -> Vec<Violation> {
    let file = match syn::parse_file(source) {
        Ok(f) => f,
        Err(e) => {
            return vec![Violation::Unparsable {
                message: format!("line {}: {e}", e.span().start().line),
            }];
        }
    };
    let mut walker = Walker::default();
    walker.visit_file(&file);
    let mut out = Vec::new();
    let total = source.lines().count();
    let test_lines: usize = walker.test_ranges.iter().map(|(a, b)| b + 1 - a).sum();
    let lines = total.saturating_sub(test_lines);
    if lines > MAX_FILE_LINES {
        out.push(Violation::LongFile { lines });
    }
    for (name, line, lines) in walker.functions {
        if lines > MAX_FN_LINES {
            out.push(Violation::LongFunction { name, line, lines });
        }
    }
    if let Ok(tokens) = source.parse::<TokenStream>() {
        let mut found = Vec::new();
        banned_idents(tokens, banned, &mut found);
        for (word, line) in found {
            if !walker
                .test_ranges
                .iter()
                .any(|(a, b)| (*a..=*b).contains(&line))
            {
                out.push(Violation::Banned { word, line });
            }
        }
    }
    out
}

/// IO and clock reads in a pure crate's file, outside test code: the identifiers of
/// [`IMPURE_WORDS`] and any call of `now` (`Timestamp::now()`, `Zoned::now()`).
pub fn check_pure(source: &str) -> Vec<Violation> {
    let Ok(file) = syn::parse_file(source) else {
        return Vec::new(); // `check_rust` reports it.
    };
    let mut walker = Walker::default();
    walker.visit_file(&file);
    let Ok(tokens) = source.parse::<TokenStream>() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    impure_tokens(tokens, &mut found);
    found
        .into_iter()
        .filter(|(_, line)| {
            !walker
                .test_ranges
                .iter()
                .any(|(a, b)| (*a..=*b).contains(line))
        })
        .map(|(what, line)| Violation::Impure { what, line })
        .collect()
}

fn impure_tokens(tokens: TokenStream, found: &mut Vec<(String, usize)>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) => {
                let name = id.to_string();
                let called = matches!(
                    tts.get(i + 1),
                    Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis
                );
                if IMPURE_WORDS.contains(&name.as_str()) {
                    found.push((name, id.span().start().line));
                } else if name == "now" && called {
                    found.push(("now()".to_owned(), id.span().start().line));
                }
            }
            TokenTree::Group(g) => impure_tokens(g.stream(), found),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Banned words in a template (askama): whole identifiers, wherever they stand.
pub fn check_template(source: &str, banned: &[&str]) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        for word in line.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if banned.contains(&word) {
                out.push(Violation::Banned {
                    word: word.to_owned(),
                    line: i + 1,
                });
            }
        }
    }
    out
}

fn banned_idents(tokens: TokenStream, banned: &[&str], found: &mut Vec<(String, usize)>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(id) => {
                let name = id.to_string();
                if banned.contains(&name.as_str()) {
                    found.push((name, id.span().start().line));
                }
            }
            TokenTree::Group(g) => banned_idents(g.stream(), banned, found),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Collects the non-test functions with their lengths, and the line ranges of test code.
#[derive(Default)]
struct Walker {
    functions: Vec<(String, usize, usize)>,
    test_ranges: Vec<(usize, usize)>,
}

impl Walker {
    fn function(&mut self, name: String, fn_token: proc_macro2::Span, close: proc_macro2::Span) {
        let first = fn_token.start().line;
        let last = close.end().line;
        self.functions.push((name, first, last + 1 - first));
    }

    /// Records `attrs`' item as test code when it is; returns whether it was.
    fn skip_test(&mut self, attrs: &[syn::Attribute], item: &dyn Spanned) -> bool {
        if !attrs.iter().any(is_test_attr) {
            return false;
        }
        let first = attrs
            .iter()
            .map(|a| a.pound_token.span.start().line)
            .min()
            .unwrap_or_else(|| item.span().start().line);
        self.test_ranges.push((first, item.span().end().line));
        true
    }
}

/// `#[cfg(test)]`, `#[cfg(all(test, …))]`, `#[test]`, `#[tokio::test]`.
fn is_test_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    if path.is_ident("cfg") {
        return match &attr.meta {
            syn::Meta::List(list) => cfg_means_test(list.tokens.clone()),
            _ => false,
        };
    }
    path.segments.last().is_some_and(|s| s.ident == "test")
}

/// Whether a `cfg(…)` predicate holds only in tests: `test`, or `all(…)` with `test` in it.
fn cfg_means_test(tokens: TokenStream) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    match tts.as_slice() {
        [TokenTree::Ident(i)] => i == "test",
        [TokenTree::Ident(i), TokenTree::Group(g)] if i == "all" => g
            .stream()
            .into_iter()
            .any(|t| matches!(&t, TokenTree::Ident(i) if i == "test")),
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !self.skip_test(&m.attrs, m) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_item_impl(self, i);
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if !self.skip_test(&c.attrs, c) {
            syn::visit::visit_item_const(self, c);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if self.skip_test(&f.attrs, f) {
            return;
        }
        self.function(
            f.sig.ident.to_string(),
            f.sig.fn_token.span,
            f.block.brace_token.span.close(),
        );
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if self.skip_test(&f.attrs, f) {
            return;
        }
        self.function(
            f.sig.ident.to_string(),
            f.sig.fn_token.span,
            f.block.brace_token.span.close(),
        );
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if self.skip_test(&f.attrs, f) {
            return;
        }
        if let Some(block) = &f.default {
            self.function(
                f.sig.ident.to_string(),
                f.sig.fn_token.span,
                block.brace_token.span.close(),
            );
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> String {
        (0..n).map(|i| format!("    let _x{i} = {i};\n")).collect()
    }

    /// A function of exactly `lines` lines (the `fn` line and the closing brace included).
    fn function(name: &str, lines: usize) -> String {
        format!("fn {name}() {{\n{}}}\n", body(lines - 2))
    }

    #[test]
    fn a_pure_crate_reads_no_clock_and_does_no_io_outside_tests() {
        let bad = "use std::time::SystemTime;\nfn f() -> i64 {\n    let t = jiff::Timestamp::now();\n    std::fs::read(\"x\").unwrap();\n    0\n}\n";
        let found: Vec<String> = check_pure(bad)
            .iter()
            .map(|v| match v {
                Violation::Impure { what, line } => format!("{what}@{line}"),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(found, ["SystemTime@1", "now()@3", "fs@4"]);
        // A parameter called `now` is an input, and tests may do as they like.
        let fine = "fn due(now: i64) -> i64 { now + 1 }\n#[cfg(test)]\nmod tests {\n    fn t() { let _ = std::time::Instant::now(); }\n}\n";
        assert!(check_pure(fine).is_empty(), "{:?}", check_pure(fine));
    }

    #[test]
    fn a_function_is_measured_from_its_fn_line_to_its_closing_brace() {
        assert!(check_rust(&function("fits", MAX_FN_LINES), &[]).is_empty());
        let v = check_rust(
            &format!("//! Doc.\n\n{}", function("long", MAX_FN_LINES + 1)),
            &[],
        );
        assert_eq!(
            v,
            vec![Violation::LongFunction {
                name: "long".into(),
                line: 3,
                lines: MAX_FN_LINES + 1
            }]
        );
        assert!(
            v[0].describe("a.rs")
                .contains("a.rs:3: fn long is 121 lines")
        );
    }

    #[test]
    fn attributes_and_doc_comments_do_not_count_but_a_long_signature_does() {
        let src = format!(
            "/// Doc.\n/// More.\n#[inline]\nfn f(\n    a: i64,\n    b: i64,\n) {{\n{}}}\n",
            body(MAX_FN_LINES - 4)
        );
        // fn line, two parameter lines, `) {`, the body, `}`.
        let v = check_rust(&src, &[]);
        assert_eq!(
            v,
            vec![Violation::LongFunction {
                name: "f".into(),
                line: 4,
                lines: MAX_FN_LINES + 1
            }]
        );
    }

    #[test]
    fn methods_trait_defaults_and_nested_functions_are_measured() {
        let long = function("inner", MAX_FN_LINES + 3);
        let src = format!(
            "struct S;\nimpl S {{\n{}}}\ntrait T {{\n{}}}\nfn outer() {{\n{long}}}\n",
            function("method", MAX_FN_LINES + 1),
            function("default", MAX_FN_LINES + 2),
        );
        let names: Vec<String> = check_rust(&src, &[])
            .into_iter()
            .filter_map(|v| match v {
                Violation::LongFunction { name, .. } => Some(name),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["method", "default", "outer", "inner"]);
    }

    #[test]
    fn test_code_is_excepted() {
        let long = function("helper", MAX_FN_LINES + 10);
        let src = format!(
            "#[test]\n{}\n#[tokio::test]\nasync {}\n#[cfg(test)]\nmod tests {{\n{long}}}\n#[cfg(all(test, unix))]\n{}",
            function("t1", 200),
            function("t2", 200),
            function("t3", 200)
        );
        assert_eq!(check_rust(&src, &[]), vec![]);
        // `cfg(not(test))` is not test code.
        let src = format!("#[cfg(not(test))]\n{}", function("real", 200));
        assert_eq!(check_rust(&src, &[]).len(), 1);
    }

    #[test]
    fn a_file_counts_its_non_test_lines() {
        let small = function("f", 100);
        let code: String = (0..10)
            .map(|i| small.replace("fn f", &format!("fn f{i}")))
            .collect();
        assert_eq!(code.lines().count(), MAX_FILE_LINES);
        assert!(check_rust(&code, &[]).is_empty());
        let with_tests = format!(
            "{code}#[cfg(test)]\nmod tests {{\n{}}}\n",
            function("t", 500)
        );
        assert!(check_rust(&with_tests, &[]).is_empty());
        let over = format!("{code}const X: i64 = 1;\n");
        assert_eq!(
            check_rust(&over, &[]),
            vec![Violation::LongFile {
                lines: MAX_FILE_LINES + 1
            }]
        );
    }

    #[test]
    fn banned_words_are_identifiers_outside_tests_not_text() {
        let src = "//! Says label_sv in a comment.\n\
                   fn a() -> &'static str { \"label_sv in a string\" }\n\
                   fn b(k: Kind) -> &'static str { k.label_sv() }\n\
                   fn c(p: Problem) -> bool { matches!(p, Problem::Untranslated(_)) }\n\
                   #[cfg(test)]\nmod tests { fn t(k: Kind) { k.summary_sv(); } }\n";
        assert_eq!(
            check_rust(src, BANNED_WORDS),
            vec![
                Violation::Banned {
                    word: "label_sv".into(),
                    line: 3
                },
                Violation::Banned {
                    word: "Untranslated".into(),
                    line: 4
                }
            ]
        );
        assert_eq!(
            check_template(
                "<p>{{ x.message_en() }}</p>\n<p>{{ x.message_english }}</p>",
                BANNED_WORDS
            ),
            vec![Violation::Banned {
                word: "message_en".into(),
                line: 1
            }]
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_reported() {
        let v = check_rust("fn f( {", &[]);
        assert!(matches!(&v[..], [Violation::Unparsable { .. }]), "{v:?}");
    }
}
