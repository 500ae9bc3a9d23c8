//! Summer jobs for young people: a season with its postings, a public application form (a
//! guardian consents for those under 18), a lottery from a seed published before the draw that
//! anyone can check, placements within the working-time rules for minors, letters to those
//! chosen and not chosen, wages in the ledger (per posting, naming no one), and the applications
//! purged after the season and its retention period.

use std::fmt::Write as _;

use domain::community::summer::{self as rules, ApplicationState, SummerRules};
use domain::community::{CommunityProblem, LedgerCategory, RecipientKind};
use domain::ids::PostingId;
use domain::money::Money;
use domain::problem::Problem;
use domain::role::Role;
use jiff::civil::{Date, Time};
use sha2::{Digest, Sha256};
use store::community::summer::{
    self as db, ApplicationRow, Drawn, NewApplication, NewPosting, PostingRow, SeasonRow,
};
use store::community::{self as ledger, NewEntry};

use super::{Community, count, date, kronor, roles, text};
use crate::Actor;
use crate::error::{Result, ServiceError};

const RULES_KEY: &str = "community.summer";

/// A season as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeasonInput {
    pub year: String,
    pub apply_until: String,
    pub first_day: String,
    pub priority_first_job: bool,
}

/// A posting as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostingInput {
    pub year: i64,
    pub workplace: String,
    pub supervisor: String,
    pub description: String,
    pub starts_on: String,
    pub weeks: String,
    /// `HH:MM`.
    pub start_time: String,
    pub end_time: String,
    pub break_minutes: String,
    pub days_per_week: String,
    pub places: String,
    /// Kronor an hour.
    pub hourly_wage: String,
}

/// An application as typed in on the public form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplicationInput {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub email: String,
    pub phone: String,
    /// Has not had a summer job with the company before.
    pub first_job: bool,
    /// The id of the posting wished for, or empty.
    pub wish: String,
    pub guardian_name: String,
    pub guardian_email: String,
    pub guardian_consent: bool,
}

/// A posting with whether minors may work its hours (and if not, the rule it breaks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostingLine {
    pub posting: PostingRow,
    pub for_minors: std::result::Result<(), CommunityProblem>,
}

/// A season for staff: its postings and how many have applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeasonView {
    pub season: SeasonRow,
    pub postings: Vec<PostingLine>,
    pub applications: i64,
}

/// One line of the published draw (no names).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DrawLine {
    pub reference: String,
    pub priority: bool,
    /// The ticket, in hexadecimal, anyone can recompute from the seed and the reference.
    pub ticket: String,
    pub rank: u32,
    pub chosen: bool,
}

/// The published draw of a season.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedDraw {
    pub season: SeasonRow,
    pub lines: Vec<DrawLine>,
    /// SHA-256 of the result (`reference;rank;state;posting` lines, in draw order).
    pub digest: String,
}

/// What a draw did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DrawOutcome {
    pub chosen: u32,
    pub not_chosen: u32,
    pub digest: String,
}

fn email<'a>(field: &'static str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ServiceError::invalid(field, Problem::Required));
    }
    if v.len() > 200 || !v.contains('@') || v.contains(char::is_whitespace) {
        return Err(ServiceError::invalid(
            field,
            domain::suppliers::SupplierProblem::BadEmail,
        ));
    }
    Ok(v)
}

fn time(field: &'static str, value: &str) -> Result<Time> {
    value
        .trim()
        .parse::<Time>()
        .map_err(|_| ServiceError::invalid(field, CommunityProblem::HoursInvalid))
}

/// The digest of a draw's result.
fn digest(applications: &[ApplicationRow]) -> String {
    let mut lines: Vec<&ApplicationRow> = applications.iter().collect();
    lines.sort_by_key(|a| (a.draw_rank, a.id));
    let mut text = String::new();
    for a in lines {
        let _ = writeln!(
            text,
            "{};{};{};{}",
            a.reference(),
            a.draw_rank.unwrap_or(0),
            a.state.as_str(),
            a.posting_id.map_or(0, |p| p.get())
        );
    }
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Community {
    /// The rules for summer jobs (the defaults until an admin saves others).
    pub async fn summer_rules(&self) -> Result<SummerRules> {
        match store::settings::get(self.s.store(), RULES_KEY).await? {
            None => Ok(SummerRules::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| ServiceError::Internal(format!("summer-job rules: {e}"))),
        }
    }

    /// Saves the rules for summer jobs as typed in (admins): each value a whole number at its
    /// field.
    pub async fn save_summer_rules_input(&self, actor: &Actor, v: &[(&str, &str)]) -> Result<()> {
        Self::require(actor, &[Role::Admin])?;
        let get = |field: &'static str, max: i64| -> Result<u32> {
            let raw = v.iter().find(|(k, _)| *k == field).map_or("", |(_, x)| *x);
            u32::try_from(count(field, raw, 0, max)?)
                .map_err(|_| ServiceError::invalid(field, Problem::NotANumber))
        };
        let r = SummerRules {
            min_age: get("min_age", 30)?,
            max_age: get("max_age", 30)?,
            minor_age: get("minor_age", 18)?,
            night_from_hour: get("night_from_hour", 24)?,
            night_until_hour: get("night_until_hour", 12)?,
            max_hours_day: get("max_hours_day", 24)?,
            max_hours_week: get("max_hours_week", 168)?,
            retention_days: get("retention_days", 3650)?,
        };
        self.save_summer_rules(actor, &r).await
    }

    /// Saves the rules for summer jobs (admins), audited.
    pub async fn save_summer_rules(&self, actor: &Actor, r: &SummerRules) -> Result<()> {
        Self::require(actor, &[Role::Admin])?;
        r.validate()
            .map_err(|e| ServiceError::invalid("rules", e))?;
        let json = serde_json::to_string(r)
            .map_err(|e| ServiceError::Internal(format!("summer-job rules: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        store::settings::set(&mut tx, RULES_KEY, &json).await?;
        self.audit(&mut tx, actor, "summer_rules", "settings", 0, &json)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a season for applications.
    pub async fn open_season(&self, actor: &Actor, input: &SeasonInput) -> Result<i64> {
        Self::require(actor, roles::DECIDE)?;
        let today = self.s.today();
        let year = count("year", &input.year, i64::from(today.year()), 2100)?;
        let apply_until = date("apply_until", &input.apply_until)?;
        let first_day = date("first_day", &input.first_day)?;
        if apply_until < today {
            return Err(ServiceError::invalid("apply_until", Problem::InThePast));
        }
        if first_day <= apply_until {
            return Err(ServiceError::invalid(
                "first_day",
                CommunityProblem::PeriodBackwards,
            ));
        }
        let mut tx = self.s.store().begin().await?;
        if !db::insert_season(
            &mut tx,
            year,
            apply_until,
            first_day,
            input.priority_first_job,
            self.s.now_micros(),
        )
        .await?
        {
            return Err(ServiceError::invalid(
                "year",
                CommunityProblem::SeasonExists,
            ));
        }
        self.audit(
            &mut tx,
            actor,
            "summer_season_opened",
            "summer_season",
            year,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(year)
    }

    async fn season_row(&self, year: i64) -> Result<SeasonRow> {
        db::season(self.s.store(), year)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Adds a posting to a season not yet drawn. Hours outside the rules for minors are
    /// allowed: only applicants of age are placed there.
    pub async fn add_posting(&self, actor: &Actor, input: &PostingInput) -> Result<PostingId> {
        Self::require(actor, roles::DECIDE)?;
        let season = self.season_row(input.year).await?;
        if season.drawn_at.is_some() {
            return Err(ServiceError::conflict(CommunityProblem::AlreadyDrawn));
        }
        let workplace = text("workplace", &input.workplace, 200)?;
        let supervisor = text("supervisor", &input.supervisor, 200)?;
        let description = input.description.trim();
        if description.chars().count() > 2000 {
            return Err(ServiceError::invalid(
                "description",
                Problem::TooLong { max: 2000 },
            ));
        }
        let starts_on = date("starts_on", &input.starts_on)?;
        if starts_on < season.first_day {
            return Err(ServiceError::invalid(
                "starts_on",
                CommunityProblem::PeriodBackwards,
            ));
        }
        let weeks = count("weeks", &input.weeks, 1, 12)?;
        let hours = rules::Hours {
            start: time("start_time", &input.start_time)?,
            end: time("end_time", &input.end_time)?,
            break_minutes: u32::try_from(count("break_minutes", &input.break_minutes, 0, 240)?)
                .unwrap_or(0),
            days_per_week: u32::try_from(count("days_per_week", &input.days_per_week, 1, 7)?)
                .unwrap_or(5),
        };
        hours
            .validate()
            .map_err(|e| ServiceError::invalid("end_time", e))?;
        let places = count("places", &input.places, 1, 10_000)?;
        let wage = kronor("hourly_wage", &input.hourly_wage)?;
        let mut tx = self.s.store().begin().await?;
        let id = db::insert_posting(
            &mut tx,
            &NewPosting {
                year: season.year,
                workplace,
                supervisor,
                description,
                starts_on,
                weeks: u32::try_from(weeks).unwrap_or(1),
                hours,
                places: u32::try_from(places).unwrap_or(1),
                hourly_wage: wage,
            },
            self.s.now_micros(),
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "summer_posting",
            "summer_posting",
            id.get(),
            workplace,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every season (continuity managers, admins).
    pub async fn seasons(&self, actor: &Actor) -> Result<Vec<SeasonRow>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::seasons(self.s.store()).await?)
    }

    async fn lines(&self, postings: Vec<PostingRow>) -> Result<Vec<PostingLine>> {
        let r = self.summer_rules().await?;
        Ok(postings
            .into_iter()
            .map(|p| PostingLine {
                for_minors: p.hours().check_minor(&r),
                posting: p,
            })
            .collect())
    }

    /// A season with its postings and the number of applications.
    pub async fn season(&self, actor: &Actor, year: i64) -> Result<SeasonView> {
        Self::require(actor, roles::DECIDE)?;
        let season = self.season_row(year).await?;
        let store = self.s.store();
        Ok(SeasonView {
            postings: self.lines(db::postings(store, year).await?).await?,
            applications: db::application_count(store, year).await?,
            season,
        })
    }

    /// A season's applications with names (continuity managers, admins), in draw order once
    /// drawn.
    pub async fn summer_applications(
        &self,
        actor: &Actor,
        year: i64,
    ) -> Result<Vec<ApplicationRow>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::applications(self.s.store(), year).await?)
    }

    /// The season open for applications today, with its postings (the public form).
    pub async fn open_for_applications(&self) -> Result<Option<(SeasonRow, Vec<PostingLine>)>> {
        let today = self.s.today();
        let Some(season) = db::seasons(self.s.store())
            .await?
            .into_iter()
            .find(|s| s.apply_until >= today && s.drawn_at.is_none())
        else {
            return Ok(None);
        };
        let postings = self
            .lines(db::postings(self.s.store(), season.year).await?)
            .await?;
        Ok(Some((season, postings)))
    }

    /// Takes in an application from the public form and sends a receipt with its reference.
    pub async fn apply_for_summer_job(
        &self,
        actor: &Actor,
        input: &ApplicationInput,
    ) -> Result<String> {
        let Some((season, postings)) = self.open_for_applications().await? else {
            return Err(ServiceError::conflict(CommunityProblem::NoSeason));
        };
        let name = text("name", &input.name, 200)?;
        let birth = date("birth_date", &input.birth_date)?;
        let r = self.summer_rules().await?;
        let minor = rules::eligibility(birth, season.first_day, &r)
            .map_err(|e| ServiceError::invalid("birth_date", e))?;
        let address = email("email", &input.email)?.to_lowercase();
        let phone = Some(input.phone.trim()).filter(|p| !p.is_empty());
        if phone.is_some_and(|p| {
            p.len() > 30
                || !p
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'))
        }) {
            return Err(ServiceError::invalid("phone", Problem::NotANumber));
        }
        let wish = match input.wish.trim() {
            "" => None,
            w => {
                let id = w.parse::<i64>().ok().map(PostingId::new);
                let Some(id) = id.filter(|id| postings.iter().any(|p| p.posting.id == *id)) else {
                    return Err(ServiceError::invalid(
                        "wish",
                        CommunityProblem::UnknownPosting,
                    ));
                };
                Some(id)
            }
        };
        let (guardian_name, guardian_email) = if minor {
            let n = text("guardian_name", &input.guardian_name, 200)?;
            let e = email("guardian_email", &input.guardian_email)?;
            if !input.guardian_consent {
                return Err(ServiceError::invalid(
                    "guardian_consent",
                    CommunityProblem::ConsentMissing,
                ));
            }
            (Some(n), Some(e))
        } else {
            (None, None)
        };
        let mut tx = self.s.store().begin().await?;
        let Some(id) = db::insert_application(
            &mut tx,
            &NewApplication {
                year: season.year,
                name,
                birth_date: birth,
                email: &address,
                phone,
                first_job: input.first_job,
                wish_id: wish,
                guardian_name,
                guardian_email,
                guardian_consent: minor && input.guardian_consent,
            },
            self.s.now_micros(),
        )
        .await?
        else {
            return Err(ServiceError::invalid(
                "email",
                CommunityProblem::AlreadyApplied,
            ));
        };
        let reference = db::reference(season.year, id);
        let receipt = views::messages::community::SummerLetter {
            name: name.to_owned(),
            reference: reference.clone(),
            year: season.year,
            apply_until: season.apply_until,
            kind: views::messages::community::SummerLetterKind::Received,
        };
        self.email(
            &mut tx,
            &address,
            &receipt,
            format!("summer:{}:{}:received", season.year, id.get()),
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "summer_applied",
            "summer_application",
            id.get(),
            &reference,
        )
        .await?;
        tx.commit().await?;
        Ok(reference)
    }

    /// Publishes the season's seed (random, 128 bits in hexadecimal), once: it cannot change
    /// afterwards, and the draw needs it.
    pub async fn publish_seed(&self, actor: &Actor, year: i64) -> Result<String> {
        Self::require(actor, roles::DECIDE)?;
        let bytes: [u8; 16] = rand::random();
        let seed = hex::encode(bytes);
        let mut tx = self.s.store().begin().await?;
        if !db::publish_seed(&mut tx, year, &seed, &actor.name, self.s.now_micros()).await? {
            return Err(match db::season_in(&mut tx, year).await? {
                None => ServiceError::NotFound,
                Some(_) => ServiceError::conflict(CommunityProblem::SeedPublished),
            });
        }
        self.audit(&mut tx, actor, "summer_seed", "summer_season", year, &seed)
            .await?;
        tx.commit().await?;
        Ok(seed)
    }

    /// Makes the draw, once, after applications have closed: the order from the published seed,
    /// placements in that order within the rules for minors, the wages of each posting in the
    /// ledger. The same seed and applications always give the same result.
    pub async fn draw(&self, actor: &Actor, year: i64) -> Result<DrawOutcome> {
        Self::require(actor, roles::DECIDE)?;
        let r = self.summer_rules().await?;
        let today = self.s.today();
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let season = db::season_in(&mut tx, year)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let Some(seed) = season.seed.clone() else {
            return Err(ServiceError::conflict(CommunityProblem::SeedMissing));
        };
        if season.drawn_at.is_some() {
            return Err(ServiceError::conflict(CommunityProblem::AlreadyDrawn));
        }
        if today <= season.apply_until {
            return Err(ServiceError::conflict(CommunityProblem::ApplicationsOpen));
        }
        let postings = db::postings_in(&mut tx, year).await?;
        if postings.is_empty() {
            return Err(ServiceError::conflict(CommunityProblem::NoPlaces));
        }
        if !db::mark_drawn(&mut tx, year, &actor.name, now).await? {
            return Err(ServiceError::conflict(CommunityProblem::AlreadyDrawn));
        }
        let mut applications = db::applications_in(&mut tx, year).await?;
        let drawn = result(&seed, &season, &r, &applications, &postings);
        db::set_drawn(&mut tx, &drawn).await?;
        for (a, d) in applications.iter_mut().zip(&drawn) {
            a.draw_rank = Some(d.rank);
            a.state = d.state;
            a.posting_id = d.posting;
        }
        for p in &postings {
            let placed = drawn.iter().filter(|d| d.posting == Some(p.id)).count();
            if placed == 0 {
                continue;
            }
            let minutes = i64::from(p.hours().week_minutes()) * i64::from(p.weeks);
            let wages = Money::from_ore(
                p.hourly_wage.ore() * minutes / 60 * i64::try_from(placed).unwrap_or(0),
            );
            let description = format!("{} {}–{}", p.workplace, p.starts_on, p.last_day());
            ledger::insert_entry(
                &mut tx,
                &NewEntry {
                    category: LedgerCategory::SummerJobWages,
                    given_on: p.starts_on,
                    amount: wages,
                    recipient_kind: RecipientKind::SummerWorkers,
                    recipient: &p.workplace,
                    recipient_org_number: None,
                    customer_id: None,
                    description: &description,
                    item_id: None,
                    quantity: Some(i64::try_from(placed).unwrap_or(0)),
                    decided_by: &actor.name,
                    reason: &seed,
                    source_key: Some(&format!("summer:{year}:{}", p.id.get())),
                },
                now,
            )
            .await?;
        }
        let chosen = u32::try_from(
            drawn
                .iter()
                .filter(|d| d.state == ApplicationState::Chosen)
                .count(),
        )
        .unwrap_or(u32::MAX);
        let outcome = DrawOutcome {
            chosen,
            not_chosen: u32::try_from(drawn.len()).unwrap_or(u32::MAX) - chosen,
            digest: digest(&applications),
        };
        self.audit(
            &mut tx,
            actor,
            "summer_drawn",
            "summer_season",
            year,
            &outcome.digest,
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The years whose draw is published, the latest first (anyone).
    pub async fn drawn_years(&self) -> Result<Vec<i64>> {
        Ok(db::seasons(self.s.store())
            .await?
            .into_iter()
            .filter(|s| s.drawn_at.is_some() && s.purged_at.is_none())
            .map(|s| s.year)
            .collect())
    }

    /// The published draw (anyone): the seed once published, and after the draw every
    /// reference with its ticket, place and outcome, and the result's digest.
    pub async fn published_draw(&self, year: i64) -> Result<PublishedDraw> {
        let season = self.season_row(year).await?;
        let mut lines = Vec::new();
        let mut digest_text = String::new();
        if let (Some(seed), Some(_)) = (&season.seed, season.drawn_at) {
            let applications = db::applications(self.s.store(), year).await?;
            digest_text = digest(&applications);
            for a in &applications {
                let reference = a.reference();
                lines.push(DrawLine {
                    ticket: format!("{:016x}", rules::ticket(seed, &reference)),
                    reference,
                    priority: season.priority_first_job && a.first_job,
                    rank: a.draw_rank.unwrap_or(0),
                    chosen: a.state == ApplicationState::Chosen,
                });
            }
        }
        Ok(PublishedDraw {
            season,
            lines,
            digest: digest_text,
        })
    }

    /// Sends each applicant their letter (chosen: the posting, its days and hours; not chosen:
    /// the place on the reserve list), and a copy to the guardian of a minor; once a season.
    pub async fn send_letters(&self, actor: &Actor, year: i64) -> Result<u32> {
        Self::require(actor, roles::DECIDE)?;
        let store = self.s.store();
        let postings = db::postings(store, year).await?;
        let applications = db::applications(store, year).await?;
        let mut tx = store.begin().await?;
        if !db::mark_letters(&mut tx, year, self.s.now_micros()).await? {
            return Err(match db::season_in(&mut tx, year).await? {
                None => ServiceError::NotFound,
                Some(s) if s.drawn_at.is_none() => {
                    ServiceError::conflict(CommunityProblem::NotDrawn)
                }
                Some(_) => ServiceError::conflict(CommunityProblem::LettersSent),
            });
        }
        let season = db::season_in(&mut tx, year)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut sent = 0u32;
        let mut reserve = 0u32;
        for a in &applications {
            let kind = match (a.state, a.posting_id) {
                (ApplicationState::Chosen, Some(p)) => {
                    let Some(p) = postings.iter().find(|x| x.id == p) else {
                        continue;
                    };
                    views::messages::community::SummerLetterKind::Chosen(placement(p))
                }
                (ApplicationState::NotChosen, _) => {
                    reserve += 1;
                    views::messages::community::SummerLetterKind::NotChosen {
                        reserve_place: reserve,
                    }
                }
                _ => continue,
            };
            let letter = views::messages::community::SummerLetter {
                name: a.name.clone(),
                reference: a.reference(),
                year,
                apply_until: season.apply_until,
                kind,
            };
            self.email(
                &mut tx,
                &a.email,
                &letter,
                format!("summer:{year}:{}:letter", a.id.get()),
            )
            .await?;
            if let Some(g) = &a.guardian_email {
                self.email(
                    &mut tx,
                    g,
                    &letter,
                    format!("summer:{year}:{}:guardian", a.id.get()),
                )
                .await?;
            }
            sent += 1;
        }
        self.audit(
            &mut tx,
            actor,
            "summer_letters",
            "summer_season",
            year,
            &sent.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(sent)
    }

    /// Deletes the applications of every season whose last working day is more than the
    /// retention period ago (the daily job): the count deleted.
    pub async fn purge_summer(&self, today: Date) -> Result<u64> {
        let r = self.summer_rules().await?;
        let store = self.s.store();
        let mut purged = 0;
        for season in db::seasons(store).await? {
            if season.purged_at.is_some() {
                continue;
            }
            let postings = db::postings(store, season.year).await?;
            let last = postings
                .iter()
                .map(PostingRow::last_day)
                .max()
                .unwrap_or(season.first_day);
            let keep_until = last
                .checked_add(jiff::Span::new().days(i64::from(r.retention_days)))
                .unwrap_or(last);
            if today <= keep_until {
                continue;
            }
            let mut tx = store.begin().await?;
            purged += db::purge(&mut tx, season.year, self.s.now_micros()).await?;
            crate::audit::success(
                &mut tx,
                &self.s,
                &Actor::system(),
                ("summer_purged", "summer_season", season.year),
                "",
            )
            .await?;
            tx.commit().await?;
        }
        Ok(purged)
    }
}

fn placement(p: &PostingRow) -> views::messages::community::Placement {
    views::messages::community::Placement {
        workplace: p.workplace.clone(),
        supervisor: p.supervisor.clone(),
        from: p.starts_on,
        to: p.last_day(),
        start: p.start.strftime("%H:%M").to_string(),
        end: p.end.strftime("%H:%M").to_string(),
        hours_week: p.hours().week_minutes() / 60,
        hourly_wage: p.hourly_wage,
    }
}

/// The draw's result for `applications` (in id order): the order from the seed, the places
/// in that order.
pub fn result(
    seed: &str,
    season: &SeasonRow,
    r: &SummerRules,
    applications: &[ApplicationRow],
    postings: &[PostingRow],
) -> Vec<Drawn> {
    let entries: Vec<rules::Entry> = applications
        .iter()
        .map(|a| rules::Entry {
            reference: a.reference(),
            priority: season.priority_first_job && a.first_job,
        })
        .collect();
    let order = rules::draw(seed, &entries);
    let places: Vec<rules::Places> = postings
        .iter()
        .map(|p| rules::Places {
            places: p.places,
            fits_minors: p.hours().check_minor(r).is_ok(),
        })
        .collect();
    let applicants: Vec<rules::Applicant> = applications
        .iter()
        .map(|a| rules::Applicant {
            wish: a
                .wish_id
                .and_then(|w| postings.iter().position(|p| p.id == w)),
            minor: rules::age_on(a.birth_date, season.first_day) < r.minor_age,
        })
        .collect();
    let placed = rules::place(&order, &applicants, &places);
    let mut drawn: Vec<Drawn> = applications
        .iter()
        .map(|a| Drawn {
            id: a.id,
            rank: 0,
            state: ApplicationState::NotChosen,
            posting: None,
        })
        .collect();
    for (rank, &i) in order.iter().enumerate() {
        drawn[i].rank = u32::try_from(rank).unwrap_or(u32::MAX - 1) + 1;
        if let Some(p) = placed[i] {
            drawn[i].state = ApplicationState::Chosen;
            drawn[i].posting = Some(postings[p].id);
        }
    }
    drawn
}
