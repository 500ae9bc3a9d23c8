//! The demo town's work for suppliers and their invoices: three projects (district heating,
//! cable laying, the meter exchange with the subcontracted crew) with work orders to the local
//! suppliers from a year ago to half a year ahead; a month of invoices quoting them, at every
//! step of attestation (one disputed, one credit note waiting to be settled); the payment
//! settings, and a payment proposal for the coming week, ready for someone in finance to approve.

use domain::role::Role;
use domain::suppliers::work::{Month, OrderState};
use jiff::ToSpan;

use crate::error::Result;
use crate::suppliers::{
    DebtorAccountSetting, InvoiceInput, Pain001Version, PayeeKind, PaymentSettings, ProjectInput,
    SupplierRow, WorkOrderInput,
};
use crate::{Actor, Services};

/// The demo utility's organisation number (the buyer of its suppliers' invoices, the payer of
/// its payments).
const DEMO_PAYER_ORG: &str = "5564001237";

/// The work order a demo supplier has in the month `offset` months from now.
fn reference(supplier: &SupplierRow, offset: i32) -> String {
    format!("AO-{}-{}", supplier.id.get(), offset + 12)
}

/// Invoices in the demo month.
const INVOICES: i64 = 30;

fn acting(name: &str) -> Actor {
    Actor {
        name: name.into(),
        ..Actor::system()
    }
}

impl Services {
    /// Projects and work orders: each local supplier has work in its first trade in most
    /// months of the past year (done) and the coming half year (ordered this month, planned
    /// after), more this year than last.
    pub(super) async fn seed_demo_work(&self) -> Result<()> {
        let h = self.suppliers();
        // The demo planner (who logs in as `planerare`) placed the orders and attests them.
        let planner = Actor {
            role: Some(Role::Planner),
            name: Role::Planner.demo_username().into(),
            ..Actor::system()
        };
        let today = self.today();
        let project = |name: &str, kind: &str, budget: &str| ProjectInput {
            name: name.into(),
            kind: kind.into(),
            budget: budget.into(),
            budget_owner: "demo:budgetansvarig".into(),
            starts_on: today.saturating_sub(1.year()).to_string(),
            ends_on: today.saturating_add(1.year()).to_string(),
        };
        let heating = h
            .add_project(
                &planner,
                &project("Fjärrvärme Bergsgatan", "district_heating", "4 800 000"),
            )
            .await?;
        let cable = h
            .add_project(
                &planner,
                &project("Kabelförläggning Karlberg", "cable", "2 500 000"),
            )
            .await?;
        let meters = h
            .add_project(
                &planner,
                &project("Mätarbyte", "meter_exchange", "1 200 000"),
            )
            .await?;
        let local: Vec<SupplierRow> = store::suppliers::suppliers(self.store())
            .await?
            .into_iter()
            .filter(|s| s.is_local && !s.trades.is_empty())
            .collect();
        // The campaign's subcontracted crew works under the meter-exchange project.
        let crew =
            store::campaign::local_suppliers(self.store(), crate::campaign::SUBCONTRACT_TRADE)
                .await?
                .into_iter()
                .next()
                .map(|s| s.id);
        let now = Month::of(today);
        for (n, s) in local.iter().enumerate() {
            let trade = s.trades[0];
            let project = match trade {
                _ if Some(s.id) == crew => meters,
                domain::suppliers::Trade::Electrical if n % 2 == 0 => meters,
                domain::suppliers::Trade::Electrical | domain::suppliers::Trade::Automation => {
                    cable
                }
                _ => heating,
            };
            for offset in -12..=5_i32 {
                // A gap every fifth month, so the months differ.
                if (offset + n as i32).rem_euclid(5) == 0 {
                    continue;
                }
                let hours = 60
                    + 10 * ((n as i32 + offset).rem_euclid(7))
                    + if offset >= 0 { 40 } else { 0 };
                let id = h
                    .add_work_order(
                        &planner,
                        &WorkOrderInput {
                            project_id: Some(project),
                            supplier_id: Some(s.id),
                            trade: trade.as_str().into(),
                            reference: reference(s, offset),
                            description: if Some(s.id) == crew {
                                format!("Mätarbyte, arbetslaget {} {}", s.name, now.plus(offset))
                            } else {
                                format!("{} {}", s.name, now.plus(offset))
                            },
                            month: now.plus(offset).to_string(),
                            hours: hours.to_string(),
                            amount: format!("{}", hours * 650),
                            ordered: offset <= 0,
                        },
                    )
                    .await?;
                if offset < 0 {
                    h.set_work_order_state(&planner, id, OrderState::Done)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// A month of Peppol e-invoices from local suppliers paid by bankgiro, received as the
    /// inbox would: most taken in, three stopped (totals that do not add up, BR-CO-15; neither
    /// buyer nor order reference, PEPPOL-EN16931-R003; a seller not in the register).
    pub(super) async fn seed_demo_einvoices(&self) -> Result<()> {
        use formats::peppol::write::{Invoice, Line, Party, write};
        let today = self.today();
        let local: Vec<SupplierRow> = store::suppliers::suppliers(self.store())
            .await?
            .into_iter()
            .filter(|s| s.is_local)
            .filter(|s| matches!(s.pay_to, Some(domain::suppliers::PayTo::Bankgiro(_))))
            .collect();
        if local.is_empty() {
            return Ok(());
        }
        let buyer = Party {
            org_number: DEMO_PAYER_ORG,
            name: "Karlskoga Energi & Miljö AB",
            street: "Box 42",
            city: "Karlskoga",
            postal_zone: "69121",
        };
        let mut files = Vec::new();
        for i in 0..12_usize {
            let s = &local[i % local.len()];
            let org = s.org_number.normalised();
            let Some(domain::suppliers::PayTo::Bankgiro(bg)) = &s.pay_to else {
                continue;
            };
            let issued = today.saturating_sub((28 - 2 * i as i64).days());
            let number = format!("E{}-{:02}", issued.strftime("%y%m"), i + 1);
            let order = reference(s, 0);
            let invoice = Invoice {
                number: &number,
                issue_date: issued,
                due_date: issued.saturating_add(30.days()),
                buyer_reference: "KEM-INKOP",
                order_reference: Some(&order),
                seller: Party {
                    org_number: &org,
                    name: &s.name,
                    street: "Bruksgatan 1",
                    city: &s.municipality,
                    postal_zone: "69131",
                },
                buyer: buyer.clone(),
                bankgiro: bg.digits(),
                ocr: None,
                lines: vec![
                    Line {
                        name: "Arbete enligt arbetsorder",
                        quantity: 8 + i as u32,
                        price_ore: 65_000,
                    },
                    Line {
                        name: "Material",
                        quantity: 1,
                        price_ore: 125_000 + 10_000 * i as i64,
                    },
                ],
            };
            let mut xml = write(&invoice);
            match i {
                // The totals do not add up.
                3 => {
                    xml = xml.replacen(
                        "<cbc:TaxInclusiveAmount currencyID=\"SEK\">",
                        "<cbc:TaxInclusiveAmount currencyID=\"SEK\">1",
                        1,
                    )
                }
                // Neither a buyer reference nor an order reference.
                7 => {
                    xml = xml
                        .replace("<cbc:BuyerReference>KEM-INKOP</cbc:BuyerReference>\n", "")
                        .replace(&format!("<cac:OrderReference><cbc:ID>{order}</cbc:ID></cac:OrderReference>\n"), "");
                }
                // A seller the register does not know.
                10 => xml = xml.replace(&org, "5593000010"),
                _ => {}
            }
            files.push((format!("{number}.xml"), xml.into_bytes()));
        }
        self.suppliers()
            .receive_einvoices(&Actor::system(), &files)
            .await?;
        Ok(())
    }

    pub(super) async fn seed_demo_supplier_invoices(&self) -> Result<()> {
        let h = self.suppliers();
        let system = Actor::system();
        h.save_payment_settings(
            &system,
            &PaymentSettings {
                payer_name: "Karlskoga Energi & Miljö AB".into(),
                payer_org_number: DEMO_PAYER_ORG.into(),
                accounts: vec![
                    DebtorAccountSetting {
                        name: "bg".into(),
                        bankgiro: "991-2346".into(),
                        pays: vec![PayeeKind::Bankgiro, PayeeKind::Plusgiro],
                        version: Pain001Version::V09,
                        ..Default::default()
                    },
                    DebtorAccountSetting {
                        name: "bank".into(),
                        iban: "SE45 5000 0000 0583 9825 7466".into(),
                        bic: "ESSESESS".into(),
                        pays: vec![PayeeKind::Iban],
                        version: Pain001Version::V03,
                        ..Default::default()
                    },
                ],
                limits: Default::default(),
            },
        )
        .await?;
        let local: Vec<_> = store::suppliers::suppliers(self.store())
            .await?
            .into_iter()
            .filter(|s| s.is_local && s.pay_to.is_some())
            .collect();
        if local.is_empty() {
            return Ok(());
        }
        let planner = Actor {
            role: Some(Role::Planner),
            name: Role::Planner.demo_username().into(),
            ..Actor::system()
        };
        let budget = acting("demo:budgetansvarig");
        let today = self.today();
        for i in 0..INVOICES {
            let supplier = &local[usize::try_from(i).unwrap_or(0) % local.len()];
            let received = today.saturating_sub((i + 2).days());
            let id = h
                .record_invoice(
                    &system,
                    &InvoiceInput {
                        supplier_id: Some(supplier.id),
                        number: format!("{}-{:03}", received.strftime("%y%m"), 100 + i),
                        issue_date: received.saturating_sub(1.day()).to_string(),
                        received_on: received.to_string(),
                        amount: format!("{},00", 4_000 + 1_375 * i),
                        vat: format!("{},00", (4_000 + 1_375 * i) / 5),
                        order_reference: reference(supplier, 0),
                        ..Default::default()
                    },
                )
                .await?;
            // The newest few wait for the first step, every fourth for the second, one is held.
            if i < 4 {
                continue;
            }
            h.attest(&planner, id).await?;
            match i {
                7 => {
                    h.dispute(
                        &planner,
                        id,
                        "Fakturerade timmar stämmer inte med arbetsordern",
                    )
                    .await?
                }
                _ if i % 4 == 0 => {}
                _ => {
                    h.approve(&budget, id).await?;
                }
            }
        }
        // A credit note from the first local supplier, waiting to be settled.
        h.record_invoice(
            &system,
            &InvoiceInput {
                supplier_id: Some(local[0].id),
                kind: "credit_note".into(),
                number: format!("K-{}", today.strftime("%y%m")),
                issue_date: today.to_string(),
                received_on: today.to_string(),
                amount: "1 000,00".into(),
                vat: "200,00".into(),
                ..Default::default()
            },
        )
        .await?;
        // The coming week's payments, proposed and waiting for finance's approval.
        h.propose_payments(
            &acting("demo:leverantorsreskontra"),
            today.saturating_add(7.days()),
        )
        .await?;
        Ok(())
    }
}
