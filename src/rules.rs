//! The core's edit rules, for a server.
//!
//! A backend receives the bodies the core builds (`externalcontact/remark`,
//! `externalcontact/mark_tag`) from a client it cannot trust. The functions
//! here check such a body with the core's own validators — the id rules of
//! [`crate::wecom::ids`], the edit form of [`crate::card::form`] (limits, grapheme
//! counting, phone numbers, remark company only for WeChat customers) and
//! the tag edit of [`crate::wecom::tags`] — and rebuild the body the way the core
//! builds it. No limit is written here a second time, so a rule is written
//! once and enforced on both sides: a write the core would refuse is refused
//! by the server too, before WeCom is called.
//!
//! The `userid` of the body is never read: the caller passes the member the
//! session vouches for, and the rebuilt body carries that one.

use crate::card::form::{EditForm, FormError};
use crate::support::locale::Localized;
use crate::support::text::normalize_field;
use crate::wecom::customer::{AddWay, CustomerKind, FollowTag, FollowUser, TagKind};
use crate::wecom::ids::{ExternalUserId, GroupChatId, IdError, TagId, UserId};
use crate::wecom::tags::{CorpTag, CorpTagGroup, CorpTagList, TagEdit};
use serde::Serialize;
use serde_json::{Map, Value};

/// One reason a request is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleViolation {
    /// The WeCom body key (`remark`, `remark_mobiles`, `add_tag`…), or
    /// `external_userid` / `chat_id` / `userid` / `body`.
    pub field: String,
    /// The index into a list (`remark_mobiles`, `add_tag`, `remove_tag`).
    pub index: Option<usize>,
    /// A stable machine-readable code, the core's own where it has one.
    pub code: &'static str,
    pub message: Localized,
}

impl RuleViolation {
    fn new(field: &str, index: Option<usize>, code: &'static str, message: Localized) -> Self {
        RuleViolation {
            field: field.to_owned(),
            index,
            code,
            message,
        }
    }

    fn from_id(field: &str, index: Option<usize>, e: &IdError) -> Self {
        let text = e.to_string();
        RuleViolation::new(field, index, e.code(), Localized::new(text.clone(), text))
    }
}

/// Checks an `external_userid` with the core's id rules.
pub fn check_external_userid(s: &str) -> Result<ExternalUserId, RuleViolation> {
    ExternalUserId::parse(s).map_err(|e| RuleViolation::from_id("external_userid", None, &e))
}

/// Checks a member `userid` with the core's id rules.
pub fn check_userid(s: &str) -> Result<UserId, RuleViolation> {
    UserId::parse(s).map_err(|e| RuleViolation::from_id("userid", None, &e))
}

/// Checks a customer group chat id with the core's id rules.
pub fn check_group_chat_id(s: &str) -> Result<GroupChatId, RuleViolation> {
    GroupChatId::parse(s).map_err(|e| RuleViolation::from_id("chat_id", None, &e))
}

/// Checks a corp tag id with the core's id rules.
pub fn check_tag_id(s: &str) -> Result<TagId, RuleViolation> {
    TagId::parse(s).map_err(|e| RuleViolation::from_id("tag_id", None, &e))
}

const REMARK_TEXT_KEYS: [&str; 3] = ["remark", "description", "remark_company"];

fn object(body: &Value) -> Result<&Map<String, Value>, Vec<RuleViolation>> {
    body.as_object().ok_or_else(|| {
        vec![RuleViolation::new(
            "body",
            None,
            "body_not_an_object",
            Localized::new("请求体必须是 JSON 对象", "The body must be a JSON object"),
        )]
    })
}

/// The body's `external_userid`, when present, must be the one of the path.
fn check_body_external(
    map: &Map<String, Value>,
    ext: &ExternalUserId,
    out: &mut Vec<RuleViolation>,
) {
    match map.get("external_userid") {
        None => {}
        Some(Value::String(s)) if s == ext.as_str() => {}
        Some(_) => out.push(RuleViolation::new(
            "external_userid",
            None,
            "external_userid_mismatch",
            Localized::new(
                "请求体中的 external_userid 与路径中的不一致",
                "The body's external_userid differs from the one in the path",
            ),
        )),
    }
}

fn unknown_field(key: &str) -> RuleViolation {
    RuleViolation::new(
        key,
        None,
        "unknown_field",
        Localized::new(
            format!("不支持的字段 {}", crate::support::text_preview(key)),
            format!("Unknown field {}", crate::support::text_preview(key)),
        ),
    )
}

fn not_a_string(key: &str, index: Option<usize>) -> RuleViolation {
    RuleViolation::new(
        key,
        index,
        "not_a_string",
        Localized::new(
            format!("{key} 必须是字符串"),
            format!("{key} must be a string"),
        ),
    )
}

fn not_a_list(key: &str) -> RuleViolation {
    RuleViolation::new(
        key,
        None,
        "not_a_list",
        Localized::new(
            format!("{key} 必须是字符串数组"),
            format!("{key} must be a list of strings"),
        ),
    )
}

fn strings(
    map: &Map<String, Value>,
    key: &str,
    out: &mut Vec<RuleViolation>,
) -> Option<Vec<String>> {
    match map.get(key)? {
        Value::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => list.push(s.clone()),
                    _ => out.push(not_a_string(key, Some(i))),
                }
            }
            Some(list)
        }
        _ => {
            out.push(not_a_list(key));
            None
        }
    }
}

fn form_key(field: crate::card::form::Field) -> &'static str {
    use crate::card::form::Field;
    match field {
        Field::Remark => "remark",
        Field::Description => "description",
        Field::RemarkCompany => "remark_company",
        Field::Mobiles => "remark_mobiles",
    }
}

/// Checks a remark body (README: "the `externalcontact/remark` body") for
/// the customer `external_userid` and rebuilds it for WeCom with `userid`
/// from the session: the fields are normalized as the core normalizes them
/// and `remark_mobiles: [""]` stays the way to clear the list.
///
/// Every field present is checked, whatever its value: the server has no
/// "original" to compare with, so clearing a field is checked like setting
/// it (clearing the remark company of a WeCom customer is refused, as the
/// core refuses it).
pub fn remark_body(
    userid: &UserId,
    external_userid: &str,
    body: &Value,
) -> Result<Value, Vec<RuleViolation>> {
    let ext = check_external_userid(external_userid).map_err(|v| vec![v])?;
    let map = object(body)?;
    let mut out = Vec::new();
    check_body_external(map, &ext, &mut out);
    for key in map.keys() {
        let known = key == "userid"
            || key == "external_userid"
            || key == "remark_mobiles"
            || REMARK_TEXT_KEYS.contains(&key.as_str());
        if !known {
            out.push(unknown_field(key));
        }
    }
    let mut texts: [Option<String>; 3] = [None, None, None];
    for (slot, key) in texts.iter_mut().zip(REMARK_TEXT_KEYS) {
        match map.get(key) {
            None => {}
            Some(Value::String(s)) => *slot = Some(s.clone()),
            Some(_) => out.push(not_a_string(key, None)),
        }
    }
    let mobiles = strings(map, "remark_mobiles", &mut out);
    if texts.iter().all(Option::is_none) && mobiles.is_none() && out.is_empty() {
        return Err(vec![RuleViolation::new(
            "body",
            None,
            FormError::NothingChanged.code(),
            FormError::NothingChanged.message(),
        )]);
    }
    if !out.is_empty() {
        return Err(out);
    }

    // The form's original holds, for each field present, a value the given
    // one differs from, so that the core sees every present field as changed
    // (and checks it); absent fields are unchanged and left out.
    let differing = |value: &str| {
        if normalize_field(value).is_empty() {
            "x".to_owned()
        } else {
            String::new()
        }
    };
    let [remark, description, company] = texts;
    let original_mobiles = match &mobiles {
        Some(list) if list.iter().all(|m| normalize_field(m).is_empty()) => {
            vec!["10000000".to_owned()]
        }
        _ => Vec::new(),
    };
    let user = FollowUser {
        userid: userid.clone(),
        remark: remark.as_deref().map(differing).unwrap_or_default(),
        description: description.as_deref().map(differing).unwrap_or_default(),
        created_at: None,
        tags: Vec::new(),
        remark_corp_name: company.as_deref().map(differing).unwrap_or_default(),
        remark_mobiles: original_mobiles.clone(),
        add_way: AddWay::from_code(0),
        oper_userid: None,
        state: None,
    };
    let mut form = EditForm::from_follow_user(&user, CustomerKind::from(ext.kind()));
    if let Some(v) = remark {
        form.values.remark = v;
    }
    if let Some(v) = description {
        form.values.description = v;
    }
    if let Some(v) = company {
        form.values.remark_company = v;
    }
    form.values.mobiles = mobiles.unwrap_or(original_mobiles);
    form.to_remark_body(userid, &ext).map_err(|e| match e {
        FormError::Invalid(errors) => errors
            .into_iter()
            .map(|fe| RuleViolation::new(form_key(fe.field), fe.index, fe.code, fe.message))
            .collect(),
        other => vec![RuleViolation::new(
            "body",
            None,
            other.code(),
            other.message(),
        )],
    })
}

/// Checks a remark body without building it (see [`remark_body`]).
pub fn check_remark_body(external_userid: &str, body: &Value) -> Result<(), Vec<RuleViolation>> {
    let anyone = UserId::parse("rules-check").expect("a valid userid");
    remark_body(&anyone, external_userid, body).map(|_| ())
}

/// Checks a mark-tag body (`add_tag[]`, `remove_tag[]`) for the customer
/// `external_userid` and rebuilds it for WeCom with `userid` from the
/// session: tag ids follow the core's id rules, the two lists may not both
/// be empty nor share a tag, and no more than the core's per-customer cap
/// may be added.
///
/// Whether each added tag is in the corp tag library, and the cap counted
/// with the tags the customer already has, are left to WeCom: the server
/// would need two more WeCom reads per write to know them.
pub fn mark_tag_body(
    userid: &UserId,
    external_userid: &str,
    body: &Value,
) -> Result<Value, Vec<RuleViolation>> {
    let ext = check_external_userid(external_userid).map_err(|v| vec![v])?;
    let map = object(body)?;
    let mut out = Vec::new();
    check_body_external(map, &ext, &mut out);
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "userid" | "external_userid" | "add_tag" | "remove_tag"
        ) {
            out.push(unknown_field(key));
        }
    }
    let ids = |key: &str, out: &mut Vec<RuleViolation>| -> Vec<TagId> {
        let list = strings(map, key, out).unwrap_or_default();
        let mut parsed = Vec::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            match TagId::parse(s) {
                Ok(id) => parsed.push(id),
                Err(e) => out.push(RuleViolation::from_id(key, Some(i), &e)),
            }
        }
        parsed
    };
    let add = ids("add_tag", &mut out);
    let remove = ids("remove_tag", &mut out);
    if !out.is_empty() {
        return Err(out);
    }
    // The core's tag edit, planned against a customer that carries exactly
    // the tags to remove, in a library that holds the tags to add.
    let current: Vec<FollowTag> = remove
        .iter()
        .map(|id| FollowTag {
            group_name: String::new(),
            tag_name: String::new(),
            kind: TagKind::Corp,
            tag_id: Some(id.clone()),
        })
        .collect();
    let library = CorpTagList {
        groups: vec![CorpTagGroup {
            group_id: String::new(),
            group_name: String::new(),
            create_time: None,
            order: 0,
            tags: add
                .iter()
                .map(|id| CorpTag {
                    id: id.clone(),
                    name: String::new(),
                    create_time: None,
                    order: 0,
                })
                .collect(),
        }],
        warnings: Vec::new(),
    };
    let edit = TagEdit::plan(&current, &library, add, remove).map_err(|e| {
        let field = match e {
            crate::wecom::tags::TagEditError::TooMany { .. } => "add_tag",
            _ => "body",
        };
        vec![RuleViolation::new(field, None, e.code(), e.message())]
    })?;
    edit.to_mark_tag_body(userid, &ext).ok_or_else(|| {
        vec![RuleViolation::new(
            "body",
            None,
            "nothing_changed",
            Localized::new(
                "add_tag 与 remove_tag 不能都为空",
                "add_tag and remove_tag cannot both be empty",
            ),
        )]
    })
}

/// Checks a mark-tag body without building it (see [`mark_tag_body`]).
pub fn check_mark_tag_body(external_userid: &str, body: &Value) -> Result<(), Vec<RuleViolation>> {
    let anyone = UserId::parse("rules-check").expect("a valid userid");
    mark_tag_body(&anyone, external_userid, body).map(|_| ())
}

/// At most this many customers and chats in one hand-over request (the core's slice
/// refuses more before sending; the server splits the rest into calls of 100).
pub use crate::handover::MAX_PER_REQUEST as HANDOVER_MAX_PER_REQUEST;
/// The hand-over limits, written once in [`crate::wecom::transfer`] (with their sources)
/// and re-exported for the server.
pub use crate::wecom::transfer::{
    ItemState as HandoverItemState, HANDOVER_MAX_PER_WINDOW, HANDOVER_MESSAGE_MAX,
    HANDOVER_PER_CALL, HANDOVER_WINDOW_SECS,
};

/// The message an on-job hand-over sends the customer: at most 200 characters, counted as
/// the core counts them (one emoji or flag counts once).
pub fn check_handover_message(msg: &str) -> Result<(), RuleViolation> {
    let n = crate::support::text::char_count(msg);
    if n > HANDOVER_MESSAGE_MAX {
        return Err(RuleViolation::new(
            "message",
            None,
            "too_long",
            Localized::new(
                format!("转接消息最多 {HANDOVER_MESSAGE_MAX} 个字符（现在 {n} 个）"),
                format!("The message may have at most {HANDOVER_MESSAGE_MAX} characters ({n} now)"),
            ),
        ));
    }
    Ok(())
}

/// The giver and the taker of a hand-over: both valid userids, and not the same member
/// (userids compare case-insensitively).
pub fn check_handover_members(
    handover_userid: &str,
    takeover_userid: &str,
) -> Result<(UserId, UserId), Vec<RuleViolation>> {
    let giver = UserId::parse(handover_userid)
        .map_err(|e| RuleViolation::from_id("handover_userid", None, &e));
    let taker = UserId::parse(takeover_userid)
        .map_err(|e| RuleViolation::from_id("takeover_userid", None, &e));
    match (giver, taker) {
        (Ok(g), Ok(t)) if g.key() == t.key() => Err(vec![RuleViolation::new(
            "takeover_userid",
            None,
            "taker_is_giver",
            Localized::new(
                "接替成员不能是原跟进成员",
                "The member taking over cannot be the member handing over",
            ),
        )]),
        (Ok(g), Ok(t)) => Ok((g, t)),
        (g, t) => Err([g.err(), t.err()].into_iter().flatten().collect()),
    }
}

#[cfg(test)]
mod handover_tests {
    use super::*;

    #[test]
    fn handover_message_counts_as_the_core_counts() {
        assert!(check_handover_message(&"字".repeat(200)).is_ok());
        assert_eq!(
            check_handover_message(&"字".repeat(201)).unwrap_err().code,
            "too_long"
        );
        assert!(check_handover_message(&"👨‍👩‍👧".repeat(200)).is_ok());
    }

    #[test]
    fn handover_members() {
        assert!(check_handover_members("lisi", "wangwu").is_ok());
        let v = check_handover_members("LiSi", "lisi").unwrap_err();
        assert_eq!(v[0].code, "taker_is_giver");
        let v = check_handover_members("", "bad id").unwrap_err();
        assert_eq!(v.len(), 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::form::{MAX_DESCRIPTION, MAX_MOBILES, MAX_REMARK};
    use crate::wecom::tags::MAX_TAGS_PER_CUSTOMER;
    use serde_json::json;

    const WM: &str = "wmCUSTOMER0001";
    const WO: &str = "woCUSTOMER0001";

    fn me() -> UserId {
        UserId::parse("zhangsan").unwrap()
    }

    fn codes(r: Result<Value, Vec<RuleViolation>>) -> Vec<(String, Option<usize>, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|v| (v.field, v.index, v.code))
            .collect()
    }

    #[test]
    fn remark_body_is_rebuilt_with_the_session_user() {
        let body = json!({"userid": "attacker", "external_userid": WM, "remark": "  王总 ",
                          "description": ""});
        assert_eq!(
            remark_body(&me(), WM, &body).unwrap(),
            json!({"userid": "zhangsan", "external_userid": WM, "remark": "王总", "description": ""})
        );
        // external_userid may be left out of the body.
        assert_eq!(
            remark_body(&me(), WM, &json!({"remark": "a"})).unwrap()["external_userid"],
            WM
        );
    }

    #[test]
    fn remark_limits_are_the_cores() {
        let ok = "😀".repeat(MAX_REMARK);
        assert!(check_remark_body(WM, &json!({"remark": ok})).is_ok());
        let over = "👨\u{200D}👩\u{200D}👧".repeat(MAX_REMARK + 1);
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"remark": over}))),
            vec![("remark".into(), None, "too_long")]
        );
        let long = "中".repeat(MAX_DESCRIPTION + 1);
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"description": long}))),
            vec![("description".into(), None, "too_long")]
        );
    }

    #[test]
    fn remark_company_only_for_wechat_customers() {
        assert!(check_remark_body(WM, &json!({"remark_company": "腾讯"})).is_ok());
        assert_eq!(
            codes(remark_body(&me(), WO, &json!({"remark_company": "腾讯"}))),
            vec![("remark_company".into(), None, "remark_company_not_allowed")]
        );
        // Clearing it is a change too.
        assert_eq!(
            codes(remark_body(&me(), WO, &json!({"remark_company": ""}))),
            vec![("remark_company".into(), None, "remark_company_not_allowed")]
        );
    }

    #[test]
    fn mobiles_follow_the_core() {
        let body =
            remark_body(&me(), WM, &json!({"remark_mobiles": [" 13800000001 ", ""]})).unwrap();
        assert_eq!(body["remark_mobiles"], json!(["13800000001"]));
        let cleared = remark_body(&me(), WM, &json!({"remark_mobiles": [""]})).unwrap();
        assert_eq!(cleared["remark_mobiles"], json!([""]));
        let cleared = remark_body(&me(), WM, &json!({"remark_mobiles": []})).unwrap();
        assert_eq!(cleared["remark_mobiles"], json!([""]));
        assert_eq!(
            codes(remark_body(
                &me(),
                WM,
                &json!({"remark_mobiles": ["13800000001", "138-0000-0001"]})
            )),
            vec![("remark_mobiles".into(), Some(1), "mobile_duplicate")]
        );
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"remark_mobiles": ["abc"]}))),
            vec![("remark_mobiles".into(), Some(0), "mobile_bad_format")]
        );
        let many: Vec<String> = (0..=MAX_MOBILES)
            .map(|i| format!("1380000{i:04}"))
            .collect();
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"remark_mobiles": many}))),
            vec![("remark_mobiles".into(), None, "too_many_mobiles")]
        );
    }

    #[test]
    fn remark_shape_errors() {
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({}))),
            vec![("body".into(), None, "nothing_changed")]
        );
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"userid": "x"}))),
            vec![("body".into(), None, "nothing_changed")]
        );
        assert_eq!(
            codes(remark_body(&me(), WM, &json!([1]))),
            vec![("body".into(), None, "body_not_an_object")]
        );
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"remark": 5, "foo": 1}))),
            vec![
                ("foo".into(), None, "unknown_field"),
                ("remark".into(), None, "not_a_string")
            ]
        );
        assert_eq!(
            codes(remark_body(&me(), WM, &json!({"remark_mobiles": "138"}))),
            vec![("remark_mobiles".into(), None, "not_a_list")]
        );
        assert_eq!(
            codes(remark_body(
                &me(),
                WM,
                &json!({"remark": "a", "external_userid": "wmOTHER"})
            )),
            vec![("external_userid".into(), None, "external_userid_mismatch")]
        );
        assert_eq!(
            codes(remark_body(&me(), "zz", &json!({"remark": "a"}))),
            vec![("external_userid".into(), None, "id_too_short")]
        );
        assert_eq!(
            codes(remark_body(&me(), "wm a\r\n", &json!({"remark": "a"}))),
            vec![("external_userid".into(), None, "id_bad_char")]
        );
    }

    #[test]
    fn mark_tag_body_is_rebuilt() {
        let body =
            json!({"userid": "attacker", "add_tag": ["etB", "etA", "etA"], "remove_tag": ["etC"]});
        assert_eq!(
            mark_tag_body(&me(), WM, &body).unwrap(),
            json!({"userid": "zhangsan", "external_userid": WM,
                   "add_tag": ["etA", "etB"], "remove_tag": ["etC"]})
        );
        assert!(check_mark_tag_body(WM, &json!({"remove_tag": ["etC"]})).is_ok());
    }

    #[test]
    fn mark_tag_errors() {
        assert_eq!(
            codes(mark_tag_body(
                &me(),
                WM,
                &json!({"add_tag": [], "remove_tag": []})
            )),
            vec![("body".into(), None, "nothing_changed")]
        );
        assert_eq!(
            codes(mark_tag_body(&me(), WM, &json!({}))),
            vec![("body".into(), None, "nothing_changed")]
        );
        assert_eq!(
            codes(mark_tag_body(
                &me(),
                WM,
                &json!({"add_tag": ["etA"], "remove_tag": ["etA"]})
            )),
            vec![("body".into(), None, "tag_add_and_remove")]
        );
        assert_eq!(
            codes(mark_tag_body(
                &me(),
                WM,
                &json!({"add_tag": ["etA", "tag1", 3]})
            )),
            vec![
                ("add_tag".into(), Some(2), "not_a_string"),
                ("add_tag".into(), Some(1), "id_bad_prefix")
            ]
        );
        let many: Vec<String> = (0..=MAX_TAGS_PER_CUSTOMER)
            .map(|i| format!("et{i}"))
            .collect();
        assert_eq!(
            codes(mark_tag_body(&me(), WM, &json!({"add_tag": many}))),
            vec![("add_tag".into(), None, "too_many_tags")]
        );
        assert_eq!(
            codes(mark_tag_body(
                &me(),
                WM,
                &json!({"add_tag": ["etA"], "tags": []})
            )),
            vec![("tags".into(), None, "unknown_field")]
        );
    }

    #[test]
    fn id_checks() {
        assert!(check_external_userid(WM).is_ok());
        assert_eq!(check_external_userid("").unwrap_err().code, "id_empty");
        assert_eq!(check_userid("_x").unwrap_err().code, "id_bad_start");
        assert!(check_group_chat_id("wrCHAT01").is_ok());
        assert_eq!(
            check_group_chat_id("wmCHAT01").unwrap_err().field,
            "chat_id"
        );
        assert!(check_tag_id("etA1").is_ok());
        let v = check_tag_id("x y").unwrap_err();
        assert!(v.message.en.contains("tag id"), "{}", v.message.en);
    }
}

// --- the materials library ----------------------------------------------------

pub use crate::chat::materials::{Material, MaterialKind, Scope as MaterialScope};

/// Checks an admin's material (`POST /api/admin/materials`) with the
/// composer's rules (`chat::materials::check_material`): what the library
/// holds, the composer can send. The bytes of a media material are the
/// server's to check.
pub fn check_material(body: &Value) -> Result<Material, Vec<RuleViolation>> {
    crate::chat::materials::check_material(body).map_err(|vs| {
        vs.into_iter()
            .map(|v| RuleViolation::new(v.field, None, v.code, v.message))
            .collect()
    })
}

/// A media material's file name (also for a picture from the phone).
pub fn check_media_filename(kind: MaterialKind, name: &str) -> Result<(), RuleViolation> {
    match crate::chat::materials::check_filename(kind, name) {
        None => Ok(()),
        Some(v) => Err(RuleViolation::new(v.field, None, v.code, v.message)),
    }
}
