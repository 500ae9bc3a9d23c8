//! Messages on their way out: where a message stands.

crate::closed_set! {
    /// Where a message in the outbox stands.
    pub enum OutboxStatus in "outbox-status" {
        /// Waiting for its transport.
        Pending = "pending",
        /// Handed to its transport.
        Sent = "sent",
        /// Given up after five attempts.
        Failed = "failed",
        /// Demo mode: kept for the Outbox page, never sent.
        Held = "held",
    }
}
