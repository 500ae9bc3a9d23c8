//! What the portal's overview reads across the capabilities' tables: which extension requests
//! are still in play, the next visit to the customer centre, and the meter exchange as the
//! customer has been told of it. Each answer is decided here in SQL, so no status text reaches
//! the portal above the store.

use domain::ids::{ArrangementId, CustomerId, VisitId};
use domain::portal::MeterExchange;
use jiff::civil::Date;

use crate::customers::{CONTACT_COLUMNS, Contact};
use crate::{Result, Store};

/// The overview's list of what needs the customer's attention, as ids and states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    /// Extension requests and plans with the credit officer or approved.
    pub arrangements: Vec<ArrangementId>,
    /// The next visit that holds a time (booked, waiting for confirmation, or offered).
    pub next_visit: Option<VisitId>,
    /// The meter exchange as the customer has been told of it, and the day when one was given.
    pub meter_exchange: Option<(MeterExchange, Option<Date>)>,
}

/// One of the customer's jobs in an open campaign, reduced to what the customer was told.
struct Told {
    /// `notified` or `booked` when the customer was given a day.
    told: Option<MeterExchange>,
    planned_on: Option<Date>,
    deferred: bool,
    done: bool,
}

from_row!(Told, "campaign_jobs", |c| Told {
    told: c.code_opt("told")?,
    planned_on: c.date_opt("planned_on")?,
    deferred: c.get("deferred")?,
    done: c.get("done")?,
});

/// The meter exchange the customer knows of: the first day they were notified of or booked;
/// else "put off at your request" when a job is deferred; else "done" when every job is.
fn meter_exchange(jobs: &[Told]) -> Option<(MeterExchange, Option<Date>)> {
    jobs.iter()
        .find_map(|j| j.told.map(|t| (t, j.planned_on)))
        .or_else(|| {
            jobs.iter()
                .any(|j| j.deferred)
                .then_some((MeterExchange::Deferred, None))
        })
        .or_else(|| {
            (!jobs.is_empty() && jobs.iter().all(|j| j.done)).then_some((MeterExchange::Done, None))
        })
}

pub async fn attention(store: &Store, customer: CustomerId, now: i64) -> Result<Attention> {
    let (arrangements, next_visit, jobs) = with_pool!(store, |pool| {
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
        let j = sqlx::query_as::<_, Told>(
            "SELECT CASE WHEN j.status IN ('notified', 'booked') THEN j.status END AS told, j.planned_on, \
             (j.plannability = 'deferred') AS deferred, (j.status = 'done') AS done \
             FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id \
             JOIN campaigns c ON c.id = j.campaign_id \
             WHERE m.customer_id = $1 AND c.status = 'open' ORDER BY j.planned_on, j.id",
        )
        .bind(customer.get())
        .fetch_all(pool)
        .await?;
        (a, v, j)
    });
    Ok(Attention {
        arrangements: arrangements.into_iter().map(ArrangementId::new).collect(),
        next_visit: next_visit.map(VisitId::new),
        meter_exchange: meter_exchange(&jobs),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn job(told: Option<MeterExchange>, deferred: bool, done: bool) -> Told {
        Told {
            told,
            planned_on: told.map(|_| jiff::civil::date(2026, 12, 1)),
            deferred,
            done,
        }
    }

    #[test]
    fn a_day_told_wins_then_deferral_then_done() {
        assert_eq!(meter_exchange(&[]), None);
        assert_eq!(meter_exchange(&[job(None, false, false)]), None);
        assert_eq!(
            meter_exchange(&[
                job(None, true, false),
                job(Some(MeterExchange::Booked), false, false)
            ]),
            Some((MeterExchange::Booked, Some(jiff::civil::date(2026, 12, 1))))
        );
        assert_eq!(
            meter_exchange(&[job(None, true, false), job(None, false, true)]),
            Some((MeterExchange::Deferred, None))
        );
        assert_eq!(
            meter_exchange(&[job(None, false, true), job(None, false, true)]),
            Some((MeterExchange::Done, None))
        );
        assert_eq!(
            meter_exchange(&[job(None, false, true), job(None, false, false)]),
            None
        );
    }
}
