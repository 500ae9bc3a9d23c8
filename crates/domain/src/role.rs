//! The eight roles of DESIGN §2 and what follows from a role alone (session lifetimes, MFA).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A user's role. Each account has exactly one.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    CreditOfficer,
    Planner,
    Technician,
    Finance,
    ContinuityManager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Customer,
        Role::Agent,
        Role::CreditOfficer,
        Role::Planner,
        Role::Technician,
        Role::Finance,
        Role::ContinuityManager,
        Role::Admin,
    ];

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

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::CreditOfficer => "credit_officer",
            Role::Planner => "planner",
            Role::Technician => "technician",
            Role::Finance => "finance",
            Role::ContinuityManager => "continuity_manager",
            Role::Admin => "admin",
        }
    }

    pub fn label_sv(self) -> &'static str {
        match self {
            Role::Customer => "Kund",
            Role::Agent => "Kundtjänst",
            Role::CreditOfficer => "Kredithandläggare",
            Role::Planner => "Planerare",
            Role::Technician => "Tekniker",
            Role::Finance => "Ekonomi",
            Role::ContinuityManager => "Beredskapsansvarig",
            Role::Admin => "Administratör",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Agent => "Customer service agent",
            Role::CreditOfficer => "Credit officer",
            Role::Planner => "Planner",
            Role::Technician => "Technician",
            Role::Finance => "Finance",
            Role::ContinuityManager => "Continuity manager",
            Role::Admin => "Administrator",
        }
    }

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

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown role {0:?}: expected one of customer, agent, credit_officer, planner, technician, finance, continuity_manager, admin"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_uniqueness() {
        for r in Role::ALL {
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
