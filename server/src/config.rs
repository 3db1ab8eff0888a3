//! Configuration from the environment (server/README.md has the table).
//!
//! A missing or malformed variable is reported by name, never with its value.

use crate::crypto::CallbackKey;
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;
use wecom_contact_core::wecom::ids::CorpId;

/// A secret: printed and logged as `<redacted>`, never as its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The callback endpoint's settings (both variables set).
#[derive(Clone, Debug)]
pub struct CallbackConfig {
    pub token: Secret,
    pub key: CallbackKey,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub corp_id: CorpId,
    pub agent_secret: Secret,
    pub contact_secret: Secret,
    pub callback: Option<CallbackConfig>,
    pub api_base: String,
    /// How long one WeCom call may take before it counts as unreachable.
    pub upstream_timeout: Duration,
    /// How long a session token is valid.
    pub session_ttl: Duration,
    /// How long an idempotency record is kept.
    pub idempotency_ttl: Duration,
    /// How long a request holds an idempotency key before another request
    /// may take it over (the first one is then presumed dead).
    pub idempotency_lease: Duration,
    /// How far a callback's timestamp may be from now.
    pub callback_max_skew: Duration,
    /// How long a member's name is cached.
    pub member_cache_ttl: Duration,
    /// Test hook: exit the process right after WeCom answered a write and
    /// before its idempotency record is written (see README, "A kill between
    /// WeCom's answer and the record"). Never set in production.
    pub exit_after_upstream_write: bool,
    /// Lower-cased userids of the members who may hand customers over
    /// (`WCC_HANDOVER_ADMINS`); empty = nobody.
    pub handover_admins: Vec<String>,
    /// Lower-cased userids of the members who may fill the materials library
    /// (`WCC_MATERIAL_ADMINS`); empty = nobody.
    pub material_admins: Vec<String>,
}

/// Why the configuration cannot be used: names the variable, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn err(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

fn secret_value(variable: &'static str, value: &str) -> Result<Secret, ConfigError> {
    if value.is_empty() {
        return Err(err(variable, "is empty"));
    }
    if value.len() > 512 {
        return Err(err(variable, "is malformed: longer than 512 bytes"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err(
            variable,
            "is malformed: contains whitespace or control characters",
        ));
    }
    Ok(Secret::new(value))
}

fn seconds(
    vars: &HashMap<String, String>,
    variable: &'static str,
    default: u64,
) -> Result<Duration, ConfigError> {
    match vars.get(variable) {
        None => Ok(Duration::from_secs(default)),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| {
                err(
                    variable,
                    "is malformed: expected a positive number of seconds",
                )
            }),
    }
}

impl Config {
    pub const DEFAULT_LISTEN: &'static str = "127.0.0.1:8080";
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://wcc-server.db";
    pub const DEFAULT_API_BASE: &'static str = "https://qyapi.weixin.qq.com";

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let mut vars = HashMap::new();
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Some(v)) = (k.into_string(), v.to_str()) {
                if k.starts_with("WCC_") || k.starts_with("WECOM_") {
                    vars.insert(k, v.to_owned());
                }
            }
        }
        // A variable that is not valid Unicode is malformed.
        for name in KNOWN {
            if let Some(v) = std::env::var_os(name) {
                if v.to_str().is_none() {
                    return Err(err(name, "is malformed: not valid UTF-8"));
                }
            }
        }
        Config::from_vars(&vars)
    }

    /// Reads a map of variables (the environment, or a test's).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |k: &str| vars.get(k).map(String::as_str).filter(|v| !v.is_empty());

        let listen = get("WCC_LISTEN").unwrap_or(Self::DEFAULT_LISTEN);
        let listen: SocketAddr = listen.parse().map_err(|_| {
            err(
                "WCC_LISTEN",
                "is malformed: expected HOST:PORT, e.g. 127.0.0.1:8080",
            )
        })?;

        let database_url = get("WCC_DATABASE_URL")
            .unwrap_or(Self::DEFAULT_DATABASE_URL)
            .to_owned();
        let sqlite = database_url.starts_with("sqlite:");
        let pg =
            database_url.starts_with("postgres://") || database_url.starts_with("postgresql://");
        if !sqlite && !pg {
            return Err(err(
                "WCC_DATABASE_URL",
                "is malformed: expected sqlite://PATH or postgres://USER@HOST/DB",
            ));
        }
        if sqlite
            && database_url
                .trim_start_matches("sqlite:")
                .trim_start_matches("//")
                .is_empty()
        {
            return Err(err(
                "WCC_DATABASE_URL",
                "is malformed: the SQLite path is empty",
            ));
        }

        let corp_id = get("WECOM_CORP_ID")
            .ok_or_else(|| err("WECOM_CORP_ID", "is required (the corp id, ww…)"))?;
        let corp_id = CorpId::parse(corp_id)
            .map_err(|e| err("WECOM_CORP_ID", format!("is malformed: {e}")))?;

        let agent = get("WECOM_AGENT_SECRET").ok_or_else(|| {
            err(
                "WECOM_AGENT_SECRET",
                "is required (the secret of the self-built app the mini program is bound to)",
            )
        })?;
        let agent_secret = secret_value("WECOM_AGENT_SECRET", agent)?;
        let contact_secret = match get("WECOM_CONTACT_SECRET") {
            Some(v) => secret_value("WECOM_CONTACT_SECRET", v)?,
            None => agent_secret.clone(),
        };

        let callback = match (get("WECOM_CALLBACK_TOKEN"), get("WECOM_CALLBACK_AES_KEY")) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(err(
                    "WECOM_CALLBACK_AES_KEY",
                    "is required when WECOM_CALLBACK_TOKEN is set",
                ))
            }
            (None, Some(_)) => {
                return Err(err(
                    "WECOM_CALLBACK_TOKEN",
                    "is required when WECOM_CALLBACK_AES_KEY is set",
                ))
            }
            (Some(token), Some(key)) => {
                let token = secret_value("WECOM_CALLBACK_TOKEN", token)?;
                if !token.expose().chars().all(|c| c.is_ascii_alphanumeric())
                    || token.expose().len() > 32
                {
                    return Err(err(
                        "WECOM_CALLBACK_TOKEN",
                        "is malformed: WeCom's Token is at most 32 letters or digits",
                    ));
                }
                let key = CallbackKey::from_encoding_aes_key(key)
                    .map_err(|p| err("WECOM_CALLBACK_AES_KEY", format!("is malformed: {p}")))?;
                Some(CallbackConfig { token, key })
            }
        };

        let api_base = get("WECOM_API_BASE").unwrap_or(Self::DEFAULT_API_BASE);
        let parsed = url::Url::parse(api_base)
            .map_err(|_| err("WECOM_API_BASE", "is malformed: expected an http(s) URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(err(
                "WECOM_API_BASE",
                "is malformed: expected an http(s) URL",
            ));
        }
        let api_base = api_base.trim_end_matches('/').to_owned();

        let mut handover_admins = vec![];
        for u in get("WCC_HANDOVER_ADMINS")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            let id = wecom_contact_core::wecom::ids::UserId::parse(u).map_err(|_| {
                err(
                    "WCC_HANDOVER_ADMINS",
                    "is malformed: expected comma-separated member userids",
                )
            })?;
            handover_admins.push(id.key());
        }

        let mut material_admins = vec![];
        for u in get("WCC_MATERIAL_ADMINS")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            let id = wecom_contact_core::wecom::ids::UserId::parse(u).map_err(|_| {
                err(
                    "WCC_MATERIAL_ADMINS",
                    "is malformed: expected comma-separated member userids",
                )
            })?;
            material_admins.push(id.key());
        }

        let upstream_timeout = seconds(vars, "WCC_UPSTREAM_TIMEOUT_SECS", 10)?;
        let idempotency_lease = seconds(vars, "WCC_IDEMPOTENCY_LEASE_SECS", 60)?;
        Ok(Config {
            listen,
            database_url,
            corp_id,
            agent_secret,
            contact_secret,
            callback,
            api_base,
            upstream_timeout,
            session_ttl: seconds(vars, "WCC_SESSION_TTL_SECS", 7200)?,
            idempotency_ttl: seconds(vars, "WCC_IDEMPOTENCY_TTL_SECS", 7 * 24 * 3600)?,
            idempotency_lease,
            callback_max_skew: Duration::from_secs(300),
            member_cache_ttl: seconds(vars, "WCC_MEMBER_CACHE_SECS", 3600)?,
            exit_after_upstream_write: get("WCC_TEST_EXIT_AFTER_UPSTREAM_WRITE") == Some("1"),
            handover_admins,
            material_admins,
        })
    }
}

/// Every variable the server reads.
pub const KNOWN: [&str; 16] = [
    "WCC_LISTEN",
    "WCC_DATABASE_URL",
    "WECOM_CORP_ID",
    "WECOM_AGENT_SECRET",
    "WECOM_CONTACT_SECRET",
    "WECOM_CALLBACK_TOKEN",
    "WECOM_CALLBACK_AES_KEY",
    "WECOM_API_BASE",
    "WCC_UPSTREAM_TIMEOUT_SECS",
    "WCC_SESSION_TTL_SECS",
    "WCC_IDEMPOTENCY_TTL_SECS",
    "WCC_IDEMPOTENCY_LEASE_SECS",
    "WCC_MEMBER_CACHE_SECS",
    "WCC_TEST_EXIT_AFTER_UPSTREAM_WRITE",
    "WCC_HANDOVER_ADMINS",
    "WCC_MATERIAL_ADMINS",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const BASE: [(&str, &str); 2] = [
        ("WECOM_CORP_ID", "ww0123456789abcdef"),
        ("WECOM_AGENT_SECRET", "s3cr3t-VALUE"),
    ];

    #[test]
    fn defaults() {
        let c = Config::from_vars(&vars(&BASE)).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://wcc-server.db");
        assert_eq!(c.api_base, "https://qyapi.weixin.qq.com");
        assert_eq!(
            c.contact_secret.expose(),
            "s3cr3t-VALUE",
            "falls back to the agent secret"
        );
        assert!(c.callback.is_none());
        assert!(
            !format!("{c:?}").contains("s3cr3t"),
            "Debug never shows a secret"
        );
    }

    #[test]
    fn missing_and_malformed_name_the_variable_not_the_value() {
        let e = Config::from_vars(&vars(&[("WECOM_AGENT_SECRET", "s3cr3t")])).unwrap_err();
        assert_eq!(e.variable, "WECOM_CORP_ID");
        let e = Config::from_vars(&vars(&[("WECOM_CORP_ID", "ww0123456789abcdef")])).unwrap_err();
        assert_eq!(e.variable, "WECOM_AGENT_SECRET");
        let mut v = vars(&BASE);
        v.insert("WECOM_CORP_ID".into(), "not a corp".into());
        let e = Config::from_vars(&v).unwrap_err();
        assert_eq!(e.variable, "WECOM_CORP_ID");
        assert!(!e.to_string().contains("not a corp"), "{e}");
        let mut v = vars(&BASE);
        v.insert("WECOM_AGENT_SECRET".into(), "has space".into());
        let e = Config::from_vars(&v).unwrap_err();
        assert_eq!(e.variable, "WECOM_AGENT_SECRET");
        assert!(!e.to_string().contains("has space"));
        for (k, bad) in [
            ("WCC_LISTEN", "nope"),
            ("WCC_DATABASE_URL", "mysql://x"),
            ("WECOM_API_BASE", "ftp://x"),
            ("WECOM_CALLBACK_AES_KEY", "short"),
            ("WCC_IDEMPOTENCY_TTL_SECS", "-1"),
        ] {
            let mut v = vars(&BASE);
            v.insert(k.into(), bad.into());
            if k == "WECOM_CALLBACK_AES_KEY" {
                v.insert("WECOM_CALLBACK_TOKEN".into(), "QDG6eK".into());
            }
            let e = Config::from_vars(&v).unwrap_err();
            assert_eq!(e.variable, k, "{e}");
        }
        let mut v = vars(&BASE);
        v.insert("WECOM_CALLBACK_TOKEN".into(), "QDG6eK".into());
        assert_eq!(
            Config::from_vars(&v).unwrap_err().variable,
            "WECOM_CALLBACK_AES_KEY"
        );
    }

    #[test]
    fn callback_and_postgres() {
        let mut v = vars(&BASE);
        v.insert("WECOM_CALLBACK_TOKEN".into(), "QDG6eK".into());
        v.insert(
            "WECOM_CALLBACK_AES_KEY".into(),
            "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C".into(),
        );
        v.insert(
            "WCC_DATABASE_URL".into(),
            "postgres://wcc@127.0.0.1:5432/wcc".into(),
        );
        v.insert("WECOM_CONTACT_SECRET".into(), "other".into());
        let c = Config::from_vars(&v).unwrap();
        assert!(c.callback.is_some());
        assert_eq!(c.contact_secret.expose(), "other");
    }
}
