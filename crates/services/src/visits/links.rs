//! Signed links: `id + HMAC(secret)`, so a link can be sent again in every message without
//! storing it and cannot be guessed. The secret is a row in `settings`, created on first use
//! before any write transaction opens (creating it needs the writer). Visits use them for the
//! visit's page and the waitlist; the campaign for booking a meter visit.

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
    /// The key of the MACs, read (or created) once per process.
    pub(crate) async fn link_secret(&self) -> Result<Vec<u8>> {
        if let Some(s) = self.inner.link_secret.get() {
            return Ok(s.clone());
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

    fn mac(secret: &[u8], kind: &str, id: i64) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| {
            <Hmac<Sha256> as Mac>::new_from_slice(&[0u8; 32]).expect("HMAC takes any key length")
        });
        mac.update(kind.as_bytes());
        mac.update(&id.to_be_bytes());
        mac.finalize().into_bytes()[..18].to_vec()
    }

    /// The secret link token of an object (`kind` "visit", "wait", "meter"): its id and a MAC.
    pub async fn link_token(&self, kind: &str, id: i64) -> Result<String> {
        use base64::Engine;
        let secret = self.link_secret().await?;
        let mut raw = id.to_be_bytes().to_vec();
        raw.extend(Self::mac(&secret, kind, id));
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
    }

    /// The id a link token stands for, if the token is genuine.
    pub async fn link_id(&self, kind: &str, token: &str) -> Result<Option<i64>> {
        use base64::Engine;
        let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()) else {
            return Ok(None);
        };
        if raw.len() != 26 {
            return Ok(None);
        }
        let id = i64::from_be_bytes(raw[..8].try_into().unwrap_or([0; 8]));
        let secret = self.link_secret().await?;
        let expected = Self::mac(&secret, kind, id);
        let same = expected
            .iter()
            .zip(&raw[8..])
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        Ok(same.then_some(id))
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
