//! The job queue's closed set: where a background job stands.

crate::closed_set! {
    /// Where a background job stands.
    pub enum JobStatus in "job-status" {
        /// Waiting for its `run_at` and a worker.
        Queued = "queued",
        /// Claimed by a worker.
        Running = "running",
        /// Finished (or covered by another run of its kind).
        Done = "done",
        /// Given up after its last attempt.
        Failed = "failed",
    }
}
