//! Validated types and pure business rules of Beredskap.
//!
//! This crate does no IO: no database, no network, no files, no clock.
//! Time and the civil zone are always arguments.

pub mod calendar;
pub mod campaign;
pub mod cases;
pub mod chat;
pub mod credit;
pub mod customer;
pub mod identity;
pub mod meter;
pub mod money;
pub mod ocr;
pub mod policy;
pub mod role;
pub mod time;
pub mod visits;

/// A value of a closed set with a name for people in Swedish and in English, so pages can
/// label any of them the same way.
pub trait Labelled: Copy {
    fn label_sv(self) -> &'static str;
    fn label_en(self) -> &'static str;
}

macro_rules! labelled {
    ($($t:path),+ $(,)?) => {
        $(impl Labelled for $t {
            fn label_sv(self) -> &'static str {
                <$t>::label_sv(self)
            }
            fn label_en(self) -> &'static str {
                <$t>::label_en(self)
            }
        })+
    };
}

labelled!(
    role::Role,
    policy::Capability,
    customer::CustomerKind,
    customer::Language,
    customer::Channel,
    meter::PropertyKind,
    meter::Placement,
    meter::MeterKind,
    meter::UtilityService,
    cases::Category,
    cases::CaseSource,
    cases::EntryKind,
    cases::CaseStatus,
    cases::SlaState,
    chat::Topic,
);
