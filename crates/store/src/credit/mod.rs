//! Credit: invoices and payments, BgMax files and the matching queue, reference rates,
//! reminders, charges (fees and interest billed on the next invoice), arrangements (extensions
//! and instalment plans) and the board report.
//!
//! Every row is typed: ids ([`domain::ids`]), money ([`domain::money::Money`]), civil dates and
//! the closed sets of [`domain::credit`]; a stored value the domain does not know is
//! `StoreError::Corrupt` naming table, column and value.

mod arrangements;
mod bgmax;
mod dunning;
mod invoices;
mod rates;

pub use arrangements::*;
pub use bgmax::*;
pub use dunning::*;
pub use invoices::*;
pub use rates::*;

use domain::code::Code;

/// Bound parameters per statement written with `$n` placeholders (see
/// [`crate::backend::MAX_NUMBERED_PARAMS`]).
const CHUNK: usize = crate::backend::MAX_NUMBERED_PARAMS;

/// Rows per multi-row statement with `columns` `$n` parameters a row.
fn rows_per(columns: usize) -> usize {
    (CHUNK / columns).max(1)
}

/// `$from, $from+1, …` for `n` parameters.
fn id_list(n: usize, from: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of codes as SQL literals, `('a', 'b')`: the codes are the closed set's own constants,
/// never input.
fn code_list<T: Code>(codes: &[T]) -> String {
    let quoted: Vec<String> = codes.iter().map(|c| format!("'{}'", c.code())).collect();
    format!("({})", quoted.join(", "))
}

/// A date read outside a row type (a scalar or a tuple), as `StoreError::Corrupt` when it is
/// not one.
fn parse_date(
    table: &'static str,
    column: &'static str,
    s: String,
) -> crate::Result<jiff::civil::Date> {
    s.parse().map_err(|e| crate::StoreError::Corrupt {
        table,
        column,
        message: format!("{s:?} is not a date: {e}"),
    })
}

/// Dates read as text, each checked.
fn parse_dates(
    table: &'static str,
    column: &'static str,
    rows: Vec<String>,
) -> crate::Result<Vec<jiff::civil::Date>> {
    rows.into_iter()
        .map(|s| parse_date(table, column, s))
        .collect()
}
