//! Which `wx.qy` calls can work here, and why not.
//!
//! One table row per [`Api`] (see [`capability`]) says the minimum WeCom
//! client version, the entries the call is allowed from, whether devtools
//! can run it and on which platforms it is missing. [`check`] applies a row
//! to an [`Environment`] and the page's [`Entry`].
//!
//! Policy (the shell must still handle the call failing; see `outcome`):
//! - Feature-detect, never sniff versions alone: an unknown client version
//!   (`None`) never blocks. Only a known version below the minimum does.
//! - An unknown entry (`None`: `getContext` is missing before 3.0.24 or
//!   failed) never blocks either; the call itself then reports "without
//!   context of external contact". A known entry that is not allowed does
//!   block (an `Entry::Unknown` value is not in any allow list).
//! - Order of checks: host, devtools, platform, client version, entry (with
//!   that entry's platform exclusions, then its version).
//!
//! Choices where the facts are silent:
//! - `getCurExternalChat`, `sendChatMessage`, `selectExternalContact`,
//!   `openUserProfile`, `openEnterpriseChat`: the facts do not say devtools
//!   lacks them, so devtools is not blocked.
//! - The `chain_*` entries have no documented per-API minimum; they are
//!   gated by the version that introduced them (4.0.8).
//! - `sendChatMessage` from `single_chat_tools` / `group_chat_tools`:
//!   WeCom 2.8.10 (wecom:98539).
//! - `openEnterpriseChat` is available from any version; only its returned
//!   `chatId` needs 3.0.36 (see [`open_enterprise_chat_returns_chat_id`]).
//! - `selectExternalContact` and `openUserProfile` have no version or entry
//!   limits in the facts.

use crate::support::locale::Localized;
use crate::wecom::entry::Entry;
use crate::wecom::environment::{Environment, Host, Platform, Version};
use serde::{Deserialize, Serialize, Serializer};

/// The `wx.qy` calls the app makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    Login,
    CheckSession,
    GetSystemInfo,
    GetContext,
    GetCurExternalContact,
    GetCurExternalChat,
    /// The 上下游 (supply-chain) contact of the chat toolbar.
    GetCurCorpGroupContact,
    /// The 上下游 (supply-chain) group chat of the chat toolbar.
    GetCurCorpGroupChat,
    SelectExternalContact,
    OpenUserProfile,
    OpenEnterpriseChat,
    SendChatMessage,
    ShareToExternalContact,
}

impl Api {
    pub const ALL: [Api; 13] = [
        Api::Login,
        Api::CheckSession,
        Api::GetSystemInfo,
        Api::GetContext,
        Api::GetCurExternalContact,
        Api::GetCurExternalChat,
        Api::GetCurCorpGroupContact,
        Api::GetCurCorpGroupChat,
        Api::SelectExternalContact,
        Api::OpenUserProfile,
        Api::OpenEnterpriseChat,
        Api::SendChatMessage,
        Api::ShareToExternalContact,
    ];

    /// The `wx.qy` method name, e.g. `"getCurExternalContact"`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Login => "login",
            Api::CheckSession => "checkSession",
            Api::GetSystemInfo => "getSystemInfo",
            Api::GetContext => "getContext",
            Api::GetCurExternalContact => "getCurExternalContact",
            Api::GetCurExternalChat => "getCurExternalChat",
            Api::GetCurCorpGroupContact => "getCurCorpGroupContact",
            Api::GetCurCorpGroupChat => "getCurCorpGroupChat",
            Api::SelectExternalContact => "selectExternalContact",
            Api::OpenUserProfile => "openUserProfile",
            Api::OpenEnterpriseChat => "openEnterpriseChat",
            Api::SendChatMessage => "sendChatMessage",
            Api::ShareToExternalContact => "shareToExternalContact",
        }
    }

    /// Inverse of [`Api::name`]; ignores ASCII case, surrounding space and a
    /// leading `wx.qy.` / `qy.`.
    pub fn from_name(name: &str) -> Option<Api> {
        let name = name.trim();
        let name = name
            .strip_prefix("wx.qy.")
            .or_else(|| name.strip_prefix("qy."))
            .unwrap_or(name);
        Api::ALL
            .into_iter()
            .find(|api| api.name().eq_ignore_ascii_case(name))
    }
}

impl Serialize for Api {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One entry an API is allowed from, with that entry's own limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRule {
    pub entry: Entry,
    /// Minimum WeCom client version for this API from this entry.
    pub since: Option<Version>,
    /// Platforms where this API does not work from this entry.
    pub not_on: &'static [Platform],
}

/// One row of the capability table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub api: Api,
    /// Minimum WeCom client version, whatever the entry.
    pub since: Option<Version>,
    /// The entries the call is allowed from; `None` = any entry.
    pub entries: Option<&'static [EntryRule]>,
    /// Whether devtools' WeCom mode can run it.
    pub devtools: bool,
    /// Platforms where the call does not work at all.
    pub not_on: &'static [Platform],
}

const fn anywhere(api: Api) -> Capability {
    Capability {
        api,
        since: None,
        entries: None,
        devtools: true,
        not_on: &[],
    }
}

const fn rule(entry: Entry, since: Version) -> EntryRule {
    EntryRule {
        entry,
        since: Some(since),
        not_on: &[],
    }
}

// The rows, each with its source: wecom:N is the WeCom developer page
// https://developer.work.weixin.qq.com/document/path/N.

/// wecom:92388 (wx.qy.login).
const LOGIN: Capability = anywhere(Api::Login);
/// wecom:96960 (wx.qy.checkSession).
const CHECK_SESSION: Capability = anywhere(Api::CheckSession);
/// wecom:95046 (wx.qy.getSystemInfo: the WeCom client version).
const GET_SYSTEM_INFO: Capability = anywhere(Api::GetSystemInfo);
/// wecom:94332 (wx.qy.getContext): 3.0.24, not in devtools.
const GET_CONTEXT: Capability = Capability {
    since: Some(Version::new(3, 0, 24)),
    devtools: false,
    ..anywhere(Api::GetContext)
};
/// wecom:96995 (wx.qy.getCurExternalContact). Not from the `chain_*`
/// entries: those are served by getCurCorpGroupContact (wecom:97020).
const GET_CUR_EXTERNAL_CONTACT: Capability = Capability {
    since: Some(Version::new(2, 5, 8)),
    entries: Some(&[
        rule(Entry::ContactProfile, Version::new(2, 5, 8)),
        rule(Entry::SingleChatTools, Version::new(2, 8, 10)),
    ]),
    devtools: false,
    ..anywhere(Api::GetCurExternalContact)
};
/// wecom:96996 (wx.qy.getCurExternalChat; 3.0.16 in the mini program). Not
/// from `chain_group_chat_tools`: that is getCurCorpGroupChat (wecom:97020).
const GET_CUR_EXTERNAL_CHAT: Capability = Capability {
    since: Some(Version::new(3, 0, 16)),
    entries: Some(&[rule(Entry::GroupChatTools, Version::new(3, 0, 16))]),
    ..anywhere(Api::GetCurExternalChat)
};
/// wecom:97020 (上下游聊天工具栏接口, wx.qy.getCurCorpGroupContact) and
/// wecom:98426: 4.0.8, from `chain_single_chat_tools`; not in WeChat nor
/// devtools. Answers `{corpId, userId}`: a member of another corp in the
/// chain, not an `external_userid`.
const GET_CUR_CORP_GROUP_CONTACT: Capability = Capability {
    since: Some(Version::new(4, 0, 8)),
    entries: Some(&[rule(Entry::ChainSingleChatTools, Version::new(4, 0, 8))]),
    devtools: false,
    ..anywhere(Api::GetCurCorpGroupContact)
};
/// wecom:97020 (wx.qy.getCurCorpGroupChat) and wecom:98427: from
/// `chain_group_chat_tools`, answers `{chatId}` of the 上下游互联群. The
/// entry dates from 4.0.8; the JS-SDK page gives the call 4.0.12, which the
/// mini-program page does not: gated by the entry (feature detection
/// decides the rest).
const GET_CUR_CORP_GROUP_CHAT: Capability = Capability {
    since: Some(Version::new(4, 0, 8)),
    entries: Some(&[rule(Entry::ChainGroupChatTools, Version::new(4, 0, 8))]),
    ..anywhere(Api::GetCurCorpGroupChat)
};
/// wecom:93867 (wx.qy.selectExternalContact).
const SELECT_EXTERNAL_CONTACT: Capability = anywhere(Api::SelectExternalContact);
/// wecom:93567 (wx.qy.openUserProfile).
const OPEN_USER_PROFILE: Capability = anywhere(Api::OpenUserProfile);
/// wecom:96967 (wx.qy.openEnterpriseChat).
const OPEN_ENTERPRISE_CHAT: Capability = anywhere(Api::OpenEnterpriseChat);
/// wecom:93863 (wx.qy.sendChatMessage) and wecom:98539 (its entry table):
/// chat toolbars from 2.8.10, the attachment bar from 3.1.6 (not on Mac),
/// the 微信客服 toolbar from 3.1.10 (also wecom:97014).
const SEND_CHAT_MESSAGE: Capability = Capability {
    since: Some(Version::new(2, 8, 10)),
    entries: Some(&[
        rule(Entry::SingleChatTools, Version::new(2, 8, 10)),
        rule(Entry::GroupChatTools, Version::new(2, 8, 10)),
        EntryRule {
            entry: Entry::ChatAttachment,
            since: Some(Version::new(3, 1, 6)),
            not_on: &[Platform::Mac],
        },
        rule(Entry::SingleKfTools, Version::new(3, 1, 10)),
        rule(Entry::ChainSingleChatTools, Version::new(4, 0, 8)),
        rule(Entry::ChainGroupChatTools, Version::new(4, 0, 8)),
    ]),
    ..anywhere(Api::SendChatMessage)
};
/// wecom:96997 (wx.qy.shareToExternalContact): not in devtools.
const SHARE_TO_EXTERNAL_CONTACT: Capability = Capability {
    devtools: false,
    ..anywhere(Api::ShareToExternalContact)
};

/// The whole table, in [`Api::ALL`] order.
pub const CAPABILITIES: &[Capability] = &[
    LOGIN,
    CHECK_SESSION,
    GET_SYSTEM_INFO,
    GET_CONTEXT,
    GET_CUR_EXTERNAL_CONTACT,
    GET_CUR_EXTERNAL_CHAT,
    GET_CUR_CORP_GROUP_CONTACT,
    GET_CUR_CORP_GROUP_CHAT,
    SELECT_EXTERNAL_CONTACT,
    OPEN_USER_PROFILE,
    OPEN_ENTERPRISE_CHAT,
    SEND_CHAT_MESSAGE,
    SHARE_TO_EXTERNAL_CONTACT,
];

/// The table row of `api`.
pub fn capability(api: Api) -> &'static Capability {
    match api {
        Api::Login => &LOGIN,
        Api::CheckSession => &CHECK_SESSION,
        Api::GetSystemInfo => &GET_SYSTEM_INFO,
        Api::GetContext => &GET_CONTEXT,
        Api::GetCurExternalContact => &GET_CUR_EXTERNAL_CONTACT,
        Api::GetCurExternalChat => &GET_CUR_EXTERNAL_CHAT,
        Api::GetCurCorpGroupContact => &GET_CUR_CORP_GROUP_CONTACT,
        Api::GetCurCorpGroupChat => &GET_CUR_CORP_GROUP_CHAT,
        Api::SelectExternalContact => &SELECT_EXTERNAL_CONTACT,
        Api::OpenUserProfile => &OPEN_USER_PROFILE,
        Api::OpenEnterpriseChat => &OPEN_ENTERPRISE_CHAT,
        Api::SendChatMessage => &SEND_CHAT_MESSAGE,
        Api::ShareToExternalContact => &SHARE_TO_EXTERNAL_CONTACT,
    }
}

/// `openEnterpriseChat` returns `{chatId}` from this WeCom version on
/// (wecom:96967).
pub const OPEN_ENTERPRISE_CHAT_CHAT_ID_SINCE: Version = Version::new(3, 0, 36);

/// Whether to expect a `chatId` back from `openEnterpriseChat`. An unknown
/// version says yes; the shell must still treat `chatId` as optional.
pub fn open_enterprise_chat_returns_chat_id(env: &Environment) -> bool {
    env.client_version
        .is_none_or(|v| v >= OPEN_ENTERPRISE_CHAT_CHAT_ID_SINCE)
}

/// The `msgtype` values of `sendChatMessage` this app sends (wecom:93863;
/// the 微信客服 toolbar adds `msgmenu` and `channels_shop_product`,
/// wecom:97014). `video` and `file` are sent only from the materials
/// library (a media id the server uploaded). The composer's own words and
/// fields for each are in `chat::compose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MsgType {
    Text,
    News,
    Miniprogram,
    Image,
    Video,
    File,
}
crate::support::stored::stored_enum!(MsgType { Text = "text", News = "news", Miniprogram = "miniprogram", Image = "image", Video = "video", File = "file" });

impl MsgType {
    pub const ALL: [MsgType; 6] = [
        MsgType::Text,
        MsgType::News,
        MsgType::Miniprogram,
        MsgType::Image,
        MsgType::Video,
        MsgType::File,
    ];

    /// The `msgtype` value of `sendChatMessage`.
    pub fn as_str(self) -> &'static str {
        match self {
            MsgType::Text => "text",
            MsgType::News => "news",
            MsgType::Miniprogram => "miniprogram",
            MsgType::Image => "image",
            MsgType::Video => "video",
            MsgType::File => "file",
        }
    }
}

/// `sendChatMessage`'s `enterChat` works from this WeCom version on
/// (wecom:93863: mobile clients only, 3.1.10 and later).
pub const ENTER_CHAT_SINCE: Version = Version::new(3, 1, 10);
/// The platforms `enterChat` works on (wecom:93863: "移动端").
pub const ENTER_CHAT_ON: &[Platform] = &[Platform::Ios, Platform::Android];

/// Whether to send `enterChat`. Unlike the table's minimums, an unknown
/// version says no: `enterChat` is an extra, and the message is sent
/// without it.
pub fn enter_chat_works(env: &Environment) -> bool {
    ENTER_CHAT_ON.contains(&env.platform)
        && env.client_version.is_some_and(|v| v >= ENTER_CHAT_SINCE)
}

/// What the composer may send here, from the `sendChatMessage` row of the
/// table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendCaps {
    /// Whether `enterChat` may be sent ([`enter_chat_works`]).
    pub enter_chat: bool,
    /// Message types that may be sent; empty when nothing can be sent.
    pub allowed: Vec<MsgType>,
    /// Why sending is limited, for the page to show.
    pub note: Option<Localized>,
}

impl SendCaps {
    fn nothing(note: Localized) -> SendCaps {
        SendCaps {
            enter_chat: false,
            allowed: Vec::new(),
            note: Some(note),
        }
    }
}

/// What can be sent from here: every message type where [`check`] lets
/// `sendChatMessage` through, nothing (with a note saying why) elsewhere.
/// Unlike [`check`], an unknown entry (`None`) sends nothing: the composer
/// offers sending only where it knows a chat is open.
pub fn send_caps(env: &Environment, entry: Option<&Entry>) -> SendCaps {
    let Some(entry) = entry else {
        return SendCaps::nothing(entry_not_known_to_send());
    };
    match check(Api::SendChatMessage, env, Some(entry)) {
        Ok(()) => SendCaps {
            enter_chat: enter_chat_works(env),
            allowed: MsgType::ALL.to_vec(),
            note: None,
        },
        Err(why) => SendCaps::nothing(cannot_send_note(entry, &why)),
    }
}

fn entry_not_known_to_send() -> Localized {
    Localized::new(
        "无法确认当前入口支持发送消息，请从聊天工具栏或附件栏打开。",
        "This entry is not known to allow sending; open the page from the chat toolbar or the attachment bar.",
    )
}

/// Why nothing can be sent from `entry`, in the composer's words.
fn cannot_send_note(entry: &Entry, why: &Unavailable) -> Localized {
    let here = entry.label();
    match why {
        Unavailable::WrongEntry { .. } => match entry {
            Entry::ContactProfile => Localized::new(
                "从客户资料页打开时不能向聊天发送消息，请从聊天工具栏或附件栏打开。",
                "Opened from the customer profile, this page cannot send into a chat; open it from the chat toolbar or the attachment bar.",
            ),
            Entry::Normal => Localized::new(
                "不是从聊天中打开的，不能发送消息；请从聊天工具栏或附件栏打开。",
                "The page was not opened from a chat, so it cannot send; open it from the chat toolbar or the attachment bar.",
            ),
            _ => entry_not_known_to_send(),
        },
        Unavailable::ClientTooOld { required, .. } => Localized::new(
            format!("从{}发送消息需要企业微信 {required} 或更高版本，请升级。", here.zh),
            format!("Sending from {} needs WeCom {required} or later; please update.", here.en),
        ),
        Unavailable::NotOnPlatform { platform } => {
            let p = platform.label();
            Localized::new(
                format!(
                    "{} 版企业微信暂不支持从{}发送消息，请在手机或其他设备上操作。",
                    p.zh, here.zh
                ),
                format!(
                    "WeCom for {} cannot send from {} yet; use your phone or another device.",
                    p.en, here.en
                ),
            )
        }
        Unavailable::NotInWecom | Unavailable::Devtools => why.message(),
    }
}

/// Why a call cannot work here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Opened in WeChat: there is no `wx.qy`.
    NotInWecom,
    /// Devtools cannot run this call; it works only on a device.
    Devtools,
    /// The WeCom client is older than `required`.
    ClientTooOld {
        required: Version,
        current: Option<Version>,
    },
    /// The page was opened from `entry`; the call works only from `allowed`.
    WrongEntry {
        entry: String,
        allowed: Vec<&'static str>,
    },
    /// The call does not work on this platform (from this entry).
    NotOnPlatform { platform: Platform },
}

impl Unavailable {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Unavailable::NotInWecom => "not_in_wecom",
            Unavailable::Devtools => "devtools",
            Unavailable::ClientTooOld { .. } => "client_too_old",
            Unavailable::WrongEntry { .. } => "wrong_entry",
            Unavailable::NotOnPlatform { .. } => "not_on_platform",
        }
    }

    /// What is wrong, in words the member understands.
    pub fn message(&self) -> Localized {
        match self {
            Unavailable::NotInWecom => Localized::new(
                "此小程序在微信中打开，而不是企业微信",
                "this mini program is opened in WeChat, not WeCom",
            ),
            Unavailable::Devtools => Localized::new(
                "请在手机上打开：开发者工具无法读取当前客户",
                "open this on your phone: devtools cannot read the current customer",
            ),
            Unavailable::ClientTooOld {
                required,
                current: Some(current),
            } => Localized::new(
                format!("请将企业微信升级到 {required} 或以上版本（当前版本 {current}）"),
                format!("update WeCom to {required} or later (this one is {current})"),
            ),
            Unavailable::ClientTooOld {
                required,
                current: None,
            } => Localized::new(
                format!("请将企业微信升级到 {required} 或以上版本"),
                format!("update WeCom to {required} or later"),
            ),
            Unavailable::WrongEntry { entry, allowed } => {
                let here = Entry::parse(entry).label();
                let labels: Vec<Localized> =
                    allowed.iter().map(|a| Entry::parse(a).label()).collect();
                if labels.is_empty() {
                    return Localized::new(
                        format!("此功能不能从{}使用", here.zh),
                        format!("this does not work when opened from {}", here.en),
                    );
                }
                let zh: Vec<&str> = labels.iter().map(|l| l.zh.as_str()).collect();
                let en: Vec<&str> = labels.iter().map(|l| l.en.as_str()).collect();
                Localized::new(
                    format!(
                        "此功能只能从{}打开，当前是从{}打开",
                        either(&zh, "、", "或"),
                        here.zh
                    ),
                    format!(
                        "this works only when opened from {}; it was opened from {}",
                        either(&en, ", ", " or "),
                        here.en
                    ),
                )
            }
            Unavailable::NotOnPlatform { platform } => {
                let p = platform.label();
                Localized::new(
                    format!(
                        "{} 版企业微信暂不支持此功能，请在手机或其他设备上使用",
                        p.zh
                    ),
                    format!(
                        "WeCom on {} does not support this yet; use your phone or another device",
                        p.en
                    ),
                )
            }
        }
    }
}

/// "a", "a or b", "a, b or c".
fn either(items: &[&str], sep: &str, last_sep: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{}{last_sep}{last}", rest.join(sep)),
    }
}

/// Whether `api` can work here. `entry` is `None` when the page does not know
/// its entry (which never blocks).
pub fn check(api: Api, env: &Environment, entry: Option<&Entry>) -> Result<(), Unavailable> {
    check_row(capability(api), env, entry)
}

fn check_row(
    cap: &Capability,
    env: &Environment,
    entry: Option<&Entry>,
) -> Result<(), Unavailable> {
    if env.host != Host::Wecom {
        return Err(Unavailable::NotInWecom);
    }
    if env.devtools && !cap.devtools {
        return Err(Unavailable::Devtools);
    }
    if cap.not_on.contains(&env.platform) {
        return Err(Unavailable::NotOnPlatform {
            platform: env.platform,
        });
    }
    at_least(cap.since, env.client_version)?;
    let (Some(rules), Some(entry)) = (cap.entries, entry) else {
        return Ok(());
    };
    let Some(rule) = rules.iter().find(|r| &r.entry == entry) else {
        return Err(Unavailable::WrongEntry {
            entry: entry.as_str().to_owned(),
            allowed: rules.iter().map(|r| r.entry.as_str()).collect(),
        });
    };
    if rule.not_on.contains(&env.platform) {
        return Err(Unavailable::NotOnPlatform {
            platform: env.platform,
        });
    }
    at_least(rule.since, env.client_version)
}

/// A known version below the minimum blocks; an unknown one does not.
fn at_least(required: Option<Version>, current: Option<Version>) -> Result<(), Unavailable> {
    match (required, current) {
        (Some(required), Some(v)) if v < required => Err(Unavailable::ClientTooOld {
            required,
            current: Some(v),
        }),
        _ => Ok(()),
    }
}

/// Every API with whether it works here and why not, in [`Api::ALL`] order.
pub fn can_do_here(
    env: &Environment,
    entry: Option<&Entry>,
) -> Vec<(Api, Result<(), Unavailable>)> {
    Api::ALL
        .into_iter()
        .map(|api| (api, check(api, env, entry)))
        .collect()
}

/// Test fixture: [`send_caps`] from what the shell reports
/// (`wx.getSystemInfo().platform`, the WeCom version, `getContext().entry`).
#[cfg(test)]
pub(crate) fn send_caps_reported(
    platform: &str,
    version: Option<(u32, u32, u32)>,
    entry: &str,
) -> SendCaps {
    let info = crate::wecom::environment::SystemInfo {
        platform: Some(platform.to_owned()),
        ..Default::default()
    };
    let version = version.map(|(a, b, c)| format!("{a}.{b}.{c}"));
    let env = Environment::detect(&info, true, version.as_deref());
    send_caps(&env, Some(&Entry::parse(entry)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::locale::Locale;

    fn v(s: &str) -> Option<Version> {
        Some(Version::parse(s).unwrap())
    }

    fn wecom(version: Option<Version>, platform: Platform) -> Environment {
        Environment {
            host: Host::Wecom,
            platform,
            devtools: platform == Platform::Devtools,
            client_version: version,
            base_library: None,
            locale: Locale::Zh,
        }
    }

    fn phone(version: &str) -> Environment {
        wecom(v(version), Platform::Android)
    }

    fn too_old(required: &str, current: &str) -> Result<(), Unavailable> {
        Err(Unavailable::ClientTooOld {
            required: Version::parse(required).unwrap(),
            current: v(current),
        })
    }

    #[test]
    fn api_names_round_trip() {
        let names = [
            "login",
            "checkSession",
            "getSystemInfo",
            "getContext",
            "getCurExternalContact",
            "getCurExternalChat",
            "getCurCorpGroupContact",
            "getCurCorpGroupChat",
            "selectExternalContact",
            "openUserProfile",
            "openEnterpriseChat",
            "sendChatMessage",
            "shareToExternalContact",
        ];
        assert_eq!(names.len(), Api::ALL.len());
        for (api, name) in Api::ALL.into_iter().zip(names) {
            assert_eq!(api.name(), name);
            assert_eq!(Api::from_name(name), Some(api));
        }
    }

    #[test]
    fn api_from_name_is_lenient_about_case_and_prefix() {
        assert_eq!(
            Api::from_name("qy.sendChatMessage"),
            Some(Api::SendChatMessage)
        );
        assert_eq!(Api::from_name("wx.qy.login"), Some(Api::Login));
        assert_eq!(Api::from_name(" GETCONTEXT "), Some(Api::GetContext));
    }

    #[test]
    fn api_from_unknown_name_is_none() {
        assert_eq!(Api::from_name(""), None);
        assert_eq!(Api::from_name("getCurExternal"), None);
        assert_eq!(Api::from_name("wx.login"), None);
    }

    #[test]
    fn api_serializes_as_name() {
        assert_eq!(
            serde_json::to_string(&Api::GetCurExternalChat).unwrap(),
            "\"getCurExternalChat\""
        );
    }

    #[test]
    fn table_has_one_row_per_api_in_order() {
        assert_eq!(CAPABILITIES.len(), Api::ALL.len());
        for (row, api) in CAPABILITIES.iter().zip(Api::ALL) {
            assert_eq!(row.api, api);
            assert_eq!(capability(api), row);
        }
    }

    #[test]
    fn entry_rules_are_never_older_than_their_row() {
        for row in CAPABILITIES {
            for rule in row.entries.unwrap_or(&[]) {
                assert!(rule.since >= row.since, "{:?} {}", row.api, rule.entry);
            }
        }
    }

    // --- host and devtools -------------------------------------------------

    #[test]
    fn wechat_host_blocks_every_api() {
        let env = Environment {
            host: Host::Wechat,
            ..phone("3.1.6")
        };
        for (api, result) in can_do_here(&env, Some(&Entry::SingleChatTools)) {
            assert_eq!(result, Err(Unavailable::NotInWecom), "{api:?}");
        }
    }

    #[test]
    fn devtools_blocks_device_only_apis() {
        let env = wecom(v("4.1.36"), Platform::Devtools);
        let e = Some(&Entry::SingleChatTools);
        assert_eq!(check(Api::GetContext, &env, e), Err(Unavailable::Devtools));
        assert_eq!(
            check(Api::GetCurExternalContact, &env, e),
            Err(Unavailable::Devtools)
        );
        assert_eq!(
            check(Api::ShareToExternalContact, &env, e),
            Err(Unavailable::Devtools)
        );
    }

    #[test]
    fn devtools_allows_the_rest() {
        let env = wecom(v("4.1.36"), Platform::Devtools);
        for api in [
            Api::Login,
            Api::CheckSession,
            Api::GetSystemInfo,
            Api::SendChatMessage,
        ] {
            assert_eq!(
                check(api, &env, Some(&Entry::SingleChatTools)),
                Ok(()),
                "{api:?}"
            );
        }
        assert_eq!(
            check(Api::GetCurExternalChat, &env, Some(&Entry::GroupChatTools)),
            Ok(())
        );
    }

    #[test]
    fn login_check_session_and_system_info_work_anywhere_in_wecom() {
        for env in [
            phone("1.0.0"),
            wecom(None, Platform::Mac),
            wecom(None, Platform::Unknown),
        ] {
            for entry in Entry::KNOWN.iter().chain([&Entry::parse("zzz")]) {
                for api in [Api::Login, Api::CheckSession, Api::GetSystemInfo] {
                    assert_eq!(check(api, &env, Some(entry)), Ok(()), "{api:?} {entry}");
                }
            }
        }
    }

    // --- version gates: just below / at / above -------------------------------

    #[test]
    fn get_context_needs_3_0_24() {
        assert_eq!(
            check(Api::GetContext, &phone("3.0.23"), None),
            too_old("3.0.24", "3.0.23")
        );
        assert_eq!(check(Api::GetContext, &phone("3.0.24"), None), Ok(()));
        assert_eq!(check(Api::GetContext, &phone("3.0.25"), None), Ok(()));
    }

    #[test]
    fn cur_external_contact_from_profile_needs_2_5_8() {
        let e = Some(&Entry::ContactProfile);
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.5.7"), e),
            too_old("2.5.8", "2.5.7")
        );
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.5.8"), e),
            Ok(())
        );
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.5.9"), e),
            Ok(())
        );
    }

    #[test]
    fn cur_external_contact_from_single_chat_needs_2_8_10() {
        let e = Some(&Entry::SingleChatTools);
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.8.9"), e),
            too_old("2.8.10", "2.8.9")
        );
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.8.10"), e),
            Ok(())
        );
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.8.11"), e),
            Ok(())
        );
    }

    #[test]
    fn corp_group_contact_from_chain_single_chat_needs_4_0_8() {
        let e = Some(&Entry::ChainSingleChatTools);
        assert_eq!(
            check(Api::GetCurCorpGroupContact, &phone("4.0.7"), e),
            too_old("4.0.8", "4.0.7")
        );
        assert_eq!(
            check(Api::GetCurCorpGroupContact, &phone("4.0.8"), e),
            Ok(())
        );
        assert_eq!(
            check(Api::GetCurCorpGroupContact, &phone("4.0.9"), e),
            Ok(())
        );
    }

    #[test]
    fn the_chain_entries_are_served_by_the_corp_group_calls_only() {
        let env = phone("4.1.36");
        let single = Some(&Entry::ChainSingleChatTools);
        let group = Some(&Entry::ChainGroupChatTools);
        assert_eq!(check(Api::GetCurCorpGroupContact, &env, single), Ok(()));
        assert_eq!(check(Api::GetCurCorpGroupChat, &env, group), Ok(()));
        assert!(matches!(
            check(Api::GetCurExternalContact, &env, single),
            Err(Unavailable::WrongEntry { .. })
        ));
        assert!(matches!(
            check(Api::GetCurExternalChat, &env, group),
            Err(Unavailable::WrongEntry { .. })
        ));
        assert_eq!(
            check(
                Api::GetCurCorpGroupContact,
                &env,
                Some(&Entry::SingleChatTools)
            ),
            Err(Unavailable::WrongEntry {
                entry: "single_chat_tools".into(),
                allowed: vec!["chain_single_chat_tools"],
            })
        );
        assert_eq!(
            check(Api::GetCurCorpGroupChat, &env, Some(&Entry::GroupChatTools)),
            Err(Unavailable::WrongEntry {
                entry: "group_chat_tools".into(),
                allowed: vec!["chain_group_chat_tools"],
            })
        );
    }

    #[test]
    fn corp_group_contact_is_not_in_devtools() {
        let env = wecom(v("4.1.36"), Platform::Devtools);
        assert_eq!(
            check(
                Api::GetCurCorpGroupContact,
                &env,
                Some(&Entry::ChainSingleChatTools)
            ),
            Err(Unavailable::Devtools)
        );
    }

    #[test]
    fn cur_external_contact_with_unknown_entry_is_gated_by_2_5_8_only() {
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.5.7"), None),
            too_old("2.5.8", "2.5.7")
        );
        assert_eq!(
            check(Api::GetCurExternalContact, &phone("2.5.8"), None),
            Ok(())
        );
    }

    #[test]
    fn cur_external_chat_needs_3_0_16() {
        let e = Some(&Entry::GroupChatTools);
        assert_eq!(
            check(Api::GetCurExternalChat, &phone("3.0.15"), e),
            too_old("3.0.16", "3.0.15")
        );
        assert_eq!(check(Api::GetCurExternalChat, &phone("3.0.16"), e), Ok(()));
        assert_eq!(check(Api::GetCurExternalChat, &phone("3.0.17"), e), Ok(()));
    }

    #[test]
    fn corp_group_chat_from_chain_group_needs_4_0_8() {
        let e = Some(&Entry::ChainGroupChatTools);
        assert_eq!(
            check(Api::GetCurCorpGroupChat, &phone("4.0.7"), e),
            too_old("4.0.8", "4.0.7")
        );
        assert_eq!(check(Api::GetCurCorpGroupChat, &phone("4.0.8"), e), Ok(()));
        assert_eq!(check(Api::GetCurCorpGroupChat, &phone("4.1.0"), e), Ok(()));
    }

    #[test]
    fn send_chat_message_from_chat_tools_needs_2_8_10() {
        for entry in [Entry::SingleChatTools, Entry::GroupChatTools] {
            let e = Some(&entry);
            assert_eq!(
                check(Api::SendChatMessage, &phone("2.8.9"), e),
                too_old("2.8.10", "2.8.9")
            );
            assert_eq!(check(Api::SendChatMessage, &phone("2.8.10"), e), Ok(()));
            assert_eq!(check(Api::SendChatMessage, &phone("2.9.0"), e), Ok(()));
        }
    }

    #[test]
    fn send_chat_message_from_attachment_needs_3_1_6() {
        let e = Some(&Entry::ChatAttachment);
        assert_eq!(
            check(Api::SendChatMessage, &phone("3.1.5"), e),
            too_old("3.1.6", "3.1.5")
        );
        assert_eq!(check(Api::SendChatMessage, &phone("3.1.6"), e), Ok(()));
        assert_eq!(check(Api::SendChatMessage, &phone("3.1.7"), e), Ok(()));
    }

    #[test]
    fn send_chat_message_from_kf_toolbar_needs_3_1_10() {
        let e = Some(&Entry::SingleKfTools);
        assert_eq!(
            check(Api::SendChatMessage, &phone("3.1.9"), e),
            too_old("3.1.10", "3.1.9")
        );
        assert_eq!(check(Api::SendChatMessage, &phone("3.1.10"), e), Ok(()));
        assert_eq!(check(Api::SendChatMessage, &phone("3.1.11"), e), Ok(()));
    }

    #[test]
    fn send_chat_message_from_chain_entries_needs_4_0_8() {
        for entry in [Entry::ChainSingleChatTools, Entry::ChainGroupChatTools] {
            let e = Some(&entry);
            assert_eq!(
                check(Api::SendChatMessage, &phone("4.0.7"), e),
                too_old("4.0.8", "4.0.7")
            );
            assert_eq!(check(Api::SendChatMessage, &phone("4.0.8"), e), Ok(()));
            assert_eq!(check(Api::SendChatMessage, &phone("4.0.9"), e), Ok(()));
        }
    }

    #[test]
    fn open_enterprise_chat_chat_id_needs_3_0_36() {
        assert!(!open_enterprise_chat_returns_chat_id(&phone("3.0.35")));
        assert!(open_enterprise_chat_returns_chat_id(&phone("3.0.36")));
        assert!(open_enterprise_chat_returns_chat_id(&phone("3.0.37")));
        assert!(open_enterprise_chat_returns_chat_id(&wecom(
            None,
            Platform::Ios
        )));
        assert_eq!(
            check(Api::OpenEnterpriseChat, &phone("2.0.0"), None),
            Ok(())
        );
    }

    // --- unknown version ------------------------------------------------------

    #[test]
    fn unknown_client_version_never_blocks() {
        let env = wecom(None, Platform::Android);
        assert_eq!(check(Api::GetContext, &env, None), Ok(()));
        assert_eq!(
            check(
                Api::GetCurExternalContact,
                &env,
                Some(&Entry::SingleChatTools)
            ),
            Ok(())
        );
        assert_eq!(
            check(
                Api::GetCurCorpGroupChat,
                &env,
                Some(&Entry::ChainGroupChatTools)
            ),
            Ok(())
        );
        assert_eq!(
            check(Api::SendChatMessage, &env, Some(&Entry::ChatAttachment)),
            Ok(())
        );
    }

    // --- entries --------------------------------------------------------------

    #[test]
    fn unknown_entry_never_blocks() {
        let env = phone("4.1.36");
        for api in Api::ALL {
            assert_eq!(check(api, &env, None), Ok(()), "{api:?}");
        }
    }

    #[test]
    fn cur_external_contact_wrong_entries() {
        let env = phone("4.1.36");
        let allowed = vec!["contact_profile", "single_chat_tools"];
        for entry in [
            Entry::ChainSingleChatTools,
            Entry::GroupChatTools,
            Entry::Normal,
            Entry::ChatAttachment,
            Entry::SingleKfTools,
            Entry::ChainGroupChatTools,
            Entry::InternalGroupChatBoard,
            Entry::parse("future_tools"),
        ] {
            assert_eq!(
                check(Api::GetCurExternalContact, &env, Some(&entry)),
                Err(Unavailable::WrongEntry {
                    entry: entry.as_str().to_owned(),
                    allowed: allowed.clone()
                }),
                "{entry}"
            );
        }
    }

    #[test]
    fn cur_external_chat_wrong_entries() {
        let env = phone("4.1.36");
        for entry in [
            Entry::ContactProfile,
            Entry::SingleChatTools,
            Entry::Normal,
            Entry::ChatAttachment,
            Entry::ChainGroupChatTools,
        ] {
            assert_eq!(
                check(Api::GetCurExternalChat, &env, Some(&entry)),
                Err(Unavailable::WrongEntry {
                    entry: entry.as_str().to_owned(),
                    allowed: vec!["group_chat_tools"]
                }),
                "{entry}"
            );
        }
    }

    #[test]
    fn send_chat_message_entries() {
        let env = phone("4.1.36");
        for entry in [
            Entry::SingleChatTools,
            Entry::GroupChatTools,
            Entry::ChatAttachment,
            Entry::SingleKfTools,
            Entry::ChainSingleChatTools,
            Entry::ChainGroupChatTools,
        ] {
            assert_eq!(
                check(Api::SendChatMessage, &env, Some(&entry)),
                Ok(()),
                "{entry}"
            );
        }
        for entry in [
            Entry::ContactProfile,
            Entry::Normal,
            Entry::InternalGroupChatBoard,
        ] {
            let err = check(Api::SendChatMessage, &env, Some(&entry)).unwrap_err();
            assert_eq!(err.code(), "wrong_entry", "{entry}");
        }
    }

    #[test]
    fn apis_without_entry_rules_allow_every_entry() {
        let env = phone("4.1.36");
        for api in [
            Api::GetContext,
            Api::SelectExternalContact,
            Api::OpenUserProfile,
            Api::OpenEnterpriseChat,
            Api::ShareToExternalContact,
        ] {
            for entry in Entry::KNOWN.iter().chain([&Entry::parse("zzz")]) {
                assert_eq!(check(api, &env, Some(entry)), Ok(()), "{api:?} {entry}");
            }
        }
    }

    // --- platforms ------------------------------------------------------------

    #[test]
    fn chat_attachment_send_is_not_on_mac() {
        let e = Some(&Entry::ChatAttachment);
        let mac = wecom(v("4.1.36"), Platform::Mac);
        assert_eq!(
            check(Api::SendChatMessage, &mac, e),
            Err(Unavailable::NotOnPlatform {
                platform: Platform::Mac
            })
        );
        // Updating would not help, so the platform wins over the version.
        let old_mac = wecom(v("3.0.0"), Platform::Mac);
        assert_eq!(
            check(Api::SendChatMessage, &old_mac, e).unwrap_err().code(),
            "not_on_platform"
        );
        // Mac is fine from the chat toolbars.
        assert_eq!(
            check(Api::SendChatMessage, &mac, Some(&Entry::SingleChatTools)),
            Ok(())
        );
    }

    #[test]
    fn chat_attachment_send_works_on_other_platforms() {
        let e = Some(&Entry::ChatAttachment);
        for p in [
            Platform::Ios,
            Platform::Android,
            Platform::Windows,
            Platform::Ohos,
            Platform::Unknown,
        ] {
            assert_eq!(
                check(Api::SendChatMessage, &wecom(v("3.1.6"), p), e),
                Ok(()),
                "{p:?}"
            );
        }
    }

    #[test]
    fn row_level_platform_exclusion_blocks_before_version_and_entry() {
        let row = Capability {
            api: Api::Login,
            since: Some(Version::new(9, 0, 0)),
            entries: Some(&[]),
            devtools: true,
            not_on: &[Platform::Ohos],
        };
        let env = wecom(v("1.0.0"), Platform::Ohos);
        assert_eq!(
            check_row(&row, &env, Some(&Entry::Normal)),
            Err(Unavailable::NotOnPlatform {
                platform: Platform::Ohos
            })
        );
        let env = wecom(v("1.0.0"), Platform::Ios);
        assert_eq!(
            check_row(&row, &env, None).unwrap_err().code(),
            "client_too_old"
        );
    }

    // --- can_do_here ----------------------------------------------------------

    #[test]
    fn can_do_here_from_attachment_bar() {
        let all = can_do_here(&phone("3.1.6"), Some(&Entry::ChatAttachment));
        assert_eq!(all.len(), Api::ALL.len());
        let get = |api| {
            all.iter()
                .find(|(a, _)| *a == api)
                .map(|(_, r)| r.clone())
                .unwrap()
        };
        assert_eq!(get(Api::SendChatMessage), Ok(()));
        assert_eq!(
            get(Api::GetCurExternalContact).unwrap_err().code(),
            "wrong_entry"
        );
        assert_eq!(
            get(Api::GetCurExternalChat).unwrap_err().code(),
            "wrong_entry"
        );
        assert_eq!(get(Api::Login), Ok(()));
        let order: Vec<Api> = all.iter().map(|(a, _)| *a).collect();
        assert_eq!(order, Api::ALL.to_vec());
    }

    // --- send caps (what the composer may send) ---------------------------

    use super::send_caps_reported as caps;

    #[test]
    fn caps_enter_chat_needs_mobile_and_3_1_10() {
        assert!(caps("ios", Some((3, 1, 10)), "single_chat_tools").enter_chat);
        assert!(caps("Android", Some((3, 1, 11)), "group_chat_tools").enter_chat);
        assert!(!caps("ios", Some((3, 1, 9)), "single_chat_tools").enter_chat);
        assert!(!caps("android", None, "single_chat_tools").enter_chat);
        assert!(!caps("windows", Some((4, 0, 0)), "single_chat_tools").enter_chat);
        assert!(!caps("mac", Some((4, 0, 0)), "single_chat_tools").enter_chat);
        let c = caps("windows", Some((4, 0, 0)), "single_chat_tools");
        assert_eq!(c.allowed, MsgType::ALL.to_vec());
        assert_eq!(c.note, None);
    }

    #[test]
    fn caps_chat_attachment_version_and_mac() {
        let ok = caps("windows", Some((3, 1, 6)), "chat_attachment");
        assert_eq!(ok.allowed.len(), MsgType::ALL.len());
        let old = caps("android", Some((3, 1, 5)), "chat_attachment");
        assert!(old.allowed.is_empty() && !old.enter_chat);
        assert!(old.note.unwrap().zh.contains("3.1.6"));
        let mac = caps("mac", Some((4, 1, 0)), "chat_attachment");
        assert!(mac.allowed.is_empty());
        assert!(mac.note.unwrap().en.contains("Mac"));
        let unknown_version = caps("ios", None, "chat_attachment");
        assert_eq!(unknown_version.allowed.len(), MsgType::ALL.len());
        assert!(!unknown_version.enter_chat);
    }

    #[test]
    fn caps_entries_that_cannot_send() {
        for entry in [
            "contact_profile",
            "normal",
            "internal_group_chat_board",
            "",
            "bogus",
        ] {
            let c = caps("ios", Some((4, 1, 40)), entry);
            assert!(c.allowed.is_empty(), "{entry}");
            assert!(!c.enter_chat, "{entry}");
            assert!(c.note.is_some(), "{entry} must explain why");
        }
        let profile = caps("ios", Some((4, 1, 40)), "contact_profile")
            .note
            .unwrap();
        assert!(profile.zh.contains("客户资料"));
    }

    #[test]
    fn caps_other_sending_entries() {
        for entry in [
            "single_kf_tools",
            "chain_single_chat_tools",
            "chain_group_chat_tools",
            " GROUP_CHAT_TOOLS ",
        ] {
            assert_eq!(
                caps("ios", Some((4, 1, 0)), entry).allowed.len(),
                MsgType::ALL.len(),
                "{entry}"
            );
        }
    }

    #[test]
    fn caps_follow_the_table_row_of_send_chat_message() {
        let env = phone("4.1.36");
        for entry in Entry::KNOWN.iter().chain([&Entry::parse("zzz")]) {
            let allowed = check(Api::SendChatMessage, &env, Some(entry)).is_ok();
            let c = send_caps(&env, Some(entry));
            assert_eq!(!c.allowed.is_empty(), allowed, "{entry}");
            assert_eq!(c.note.is_none(), allowed, "{entry}");
        }
    }

    #[test]
    fn caps_without_an_entry_send_nothing() {
        let c = send_caps(&phone("4.1.36"), None);
        assert!(c.allowed.is_empty() && !c.enter_chat);
        assert!(c.note.unwrap().en.contains("not known to allow sending"));
    }

    #[test]
    fn caps_too_old_note_names_the_entrys_version() {
        let kf = caps("android", Some((3, 1, 9)), "single_kf_tools");
        assert!(kf.allowed.is_empty());
        let note = kf.note.unwrap();
        assert!(
            note.zh.contains("3.1.10") && note.zh.contains("微信客服工具栏"),
            "{note:?}"
        );
        assert!(note.en.contains("WeCom 3.1.10 or later"), "{note:?}");
    }

    #[test]
    fn caps_in_wechat_send_nothing() {
        let env = Environment {
            host: Host::Wechat,
            ..phone("4.1.36")
        };
        let c = send_caps(&env, Some(&Entry::SingleChatTools));
        assert!(c.allowed.is_empty());
        assert_eq!(c.note, Some(Unavailable::NotInWecom.message()));
    }

    #[test]
    fn caps_enter_chat_is_not_offered_on_harmony_or_devtools() {
        for p in ["ohos", "devtools", "unknown"] {
            let c = caps(p, Some((4, 1, 0)), "single_chat_tools");
            assert_eq!(c.allowed.len(), MsgType::ALL.len(), "{p}");
            assert!(!c.enter_chat, "{p}");
        }
    }

    #[test]
    fn msg_type_names_are_sendchatmessage_msgtypes() {
        let names: Vec<&str> = MsgType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            names,
            ["text", "news", "miniprogram", "image", "video", "file"]
        );
        for t in MsgType::ALL {
            assert_eq!(
                serde_json::to_value(t).unwrap(),
                serde_json::Value::from(t.as_str())
            );
        }
    }

    // --- messages -------------------------------------------------------------

    #[test]
    fn codes_are_stable() {
        assert_eq!(Unavailable::NotInWecom.code(), "not_in_wecom");
        assert_eq!(Unavailable::Devtools.code(), "devtools");
        assert_eq!(
            too_old("3.1.6", "3.0.0").unwrap_err().code(),
            "client_too_old"
        );
        let e = Unavailable::WrongEntry {
            entry: "normal".into(),
            allowed: vec![],
        };
        assert_eq!(e.code(), "wrong_entry");
        let e = Unavailable::NotOnPlatform {
            platform: Platform::Mac,
        };
        assert_eq!(e.code(), "not_on_platform");
    }

    #[test]
    fn required_messages() {
        let m = Unavailable::Devtools.message();
        assert_eq!(m.zh, "请在手机上打开：开发者工具无法读取当前客户");
        assert_eq!(
            m.en,
            "open this on your phone: devtools cannot read the current customer"
        );
        let m = Unavailable::NotInWecom.message();
        assert_eq!(m.zh, "此小程序在微信中打开，而不是企业微信");
        assert_eq!(m.en, "this mini program is opened in WeChat, not WeCom");
        let m = Unavailable::ClientTooOld {
            required: Version::new(3, 1, 6),
            current: None,
        }
        .message();
        assert_eq!(m.zh, "请将企业微信升级到 3.1.6 或以上版本");
        assert_eq!(m.en, "update WeCom to 3.1.6 or later");
    }

    #[test]
    fn too_old_message_names_the_current_version() {
        let m = too_old("3.1.6", "3.0.1").unwrap_err().message();
        assert!(
            m.zh.starts_with("请将企业微信升级到 3.1.6 或以上版本") && m.zh.contains("3.0.1"),
            "{}",
            m.zh
        );
        assert!(
            m.en.starts_with("update WeCom to 3.1.6 or later") && m.en.contains("3.0.1"),
            "{}",
            m.en
        );
    }

    #[test]
    fn wrong_entry_message_names_allowed_and_actual_entries() {
        let err = check(
            Api::GetCurExternalChat,
            &phone("4.1.36"),
            Some(&Entry::Normal),
        )
        .unwrap_err();
        let m = err.message();
        assert_eq!(
            m.en,
            "this works only when opened from the group chat toolbar; it was opened from a normal \
             launch (e.g. the workbench)"
        );
        assert_eq!(
            m.zh,
            "此功能只能从群聊工具栏打开，当前是从普通入口（如工作台）打开"
        );
        let err = check(
            Api::GetCurExternalContact,
            &phone("4.1.36"),
            Some(&Entry::Normal),
        )
        .unwrap_err();
        let m = err.message();
        assert!(
            m.en.contains(
                "only when opened from the customer's profile or the one-to-one chat toolbar;"
            ),
            "{}",
            m.en
        );
        assert!(
            m.zh.contains("只能从客户详情页或单聊工具栏打开"),
            "{}",
            m.zh
        );
        let m = Unavailable::WrongEntry {
            entry: "x".into(),
            allowed: vec![],
        }
        .message();
        assert!(m.en.contains("\"x\"") && m.zh.contains("「x」"), "{m:?}");
    }

    #[test]
    fn not_on_platform_message_names_the_platform() {
        let m = Unavailable::NotOnPlatform {
            platform: Platform::Mac,
        }
        .message();
        assert!(
            m.zh.starts_with("Mac 版企业微信") && m.en.contains("WeCom on Mac"),
            "{m:?}"
        );
    }
}
