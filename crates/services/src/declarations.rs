//! "No home visits" declarations (DESIGN §3.2 and §5): a household in a risk group asks not to
//! be visited at home during the meter-exchange campaign.
//!
//! It is health data (GDPR art. 9), so the least is kept, and sealed. The open columns say
//! only that the customer asked not to be visited and when to review that; the consent text the
//! customer accepted, the end date they gave and their own words are sealed with
//! XChaCha20-Poly1305 under a key from configuration (`privacy.declaration_keys`), bound to
//! the customer's id so a sealed value cannot be moved to another row. Keys are named, the
//! first is used for new seals and the others still open old ones until
//! [`Declarations::reseal`] has moved every row to the first. Every opening is in
//! the audit log; planners see only "deferred at the customer's request" and the review date.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use domain::campaign::{
    CampaignProblem, ConsentVersion, MAX_DAYS_AHEAD, MAX_NOTE_CHARS, RecordedBy,
};
use domain::ids::CustomerId;
use domain::problem::Problem;
use domain::role::Role;
use jiff::civil::Date;

use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError, Services};

/// Who may do what with declarations, declared once: the route table and the checks here read
/// these constants.
pub mod roles {
    use domain::role::Role;

    /// Who records, reads or withdraws a caller's declaration: customer service. (A customer
    /// handles only their own.)
    pub const HOME_VISIT_AGENTS: &[Role] = &[Role::Agent, Role::Admin];
    /// Who learns which households are deferred at their request (never why).
    pub const DEFERRAL_READERS: &[Role] = &[Role::Planner, Role::Admin, Role::Agent];
    /// Who deletes every declaration when the campaign closes.
    pub const PURGERS: &[Role] = &[Role::Planner, Role::Admin];
}

pub use crate::keys::{Keyring, KeyringError};

/// The key that seals new declarations.
fn sealing_key(keys: &Keyring) -> Result<(&str, &[u8; 32])> {
    keys.active().ok_or_else(|| {
        ServiceError::Internal("no declaration key configured: set privacy.declaration_keys".into())
    })
}

/// The key a declaration was sealed under.
fn opening_key<'k>(keys: &'k Keyring, id: &str) -> Result<&'k [u8; 32]> {
    keys.get(id).ok_or_else(|| {
        ServiceError::Internal(format!(
            "declaration sealed under key {id}, which is not in privacy.declaration_keys: put it back (after the first key) and run `beredskap privacy reseal`"
        ))
    })
}

/// What is sealed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Sealed {
    consent_text: String,
    until: String,
    note: String,
}

fn aad(customer_id: CustomerId, key_id: &str) -> Vec<u8> {
    format!("beredskap:home_visit_declaration:{customer_id}:{key_id}").into_bytes()
}

fn seal(
    key_id: &str,
    key: &[u8; 32],
    customer_id: CustomerId,
    s: &Sealed,
) -> Result<(String, String)> {
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
    let key = opening_key(keys, &row.key_id)?;
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
    /// The version of the consent text shown, as the form sent it back.
    pub consent_version: String,
    /// Until when (the review date), `YYYY-MM-DD`.
    pub until: String,
    /// The customer's own words, optional.
    pub note: String,
}

/// A declaration opened for the customer or an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub customer_id: CustomerId,
    pub consent_version: ConsentVersion,
    /// The consent text the customer accepted, as sealed (Swedish).
    pub consent_text: String,
    pub consented_at: i64,
    pub until: Date,
    pub note: String,
    pub recorded_by: RecordedBy,
}

/// What a planner may know: the household asked not to be visited, and when to review it.
pub type Deferral = store::declarations::DeferralRow;

/// A declaration checked: the version accepted, the review date and the note.
struct Checked<'a> {
    version: ConsentVersion,
    until: Date,
    note: &'a str,
}

/// "No home visits" declarations: `services.declarations()`.
#[derive(Clone)]
pub struct Declarations {
    s: Services,
}

impl Declarations {
    pub(crate) fn new(s: Services) -> Declarations {
        Declarations { s }
    }

    /// Who may act on a customer's declaration: the customer themselves, or customer service.
    fn may_handle(actor: &Actor, customer_id: CustomerId) -> bool {
        match actor.role {
            Some(Role::Customer) => actor.customer_id == Some(customer_id),
            Some(r) => roles::HOME_VISIT_AGENTS.contains(&r),
            None => false,
        }
    }

    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        customer_id: CustomerId,
        outcome: Outcome,
    ) -> Result<()> {
        audit::record_alone(
            &self.s,
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

    /// Refuses (audited) an actor who may not handle this customer's declaration.
    async fn require(&self, actor: &Actor, action: &str, customer_id: CustomerId) -> Result<()> {
        if Self::may_handle(actor, customer_id) {
            return Ok(());
        }
        self.audit(actor, action, customer_id, Outcome::Denied)
            .await?;
        Err(ServiceError::Forbidden)
    }

    /// Checks a declaration as given: the consent text in use accepted, a review date after
    /// today and within a year, a note of bounded length.
    fn checked<'a>(&self, form: &'a DeclarationForm) -> Result<Checked<'a>> {
        let version = ConsentVersion::parse(form.consent_version.trim())
            .ok_or_else(|| ServiceError::invalid("consent", CampaignProblem::ConsentOutdated))?;
        if !form.consent {
            return Err(ServiceError::invalid(
                "consent",
                CampaignProblem::ConsentRequired,
            ));
        }
        let today = self.s.today();
        let until = domain::time::parse_date(form.until.trim())
            .map_err(|e| ServiceError::invalid("until", e))?;
        let latest = today.saturating_add(jiff::Span::new().days(MAX_DAYS_AHEAD));
        if until <= today || until > latest {
            return Err(ServiceError::invalid(
                "until",
                CampaignProblem::ReviewDate { latest },
            ));
        }
        let note = form.note.trim();
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(ServiceError::invalid(
                "note",
                Problem::TooLong {
                    max: MAX_NOTE_CHARS,
                },
            ));
        }
        Ok(Checked {
            version,
            until,
            note,
        })
    }

    /// Records (or replaces) a customer's "no home visits" declaration.
    pub async fn declare(
        &self,
        actor: &Actor,
        customer_id: CustomerId,
        form: &DeclarationForm,
    ) -> Result<()> {
        self.require(actor, "declaration_recorded", customer_id)
            .await?;
        let c = self.checked(form)?;
        let (key_id, key) = sealing_key(self.s.declaration_keys())?;
        let sealed = Sealed {
            consent_text: views::campaign::consent_text(views::Lang::Sv, c.version),
            until: c.until.to_string(),
            note: c.note.to_owned(),
        };
        let (nonce, ct) = seal(key_id, key, customer_id, &sealed)?;
        let recorded_by = if actor.role == Some(Role::Customer) {
            RecordedBy::Customer
        } else {
            RecordedBy::Agent
        };
        let campaign = self.s.campaign();
        let context = campaign.declaration_context().await?;
        let mut tx = self.s.store().begin().await?;
        store::declarations::upsert(
            &mut tx,
            &store::declarations::NewDeclaration {
                customer_id,
                key_id,
                nonce: &nonce,
                sealed: &ct,
                consent_version: c.version,
                consented_at: self.s.now_micros(),
                review_on: c.until,
                recorded_by,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "declaration_recorded",
                object_kind: "home_visit_declaration",
                object_id: &customer_id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("consent {}", c.version),
            },
        )
        .await?;
        // The household's visits leave the plan in the same transaction: nobody is visited
        // after they declared, whatever their visit stood at.
        if let Some(context) = &context {
            campaign
                .declaration_changed(&mut tx, context, customer_id, Some(c.until))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Opens the customer's declaration, if any. Every call is in the audit log.
    pub async fn read(
        &self,
        actor: &Actor,
        customer_id: CustomerId,
    ) -> Result<Option<Declaration>> {
        self.require(actor, "declaration_read", customer_id).await?;
        self.audit(actor, "declaration_read", customer_id, Outcome::Success)
            .await?;
        let Some(row) = store::declarations::of_customer(self.s.store(), customer_id).await? else {
            return Ok(None);
        };
        let s = open(self.s.declaration_keys(), &row)?;
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
    pub async fn withdraw(&self, actor: &Actor, customer_id: CustomerId) -> Result<bool> {
        self.require(actor, "declaration_withdrawn", customer_id)
            .await?;
        let campaign = self.s.campaign();
        let context = campaign.declaration_context().await?;
        let mut tx = self.s.store().begin().await?;
        let existed = store::declarations::delete(&mut tx, customer_id).await?;
        // Released visits go back to be planned at once.
        if let Some(context) = &context {
            campaign
                .declaration_changed(&mut tx, context, customer_id, None)
                .await?;
        }
        audit::record(
            &mut tx,
            &self.s,
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
    pub async fn deferred(&self, actor: &Actor) -> Result<Vec<Deferral>> {
        if actor
            .role
            .is_some_and(|r| !roles::DEFERRAL_READERS.contains(&r))
        {
            return Err(ServiceError::Forbidden);
        }
        let rows = store::declarations::deferred(self.s.store()).await?;
        audit::record_alone(
            &self.s,
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
        Ok(rows)
    }

    /// Deletes every declaration: the campaign has closed.
    pub async fn purge(&self, actor: &Actor) -> Result<u64> {
        if actor.role.is_some_and(|r| !roles::PURGERS.contains(&r)) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.s.store().begin().await?;
        let n = store::declarations::delete_all(&mut tx).await?;
        audit::record(
            &mut tx,
            &self.s,
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
    pub async fn reseal(&self, actor: &Actor) -> Result<u64> {
        let keys = self.s.declaration_keys();
        let (key_id, key) = sealing_key(keys)?;
        let mut tx = self.s.store().begin().await?;
        let rows = store::declarations::not_under_key(&mut tx, key_id).await?;
        for row in &rows {
            let s = open(keys, row)?;
            let (nonce, ct) = seal(key_id, key, row.customer_id, &s)?;
            store::declarations::reseal(&mut tx, row.id, key_id, &nonce, &ct).await?;
        }
        audit::record(
            &mut tx,
            &self.s,
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
        assert_eq!(Keyring::parse(&k).unwrap_err(), KeyringError::NoName(1));
        assert!(
            Keyring::parse(&k)
                .unwrap_err()
                .to_string()
                .contains("no name")
        );
        assert_eq!(
            Keyring::parse("a:!!").unwrap_err(),
            KeyringError::NotBase64("a".into())
        );
        assert_eq!(
            Keyring::parse("a:AAAA").unwrap_err(),
            KeyringError::WrongLength {
                name: "a".into(),
                found: 3
            }
        );
        assert!(matches!(
            Keyring::parse("ö:AAAA").unwrap_err(),
            KeyringError::BadName { position: 1, .. }
        ));
        assert_eq!(
            Keyring::parse(&format!("a:{k},a:{k}")).unwrap_err(),
            KeyringError::Twice("a".into())
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
        let five = CustomerId::new(5);
        let (nonce, ct) = seal("old", &[2u8; 32], five, &s).unwrap();
        let mut row = store::declarations::DeclarationRow {
            id: domain::ids::DeclarationId::new(1),
            customer_id: five,
            key_id: "old".into(),
            nonce,
            sealed: ct,
            consent_version: ConsentVersion::CURRENT,
            consented_at: 0,
            review_on: jiff::civil::date(2027, 1, 31),
            recorded_by: RecordedBy::Customer,
        };
        assert_eq!(open(&keys, &row).unwrap(), s);
        // Moved to another customer's row, it does not open.
        row.customer_id = CustomerId::new(6);
        assert!(open(&keys, &row).is_err());
        row.customer_id = five;
        row.key_id = "new".into();
        assert!(open(&keys, &row).is_err());
        row.key_id = "gone".into();
        assert!(open(&keys, &row).is_err());
    }
}
