//! The demo town's customer-service cases and team memberships.

use domain::cases::{BusinessHours, CaseSource, CaseStatus, Category, EntryKind, Team};
use domain::ids::{CaseId, CustomerId};
use domain::role::Role;
use jiff::Timestamp;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::cases::Account;

use crate::cases::NewCase;
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// What the demo's customers write about: category, subject and message.
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

const NOTE_HISTORY: &str = "Kollat kundens historik i CIS: inget avvikande.";
const NOTE_WAITING: &str = "Väntar på besked från nätavdelningen.";
const REPLY: &str = "Tack för ditt meddelande! Vi har tittat på ärendet och återkommer med besked. Hör av dig om något är oklart.";

/// The demo's case workers.
struct Staff {
    agent: Account,
    agent2: Account,
    credit: Account,
}

fn acting(u: &Account) -> Actor {
    Actor {
        user_id: Some(u.id),
        name: u.display_name.clone(),
        role: Some(u.role),
        customer_id: None,
        address: "-".into(),
    }
}

/// The case's age in business minutes: fresh, at risk (7 h of an 8 h first response), past
/// the first-response target, past the resolution target.
fn age(n: usize) -> i64 {
    let n = n as i64;
    match n % 5 {
        0 => 30 + 20 * n,
        1 => 7 * 60 + 10,
        2 => 9 * 60 + 30 * (n % 4),
        3 => 2 * 60,
        _ => 4 * 9 * 60 + 60,
    }
}

impl Services {
    /// Team memberships and about thirty cases as they would stand after a week of work: some
    /// answered, some waiting on the customer, some at risk or past their SLA at "now", each
    /// opened through a clock set back to its opening time.
    pub(super) async fn seed_demo_cases(&self, customer_ids: &[i64], seed: u64) -> Result<()> {
        let staff = self.demo_case_staff().await?;
        if customer_ids.is_empty() {
            return Ok(());
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0063_6173_6573);
        for n in 0..30usize {
            // Karin (the demo customer) gets the first case; the rest spread over customers.
            let cid = if n == 0 {
                customer_ids[0]
            } else {
                customer_ids[rng.random_range(0..customer_ids.len())]
            };
            self.seed_demo_case(&staff, n, CustomerId::new(cid)).await?;
        }
        Ok(())
    }

    /// The demo's case workers, each made a member of their teams.
    async fn demo_case_staff(&self) -> Result<Staff> {
        let user = |name: &'static str| async move {
            store::cases::account_by_username(self.store(), name)
                .await?
                .ok_or_else(|| ServiceError::Internal(format!("demo account {name} missing")))
        };
        let staff = Staff {
            agent: user(Role::Agent.demo_username()).await?,
            agent2: user("agent2").await?,
            credit: user(Role::CreditOfficer.demo_username()).await?,
        };
        let mut tx = self.store().begin().await?;
        for (u, team) in [
            (&staff.agent, Team::Kundservice),
            (&staff.agent, Team::Fakturering),
            (&staff.agent2, Team::Kundservice),
            (&staff.agent2, Team::Bredband),
            (&staff.credit, Team::Fakturering),
        ] {
            store::cases::add_member(&mut tx, u.id, team).await?;
        }
        tx.commit().await?;
        Ok(staff)
    }

    /// These services as if it were `t`.
    fn demo_as_of(&self, t: Timestamp) -> Services {
        self.with_clock(std::sync::Arc::new(crate::FixedClock::new(t)))
    }

    /// The instant `minutes` business minutes before now (stepping back a quarter at a time).
    fn business_minutes_ago(&self, minutes: i64) -> Timestamp {
        let hours = BusinessHours::default();
        let now = self.now();
        let mut t = now;
        while hours.business_minutes_between(t, now) < minutes {
            t = t
                .checked_sub(jiff::SignedDuration::from_mins(15))
                .unwrap_or(t);
        }
        t
    }

    /// Opens the demo's `n`th case for `customer`, through its source, and works it as far as
    /// a case of its age would be.
    async fn seed_demo_case(&self, staff: &Staff, n: usize, customer: CustomerId) -> Result<()> {
        let (category, subject, body) = SAMPLES[n % SAMPLES.len()];
        let Some(c) = store::portal::contact(self.store(), customer).await? else {
            return Ok(());
        };
        let opened = self.business_minutes_ago(age(n));
        let source = match n % 3 {
            0 => CaseSource::Portal,
            1 => CaseSource::Phone,
            _ => CaseSource::Chat,
        };
        let opener = match source {
            CaseSource::Phone if category == Category::Broadband => acting(&staff.agent2),
            CaseSource::Phone => acting(&staff.agent),
            _ => Actor {
                user_id: None,
                name: c.name.clone(),
                role: Some(Role::Customer),
                customer_id: Some(customer),
                address: "-".into(),
            },
        };
        let new = NewCase {
            customer_id: customer,
            category,
            source,
            subject: subject.to_owned(),
            body: body.to_owned(),
            link: None,
        };
        let id = self.demo_as_of(opened).cases().open(&opener, new).await?;
        let worker = match category {
            Category::Broadband => &staff.agent2,
            Category::Invoice | Category::Extension if n.is_multiple_of(2) => &staff.credit,
            _ => &staff.agent,
        };
        self.work_demo_case(worker, n, id, opened).await
    }

    /// Karin's, the fresh and the long-running cases are answered (a note and a reply, then
    /// waiting for the customer or resolved); some others have a note.
    async fn work_demo_case(
        &self,
        worker: &Account,
        n: usize,
        id: CaseId,
        opened: Timestamp,
    ) -> Result<()> {
        let w = acting(worker);
        let now = self.now();
        let later = |mins: i64| {
            let t = BusinessHours::default().add_business_minutes(opened, mins);
            self.demo_as_of(t.min(now))
        };
        if n.is_multiple_of(5) || n % 5 == 4 {
            later(20).cases().assign(&w, id, Some(worker.id)).await?;
            later(25)
                .cases()
                .add_entry(&w, id, EntryKind::InternalNote, NOTE_HISTORY)
                .await?;
            later(30)
                .cases()
                .add_entry(&w, id, EntryKind::AgentReply, REPLY)
                .await?;
            if n % 5 == 4 {
                let status = if n.is_multiple_of(2) {
                    CaseStatus::WaitingOnCustomer
                } else {
                    CaseStatus::Resolved
                };
                later(60).cases().set_status(&w, id, status).await?;
            }
        } else if n % 5 == 2 {
            later(15)
                .cases()
                .add_entry(&w, id, EntryKind::InternalNote, NOTE_WAITING)
                .await?;
        }
        Ok(())
    }
}
