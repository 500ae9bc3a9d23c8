//! The demo town's customer-service cases and team memberships.

use domain::role::Role;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

impl Services {
    /// Team memberships and about thirty cases as they would stand after a week of work: some
    /// answered, some waiting on the customer, some at risk or past their SLA at "now", each
    /// opened through a clock set back to its opening time.
    pub(super) async fn seed_demo_cases(&self, customer_ids: &[i64], seed: u64) -> Result<()> {
        use domain::cases::{CaseSource, CaseStatus, Category, EntryKind};
        let user = |name: &'static str| async move {
            store::users::by_username(self.store(), name)
                .await?
                .ok_or_else(|| ServiceError::Internal(format!("demo account {name} missing")))
        };
        let agent = user(Role::Agent.demo_username()).await?;
        let agent2 = user("agent2").await?;
        let credit = user(Role::CreditOfficer.demo_username()).await?;
        let mut tx = self.store().begin().await?;
        for (u, team) in [
            (agent.id, "kundservice"),
            (agent.id, "fakturering"),
            (agent2.id, "kundservice"),
            (agent2.id, "bredband"),
            (credit.id, "fakturering"),
        ] {
            store::cases::add_member(&mut tx, u.get(), team).await?;
        }
        tx.commit().await?;
        if customer_ids.is_empty() {
            return Ok(());
        }
        let staff = |u: &store::users::UserRow| Actor {
            user_id: Some(u.id),
            name: u.display_name.clone(),
            role: Some(u.role),
            customer_id: None,
            address: "-".into(),
        };
        let customer = |id: i64, name: &str| Actor {
            user_id: None,
            name: name.to_owned(),
            role: Some(Role::Customer),
            customer_id: Some(domain::ids::CustomerId::new(id)),
            address: "-".into(),
        };
        let hours = domain::cases::BusinessHours::default();
        let now = self.now();
        // The instant `minutes` business minutes before now (stepping back a quarter at a time).
        let ago = |minutes: i64| {
            let mut t = now;
            while hours.business_minutes_between(t, now) < minutes {
                t = t
                    .checked_sub(jiff::SignedDuration::from_mins(15))
                    .unwrap_or(t);
            }
            t
        };
        const SAMPLES: &[(Category, &str, &str)] = &[
            (
                Category::Invoice,
                "Fakturan är högre än vanligt",
                "Min novemberfaktura är nästan dubbelt så hög som förra månaden. Stämmer mätarställningen?",
            ),
            (
                Category::Extension,
                "Behöver mer tid att betala",
                "Jag har blivit permitterad och behöver skjuta upp betalningen en månad.",
            ),
            (
                Category::Broadband,
                "Bredbandet är långsamt på kvällarna",
                "Hastigheten sjunker till under 10 Mbit/s efter klockan 19.",
            ),
            (
                Category::Moving,
                "Flyttar till ny adress",
                "Jag flyttar den 15 december och vill flytta elavtalet och bredbandet.",
            ),
            (
                Category::Other,
                "Fråga om fjärrvärme",
                "Går det att ansluta vårt radhus till fjärrvärmenätet?",
            ),
            (
                Category::Invoice,
                "Dubbel betalning",
                "Jag råkade betala samma faktura två gånger. Kan ni betala tillbaka?",
            ),
            (
                Category::Broadband,
                "Router blinkar rött",
                "Routern blinkar rött sedan i morse och vi har inget internet.",
            ),
            (
                Category::Other,
                "Byte av kontaktuppgifter",
                "Jag har nytt telefonnummer, 070-123 45 67.",
            ),
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0063_6173_6573);
        for n in 0..30usize {
            let (category, subject, body) = SAMPLES[n % SAMPLES.len()];
            // Karin (the demo customer) gets the first case; the rest spread over customers.
            let cid = if n == 0 {
                customer_ids[0]
            } else {
                customer_ids[rng.random_range(0..customer_ids.len())]
            };
            let Some(c) =
                store::customers::get(self.store(), domain::ids::CustomerId::new(cid)).await?
            else {
                continue;
            };
            // Ages in business minutes: fresh, at risk (7 h of an 8 h first response), past the
            // first-response target, past the resolution target.
            let age = match n % 5 {
                0 => 30 + 20 * n as i64,
                1 => 7 * 60 + 10,
                2 => 9 * 60 + 30 * (n as i64 % 4),
                3 => 2 * 60,
                _ => 4 * 9 * 60 + 60,
            };
            let opened = ago(age);
            let at = |t: jiff::Timestamp| {
                self.with_clock(std::sync::Arc::new(crate::FixedClock::new(t)))
            };
            let source = match n % 3 {
                0 => CaseSource::Portal,
                1 => CaseSource::Phone,
                _ => CaseSource::Chat,
            };
            let opener = match source {
                CaseSource::Phone => staff(if category == Category::Broadband {
                    &agent2
                } else {
                    &agent
                }),
                _ => customer(c.id.get(), &c.name),
            };
            let id = at(opened)
                .open_case(
                    &opener,
                    crate::cases::NewCase {
                        customer_id: c.id.get(),
                        category,
                        source,
                        subject: subject.to_owned(),
                        body: body.to_owned(),
                        link: None,
                    },
                )
                .await?;
            let worker = match category {
                Category::Broadband => &agent2,
                Category::Invoice | Category::Extension if n % 2 == 0 => &credit,
                _ => &agent,
            };
            let w = staff(worker);
            let later = |mins: i64| hours.add_business_minutes(opened, mins).min(now);
            // Answered cases: Karin's, the fresh ones and the long-running ones (a reply, then
            // waiting for the customer or resolved).
            if n == 0 || n % 5 == 0 || n % 5 == 4 {
                at(later(20))
                    .assign_case(&w, id, Some(worker.id.get()))
                    .await?;
                at(later(25))
                    .add_case_entry(
                        &w,
                        id,
                        EntryKind::InternalNote,
                        "Kollat kundens historik i CIS: inget avvikande.",
                    )
                    .await?;
                at(later(30))
                    .add_case_entry(
                        &w,
                        id,
                        EntryKind::AgentReply,
                        "Tack för ditt meddelande! Vi har tittat på ärendet och återkommer med besked. Hör av dig om något är oklart.",
                    )
                    .await?;
                if n % 5 == 4 {
                    let status = if n % 2 == 0 {
                        CaseStatus::WaitingOnCustomer
                    } else {
                        CaseStatus::Resolved
                    };
                    at(later(60)).set_case_status(&w, id, status).await?;
                }
            } else if n % 5 == 2 {
                at(later(15))
                    .add_case_entry(
                        &w,
                        id,
                        EntryKind::InternalNote,
                        "Väntar på besked från nätavdelningen.",
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
