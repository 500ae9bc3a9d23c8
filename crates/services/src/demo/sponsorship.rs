//! The demo town's sponsorship and summer jobs: three clubs in the supplier register with
//! agreements for the year (the first instalment already sent to the payment run, one later
//! instalment's matches cancelled), and next summer's season with its postings and a few hundred
//! applications, closed yesterday, its seed published: ready for the draw.

use domain::role::Role;
use jiff::ToSpan;

use super::names::{FIRST_NAMES, LAST_NAMES};
use super::town::with_luhn;
use crate::community::{AgreementInput, PostingInput};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// Applications in the demo's summer-job season.
const APPLICATIONS: usize = 240;

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

impl Services {
    pub(super) async fn seed_demo_sponsorship(&self) -> Result<()> {
        let manager = Actor {
            role: Some(Role::ContinuityManager),
            name: Role::ContinuityManager.demo_username().into(),
            ..Actor::system()
        };
        let today = self.today();
        let clubs = [
            (
                "Karlskoga Hockeyklubb",
                "80200",
                "4570",
                "600000",
                "4",
                vec!["shirt_logo", "tickets"],
            ),
            (
                "Karlskoga Fotbollsförening",
                "80201",
                "4571",
                "240000",
                "4",
                vec!["signage", "school_visits"],
            ),
            (
                "Karlskoga Simsällskap",
                "80202",
                "4572",
                "60000",
                "2",
                vec!["school_visits"],
            ),
        ];
        let now = self.now_micros();
        let mut ids = Vec::new();
        for (name, org, giro, _, _, _) in &clubs {
            let org = domain::identity::OrgNumber::parse(&with_luhn(&format!("{org}3117")))
                .map_err(internal)?;
            let bankgiro = domain::suppliers::Bankgiro::parse(&with_luhn(&format!("{giro}123")))
                .map_err(internal)?;
            let mut tx = self.store().begin().await?;
            let id = store::suppliers::insert_supplier(
                &mut tx,
                &store::suppliers::NewSupplier {
                    org_number: &org,
                    name,
                    vat_number: None,
                    f_skatt: false,
                    pay_to: &domain::suppliers::PayTo::Bankgiro(bankgiro),
                    municipality: "Karlskoga",
                    is_local: true,
                    size: domain::suppliers::SizeClass::Small,
                    terms_days: 30,
                    active: true,
                    trades: &[domain::suppliers::Trade::Marketing],
                },
                now,
            )
            .await?;
            tx.commit().await?;
            ids.push(id);
        }
        let c = self.community();
        let starts = today.checked_sub(20.days()).map_err(internal)?;
        let ends = starts
            .checked_add(1.year())
            .and_then(|d| d.checked_sub(1.day()))
            .map_err(internal)?;
        let mut agreements = Vec::new();
        for (id, (_, _, _, amount, count, returns)) in ids.iter().zip(&clubs) {
            agreements.push(
                c.make_agreement(
                    &manager,
                    &AgreementInput {
                        supplier_id: id.get().to_string(),
                        starts_on: starts.to_string(),
                        ends_on: ends.to_string(),
                        amount: (*amount).into(),
                        instalments: (*count).into(),
                        returns: returns.iter().map(|r| (*r).to_owned()).collect(),
                        returns_note: String::new(),
                        reason: "Föreningslivet i kommunen; styrelsebeslut om sponsring.".into(),
                    },
                )
                .await?,
            );
        }
        if let Some(first) = agreements.first() {
            c.set_matches_cancelled(&manager, *first, 2, true).await?;
        }
        c.release_instalments(&manager, today).await?;
        self.seed_demo_summer(&manager).await
    }

    /// Next summer's season: six postings (two with evening hours only for those of age), the
    /// applications, closed yesterday, and the seed published.
    async fn seed_demo_summer(&self, manager: &Actor) -> Result<()> {
        let today = self.today();
        let year = i64::from(today.year()) + 1;
        let first = jiff::civil::date(today.year() + 1, 6, 21);
        let closed = today.checked_sub(1.day()).map_err(internal)?;
        let mut tx = self.store().begin().await?;
        store::community::summer::insert_season(
            &mut tx,
            year,
            closed,
            first,
            true,
            self.now_micros(),
        )
        .await?;
        tx.commit().await?;
        let c = self.community();
        let postings = [
            (
                "Vattenverket",
                "Eva Lindqvist",
                "Skötsel av grönytor runt verket",
                "08:00",
                "16:30",
                "6",
            ),
            (
                "Elnätet, driftcentralen",
                "Johan Berg",
                "Kartering av stolpar och skåp",
                "08:00",
                "16:30",
                "4",
            ),
            (
                "Återvinningscentralen",
                "Sara Holm",
                "Hjälpa besökare att sortera rätt",
                "09:00",
                "17:30",
                "8",
            ),
            (
                "Kundcentret",
                "Maria Ek",
                "Svara besökare och hjälpa till med Mina sidor",
                "08:30",
                "16:00",
                "4",
            ),
            (
                "Fjärrvärmeverket, kvällsskift",
                "Anders Nilsson",
                "Tillsyn under kvällsdrift",
                "14:00",
                "22:30",
                "2",
            ),
            (
                "Fibernätet",
                "Lena Sjöberg",
                "Dokumentation av nya anslutningar",
                "15:00",
                "23:00",
                "2",
            ),
        ];
        let mut ids = Vec::new();
        for (workplace, supervisor, description, start, end, places) in postings {
            ids.push(
                c.add_posting(
                    manager,
                    &PostingInput {
                        year,
                        workplace: workplace.into(),
                        supervisor: supervisor.into(),
                        description: description.into(),
                        starts_on: first.to_string(),
                        weeks: "3".into(),
                        start_time: start.into(),
                        end_time: end.into(),
                        break_minutes: "30".into(),
                        days_per_week: "5".into(),
                        places: places.into(),
                        hourly_wage: "118".into(),
                    },
                )
                .await?,
            );
        }
        self.seed_demo_applications(year, first, &ids).await?;
        c.publish_seed(manager, year).await?;
        Ok(())
    }

    /// The season's applications, a quarter of them from each age 16–19, minors with their
    /// guardian's consent.
    async fn seed_demo_applications(
        &self,
        year: i64,
        first: jiff::civil::Date,
        ids: &[domain::ids::PostingId],
    ) -> Result<()> {
        let mut tx = self.store().begin().await?;
        for i in 0..APPLICATIONS {
            let years = 16 + i64::try_from(i % 4).unwrap_or(0);
            let days = i64::try_from((i * 37) % 360).unwrap_or(0);
            let birth = first
                .checked_sub(years.years())
                .and_then(|d| d.checked_sub(days.days()))
                .map_err(internal)?;
            let first_name = FIRST_NAMES[(i * 7) % FIRST_NAMES.len()];
            let last_name = LAST_NAMES[(i * 11) % LAST_NAMES.len()];
            let name = format!("{first_name} {last_name}");
            let email = format!("sommarjobb{i}@example.se");
            let minor = domain::community::summer::age_on(birth, first) < 18;
            let guardian_name = format!(
                "{} {last_name}",
                FIRST_NAMES[(i * 13 + 5) % FIRST_NAMES.len()]
            );
            let guardian_email = format!("vardnadshavare{i}@example.se");
            store::community::summer::insert_application(
                &mut tx,
                &store::community::summer::NewApplication {
                    year,
                    name: &name,
                    birth_date: birth,
                    email: &email,
                    phone: None,
                    first_job: i % 3 != 0,
                    wish_id: (i % 5 == 0).then(|| ids[i % ids.len()]),
                    guardian_name: minor.then_some(guardian_name.as_str()),
                    guardian_email: minor.then_some(guardian_email.as_str()),
                    guardian_consent: minor,
                },
                self.now_micros(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
