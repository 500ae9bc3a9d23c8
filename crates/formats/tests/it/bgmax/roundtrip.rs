//! Generated valid files: written, parsed back unchanged; and properties
//! that tie the validation rules to the data (damaging a total is always
//! caught, a truncated file never passes).

use formats::bgmax::{self, LineEnding, ParseErrorKind, Writer};
use proptest::prelude::*;

use super::generate;
use super::support::{lines, parse_ok, without_lines};

fn line_ending() -> impl Strategy<Value = LineEnding> {
    prop_oneof![
        Just(LineEnding::CrLf),
        Just(LineEnding::Lf),
        Just(LineEnding::None)
    ]
}

proptest! {
    #[test]
    fn written_file_parses_to_the_same_values(file in generate::file(), ending in line_ending()) {
        let bytes = bgmax::write(&file, ending);
        let parsed = bgmax::parse(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(without_lines(&parsed), file);
        // Writing what was read gives the same bytes again.
        prop_assert_eq!(bgmax::write(&parsed, ending), bytes);
    }

    #[test]
    fn streaming_writer_computes_the_totals(file in generate::file()) {
        let mut writer = Writer::new(&file.created, file.test_marker, LineEnding::CrLf);
        for section in &file.sections {
            writer.open_section(
                &section.receiving_bankgiro,
                section.receiving_plusgiro.as_deref(),
                &section.currency,
            );
            for payment in section.entries() {
                writer.payment(payment);
            }
            let deposit = &section.deposit;
            writer.close_section(
                &deposit.account,
                deposit.payment_date,
                &deposit.deposit_serial,
                deposit.deposit_type,
            );
        }
        let bytes = writer.finish();
        prop_assert_eq!(&bytes, &bgmax::write(&file, LineEnding::CrLf));
    }

    /// Any change to one payment amount breaks a section sum or an extra
    /// reference sum, and the error names that payment's section or the
    /// payment itself.
    #[test]
    fn changed_payment_amount_is_always_caught(
        file in generate::file().prop_filter("needs a payment", |f| !f.sections.is_empty()),
        pick in any::<prop::sample::Index>(),
        delta in 1i64..1_000_000,
    ) {
        let mut damaged = file.clone();
        let section_index = pick.index(damaged.sections.len());
        let section = &mut damaged.sections[section_index];
        let payment_index = pick.index(section.payments.len());
        section.payments[payment_index].amount_ore += delta;
        let bytes = bgmax::write(&damaged, LineEnding::CrLf);
        let error = bgmax::parse(&bytes).expect_err("a changed amount must be caught");
        // Where the damaged payment and its section's deposit stand, read from the undamaged
        // file (the lines do not move).
        let undamaged = bgmax::parse(&bgmax::write(&file, LineEnding::CrLf)).expect("valid");
        let payment_line = undamaged.sections[section_index].payments[payment_index].line;
        let deposit_line = undamaged.sections[section_index].deposit.line;
        match error.kind {
            ParseErrorKind::DepositAmountMismatch { .. } => {
                prop_assert_eq!(error.line, deposit_line, "{}", error)
            }
            ParseErrorKind::ExtraReferenceSumMismatch { .. } => {
                prop_assert_eq!(error.line, payment_line, "{}", error)
            }
            _ => prop_assert!(false, "neither a section nor a payment sum: {}", error),
        }
    }

    /// A file cut anywhere before the counts of its TK70 is rejected.
    #[test]
    fn truncated_file_is_rejected(file in generate::file(), cut in any::<prop::sample::Index>()) {
        let bytes = bgmax::write(&file, LineEnding::CrLf);
        let end_start = bytes.len() - 82;
        let cut = cut.index(end_start + 34);
        prop_assert!(bgmax::parse(&bytes[..cut]).is_err());
    }
}

/// The generator's files, not only their values, look like Bankgirot's:
/// 80-character records, one per line.
#[test]
fn generated_file_layout() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    for _ in 0..32 {
        let file = generate::file()
            .new_tree(&mut runner)
            .expect("tree")
            .current();
        let bytes = bgmax::write(&file, LineEnding::CrLf);
        let written = lines(&bytes);
        assert!(written.iter().all(|line| line.len() == 80));
        assert!(written.first().is_some_and(|l| l.starts_with(b"01BGMAX")));
        assert!(written.last().is_some_and(|l| l.starts_with(b"70")));
        parse_ok(&bytes);
    }
}

/// Write generated files as fuzzing seeds into `$BGMAX_SEED_DIR`; run by
/// `.ci/fuzz-smoke`.
#[test]
#[ignore = "writes fuzz seeds; run by .ci/fuzz-smoke"]
fn write_fuzz_seeds() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let dir = std::env::var("BGMAX_SEED_DIR").expect("BGMAX_SEED_DIR must name a folder");
    std::fs::create_dir_all(&dir).expect("create seed dir");
    let mut runner = TestRunner::deterministic();
    for index in 0..16 {
        let file = generate::file()
            .new_tree(&mut runner)
            .expect("tree")
            .current();
        let ending = [LineEnding::CrLf, LineEnding::Lf, LineEnding::None][index % 3];
        let path = std::path::Path::new(&dir).join(format!("generated-{index:02}.txt"));
        std::fs::write(&path, bgmax::write(&file, ending)).expect("write seed");
    }
}
