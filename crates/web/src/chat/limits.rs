//! What one chat socket may cost: the size of a frame, how fast it may send messages (each is
//! a database write), and how many sockets one session may hold open on this server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The largest frame or message a socket accepts (a message is at most 2 000 characters, four
/// bytes each in the worst case, plus its JSON). A larger one closes the socket.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// Messages a socket may send at once, and the pace it may keep after: one a second.
pub const SENDS_BURST: f64 = 10.0;
const SENDS_PER_SECOND: f64 = 1.0;

/// Sockets one session may hold open on one server (a few browser tabs). Each server counts
/// its own: behind a load balancer a session may hold this many per server.
pub const MAX_SOCKETS_PER_SESSION: usize = 4;

/// A socket's allowance of messages (a token bucket), refilled by the services' clock.
#[derive(Debug)]
pub struct Pace {
    tokens: f64,
    at_micros: i64,
}

impl Pace {
    pub fn new(now_micros: i64) -> Pace {
        Pace {
            tokens: SENDS_BURST,
            at_micros: now_micros,
        }
    }

    /// Takes one message's worth, if there is one.
    pub fn take(&mut self, now_micros: i64) -> bool {
        let elapsed = (now_micros - self.at_micros).max(0) as f64 / 1e6;
        self.tokens = (self.tokens + elapsed * SENDS_PER_SECOND).min(SENDS_BURST);
        self.at_micros = now_micros.max(self.at_micros);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Open sockets per session on this server.
#[derive(Debug, Default)]
pub struct SocketCounts(Mutex<HashMap<String, usize>>);

/// A socket's place among its session's; given back when the socket ends.
#[derive(Debug)]
pub struct Seat {
    counts: Arc<SocketCounts>,
    session: String,
}

impl SocketCounts {
    /// Sockets open on this server, all sessions together.
    pub fn total(&self) -> usize {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .sum()
    }

    /// A place for one more socket of `session` (a hash of its token), unless it holds
    /// [`MAX_SOCKETS_PER_SESSION`] already.
    pub fn seat(self: &Arc<Self>, session: &str) -> Option<Seat> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(session.to_owned()).or_default();
        if *n >= MAX_SOCKETS_PER_SESSION {
            return None;
        }
        *n += 1;
        Some(Seat {
            counts: Arc::clone(self),
            session: session.to_owned(),
        })
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get_mut(&self.session) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_allows_a_burst_then_one_a_second() {
        let mut p = Pace::new(0);
        let burst = (0..30).filter(|_| p.take(0)).count();
        assert_eq!(burst as f64, SENDS_BURST);
        assert!(!p.take(500_000), "half a second later");
        assert!(p.take(1_000_000), "a second later");
        assert!(!p.take(1_000_000));
        // A long pause refills to the burst, no further.
        let after = (0..30).filter(|_| p.take(3_600_000_000)).count();
        assert_eq!(after as f64, SENDS_BURST);
    }

    #[test]
    fn a_session_holds_a_few_sockets_and_gets_each_place_back() {
        let counts = Arc::new(SocketCounts::default());
        let seats: Vec<Seat> = (0..MAX_SOCKETS_PER_SESSION)
            .map(|_| counts.seat("a").unwrap())
            .collect();
        assert!(counts.seat("a").is_none());
        assert!(
            counts.seat("b").is_some(),
            "another session is not affected"
        );
        drop(seats);
        assert!(counts.seat("a").is_some());
    }
}
