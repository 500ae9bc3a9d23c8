//! "No home visits" declarations (DESIGN §3.2 and §5): a household in a risk group asks not to
//! be visited at home during the meter-exchange campaign.
//!
//! It is health data (GDPR art. 9), so the least is kept, and sealed. The open columns say
//! only that the customer asked not to be visited and when to review that; the consent text the
//! customer accepted, the end date they gave and their own words are sealed with
//! XChaCha20-Poly1305 under a key from configuration (`privacy.declaration_keys`), bound to
//! the customer's id so a sealed value cannot be moved to another row. Keys are named, the
//! first is used for new seals and the others still open old ones until
//! [`Services::reseal_declarations`] has moved every row to the first. Every opening is in
//! the audit log; planners see only "deferred at the customer's request" and the review date.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use domain::role::Role;
use jiff::civil::Date;

use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError, Services};

/// The consent text the customer accepts, by version. A new wording gets a new version; old
/// versions stay so every declaration names the text it was given under.
pub const CONSENT_TEXTS: &[(&str, &str, &str)] = &[(
    "2026-11-1",
    "Jag ber att ingen från Beredskap eller någon underentreprenör besöker min bostad under mätarbytet, \
     eftersom någon i hushållet tillhör en riskgrupp. Ni får spara den här begäran tills jag återkallar \
     den eller mätarbytet är avslutat. Ni sparar inte varför, och planerarna ser bara att besöket är \
     uppskjutet på min begäran. Jag kan återkalla begäran när som helst.",
    "I ask that nobody from Beredskap or a subcontractor visits my home during the meter exchange, \
     because someone in the household belongs to a risk group. You may keep this request until I \
     withdraw it or the meter exchange has ended. You do not keep why, and planners only see that the \
     visit is deferred at my request. I can withdraw the request at any time.",
)];

/// The version new declarations are given under.
pub const CONSENT_VERSION: &str = CONSENT_TEXTS[0].0;

/// The consent text of a version, Swedish and English.
pub fn consent_text(version: &str) -> Option<(&'static str, &'static str)> {
    CONSENT_TEXTS
        .iter()
        .find(|(v, _, _)| *v == version)
        .map(|(_, sv, en)| (*sv, *en))
}

/// The longest note a customer may add (their own words; they are asked not to name illnesses).
pub const MAX_NOTE_CHARS: usize = 500;

/// The furthest ahead a declaration may run before it must be renewed.
pub const MAX_DAYS_AHEAD: i32 = 366;

/// Named 256-bit keys; the first seals, all open.
#[derive(Clone, Default)]
pub struct Keyring {
    keys: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|(id, _)| format!("{id}:***")))
            .finish()
    }
}

impl Keyring {
    /// Parses `id:BASE64,id:BASE64…` (the first key seals). Each key is 32 random bytes in
    /// standard base64, e.g. from `openssl rand -base64 32`.
    pub fn parse(spec: &str) -> std::result::Result<Keyring, String> {
        let mut keys = Vec::new();
        for (i, part) in spec
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            let Some((id, b64)) = part.split_once(':') else {
                return Err(format!(
                    "key {} has no name: write NAME:BASE64, e.g. 2026a:$(openssl rand -base64 32)",
                    i + 1
                ));
            };
            let id = id.trim();
            if id.is_empty()
                || id.len() > 32
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(format!(
                    "key {}: the name {id:?} must be 1–32 letters, digits, - or _",
                    i + 1
                ));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| {
                    format!("key {id}: not base64; make one with `openssl rand -base64 32`")
                })?;
            let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
                format!(
                    "key {id}: {} bytes, a key is 32; make one with `openssl rand -base64 32`",
                    b.len()
                )
            })?;
            if keys.iter().any(|(k, _)| k == id) {
                return Err(format!("key {id} is named twice"));
            }
            keys.push((id.to_owned(), key));
        }
        Ok(Keyring { keys })
    }

    /// A key that lives as long as the process: the demo's, whose database is rebuilt each run.
    pub fn ephemeral() -> Keyring {
        Keyring {
            keys: vec![("demo".to_owned(), rand::random())],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn active(&self) -> Result<(&str, &[u8; 32])> {
        self.keys
            .first()
            .map(|(id, k)| (id.as_str(), k))
            .ok_or_else(|| {
                ServiceError::Internal(
                    "no declaration key configured: set privacy.declaration_keys".into(),
                )
            })
    }

    fn get(&self, id: &str) -> Result<&[u8; 32]> {
        self.keys
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, k)| k)
            .ok_or_else(|| {
                ServiceError::Internal(format!(
                    "declaration sealed under key {id}, which is not in privacy.declaration_keys: put it back (after the first key) and run `beredskap privacy reseal`"
                ))
            })
    }
}

/// What is sealed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Sealed {
    consent_text: String,
    until: String,
    note: String,
}

fn aad(customer_id: i64, key_id: &str) -> Vec<u8> {
    format!("beredskap:home_visit_declaration:{customer_id}:{key_id}").into_bytes()
}

fn seal(key_id: &str, key: &[u8; 32], customer_id: i64, s: &Sealed) -> Result<(String, String)> {
    let cipher = XChaCha20Poly1305::new_from_slice(key)
        .map_err(|_| ServiceError::Internal("declaration key".into()))?;
    let nonce: [u8; 24] = rand::random();
    let msg = serde_json::to_vec(s).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &msg,
                aad: &aad(customer_id, key_id),
            },
        )
        .map_err(|_| ServiceError::Internal("sealing a declaration failed".into()))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok((b64.encode(nonce), b64.encode(ct)))
}

fn open(keys: &Keyring, row: &store::declarations::DeclarationRow) -> Result<Sealed> {
    let key = keys.get(&row.key_id)?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let broken = || ServiceError::Internal(format!("declaration {} cannot be opened", row.id));
    let nonce = b64.decode(&row.nonce).map_err(|_| broken())?;
    let ct = b64.decode(&row.sealed).map_err(|_| broken())?;
    if nonce.len() != 24 {
        return Err(broken());
    }
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| broken())?;
    let msg = cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ct,
                aad: &aad(row.customer_id, &row.key_id),
            },
        )
        .map_err(|_| broken())?;
    serde_json::from_slice(&msg).map_err(|_| broken())
}

/// A declaration as the customer or an agent on the phone gives it.
#[derive(Debug, Clone)]
pub struct DeclarationForm {
    /// The customer accepted the consent text of `consent_version`.
    pub consent: bool,
    pub consent_version: String,
    /// Until when (the review date), `YYYY-MM-DD`.
    pub until: String,
    /// The customer's own words, optional.
    pub note: String,
}

/// A declaration opened for the customer or an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub customer_id: i64,
    pub consent_version: String,
    pub consent_text: String,
    pub consented_at: i64,
    pub until: Date,
    pub note: String,
    pub recorded_by: String,
}

/// What a planner may know: the household asked not to be visited, and when to review it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferral {
    pub customer_id: i64,
    pub review_on: String,
}

impl Services {
    /// Who may act on a customer's declaration: the customer themselves, or customer service.
    fn may_handle_declaration(actor: &Actor, customer_id: i64) -> bool {
        match actor.role {
            Some(Role::Customer) => {
                actor.customer_id == Some(domain::ids::CustomerId::new(customer_id))
            }
            Some(Role::Agent | Role::Admin) => true,
            _ => false,
        }
    }

    async fn audit_declaration(
        &self,
        actor: &Actor,
        action: &str,
        customer_id: i64,
        outcome: Outcome,
    ) -> Result<()> {
        audit::record_alone(
            self,
            actor,
            &Event {
                action,
                object_kind: "home_visit_declaration",
                object_id: &customer_id.to_string(),
                outcome,
                detail: "",
            },
        )
        .await
    }

    /// Records (or replaces) a customer's "no home visits" declaration.
    pub async fn declare_no_home_visits(
        &self,
        actor: &Actor,
        customer_id: i64,
        form: &DeclarationForm,
    ) -> Result<()> {
        if !Self::may_handle_declaration(actor, customer_id) {
            self.audit_declaration(actor, "declaration_recorded", customer_id, Outcome::Denied)
                .await?;
            return Err(ServiceError::Forbidden);
        }
        let (consent_text, _) = consent_text(&form.consent_version).ok_or_else(|| {
            ServiceError::invalid(
                "consent",
                "Texten du godkände finns inte längre; läs den nya och godkänn igen.",
            )
        })?;
        if !form.consent {
            return Err(ServiceError::invalid(
                "consent",
                "Kryssa i att du godkänner texten; utan ditt samtycke kan vi inte spara begäran.",
            ));
        }
        let today = self.today();
        let until = domain::time::parse_date(form.until.trim()).map_err(|_| {
            ServiceError::invalid(
                "until",
                "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2027-03-31.",
            )
        })?;
        let latest = today.saturating_add(jiff::Span::new().days(MAX_DAYS_AHEAD));
        if until <= today || until > latest {
            return Err(ServiceError::invalid(
                "until",
                format!("Välj ett datum efter i dag och senast {latest}."),
            ));
        }
        let note = form.note.trim();
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(ServiceError::invalid(
                "note",
                format!("Skriv högst {MAX_NOTE_CHARS} tecken."),
            ));
        }
        let (key_id, key) = self.declaration_keys().active()?;
        let sealed = Sealed {
            consent_text: consent_text.to_owned(),
            until: until.to_string(),
            note: note.to_owned(),
        };
        let (nonce, ct) = seal(key_id, key, customer_id, &sealed)?;
        let recorded_by = if actor.role == Some(Role::Customer) {
            "customer"
        } else {
            "agent"
        };
        let mut tx = self.store().begin().await?;
        store::declarations::upsert(
            &mut tx,
            &store::declarations::NewDeclaration {
                customer_id,
                key_id,
                nonce: &nonce,
                sealed: &ct,
                consent_version: &form.consent_version,
                consented_at: self.now_micros(),
                review_on: &until.to_string(),
                recorded_by,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "declaration_recorded",
                object_kind: "home_visit_declaration",
                object_id: &customer_id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("consent {}", form.consent_version),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens the customer's declaration, if any. Every call is in the audit log.
    pub async fn read_declaration(
        &self,
        actor: &Actor,
        customer_id: i64,
    ) -> Result<Option<Declaration>> {
        if !Self::may_handle_declaration(actor, customer_id) {
            self.audit_declaration(actor, "declaration_read", customer_id, Outcome::Denied)
                .await?;
            return Err(ServiceError::Forbidden);
        }
        self.audit_declaration(actor, "declaration_read", customer_id, Outcome::Success)
            .await?;
        let Some(row) = store::declarations::of_customer(self.store(), customer_id).await? else {
            return Ok(None);
        };
        let s = open(self.declaration_keys(), &row)?;
        Ok(Some(Declaration {
            customer_id,
            consent_version: row.consent_version,
            consent_text: s.consent_text,
            consented_at: row.consented_at,
            until: domain::time::parse_date(&s.until)
                .map_err(|_| ServiceError::Internal("declaration date".into()))?,
            note: s.note,
            recorded_by: row.recorded_by,
        }))
    }

    /// Withdraws the declaration: the row is deleted at once. True when there was one.
    pub async fn withdraw_declaration(&self, actor: &Actor, customer_id: i64) -> Result<bool> {
        if !Self::may_handle_declaration(actor, customer_id) {
            self.audit_declaration(actor, "declaration_withdrawn", customer_id, Outcome::Denied)
                .await?;
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        let existed = store::declarations::delete(&mut tx, customer_id).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "declaration_withdrawn",
                object_kind: "home_visit_declaration",
                object_id: &customer_id.to_string(),
                outcome: Outcome::Success,
                detail: if existed { "" } else { "none held" },
            },
        )
        .await?;
        tx.commit().await?;
        Ok(existed)
    }

    /// The households to defer, for planning: no reason, only the review date. Listed in the
    /// audit log as one read.
    pub async fn deferred_at_request(&self, actor: &Actor) -> Result<Vec<Deferral>> {
        if !matches!(
            actor.role,
            Some(Role::Planner | Role::Admin | Role::Agent) | None
        ) {
            return Err(ServiceError::Forbidden);
        }
        let rows = store::declarations::deferred(self.store()).await?;
        audit::record_alone(
            self,
            actor,
            &Event {
                action: "declarations_listed",
                object_kind: "home_visit_declaration",
                object_id: "*",
                outcome: Outcome::Success,
                detail: &format!("{} deferred at the customer's request", rows.len()),
            },
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(customer_id, review_on)| Deferral {
                customer_id,
                review_on,
            })
            .collect())
    }

    /// Deletes every declaration: the campaign has closed.
    pub async fn purge_declarations(&self, actor: &Actor) -> Result<u64> {
        if !matches!(actor.role, Some(Role::Planner | Role::Admin) | None) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        let n = store::declarations::delete_all(&mut tx).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "declarations_purged",
                object_kind: "home_visit_declaration",
                object_id: "*",
                outcome: Outcome::Success,
                detail: &format!("{n} deleted"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Re-seals every declaration under the first configured key (after a new key was put
    /// first); old keys can be removed afterwards. Returns how many were re-sealed.
    pub async fn reseal_declarations(&self, actor: &Actor) -> Result<u64> {
        let (key_id, key) = self.declaration_keys().active()?;
        let mut tx = self.store().begin().await?;
        let rows = store::declarations::not_under_key(&mut tx, key_id).await?;
        for row in &rows {
            let s = open(self.declaration_keys(), row)?;
            let (nonce, ct) = seal(key_id, key, row.customer_id, &s)?;
            store::declarations::reseal(&mut tx, row.id, key_id, &nonce, &ct).await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "declarations_resealed",
                object_kind: "home_visit_declaration",
                object_id: "*",
                outcome: Outcome::Success,
                detail: &format!("{} re-sealed under key {key_id}", rows.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_parse_names_the_problem() {
        let k = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert!(Keyring::parse(&format!("a:{k},b:{k}")).is_ok());
        assert!(Keyring::parse("").unwrap().is_empty());
        assert!(Keyring::parse(&k).unwrap_err().contains("no name"));
        assert!(Keyring::parse("a:!!").unwrap_err().contains("base64"));
        assert!(Keyring::parse("a:AAAA").unwrap_err().contains("32"));
        assert!(
            Keyring::parse(&format!("a:{k},a:{k}"))
                .unwrap_err()
                .contains("twice")
        );
        assert!(!format!("{:?}", Keyring::parse(&format!("a:{k}")).unwrap()).contains(&k));
    }

    #[test]
    fn a_seal_opens_only_with_its_key_and_for_its_customer() {
        let keys = Keyring::parse(&format!(
            "new:{},old:{}",
            base64::engine::general_purpose::STANDARD.encode([1u8; 32]),
            base64::engine::general_purpose::STANDARD.encode([2u8; 32])
        ))
        .unwrap();
        let s = Sealed {
            consent_text: "text".into(),
            until: "2027-01-31".into(),
            note: "min egen text".into(),
        };
        let (nonce, ct) = seal("old", &[2u8; 32], 5, &s).unwrap();
        let mut row = store::declarations::DeclarationRow {
            id: 1,
            customer_id: 5,
            key_id: "old".into(),
            nonce,
            sealed: ct,
            consent_version: CONSENT_VERSION.into(),
            consented_at: 0,
            review_on: "2027-01-31".into(),
            recorded_by: "customer".into(),
        };
        assert_eq!(open(&keys, &row).unwrap(), s);
        // Moved to another customer's row, it does not open.
        row.customer_id = 6;
        assert!(open(&keys, &row).is_err());
        row.customer_id = 5;
        row.key_id = "new".into();
        assert!(open(&keys, &row).is_err());
        row.key_id = "gone".into();
        assert!(open(&keys, &row).is_err());
    }
}
