//! The stock of critical supplies, and donations from it: a donation never takes an item below
//! the reserve the company's own critical processes need (checked here and again by the
//! database's conditional update), and goes into the ledger with its decision in the same
//! transaction.

use domain::community::{CommunityProblem, LedgerCategory, RecipientKind, StockUnit, stock};
use domain::identity::OrgNumber;
use domain::ids::{FunctionId, LedgerEntryId, StockItemId};
use domain::money::Money;
use domain::problem::Problem;
use store::community::{self as db, ItemRow, NewEntry, NewItem};

use super::{Community, count, kronor, roles, text};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// An item as typed in (added, or counted again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemInput {
    pub name: String,
    pub unit: String,
    pub quantity: String,
    pub reserve: String,
    pub usage_per_week: String,
    /// Kronor per unit, for the ledger's value of a donation.
    pub unit_value: String,
    pub location: String,
    pub function_id: Option<FunctionId>,
}

/// A donation as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DonationInput {
    pub item_id: Option<StockItemId>,
    pub quantity: String,
    pub recipient: String,
    pub recipient_kind: String,
    /// Required for an organisation.
    pub org_number: String,
    pub reason: String,
}

/// An item with what may be given and how long it lasts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLine {
    pub item: ItemRow,
    /// What may be given without touching the reserve.
    pub available: i64,
    /// Whole weeks the whole stock lasts at its usage (`None`: not used).
    pub weeks: Option<i64>,
    /// Whole weeks the reserve alone lasts.
    pub reserve_weeks: Option<i64>,
}

const MAX_QUANTITY: i64 = 1_000_000_000;

struct CheckedItem<'a> {
    name: &'a str,
    unit: StockUnit,
    quantity: i64,
    reserve: i64,
    usage: i64,
    value: Money,
    location: &'a str,
}

fn checked(input: &ItemInput) -> Result<CheckedItem<'_>> {
    let name = text("name", &input.name, 120)?;
    let unit = domain::code::parse_code::<StockUnit>(input.unit.trim())
        .map_err(|e| ServiceError::invalid("unit", e))?;
    let quantity = count("quantity", &input.quantity, 0, MAX_QUANTITY)?;
    let reserve = count("reserve", &input.reserve, 0, MAX_QUANTITY)?;
    stock::check_count(quantity, reserve).map_err(|e| ServiceError::invalid("reserve", e))?;
    let usage = count("usage_per_week", &input.usage_per_week, 0, MAX_QUANTITY)?;
    let value = kronor("unit_value", &input.unit_value)?;
    let location = text("location", &input.location, 120)?;
    Ok(CheckedItem {
        name,
        unit,
        quantity,
        reserve,
        usage,
        value,
        location,
    })
}

impl Community {
    /// The stock with what may be given and how long it lasts (continuity managers and admins).
    pub async fn stock(&self, actor: &Actor) -> Result<Vec<StockLine>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::items(self.s.store())
            .await?
            .into_iter()
            .map(|item| StockLine {
                available: stock::available(item.quantity, item.reserve),
                weeks: stock::weeks_lasting(item.quantity, item.usage_per_week),
                reserve_weeks: stock::weeks_lasting(item.reserve, item.usage_per_week),
                item,
            })
            .collect())
    }

    /// Adds an item of stock; its name is unique.
    pub async fn add_item(&self, actor: &Actor, input: &ItemInput) -> Result<StockItemId> {
        Self::require(actor, roles::DECIDE)?;
        let c = checked(input)?;
        let mut tx = self.s.store().begin().await?;
        let id = db::insert_item(
            &mut tx,
            &new_item(&c, input.function_id),
            self.s.now_micros(),
        )
        .await?
        .ok_or(ServiceError::invalid("name", CommunityProblem::NameTaken))?;
        self.audit(
            &mut tx,
            actor,
            "stock_item_added",
            "community_item",
            id.get(),
            c.name,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a new count of an item (its name and unit stay).
    pub async fn count_item(
        &self,
        actor: &Actor,
        id: StockItemId,
        input: &ItemInput,
    ) -> Result<()> {
        Self::require(actor, roles::DECIDE)?;
        let mut tx = self.s.store().begin().await?;
        let item = db::item(&mut tx, id).await?.ok_or(ServiceError::NotFound)?;
        let input = ItemInput {
            name: item.name.clone(),
            unit: item.unit.as_str().to_owned(),
            ..input.clone()
        };
        let c = checked(&input)?;
        db::update_item(
            &mut tx,
            id,
            &new_item(&c, input.function_id),
            self.s.now_micros(),
        )
        .await?;
        let detail = format!("{} {} (reserve {})", c.quantity, c.unit, c.reserve);
        self.audit(
            &mut tx,
            actor,
            "stock_counted",
            "community_item",
            id.get(),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives items from stock: refused when it would take the stock below its reserve (naming
    /// how much could be given); the ledger entry (value: quantity × unit value) is written in
    /// the same transaction.
    pub async fn donate(&self, actor: &Actor, input: &DonationInput) -> Result<LedgerEntryId> {
        Self::require(actor, roles::DECIDE)?;
        let item_id = input
            .item_id
            .ok_or(ServiceError::invalid("item_id", Problem::Required))?;
        let quantity = count("quantity", &input.quantity, 1, MAX_QUANTITY)?;
        let recipient = text("recipient", &input.recipient, 200)?;
        let kind = domain::code::parse_code::<RecipientKind>(input.recipient_kind.trim())
            .map_err(|e| ServiceError::invalid("recipient_kind", e))?;
        if kind == RecipientKind::Customer {
            return Err(ServiceError::invalid(
                "recipient_kind",
                CommunityProblem::DonationRecipient,
            ));
        }
        let org = match (kind, input.org_number.trim()) {
            (RecipientKind::Organisation, "") => {
                return Err(ServiceError::invalid("org_number", Problem::Required));
            }
            (_, "") => None,
            (_, s) => Some(
                s.parse::<OrgNumber>()
                    .map_err(|e| ServiceError::invalid("org_number", Problem::Identity(e)))?,
            ),
        };
        let reason = text("reason", &input.reason, 1000)?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let item = db::item(&mut tx, item_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        stock::check_donation(item.quantity, item.reserve, quantity)
            .map_err(|e| ServiceError::invalid("quantity", e))?;
        if !db::take(&mut tx, item_id, quantity, now).await? {
            return Err(ServiceError::invalid(
                "quantity",
                CommunityProblem::BelowReserve {
                    available: stock::available(item.quantity, item.reserve),
                },
            ));
        }
        let amount = item
            .unit_value
            .checked_mul(quantity)
            .ok_or(ServiceError::invalid(
                "quantity",
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_QUANTITY,
                },
            ))?;
        let org_text = org.map(|o| o.to_string());
        let description = format!("{quantity} {} {}", item.unit, item.name);
        let id = db::insert_entry(
            &mut tx,
            &NewEntry {
                category: LedgerCategory::Donation,
                given_on: self.s.today(),
                amount,
                recipient_kind: kind,
                recipient,
                recipient_org_number: org_text.as_deref(),
                customer_id: None,
                description: &description,
                item_id: Some(item_id),
                quantity: Some(quantity),
                decided_by: &actor.name,
                reason,
                source_key: None,
            },
            now,
        )
        .await?
        .ok_or_else(|| ServiceError::Internal("a donation without a source was refused".into()))?;
        self.audit(
            &mut tx,
            actor,
            "donated",
            "community_ledger",
            id.get(),
            &description,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

fn new_item<'a>(c: &CheckedItem<'a>, function_id: Option<FunctionId>) -> NewItem<'a> {
    NewItem {
        name: c.name,
        unit: c.unit,
        quantity: c.quantity,
        reserve: c.reserve,
        usage_per_week: c.usage,
        unit_value: c.value,
        location: c.location,
        function_id,
    }
}
