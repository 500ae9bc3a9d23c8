//! Offers of shorter payment terms, answered by the supplier through a signed link in the
//! e-mail (no login): the link is the key, an id and its MAC. An offer can be answered once,
//! until its last day; an acceptance brings the supplier's open invoices forward at once.

use domain::ids::SupplierOfferId;
use domain::suppliers::{OfferState, SupplierProblem, terms};
use store::suppliers::{OfferRow, SupplierRow};

use super::Suppliers;
use crate::Actor;
use crate::error::{Result, ServiceError};

/// What a link's kind is called in its MAC.
pub(super) const LINK: &str = "supplier-offer";

/// An offer as its link shows it.
#[derive(Clone, Debug)]
pub struct OfferView {
    pub offer: OfferRow,
    pub supplier: SupplierRow,
    /// Whether it can still be answered today.
    pub open: bool,
}

impl Suppliers {
    /// The public address of an offer's page.
    pub async fn offer_link(&self, id: SupplierOfferId) -> Result<String> {
        Ok(format!(
            "{}/leverantor/erbjudande/{}",
            self.s.public_url(),
            self.s.link_token(LINK, id.get()).await?
        ))
    }

    /// The offer a signed link stands for; a forged or altered token is not found.
    pub async fn offer(&self, token: &str) -> Result<OfferView> {
        let id = self
            .s
            .link_id(LINK, token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let store = self.s.store();
        let offer = store::suppliers::offer_by_id(store, SupplierOfferId::new(id))
            .await?
            .ok_or(ServiceError::NotFound)?;
        let supplier = store::suppliers::supplier(store, offer.supplier_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let open = offer.state == OfferState::Offered && self.s.today() <= offer.answer_by;
        Ok(OfferView {
            offer,
            supplier,
            open,
        })
    }

    /// The supplier's answer. Accepting moves every open invoice of the supplier received
    /// while the terms apply to the shorter terms (never later than it was due, never before
    /// today); later invoices get them as they arrive.
    pub async fn answer_offer(
        &self,
        token: &str,
        accept: bool,
        address: &str,
    ) -> Result<OfferState> {
        let view = self.offer(token).await?;
        if view.offer.state != OfferState::Offered {
            return Err(ServiceError::conflict(SupplierProblem::OfferAnswered));
        }
        if !view.open {
            return Err(ServiceError::conflict(SupplierProblem::OfferClosed));
        }
        let actor = Actor {
            name: view.supplier.name.clone(),
            ..Actor::anonymous(address)
        };
        let state = if accept {
            OfferState::Accepted
        } else {
            OfferState::Declined
        };
        let offer = &view.offer;
        let store = self.s.store();
        let open = store::suppliers::open_invoices(store).await?;
        let today = self.s.today();
        let mut tx = store.begin().await?;
        if store::suppliers::answer_offer(&mut tx, offer.id, state, self.s.now_micros()).await? == 0
        {
            return Err(ServiceError::conflict(SupplierProblem::OfferAnswered));
        }
        let mut moved = 0u64;
        if accept {
            let from = offer.applies_from.max(today);
            for i in open.iter().filter(|i| i.supplier_id == offer.supplier_id) {
                let covered = offer.applies_until.is_none_or(|u| i.received_on < u);
                if !covered {
                    continue;
                }
                let due = terms::shortened_due_date(i.received_on, i.due_date, offer.days, from);
                if due < i.due_date {
                    moved +=
                        store::suppliers::shorten_due_date(&mut tx, i.id, due, offer.id).await?;
                }
            }
        }
        let action = if accept {
            "supplier_offer_accepted"
        } else {
            "supplier_offer_declined"
        };
        self.audit(
            &mut tx,
            &actor,
            action,
            "supplier_offer",
            offer.id.get(),
            &format!("invoices_moved={moved}"),
        )
        .await?;
        tx.commit().await?;
        Ok(state)
    }
}
