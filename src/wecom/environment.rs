//! Where the mini program runs: host app (WeCom or WeChat), platform, client
//! and base-library versions, and the user's language.
//!
//! The shell reads `wx.getSystemInfoSync()`, checks whether a `wx.qy` object
//! exists and, inside WeCom, reads `wx.qy.getSystemInfo().version`; it hands
//! the three to [`Environment::detect`]. Nothing here calls any API.

use crate::support::locale::{Locale, Localized};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// A `major.minor.patch` version. Extra parts (`4.1.36.6011`) are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Lenient: `"3.1.6"`, `"3.1"`, `"3"`, `"4.1.36.6011"`, `" 3.1.6 "`.
    /// Missing parts are 0; parts after the third are ignored unchecked.
    /// Each of the first three parts must be ASCII digits that fit in a u32,
    /// so `""`, `"abc"`, `"3..1"`, `"-1"`, `"+1"` and `"3.1.x"` give `None`.
    pub fn parse(s: &str) -> Option<Version> {
        let mut parts = s.trim().split('.');
        let major = number(parts.next()?)?;
        let minor = match parts.next() {
            Some(p) => number(p)?,
            None => 0,
        };
        let patch = match parts.next() {
            Some(p) => number(p)?,
            None => 0,
        };
        Some(Version::new(major, minor, patch))
    }
}

fn number(part: &str) -> Option<u32> {
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The fields of `wx.getSystemInfoSync()` the core uses.
///
/// Deserializing never fails: every field is optional, a field of the wrong
/// type (object, array, boolean) becomes `None`, a number becomes its text,
/// blank strings become `None` and strings are trimmed. Input that is not an
/// object at all (null, a string…) gives an empty `SystemInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemInfo {
    /// "ios", "android", "windows", "mac", "ohos", "devtools".
    pub platform: Option<String>,
    /// Operating system and its version, e.g. "Android 13".
    pub system: Option<String>,
    /// The WeChat-compatible version of the host. NOT the WeCom version:
    /// that one comes from `wx.qy.getSystemInfo()`.
    pub version: Option<String>,
    /// Base library version (`SDKVersion`).
    pub sdk_version: Option<String>,
    /// "wxwork" inside WeCom; sometimes missing even there.
    pub environment: Option<String>,
    /// WeChat language tag, e.g. "zh_CN", "en".
    pub language: Option<String>,
    pub brand: Option<String>,
    pub model: Option<String>,
}

impl SystemInfo {
    /// Reads `wx.getSystemInfoSync()` as the shell passed it, field by
    /// field; anything that is not an object gives an empty `SystemInfo`.
    /// Each field is a lenient string: trimmed (blank is `None`), a number
    /// becomes its text (JS hands every number over as `f64`: `8.0` reads
    /// "8"), anything else is `None`.
    pub fn from_value(v: &Value) -> SystemInfo {
        let field = |key: &str| v.get(key).and_then(lenient_text);
        SystemInfo {
            platform: field("platform"),
            system: field("system"),
            version: field("version"),
            sdk_version: field("SDKVersion"),
            environment: field("environment"),
            language: field("language"),
            brand: field("brand"),
            model: field("model"),
        }
    }
}

fn lenient_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim()).filter(|t| !t.is_empty()).map(str::to_owned),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Some(i.to_string()),
            (_, Some(u), _) => Some(u.to_string()),
            (_, _, Some(f)) if !f.is_finite() => None,
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", f as i64)),
            (_, _, Some(f)) => Some(f.to_string()),
            _ => None,
        },
        _ => None,
    }
}

impl<'de> Deserialize<'de> for SystemInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SystemInfo, D::Error> {
        Value::deserialize(deserializer).map(|v| SystemInfo::from_value(&v))
    }
}

/// The app hosting the mini program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Host {
    Wecom,
    Wechat,
}

impl Host {
    pub fn as_str(self) -> &'static str {
        match self {
            Host::Wecom => "wecom",
            Host::Wechat => "wechat",
        }
    }
}

/// The `platform` of `wx.getSystemInfoSync()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Ios,
    Android,
    Windows,
    Mac,
    /// HarmonyOS.
    Ohos,
    Devtools,
    Unknown,
}

impl Platform {
    /// Case-insensitive, surrounding whitespace ignored; anything else is
    /// `Unknown`.
    pub fn parse(s: &str) -> Platform {
        let s = s.trim();
        let known = [
            ("ios", Platform::Ios),
            ("android", Platform::Android),
            ("windows", Platform::Windows),
            ("mac", Platform::Mac),
            ("ohos", Platform::Ohos),
            ("devtools", Platform::Devtools),
        ];
        known
            .iter()
            .find(|(name, _)| s.eq_ignore_ascii_case(name))
            .map_or(Platform::Unknown, |(_, p)| *p)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::Android => "android",
            Platform::Windows => "windows",
            Platform::Mac => "mac",
            Platform::Ohos => "ohos",
            Platform::Devtools => "devtools",
            Platform::Unknown => "unknown",
        }
    }

    /// Human name for messages ("Mac", "鸿蒙"/"HarmonyOS"…).
    pub fn label(self) -> Localized {
        match self {
            Platform::Ios => Localized::new("iOS", "iOS"),
            Platform::Android => Localized::new("Android", "Android"),
            Platform::Windows => Localized::new("Windows", "Windows"),
            Platform::Mac => Localized::new("Mac", "Mac"),
            Platform::Ohos => Localized::new("鸿蒙", "HarmonyOS"),
            Platform::Devtools => Localized::new("开发者工具", "devtools"),
            Platform::Unknown => Localized::new("未知平台", "an unknown platform"),
        }
    }
}

/// Everything the core needs to know about where it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub host: Host,
    pub platform: Platform,
    pub devtools: bool,
    /// The WeCom client version (from `wx.qy.getSystemInfo()`); `None` when
    /// unknown or outside WeCom. Never the WeChat-compatible `version`.
    pub client_version: Option<Version>,
    /// The base library version (`SDKVersion`).
    pub base_library: Option<Version>,
    pub locale: Locale,
}

impl Environment {
    /// `has_qy`: whether the shell found a `wx.qy` object. `wecom_version`:
    /// the `version` of `wx.qy.getSystemInfo()`, if the shell got one.
    ///
    /// The host is WeCom when `environment` is "wxwork" (any case) or `wx.qy`
    /// exists, because `environment` is sometimes missing inside WeCom.
    pub fn detect(info: &SystemInfo, has_qy: bool, wecom_version: Option<&str>) -> Environment {
        let wxwork = info
            .environment
            .as_deref()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("wxwork"));
        let host = if wxwork || has_qy {
            Host::Wecom
        } else {
            Host::Wechat
        };
        let platform = info
            .platform
            .as_deref()
            .map_or(Platform::Unknown, Platform::parse);
        Environment {
            host,
            platform,
            devtools: platform == Platform::Devtools,
            client_version: wecom_version.and_then(Version::parse),
            base_library: info.sdk_version.as_deref().and_then(Version::parse),
            locale: info
                .language
                .as_deref()
                .map_or(Locale::default(), Locale::from_tag),
        }
    }

    pub fn is_wecom(&self) -> bool {
        self.host == Host::Wecom
    }

    /// One line for support tickets, e.g.
    /// `"wecom 3.1.6 android, base library 2.13.2"`; unknown versions are `?`.
    pub fn describe(&self) -> String {
        let version = |v: Option<Version>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
        format!(
            "{} {} {}, base library {}",
            self.host.as_str(),
            version(self.client_version),
            self.platform.as_str(),
            version(self.base_library)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(json: &str) -> SystemInfo {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn version_parses_full_short_and_long_forms() {
        assert_eq!(Version::parse("3.1.6"), Some(Version::new(3, 1, 6)));
        assert_eq!(Version::parse("3.1"), Some(Version::new(3, 1, 0)));
        assert_eq!(Version::parse("3"), Some(Version::new(3, 0, 0)));
        assert_eq!(Version::parse("4.1.36.6011"), Some(Version::new(4, 1, 36)));
        assert_eq!(Version::parse(" 3.1.6 "), Some(Version::new(3, 1, 6)));
        assert_eq!(Version::parse("03.01.06"), Some(Version::new(3, 1, 6)));
    }

    #[test]
    fn version_rejects_empty() {
        assert_eq!(Version::parse(""), None);
        assert_eq!(Version::parse("   "), None);
    }

    #[test]
    fn version_rejects_letters() {
        assert_eq!(Version::parse("abc"), None);
        assert_eq!(Version::parse("3.1.x"), None);
        assert_eq!(Version::parse("v3.1.6"), None);
    }

    #[test]
    fn version_rejects_empty_part() {
        assert_eq!(Version::parse("3..1"), None);
        assert_eq!(Version::parse(".3"), None);
        assert_eq!(Version::parse("3.1."), None);
    }

    #[test]
    fn version_rejects_signs() {
        assert_eq!(Version::parse("-1"), None);
        assert_eq!(Version::parse("+1"), None);
        assert_eq!(Version::parse("3.-1.0"), None);
    }

    #[test]
    fn version_rejects_overflow() {
        assert_eq!(Version::parse("99999999999"), None);
        assert_eq!(
            Version::parse("4294967295"),
            Some(Version::new(u32::MAX, 0, 0))
        );
    }

    #[test]
    fn version_orders_numerically_and_displays() {
        assert!(Version::new(3, 0, 36) < Version::new(3, 1, 6));
        assert!(Version::new(3, 1, 10) > Version::new(3, 1, 6));
        assert!(Version::new(2, 99, 99) < Version::new(3, 0, 0));
        assert_eq!(Version::new(3, 1, 6).to_string(), "3.1.6");
        assert_eq!(
            serde_json::to_string(&Version::new(3, 1, 6)).unwrap(),
            "\"3.1.6\""
        );
    }

    #[test]
    fn system_info_reads_all_fields() {
        let i = info(
            r#"{"platform":"android","system":"Android 13","version":"8.0.40",
                "SDKVersion":"2.13.2","environment":"wxwork","language":"zh_CN",
                "brand":"HUAWEI","model":"P60","pixelRatio":3}"#,
        );
        assert_eq!(i.platform.as_deref(), Some("android"));
        assert_eq!(i.system.as_deref(), Some("Android 13"));
        assert_eq!(i.version.as_deref(), Some("8.0.40"));
        assert_eq!(i.sdk_version.as_deref(), Some("2.13.2"));
        assert_eq!(i.environment.as_deref(), Some("wxwork"));
        assert_eq!(i.language.as_deref(), Some("zh_CN"));
        assert_eq!(i.brand.as_deref(), Some("HUAWEI"));
        assert_eq!(i.model.as_deref(), Some("P60"));
    }

    #[test]
    fn system_info_missing_fields_are_none() {
        assert_eq!(info("{}"), SystemInfo::default());
    }

    #[test]
    fn system_info_null_fields_are_none() {
        let i = info(r#"{"platform":null,"SDKVersion":null,"environment":null}"#);
        assert_eq!(i, SystemInfo::default());
    }

    #[test]
    fn system_info_wrong_types_become_none() {
        let i = info(
            r#"{"platform":true,"system":{"a":1},"version":[1,2],"SDKVersion":false,
                "environment":[],"language":{},"brand":null,"model":["x"]}"#,
        );
        assert_eq!(i, SystemInfo::default());
    }

    #[test]
    fn system_info_numbers_become_text() {
        let i = info(r#"{"version":8,"SDKVersion":2.5,"model":-1}"#);
        assert_eq!(i.version.as_deref(), Some("8"));
        assert_eq!(i.sdk_version.as_deref(), Some("2.5"));
        assert_eq!(i.model.as_deref(), Some("-1"));
        let i = info(r#"{"version":8.0}"#);
        assert_eq!(i.version.as_deref(), Some("8"));
    }

    #[test]
    fn system_info_blank_strings_are_none_and_text_is_trimmed() {
        let i = info(r#"{"platform":"  ","environment":"","SDKVersion":" 2.13.2 "}"#);
        assert_eq!(i.platform, None);
        assert_eq!(i.environment, None);
        assert_eq!(i.sdk_version.as_deref(), Some("2.13.2"));
    }

    #[test]
    fn system_info_ignores_unknown_and_nested_fields() {
        let i = info(
            r#"{"safeArea":{"top":44,"list":[1,{"a":null}]},"wifiEnabled":true,
                "platform":"ios","host":{"env":"WeChat"}}"#,
        );
        assert_eq!(i.platform.as_deref(), Some("ios"));
        assert_eq!(i.environment, None);
    }

    #[test]
    fn system_info_repeated_key_keeps_the_last() {
        let i = info(r#"{"platform":"ios","platform":"android"}"#);
        assert_eq!(i.platform.as_deref(), Some("android"));
    }

    #[test]
    fn system_info_keys_are_case_sensitive() {
        let i = info(r#"{"sdkVersion":"2.13.2","Platform":"ios"}"#);
        assert_eq!(i, SystemInfo::default());
    }

    #[test]
    fn system_info_from_non_object_is_empty() {
        assert_eq!(info("null"), SystemInfo::default());
        assert_eq!(info("\"ios\""), SystemInfo::default());
        assert_eq!(info("42"), SystemInfo::default());
        assert_eq!(info("[1,2]"), SystemInfo::default());
        assert_eq!(info("true"), SystemInfo::default());
    }

    #[test]
    fn platform_parses_case_insensitively() {
        assert_eq!(Platform::parse("ios"), Platform::Ios);
        assert_eq!(Platform::parse("iOS"), Platform::Ios);
        assert_eq!(Platform::parse("Android"), Platform::Android);
        assert_eq!(Platform::parse("WINDOWS"), Platform::Windows);
        assert_eq!(Platform::parse("mac"), Platform::Mac);
        assert_eq!(Platform::parse("OHOS"), Platform::Ohos);
        assert_eq!(Platform::parse(" devtools "), Platform::Devtools);
        assert_eq!(Platform::parse(""), Platform::Unknown);
        assert_eq!(Platform::parse("linux"), Platform::Unknown);
        assert_eq!(Platform::parse("macos"), Platform::Unknown);
    }

    #[test]
    fn detect_wecom_from_environment_field() {
        let i = info(r#"{"environment":"wxwork","platform":"ios"}"#);
        let env = Environment::detect(&i, false, None);
        assert_eq!(env.host, Host::Wecom);
        let i = info(r#"{"environment":"WXWork"}"#);
        assert_eq!(Environment::detect(&i, false, None).host, Host::Wecom);
    }

    #[test]
    fn detect_wecom_from_qy_when_environment_is_missing() {
        let env = Environment::detect(&info(r#"{"platform":"android"}"#), true, Some("3.1.6"));
        assert_eq!(env.host, Host::Wecom);
        assert_eq!(env.client_version, Some(Version::new(3, 1, 6)));
    }

    #[test]
    fn detect_wechat_without_environment_or_qy() {
        let i = info(r#"{"platform":"ios","version":"8.0.40"}"#);
        let env = Environment::detect(&i, false, None);
        assert_eq!(env.host, Host::Wechat);
        assert_eq!(
            env.client_version, None,
            "the WeChat version is not a WeCom version"
        );
        let i = info(r#"{"environment":"wechat"}"#);
        assert_eq!(Environment::detect(&i, false, None).host, Host::Wechat);
    }

    #[test]
    fn detect_never_uses_wechat_version_as_client_version() {
        let i = info(r#"{"environment":"wxwork","version":"8.0.40"}"#);
        let env = Environment::detect(&i, true, None);
        assert_eq!(env.client_version, None);
    }

    #[test]
    fn detect_bad_wecom_version_is_unknown() {
        let env = Environment::detect(&SystemInfo::default(), true, Some("abc"));
        assert_eq!(env.client_version, None);
    }

    #[test]
    fn detect_devtools_platform() {
        let env = Environment::detect(&info(r#"{"platform":"devtools"}"#), true, None);
        assert!(env.devtools);
        assert_eq!(env.platform, Platform::Devtools);
        let env = Environment::detect(&info(r#"{"platform":"ios"}"#), true, None);
        assert!(!env.devtools);
    }

    #[test]
    fn detect_base_library_and_locale() {
        let i = info(r#"{"SDKVersion":"2.12.3","language":"en_US"}"#);
        let env = Environment::detect(&i, true, None);
        assert_eq!(env.base_library, Some(Version::new(2, 12, 3)));
        assert_eq!(env.locale, Locale::En);
        let env = Environment::detect(&info(r#"{"language":"zh_CN"}"#), true, None);
        assert_eq!(env.locale, Locale::Zh);
        let env = Environment::detect(&SystemInfo::default(), true, None);
        assert_eq!(
            env.locale,
            Locale::Zh,
            "missing language defaults to Chinese"
        );
        assert_eq!(env.platform, Platform::Unknown);
        assert_eq!(env.base_library, None);
    }

    #[test]
    fn environment_serializes_camel_case_with_nulls() {
        let i = info(r#"{"platform":"android","SDKVersion":"2.13.2"}"#);
        let env = Environment::detect(&i, true, Some("3.1.6"));
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "host": "wecom", "platform": "android", "devtools": false,
                "clientVersion": "3.1.6", "baseLibrary": "2.13.2", "locale": "zh"
            })
        );
        let env = Environment::detect(&SystemInfo::default(), false, None);
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(json["clientVersion"], serde_json::Value::Null);
        assert_eq!(json["baseLibrary"], serde_json::Value::Null);
        assert_eq!(json["host"], "wechat");
        assert_eq!(json["platform"], "unknown");
    }

    #[test]
    fn describe_is_one_line() {
        let i = info(r#"{"platform":"android","SDKVersion":"2.13.2"}"#);
        let env = Environment::detect(&i, true, Some("3.1.6"));
        assert_eq!(env.describe(), "wecom 3.1.6 android, base library 2.13.2");
        let env = Environment::detect(&info(r#"{"platform":"ios"}"#), false, None);
        assert_eq!(env.describe(), "wechat ? ios, base library ?");
    }
}
