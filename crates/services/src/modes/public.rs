//! What the public is told: the measures in force, generated from the policies in force, with
//! the date of the last change, and the feed of changes for the municipality and news desks.

use domain::modes::LogKind;
use domain::policy::{Capability, PolicyBody, Preset};
use jiff::Timestamp;

use super::Modes;
use crate::capability::Measure;
use crate::error::Result;

/// One capability's measures, as people read them.
#[derive(Clone, Debug)]
pub struct PublicMeasures {
    pub capability: Capability,
    pub measures: Vec<Measure>,
}

/// One change in the feed: a mode that came into force or ended, or a measure decided by hand.
#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub id: i64,
    pub at: Timestamp,
    pub kind: LogKind,
    /// The mode's name (or a measure's summary).
    pub title: String,
    /// The measures in force from that moment (empty for an end: everyday operation).
    pub measures: Vec<PublicMeasures>,
}

/// The public crisis page: what is in force now and what changed.
#[derive(Clone, Debug)]
pub struct PublicInfo {
    /// Capabilities whose policy in force differs from everyday operation, with what it means.
    pub measures: Vec<PublicMeasures>,
    pub last_change: Option<Timestamp>,
    pub changes: Vec<FeedEntry>,
}

impl PublicInfo {
    /// True when something differs from everyday operation (the banner links here then).
    pub fn in_force(&self) -> bool {
        !self.measures.is_empty()
    }
}

impl Modes {
    /// The measures in force at `at`: every capability whose policy then differs from its
    /// normal preset, described by its own hook. Open to anyone.
    pub async fn measures_at(&self, at: Timestamp) -> Result<Vec<PublicMeasures>> {
        let mut out = Vec::new();
        for hook in self.s.hooks() {
            let c = hook.capability();
            let policy = self.s.policies().at(c, at).await?;
            if policy != PolicyBody::preset(c, Preset::Normal) {
                out.push(PublicMeasures {
                    capability: c,
                    measures: hook.describe(&policy),
                });
            }
        }
        Ok(out)
    }

    /// Whether anything differs from everyday operation at `at` (the banner shows then). A
    /// policy that cannot be read counts as nothing in force: the page still renders.
    pub async fn anything_in_force(&self, at: Timestamp) -> bool {
        for hook in self.s.hooks() {
            let c = hook.capability();
            match self.s.policies().at(c, at).await {
                Ok(p) if p != PolicyBody::preset(c, Preset::Normal) => return true,
                _ => {}
            }
        }
        false
    }

    /// The public page's content. Open to anyone.
    pub async fn public_info(&self) -> Result<PublicInfo> {
        let now = self.s.now();
        let measures = self.measures_at(now).await?;
        let last_change = store::modes::last_change(self.s.store())
            .await?
            .map(domain::time::from_micros);
        let changes = self.feed(20).await?;
        Ok(PublicInfo {
            measures,
            last_change,
            changes,
        })
    }

    /// The latest changes, newest first: activations that came into force or ended, with the
    /// measures from then on, and measures decided by hand.
    pub async fn feed(&self, limit: usize) -> Result<Vec<FeedEntry>> {
        let entries = store::modes::log_entries(self.s.store(), None, None, None).await?;
        let mut out = Vec::new();
        for e in entries.into_iter().rev() {
            if !matches!(e.kind, LogKind::Activated | LogKind::Ended) {
                continue;
            }
            let at = domain::time::from_micros(e.at);
            let title = match e.mode_id {
                Some(m) => store::modes::mode(self.s.store(), m)
                    .await?
                    .map(|m| m.name)
                    .unwrap_or_default(),
                None => e.summary.clone(),
            };
            let measures = match e.kind {
                LogKind::Activated => self.measures_at(at).await?,
                _ => Vec::new(),
            };
            out.push(FeedEntry {
                id: e.id,
                at,
                kind: e.kind,
                title,
                measures,
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}
