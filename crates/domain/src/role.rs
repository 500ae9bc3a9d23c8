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

    /// Staff cannot use their account before a second factor is enrolled: they read personal
    /// and health data and move money (ASVS 5.0 6.3.3).
    pub fn requires_second_factor(self) -> bool {
        self.is_staff()
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

crate::closed_set! {
    /// Who logs in through an outside identity provider (OpenID Connect): staff through the
    /// organisation's (Entra ID, Keycloak…), customers through an e-ID broker (BankID, Freja).
    pub enum SignOn in "sign-on" {
        Staff = "staff",
        Customer = "customer",
    }
}

/// Why an account operation (password, second factor, account, API token, the demo accounts)
/// refused its input. `Display` is for logs and the command line's fallback; people read
/// [`crate::problem::Explain`]'s message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountProblem {
    /// The current password given with a change is not the account's.
    #[error("the current password is wrong")]
    WrongPassword,
    /// A new password shorter than the configured minimum.
    #[error("use at least {min} characters")]
    PasswordTooShort { min: usize },
    /// A new password longer than anyone types (and than is worth hashing).
    #[error("use at most {max} characters")]
    PasswordTooLong { max: usize },
    /// The new password is the current one.
    #[error("choose a password different from the current one")]
    PasswordUnchanged,
    /// A user name outside 1–64 characters of `a–z 0–9 . _ -`.
    #[error("use 1–64 characters a–z, 0–9, '.', '_' or '-'")]
    BadUsername,
    /// A user name already taken.
    #[error("user {username} exists")]
    UsernameTaken { username: String },
    /// A customer account without a customer, or a staff account with one.
    #[error("a customer account needs a customer, and only a customer account has one")]
    CustomerMismatch,
    /// A role change between customer and staff.
    #[error("customer accounts stay customers, and staff cannot become customers")]
    RoleAcrossKinds,
    /// A TOTP code sent before enrolment started.
    #[error("start enrolment first")]
    TotpNotStarted,
    /// A passkey's answer that does not check out (another site's, a stale challenge, a
    /// cancelled prompt).
    #[error("the passkey was not accepted")]
    PasskeyRefused,
    /// A passkey's name longer than `max` characters.
    #[error("a passkey's name is at most {max} characters")]
    PasskeyName { max: usize },
    /// A recovery code that is wrong or already used.
    #[error("the recovery code is wrong or already used")]
    RecoveryCodeWrong,
    /// A TOTP code that is wrong, expired or already used.
    #[error("the code is wrong or has expired; enter the current 6-digit code")]
    TotpWrongCode,
    /// No account has this user name.
    #[error("no account named {username:?}")]
    NoSuchAccount { username: String },
    /// API tokens are for staff accounts.
    #[error("API tokens are for staff accounts; customers use the portal")]
    TokenForCustomer,
    /// The account is disabled.
    #[error("the account is disabled")]
    AccountDisabled,
    /// Demo accounts get no API tokens.
    #[error("demo accounts cannot have API tokens; create an account with `beredskap user create`")]
    TokenForDemoAccount,
    /// A password found among the commonly used ones, or as easy to guess (a word, a name,
    /// the user name, a keyboard row, a date).
    #[error(
        "the password is too easy to guess; use a few words of your own, or a password manager"
    )]
    EasyPassword,
    /// An API token's lifetime outside 1 to `max` days.
    #[error("an API token is good for 1 to {max} days")]
    TokenLifetime { max: u32 },
    /// The demo town (and its accounts) is built only in a database without customers.
    #[error("the database already holds customers; the demo town needs an empty database")]
    DemoNeedsEmptyDatabase,
    /// A sign-on whose answer does not check out: a forged, expired or foreign token, a code
    /// used twice, an error from the identity provider. What exactly is in the server's log
    /// and the audit log, not on the page.
    #[error("the login through the identity provider could not be verified")]
    SignOnFailed,
    /// A sign-on finished in another browser, or too late, or twice.
    #[error("the login took too long or began in another browser; start it again")]
    SignOnStale,
    /// The person stopped at the identity provider.
    #[error("the login was cancelled at the identity provider")]
    SignOnCancelled,
    /// The organisation's account carries no group that maps to a role here.
    #[error("the organisation's account has no role in Beredskap")]
    SignOnNoRole,
    /// The e-ID's personal identity number belongs to no customer.
    #[error("no customer has this personal identity number")]
    SignOnNoCustomer,
}

impl AccountProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<AccountProblem> {
        vec![
            AccountProblem::WrongPassword,
            AccountProblem::PasswordTooShort { min: 12 },
            AccountProblem::PasswordTooLong { max: 256 },
            AccountProblem::PasswordUnchanged,
            AccountProblem::BadUsername,
            AccountProblem::UsernameTaken {
                username: "kim".into(),
            },
            AccountProblem::CustomerMismatch,
            AccountProblem::RoleAcrossKinds,
            AccountProblem::TotpNotStarted,
            AccountProblem::TotpWrongCode,
            AccountProblem::RecoveryCodeWrong,
            AccountProblem::PasskeyRefused,
            AccountProblem::PasskeyName { max: 60 },
            AccountProblem::NoSuchAccount {
                username: "kim".into(),
            },
            AccountProblem::TokenForCustomer,
            AccountProblem::AccountDisabled,
            AccountProblem::TokenForDemoAccount,
            AccountProblem::EasyPassword,
            AccountProblem::TokenLifetime { max: 366 },
            AccountProblem::DemoNeedsEmptyDatabase,
            AccountProblem::SignOnFailed,
            AccountProblem::SignOnStale,
            AccountProblem::SignOnCancelled,
            AccountProblem::SignOnNoRole,
            AccountProblem::SignOnNoCustomer,
        ]
    }
}

impl crate::problem::Explain for AccountProblem {
    fn message_key(&self) -> &'static str {
        match self {
            AccountProblem::WrongPassword => "account-problem-wrong-password",
            AccountProblem::PasswordTooShort { .. } => "account-problem-password-too-short",
            AccountProblem::PasswordTooLong { .. } => "account-problem-password-too-long",
            AccountProblem::PasswordUnchanged => "account-problem-password-unchanged",
            AccountProblem::BadUsername => "account-problem-bad-username",
            AccountProblem::UsernameTaken { .. } => "account-problem-username-taken",
            AccountProblem::CustomerMismatch => "account-problem-customer-mismatch",
            AccountProblem::RoleAcrossKinds => "account-problem-role-across-kinds",
            AccountProblem::TotpNotStarted => "account-problem-totp-not-started",
            AccountProblem::TotpWrongCode => "account-problem-totp-wrong-code",
            AccountProblem::RecoveryCodeWrong => "account-problem-recovery-code-wrong",
            AccountProblem::PasskeyRefused => "account-problem-passkey-refused",
            AccountProblem::PasskeyName { .. } => "account-problem-passkey-name",
            AccountProblem::NoSuchAccount { .. } => "account-problem-no-such-account",
            AccountProblem::TokenForCustomer => "account-problem-token-for-customer",
            AccountProblem::AccountDisabled => "account-problem-account-disabled",
            AccountProblem::TokenForDemoAccount => "account-problem-token-for-demo",
            AccountProblem::EasyPassword => "account-problem-easy-password",
            AccountProblem::TokenLifetime { .. } => "account-problem-token-lifetime",
            AccountProblem::DemoNeedsEmptyDatabase => "account-problem-demo-needs-empty-database",
            AccountProblem::SignOnFailed => "account-problem-sign-on-failed",
            AccountProblem::SignOnStale => "account-problem-sign-on-stale",
            AccountProblem::SignOnCancelled => "account-problem-sign-on-cancelled",
            AccountProblem::SignOnNoRole => "account-problem-sign-on-no-role",
            AccountProblem::SignOnNoCustomer => "account-problem-sign-on-no-customer",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            AccountProblem::PasswordTooShort { min } => vec![("min", min.to_string())],
            AccountProblem::PasswordTooLong { max } | AccountProblem::PasskeyName { max } => {
                vec![("max", max.to_string())]
            }
            AccountProblem::TokenLifetime { max } => vec![("max", max.to_string())],
            AccountProblem::UsernameTaken { username }
            | AccountProblem::NoSuchAccount { username } => vec![("username", username.clone())],
            _ => Vec::new(),
        }
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
        assert!(Role::STAFF.iter().all(|r| r.requires_second_factor()));
        assert!(!Role::Customer.requires_second_factor());
    }
}
