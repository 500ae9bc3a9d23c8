//! Everything held about one customer (GDPR art. 15), complete by construction.
//!
//! The export is not a hand-kept list of tables: it reads the schema's foreign keys and walks
//! them from `customers`. A table that references a customer's row — directly or through any
//! chain of references (invoices → payments, users → sessions, cases → case entries…) — is
//! exported with every column, so a table added later is in the export the day it is created.
//! Only secrets that would let someone act as the customer are masked ([`MASKED`]).
//! `tests/it/export.rs` fails when a table holds a customer column without a foreign key
//! (which the walk could not see).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

use crate::backend::Backend;
use crate::{Result, Store};

/// Columns shown as masked: credentials and session secrets, not data about the person.
pub const MASKED: &[(&str, &str)] = &[
    ("users", "password_hash"),
    ("users", "totp_secret"),
    ("sessions", "token_hash"),
    ("sessions", "csrf_token"),
    ("api_tokens", "token_hash"),
    ("recovery_codes", "code_hash"),
    ("passkeys", "credential"),
    ("passkey_ceremonies", "state"),
];

/// The text a masked value is replaced with.
pub const MASK: &str = "[skyddat värde]";

/// Rows withheld from the export, as a condition on the table's row, and why
/// (`docs/privacy.md`): the export shows what the portal shows, not staff's notes to each other.
pub const WITHHELD: &[(&str, &str, &str)] = &[(
    "case_entries",
    "kind = 'internal_note'",
    "internal notes between staff, never shown to the customer",
)];

/// What the audit section says instead of a staff member's account name (`docs/privacy.md`):
/// the customer learns that staff acted and what they did, not who (GDPR art. 15(4)); the
/// utility names individuals on request after its own assessment.
pub const STAFF: &str = "[personal]";

/// A foreign key: `table.column` references `ref_table.ref_column`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub table: String,
    pub column: String,
    pub ref_table: String,
    pub ref_column: String,
}

/// One foreign key as the backend's catalogue lists it.
struct FkRow {
    tbl: String,
    col: String,
    ref_tbl: String,
    ref_col: Option<String>,
}

from_row!(FkRow, "foreign keys", |c| FkRow {
    tbl: c.get("tbl")?,
    col: c.get("col")?,
    ref_tbl: c.get("ref_tbl")?,
    ref_col: c.get("ref_col")?,
});

/// Every single-column foreign key of the schema (the migrations table excluded).
pub async fn foreign_keys(store: &Store) -> Result<Vec<ForeignKey>> {
    let rows: Vec<FkRow> = match store.backend() {
        Backend::Sqlite => {
            with_pool!(store, |pool| {
                sqlx::query_as::<_, FkRow>(
                "SELECT m.name AS tbl, f.\"from\" AS col, f.\"table\" AS ref_tbl, f.\"to\" AS ref_col \
                 FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table' ORDER BY m.name, f.\"from\""
            )
            .fetch_all(pool)
            .await?
            })
        }
        Backend::Postgres => {
            with_pool!(store, |pool| {
                sqlx::query_as::<_, FkRow>(
                "SELECT cl.relname::TEXT AS tbl, a.attname::TEXT AS col, rcl.relname::TEXT AS ref_tbl, \
                        ra.attname::TEXT AS ref_col \
                 FROM pg_constraint c \
                 JOIN pg_class cl ON cl.oid = c.conrelid \
                 JOIN pg_class rcl ON rcl.oid = c.confrelid \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                 JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] \
                 WHERE c.contype = 'f' AND pg_table_is_visible(cl.oid) \
                 ORDER BY 1, 2"
            )
            .fetch_all(pool)
            .await?
            })
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| ForeignKey {
            table: r.tbl,
            column: r.col,
            ref_table: r.ref_tbl,
            // SQLite leaves the column out when the key names the primary key.
            ref_column: r.ref_col.unwrap_or_else(|| "id".to_owned()),
        })
        .collect())
}

/// Every column of every table, `(table, column)`, the migrations table excluded.
pub async fn columns(store: &Store) -> Result<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = match store.backend() {
        Backend::Sqlite => {
            with_pool!(store, |pool| {
                sqlx::query_as::<_, (String, String)>(
                "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
                 ORDER BY m.name, c.cid"
            )
            .fetch_all(pool)
            .await?
            })
        }
        Backend::Postgres => {
            with_pool!(store, |pool| sqlx::query_as::<_, (String, String)>(
                "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
                 ORDER BY table_name, ordinal_position"
            )
            .fetch_all(pool)
            .await?)
        }
    };
    Ok(rows)
}

/// The tables reachable from `customers` by following foreign keys backwards, in the order
/// the walk found them (`customers` first).
pub fn customer_tables(fks: &[ForeignKey]) -> Vec<String> {
    let mut order = vec!["customers".to_owned()];
    let mut seen: BTreeSet<String> = order.iter().cloned().collect();
    let mut i = 0;
    while i < order.len() {
        let parent = order[i].clone();
        for fk in fks.iter().filter(|fk| fk.ref_table == parent) {
            if seen.insert(fk.table.clone()) {
                order.push(fk.table.clone());
            }
        }
        i += 1;
    }
    order
}

/// One table's rows about the customer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportTable {
    pub table: String,
    pub rows: Vec<Map<String, Value>>,
}

/// Everything about one customer: the rows of every table reachable from the customer's row
/// by foreign keys, and the audit-log entries made by the customer's accounts or about the
/// customer. Keys are followed to a fixpoint, so a row found through any chain is included.
pub async fn customer_export(
    store: &Store,
    customer_id: domain::ids::CustomerId,
) -> Result<Vec<ExportTable>> {
    let fks = foreign_keys(store).await?;
    let order = customer_tables(&fks);
    let cols = columns(store).await?;
    let has_id: BTreeSet<&str> = cols
        .iter()
        .filter(|(_, c)| c == "id")
        .map(|(t, _)| t.as_str())
        .collect();
    // Values of each referenced column seen in the customer's rows, per table: the walk's state.
    let mut keys: BTreeMap<(String, String), BTreeSet<KeyValue>> = BTreeMap::new();
    keys.entry(("customers".into(), "id".into()))
        .or_default()
        .insert(KeyValue::Int(customer_id.get()));
    let mut rows: BTreeMap<String, Vec<Map<String, Value>>> = BTreeMap::new();
    let mut row_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Repeat until no table gains a row: a row can be reachable by a longer chain.
    loop {
        let mut grew = false;
        for table in &order {
            let conditions: Vec<String> = if table == "customers" {
                vec![format!("id = {customer_id}")]
            } else {
                fks.iter()
                    .filter(|fk| &fk.table == table && order.contains(&fk.ref_table))
                    .filter_map(|fk| {
                        let vals = keys.get(&(fk.ref_table.clone(), fk.ref_column.clone()))?;
                        (!vals.is_empty()).then(|| {
                            format!(
                                "{} IN ({})",
                                quote_ident(&fk.column),
                                vals.iter()
                                    .map(KeyValue::sql)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })
                    })
                    .collect()
            };
            if conditions.is_empty() {
                continue;
            }
            let order_by = if has_id.contains(table.as_str()) {
                " ORDER BY id"
            } else {
                ""
            };
            let withheld: String = WITHHELD
                .iter()
                .filter(|(t, _, _)| t == table)
                .map(|(_, condition, _)| format!(" AND NOT ({condition})"))
                .collect();
            let sql = format!(
                "SELECT * FROM {} WHERE ({}){withheld}{order_by}",
                quote_ident(table),
                conditions.join(" OR ")
            );
            let found = select_json(store, &sql, table).await?;
            let seen = row_ids.entry(table.clone()).or_default();
            for row in found {
                let identity = Value::Object(row.clone()).to_string();
                if !seen.insert(identity) {
                    continue;
                }
                grew = true;
                // Remember every column other tables reference, for the next round.
                for fk in fks.iter().filter(|fk| &fk.ref_table == table) {
                    if let Some(v) = row.get(&fk.ref_column).and_then(KeyValue::from_json) {
                        keys.entry((table.clone(), fk.ref_column.clone()))
                            .or_default()
                            .insert(v);
                    }
                }
                rows.entry(table.clone()).or_default().push(row);
            }
        }
        if !grew {
            break;
        }
    }
    let audit = audit_section(store, customer_id, &keys).await?;

    let mut out: Vec<ExportTable> = order
        .into_iter()
        .map(|table| ExportTable {
            rows: rows.remove(&table).unwrap_or_default(),
            table,
        })
        .collect();
    out.push(ExportTable {
        table: "audit_log".into(),
        rows: audit,
    });
    Ok(out)
}

/// The audit log has no foreign keys (it outlives what it records): the entries made by the
/// customer's accounts (found by the walk) and the entries about the customer record.
async fn audit_section(
    store: &Store,
    customer_id: domain::ids::CustomerId,
    keys: &BTreeMap<(String, String), BTreeSet<KeyValue>>,
) -> Result<Vec<Map<String, Value>>> {
    let users: Vec<String> = keys
        .get(&("users".to_owned(), "id".to_owned()))
        .map(|v| v.iter().map(KeyValue::sql).collect())
        .unwrap_or_default();
    // Staff are named only as staff (the system and the customer's own accounts by name), and
    // no entry carries an address (the column is not read).
    let own = if users.is_empty() {
        "FALSE".to_owned()
    } else {
        format!("actor_user_id IN ({})", users.join(", "))
    };
    let mut audit_sql = format!(
        "SELECT at, CASE WHEN {own} OR actor_user_id IS NULL THEN actor ELSE '{STAFF}' END AS actor, \
         action, object_kind, object_id, outcome, detail FROM audit_log \
         WHERE (object_kind = 'customer' AND object_id = '{customer_id}')"
    );
    if !users.is_empty() {
        audit_sql.push_str(&format!(" OR {own}"));
    }
    audit_sql.push_str(" ORDER BY seq");
    select_json(store, &audit_sql, "audit_log").await
}

/// A key value met in a row: the schema's keys are integers or text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyValue {
    Int(i64),
    Text(String),
}

impl KeyValue {
    fn from_json(v: &Value) -> Option<KeyValue> {
        match v {
            Value::Number(n) => n.as_i64().map(KeyValue::Int),
            Value::String(s) => Some(KeyValue::Text(s.clone())),
            _ => None,
        }
    }

    /// A literal for the next round's `IN` list: values come from the database's own key
    /// columns; text is quoted with doubled quotes.
    fn sql(&self) -> String {
        match self {
            KeyValue::Int(i) => i.to_string(),
            KeyValue::Text(s) => format!("'{}'", s.replace('\'', "''")),
        }
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Runs a `SELECT` and turns each row into a JSON object with every column, whatever its type.
async fn select_json(store: &Store, sql: &str, table: &str) -> Result<Vec<Map<String, Value>>> {
    let masked: Vec<&str> = MASKED
        .iter()
        .filter(|(t, _)| *t == table)
        .map(|(_, c)| *c)
        .collect();
    Ok(with_pool!(store, |pool| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut obj = Map::new();
            for (i, col) in row.columns().iter().enumerate() {
                let name = col.name().to_owned();
                let raw = row.try_get_raw(i)?;
                let value = if raw.is_null() {
                    Value::Null
                } else if masked.contains(&name.as_str()) {
                    Value::String(MASK.into())
                } else {
                    let ty = raw.type_info().name().to_ascii_uppercase();
                    drop(raw);
                    decode(row, i, &ty)?
                };
                obj.insert(name, value);
            }
            out.push(obj);
        }
        out
    }))
}

/// One column's value as JSON, by the type the database reports for it.
fn decode<'r, R>(row: &'r R, i: usize, ty: &str) -> std::result::Result<Value, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(match ty {
        "INTEGER" | "INT8" | "BIGINT" => Value::from(row.try_get_unchecked::<i64, _>(i)?),
        "INT4" | "INT2" | "INT" => Value::from(row.try_get_unchecked::<i32, _>(i)?),
        "REAL" | "FLOAT8" | "FLOAT4" => Value::from(row.try_get_unchecked::<f64, _>(i)?),
        "BOOL" | "BOOLEAN" => Value::from(row.try_get_unchecked::<bool, _>(i)?),
        "BLOB" | "BYTEA" => Value::from(
            row.try_get_unchecked::<Vec<u8>, _>(i)?
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
        ),
        _ => Value::from(row.try_get_unchecked::<String, _>(i)?),
    })
}
