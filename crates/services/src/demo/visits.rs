//! The demo town's bookings at the customer centre.

use domain::ids::{CustomerId, SiteId};
use domain::visits::VisitSource;

use crate::error::Result;
use crate::visits::{BookingError, BookingRequest};
use crate::{Actor, Services};

impl Services {
    /// Visits over the coming week as they would stand after days of booking: made through a
    /// clock two days back (so today's early slots are taken too), the first of them at the next
    /// slot from now, so the desk has a visitor to check in.
    pub(super) async fn seed_demo_visits(
        &self,
        site_id: SiteId,
        customer_ids: &[i64],
        seed: u64,
    ) -> Result<()> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x7669_7369_7473);
        let services = store::visits::services(self.store(), site_id).await?;
        if services.is_empty() || customer_ids.is_empty() {
            return Ok(());
        }
        let now = self.now_micros();
        let past = self
            .with_clock(std::sync::Arc::new(crate::FixedClock::new(
                self.now()
                    .saturating_sub(jiff::SignedDuration::from_hours(48))
                    .unwrap_or(self.now()),
            )))
            .visits();
        let today = self.today();
        let system = Actor::system();
        for day_offset in 0..7 {
            let day = today.saturating_add(jiff::Span::new().days(day_offset));
            for n in 0..8 {
                let service = &services[rng.random_range(0..services.len())];
                let (_, slots) = past.availability(site_id, service.id, day, day, 1).await?;
                let slots: Vec<_> = if day_offset == 0 && n == 0 {
                    slots
                        .into_iter()
                        .filter(|s| s.start >= now)
                        .take(1)
                        .collect()
                } else {
                    slots
                };
                if slots.is_empty() {
                    continue;
                }
                let slot = slots[rng.random_range(0..slots.len())];
                let cid = customer_ids[rng.random_range(0..customer_ids.len())];
                let Some(c) = store::customers::get(self.store(), CustomerId::new(cid)).await?
                else {
                    continue;
                };
                let req = BookingRequest {
                    site_id,
                    service_id: service.id,
                    start: slot.start,
                    party: rng.random_range(1..=2),
                    name: c.name.clone(),
                    phone: c.phone.clone().unwrap_or_else(|| "0586-610 00".into()),
                    email: c.email.clone(),
                    language: c.language,
                    customer_id: Some(CustomerId::new(cid)),
                    source: VisitSource::Portal,
                    idempotency_key: None,
                };
                match past.book(&system, &req).await {
                    Ok(_)
                    | Err(BookingError::Full | BookingError::Overlap | BookingError::Invalid(_)) => {
                    }
                    Err(BookingError::Service(e)) => return Err(e),
                }
            }
        }
        Ok(())
    }
}
