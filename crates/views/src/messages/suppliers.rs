//! Messages to suppliers: the offer of shorter payment terms under the suppliers policy.

use jiff::civil::Date;

/// An offer of shorter payment terms, answered by the signed link without logging in.
#[derive(Clone, Debug)]
pub struct TermsOffer {
    /// The contact person the offer is addressed to.
    pub contact: String,
    pub supplier: String,
    pub days: u32,
    pub standard_days: u32,
    pub from: Date,
    /// The last day invoices are received on the shorter terms, if the policy has an end.
    pub until: Option<Date>,
    pub answer_by: Date,
    pub link: String,
}

crate::message!(
    TermsOffer,
    "messages/suppliers/terms_offer.sv.txt",
    "messages/suppliers/terms_offer.en.txt"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CustomerMessage;
    use domain::customer::Language;
    use jiff::civil::date;

    #[test]
    fn the_offer_says_the_terms_the_dates_and_the_link_in_both_languages() {
        let offer = TermsOffer {
            contact: "Eva Lind".into(),
            supplier: "Karlskoga Schakt AB".into(),
            days: 10,
            standard_days: 30,
            from: date(2020, 4, 1),
            until: Some(date(2020, 9, 30)),
            answer_by: date(2020, 4, 15),
            link: "https://x.se/leverantor/erbjudande/abc".into(),
        };
        for lang in [Language::Sv, Language::En] {
            let r = offer.render(lang).unwrap();
            assert!(r.text.contains("Eva Lind") && r.text.contains(&offer.link));
            assert!(r.text.contains("10") && r.text.contains("30"), "{}", r.text);
            assert!(r.text.to_lowercase().contains("april"), "{}", r.text);
            assert!(r.sms.contains(&offer.link));
        }
        let open_ended = TermsOffer {
            until: None,
            ..offer
        };
        assert!(open_ended.render(Language::Sv).is_ok());
    }
}
