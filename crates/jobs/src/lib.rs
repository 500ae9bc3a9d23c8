//! Background work: a job queue on a table and the worker loop that runs it.
//!
//! A job is a row (`kind`, JSON `payload`, `run_at`). Workers claim one at a time — PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, SQLite inside `BEGIN IMMEDIATE` — run it, and record the outcome:
//! done, retry later with exponential backoff, or failed for good after `max_attempts`. While a job
//! runs its worker beats every `worker.heartbeat_seconds` (15 s); a job without six beats (90 s) was
//! orphaned by a worker that died (`kill -9`, a lost machine) and goes back to the queue, so a
//! long job (a region's crisis activation) is never taken twice and a killed one resumes within
//! minutes. Shutdown lets the running job finish within a grace period, then gives it back to
//! the queue so another worker takes it at once.
//!
//! Each [`JobKind`] calls exactly one service function; the only store calls here are the
//! queue's own (enqueue, claim, complete, fail, requeue).

use std::time::Duration;

use domain::ids::JobId;
use jiff::SignedDuration;
use services::Services;
use services::outbox::Transports;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// The kinds of job this worker knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Hand pending outbox messages to their transports.
    DeliverOutbox,
    /// Delete expired sessions and old failed-login records.
    Prune,
    /// Customer centre: expire unconfirmed bookings and waitlist offers (offering the places to
    /// the next in line) and send tomorrow's reminders.
    VisitSweep,
    /// Customer centre: re-check booked visits against the cap and desks in force (a retry of
    /// the check that runs when a policy or the hours change).
    VisitCapCheck,
    /// Credit: the nightly run of reminders, the debt-collection list and late-payment
    /// interest (once per civil day).
    Dunning,
    /// Campaign: classify and re-plan after a failed visit, a booking or a policy change.
    CampaignReplan,
    /// Campaign: a planning run started from the planner's page.
    CampaignPlanRun,
    /// Campaign: today's interruption notices and tomorrow's reminders (once per civil day).
    CampaignNotices,
    /// Continuity: the daily situation report (once per civil day, from 07:00).
    ContinuityReport,
    /// Continuity: tell the continuity managers of shifts within 48 hours that turned red.
    ContinuityAlerts,
    /// Continuity: delete absences past their retention (once per civil day).
    ContinuityPurge,
    /// Community: start, remind and revert free broadband upgrades (once per civil day).
    CommunityUpgrades,
    /// Community: deliver provisioning orders to the network operator's webhook (retries).
    ProvisioningOrders,
    /// Community: send sponsorship instalments now due to the payment run (once per day).
    SponsorshipInstalments,
    /// Community: delete summer-job applications after the season and its retention period.
    SummerPurge,
    /// Crisis mode: move every capability into an approved mode at its start (resumable).
    ActivationStart,
    /// Crisis mode: move every capability back at the mode's end (resumable).
    ActivationEnd,
    /// Crisis mode: remind the continuity managers a week before a planned end.
    ActivationRemind,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::DeliverOutbox => "deliver_outbox",
            JobKind::Prune => "prune",
            JobKind::VisitSweep => "visit_sweep",
            JobKind::VisitCapCheck => "visit_cap_check",
            JobKind::Dunning => "dunning",
            JobKind::CampaignReplan => services::campaign::REPLAN_JOB,
            JobKind::CampaignPlanRun => services::campaign::PLAN_RUN_JOB,
            JobKind::CampaignNotices => "campaign_notices",
            JobKind::ContinuityReport => "continuity_report",
            JobKind::ContinuityAlerts => "continuity_alerts",
            JobKind::ContinuityPurge => "continuity_purge",
            JobKind::CommunityUpgrades => "community_upgrades",
            JobKind::ProvisioningOrders => "provisioning_orders",
            JobKind::SponsorshipInstalments => "sponsorship_instalments",
            JobKind::SummerPurge => "summer_purge",
            JobKind::ActivationStart => services::modes::START_JOB,
            JobKind::ActivationEnd => services::modes::END_JOB,
            JobKind::ActivationRemind => services::modes::REMIND_JOB,
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        match s {
            "deliver_outbox" => Some(JobKind::DeliverOutbox),
            "prune" => Some(JobKind::Prune),
            "visit_sweep" => Some(JobKind::VisitSweep),
            "visit_cap_check" => Some(JobKind::VisitCapCheck),
            "dunning" => Some(JobKind::Dunning),
            services::campaign::REPLAN_JOB => Some(JobKind::CampaignReplan),
            services::campaign::PLAN_RUN_JOB => Some(JobKind::CampaignPlanRun),
            "campaign_notices" => Some(JobKind::CampaignNotices),
            "continuity_report" => Some(JobKind::ContinuityReport),
            "continuity_alerts" => Some(JobKind::ContinuityAlerts),
            "continuity_purge" => Some(JobKind::ContinuityPurge),
            "community_upgrades" => Some(JobKind::CommunityUpgrades),
            "provisioning_orders" => Some(JobKind::ProvisioningOrders),
            "sponsorship_instalments" => Some(JobKind::SponsorshipInstalments),
            "summer_purge" => Some(JobKind::SummerPurge),
            services::modes::START_JOB => Some(JobKind::ActivationStart),
            services::modes::END_JOB => Some(JobKind::ActivationEnd),
            services::modes::REMIND_JOB => Some(JobKind::ActivationRemind),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    Service(#[from] services::ServiceError),
    #[error("{0}")]
    Store(#[from] store::StoreError),
}

/// Queues a job. A `dedupe_key` makes repeated enqueues of the same work a no-op.
pub async fn enqueue(
    services: &Services,
    kind: JobKind,
    payload: &serde_json::Value,
    run_at: jiff::Timestamp,
    dedupe_key: Option<&str>,
) -> Result<Option<JobId>, JobError> {
    let mut tx = services.store().begin().await?;
    let id = store::jobs::enqueue(
        &mut tx,
        kind.as_str(),
        &payload.to_string(),
        domain::time::to_micros(run_at),
        5,
        dedupe_key,
        services.now_micros(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What one turn of the worker did.
#[derive(Debug, PartialEq, Eq)]
pub enum Turn {
    Done(JobId),
    Empty,
    Failed {
        id: JobId,
        will_retry: bool,
    },
    /// The worker was shutting down and the job did not finish in its grace: back to the queue
    /// for another worker, the attempt not counted.
    Released(JobId),
}

/// Delay before attempt `n + 1`: 10 s, 20 s, 40 s, … capped at one hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(0, 20) as u32;
    Duration::from_secs(10u64.saturating_mul(2u64.saturating_pow(exp.saturating_sub(1))))
        .min(Duration::from_secs(3600))
}

async fn execute(
    services: &Services,
    transports: &Transports,
    kind: JobKind,
    payload: &str,
) -> Result<(), JobError> {
    match kind {
        JobKind::DeliverOutbox => {
            let (sent, failed) = services.deliver_pending(transports, 200).await?;
            if sent + failed > 0 {
                tracing::info!(sent, failed, "outbox delivered");
            }
            Ok(())
        }
        JobKind::Prune => {
            let n = services.accounts().prune_sessions().await?;
            tracing::debug!(sessions = n, "pruned");
            Ok(())
        }
        JobKind::VisitSweep => {
            let r = services.visits().sweep().await?;
            if r != Default::default() {
                tracing::info!(
                    expired = r.expired,
                    offered = r.offered,
                    reminded = r.reminded,
                    "visits swept"
                );
            }
            Ok(())
        }
        JobKind::CampaignReplan => Ok(services.campaign().run_replan(payload).await?),
        JobKind::CampaignPlanRun => Ok(services.campaign().run_plan_job(payload).await?),
        JobKind::CampaignNotices => {
            let r = services
                .campaign()
                .send_notices(&services::Actor::system())
                .await?;
            if r != Default::default() {
                tracing::info!(
                    notices = r.notices,
                    reminders = r.reminders,
                    "campaign notices"
                );
            }
            Ok(())
        }
        JobKind::Dunning => {
            let r = services.credit().run_dunning(services.today()).await?;
            tracing::info!(
                reminders = r.reminders,
                to_collection = r.to_collection,
                broken = r.broken_arrangements,
                interest_ore = r.interest_ore,
                "dunning run"
            );
            Ok(())
        }
        JobKind::ContinuityReport | JobKind::ContinuityAlerts | JobKind::ContinuityPurge => {
            execute_continuity(services, kind).await
        }
        JobKind::CommunityUpgrades
        | JobKind::ProvisioningOrders
        | JobKind::SponsorshipInstalments
        | JobKind::SummerPurge => execute_community(services, kind).await,
        JobKind::ActivationStart => {
            let status = services.crisis().start_job(payload).await?;
            tracing::info!(%status, "activation started");
            Ok(())
        }
        JobKind::ActivationEnd => {
            let status = services.crisis().end_job(payload).await?;
            tracing::info!(%status, "activation ended");
            Ok(())
        }
        JobKind::ActivationRemind => {
            let sent = services.crisis().remind_job(payload).await?;
            tracing::info!(sent, "planned end reminded");
            Ok(())
        }
        JobKind::VisitCapCheck => {
            let r = services.visits().reconcile_caps().await?;
            if !r.flagged.is_empty() || !r.unflagged.is_empty() {
                tracing::info!(
                    flagged = r.flagged.len(),
                    unflagged = r.unflagged.len(),
                    "visits checked against the cap"
                );
            }
            Ok(())
        }
    }
}

/// Community support's jobs, each one call of the handle.
async fn execute_community(services: &Services, kind: JobKind) -> Result<(), JobError> {
    match kind {
        JobKind::CommunityUpgrades => {
            let r = services
                .community()
                .run_day(&services::Actor::system(), services.today())
                .await?;
            tracing::info!(
                started = r.started,
                reminded = r.reminded,
                reverted = r.reverted,
                "broadband upgrades run"
            );
            Ok(())
        }
        JobKind::ProvisioningOrders => {
            let (delivered, failed) = services.community().deliver_orders().await?;
            if delivered + failed > 0 {
                tracing::info!(delivered, failed, "provisioning orders sent");
            }
            Ok(())
        }
        JobKind::SponsorshipInstalments => {
            let r = services
                .community()
                .release_instalments(&services::Actor::system(), services.today())
                .await?;
            if r.paid + r.withheld > 0 {
                tracing::info!(
                    paid = r.paid,
                    withheld = r.withheld,
                    "sponsorship instalments"
                );
            }
            Ok(())
        }
        JobKind::SummerPurge => {
            let n = services.community().purge_summer(services.today()).await?;
            if n > 0 {
                tracing::info!(applications = n, "summer-job applications purged");
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Continuity's jobs, each one call of the handle.
async fn execute_continuity(services: &Services, kind: JobKind) -> Result<(), JobError> {
    let c = services.continuity();
    match kind {
        JobKind::ContinuityReport => {
            if let Some(id) = c.scheduled_report().await? {
                tracing::info!(report = id.get(), "situation report issued");
            }
        }
        JobKind::ContinuityAlerts => {
            let sent = c.alert_red_shifts().await?;
            if sent > 0 {
                tracing::info!(sent, "red shifts told to the continuity managers");
            }
        }
        JobKind::ContinuityPurge => {
            let n = c.purge_absences().await?;
            if n > 0 {
                tracing::info!(purged = n, "absences past their retention deleted");
            }
        }
        _ => {}
    }
    Ok(())
}

/// Claims and runs one job.
pub async fn run_once(services: &Services, transports: &Transports) -> Result<Turn, JobError> {
    run_turn(services, transports, std::future::pending()).await
}

/// Runs one due job like [`run_once`], unless `give_up` resolves first: the job is then
/// dropped where it stands (its transaction rolls back) and given back to the queue for
/// another worker ([`Turn::Released`]). The worker's shutdown uses it after a grace period.
pub async fn run_turn(
    services: &Services,
    transports: &Transports,
    give_up: impl std::future::Future<Output = ()>,
) -> Result<Turn, JobError> {
    let Some(job) =
        store::jobs::claim_as(services.store(), services.now_micros(), Some(worker_name())).await?
    else {
        return Ok(Turn::Empty);
    };
    // The job's span is attached to the future, never entered across an await: a guard held
    // over an await stays entered on the thread, and whatever else runs there (a request) would
    // be logged inside the job.
    let span =
        tracing::info_span!("job", id = job.id.get(), kind = %job.kind, attempt = job.attempts);
    run_claimed(services, transports, job, give_up)
        .instrument(span)
        .await
}

/// Runs a claimed job to its end, or gives it back when `give_up` resolves first.
async fn run_claimed(
    services: &Services,
    transports: &Transports,
    job: store::jobs::JobRow,
    give_up: impl std::future::Future<Output = ()>,
) -> Result<Turn, JobError> {
    let heartbeat = tokio::spawn(beat(services.clone(), job.id));
    let run = async {
        match JobKind::parse(&job.kind) {
            Some(kind) => execute(services, transports, kind, &job.payload)
                .await
                .map_err(|e| e.to_string()),
            None => Err(format!("unknown job kind {:?}", job.kind)),
        }
    };
    let outcome = tokio::select! {
        biased;
        () = give_up => None,
        r = run => Some(r),
    };
    heartbeat.abort();
    let Some(result) = outcome else {
        store::jobs::release(services.store(), job.id).await?;
        tracing::info!("job given back to the queue at shutdown");
        return Ok(Turn::Released(job.id));
    };
    let now = services.now();
    match result {
        Ok(()) => {
            store::jobs::complete(services.store(), job.id, domain::time::to_micros(now)).await?;
            Ok(Turn::Done(job.id))
        }
        Err(e) => {
            let retry = (job.attempts < job.max_attempts && JobKind::parse(&job.kind).is_some())
                .then(|| {
                    let delay = SignedDuration::try_from(backoff(job.attempts))
                        .unwrap_or(SignedDuration::from_secs(3600));
                    domain::time::to_micros(now.saturating_add(delay).unwrap_or(now))
                });
            tracing::warn!(error = %e, will_retry = retry.is_some(), "job failed");
            store::jobs::fail(
                services.store(),
                job.id,
                &e,
                retry,
                domain::time::to_micros(now),
            )
            .await?;
            Ok(Turn::Failed {
                id: job.id,
                will_retry: retry.is_some(),
            })
        }
    }
}

/// This worker's name on the jobs it claims: the host and the process (`host:pid`).
pub fn worker_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        format!("{host}:{}", std::process::id())
    })
}

/// Marks the job in hand as alive every [`Services::heartbeat_every`] until aborted. Its own task, so a
/// beat waiting for the database never holds up the job (nor the job the beat).
async fn beat(services: Services, id: JobId) {
    let mut every = tokio::time::interval(services.heartbeat_every());
    every.tick().await;
    loop {
        every.tick().await;
        services.note_worker_alive();
        if let Err(e) = store::jobs::heartbeat(services.store(), id, services.now_micros()).await {
            tracing::warn!(error = %e, job = id.get(), "heartbeat not recorded");
        }
    }
}

/// Returns to the queue the jobs whose worker died in them (no heartbeat for
/// [`Services::worker_silent_limit`]); they resume from where they were (every job is safe to
/// run again).
pub async fn requeue_orphans(services: &Services) -> Result<u64, JobError> {
    let stale = services.now_micros() - services.worker_silent_limit().as_micros() as i64;
    Ok(store::jobs::requeue_stale(services.store(), stale).await?)
}

/// Runs due jobs until the queue is empty (tests and the CLI use this instead of waiting).
pub async fn run_pending(services: &Services, transports: &Transports) -> Result<usize, JobError> {
    let mut n = 0;
    loop {
        match run_once(services, transports).await? {
            Turn::Empty => return Ok(n),
            _ => n += 1,
        }
    }
}

/// Continuity's periodic work: the situation report from 07:00 and the purge of old absences
/// from 03:00 (once per civil day each), and red shifts every ten minutes; and community's: the
/// broadband upgrades once per civil day, provisioning orders every minute.
async fn schedule_continuity(services: &Services, now: jiff::Timestamp) -> Result<(), JobError> {
    let local = services.tz().to_datetime(now);
    if local.hour() >= 7 {
        let key = format!("continuity-report:{}", local.date());
        enqueue(
            services,
            JobKind::ContinuityReport,
            &serde_json::json!({}),
            now,
            Some(&key),
        )
        .await?;
    }
    if local.hour() >= 3 {
        let key = format!("continuity-purge:{}", local.date());
        enqueue(
            services,
            JobKind::ContinuityPurge,
            &serde_json::json!({}),
            now,
            Some(&key),
        )
        .await?;
    }
    // Community: sponsorship instalments and the purge of summer-job applications once a day.
    for (kind, name) in [
        (JobKind::SponsorshipInstalments, "sponsorship-instalments"),
        (JobKind::SummerPurge, "summer-purge"),
    ] {
        let key = format!("{name}:{}", local.date());
        enqueue(services, kind, &serde_json::json!({}), now, Some(&key)).await?;
    }
    // Community: the day's broadband upgrades from midnight, orders to the operator each minute.
    let key = format!("community-upgrades:{}", local.date());
    enqueue(
        services,
        JobKind::CommunityUpgrades,
        &serde_json::json!({}),
        now,
        Some(&key),
    )
    .await?;
    if services.settings().provisioning.url.is_some() {
        let key = format!("provisioning-orders:{}", now.as_second() / 60);
        enqueue(
            services,
            JobKind::ProvisioningOrders,
            &serde_json::json!({}),
            now,
            Some(&key),
        )
        .await?;
    }
    let key = format!("continuity-alerts:{}", now.as_second() / 600);
    enqueue(
        services,
        JobKind::ContinuityAlerts,
        &serde_json::json!({}),
        now,
        Some(&key),
    )
    .await?;
    Ok(())
}

/// Settings owned by the worker.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How long to sleep when the queue is empty.
    pub idle_sleep: Duration,
    /// How often the outbox is swept.
    pub outbox_every: Duration,
    /// At shutdown, how long the job in hand may go on before it is given back to the queue.
    pub shutdown_grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            idle_sleep: Duration::from_secs(2),
            outbox_every: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(15),
        }
    }
}

/// The worker loop: schedules the periodic jobs, runs due jobs, stops cleanly on `shutdown`
/// (the job in hand may finish within [`WorkerSettings::shutdown_grace`]; past it, it is given
/// back to the queue for another worker).
pub async fn run_worker(
    services: Services,
    transports: Transports,
    settings: WorkerSettings,
    shutdown: CancellationToken,
) {
    tracing::info!("worker started");
    let mut last_schedule: Option<jiff::Timestamp> = None;
    while !shutdown.is_cancelled() {
        services.note_worker_alive();
        let now = services.now();
        if last_schedule.is_none_or(|t| {
            now.duration_since(t)
                >= SignedDuration::try_from(settings.outbox_every).unwrap_or_default()
        }) {
            last_schedule = Some(now);
            let slot = now.as_second() / settings.outbox_every.as_secs().max(1) as i64;
            let scheduled = async {
                requeue_orphans(&services).await?;
                enqueue(
                    &services,
                    JobKind::DeliverOutbox,
                    &serde_json::json!({}),
                    now,
                    Some(&format!("outbox:{slot}")),
                )
                .await?;
                enqueue(
                    &services,
                    JobKind::VisitSweep,
                    &serde_json::json!({}),
                    now,
                    Some(&format!("visit-sweep:{}", now.as_second() / 60)),
                )
                .await?;
                // The nightly credit run: once per civil day, from 02:00 Stockholm time.
                let local = services.tz().to_datetime(now);
                // Campaign notices and reminders: once per civil day, from 07:00.
                if local.hour() >= 7 {
                    enqueue(
                        &services,
                        JobKind::CampaignNotices,
                        &serde_json::json!({}),
                        now,
                        Some(&format!("campaign-notices:{}", local.date())),
                    )
                    .await?;
                }
                schedule_continuity(&services, now).await?;
                if local.hour() >= 2 {
                    enqueue(
                        &services,
                        JobKind::Dunning,
                        &serde_json::json!({}),
                        now,
                        Some(&format!("dunning:{}", local.date())),
                    )
                    .await?;
                }
                enqueue(
                    &services,
                    JobKind::VisitCapCheck,
                    &serde_json::json!({}),
                    now,
                    Some(&format!("visit-cap:{}", now.as_second() / 3600)),
                )
                .await?;
                enqueue(
                    &services,
                    JobKind::Prune,
                    &serde_json::json!({}),
                    now,
                    Some(&format!("prune:{}", now.as_second() / 3600)),
                )
                .await?;
                Ok::<_, JobError>(())
            };
            if let Err(e) = scheduled.await {
                tracing::error!(error = %e, "scheduling periodic jobs failed");
            }
        }
        let give_up = async {
            shutdown.cancelled().await;
            tokio::time::sleep(settings.shutdown_grace).await;
        };
        match run_turn(&services, &transports, give_up).await {
            Ok(Turn::Empty) => {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(settings.idle_sleep) => {}
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "worker could not reach the queue; backing off");
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                }
            }
        }
    }
    tracing::info!("worker stopped");
}
