//! Messages about credit: the reminders of the nightly dunning run.

use domain::money::Money;
use jiff::civil::Date;

/// A reminder that an invoice is unpaid, with the new date to pay by.
#[derive(Clone, Debug)]
pub struct Reminder {
    pub name: String,
    /// 1 for the first reminder, 2 for the second.
    pub level: u8,
    pub invoice_number: String,
    /// What is left to pay.
    pub outstanding: Money,
    /// The invoice's due date.
    pub due_on: Date,
    /// The date the reminder states.
    pub pay_by: Date,
    pub ocr: String,
    /// The reminder fee added to the next invoice, when the customer's terms agree to one.
    pub fee: Option<Money>,
}

crate::message!(
    Reminder,
    "messages/credit/reminder.sv.txt",
    "messages/credit/reminder.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;
    use jiff::civil::date;

    fn reminder(fee: Option<Money>) -> Reminder {
        Reminder {
            name: "Karin".into(),
            level: 1,
            invoice_number: "F1-0".into(),
            outstanding: Money::from_ore(40_000),
            due_on: date(2026, 10, 1),
            pay_by: date(2026, 10, 30),
            ocr: "1000026".into(),
            fee,
        }
    }

    #[test]
    fn reminders_render_in_both_languages_with_the_fee_only_when_agreed() {
        let plain = |s: &str| s.replace('\u{a0}', " ");
        let sv = reminder(Some(Money::from_ore(6_000)))
            .render(Language::Sv)
            .unwrap();
        assert_eq!(sv.subject, "Påminnelse 1: faktura F1-0");
        assert_eq!(
            plain(&sv.text),
            "Hej Karin,\nvi har inte fått betalt för faktura F1-0 (400,00 kr, förföll 2026-10-01). \
             Betala senast 2026-10-30 till bankgiro med OCR 1000026. \
             En påminnelseavgift på 60,00 kr läggs på din nästa faktura.\n\
             Har du svårt att betala? Ansök om anstånd på Mina sidor eller ring oss."
        );
        assert!(
            plain(&sv.sms).contains("Betala senast 2026-10-30"),
            "{}",
            sv.sms
        );
        assert!(plain(&sv.sms).contains("60,00 kr"), "{}", sv.sms);
        let en = reminder(None).render(Language::En).unwrap();
        assert_eq!(en.subject, "Reminder 1: invoice F1-0");
        assert_eq!(
            plain(&en.text),
            "Dear Karin,\nwe have not received payment of invoice F1-0 (400,00 kr, due 2026-10-01). \
             Please pay by 2026-10-30 to bankgiro with OCR 1000026.\n\
             Short of money? Ask for more time under Mina sidor or call us."
        );
        assert!(!en.sms.contains("fee"), "{}", en.sms);
        assert!(en.html.contains("<p>Dear Karin,<br>"), "{}", en.html);
    }
}
