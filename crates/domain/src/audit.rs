//! The audit log's closed set: how an audited attempt ended.

crate::closed_set! {
    /// How an audited attempt ended.
    pub enum Outcome in "audit-outcome" {
        /// Done as asked.
        Success = "success",
        /// Tried and failed (a wrong password, a wrong code).
        Failure = "failure",
        /// Refused: the actor may not do this.
        Denied = "denied",
    }
}
