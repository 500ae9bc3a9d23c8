//! The eight roles of DESIGN §2 and what follows from a role alone (session lifetimes, MFA).

use std::time::Duration;

crate::closed_set! {
    /// A user's role. Each account has exactly one.
    pub enum Role in "role" {
        Customer = "customer",
        Agent = "agent",
        CreditOfficer = "credit_officer",
        Planner = "planner",
        Technician = "technician",
        Finance = "finance",
        ContinuityManager = "continuity_manager",
        Admin = "admin",
    }
}

impl Role {
    /// Every role but the customer's.
    pub const STAFF: [Role; 7] = [
        Role::Agent,
        Role::CreditOfficer,
        Role::Planner,
        Role::Technician,
        Role::Finance,
        Role::ContinuityManager,
        Role::Admin,
    ];

    /// The demo account's user name for this role (demo mode only).
    pub fn demo_username(self) -> &'static str {
        match self {
            Role::Customer => "kund",
            Role::Agent => "kundtjanst",
            Role::CreditOfficer => "kredit",
            Role::Planner => "planerare",
            Role::Technician => "tekniker",
            Role::Finance => "ekonomi",
            Role::ContinuityManager => "beredskap",
            Role::Admin => "admin",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Customer
    }

    /// Admins cannot use their account before a second factor is enrolled.
    pub fn requires_totp(self) -> bool {
        self == Role::Admin
    }

    /// Idle timeout: a session unused this long is dead (ASVS 7.3.1).
    pub fn session_idle(self) -> Duration {
        if self.is_staff() {
            Duration::from_secs(15 * 60)
        } else {
            Duration::from_secs(30 * 60)
        }
    }

    /// Absolute timeout: a session this old is dead however busy (ASVS 7.3.2).
    pub fn session_absolute(self) -> Duration {
        if self.is_staff() {
            Duration::from_secs(8 * 3600)
        } else {
            Duration::from_secs(12 * 3600)
        }
    }
}

/// Why an account operation refused its input. People read [`crate::problem::Explain`]'s message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountProblem {}

impl AccountProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<AccountProblem> {
        Vec::new()
    }
}

impl crate::problem::Explain for AccountProblem {
    fn message_key(&self) -> &'static str {
        match *self {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_uniqueness() {
        for &r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        let mut names: Vec<_> = Role::ALL.iter().map(|r| r.demo_username()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 8);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn staff_sessions_are_shorter() {
        assert!(Role::Agent.session_idle() < Role::Customer.session_idle());
        assert!(Role::Admin.session_absolute() < Role::Customer.session_absolute());
        assert!(Role::Admin.requires_totp() && !Role::Agent.requires_totp());
    }
}
