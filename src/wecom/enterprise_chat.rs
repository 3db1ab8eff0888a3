//! `wx.qy.openEnterpriseChat` arguments and the `wx.qy.selectExternalContact`
//! result (wecom:96967, wecom:93867).
//!
//! - `userIds` / `externalUserIds` are `;`-joined strings; the id types
//!   already reject `;`, so joining cannot split an id.
//! - At least one of the two lists must name someone besides me.
//! - A chat that includes a WeChat user (`wm…`) holds at most 40 people,
//!   counting me; an external group at most 500; any chat at most 2000.
//! - `chatId` opens an existing customer group and makes WeCom ignore the
//!   other fields; for a new chat it must be the empty string.
//! - `groupName` may be `""` (a one-to-one chat ignores it).

use crate::support::locale::Localized;
use crate::wecom::ids::{ExternalKind, ExternalUserId, GroupChatId, IdError, UserId};
use serde::Serialize;
use serde_json::Value;

/// A chat with any WeChat user holds at most this many people (incl. me)
/// (wecom:96967).
pub const WECHAT_CHAT_MAX: usize = 40;
/// A chat with external contacts (all WeCom users) holds at most this many
/// (外部群最多 500 人: wecom:98429, the JS-SDK page of the same call).
pub const EXTERNAL_CHAT_MAX: usize = 500;
/// Any chat holds at most this many people (wecom:96967).
pub const CHAT_MAX: usize = 2000;
/// Longest group name, in characters as [`crate::support::text::char_count`]
/// counts them. No cap is published for openEnterpriseChat; 50 is the cap of
/// the server `appchat/create` name (wecom:90245).
pub const GROUP_NAME_MAX: usize = 50;

/// Why the chat cannot be opened as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnterpriseChatError {
    /// Nobody besides me.
    NoParticipants,
    /// A member listed twice (userids compare case-insensitively).
    DuplicateMember {
        id: String,
    },
    /// An external contact listed twice.
    DuplicateExternal {
        id: String,
    },
    /// More than 40 people in a chat with a WeChat user.
    TooManyWithWechat {
        count: usize,
    },
    /// More than 500 people in a chat with external contacts.
    TooManyExternal {
        count: usize,
    },
    /// More than 2000 people.
    TooMany {
        count: usize,
    },
    GroupNameTooLong {
        len: usize,
    },
}

impl EnterpriseChatError {
    pub fn code(&self) -> &'static str {
        match self {
            EnterpriseChatError::NoParticipants => "chat_no_participants",
            EnterpriseChatError::DuplicateMember { .. } => "chat_duplicate_member",
            EnterpriseChatError::DuplicateExternal { .. } => "chat_duplicate_external",
            EnterpriseChatError::TooManyWithWechat { .. } => "chat_too_many_with_wechat",
            EnterpriseChatError::TooManyExternal { .. } => "chat_too_many_external",
            EnterpriseChatError::TooMany { .. } => "chat_too_many",
            EnterpriseChatError::GroupNameTooLong { .. } => "chat_group_name_too_long",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            EnterpriseChatError::NoParticipants => Localized::new(
                "请至少选择一位除你以外的成员或客户。",
                "Choose at least one member or customer besides yourself.",
            ),
            EnterpriseChatError::DuplicateMember { id } => Localized::new(
                format!("成员「{id}」被选了两次。"),
                format!("Member \"{id}\" is chosen twice."),
            ),
            EnterpriseChatError::DuplicateExternal { id } => Localized::new(
                format!("客户「{id}」被选了两次。"),
                format!("Customer \"{id}\" is chosen twice."),
            ),
            EnterpriseChatError::TooManyWithWechat { count } => Localized::new(
                format!("包含微信用户的群聊最多 {WECHAT_CHAT_MAX} 人（含你自己），现在有 {count} 人。"),
                format!("A chat with WeChat users holds at most {WECHAT_CHAT_MAX} people including you; this one has {count}."),
            ),
            EnterpriseChatError::TooManyExternal { count } => Localized::new(
                format!("外部群最多 {EXTERNAL_CHAT_MAX} 人（含你自己），现在有 {count} 人。"),
                format!("A chat with external contacts holds at most {EXTERNAL_CHAT_MAX} people including you; this one has {count}."),
            ),
            EnterpriseChatError::TooMany { count } => Localized::new(
                format!("群聊最多 {CHAT_MAX} 人（含你自己），现在有 {count} 人。"),
                format!("A chat holds at most {CHAT_MAX} people including you; this one has {count}."),
            ),
            EnterpriseChatError::GroupNameTooLong { len } => Localized::new(
                format!("群名称最多 {GROUP_NAME_MAX} 个字，现在有 {len} 个。"),
                format!("The group name is {len} characters long; at most {GROUP_NAME_MAX} are allowed."),
            ),
        }
    }
}

/// The exact `wx.qy.openEnterpriseChat` argument object (all four keys are
/// always present; empty strings where unused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenChatArgs {
    pub user_ids: String,
    pub external_user_ids: String,
    pub group_name: String,
    pub chat_id: String,
}

impl OpenChatArgs {
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "userIds": self.user_ids,
            "externalUserIds": self.external_user_ids,
            "groupName": self.group_name,
            "chatId": self.chat_id,
        })
    }
}

/// Arguments for a new chat. `me` (if known) is left out of `userIds` when
/// listed there; I am always counted once. Every problem is returned.
pub fn new_chat_args(
    me: Option<&UserId>,
    user_ids: &[UserId],
    external_user_ids: &[ExternalUserId],
    group_name: &str,
) -> Result<OpenChatArgs, Vec<EnterpriseChatError>> {
    let mut errors = Vec::new();

    let mut users: Vec<&UserId> = Vec::new();
    for u in user_ids {
        if Some(u) == me {
            continue;
        }
        if users.contains(&u) {
            let e = EnterpriseChatError::DuplicateMember {
                id: u.as_str().to_owned(),
            };
            if !errors.contains(&e) {
                errors.push(e);
            }
        } else {
            users.push(u);
        }
    }
    let mut externals: Vec<&ExternalUserId> = Vec::new();
    for x in external_user_ids {
        if externals.contains(&x) {
            let e = EnterpriseChatError::DuplicateExternal {
                id: x.as_str().to_owned(),
            };
            if !errors.contains(&e) {
                errors.push(e);
            }
        } else {
            externals.push(x);
        }
    }

    let others = users.len() + externals.len();
    let count = others + 1;
    if others == 0 {
        errors.push(EnterpriseChatError::NoParticipants);
    } else if externals.iter().any(|x| x.kind() == ExternalKind::Wechat) {
        if count > WECHAT_CHAT_MAX {
            errors.push(EnterpriseChatError::TooManyWithWechat { count });
        }
    } else if !externals.is_empty() {
        if count > EXTERNAL_CHAT_MAX {
            errors.push(EnterpriseChatError::TooManyExternal { count });
        }
    } else if count > CHAT_MAX {
        errors.push(EnterpriseChatError::TooMany { count });
    }

    let name = group_name.trim();
    let len = crate::support::text::char_count(name);
    if len > GROUP_NAME_MAX {
        errors.push(EnterpriseChatError::GroupNameTooLong { len });
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(OpenChatArgs {
        user_ids: users
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        external_user_ids: externals
            .iter()
            .map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        group_name: name.to_owned(),
        chat_id: String::new(),
    })
}

/// Arguments that open an existing customer group (client ≥ 3.0.36).
pub fn existing_chat_args(chat_id: &GroupChatId) -> OpenChatArgs {
    OpenChatArgs {
        user_ids: String::new(),
        external_user_ids: String::new(),
        group_name: String::new(),
        chat_id: chat_id.as_str().to_owned(),
    }
}

/// An entry of `selectExternalContact`'s `userIds` that was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectionProblem {
    BadId { raw: String, error: IdError },
    NotAString { raw: String },
    Duplicate { id: String },
}

impl SelectionProblem {
    pub fn code(&self) -> &'static str {
        match self {
            SelectionProblem::BadId { .. } => "selected_id_invalid",
            SelectionProblem::NotAString { .. } => "selected_id_not_string",
            SelectionProblem::Duplicate { .. } => "selected_id_duplicate",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            SelectionProblem::BadId { raw, error } => Localized::new(
                format!(
                    "选择的客户 ID「{raw}」无效（{}），已略过。",
                    error.message().zh
                ),
                format!("The chosen customer id \"{raw}\" is invalid ({error}) and was skipped."),
            ),
            SelectionProblem::NotAString { raw } => Localized::new(
                format!("选择结果中的「{raw}」不是客户 ID，已略过。"),
                format!("\"{raw}\" in the selection is not a customer id and was skipped."),
            ),
            SelectionProblem::Duplicate { id } => Localized::new(
                format!("客户「{id}」重复出现，只保留一次。"),
                format!("Customer \"{id}\" appears twice; kept once."),
            ),
        }
    }
}

/// The customers chosen with `selectExternalContact`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectedContacts {
    pub ids: Vec<ExternalUserId>,
    pub problems: Vec<SelectionProblem>,
}

/// Reads `{userIds: [...]}` leniently: a missing or null list is empty, a
/// `;`-joined string is split, invalid entries are reported, never dropped
/// silently.
pub fn parse_selected_contacts(result: &Value) -> SelectedContacts {
    let mut out = SelectedContacts::default();
    let raw: Vec<Value> = match result.get("userIds") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::String(s)) => s
            .split(';')
            .filter(|p| !p.trim().is_empty())
            .map(|p| Value::from(p.trim()))
            .collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    };
    for item in raw {
        let Value::String(s) = item else {
            out.problems.push(SelectionProblem::NotAString {
                raw: item.to_string(),
            });
            continue;
        };
        let s = s.trim();
        match ExternalUserId::parse(s) {
            Ok(id) if out.ids.contains(&id) => out
                .problems
                .push(SelectionProblem::Duplicate { id: s.to_owned() }),
            Ok(id) => out.ids.push(id),
            Err(error) => out.problems.push(SelectionProblem::BadId {
                raw: s.to_owned(),
                error,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    fn ext(s: &str) -> ExternalUserId {
        ExternalUserId::parse(s).unwrap()
    }

    fn users(n: usize) -> Vec<UserId> {
        (0..n).map(|i| user(&format!("u{i}"))).collect()
    }

    fn codes(r: Result<OpenChatArgs, Vec<EnterpriseChatError>>) -> Vec<&'static str> {
        r.unwrap_err().iter().map(|e| e.code()).collect()
    }

    #[test]
    fn joins_with_semicolons() {
        let me = user("me");
        let a = new_chat_args(
            Some(&me),
            &[user("zhangsan"), user("lisi")],
            &[
                ext("wmEAlECwAAHrbWYDOK5u3Bf13xlYDAAA"),
                ext("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"),
            ],
            "  讨论组 ",
        )
        .unwrap();
        assert_eq!(a.user_ids, "zhangsan;lisi");
        assert_eq!(
            a.external_user_ids,
            "wmEAlECwAAHrbWYDOK5u3Bf13xlYDAAA;woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"
        );
        assert_eq!(a.group_name, "讨论组");
        assert_eq!(a.chat_id, "");
        assert_eq!(
            a.to_json(),
            json!({
                "userIds": "zhangsan;lisi",
                "externalUserIds": "wmEAlECwAAHrbWYDOK5u3Bf13xlYDAAA;woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA",
                "groupName": "讨论组",
                "chatId": ""
            })
        );
        assert_eq!(serde_json::to_value(&a).unwrap(), a.to_json());
    }

    #[test]
    fn single_participant_no_trailing_separator() {
        let a = new_chat_args(None, &[], &[ext("wmabc")], "").unwrap();
        assert_eq!(a.user_ids, "");
        assert_eq!(a.external_user_ids, "wmabc");
        assert_eq!(a.group_name, "");
    }

    #[test]
    fn semicolon_ids_cannot_exist() {
        assert!(UserId::parse("a;b").is_err());
        assert!(ExternalUserId::parse("wma;wmb").is_err());
    }

    #[test]
    fn needs_someone_besides_me() {
        assert_eq!(
            codes(new_chat_args(None, &[], &[], "x")),
            ["chat_no_participants"]
        );
        let me = user("Me");
        assert_eq!(
            codes(new_chat_args(Some(&me), &[user("me")], &[], "")),
            ["chat_no_participants"],
            "me (any case) does not count as a participant"
        );
    }

    #[test]
    fn me_left_out_of_user_ids() {
        let me = user("me");
        let a = new_chat_args(Some(&me), &[user("ME"), user("a")], &[], "").unwrap();
        assert_eq!(a.user_ids, "a");
    }

    #[test]
    fn duplicates_rejected() {
        let r = new_chat_args(
            None,
            &[user("Abc"), user("abc"), user("abc")],
            &[ext("wmx"), ext("wmx")],
            "",
        );
        let errs = r.unwrap_err();
        assert_eq!(
            errs,
            [
                EnterpriseChatError::DuplicateMember { id: "abc".into() },
                EnterpriseChatError::DuplicateExternal { id: "wmx".into() }
            ]
        );
        assert!(errs[0].message().zh.contains("abc"));
    }

    #[test]
    fn wechat_cap_39_40_41() {
        let wm = [ext("wmcustomer")];
        // me + 38 members + 1 WeChat user = 40 ... and around it.
        assert!(
            new_chat_args(None, &users(37), &wm, "").is_ok(),
            "39 people"
        );
        assert!(
            new_chat_args(None, &users(38), &wm, "").is_ok(),
            "40 people"
        );
        let r = new_chat_args(None, &users(39), &wm, "");
        assert_eq!(
            r.unwrap_err(),
            [EnterpriseChatError::TooManyWithWechat { count: 41 }]
        );
    }

    #[test]
    fn wechat_cap_counts_me_and_skips_my_duplicate() {
        let me = user("u0");
        // users(39) includes me: 38 others + 1 WeChat + me = 40.
        assert!(new_chat_args(Some(&me), &users(39), &[ext("wmc")], "").is_ok());
        let e = new_chat_args(Some(&me), &users(40), &[ext("wmc")], "").unwrap_err();
        assert_eq!(
            e[0].message().en,
            "A chat with WeChat users holds at most 40 people including you; this one has 41."
        );
    }

    #[test]
    fn wecom_externals_use_500_cap() {
        let wo = [ext("wocustomer")];
        assert!(
            new_chat_args(None, &users(39), &wo, "").is_ok(),
            "41 without WeChat users is fine"
        );
        assert!(new_chat_args(None, &users(498), &wo, "").is_ok(), "500");
        assert_eq!(
            codes(new_chat_args(None, &users(499), &wo, "")),
            ["chat_too_many_external"]
        );
    }

    #[test]
    fn internal_cap_2000() {
        assert!(new_chat_args(None, &users(1999), &[], "").is_ok());
        assert_eq!(
            new_chat_args(None, &users(2000), &[], "").unwrap_err(),
            [EnterpriseChatError::TooMany { count: 2001 }]
        );
    }

    #[test]
    fn group_name_cap() {
        let u = [user("a")];
        assert!(new_chat_args(None, &u, &[], &"群".repeat(GROUP_NAME_MAX - 1)).is_ok());
        assert!(new_chat_args(None, &u, &[], &"群".repeat(GROUP_NAME_MAX)).is_ok());
        assert_eq!(
            new_chat_args(None, &u, &[], &"群".repeat(GROUP_NAME_MAX + 1)).unwrap_err(),
            [EnterpriseChatError::GroupNameTooLong { len: 51 }]
        );
    }

    #[test]
    fn reports_every_error_at_once() {
        let r = new_chat_args(None, &[], &[], &"n".repeat(60));
        assert_eq!(
            codes(r),
            ["chat_no_participants", "chat_group_name_too_long"]
        );
    }

    #[test]
    fn existing_chat() {
        let id = GroupChatId::parse("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA").unwrap();
        assert_eq!(
            existing_chat_args(&id).to_json(),
            json!({"userIds": "", "externalUserIds": "", "groupName": "", "chatId": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"})
        );
    }

    #[test]
    fn selection_parsed_and_problems_reported() {
        let s = parse_selected_contacts(&json!({
            "errMsg": "selectExternalContact:ok",
            "userIds": ["wmAAA", " woBBB ", "zhangsan", "", 42, null, "wmAAA"]
        }));
        assert_eq!(
            s.ids.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
            ["wmAAA", "woBBB"]
        );
        let codes: Vec<_> = s.problems.iter().map(|p| p.code()).collect();
        assert_eq!(
            codes,
            [
                "selected_id_invalid",
                "selected_id_invalid",
                "selected_id_not_string",
                "selected_id_not_string",
                "selected_id_duplicate"
            ]
        );
        assert!(s.problems[0].message().en.contains("zhangsan"));
        assert!(s.problems[2].message().zh.contains("42"));
    }

    #[test]
    fn selection_missing_null_string_forms() {
        assert_eq!(
            parse_selected_contacts(&json!({})),
            SelectedContacts::default()
        );
        assert_eq!(
            parse_selected_contacts(&json!({"userIds": null})),
            SelectedContacts::default()
        );
        assert_eq!(
            parse_selected_contacts(&json!(null)),
            SelectedContacts::default()
        );
        let s = parse_selected_contacts(&json!({"userIds": "wmA;woB;"}));
        assert_eq!(s.ids.len(), 2);
        assert!(s.problems.is_empty());
        let s = parse_selected_contacts(&json!({"userIds": {"a": 1}}));
        assert!(s.ids.is_empty());
        assert_eq!(s.problems[0].code(), "selected_id_not_string");
    }
}
