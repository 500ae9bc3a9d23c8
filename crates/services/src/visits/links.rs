//! Signed links: `id + last day + HMAC(key)`, so a link can be sent again in every message
//! without storing it, cannot be guessed, and stops working after its last day. The key is the
//! first of `security.keys`; the others still verify links they signed, so a key can be
//! rotated without breaking links in messages already sent. Visits use them for the visit's
//! page and the waitlist; the campaign for booking a meter visit; suppliers for offers of
//! shorter terms; continuity for requests to cover a shift.

use domain::ids::{VisitId, WaitId};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{VisitRow, Visits};
use crate::Services;
use crate::error::{Result, ServiceError};

/// The kind of object a link opens, part of what the MAC covers.
const VISIT: &str = "visit";
const WAIT: &str = "wait";

impl Services {
    /// The keys links are signed with: `security.keys` (the first signs, all verify), or, where
    /// none are configured (tests and tools; `serve` refuses to run so), a key kept in the
    /// database, read or created once per process.
    async fn link_keys(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let configured: Vec<_> = self
            .security_keys()
            .all()
            .map(|(id, k)| (id.to_owned(), k.to_vec()))
            .collect();
        if !configured.is_empty() {
            return Ok(configured);
        }
        Ok(vec![("db".to_owned(), self.link_secret().await?)])
    }

    /// The database's link key (see [`Services::link_keys`]), created on first use before any
    /// write transaction opens (creating it needs the writer).
    pub(crate) async fn link_secret(&self) -> Result<Vec<u8>> {
        if let Some(s) = self.inner.link_secret.get() {
            return Ok(s.clone());
        }
        if !self.security_keys().is_empty() {
            return Ok(Vec::new());
        }
        let existing = store::settings::get(self.store(), "link_secret").await?;
        let secret = match existing {
            Some(s) => s,
            None => {
                let fresh = hex::encode(rand::random::<[u8; 32]>());
                let mut tx = self.store().begin().await?;
                store::settings::insert_if_missing(&mut tx, "link_secret", &fresh).await?;
                tx.commit().await?;
                store::settings::get(self.store(), "link_secret")
                    .await?
                    .unwrap_or(fresh)
            }
        };
        let bytes = hex::decode(&secret)
            .map_err(|e| ServiceError::Internal(format!("link secret unreadable: {e}")))?;
        let _ = self.inner.link_secret.set(bytes.clone());
        Ok(bytes)
    }

    /// The MAC of a link: the key's name, the kind of object, its id and the last day the link
    /// is good for.
    fn mac(key: (&str, &[u8]), kind: &str, id: i64, expires: u32) -> [u8; MAC_BYTES] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.1).unwrap_or_else(|_| {
            <Hmac<Sha256> as Mac>::new_from_slice(&[0u8; 32]).expect("HMAC takes any key length")
        });
        for part in [LINK_VERSION, key.0, kind] {
            mac.update(&(part.len() as u32).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac.update(&id.to_be_bytes());
        mac.update(&expires.to_be_bytes());
        let mut out = [0; MAC_BYTES];
        out.copy_from_slice(&mac.finalize().into_bytes()[..MAC_BYTES]);
        out
    }

    /// Today as days since 1970-01-01 (UTC): a link's expiry is a whole day.
    fn link_day(&self) -> u32 {
        u32::try_from(self.now().as_second().max(0) / 86_400).unwrap_or(u32::MAX)
    }

    /// The secret link token of an object (`kind` "visit", "wait", "meter"…): its id, the last
    /// day it is good for ([`link_lifetime_days`]) and a MAC under the first key.
    pub async fn link_token(&self, kind: &str, id: i64) -> Result<String> {
        use base64::Engine;
        let keys = self.link_keys().await?;
        let (name, key) = &keys[0];
        let expires = self.link_day().saturating_add(link_lifetime_days(kind));
        let mut raw = id.to_be_bytes().to_vec();
        raw.extend(expires.to_be_bytes());
        raw.extend(Self::mac((name, key), kind, id, expires));
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
    }

    /// The id a link token stands for: `None` when it is not genuine (under any key in use),
    /// [`ServiceError::LinkExpired`] when it is genuine but past its last day.
    pub async fn link_id(&self, kind: &str, token: &str) -> Result<Option<i64>> {
        use base64::Engine;
        let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()) else {
            return Ok(None);
        };
        if raw.len() != TOKEN_BYTES {
            return Ok(None);
        }
        let id = i64::from_be_bytes(raw[..8].try_into().unwrap_or([0; 8]));
        let expires = u32::from_be_bytes(raw[8..12].try_into().unwrap_or([0; 4]));
        let given = &raw[12..];
        let genuine = self.link_keys().await?.iter().any(|(name, key)| {
            Self::mac((name, key), kind, id, expires)
                .iter()
                .zip(given)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        });
        if !genuine {
            return Ok(None);
        }
        if self.link_day() > expires {
            return Err(ServiceError::LinkExpired);
        }
        Ok(Some(id))
    }
}

/// What the MAC covers besides the fields: a token of another layout never verifies.
const LINK_VERSION: &str = "beredskap-link-2";
/// Bytes of MAC in a token (144 bits: guessing is hopeless, the link stays short).
const MAC_BYTES: usize = 18;
/// Id, last day, MAC.
const TOKEN_BYTES: usize = 8 + 4 + MAC_BYTES;

/// How long a link sent now stays good, by the kind of object it opens. Every message carries
/// a fresh link, so a reminder renews it; an old message's link stops working.
pub fn link_lifetime_days(kind: &str) -> u32 {
    match kind {
        // A booked visit's page: confirm, cancel or move it; visits are booked months ahead at
        // most, and each reminder carries a new link.
        VISIT => 120,
        // A place on a waitlist, and the offer of a freed time.
        WAIT => 60,
        // An invitation to book a meter visit; reminders renew it.
        "meter" => 90,
        // A request to cover a shift, which is about the days just ahead.
        "cover" => 7,
        // An offer of shorter payment terms, and anything else.
        _ => 30,
    }
}

impl Visits {
    /// The token of a visit's link (the last segment of [`Visits::visit_link`]).
    pub async fn visit_token(&self, id: VisitId) -> Result<String> {
        self.s.link_token(VISIT, id.get()).await
    }

    /// The visit's own page: confirm, cancel or move it without logging in.
    pub async fn visit_link(&self, id: VisitId) -> Result<String> {
        Ok(format!(
            "{}/besok/{}",
            self.s.public_url(),
            self.visit_token(id).await?
        ))
    }

    /// The visit a link stands for; a forged or altered token is not found.
    pub async fn visit_by_token(&self, token: &str) -> Result<VisitRow> {
        let id = self
            .s
            .link_id(VISIT, token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        store::visits::visit(self.store(), VisitId::new(id))
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The waitlist entry a link stands for.
    pub(super) async fn wait_id_of(&self, token: &str) -> Result<WaitId> {
        self.s
            .link_id(WAIT, token)
            .await?
            .map(WaitId::new)
            .ok_or(ServiceError::NotFound)
    }
}
