//! A customer group chat, from WeCom's `externalcontact/groupchat/get`
//! response (passed through by the backend), and its view.
//!
//! Response shape: `{errcode, errmsg, group_chat: {chat_id, name, owner,
//! create_time, notice, member_list: [{userid, type, join_time, join_scene,
//! invitor: {userid}, group_nickname, name, unionid}], admin_list: [{userid}],
//! member_version}}`. Member `type` 1 is a member of the corp (userid),
//! 2 an external contact (external_userid).
//!
//! Parsing is lenient (missing fields, `null`, numbers as strings) and
//! strict about ids: a member whose id does not validate is dropped and a
//! warning says so; nothing is dropped silently.

use crate::support::locale::{Locale, Localized};
use crate::wecom::ids::{ExternalKind, ExternalUserId, GroupChatId, IdError, UserId};
use crate::wecom::lenient;
use crate::wecom::members::{initial_of, person_view, MemberName, PersonView};
use serde::Serialize;
use serde_json::Value;

/// Why the response cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChatError {
    /// The text is not JSON.
    InvalidJson { detail: String },
    /// The JSON is not an object.
    NotObject,
    /// WeCom answered with a non-zero `errcode`.
    Api { errcode: i64, errmsg: String },
    /// `errcode` is 0 (or absent) but there is no `group_chat` object.
    MissingGroupChat,
}

impl GroupChatError {
    /// Who must act, and where, for a WeCom refusal the errcode table knows.
    pub fn next_step(&self) -> Option<Localized> {
        match self {
            GroupChatError::Api { errcode, .. } => crate::wecom::errcodes::next_step(*errcode),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            GroupChatError::InvalidJson { .. } => "group_chat_invalid_json",
            GroupChatError::NotObject => "group_chat_not_object",
            GroupChatError::Api { .. } => "group_chat_api_error",
            GroupChatError::MissingGroupChat => "group_chat_missing",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            GroupChatError::InvalidJson { detail } => Localized::new(
                // The parser's words are English: in English only.
                "服务器返回的群聊数据无法识别".to_owned(),
                format!("The group chat data is not valid JSON: {detail}"),
            ),
            GroupChatError::NotObject => Localized::new(
                "群聊数据应为 JSON 对象。",
                "The group chat data must be a JSON object.",
            ),
            GroupChatError::Api { errcode, errmsg } => {
                let why = crate::wecom::errcodes::message(*errcode, errmsg);
                Localized::new(
                    format!("获取群聊信息失败：{}", why.zh),
                    format!("Loading the group chat failed: {}", why.en),
                )
            }
            GroupChatError::MissingGroupChat => Localized::new(
                "返回的数据里没有群聊信息（group_chat）。",
                "The response holds no group chat (group_chat).",
            ),
        }
    }
}

/// Something in the response that was dropped or could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChatWarning {
    BadChatId {
        raw: String,
        error: IdError,
    },
    MissingOwner,
    BadOwner {
        raw: String,
        error: IdError,
    },
    MemberListMissing,
    /// A `member_list` entry that is not an object.
    BadMemberEntry {
        index: usize,
    },
    /// `type` is neither 1 nor 2 (or missing); the member is dropped.
    UnknownMemberType {
        index: usize,
        id: String,
        raw_type: String,
    },
    /// The id does not validate for its type; the member is dropped.
    BadMemberId {
        index: usize,
        raw: String,
        external: bool,
        error: IdError,
    },
    /// The same member listed twice; the later entry is dropped.
    DuplicateMember {
        id: String,
    },
    /// The invitor's id is invalid; the member is kept without invitor.
    BadInvitor {
        index: usize,
        raw: String,
        error: IdError,
    },
    BadAdminId {
        raw: String,
        error: IdError,
    },
}

impl GroupChatWarning {
    pub fn code(&self) -> &'static str {
        match self {
            GroupChatWarning::BadChatId { .. } => "chat_id_invalid",
            GroupChatWarning::MissingOwner => "owner_missing",
            GroupChatWarning::BadOwner { .. } => "owner_invalid",
            GroupChatWarning::MemberListMissing => "member_list_missing",
            GroupChatWarning::BadMemberEntry { .. } => "member_entry_invalid",
            GroupChatWarning::UnknownMemberType { .. } => "member_type_unknown",
            GroupChatWarning::BadMemberId { .. } => "member_id_invalid",
            GroupChatWarning::DuplicateMember { .. } => "member_duplicate",
            GroupChatWarning::BadInvitor { .. } => "invitor_invalid",
            GroupChatWarning::BadAdminId { .. } => "admin_id_invalid",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            GroupChatWarning::BadChatId { raw, error } => Localized::new(
                format!("群 ID「{raw}」无效（{error}）。"),
                format!("The group chat id \"{raw}\" is invalid ({error})."),
            ),
            GroupChatWarning::MissingOwner => {
                Localized::new("数据里没有群主。", "The data names no group owner.")
            }
            GroupChatWarning::BadOwner { raw, error } => Localized::new(
                format!("群主 ID「{raw}」无效（{error}），未显示群主。"),
                format!("The owner id \"{raw}\" is invalid ({error}); no owner is shown."),
            ),
            GroupChatWarning::MemberListMissing => Localized::new(
                "数据里没有成员列表，成员可能不完整。",
                "The data has no member list; members may be incomplete.",
            ),
            GroupChatWarning::BadMemberEntry { index } => Localized::new(
                format!("第 {} 个成员的数据无法识别，已略过。", index + 1),
                format!("Member #{} could not be read and was skipped.", index + 1),
            ),
            GroupChatWarning::UnknownMemberType { index, id, raw_type } => Localized::new(
                format!("第 {} 个成员「{id}」的类型「{raw_type}」未知（应为 1 企业成员或 2 外部联系人），已略过。", index + 1),
                format!("Member #{} \"{id}\" has unknown type \"{raw_type}\" (1 member or 2 external contact expected) and was skipped.", index + 1),
            ),
            GroupChatWarning::BadMemberId { index, raw, external, error } => {
                let (kz, ke) = if *external {
                    ("外部联系人", "external contact")
                } else {
                    ("企业成员", "member")
                };
                Localized::new(
                    format!("第 {} 个成员（{kz}）的 ID「{raw}」无效（{error}），已略过。", index + 1),
                    format!("Member #{} ({ke}) has invalid id \"{raw}\" ({error}) and was skipped.", index + 1),
                )
            }
            GroupChatWarning::DuplicateMember { id } => Localized::new(
                format!("成员「{id}」重复出现，只显示一次。"),
                format!("Member \"{id}\" is listed twice; shown once."),
            ),
            GroupChatWarning::BadInvitor { index, raw, error } => Localized::new(
                format!("第 {} 个成员的邀请人 ID「{raw}」无效（{error}），未显示邀请人。", index + 1),
                format!("Member #{}'s invitor id \"{raw}\" is invalid ({error}); no invitor is shown.", index + 1),
            ),
            GroupChatWarning::BadAdminId { raw, error } => Localized::new(
                format!("群管理员 ID「{raw}」无效（{error}），已略过。"),
                format!("Admin id \"{raw}\" is invalid ({error}) and was skipped."),
            ),
        }
    }
}

/// A member's identity: a corp member or an external contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MemberId {
    Internal(UserId),
    External(ExternalUserId),
}

impl MemberId {
    pub fn as_str(&self) -> &str {
        match self {
            MemberId::Internal(u) => u.as_str(),
            MemberId::External(e) => e.as_str(),
        }
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, MemberId::Internal(_))
    }

    /// `"member"`, `"wechat"` or `"wecom"`.
    pub fn kind(&self) -> &'static str {
        match self {
            MemberId::Internal(_) => "member",
            MemberId::External(e) => match e.kind() {
                ExternalKind::Wechat => "wechat",
                ExternalKind::Wecom => "wecom",
            },
        }
    }
}

/// How a member joined (`member_list[].join_scene` of
/// `externalcontact/groupchat/get`, wecom:92122).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinScene {
    /// 1: invited directly by a group member.
    DirectInvite,
    /// 2: joined through an invitation link.
    InviteLink,
    /// 3: scanned the group QR code.
    QrCode,
    Other(i64),
}

impl JoinScene {
    pub fn from_code(n: i64) -> JoinScene {
        match n {
            1 => JoinScene::DirectInvite,
            2 => JoinScene::InviteLink,
            3 => JoinScene::QrCode,
            other => JoinScene::Other(other),
        }
    }

    pub fn label(self) -> Localized {
        match self {
            JoinScene::DirectInvite => Localized::new("成员直接邀请入群", "Invited by a member"),
            JoinScene::InviteLink => Localized::new("通过邀请链接入群", "Joined via invite link"),
            JoinScene::QrCode => Localized::new("扫描群二维码入群", "Joined via group QR code"),
            JoinScene::Other(n) => {
                Localized::new(format!("其他方式（{n}）"), format!("Other ({n})"))
            }
        }
    }
}

/// One group member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: MemberId,
    /// Unix seconds.
    pub join_time: Option<i64>,
    pub join_scene: Option<JoinScene>,
    pub invitor: Option<UserId>,
    pub group_nickname: Option<String>,
    pub name: Option<String>,
    pub unionid: Option<String>,
}

impl Member {
    /// Group nickname, else name, else the id.
    pub fn display_name(&self) -> &str {
        self.group_nickname
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or_else(|| self.id.as_str())
    }
}

/// A parsed customer group chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChat {
    pub chat_id: Option<GroupChatId>,
    /// Trimmed; may be empty (the view then shows a fallback).
    pub name: String,
    pub owner: Option<UserId>,
    /// Unix seconds.
    pub create_time: Option<i64>,
    /// Trimmed; may be empty.
    pub notice: String,
    pub members: Vec<Member>,
    pub admins: Vec<UserId>,
    pub member_version: Option<String>,
    /// Everything dropped or unusable, in order.
    pub warnings: Vec<GroupChatWarning>,
    /// How many `member_list` entries were dropped.
    pub dropped_members: usize,
}

// ---- text fields (read with `lenient`) ----

/// Text fields of a group chat are trimmed.
fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(lenient::as_trimmed)
}

fn non_empty(v: Option<&Value>) -> Option<String> {
    text(v).filter(|s| !s.is_empty())
}

/// Parses the response text.
pub fn parse_group_chat(json: &str) -> Result<GroupChat, GroupChatError> {
    let v: Value =
        crate::support::input::parse_value(json).map_err(|e| GroupChatError::InvalidJson {
            detail: e.to_string(),
        })?;
    group_chat_from_value(&v)
}

/// Parses an already decoded response.
pub fn group_chat_from_value(v: &Value) -> Result<GroupChat, GroupChatError> {
    let obj = v.as_object().ok_or(GroupChatError::NotObject)?;
    if let Some((errcode, errmsg)) = lenient::wecom_error(v) {
        return Err(GroupChatError::Api { errcode, errmsg });
    }
    let g = obj
        .get("group_chat")
        .and_then(Value::as_object)
        .ok_or(GroupChatError::MissingGroupChat)?;
    let mut warnings = Vec::new();

    let chat_id = non_empty(g.get("chat_id")).and_then(|raw| {
        GroupChatId::parse(&raw)
            .map_err(|error| warnings.push(GroupChatWarning::BadChatId { raw, error }))
            .ok()
    });
    let owner = match non_empty(g.get("owner")) {
        None => {
            warnings.push(GroupChatWarning::MissingOwner);
            None
        }
        Some(raw) => UserId::parse(&raw)
            .map_err(|error| warnings.push(GroupChatWarning::BadOwner { raw, error }))
            .ok(),
    };

    let mut members: Vec<Member> = Vec::new();
    let mut dropped_members = 0;
    match g.get("member_list").and_then(Value::as_array) {
        None => warnings.push(GroupChatWarning::MemberListMissing),
        Some(items) => {
            for (index, item) in items.iter().enumerate() {
                match parse_member(index, item, &mut warnings) {
                    Some(m) if members.iter().any(|x| x.id == m.id) => {
                        warnings.push(GroupChatWarning::DuplicateMember {
                            id: m.id.as_str().to_owned(),
                        });
                        dropped_members += 1;
                    }
                    Some(m) => members.push(m),
                    None => dropped_members += 1,
                }
            }
        }
    }

    let mut admins: Vec<UserId> = Vec::new();
    for item in g
        .get("admin_list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let raw = match item {
            Value::Object(a) => text(a.get("userid")).unwrap_or_default(),
            other => text(Some(other)).unwrap_or_default(),
        };
        match UserId::parse(&raw) {
            Ok(u) if !admins.contains(&u) => admins.push(u),
            Ok(_) => {}
            Err(error) => warnings.push(GroupChatWarning::BadAdminId { raw, error }),
        }
    }

    Ok(GroupChat {
        chat_id,
        name: text(g.get("name")).unwrap_or_default(),
        owner,
        create_time: g.get("create_time").and_then(lenient::as_int),
        notice: text(g.get("notice")).unwrap_or_default(),
        members,
        admins,
        member_version: non_empty(g.get("member_version")),
        warnings,
        dropped_members,
    })
}

fn parse_member(
    index: usize,
    item: &Value,
    warnings: &mut Vec<GroupChatWarning>,
) -> Option<Member> {
    let Some(m) = item.as_object() else {
        warnings.push(GroupChatWarning::BadMemberEntry { index });
        return None;
    };
    let raw = text(m.get("userid")).unwrap_or_default();
    let id = match m.get("type").and_then(lenient::as_int) {
        Some(1) => UserId::parse(&raw)
            .map(MemberId::Internal)
            .map_err(|error| GroupChatWarning::BadMemberId {
                index,
                raw: raw.clone(),
                external: false,
                error,
            }),
        Some(2) => ExternalUserId::parse(&raw)
            .map(MemberId::External)
            .map_err(|error| GroupChatWarning::BadMemberId {
                index,
                raw: raw.clone(),
                external: true,
                error,
            }),
        _ => Err(GroupChatWarning::UnknownMemberType {
            index,
            id: raw.clone(),
            raw_type: lenient::describe(m.get("type")),
        }),
    };
    let id = id.map_err(|w| warnings.push(w)).ok()?;
    let invitor = match m.get("invitor") {
        Some(Value::Object(inv)) => non_empty(inv.get("userid")).and_then(|raw| {
            UserId::parse(&raw)
                .map_err(|error| warnings.push(GroupChatWarning::BadInvitor { index, raw, error }))
                .ok()
        }),
        _ => None,
    };
    Some(Member {
        id,
        join_time: m.get("join_time").and_then(lenient::as_int),
        join_scene: m
            .get("join_scene")
            .and_then(lenient::as_int)
            .map(JoinScene::from_code),
        invitor,
        group_nickname: non_empty(m.get("group_nickname")),
        name: non_empty(m.get("name")),
        unionid: non_empty(m.get("unionid")),
    })
}

impl GroupChat {
    pub fn internal_count(&self) -> usize {
        self.members.iter().filter(|m| m.id.is_internal()).count()
    }

    pub fn external_count(&self) -> usize {
        self.members.len() - self.internal_count()
    }

    fn is_owner(&self, id: &MemberId) -> bool {
        matches!((id, &self.owner), (MemberId::Internal(u), Some(o)) if u == o)
    }

    fn is_admin(&self, id: &MemberId) -> bool {
        matches!(id, MemberId::Internal(u) if self.admins.contains(u))
    }

    /// The view, with members' names from `names` (the directory's name
    /// of a userid). A member is shown by group nickname, else by name
    /// (the directory's for a colleague, WeCom's for a customer), else in
    /// words with the id apart: never by a bare id.
    pub fn view(&self, locale: Locale, names: &dyn Fn(&UserId) -> MemberName) -> GroupChatView {
        let fallback = self.name.trim().is_empty();
        let shown_name = |m: &Member| -> Result<String, Localized> {
            if let Some(n) = &m.group_nickname {
                return Ok(n.clone());
            }
            match &m.id {
                MemberId::Internal(u) => match (names(u), &m.name) {
                    (MemberName::Known(n), _) => Ok(n),
                    (_, Some(n)) => Ok(n.clone()),
                    (other, None) => Err(other.fallback()),
                },
                MemberId::External(_) => m.name.clone().ok_or_else(|| {
                    Localized::new("客户（未获取到名称）", "Customer (name unavailable)")
                }),
            }
        };
        let member_view = |m: &Member| {
            let (display_name, id_note, initial) = match shown_name(m) {
                Ok(n) => {
                    let initial = initial_of(&n);
                    (n, None, initial)
                }
                Err(words) => (
                    words.get(locale).to_owned(),
                    Some(m.id.as_str().to_owned()),
                    initial_of(m.id.as_str()),
                ),
            };
            MemberView {
                id: m.id.as_str().to_owned(),
                display_name,
                name_known: id_note.is_none(),
                id_note,
                initial,
                group_nickname: m.group_nickname.clone(),
                name: m.name.clone(),
                kind: m.id.kind(),
                is_owner: self.is_owner(&m.id),
                is_admin: self.is_admin(&m.id),
                join_time: m.join_time,
                join_scene: m.join_scene.map(|s| s.label().get(locale).to_owned()),
                invitor: m.invitor.as_ref().map(|u| u.as_str().to_owned()),
            }
        };
        let person = |u: &UserId| person_view(u, &names(u), locale);
        let external: Vec<&Member> = self
            .members
            .iter()
            .filter(|m| !m.id.is_internal())
            .collect();
        let wechat = external.iter().filter(|m| m.id.kind() == "wechat").count();
        GroupChatView {
            chat_id: self.chat_id.as_ref().map(|c| c.as_str().to_owned()),
            name: if fallback {
                Localized::new("群聊", "Group chat").get(locale).to_owned()
            } else {
                self.name.clone()
            },
            name_is_fallback: fallback,
            owner: self.owner.as_ref().map(person),
            create_time: self.create_time,
            notice: Some(self.notice.trim().to_owned()).filter(|n| !n.is_empty()),
            counts: GroupCounts {
                total: self.members.len(),
                internal: self.internal_count(),
                external: external.len(),
                wechat,
                wecom: external.len() - wechat,
                dropped: self.dropped_members,
            },
            internal_members: self
                .members
                .iter()
                .filter(|m| m.id.is_internal())
                .map(member_view)
                .collect(),
            external_members: external.into_iter().map(member_view).collect(),
            admins: self.admins.iter().map(|u| u.as_str().to_owned()).collect(),
            admins_not_members: self
                .admins
                .iter()
                .filter(|a| {
                    !self
                        .members
                        .iter()
                        .any(|m| matches!(&m.id, MemberId::Internal(u) if u == *a))
                })
                .map(person)
                .collect(),
            admins_not_members_label: Localized::new(
                "管理员（不在群内）",
                "Admins (not in the group)",
            )
            .get(locale)
            .to_owned(),
            warnings: self
                .warnings
                .iter()
                .map(|w| WarningView {
                    code: w.code(),
                    message: w.message().get(locale).to_owned(),
                })
                .collect(),
            labels: GroupLabels::default(),
        }
    }
}

/// Member counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GroupCounts {
    /// Members shown (internal + external).
    pub total: usize,
    pub internal: usize,
    pub external: usize,
    /// External members who are WeChat users (`wm…`).
    pub wechat: usize,
    /// External members who are WeCom users (`wo…`).
    pub wecom: usize,
    /// `member_list` entries dropped (see warnings).
    pub dropped: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub id: String,
    /// Group nickname, else name, else words ("同事（未获取到姓名）").
    pub display_name: String,
    pub name_known: bool,
    /// The id, shown small under words; `null` when there is a name.
    pub id_note: Option<String>,
    /// The placeholder's letter (first character of the name shown).
    pub initial: String,
    pub group_nickname: Option<String>,
    pub name: Option<String>,
    /// `"member"`, `"wechat"` or `"wecom"`.
    pub kind: &'static str,
    pub is_owner: bool,
    pub is_admin: bool,
    pub join_time: Option<i64>,
    pub join_scene: Option<String>,
    pub invitor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WarningView {
    pub code: &'static str,
    pub message: String,
}

/// What the group chat page renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GroupChatView {
    pub chat_id: Option<String>,
    /// The group name, or "群聊" / "Group chat" when it has none.
    pub name: String,
    pub name_is_fallback: bool,
    /// The owner by name (or in words, with the userid apart).
    pub owner: Option<PersonView>,
    pub create_time: Option<i64>,
    pub notice: Option<String>,
    pub counts: GroupCounts,
    pub internal_members: Vec<MemberView>,
    pub external_members: Vec<MemberView>,
    pub admins: Vec<String>,
    /// Admins who are not in `member_list` (WeCom lists them all the
    /// same): the member rows cannot show them, so they are listed apart.
    pub admins_not_members: Vec<PersonView>,
    /// The row label for `admins_not_members`.
    pub admins_not_members_label: String,
    pub warnings: Vec<WarningView>,
    /// The group view's fixed words, filled by the chat slice from its
    /// table (`chat::group_labels`).
    pub labels: GroupLabels,
}

/// The group view's fixed words, in the member's language.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GroupLabels {
    pub owner: String,
    pub notice: String,
    pub total: String,
    pub internal: String,
    pub external: String,
    pub owner_badge: String,
    pub admin_badge: String,
    /// "企业成员（3）".
    pub internal_title: String,
    /// "外部联系人（2）".
    pub external_title: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CHAT: &str = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";
    const WM: &str = "wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA";
    const WO: &str = "woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA";

    fn sample() -> Value {
        json!({
            "errcode": 0,
            "errmsg": "ok",
            "group_chat": {
                "chat_id": CHAT,
                "name": "销售客服群",
                "owner": "ZhuShou",
                "create_time": 1572505490,
                "notice": "文明沟通，拒绝脏话",
                "member_list": [
                    {"userid": "abel", "type": 1, "join_time": 1572505491, "join_scene": 1,
                     "invitor": {"userid": "jack"}, "group_nickname": "客服小张", "name": "张三丰"},
                    {"userid": "zhushou", "type": 1, "join_time": 1572505490, "join_scene": 1},
                    {"userid": WM, "type": 2, "unionid": "ozynqsulJFCZ2z1aYeS8h-nuasdAAA",
                     "join_time": 1572505491, "join_scene": 3, "group_nickname": "顾客", "name": "李四"},
                    {"userid": WO, "type": "2", "join_time": "1572505492", "join_scene": "2"}
                ],
                "admin_list": [{"userid": "sam"}, {"userid": "abel"}],
                "member_version": "71217227bbd112ecfe3a49c482195cb4"
            }
        })
    }

    #[test]
    fn parses_full_response() {
        let g = group_chat_from_value(&sample()).unwrap();
        assert_eq!(g.chat_id.as_ref().unwrap().as_str(), CHAT);
        assert_eq!(g.name, "销售客服群");
        assert_eq!(g.owner.as_ref().unwrap().as_str(), "ZhuShou");
        assert_eq!(g.create_time, Some(1572505490));
        assert_eq!(g.members.len(), 4);
        assert_eq!(g.internal_count(), 2);
        assert_eq!(g.external_count(), 2);
        assert_eq!(g.admins.len(), 2);
        assert_eq!(
            g.member_version.as_deref(),
            Some("71217227bbd112ecfe3a49c482195cb4")
        );
        assert!(g.warnings.is_empty(), "{:?}", g.warnings);
        let abel = &g.members[0];
        assert_eq!(abel.invitor.as_ref().unwrap().as_str(), "jack");
        assert_eq!(abel.join_scene, Some(JoinScene::DirectInvite));
        assert_eq!(abel.display_name(), "客服小张");
        let wo = &g.members[3];
        assert!(matches!(&wo.id, MemberId::External(e) if e.as_str() == WO));
        assert_eq!(wo.join_time, Some(1572505492));
        assert_eq!(wo.join_scene, Some(JoinScene::InviteLink));
        assert_eq!(wo.display_name(), WO);
    }

    #[test]
    fn parses_text_form() {
        let g = parse_group_chat(&sample().to_string()).unwrap();
        assert_eq!(g.members.len(), 4);
        let e = parse_group_chat("{not json").unwrap_err();
        assert_eq!(e.code(), "group_chat_invalid_json");
        assert_eq!(e.message().zh, "服务器返回的群聊数据无法识别");
        assert_eq!(
            parse_group_chat("[1,2]").unwrap_err(),
            GroupChatError::NotObject
        );
    }

    #[test]
    fn api_error_is_typed() {
        let e = group_chat_from_value(&json!({"errcode": 40050, "errmsg": "invalid chatid"}))
            .unwrap_err();
        assert_eq!(
            e,
            GroupChatError::Api {
                errcode: 40050,
                errmsg: "invalid chatid".into()
            }
        );
        assert_eq!(e.code(), "group_chat_api_error");
        assert!(e.message().en.contains("40050") && e.message().en.contains("invalid chatid"));
        assert!(
            !e.message().zh.contains("invalid chatid"),
            "{}",
            e.message().zh
        );
        let e = group_chat_from_value(&json!({"errcode": "48002", "errmsg": null})).unwrap_err();
        assert_eq!(
            e,
            GroupChatError::Api {
                errcode: 48002,
                errmsg: String::new()
            }
        );
        assert!(e.message().zh.contains("客户联系"));
        let e = group_chat_from_value(&json!({"errcode": 60011, "errmsg": "no privilege"}))
            .unwrap_err();
        assert!(e.message().en.contains("visible range"));
        assert!(e.next_step().unwrap().zh.contains("可见范围"));
        assert_eq!(GroupChatError::NotObject.next_step(), None);
    }

    #[test]
    fn missing_group_chat() {
        for v in [
            json!({"errcode": 0}),
            json!({}),
            json!({"group_chat": null}),
            json!({"group_chat": []}),
        ] {
            assert_eq!(
                group_chat_from_value(&v).unwrap_err(),
                GroupChatError::MissingGroupChat,
                "{v}"
            );
        }
    }

    #[test]
    fn nulls_and_missing_lists() {
        let v = json!({"group_chat": {
            "chat_id": null, "name": null, "owner": null, "create_time": null,
            "notice": null, "member_list": null, "admin_list": null, "member_version": null
        }});
        let g = group_chat_from_value(&v).unwrap();
        assert_eq!(g.chat_id, None);
        assert_eq!(g.name, "");
        assert!(g.members.is_empty() && g.admins.is_empty());
        let codes: Vec<_> = g.warnings.iter().map(|w| w.code()).collect();
        assert_eq!(codes, ["owner_missing", "member_list_missing"]);
        let g = group_chat_from_value(&json!({"group_chat": {}})).unwrap();
        assert_eq!(g.create_time, None);
        assert_eq!(g.member_version, None);
    }

    #[test]
    fn string_numbers_and_float_numbers() {
        let v = json!({"errcode": "0", "group_chat": {"owner": "a", "create_time": " 1572505490 ",
            "member_version": 12345,
            "member_list": [{"userid": "a", "type": 1.0, "join_time": 1.5e9, "join_scene": "x"}]}});
        let g = group_chat_from_value(&v).unwrap();
        assert_eq!(g.create_time, Some(1572505490));
        assert_eq!(g.member_version.as_deref(), Some("12345"));
        assert_eq!(g.members.len(), 1);
        assert_eq!(g.members[0].join_time, Some(1_500_000_000));
        assert_eq!(g.members[0].join_scene, None);
    }

    #[test]
    fn invalid_member_ids_dropped_with_warning() {
        let v = json!({"group_chat": {"owner": "a", "member_list": [
            {"userid": "a", "type": 1},
            {"userid": "_bad", "type": 1},
            {"userid": "zhangsan", "type": 2},
            {"userid": "", "type": 2},
            {"type": 1},
        ]}});
        let g = group_chat_from_value(&v).unwrap();
        assert_eq!(g.members.len(), 1);
        assert_eq!(g.dropped_members, 4);
        let w: Vec<_> = g.warnings.iter().map(|w| w.code()).collect();
        assert_eq!(w, ["member_id_invalid"; 4]);
        assert!(matches!(&g.warnings[1],
            GroupChatWarning::BadMemberId { index: 2, external: true, error, .. } if error.code() == "id_bad_prefix"));
        assert!(g.warnings[0].message().en.contains("_bad"));
    }

    #[test]
    fn unknown_member_type_dropped_with_warning() {
        let v = json!({"group_chat": {"owner": "a", "member_list": [
            {"userid": "a", "type": 3}, {"userid": WM}, {"userid": WM, "type": null}, 7
        ]}});
        let g = group_chat_from_value(&v).unwrap();
        assert!(g.members.is_empty());
        assert_eq!(g.dropped_members, 4);
        let w: Vec<_> = g.warnings.iter().map(|w| w.code()).collect();
        assert_eq!(
            w,
            [
                "member_type_unknown",
                "member_type_unknown",
                "member_type_unknown",
                "member_entry_invalid"
            ]
        );
        assert!(g.warnings[0].message().zh.contains("「3」"));
        assert!(g.warnings[1].message().en.contains("\"null\""));
    }

    #[test]
    fn duplicates_dropped_with_warning() {
        let v = json!({"group_chat": {"owner": "a", "member_list": [
            {"userid": "Abel", "type": 1}, {"userid": "abel", "type": 1},
            {"userid": WM, "type": 2}, {"userid": WM, "type": "2"}
        ]}});
        let g = group_chat_from_value(&v).unwrap();
        assert_eq!(g.members.len(), 2);
        assert_eq!(g.dropped_members, 2);
        assert!(g.warnings.iter().all(|w| w.code() == "member_duplicate"));
        assert_eq!(g.warnings.len(), 2);
    }

    #[test]
    fn admins_who_are_not_members_are_listed_apart_in_both_languages() {
        let mut raw = sample();
        raw["group_chat"]["admin_list"] = json!([{"userid": "Abel"}, {"userid": "outsider"}]);
        let g = parse_group_chat(&raw.to_string()).unwrap();
        let v = g.view(Locale::Zh, &|_| MemberName::Loading);
        assert_eq!(v.admins, ["Abel", "outsider"]);
        // Abel is the member abel (userids compare case-insensitively).
        let ids: Vec<&str> = v
            .admins_not_members
            .iter()
            .map(|p| p.userid.as_str())
            .collect();
        assert_eq!(ids, ["outsider"]);
        assert_eq!(v.admins_not_members_label, "管理员（不在群内）");
        assert_eq!(
            g.view(Locale::En, &|_| MemberName::Loading)
                .admins_not_members_label,
            "Admins (not in the group)"
        );
    }

    #[test]
    fn bad_owner_admin_invitor_chat_id_warned() {
        let v = json!({"group_chat": {"chat_id": "abc", "owner": "张三", "member_list": [
            {"userid": "a", "type": 1, "invitor": {"userid": "b c"}},
            {"userid": "b", "type": 1, "invitor": null},
        ], "admin_list": [{"userid": "ok"}, {"userid": "-no"}, {}, "plain"]}});
        let g = group_chat_from_value(&v).unwrap();
        assert_eq!(g.chat_id, None);
        assert_eq!(g.owner, None);
        assert_eq!(g.members.len(), 2, "a bad invitor does not drop the member");
        assert_eq!(g.members[0].invitor, None);
        assert_eq!(
            g.admins.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            ["ok", "plain"]
        );
        let w: Vec<_> = g.warnings.iter().map(|w| w.code()).collect();
        assert_eq!(
            w,
            [
                "chat_id_invalid",
                "owner_invalid",
                "invitor_invalid",
                "admin_id_invalid",
                "admin_id_invalid"
            ]
        );
    }

    #[test]
    fn view_counts_lists_and_flags() {
        let g = group_chat_from_value(&sample()).unwrap();
        let v = g.view(Locale::Zh, &|_| MemberName::Loading);
        assert_eq!(v.name, "销售客服群");
        assert!(!v.name_is_fallback);
        assert_eq!(
            v.counts,
            GroupCounts {
                total: 4,
                internal: 2,
                external: 2,
                wechat: 1,
                wecom: 1,
                dropped: 0
            }
        );
        assert_eq!(v.internal_members.len(), 2);
        assert_eq!(v.external_members.len(), 2);
        let owner = v
            .internal_members
            .iter()
            .find(|m| m.id == "zhushou")
            .unwrap();
        assert!(owner.is_owner, "owner matched case-insensitively");
        let abel = &v.internal_members[0];
        assert!(abel.is_admin && !abel.is_owner);
        assert_eq!(abel.kind, "member");
        assert_eq!(abel.join_scene.as_deref(), Some("成员直接邀请入群"));
        assert_eq!(v.external_members[0].kind, "wechat");
        assert_eq!(v.external_members[0].display_name, "顾客");
        assert!(!v.external_members[0].is_admin);
        assert_eq!(v.external_members[1].kind, "wecom");
        assert_eq!(v.notice.as_deref(), Some("文明沟通，拒绝脏话"));
        assert_eq!(v.admins, ["sam", "abel"]);
        // sam is an admin but not in member_list; abel is both.
        let admins: Vec<&str> = v
            .admins_not_members
            .iter()
            .map(|p| p.userid.as_str())
            .collect();
        assert_eq!(admins, ["sam"]);
        assert!(!v.admins_not_members[0].name_known);
        // abel's group nickname; zhushou has no name anywhere yet: words.
        assert_eq!(abel.display_name, "客服小张");
        assert_eq!(owner.display_name, "同事（正在获取姓名）");
        assert_eq!(owner.id_note.as_deref(), Some("zhushou"));
        // The WeCom customer without a name is not shown by its id.
        assert_eq!(v.external_members[1].display_name, "客户（未获取到名称）");
        assert_eq!(v.external_members[1].id_note.as_deref(), Some(WO));
    }

    #[test]
    fn view_names_members_from_the_directory() {
        let g = group_chat_from_value(&sample()).unwrap();
        let names = |u: &UserId| match u.key().as_str() {
            "zhushou" => MemberName::Known("朱手".into()),
            "sam" => MemberName::Known("Sam Li".into()),
            _ => MemberName::Unavailable,
        };
        let v = g.view(Locale::En, &names);
        let owner = v.owner.as_ref().unwrap();
        assert_eq!((owner.name.as_str(), owner.name_known), ("朱手", true));
        assert_eq!(owner.initial, "朱");
        let zhushou = v
            .internal_members
            .iter()
            .find(|m| m.id == "zhushou")
            .unwrap();
        assert_eq!(zhushou.display_name, "朱手");
        assert_eq!(zhushou.id_note, None);
        assert_eq!(v.admins_not_members[0].name, "Sam Li");
        assert_eq!(v.admins_not_members[0].initial, "S");
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(j["owner"]["name"], "朱手");
        assert_eq!(j["internalMembers"][1]["nameKnown"], true);
    }

    #[test]
    fn an_unavailable_owner_is_words_not_the_userid() {
        let g = group_chat_from_value(&sample()).unwrap();
        let v = g.view(Locale::Zh, &|_| MemberName::Unavailable);
        let owner = v.owner.unwrap();
        assert_eq!(owner.name, "同事（未获取到姓名）");
        assert_eq!(owner.userid_note.as_deref(), Some("ZhuShou"));
    }

    #[test]
    fn view_name_fallback_and_nulls() {
        let v = json!({"group_chat": {"name": "  ", "notice": " ", "owner": "a",
            "member_list": [{"userid": "bad id", "type": 1}]}});
        let g = group_chat_from_value(&v).unwrap();
        let zh = g.view(Locale::Zh, &|_| MemberName::Loading);
        assert_eq!(zh.name, "群聊");
        assert!(zh.name_is_fallback);
        assert_eq!(zh.notice, None);
        assert_eq!(zh.counts.dropped, 1);
        assert_eq!(zh.warnings.len(), 1);
        assert_eq!(zh.warnings[0].code, "member_id_invalid");
        let en = g.view(Locale::En, &|_| MemberName::Loading);
        assert_eq!(en.name, "Group chat");
        let j = serde_json::to_value(&en).unwrap();
        assert_eq!(j["notice"], Value::Null);
        assert_eq!(j["chatId"], Value::Null);
        assert_eq!(j["nameIsFallback"], json!(true));
        assert!(j["counts"].get("total").is_some());
        assert!(j.get("internalMembers").is_some() && j.get("externalMembers").is_some());
    }
}
