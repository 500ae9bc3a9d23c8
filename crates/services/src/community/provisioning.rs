//! Provisioning orders to the network operator: the day's order file (JSON or CSV), and
//! delivery to the operator's webhook with retries and an `Idempotency-Key` per order, so a
//! retried delivery is one change at the operator.

use std::time::Duration;

use jiff::civil::Date;
use secrecy::ExposeSecret;
use store::community::upgrades::{self as db, OrderRow};

use super::{Community, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// How the day's order file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderFormat {
    Json,
    Csv,
}

impl OrderFormat {
    pub fn parse(s: &str) -> Option<OrderFormat> {
        match s {
            "json" => Some(OrderFormat::Json),
            "csv" => Some(OrderFormat::Csv),
            _ => None,
        }
    }
}

/// One order as the operator reads it.
#[derive(serde::Serialize)]
struct Wire<'a> {
    idempotency_key: &'a str,
    action: &'a str,
    customer_number: &'a str,
    connection_id: i64,
    speed_mbit: u32,
    effective_on: String,
}

fn wire(o: &OrderRow) -> Wire<'_> {
    Wire {
        idempotency_key: &o.idempotency_key,
        action: o.action.as_str(),
        customer_number: &o.customer_number,
        connection_id: o.subscription_id.get(),
        speed_mbit: o.speed_mbit,
        effective_on: o.effective_on.to_string(),
    }
}

/// The orders as a file: a JSON array, or CSV with one header row.
pub fn order_file(orders: &[OrderRow], format: OrderFormat) -> Result<Vec<u8>> {
    let fail = |e: String| ServiceError::Internal(format!("order file: {e}"));
    match format {
        OrderFormat::Json => {
            let all: Vec<Wire<'_>> = orders.iter().map(wire).collect();
            let mut out = serde_json::to_vec_pretty(&all).map_err(|e| fail(e.to_string()))?;
            out.push(b'\n');
            Ok(out)
        }
        OrderFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for o in orders {
                w.serialize(wire(o)).map_err(|e| fail(e.to_string()))?;
            }
            if orders.is_empty() {
                w.write_record([
                    "idempotency_key",
                    "action",
                    "customer_number",
                    "connection_id",
                    "speed_mbit",
                    "effective_on",
                ])
                .map_err(|e| fail(e.to_string()))?;
            }
            w.into_inner().map_err(|e| fail(e.to_string()))
        }
    }
}

/// Orders delivered per call of [`Community::deliver_orders`].
const DELIVER_BATCH: i64 = 200;

/// Wait before the n-th retry: a minute, doubling, at most an hour.
fn backoff_micros(attempts: u32) -> i64 {
    let minutes = 1i64 << attempts.min(6);
    minutes.min(60) * 60_000_000
}

impl Community {
    /// The orders taking effect on `day` (continuity managers and admins).
    pub async fn orders_on(&self, actor: &Actor, day: Date) -> Result<Vec<OrderRow>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::orders_on(self.s.store(), day).await?)
    }

    /// The latest orders with their delivery state.
    pub async fn recent_orders(&self, actor: &Actor) -> Result<Vec<OrderRow>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::recent_orders(self.s.store(), 50).await?)
    }

    /// Sends orders not yet delivered to the operator's webhook (when one is configured): a
    /// POST of the order as JSON with `Idempotency-Key`; a 2xx answer delivers it, anything else
    /// is retried later. Returns (delivered, failed).
    pub async fn deliver_orders(&self) -> Result<(usize, usize)> {
        let settings = &self.s.settings().provisioning;
        let Some(url) = settings.url.as_deref() else {
            return Ok((0, 0));
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ServiceError::Internal(format!("http client: {e}")))?;
        let store = self.s.store();
        let orders = db::undelivered(store, self.s.now_micros(), DELIVER_BATCH).await?;
        let (mut delivered, mut failed) = (0, 0);
        for o in &orders {
            let mut request = client
                .post(url)
                .header("Idempotency-Key", &o.idempotency_key)
                .json(&wire(o));
            if let Some(token) = &settings.token {
                request = request.bearer_auth(token.expose_secret());
            }
            let outcome = match request.send().await {
                Ok(r) if r.status().is_success() => Ok(()),
                Ok(r) => Err(format!("the operator answered {}", r.status())),
                Err(e) => Err(format!("the operator could not be reached: {e}")),
            };
            let now = self.s.now_micros();
            let mut tx = store.begin().await?;
            match outcome {
                Ok(()) => {
                    delivered += 1;
                    db::record_attempt(&mut tx, o.id, Ok(now)).await?;
                }
                Err(e) => {
                    failed += 1;
                    tracing::warn!(order = o.id.get(), error = %e, "provisioning order not delivered");
                    let next = now + backoff_micros(o.attempts);
                    db::record_attempt(&mut tx, o.id, Err((&e, next))).await?;
                }
            }
            tx.commit().await?;
        }
        Ok((delivered, failed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_up_to_an_hour() {
        assert_eq!(backoff_micros(0), 60_000_000);
        assert_eq!(backoff_micros(1), 120_000_000);
        assert_eq!(backoff_micros(10), 3_600_000_000);
    }
}
