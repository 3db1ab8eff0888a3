//! What the shell passes to the constructor.

use serde::{Deserialize, Serialize};

use crate::protocol::error::CoreError;
use crate::support::fields::Fields;
use crate::support::stored::Stored;

/// What the shell passes to the constructor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Base URL of the app's own backend, `https://…` (or `http://localhost…`
    /// for the simulator).
    pub backend_url: String,
    /// `zh` or `en`; defaults to the system language.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub locale: Option<String>,
}

impl Config {
    /// Reads a config as the constructor takes it, strictly: a missing or
    /// mistyped `backendUrl` and any unknown field are refused by name.
    pub fn read(v: serde_json::Value) -> Result<Config, String> {
        let mut f = Fields::of(v, "the config")?;
        let config = Config {
            backend_url: f.string("backendUrl")?,
            locale: f.string_opt("locale")?,
        };
        f.finish()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), CoreError> {
        let url = self.backend_url.trim();
        let ok = url.starts_with("https://")
            || url.starts_with("http://localhost")
            || url.starts_with("http://127.0.0.1");
        if !ok {
            return Err(CoreError::BadConfig(format!(
                "backendUrl must start with https:// (or http://localhost for development), got {:?}",
                crate::support::text_preview(url)
            )));
        }
        if url.len() > 512 {
            return Err(CoreError::BadConfig(
                "backendUrl is longer than 512 bytes".into(),
            ));
        }
        Ok(())
    }

    pub fn base(&self) -> &str {
        self.backend_url.trim().trim_end_matches('/')
    }
}

impl Stored for Config {
    fn read_stored(v: serde_json::Value) -> Result<Self, String> {
        Config::read(v)
    }
}
