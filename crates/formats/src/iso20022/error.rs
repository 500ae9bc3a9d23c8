//! The error every ISO 20022 reader fails with.

/// Why a message could not be read, and where: the 1-based line and column
/// of the element (or of the first bad byte) and the element's path, such as
/// `/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[2]/TxInfAndSts[1]/TxSts`.
/// Repeatable elements carry their 1-based index among equally named
/// siblings; a missing element's path names the element that was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column} {path}: {kind}")]
pub struct ReadError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Element path from the root; empty when the input is not XML at all.
    pub path: String,
    /// What is wrong.
    pub kind: ReadErrorKind,
}

/// What is wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The bytes are not UTF-8.
    #[error("input is not UTF-8")]
    NotUtf8,
    /// The text is not well-formed XML (or holds a DTD).
    #[error("malformed XML: {0}")]
    Xml(roxmltree::Error),
    /// The root element is not an ISO 20022 `Document` of the expected
    /// message in a supported version.
    #[error("unsupported document: root {root:?} in namespace {namespace:?}")]
    UnsupportedDocument {
        /// Local name of the root element.
        root: String,
        /// Namespace of the root element, empty when it has none.
        namespace: String,
    },
    /// A required element is absent.
    #[error("missing element")]
    Missing,
    /// A required attribute is absent.
    #[error("missing attribute {name}")]
    MissingAttribute {
        /// The attribute's name.
        name: &'static str,
    },
    /// An element that must hold text is empty.
    #[error("empty element")]
    Empty,
    /// An amount that is not a non-negative decimal with at most two
    /// decimals, or that does not fit in `i64` öre.
    #[error("bad amount {value:?}")]
    BadAmount {
        /// The text as written.
        value: String,
    },
    /// A date or date-time that does not parse.
    #[error("bad date {value:?}")]
    BadDate {
        /// The text as written.
        value: String,
    },
    /// A credit/debit indicator other than `CRDT` or `DBIT`.
    #[error("bad credit/debit indicator {value:?}")]
    BadIndicator {
        /// The text as written.
        value: String,
    },
    /// A boolean other than `true`, `false`, `1` or `0`.
    #[error("bad boolean {value:?}")]
    BadBoolean {
        /// The text as written.
        value: String,
    },
    /// A payment status code outside the ISO external code sets.
    #[error("unknown status code {code:?}")]
    UnknownStatus {
        /// The code as written.
        code: String,
    },
    /// A transaction status that is neither given nor inherited from its
    /// payment information or group.
    #[error("no status for transaction")]
    NoStatus,
}
