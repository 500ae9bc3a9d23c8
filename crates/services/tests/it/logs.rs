//! A log the test reads: a `tracing` subscriber writing to memory, set for the current thread.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// What was logged, as text.
#[derive(Clone, Default)]
pub(crate) struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    /// Captures every event of this thread (`current_thread` tests: every task) until the
    /// guard is dropped.
    pub(crate) fn capture() -> (Sink, tracing::subscriber::DefaultGuard) {
        let sink = Sink::default();
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        (sink, tracing::subscriber::set_default(subscriber))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    pub(crate) fn count(&self, needle: &str) -> usize {
        self.text().matches(needle).count()
    }
}
