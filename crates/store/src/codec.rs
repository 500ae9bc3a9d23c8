//! The codec between columns and domain types: every row type decodes its columns here, once.
//!
//! Closed sets are stored as their code (`TEXT` with a `CHECK`), money as `BIGINT` öre, ids as
//! `BIGINT`, civil dates as `YYYY-MM-DD`, instants as microseconds UTC. A row type declares how
//! it is read with [`from_row!`], which expands one body for SQLite and one for PostgreSQL, so
//! both are type-checked. A value the domain does not know is an error that names the table, the
//! column and the value ([`crate::StoreError::Corrupt`]), never a silent default.
//!
//! Writing goes the other way by hand: `.bind(status.as_str())`, `.bind(amount.ore())`,
//! `.bind(id.get())`.

use domain::code::{Code, TypedId};
use domain::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::{ColumnIndex, Decode, Row, Type};

/// A stored value that is not what its column promises.
#[derive(Debug, thiserror::Error)]
#[error("{table}.{column} holds {value:?}: {reason}")]
pub struct BadValue {
    pub table: &'static str,
    pub column: &'static str,
    pub value: String,
    pub reason: String,
}

fn bad(table: &'static str, column: &'static str, value: String, reason: String) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(BadValue {
            table,
            column,
            value,
            reason,
        }),
    }
}

/// The columns of one row of `table`, read as domain types.
pub struct Cols<'r, R> {
    row: &'r R,
    table: &'static str,
}

impl<'r, R> Cols<'r, R>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    pub fn new(row: &'r R, table: &'static str) -> Self {
        Cols { row, table }
    }

    /// A column as its plain Rust type (text, numbers, booleans).
    pub fn get<T>(&self, column: &'static str) -> Result<T, sqlx::Error>
    where
        T: Decode<'r, R::Database> + Type<R::Database>,
    {
        self.row.try_get(column)
    }

    /// A closed set's code.
    pub fn code<T: Code>(&self, column: &'static str) -> Result<T, sqlx::Error> {
        let s: String = self.get(column)?;
        self.parse_code(column, s)
    }

    /// A closed set's code that may be `NULL`.
    pub fn code_opt<T: Code>(&self, column: &'static str) -> Result<Option<T>, sqlx::Error> {
        let s: Option<String> = self.get(column)?;
        s.map(|s| self.parse_code(column, s)).transpose()
    }

    fn parse_code<T: Code>(&self, column: &'static str, s: String) -> Result<T, sqlx::Error> {
        T::from_code(&s).ok_or_else(|| {
            let expected: Vec<_> = T::all().iter().map(|v| v.code()).collect();
            bad(
                self.table,
                column,
                s,
                format!("not a {} (expected {})", T::SET, expected.join(", ")),
            )
        })
    }

    /// An amount of money in öre.
    pub fn money(&self, column: &'static str) -> Result<Money, sqlx::Error> {
        self.get::<i64>(column).map(Money::from_ore)
    }

    pub fn money_opt(&self, column: &'static str) -> Result<Option<Money>, sqlx::Error> {
        Ok(self.get::<Option<i64>>(column)?.map(Money::from_ore))
    }

    /// A typed id.
    pub fn id<T: TypedId>(&self, column: &'static str) -> Result<T, sqlx::Error> {
        self.get::<i64>(column).map(T::from_i64)
    }

    pub fn id_opt<T: TypedId>(&self, column: &'static str) -> Result<Option<T>, sqlx::Error> {
        Ok(self.get::<Option<i64>>(column)?.map(T::from_i64))
    }

    /// A civil date stored as `YYYY-MM-DD`.
    pub fn date(&self, column: &'static str) -> Result<Date, sqlx::Error> {
        let s: String = self.get(column)?;
        self.parse_date(column, s)
    }

    pub fn date_opt(&self, column: &'static str) -> Result<Option<Date>, sqlx::Error> {
        let s: Option<String> = self.get(column)?;
        s.map(|s| self.parse_date(column, s)).transpose()
    }

    /// A count stored as `BIGINT` that must fit a `u32` (days, quantities).
    pub fn count(&self, column: &'static str) -> Result<u32, sqlx::Error> {
        let n: i64 = self.get(column)?;
        u32::try_from(n).map_err(|e| bad(self.table, column, n.to_string(), e.to_string()))
    }

    /// A value of a validated type, read from its stored text by `parse`.
    pub fn parsed<T, E: std::fmt::Display>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, sqlx::Error> {
        let s: String = self.get(column)?;
        parse(&s).map_err(|e| bad(self.table, column, s.clone(), e.to_string()))
    }

    /// Like [`Cols::parsed`], for a column that may be empty (NULL or blank).
    pub fn parsed_opt<T, E: std::fmt::Display>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, sqlx::Error> {
        match self.get::<Option<String>>(column)? {
            Some(s) if !s.trim().is_empty() => parse(&s)
                .map(Some)
                .map_err(|e| bad(self.table, column, s.clone(), e.to_string())),
            _ => Ok(None),
        }
    }

    fn parse_date(&self, column: &'static str, s: String) -> Result<Date, sqlx::Error> {
        s.parse::<Date>()
            .map_err(|e| bad(self.table, column, s, format!("not a date: {e}")))
    }

    /// An instant stored as microseconds UTC.
    pub fn instant(&self, column: &'static str) -> Result<Timestamp, sqlx::Error> {
        let micros: i64 = self.get(column)?;
        Timestamp::from_microsecond(micros)
            .map_err(|e| bad(self.table, column, micros.to_string(), e.to_string()))
    }

    pub fn instant_opt(&self, column: &'static str) -> Result<Option<Timestamp>, sqlx::Error> {
        match self.get::<Option<i64>>(column)? {
            None => Ok(None),
            Some(micros) => Timestamp::from_microsecond(micros)
                .map(Some)
                .map_err(|e| bad(self.table, column, micros.to_string(), e.to_string())),
        }
    }
}

/// Declares how a row type is read from a row of `$table`, once for each backend:
///
/// ```text
/// from_row!(CaseRow, "cases", |c| CaseRow {
///     id: c.id("id")?,
///     status: c.code("status")?,
///     subject: c.get("subject")?,
/// });
/// ```
#[macro_export]
macro_rules! from_row {
    ($ty:ty, $table:literal, |$c:ident| $body:expr) => {
        impl<'r> ::sqlx::FromRow<'r, ::sqlx::sqlite::SqliteRow> for $ty {
            fn from_row(row: &'r ::sqlx::sqlite::SqliteRow) -> Result<Self, ::sqlx::Error> {
                let $c = $crate::codec::Cols::new(row, $table);
                Ok($body)
            }
        }

        impl<'r> ::sqlx::FromRow<'r, ::sqlx::postgres::PgRow> for $ty {
            fn from_row(row: &'r ::sqlx::postgres::PgRow) -> Result<Self, ::sqlx::Error> {
                let $c = $crate::codec::Cols::new(row, $table);
                Ok($body)
            }
        }
    };
}
