//! What every CSV import shares: UTF-8 with an optional byte-order mark, comma or semicolon
//! separated, one header row naming the columns (in any order); a bad value names its line and
//! field; the importer checks every line before it writes, so a file is imported whole or not
//! at all.

use domain::problem::Problem;

use crate::error::ServiceError;

/// What an import did, counted in rows of the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl ImportCounts {
    /// The counts as an audit entry's detail.
    pub(crate) fn detail(&self) -> String {
        format!(
            "inserted={} updated={} unchanged={}",
            self.inserted, self.updated, self.unchanged
        )
    }
}

/// A bad value: its line (the header is line 1), its column, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, field {field}: {problem:?}")]
pub struct LineError {
    pub line: u64,
    pub field: &'static str,
    pub problem: Problem,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is wrong; nothing was imported.
    #[error("{0}")]
    Line(#[from] LineError),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreError> for ImportError {
    fn from(e: store::StoreError) -> Self {
        ImportError::Service(e.into())
    }
}

pub(crate) type ImportResult<T> = std::result::Result<T, ImportError>;

/// One line of a file: its values, read by column name with [`get`]. The values stay in the
/// CSV reader's one buffer per line (a region's register is half a million lines).
pub(crate) struct Row {
    columns: std::sync::Arc<[&'static str]>,
    values: csv::StringRecord,
}

/// The rows of a file as `(line, row)`, after checking the header: every column of
/// `required`, optionally those of `optional`, nothing else, each once.
pub(crate) fn read_csv(
    bytes: &[u8],
    required: &[&'static str],
    optional: &[&'static str],
    not_utf8: Problem,
    header: impl Fn(String) -> Problem,
) -> ImportResult<Vec<(u64, Row)>> {
    let text = std::str::from_utf8(bytes).map_err(|_| LineError {
        line: 1,
        field: "file",
        problem: not_utf8,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = if text.lines().next().is_some_and(|h| h.contains(';')) {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let expected = || {
        let mut all: Vec<&str> = required.to_vec();
        all.extend(optional.iter().copied());
        all.join(",")
    };
    let header_error = || LineError {
        line: 1,
        field: "header",
        problem: header(expected()),
    };
    let headers = reader.headers().map_err(|_| header_error())?.clone();
    let mut columns: Vec<&'static str> = Vec::new();
    for h in headers.iter() {
        let h = h.to_lowercase();
        let known = required
            .iter()
            .chain(optional.iter())
            .find(|c| **c == h)
            .copied()
            .ok_or_else(header_error)?;
        if columns.contains(&known) {
            return Err(header_error().into());
        }
        columns.push(known);
    }
    if !required.iter().all(|c| columns.contains(c)) {
        return Err(header_error().into());
    }
    let columns: std::sync::Arc<[&'static str]> = columns.into();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|_| LineError {
            line,
            field: "row",
            problem: header(expected()),
        })?;
        if rec.iter().all(str::is_empty) {
            continue;
        }
        rows.push((
            line,
            Row {
                columns: columns.clone(),
                values: rec,
            },
        ));
    }
    Ok(rows)
}

/// A row's value in column `k`; empty when the file has no such column.
pub(crate) fn get<'a>(row: &'a Row, k: &str) -> &'a str {
    row.columns
        .iter()
        .position(|c| *c == k)
        .and_then(|i| row.values.get(i))
        .unwrap_or("")
}
