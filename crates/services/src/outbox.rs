//! Notifications: every message is an outbox row first, written in the same transaction as the
//! change it reports, and handed to a transport after commit by the outbox worker.
//!
//! Transports: e-mail over SMTP (lettre), SMS over a provider's HTTP API (JSON POST with a bearer
//! token), and letters, which are printable HTML handed to the print queue. In demo mode nothing
//! leaves the machine: messages are `held` and shown on the Outbox page.

use std::time::Duration;

use domain::customer::Channel;
use domain::ids::{CustomerId, OutboxId};
use domain::outbox::OutboxStatus;
use lettre::message::{Attachment, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use store::Tx;
pub use store::outbox::OutboxRow;
use views::messages::{CustomerMessage, Rendered};

use crate::Services;
use crate::error::{Result, ServiceError};

/// Who reads the outbox pages.
pub mod roles {
    use domain::role::Role;

    /// Customer service (who answer "did you send it?") and admins.
    pub const READERS: &[Role] = &[Role::Agent, Role::Admin];
}

#[derive(Clone, Debug, Default)]
pub struct TransportSettings {
    pub smtp: Option<SmtpSettings>,
    pub sms: Option<SmsSettings>,
}

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none` only for a relay on the same host; otherwise STARTTLS or implicit TLS.
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub from: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    None,
    Starttls,
    Tls,
}

#[derive(Clone, Debug)]
pub struct SmsSettings {
    pub url: String,
    pub token: SecretString,
    pub sender: String,
}

/// Where a message to a customer goes: the channel the customer prefers when they can be
/// reached on it (a letter always can), else e-mail when an address is known, else a letter.
/// `letter_address` is the postal address a letter carries, name first.
pub fn customer_route(
    preferred: Channel,
    email: Option<&str>,
    phone: Option<&str>,
    letter_address: &str,
) -> (Channel, String) {
    let email = email.filter(|e| !e.trim().is_empty());
    let phone = phone.filter(|p| !p.trim().is_empty());
    match (preferred, email, phone) {
        (Channel::Email, Some(e), _) => (Channel::Email, e.to_owned()),
        (Channel::Sms, _, Some(p)) => (Channel::Sms, p.to_owned()),
        (Channel::Letter, _, _) => (Channel::Letter, letter_address.to_owned()),
        (_, Some(e), _) => (Channel::Email, e.to_owned()),
        _ => (Channel::Letter, letter_address.to_owned()),
    }
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    pub customer_id: Option<CustomerId>,
    pub recipient: String,
    pub subject: String,
    /// The plain-text body (e-mail, letter) or the whole text message (SMS).
    pub body: String,
    /// The HTML body of an e-mail or a letter.
    pub html: Option<String>,
    pub attachment: Option<MessageAttachment>,
    /// The same key queued twice is one message (a retried job does not message twice).
    pub dedupe_key: Option<String>,
}

impl Message {
    /// A message rendered from its template (`views::messages`) to a customer on `route`
    /// (see [`customer_route`]): the text-message block for SMS, the text and HTML otherwise.
    pub fn rendered(
        route: (Channel, String),
        customer: Option<CustomerId>,
        content: Rendered,
        dedupe_key: String,
    ) -> Message {
        let (channel, recipient) = route;
        let (body, html) = match channel {
            Channel::Sms => (content.sms, None),
            Channel::Email | Channel::Letter => (content.text, Some(content.html)),
        };
        Message {
            channel,
            customer_id: customer,
            recipient,
            subject: content.subject,
            body,
            html,
            attachment: None,
            dedupe_key: Some(dedupe_key),
        }
    }
}

/// Someone told on an address of their own choosing (a visitor to the customer centre, who may
/// be no customer of record), in their language; a customer is told with [`Services::tell`].
#[derive(Debug, Clone)]
pub struct Recipient<'a> {
    pub customer_id: Option<CustomerId>,
    pub language: domain::customer::Language,
    pub channel: Channel,
    pub address: &'a str,
}

#[derive(Debug, Clone)]
pub struct MessageAttachment {
    pub name: String,
    pub content_type: String,
    pub body: String,
}

impl Services {
    /// Queues a message inside the caller's transaction. Returns `None` for a repeated dedupe key.
    pub async fn queue_message(&self, tx: &mut Tx, m: &Message) -> Result<Option<OutboxId>> {
        if m.recipient.trim().is_empty() {
            // The customer has no address on this channel.
            return Err(ServiceError::invalid(
                "recipient",
                domain::problem::Problem::Required,
            ));
        }
        let status = if self.demo_mode() {
            OutboxStatus::Held
        } else {
            OutboxStatus::Pending
        };
        Ok(store::outbox::insert(
            tx,
            &store::outbox::NewMessage {
                channel: m.channel,
                customer_id: m.customer_id,
                recipient: &m.recipient,
                subject: &m.subject,
                body_text: &m.body,
                body_html: m.html.as_deref(),
                attachment: m
                    .attachment
                    .as_ref()
                    .map(|a| (a.name.as_str(), a.content_type.as_str(), a.body.as_str())),
                status,
                dedupe_key: m.dedupe_key.as_deref(),
                now: self.now_micros(),
            },
        )
        .await?)
    }

    /// Tells a customer something: renders `message` in the customer's language and queues it
    /// on their channel inside the caller's transaction. The same `dedupe_key` again is one
    /// message (returns `None`).
    pub async fn tell(
        &self,
        tx: &mut Tx,
        contact: &store::customers::Contact,
        message: &dyn CustomerMessage,
        dedupe_key: String,
    ) -> Result<Option<OutboxId>> {
        let content = message
            .render(contact.language)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let route = customer_route(
            contact.preferred_channel,
            contact.email.as_deref(),
            contact.phone.as_deref(),
            &contact.letter_address,
        );
        self.queue_message(
            tx,
            &Message::rendered(route, Some(contact.id), content, dedupe_key),
        )
        .await
    }

    /// Tells a [`Recipient`] something, like [`Services::tell`], with an optional attachment
    /// (a visit's calendar entry).
    pub async fn tell_to(
        &self,
        tx: &mut Tx,
        to: &Recipient<'_>,
        message: &dyn CustomerMessage,
        dedupe_key: String,
        attachment: Option<MessageAttachment>,
    ) -> Result<Option<OutboxId>> {
        let content = message
            .render(to.language)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut m = Message::rendered(
            (to.channel, to.address.to_owned()),
            to.customer_id,
            content,
            dedupe_key,
        );
        m.attachment = attachment;
        self.queue_message(tx, &m).await
    }

    pub async fn outbox(&self, limit: i64, offset: i64) -> Result<Vec<OutboxRow>> {
        Ok(store::outbox::list(self.store(), limit, offset).await?)
    }

    pub async fn outbox_message(&self, id: OutboxId) -> Result<OutboxRow> {
        store::outbox::get(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// How long a sender holds the messages it claimed: longer than a batch takes to send;
    /// a server that dies leaves them to another sender after it.
    pub const OUTBOX_CLAIM: std::time::Duration = std::time::Duration::from_secs(300);

    /// Hands pending messages to their transports; returns (sent, failed). The batch is
    /// claimed first, so two servers' senders never send the same message. A failed message
    /// stays pending for the next run until it has failed five times.
    pub async fn deliver_pending(
        &self,
        transports: &Transports,
        limit: i64,
    ) -> Result<(usize, usize)> {
        let now = self.now_micros();
        let lease = i64::try_from(Self::OUTBOX_CLAIM.as_micros()).unwrap_or(i64::MAX);
        let rows =
            store::outbox::claim_pending(self.store(), limit, now, now.saturating_add(lease))
                .await?;
        let (mut sent, mut failed) = (0, 0);
        for row in rows {
            let outcome = transports.send(&row).await;
            let mut tx = self.store().begin().await?;
            match outcome {
                Ok(()) => {
                    store::outbox::mark(
                        &mut tx,
                        row.id,
                        OutboxStatus::Sent,
                        None,
                        self.now_micros(),
                    )
                    .await?;
                    sent += 1;
                }
                Err(e) => {
                    let status = if row.attempts + 1 >= 5 {
                        OutboxStatus::Failed
                    } else {
                        OutboxStatus::Pending
                    };
                    tracing::warn!(outbox_id = row.id.get(), channel = %row.channel, error = %e, "message not delivered");
                    store::outbox::mark(&mut tx, row.id, status, Some(&e), self.now_micros())
                        .await?;
                    failed += 1;
                }
            }
            tx.commit().await?;
        }
        Ok((sent, failed))
    }
}

/// The configured ways out. Channels without a transport fail (and are retried later).
pub struct Transports {
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, String)>,
    sms: Option<(reqwest::Client, SmsSettings)>,
}

impl Transports {
    pub fn from_settings(s: &TransportSettings) -> Result<Transports> {
        let smtp = match &s.smtp {
            None => None,
            Some(c) => {
                let mut b = match c.security {
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host)
                    }
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host)
                            .map_err(|e| ServiceError::Internal(format!("smtp {}: {e}", c.host)))?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host)
                        .map_err(|e| ServiceError::Internal(format!("smtp {}: {e}", c.host)))?,
                }
                .port(c.port)
                .timeout(Some(Duration::from_secs(20)));
                if let (Some(u), Some(p)) = (&c.username, &c.password) {
                    b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
                        u.clone(),
                        p.expose_secret().to_owned(),
                    ));
                }
                Some((b.build(), c.from.clone()))
            }
        };
        let sms = match &s.sms {
            None => None,
            Some(c) => Some((
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()
                    .map_err(|e| ServiceError::Internal(format!("http client: {e}")))?,
                c.clone(),
            )),
        };
        Ok(Transports { smtp, sms })
    }

    async fn send(&self, row: &OutboxRow) -> std::result::Result<(), String> {
        match row.channel {
            Channel::Email => {
                let (transport, from) = self
                    .smtp
                    .as_ref()
                    .ok_or("no SMTP server is configured ([mail.smtp])")?;
                let email = build_email(row, from)?;
                transport
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("smtp: {e}"))
            }
            Channel::Sms => {
                let (client, cfg) = self
                    .sms
                    .as_ref()
                    .ok_or("no SMS provider is configured ([mail.sms])")?;
                let body = serde_json::json!({ "from": cfg.sender, "to": row.recipient, "message": row.body_text });
                let resp = client
                    .post(&cfg.url)
                    .bearer_auth(cfg.token.expose_secret())
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| format!("sms provider: {e}"))?;
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("sms provider answered {}", resp.status()))
                }
            }
            // Letters are printed from their HTML page in batches; handing over is the delivery.
            Channel::Letter => Ok(()),
        }
    }
}

fn build_email(row: &OutboxRow, from: &str) -> std::result::Result<lettre::Message, String> {
    let builder = lettre::Message::builder()
        .from(
            from.parse()
                .map_err(|e| format!("from address {from:?}: {e}"))?,
        )
        .to(row
            .recipient
            .parse()
            .map_err(|e| format!("recipient address: {e}"))?)
        .subject(row.subject.clone());
    let text = match &row.body_html {
        Some(html) => MultiPart::alternative_plain_html(row.body_text.clone(), html.clone()),
        None => MultiPart::alternative().singlepart(SinglePart::plain(row.body_text.clone())),
    };
    let result = match (
        &row.attachment_name,
        &row.attachment_type,
        &row.attachment_body,
    ) {
        (Some(name), Some(kind), Some(body)) => {
            let ct =
                ContentType::parse(kind).map_err(|e| format!("attachment type {kind:?}: {e}"))?;
            builder.multipart(
                MultiPart::mixed()
                    .multipart(text)
                    .singlepart(Attachment::new(name.clone()).body(body.clone(), ct)),
            )
        }
        _ => builder.multipart(text),
    };
    result.map_err(|e| format!("building e-mail: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_reached_on_the_channel_they_prefer_when_they_can_be() {
        let addr = "Karin Lindqvist, Storgatan 1, 691 31 Karlskoga";
        let r = |p, e, s| customer_route(p, e, s, addr);
        assert_eq!(
            r(Channel::Email, Some("k@example.se"), Some("0701")),
            (Channel::Email, "k@example.se".into())
        );
        assert_eq!(
            r(Channel::Sms, Some("k@example.se"), Some("0701")),
            (Channel::Sms, "0701".into())
        );
        // A letter preference holds even when an e-mail address is known.
        assert_eq!(
            r(Channel::Letter, Some("k@example.se"), None),
            (Channel::Letter, addr.into())
        );
        // SMS preferred without a number: e-mail when known, else a letter.
        assert_eq!(
            r(Channel::Sms, Some("k@example.se"), Some(" ")),
            (Channel::Email, "k@example.se".into())
        );
        assert_eq!(
            r(Channel::Email, None, None),
            (Channel::Letter, addr.into())
        );
    }
}
