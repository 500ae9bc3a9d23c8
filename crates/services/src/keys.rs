//! Named 256-bit keys from configuration, the first in use and the rest kept for what older
//! keys made: `privacy.declaration_keys` seals health declarations, `security.keys` signs
//! links, keys the audit chain and seals second-factor secrets. Rotation is adding a new key
//! first and dropping an old one once nothing needs it (docs/security.md).

use base64::Engine;

/// A key ring in configuration (`privacy.declaration_keys`, `security.keys`) that cannot be used. `Display` is for the command
/// line and the log (configuration errors are read by operators, in English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    #[error("key {0} has no name: write NAME:BASE64, e.g. 2026a:$(openssl rand -base64 32)")]
    NoName(usize),
    #[error("key {position}: the name {name:?} must be 1–32 letters, digits, - or _")]
    BadName { position: usize, name: String },
    #[error("key {0}: not base64; make one with `openssl rand -base64 32`")]
    NotBase64(String),
    #[error("key {name}: {found} bytes, a key is 32; make one with `openssl rand -base64 32`")]
    WrongLength { name: String, found: usize },
    #[error("key {0} is named twice")]
    Twice(String),
}

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
    pub fn parse(spec: &str) -> std::result::Result<Keyring, KeyringError> {
        let mut keys = Vec::new();
        for (i, part) in spec
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            let Some((id, b64)) = part.split_once(':') else {
                return Err(KeyringError::NoName(i + 1));
            };
            let id = id.trim();
            if id.is_empty()
                || id.len() > 32
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(KeyringError::BadName {
                    position: i + 1,
                    name: id.to_owned(),
                });
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| KeyringError::NotBase64(id.to_owned()))?;
            let key: [u8; 32] =
                bytes
                    .try_into()
                    .map_err(|b: Vec<u8>| KeyringError::WrongLength {
                        name: id.to_owned(),
                        found: b.len(),
                    })?;
            if keys.iter().any(|(k, _)| k == id) {
                return Err(KeyringError::Twice(id.to_owned()));
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

    /// The first key: the one that signs and seals.
    pub(crate) fn active(&self) -> Option<(&str, &[u8; 32])> {
        self.keys.first().map(|(id, k)| (id.as_str(), k))
    }

    /// A key by its name.
    pub(crate) fn get(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, k)| k)
    }

    /// Every key, the signing one first.
    pub(crate) fn all(&self) -> impl Iterator<Item = (&str, &[u8; 32])> {
        self.keys.iter().map(|(id, k)| (id.as_str(), k))
    }
}

/// A short secret sealed under the first key, bound to `context` (what it is and whose):
/// `sealed:NAME:NONCE:CIPHERTEXT` in base64. Without keys, the secret is kept as given.
pub(crate) fn seal_text(
    keys: &Keyring,
    context: &str,
    secret: &str,
) -> crate::error::Result<String> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let Some((name, key)) = keys.active() else {
        return Ok(secret.to_owned());
    };
    let cipher = XChaCha20Poly1305::new_from_slice(key)
        .map_err(|_| crate::ServiceError::Internal("security key".into()))?;
    let nonce: [u8; 24] = rand::random();
    let aad = format!("{context}:{name}");
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| crate::ServiceError::Internal("sealing a secret failed".into()))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(format!(
        "{SEALED}{name}:{}:{}",
        b64.encode(nonce),
        b64.encode(ct)
    ))
}

/// Opens what [`seal_text`] sealed (a value kept as given comes back as it is).
pub(crate) fn open_text(
    keys: &Keyring,
    context: &str,
    stored: &str,
) -> crate::error::Result<String> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let Some(rest) = stored.strip_prefix(SEALED) else {
        return Ok(stored.to_owned());
    };
    let broken = |why: &str| crate::ServiceError::Internal(format!("sealed secret: {why}"));
    let mut parts = rest.splitn(3, ':');
    let (Some(name), Some(nonce), Some(ct)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(broken("malformed"));
    };
    let key = keys.get(name).ok_or_else(|| {
        broken(&format!(
            "sealed under key {name}, which is not in security.keys: put it back after the first key"
        ))
    })?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let nonce = b64.decode(nonce).map_err(|_| broken("nonce"))?;
    let ct = b64.decode(ct).map_err(|_| broken("ciphertext"))?;
    if nonce.len() != 24 {
        return Err(broken("nonce length"));
    }
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| broken("key"))?;
    let aad = format!("{context}:{name}");
    let msg = cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ct,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| broken("does not open (another key, or moved from another row)"))?;
    String::from_utf8(msg).map_err(|_| broken("not text"))
}

/// Whether a stored value is sealed under the key now in use (otherwise it is sealed again when
/// next used).
pub(crate) fn sealed_under_active(keys: &Keyring, stored: &str) -> bool {
    match keys.active() {
        Some((name, _)) => stored
            .strip_prefix(SEALED)
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(n, _)| n == name),
        None => !stored.starts_with(SEALED),
    }
}

const SEALED: &str = "sealed:";

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(spec: &[(&str, u8)]) -> Keyring {
        let b64 = base64::engine::general_purpose::STANDARD;
        Keyring::parse(
            &spec
                .iter()
                .map(|(n, b)| format!("{n}:{}", b64.encode([*b; 32])))
                .collect::<Vec<_>>()
                .join(","),
        )
        .unwrap()
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_its_context() {
        let old = ring(&[("a", 1)]);
        let sealed = seal_text(&old, "totp:7", "JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with("sealed:a:") && !sealed.contains("JBSWY3DP"));
        assert_eq!(
            open_text(&old, "totp:7", &sealed).unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        // Moved to another user's row: does not open.
        assert!(open_text(&old, "totp:8", &sealed).is_err());
        // Rotated: the new key first, the old one kept, old seals still open and are due.
        let rotated = ring(&[("b", 2), ("a", 1)]);
        assert_eq!(
            open_text(&rotated, "totp:7", &sealed).unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        assert!(sealed_under_active(&old, &sealed) && !sealed_under_active(&rotated, &sealed));
        // The old key dropped too soon: the error names it.
        let e = open_text(&ring(&[("b", 2)]), "totp:7", &sealed).unwrap_err();
        assert!(format!("{e}").contains("key a"), "{e}");
        // Without keys a secret is kept as given, and a plain one is due for sealing.
        let none = Keyring::default();
        assert_eq!(seal_text(&none, "totp:7", "X").unwrap(), "X");
        assert_eq!(open_text(&none, "totp:7", "X").unwrap(), "X");
        assert!(!sealed_under_active(&old, "X"));
    }
}
