//! What the portal's overview reads across the capabilities' tables: which extension requests
//! are still in play and the next visit to the customer centre, decided here in SQL so no status
//! text reaches the portal above the store. (The meter exchange as the customer was told of it is
//! the campaign's rule: `domain::campaign::exchange_state`.)

use domain::ids::{ArrangementId, CustomerId, VisitId};

use crate::customers::{CONTACT_COLUMNS, Contact};
use crate::{Result, Store};

/// The overview's list of what needs the customer's attention, as ids and states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    /// Extension requests and plans with the credit officer or approved.
    pub arrangements: Vec<ArrangementId>,
    /// The next visit that holds a time (booked, waiting for confirmation, or offered).
    pub next_visit: Option<VisitId>,
}

pub async fn attention(store: &Store, customer: CustomerId, now: i64) -> Result<Attention> {
    let (arrangements, next_visit) = with_pool!(store, |pool| {
        let a = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM arrangements WHERE customer_id = $1 AND status IN ('referred', 'approved') \
             ORDER BY created_at DESC, id DESC",
        )
        .bind(customer.get())
        .fetch_all(pool)
        .await?;
        let v = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM visits WHERE customer_id = $1 AND ends_at > $2 \
             AND status IN ('booked', 'unconfirmed', 'offered') ORDER BY starts_at, id LIMIT 1",
        )
        .bind(customer.get())
        .bind(now)
        .fetch_optional(pool)
        .await?;
        (a, v)
    });
    Ok(Attention {
        arrangements: arrangements.into_iter().map(ArrangementId::new).collect(),
        next_visit: next_visit.map(VisitId::new),
    })
}

/// How to reach a customer, with their choices of language and channel.
pub async fn contact(store: &Store, customer: CustomerId) -> Result<Option<Contact>> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM customers c WHERE c.id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, Contact>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer.get())
    .fetch_optional(pool)
    .await?))
}
