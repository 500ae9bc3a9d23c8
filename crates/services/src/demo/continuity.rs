//! The demo town's continuity: eight critical functions across the services, the 80 staff of
//! the first demo with teams, competences (a few expiring) and contact details, a month of
//! rosters that keep the working-time rules, a few absences — one of which leaves tomorrow's
//! night in the grid control room red — contingency plans with one review due, exercises, the
//! services' state, and today's situation report.

use std::collections::HashMap;

use domain::continuity::values::Competence;
use domain::continuity::worktime::Load;
use domain::continuity::{AbsenceReason, RosterSource, Service, ServiceState};
use domain::ids::{ShiftId, StaffId};
use domain::role::Role;
use jiff::civil::Date;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::continuity::{FunctionRow, ShiftRow};

use crate::continuity::{AbsenceInput, PlanInput, StaffInput};
use crate::error::Result;
use crate::{Actor, Services};

/// The functions and their shifts, as the import file writes them.
const FUNCTIONS_CSV: &str = "\
code,name,service,shift,start,end,min_staff,min_staff_crisis,competences,remote_ok
grid_control,Driftcentral el,electricity,dag,07:00,15:00,2,3,control_room,false
grid_control,Driftcentral el,electricity,kvall,15:00,23:00,2,3,control_room,false
grid_control,Driftcentral el,electricity,natt,23:00,07:00,2,3,control_room,false
electrician_on_call,Elmontör i beredskap,electricity,dag,07:00,19:00,1,2,el_auth,false
electrician_on_call,Elmontör i beredskap,electricity,natt,19:00,07:00,1,2,el_auth,false
heating_plant,Värmeverket drifttekniker,district_heating,dag,07:00,19:00,1,1,heating_plant,false
heating_plant,Värmeverket drifttekniker,district_heating,natt,19:00,07:00,1,1,heating_plant,false
water_works,Vattenverket drifttekniker,water,dag,07:00,19:00,1,1,chemicals;water_treatment,false
water_works,Vattenverket drifttekniker,water,natt,19:00,07:00,1,1,chemicals;water_treatment,false
waste_collection,Avfallsinsamling arbetsledare,waste,dag,06:00,15:00,1,1,waste,false
network_ops,Nätövervakning bredband,broadband,dag,07:00,19:00,1,1,fiber,true
network_ops,Nätövervakning bredband,broadband,natt,19:00,07:00,1,1,fiber,true
customer_service,Kundtjänst,customer_service,dag,08:00,17:00,4,6,customer_service,true
it_on_call,IT-beredskap,it,dag,08:00,17:00,1,1,it_ops,true
";

/// Teams and competences for the first demo's staff, by the function they were made for.
fn profile(old_function: &str, i: usize) -> (String, Vec<&'static str>, bool) {
    let team = if i.is_multiple_of(2) { "A" } else { "B" };
    let (prefix, competences, remote): (&str, Vec<&'static str>, bool) = match old_function {
        "control_room" => ("Drift", vec!["control_room"], false),
        "on_call_electricity" if i.is_multiple_of(3) => {
            ("El", vec!["el_auth", "control_room"], false)
        }
        "on_call_electricity" => ("El", vec!["el_auth"], false),
        "on_call_district_heating" => ("Värme", vec!["heating_plant"], false),
        "on_call_water" => ("Vatten", vec!["water_treatment", "chemicals"], false),
        "on_call_broadband" if i.is_multiple_of(2) => ("Nät", vec!["fiber", "it_ops"], true),
        "on_call_broadband" => ("Nät", vec!["fiber"], true),
        "field_crews" if i % 7 < 3 => ("Avfall", vec!["waste"], false),
        "field_crews" => ("Fält", vec!["el_auth"], false),
        "billing" if i.is_multiple_of(3) => ("Kund", vec!["customer_service", "it_ops"], true),
        _ => ("Kund", vec!["customer_service"], true),
    };
    (format!("{prefix} {team}"), competences, remote)
}

fn plus(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

impl Services {
    /// Continuity's part of the demo town (run once the staff and the accounts exist).
    pub(super) async fn seed_demo_continuity(&self, seed: u64) -> Result<()> {
        let system = Actor::system();
        let c = self.continuity();
        c.import_functions(&system, FUNCTIONS_CSV.as_bytes())
            .await
            .map_err(demo_import)?;
        self.seed_continuity_staff(seed).await?;
        let today = self.today();
        let tomorrow = plus(today, 1);
        self.seed_continuity_roster(seed, plus(today, -7), plus(today, 23), tomorrow)
            .await?;
        self.seed_continuity_absences(seed, today, tomorrow).await?;
        self.seed_continuity_plans(today).await?;
        for &service in Service::ALL {
            let (state, note) = match service {
                Service::Broadband => (
                    ServiceState::Disturbed,
                    "Fiberavbrott vid Bergsgatan, tekniker på plats; åtgärdat under dagen.",
                ),
                _ => (ServiceState::Undisturbed, ""),
            };
            c.set_service_status(&system, service, state, note).await?;
        }
        c.issue_report(&system).await?;
        Ok(())
    }

    async fn seed_continuity_staff(&self, seed: u64) -> Result<()> {
        let system = Actor::system();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_c0de);
        let today = self.today();
        let store = self.store();
        let rows: HashMap<StaffId, store::continuity::StaffRow> = store::continuity::staff(store)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        // In the order the first demo made them (by id), so the numbers follow the functions.
        let olds = store::continuity::first_demo_functions(store).await?;
        let half = olds.len() / 2;
        for (i, (id, old)) in olds.iter().enumerate() {
            let Some(row) = rows.get(id) else {
                continue;
            };
            let old = old.as_str();
            let (team, competences, remote) = profile(old, i);
            // A few competences run out during the month, one has just run out.
            let competences: Vec<String> = competences
                .iter()
                .enumerate()
                .map(|(k, code)| match (i % 17, k) {
                    (5, 0) => format!("{code}:{}", plus(today, 10)),
                    (11, 0) => format!("{code}:{}", plus(today, -3)),
                    _ => format!("{code}:{}", plus(today, 400 + (i as i64 % 300))),
                })
                .collect();
            let hours = match i % 10 {
                3 => "37,5",
                7 => "32",
                _ => "40",
            };
            let (first, last) = row.name.split_once(' ').unwrap_or((&row.name, ""));
            let email = format!(
                "{}.{}@kem.example",
                ascii(first),
                ascii(last).trim_end_matches('.')
            );
            let input = StaffInput {
                employee_number: format!("{}", 1001 + i),
                name: row.name.clone(),
                team,
                competences: competences.join(";"),
                phone: format!(
                    "070-{:03} {:02} {:02}",
                    100 + i,
                    rng.random_range(10..99),
                    rng.random_range(10..99)
                ),
                email,
                remote_possible: if remote || row.remote_possible {
                    "true"
                } else {
                    "false"
                }
                .into(),
                weekly_hours: hours.into(),
                username: match (old, i) {
                    // The demo continuity manager and technician are on the staff too.
                    ("control_room", 0) => Role::ContinuityManager.demo_username().into(),
                    _ if i == half => Role::Technician.demo_username().into(),
                    _ => String::new(),
                },
            };
            self.continuity()
                .save_staff(&system, Some(row.id), &input)
                .await?;
        }
        Ok(())
    }

    /// Rosters every function's shifts from `from` to `to` with the least-loaded qualified
    /// people who keep the working-time rules without overtime: one above the minimum where
    /// possible, exactly the minimum on `thin` night in the grid control room.
    async fn seed_continuity_roster(
        &self,
        seed: u64,
        from: Date,
        to: Date,
        thin: Date,
    ) -> Result<()> {
        let store = self.store();
        let tz = self.tz().clone();
        let functions = store::continuity::functions(store).await?;
        let shifts = store::continuity::shifts(store).await?;
        let staff = store::continuity::staff(store).await?;
        let mut held: HashMap<StaffId, Vec<Competence>> = HashMap::new();
        for c in store::continuity::competences(store).await? {
            held.entry(c.staff_id).or_default().push(c.competence);
        }
        let settings = self.continuity().settings().await?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0005_7a66);
        let mut loads: HashMap<StaffId, Load> = HashMap::new();
        let mut minutes: HashMap<StaffId, i64> = HashMap::new();
        let mut entries: Vec<(StaffId, ShiftId, Date)> = Vec::new();
        let mut todays: Vec<(&FunctionRow, &ShiftRow)> = shifts
            .iter()
            .filter_map(|s| {
                functions
                    .iter()
                    .find(|f| f.id == s.function_id)
                    .map(|f| (f, s))
            })
            .collect();
        todays.sort_by_key(|(f, s)| (s.starts_min, f.code.clone()));
        // The minimums first over the whole month, then one more where someone is free.
        for extra in [0, 1] {
            let mut day = from;
            while day <= to {
                for &(f, s) in &todays {
                    let thin_night = f.code == "grid_control" && s.shift == "natt" && day == thin;
                    let target = s.min_staff + if thin_night { 0 } else { extra };
                    let mut taken = entries
                        .iter()
                        .filter(|(_, shift, d)| *shift == s.id && *d == day)
                        .count() as i64;
                    let span = crate::continuity::shift_span(s, day, &tz);
                    let mut pool: Vec<(i64, u32, StaffId, i64)> = staff
                        .iter()
                        .filter(|p| {
                            let mine = held.get(&p.id).map_or(&[][..], Vec::as_slice);
                            domain::continuity::cover::missing_competence(&f.competences, mine, day)
                                .is_none()
                        })
                        .map(|p| {
                            (
                                minutes.get(&p.id).copied().unwrap_or(0),
                                rng.random::<u32>(),
                                p.id,
                                p.weekly_minutes,
                            )
                        })
                        .collect();
                    pool.sort();
                    for (_, _, person, contract) in pool {
                        if taken >= target {
                            break;
                        }
                        let load = loads.entry(person).or_default();
                        if load.overlaps(span) {
                            continue;
                        }
                        match load.check_addition(span, contract, &settings.rules, &tz) {
                            Ok(a) if a.overtime_added_minutes == 0 => {
                                load.add(span, &tz);
                                *minutes.entry(person).or_default() += (span.end - span.start) / 60;
                                entries.push((person, s.id, day));
                                taken += 1;
                            }
                            _ => {}
                        }
                    }
                }
                day = plus(day, 1);
            }
        }
        let now = self.now_micros();
        let rows: Vec<store::continuity::NewRosterEntry<'_>> = entries
            .iter()
            .map(|(p, s, d)| store::continuity::NewRosterEntry {
                staff_id: *p,
                shift_id: *s,
                on_date: *d,
                source: RosterSource::Import,
                deviation: None,
                created_by: "demo",
                now,
            })
            .collect();
        let mut tx = store.begin().await?;
        store::continuity::insert_roster(&mut tx, &rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One person on tomorrow's thin grid-control night is sick (the red shift), and a few
    /// others are away where the shifts they miss stay at or above their minimum.
    async fn seed_continuity_absences(&self, seed: u64, today: Date, tomorrow: Date) -> Result<()> {
        let system = Actor::system();
        let c = self.continuity();
        let board = c.board(&system, plus(today, -1), 12).await?;
        let night = board
            .cells()
            .find(|(r, cell)| {
                r.function.code == "grid_control"
                    && r.shift.shift == "natt"
                    && cell.date == tomorrow
            })
            .map(|(r, cell)| (r.shift.id, cell.date));
        let roster =
            store::continuity::roster_between(self.store(), plus(today, -1), plus(today, 10))
                .await?;
        if let Some((shift, date)) = night
            && let Some(sick) = roster
                .iter()
                .find(|r| r.shift_id == shift && r.on_date == date)
        {
            c.report_absence(
                &system,
                sick.staff_id,
                &AbsenceInput {
                    reason: AbsenceReason::Sick,
                    from: tomorrow,
                    to: tomorrow,
                },
            )
            .await?;
        }
        // Others: away for a few days where every shift they miss has someone to spare.
        let spare = |board: &crate::continuity::Board, person: StaffId, from: Date, to: Date| {
            roster
                .iter()
                .filter(|r| r.staff_id == person && r.on_date >= from && r.on_date <= to)
                .all(|r| {
                    board
                        .cells()
                        .find(|(_, cell)| cell.shift == r.shift_id && cell.date == r.on_date)
                        .is_some_and(|(_, cell)| cell.present > cell.required)
                })
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00ab_5e17);
        let reasons = [
            (AbsenceReason::CareOfSickChild, 0, 2),
            (AbsenceReason::Quarantine, 1, 6),
            (AbsenceReason::Sick, 2, 4),
            (AbsenceReason::Other, 5, 7),
        ];
        let mut people: Vec<StaffId> = roster.iter().map(|r| r.staff_id).collect();
        people.sort();
        people.dedup();
        for (reason, start, end) in reasons {
            let board = c.board(&system, plus(today, -1), 12).await?;
            let (from, to) = (plus(today, start), plus(today, end));
            let offset = rng.random_range(0..people.len().max(1));
            let Some(person) = (0..people.len())
                .map(|k| people[(k + offset) % people.len()])
                .find(|p| spare(&board, *p, from, to))
            else {
                continue;
            };
            c.report_absence(&system, person, &AbsenceInput { reason, from, to })
                .await?;
        }
        Ok(())
    }

    async fn seed_continuity_plans(&self, today: Date) -> Result<()> {
        let system = Actor::system();
        let c = self.continuity();
        let plans = [
            (
                "grid_control",
                "Driftcentralen vid bortfall av personal",
                "Bengt Beredskap",
                "Minst två i driftcentralen dygnet runt; elmontörer med driftcentralbehörighet tar pass; reservdriftcentral i Bofors.",
                plus(today, -10),
            ),
            (
                "water_works",
                "Vattenverket: kemikalier och drift",
                "Vera Vatten",
                "Kemikalielager för 30 dagar; två med kemikaliebehörighet i tjänst varje vecka; nödvatten via kommunen.",
                plus(today, 45),
            ),
            (
                "",
                "Pandemiplan för hela bolaget",
                "Bengt Beredskap",
                "Dela lagen så att de inte möts; hemarbete för alla som kan; möten och resor skjuts upp; högre lägsta bemanning i driftcentralen.",
                plus(today, 120),
            ),
        ];
        let mut ids = Vec::new();
        for (function, title, owner, measures, next) in plans {
            ids.push(
                c.save_plan(
                    &system,
                    None,
                    &PlanInput {
                        function: function.into(),
                        title: title.into(),
                        owner: owner.into(),
                        measures: measures.into(),
                        next_review_on: next.to_string(),
                    },
                )
                .await?,
            );
        }
        c.log_exercise(
            &system,
            ids[0],
            plus(today, -30),
            true,
            "Reservdriftcentralen nåddes på 40 minuter; nycklarna låg på fel ställe. Nyckelskåp flyttat.",
        )
        .await?;
        c.log_exercise(&system, ids[2], plus(today, 9), false, "")
            .await?;
        Ok(())
    }
}

fn ascii(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            'ć' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '.',
        })
        .collect()
}

fn demo_import(e: crate::continuity::ImportError) -> crate::error::ServiceError {
    match e {
        crate::continuity::ImportError::Service(e) => e,
        crate::continuity::ImportError::Line(l) => {
            crate::error::ServiceError::Internal(format!("demo continuity data: {l}"))
        }
    }
}
