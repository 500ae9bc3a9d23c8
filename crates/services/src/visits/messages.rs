//! What visitors are told, on the address they gave (e-mail, else a text message), in their
//! language: the data of `views::messages::visits`, with a calendar entry on confirmations,
//! reminders and cancellations by e-mail.

use domain::customer::Channel;
use domain::time::{format_datetime, from_micros};
use store::Tx;
use views::messages::CustomerMessage;
use views::messages::visits::{
    VisitCancelled, VisitConfirmRequest, VisitConfirmed, VisitFacts, VisitFlagged, VisitOffer,
    VisitReminder, calendar_text,
};

use super::{SiteView, VisitRow, Visits};
use crate::error::Result;
use crate::outbox::{MessageAttachment, Recipient};

/// Which message a visitor gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Notice {
    ConfirmRequest,
    Confirmation,
    Reminder,
    Cancelled,
    Offer,
    Flagged,
}

impl Notice {
    /// The part of the dedupe key naming the message (`visit:{id}:{key}:{sequence}`).
    fn key(self) -> &'static str {
        match self {
            Notice::ConfirmRequest => "confirm-request",
            Notice::Confirmation => "confirmation",
            Notice::Reminder => "reminder",
            Notice::Cancelled => "cancelled",
            Notice::Offer => "offer",
            Notice::Flagged => "flagged",
        }
    }

    fn message(self, visit: VisitFacts) -> Box<dyn CustomerMessage> {
        match self {
            Notice::ConfirmRequest => Box::new(VisitConfirmRequest { visit }),
            Notice::Confirmation => Box::new(VisitConfirmed { visit }),
            Notice::Reminder => Box::new(VisitReminder { visit }),
            Notice::Cancelled => Box::new(VisitCancelled { visit }),
            Notice::Offer => Box::new(VisitOffer { visit }),
            Notice::Flagged => Box::new(VisitFlagged { visit }),
        }
    }

    fn has_calendar_entry(self) -> bool {
        matches!(
            self,
            Notice::Confirmation | Notice::Reminder | Notice::Cancelled
        )
    }
}

fn utc_secs(micros: i64) -> i64 {
    micros.div_euclid(1_000_000)
}

impl Visits {
    /// The facts of a visit as its messages say them.
    pub(super) fn facts(&self, view: &SiteView, v: &VisitRow, link: &str) -> VisitFacts {
        let service = view.any_service(v.service_id);
        VisitFacts {
            when: format_datetime(from_micros(v.starts_at), self.s.tz()),
            service_sv: service.map(|s| s.name_sv.clone()).unwrap_or_default(),
            service_en: service.map(|s| s.name_en.clone()).unwrap_or_default(),
            place: view.address(),
            people: v.party,
            link: link.to_owned(),
        }
    }

    /// Tells the visitor of `v`, inside the transaction that makes the change. A visitor with
    /// neither e-mail nor phone (a walk-in) is told nothing.
    pub(super) async fn notify(
        &self,
        tx: &mut Tx,
        view: &SiteView,
        v: &VisitRow,
        notice: Notice,
        link: &str,
    ) -> Result<()> {
        let (channel, address) = match v.email.as_deref() {
            Some(e) if !e.is_empty() => (Channel::Email, e),
            _ if !v.phone.is_empty() => (Channel::Sms, v.phone.as_str()),
            _ => return Ok(()),
        };
        let facts = self.facts(view, v, link);
        let attachment = (channel == Channel::Email && notice.has_calendar_entry())
            .then(|| self.calendar(v, &facts, notice == Notice::Cancelled));
        // A flag can be cleared and set again without the visit changing: each flagging is its
        // own message.
        let dedupe_key = if notice == Notice::Flagged {
            format!("visit:{}:flagged:{}", v.id, self.now())
        } else {
            format!("visit:{}:{}:{}", v.id, notice.key(), v.sequence)
        };
        self.s
            .tell_to(
                tx,
                &Recipient {
                    customer_id: v.customer_id,
                    language: v.language,
                    channel,
                    address,
                },
                notice.message(facts).as_ref(),
                dedupe_key,
                attachment,
            )
            .await?;
        Ok(())
    }

    /// The visit as an iCalendar event (its sequence makes a calendar replace the last one).
    fn calendar(&self, v: &VisitRow, facts: &VisitFacts, cancelled: bool) -> MessageAttachment {
        let text = calendar_text(v.language, facts);
        MessageAttachment {
            name: "besok.ics".into(),
            content_type: "text/calendar; charset=utf-8".into(),
            body: formats::ics::calendar(&formats::ics::Event {
                uid: &format!("visit-{}@beredskap", v.id),
                sequence: u32::try_from(v.sequence).unwrap_or(0),
                stamp: utc_secs(self.now()),
                start: utc_secs(v.starts_at),
                end: utc_secs(v.ends_at),
                summary: &text.summary,
                location: &facts.place,
                description: &text.description,
                cancelled,
            }),
        }
    }
}
