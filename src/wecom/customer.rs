//! The customer, parsed from `externalcontact/get` (wecom:96315,
//! <https://developer.work.weixin.qq.com/document/path/96315>) as the backend
//! passes it through. The code tables here (`type`, `gender`, tag `type`,
//! `add_way`) each name their page.
//!
//! Parsing is lenient and validation strict. A field may be missing, `null`,
//! or a number sent as a string (`"type":"2"`); arrays may be missing or
//! `null`; unknown fields are ignored. Identities are validated with
//! [`crate::wecom::ids`]: an item that cannot be validated (a follow user without a
//! valid `userid`, a corp tag without a valid `tag_id`, an attribute of an
//! unknown type…) is dropped and reported in [`Page::warnings`], never
//! silently.

use crate::support::locale::Localized;
use crate::wecom::errcodes;
use crate::wecom::ids::{ExternalKind, ExternalUserId, IdError, TagId, UserId};
use crate::wecom::lenient::{self, Record};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Domain
// ---------------------------------------------------------------------------

/// How the member added the customer (`follow_user[].add_way`); the values
/// and their meaning are the one table [`ADD_WAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddWay {
    Unknown,
    QrCode,
    MobileSearch,
    CardShare,
    GroupChat,
    PhoneContacts,
    WechatContacts,
    WechatFriendRequest,
    ThirdPartyAppService,
    Email,
    Channels,
    Schedule,
    Meeting,
    WechatFriendWecom,
    SmartHardware,
    OnSiteService,
    AcquisitionLink,
    CustomDevelopment,
    DemandReply,
    ThirdPartyPreSales,
    BusinessPartner,
    WechatAccountRequest,
    InternalShare,
    AdminAssignment,
    /// A value WeCom added after this table was written; the number is kept
    /// and the label stays neutral ("unknown (n)"), never a guess.
    Other(i64),
}

/// The `add_way` values (来源定义) with their words, one row each:
/// `(code, way, zh, en)`. Source: wecom:92114
/// (<https://developer.work.weixin.qq.com/document/path/92114>).
/// 8 is the customer service added with a third-party app, not pre-sales
/// service (that is 21), whatever an earlier revision of the page said.
pub const ADD_WAYS: &[(i64, AddWay, &str, &str)] = &[
    (0, AddWay::Unknown, "未知来源", "unknown"),
    (1, AddWay::QrCode, "扫描二维码", "scanned a QR code"),
    (
        2,
        AddWay::MobileSearch,
        "搜索手机号",
        "mobile number search",
    ),
    (3, AddWay::CardShare, "名片分享", "shared business card"),
    (4, AddWay::GroupChat, "群聊", "group chat"),
    (5, AddWay::PhoneContacts, "手机通讯录", "phone contacts"),
    (6, AddWay::WechatContacts, "微信联系人", "WeChat contacts"),
    (
        7,
        AddWay::WechatFriendRequest,
        "来自微信的添加好友申请",
        "a friend request from WeChat",
    ),
    (
        8,
        AddWay::ThirdPartyAppService,
        "安装第三方应用时自动添加的客服人员",
        "customer service added with a third-party app",
    ),
    (9, AddWay::Email, "搜索邮箱", "email search"),
    (10, AddWay::Channels, "视频号添加", "WeChat Channels"),
    (11, AddWay::Schedule, "日程参与人", "schedule attendee"),
    (12, AddWay::Meeting, "会议参与人", "meeting attendee"),
    (
        13,
        AddWay::WechatFriendWecom,
        "添加微信好友对应的企业微信",
        "WeCom account of a WeChat friend",
    ),
    (
        14,
        AddWay::SmartHardware,
        "智能硬件专属客服",
        "smart hardware service",
    ),
    (15, AddWay::OnSiteService, "上门服务客服", "on-site service"),
    (
        16,
        AddWay::AcquisitionLink,
        "获客链接",
        "customer acquisition link",
    ),
    (
        17,
        AddWay::CustomDevelopment,
        "定制开发",
        "custom development",
    ),
    (18, AddWay::DemandReply, "需求回复", "a demand reply"),
    (
        21,
        AddWay::ThirdPartyPreSales,
        "第三方售前客服",
        "third-party pre-sales service",
    ),
    (
        22,
        AddWay::BusinessPartner,
        "可能的商务伙伴",
        "a possible business partner",
    ),
    (
        24,
        AddWay::WechatAccountRequest,
        "微信账号收到的好友申请",
        "a friend request to a WeChat account",
    ),
    (
        201,
        AddWay::InternalShare,
        "内部成员共享",
        "shared by a colleague",
    ),
    (
        202,
        AddWay::AdminAssignment,
        "管理员/负责人分配",
        "assigned by an admin or manager",
    ),
];

impl AddWay {
    fn row(self) -> Option<&'static (i64, AddWay, &'static str, &'static str)> {
        ADD_WAYS.iter().find(|row| row.1 == self)
    }

    pub fn from_code(code: i64) -> AddWay {
        ADD_WAYS
            .iter()
            .find(|row| row.0 == code)
            .map_or(AddWay::Other(code), |row| row.1)
    }

    pub fn code(self) -> i64 {
        match (self, self.row()) {
            (_, Some(row)) => row.0,
            (AddWay::Other(n), None) => n,
            // Every named way has a row (see the tests).
            (_, None) => 0,
        }
    }

    pub fn label(self) -> Localized {
        match (self, self.row()) {
            (_, Some((_, _, zh, en))) => Localized::new(*zh, *en),
            (way, None) => {
                let n = way.code();
                Localized::new(format!("未知 ({n})"), format!("unknown ({n})"))
            }
        }
    }
}

/// `external_contact.type` (wecom:96315).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerKind {
    /// 1: a WeChat user.
    Wechat,
    /// 2: a WeCom user of another corp.
    Wecom,
    Unknown(i64),
}

impl CustomerKind {
    pub fn from_code(code: i64) -> CustomerKind {
        match code {
            1 => CustomerKind::Wechat,
            2 => CustomerKind::Wecom,
            n => CustomerKind::Unknown(n),
        }
    }
}

impl From<ExternalKind> for CustomerKind {
    fn from(kind: ExternalKind) -> Self {
        match kind {
            ExternalKind::Wechat => CustomerKind::Wechat,
            ExternalKind::Wecom => CustomerKind::Wecom,
        }
    }
}

/// `external_contact.gender`: 0 unknown, 1 male, 2 female (wecom:96315).
/// Any other value is taken as unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Unknown,
    Male,
    Female,
}

impl Gender {
    pub fn from_code(code: i64) -> Gender {
        match code {
            1 => Gender::Male,
            2 => Gender::Female,
            _ => Gender::Unknown,
        }
    }

    pub fn label(self) -> Localized {
        match self {
            Gender::Unknown => Localized::new("未知", "Unknown"),
            Gender::Male => Localized::new("男", "Male"),
            Gender::Female => Localized::new("女", "Female"),
        }
    }
}

/// One item of `external_profile.external_attr[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalAttr {
    /// type 0
    Text { name: String, value: String },
    /// type 1
    Web {
        name: String,
        url: String,
        title: String,
    },
    /// type 2
    Miniprogram {
        name: String,
        appid: String,
        pagepath: String,
        title: String,
    },
}

/// `follow_user[].tags[].type` (wecom:96315).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// 1: a corp tag (has a `tag_id`).
    Corp,
    /// 2: a member's personal tag (no `tag_id`).
    Personal,
    /// Any other value (the documentation shows 3, rule-based tags).
    Unknown(i64),
}

impl TagKind {
    pub fn from_code(code: i64) -> TagKind {
        match code {
            1 => TagKind::Corp,
            2 => TagKind::Personal,
            n => TagKind::Unknown(n),
        }
    }
}

/// A tag a member has put on the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowTag {
    pub group_name: String,
    pub tag_name: String,
    pub kind: TagKind,
    /// Always present for corp tags (a corp tag without a valid id is
    /// dropped with a warning); `None` for personal tags; for unknown kinds,
    /// present only when it is a valid corp tag id.
    pub tag_id: Option<TagId>,
}

/// A member who follows the customer, with that member's notes.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUser {
    pub userid: UserId,
    pub remark: String,
    pub description: String,
    /// `createtime`, unix seconds.
    pub created_at: Option<i64>,
    pub tags: Vec<FollowTag>,
    pub remark_corp_name: String,
    /// Non-empty entries only.
    pub remark_mobiles: Vec<String>,
    pub add_way: AddWay,
    /// A member userid, or the customer's own external_userid when the
    /// customer added the member; kept as text.
    pub oper_userid: Option<String>,
    pub state: Option<String>,
}

/// The customer. Optional text fields are `None` when missing or empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub external_userid: ExternalUserId,
    pub name: String,
    pub position: Option<String>,
    pub avatar: Option<String>,
    pub corp_name: Option<String>,
    pub corp_full_name: Option<String>,
    pub kind: CustomerKind,
    pub gender: Gender,
    pub unionid: Option<String>,
    pub attrs: Vec<ExternalAttr>,
    pub follow_users: Vec<FollowUser>,
}

/// One page of `externalcontact/get`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub customer: Customer,
    /// `None` when this is the last page (missing or empty `next_cursor`).
    pub next_cursor: Option<String>,
    pub warnings: Vec<ParseWarning>,
}

// ---------------------------------------------------------------------------
// Warnings and errors
// ---------------------------------------------------------------------------

/// Something in a response that was dropped. `path` points at it, for
/// example `follow_user[2].userid`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseWarning {
    pub path: String,
    pub problem: ParseProblem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParseProblem {
    /// An array item is not a JSON object.
    NotAnObject,
    /// A follow user's `userid` is missing or invalid.
    BadUserId(IdError),
    /// The same member appears twice (compared case-insensitively).
    DuplicateFollowUser { userid: String },
    /// A corp tag's `tag_id` (or a corp tag list's `id`) is missing or invalid.
    BadTagId(IdError),
    /// An `external_attr` of a type this core does not know.
    UnknownAttrType(Option<i64>),
    /// An `external_attr` without its `text`/`web`/`miniprogram` object.
    MissingAttrBody { expected: &'static str },
    /// A `remark_mobiles` item that is not text.
    BadMobile,
    /// A later page belongs to another customer.
    OtherCustomer { expected: String, found: String },
}

impl ParseWarning {
    fn new(path: impl Into<String>, problem: ParseProblem) -> Self {
        ParseWarning {
            path: path.into(),
            problem,
        }
    }

    pub fn code(&self) -> &'static str {
        match self.problem {
            ParseProblem::NotAnObject => "item_not_object",
            ParseProblem::BadUserId(_) => "bad_follow_userid",
            ParseProblem::DuplicateFollowUser { .. } => "duplicate_follow_user",
            ParseProblem::BadTagId(_) => "bad_tag_id",
            ParseProblem::UnknownAttrType(_) => "unknown_attr_type",
            ParseProblem::MissingAttrBody { .. } => "missing_attr_body",
            ParseProblem::BadMobile => "bad_mobile_item",
            ParseProblem::OtherCustomer { .. } => "page_of_other_customer",
        }
    }

    pub fn message(&self) -> Localized {
        let p = &self.path;
        match &self.problem {
            ParseProblem::NotAnObject => Localized::new(
                format!("{p} 不是对象，已忽略"),
                format!("{p} is not an object and was ignored"),
            ),
            ParseProblem::BadUserId(e) => Localized::new(
                format!("{p} 的成员 userid 无效（{e}），已忽略该跟进成员"),
                format!("{p}: the member userid is invalid ({e}); this follow user was ignored"),
            ),
            ParseProblem::DuplicateFollowUser { userid } => Localized::new(
                format!("{p}：成员 {userid} 重复出现，已忽略重复项"),
                format!("{p}: member {userid} appears twice; the repeat was ignored"),
            ),
            ParseProblem::BadTagId(e) => Localized::new(
                format!("{p} 的标签 ID 无效（{e}），已忽略该标签"),
                format!("{p}: the tag id is invalid ({e}); this tag was ignored"),
            ),
            ParseProblem::UnknownAttrType(t) => {
                let t = t.map_or_else(|| "missing".to_owned(), |t| t.to_string());
                Localized::new(
                    format!("{p} 的属性类型 {t} 未知，已忽略"),
                    format!("{p}: unknown attribute type {t}; it was ignored"),
                )
            }
            ParseProblem::MissingAttrBody { expected } => Localized::new(
                format!("{p} 缺少 {expected} 内容，已忽略"),
                format!("{p} has no {expected} object and was ignored"),
            ),
            ParseProblem::BadMobile => Localized::new(
                format!("{p} 不是文本手机号，已忽略"),
                format!("{p} is not a text phone number and was ignored"),
            ),
            ParseProblem::OtherCustomer { expected, found } => Localized::new(
                format!("下一页属于客户 {found} 而不是 {expected}，未合并"),
                format!("the next page belongs to customer {found}, not {expected}; not merged"),
            ),
        }
    }
}

/// Why a response could not be turned into a customer.
#[derive(Debug, Clone, PartialEq)]
pub enum CustomerError {
    /// Not JSON, or not a JSON object.
    BadJson { detail: String },
    /// WeCom answered with an error code.
    Wecom { errcode: i64, errmsg: String },
    /// `errcode` is 0 but there is no `external_contact` object.
    MissingCustomer,
    /// `external_contact.external_userid` is missing or invalid.
    BadCustomerId(IdError),
}

impl CustomerError {
    /// Who must act, and where, for a WeCom refusal the errcode table knows.
    pub fn next_step(&self) -> Option<Localized> {
        match self {
            CustomerError::Wecom { errcode, .. } => errcodes::next_step(*errcode),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            CustomerError::BadJson { .. } => "bad_json",
            CustomerError::Wecom { errcode, .. } => errcodes::code(*errcode),
            CustomerError::MissingCustomer => "missing_customer",
            CustomerError::BadCustomerId(_) => "bad_customer_id",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            CustomerError::BadJson { detail } => Localized::new(
                // The parser's words are English: in English only.
                "服务器返回的客户数据无法识别".to_owned(),
                format!("The customer data is not valid JSON: {detail}"),
            ),
            CustomerError::Wecom { errcode, errmsg } => errcodes::message(*errcode, errmsg),
            CustomerError::MissingCustomer => Localized::new(
                "返回结果中没有客户信息（external_contact）",
                "The response has no customer (external_contact)",
            ),
            CustomerError::BadCustomerId(e) => Localized::new(
                "服务器返回的客户 ID 无效".to_owned(),
                format!("The customer's external_userid is invalid: {e}"),
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// Raw, lenient model of the JSON
// ---------------------------------------------------------------------------

struct RawGetResponse {
    external_contact: Value,
    follow_user: Vec<Value>,
    next_cursor: Option<String>,
}

impl RawGetResponse {
    fn read(mut r: Record) -> Self {
        RawGetResponse {
            external_contact: r.value("external_contact"),
            follow_user: r.items("follow_user"),
            next_cursor: r.string("next_cursor"),
        }
    }
}

struct RawExternalContact {
    external_userid: Option<String>,
    name: Option<String>,
    position: Option<String>,
    avatar: Option<String>,
    corp_name: Option<String>,
    corp_full_name: Option<String>,
    kind: Option<i64>,
    gender: Option<i64>,
    unionid: Option<String>,
    external_profile: Value,
}

impl RawExternalContact {
    fn read(mut r: Record) -> Self {
        RawExternalContact {
            external_userid: r.string("external_userid"),
            name: r.string("name"),
            position: r.string("position"),
            avatar: r.string("avatar"),
            corp_name: r.string("corp_name"),
            corp_full_name: r.string("corp_full_name"),
            kind: r.int("type"),
            gender: r.int("gender"),
            unionid: r.string("unionid"),
            external_profile: r.value("external_profile"),
        }
    }
}

struct RawAttr {
    kind: Option<i64>,
    name: Option<String>,
    text: Value,
    web: Value,
    miniprogram: Value,
}

impl RawAttr {
    fn read(mut r: Record) -> Self {
        RawAttr {
            kind: r.int("type"),
            name: r.string("name"),
            text: r.value("text"),
            web: r.value("web"),
            miniprogram: r.value("miniprogram"),
        }
    }
}

struct RawFollowUser {
    userid: Option<String>,
    remark: Option<String>,
    description: Option<String>,
    createtime: Option<i64>,
    tags: Vec<Value>,
    remark_corp_name: Option<String>,
    remark_mobiles: Vec<Value>,
    add_way: Option<i64>,
    oper_userid: Option<String>,
    state: Option<String>,
}

impl RawFollowUser {
    fn read(mut r: Record) -> Self {
        RawFollowUser {
            userid: r.string("userid"),
            remark: r.string("remark"),
            description: r.string("description"),
            createtime: r.int("createtime"),
            tags: r.items("tags"),
            remark_corp_name: r.string("remark_corp_name"),
            remark_mobiles: r.items("remark_mobiles"),
            add_way: r.int("add_way"),
            oper_userid: r.string("oper_userid"),
            state: r.string("state"),
        }
    }
}

struct RawTag {
    group_name: Option<String>,
    tag_name: Option<String>,
    kind: Option<i64>,
    tag_id: Option<String>,
}

impl RawTag {
    fn read(mut r: Record) -> Self {
        RawTag {
            group_name: r.string("group_name"),
            tag_name: r.string("tag_name"),
            kind: r.int("type"),
            tag_id: r.string("tag_id"),
        }
    }
}

/// A string field of a sub-object (`text.value`, `web.url`…), empty if absent.
fn sub_string(obj: &Value, key: &str) -> String {
    obj.get(key)
        .and_then(lenient::as_string)
        .unwrap_or_default()
}

/// `None` for missing or blank text.
fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Parses one page of `externalcontact/get`.
pub fn parse_get_response(json: &str) -> Result<Page, CustomerError> {
    let top = lenient::object(json).map_err(|detail| CustomerError::BadJson { detail })?;
    if let Some((errcode, errmsg)) = lenient::wecom_error(&top) {
        return Err(CustomerError::Wecom { errcode, errmsg });
    }
    let Some(raw) = Record::of(top).map(RawGetResponse::read) else {
        return Err(CustomerError::BadJson {
            detail: "the top level is not a JSON object".to_owned(),
        });
    };
    let Some(contact) = Record::of(raw.external_contact).map(RawExternalContact::read) else {
        return Err(CustomerError::MissingCustomer);
    };
    let external_userid =
        ExternalUserId::parse(contact.external_userid.as_deref().unwrap_or("").trim())
            .map_err(CustomerError::BadCustomerId)?;

    let mut warnings = Vec::new();
    let kind = match contact.kind {
        Some(code) => CustomerKind::from_code(code),
        None => external_userid.kind().into(),
    };
    let attrs = parse_attrs(contact.external_profile, &mut warnings);

    let mut follow_users: Vec<FollowUser> = Vec::new();
    for (i, item) in raw.follow_user.into_iter().enumerate() {
        let path = format!("follow_user[{i}]");
        if let Some(user) = parse_follow_user(item, &path, &mut warnings) {
            if follow_users.iter().any(|u| u.userid == user.userid) {
                warnings.push(ParseWarning::new(
                    path,
                    ParseProblem::DuplicateFollowUser {
                        userid: user.userid.to_string(),
                    },
                ));
            } else {
                follow_users.push(user);
            }
        }
    }

    let customer = Customer {
        external_userid,
        name: contact.name.unwrap_or_default(),
        position: non_empty(contact.position),
        avatar: non_empty(contact.avatar),
        corp_name: non_empty(contact.corp_name),
        corp_full_name: non_empty(contact.corp_full_name),
        kind,
        gender: Gender::from_code(contact.gender.unwrap_or(0)),
        unionid: non_empty(contact.unionid),
        attrs,
        follow_users,
    };
    Ok(Page {
        customer,
        next_cursor: non_empty(raw.next_cursor),
        warnings,
    })
}

fn parse_attrs(profile: Value, warnings: &mut Vec<ParseWarning>) -> Vec<ExternalAttr> {
    let items = match profile {
        Value::Object(mut map) => {
            lenient::as_items(map.remove("external_attr").unwrap_or(Value::Null))
        }
        _ => Vec::new(),
    };
    let mut attrs = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("external_contact.external_profile.external_attr[{i}]");
        let Some(raw) = Record::of(item).map(RawAttr::read) else {
            warnings.push(ParseWarning::new(path, ParseProblem::NotAnObject));
            continue;
        };
        // Without a type, the sub-object that is present tells the kind.
        let kind = raw.kind.or(if raw.text.is_object() {
            Some(0)
        } else if raw.web.is_object() {
            Some(1)
        } else if raw.miniprogram.is_object() {
            Some(2)
        } else {
            None
        });
        let name = raw.name.unwrap_or_default();
        let (body, expected) = match kind {
            Some(0) => (&raw.text, "text"),
            Some(1) => (&raw.web, "web"),
            Some(2) => (&raw.miniprogram, "miniprogram"),
            other => {
                warnings.push(ParseWarning::new(
                    path,
                    ParseProblem::UnknownAttrType(other),
                ));
                continue;
            }
        };
        if !body.is_object() {
            warnings.push(ParseWarning::new(
                path,
                ParseProblem::MissingAttrBody { expected },
            ));
            continue;
        }
        attrs.push(match kind {
            Some(0) => ExternalAttr::Text {
                name,
                value: sub_string(body, "value"),
            },
            Some(1) => ExternalAttr::Web {
                name,
                url: sub_string(body, "url"),
                title: sub_string(body, "title"),
            },
            _ => ExternalAttr::Miniprogram {
                name,
                appid: sub_string(body, "appid"),
                pagepath: sub_string(body, "pagepath"),
                title: sub_string(body, "title"),
            },
        });
    }
    attrs
}

fn parse_follow_user(
    item: Value,
    path: &str,
    warnings: &mut Vec<ParseWarning>,
) -> Option<FollowUser> {
    let Some(raw) = Record::of(item).map(RawFollowUser::read) else {
        warnings.push(ParseWarning::new(path, ParseProblem::NotAnObject));
        return None;
    };
    let userid = match UserId::parse(raw.userid.as_deref().unwrap_or("").trim()) {
        Ok(id) => id,
        Err(e) => {
            warnings.push(ParseWarning::new(
                format!("{path}.userid"),
                ParseProblem::BadUserId(e),
            ));
            return None;
        }
    };

    let mut tags: Vec<FollowTag> = Vec::new();
    for (j, tag) in raw.tags.into_iter().enumerate() {
        let tag_path = format!("{path}.tags[{j}]");
        if let Some(tag) = parse_follow_tag(tag, &tag_path, warnings) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }

    let mut remark_mobiles = Vec::new();
    for (j, m) in raw.remark_mobiles.into_iter().enumerate() {
        match lenient::as_string(&m) {
            Some(s) if s.trim().is_empty() => {}
            Some(s) => remark_mobiles.push(s.trim().to_owned()),
            None if m.is_null() => {}
            None => warnings.push(ParseWarning::new(
                format!("{path}.remark_mobiles[{j}]"),
                ParseProblem::BadMobile,
            )),
        }
    }

    Some(FollowUser {
        userid,
        remark: raw.remark.unwrap_or_default(),
        description: raw.description.unwrap_or_default(),
        created_at: raw.createtime,
        tags,
        remark_corp_name: raw.remark_corp_name.unwrap_or_default(),
        remark_mobiles,
        add_way: AddWay::from_code(raw.add_way.unwrap_or(0)),
        oper_userid: non_empty(raw.oper_userid),
        state: non_empty(raw.state),
    })
}

fn parse_follow_tag(
    item: Value,
    path: &str,
    warnings: &mut Vec<ParseWarning>,
) -> Option<FollowTag> {
    let Some(raw) = Record::of(item).map(RawTag::read) else {
        warnings.push(ParseWarning::new(path, ParseProblem::NotAnObject));
        return None;
    };
    let raw_id = raw.tag_id.as_deref().unwrap_or("").trim();
    // A missing type with a tag id is a corp tag; without one, personal.
    let kind = match raw.kind {
        Some(code) => TagKind::from_code(code),
        None if raw_id.is_empty() => TagKind::Personal,
        None => TagKind::Corp,
    };
    let tag_id = match kind {
        TagKind::Corp => match TagId::parse(raw_id) {
            Ok(id) => Some(id),
            Err(e) => {
                warnings.push(ParseWarning::new(
                    format!("{path}.tag_id"),
                    ParseProblem::BadTagId(e),
                ));
                return None;
            }
        },
        TagKind::Personal => None,
        TagKind::Unknown(_) => TagId::parse(raw_id).ok(),
    };
    Some(FollowTag {
        group_name: raw.group_name.unwrap_or_default(),
        tag_name: raw.tag_name.unwrap_or_default(),
        kind,
        tag_id,
    })
}

/// Adds the follow users of a later page (requested with the previous
/// page's `next_cursor`) to `customer`. A member already present (userids
/// compare case-insensitively) is not added twice. The customer fields of
/// the later page are ignored: the first page's are kept.
///
/// Returns the page's own warnings plus one for each repeated member, and
/// a single `page_of_other_customer` warning (nothing merged) when the page
/// is about another customer.
pub fn merge_page(customer: &mut Customer, page: Page) -> Vec<ParseWarning> {
    let mut warnings = page.warnings;
    if page.customer.external_userid != customer.external_userid {
        warnings.push(ParseWarning::new(
            "external_contact.external_userid",
            ParseProblem::OtherCustomer {
                expected: customer.external_userid.to_string(),
                found: page.customer.external_userid.to_string(),
            },
        ));
        return warnings;
    }
    for (i, user) in page.customer.follow_users.into_iter().enumerate() {
        if customer
            .follow_users
            .iter()
            .any(|u| u.userid == user.userid)
        {
            warnings.push(ParseWarning::new(
                format!("follow_user[{i}]"),
                ParseProblem::DuplicateFollowUser {
                    userid: user.userid.to_string(),
                },
            ));
        } else {
            customer.follow_users.push(user);
        }
    }
    warnings
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Equivalent to the documentation's example of `externalcontact/get`
    /// (wecom:96315): a WeCom-type customer with all three attribute kinds,
    /// one follow user with corp, personal and rule (type 3) tags, a second
    /// follow user with few fields, and a next cursor.
    pub(crate) const DOC_EXAMPLE: &str = r#"{
        "errcode": 0,
        "errmsg": "ok",
        "external_contact": {
            "external_userid": "woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA",
            "name": "李四",
            "position": "Manager",
            "avatar": "https://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0",
            "corp_name": "腾讯",
            "corp_full_name": "腾讯科技有限公司",
            "type": 2,
            "gender": 1,
            "unionid": "ozynqsulJFCZ2z1aYeS8h-nuasdAAA",
            "external_profile": {
                "external_attr": [
                    {"type": 0, "name": "文本名称", "text": {"value": "文本"}},
                    {"type": 1, "name": "网页名称",
                     "web": {"url": "http://www.test.com", "title": "标题"}},
                    {"type": 2, "name": "测试app",
                     "miniprogram": {"appid": "wx8bd80126147df384", "pagepath": "/index",
                                     "title": "my miniprogram"}}
                ]
            }
        },
        "follow_user": [
            {
                "userid": "rocky",
                "remark": "李部长",
                "description": "对接采购事务",
                "createtime": 1525779812,
                "tags": [
                    {"group_name": "标签分组名称", "tag_name": "标签名称",
                     "tag_id": "etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA", "type": 1},
                    {"group_name": "标签分组名称", "tag_name": "标签名称", "type": 2},
                    {"group_name": "标签分组名称", "tag_name": "标签名称",
                     "tag_id": "stAJ2GCAAAXtWyujaWJHDDGi0mACHAAA", "type": 3}
                ],
                "remark_corp_name": "腾讯科技",
                "remark_mobiles": ["13800000001", "13000000002"],
                "oper_userid": "rocky",
                "add_way": 10,
                "wechat_channels": {"nickname": "视频号名称", "source": 1},
                "state": "外联二维码1"
            },
            {
                "userid": "tommy",
                "remark": "李总",
                "description": "采购问题咨询",
                "createtime": 1525881637,
                "state": "外联二维码1",
                "oper_userid": "woAJ2GCAAAd1asdasdjO4wKmE8Aabj9AAA",
                "add_way": 3
            }
        ],
        "next_cursor": "NEXT_CURSOR"
    }"#;

    fn page(json: &str) -> Page {
        parse_get_response(json).unwrap()
    }

    fn codes(warnings: &[ParseWarning]) -> Vec<&'static str> {
        warnings.iter().map(|w| w.code()).collect()
    }

    #[test]
    fn parses_the_documentation_example() {
        let p = page(DOC_EXAMPLE);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.next_cursor.as_deref(), Some("NEXT_CURSOR"));
        let c = &p.customer;
        assert_eq!(
            c.external_userid.as_str(),
            "woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"
        );
        assert_eq!(c.name, "李四");
        assert_eq!(c.position.as_deref(), Some("Manager"));
        assert_eq!(c.corp_name.as_deref(), Some("腾讯"));
        assert_eq!(c.corp_full_name.as_deref(), Some("腾讯科技有限公司"));
        assert_eq!(c.kind, CustomerKind::Wecom);
        assert_eq!(c.gender, Gender::Male);
        assert_eq!(c.unionid.as_deref(), Some("ozynqsulJFCZ2z1aYeS8h-nuasdAAA"));
        assert_eq!(c.attrs.len(), 3);
        assert_eq!(
            c.attrs[0],
            ExternalAttr::Text {
                name: "文本名称".into(),
                value: "文本".into()
            }
        );
        assert_eq!(
            c.attrs[1],
            ExternalAttr::Web {
                name: "网页名称".into(),
                url: "http://www.test.com".into(),
                title: "标题".into()
            }
        );
        assert!(
            matches!(&c.attrs[2], ExternalAttr::Miniprogram { pagepath, .. } if pagepath == "/index")
        );

        assert_eq!(c.follow_users.len(), 2);
        let rocky = &c.follow_users[0];
        assert_eq!(rocky.userid.as_str(), "rocky");
        assert_eq!(rocky.remark, "李部长");
        assert_eq!(rocky.description, "对接采购事务");
        assert_eq!(rocky.created_at, Some(1525779812));
        assert_eq!(rocky.remark_corp_name, "腾讯科技");
        assert_eq!(rocky.remark_mobiles, vec!["13800000001", "13000000002"]);
        assert_eq!(rocky.add_way, AddWay::Channels);
        assert_eq!(rocky.oper_userid.as_deref(), Some("rocky"));
        assert_eq!(rocky.state.as_deref(), Some("外联二维码1"));
        assert_eq!(rocky.tags.len(), 3);
        assert_eq!(rocky.tags[0].kind, TagKind::Corp);
        assert_eq!(
            rocky.tags[0].tag_id.as_ref().map(|t| t.as_str()),
            Some("etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA")
        );
        assert_eq!(rocky.tags[1].kind, TagKind::Personal);
        assert_eq!(rocky.tags[1].tag_id, None);
        assert_eq!(rocky.tags[2].kind, TagKind::Unknown(3));
        assert_eq!(rocky.tags[2].tag_id, None, "an st… id is not a corp tag id");

        let tommy = &c.follow_users[1];
        assert_eq!(tommy.add_way, AddWay::CardShare);
        assert!(tommy.tags.is_empty());
        assert!(tommy.remark_mobiles.is_empty());
        assert_eq!(tommy.remark_corp_name, "");
    }

    #[test]
    fn nulls_are_absent_values() {
        let p = page(
            r#"{"errcode":0,"errmsg":null,"external_contact":{
                "external_userid":"wmABCDEF","name":null,"position":null,"avatar":null,
                "corp_name":null,"type":null,"gender":null,"unionid":null,"external_profile":null},
              "follow_user":[{"userid":"zhangsan","remark":null,"description":null,
                "createtime":null,"tags":null,"remark_mobiles":null,"add_way":null,
                "oper_userid":null,"state":null}],
              "next_cursor":null}"#,
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.next_cursor, None);
        let c = &p.customer;
        assert_eq!(c.name, "");
        assert_eq!(c.position, None);
        assert_eq!(
            c.kind,
            CustomerKind::Wechat,
            "type null falls back to the wm prefix"
        );
        assert_eq!(c.gender, Gender::Unknown);
        let u = &c.follow_users[0];
        assert_eq!(u.created_at, None);
        assert_eq!(u.add_way, AddWay::Unknown);
        assert!(u.tags.is_empty() && u.remark_mobiles.is_empty());
        assert_eq!(u.oper_userid, None);
    }

    #[test]
    fn numbers_as_strings() {
        let p = page(
            r#"{"errcode":"0","external_contact":{"external_userid":"wmABCDEF",
                "type":"2","gender":"2"},
              "follow_user":[{"userid":"zhangsan","createtime":"1525779812","add_way":"201",
                "tags":[{"group_name":"g","tag_name":"t","type":"1","tag_id":"etX1"}],
                "remark_mobiles":[13800000001]}]}"#,
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.customer.kind, CustomerKind::Wecom);
        assert_eq!(p.customer.gender, Gender::Female);
        let u = &p.customer.follow_users[0];
        assert_eq!(u.created_at, Some(1525779812));
        assert_eq!(u.add_way, AddWay::InternalShare);
        assert_eq!(u.tags[0].kind, TagKind::Corp);
        assert_eq!(u.remark_mobiles, vec!["13800000001"]);
    }

    #[test]
    fn missing_arrays_and_fields() {
        let p = page(r#"{"external_contact":{"external_userid":"wmABCDEF"}}"#);
        assert!(p.warnings.is_empty());
        assert!(p.customer.follow_users.is_empty());
        assert!(p.customer.attrs.is_empty());
        assert_eq!(p.next_cursor, None);
    }

    #[test]
    fn empty_next_cursor_means_last_page() {
        let p = page(r#"{"external_contact":{"external_userid":"wmABCDEF"},"next_cursor":""}"#);
        assert_eq!(p.next_cursor, None);
    }

    #[test]
    fn wechat_customer_without_profile() {
        let p = page(
            r#"{"errcode":0,"errmsg":"ok","external_contact":{
                "external_userid":"wmqfasd1e1927831123109rBAAAA","name":"王五",
                "avatar":"http://wx.qlogo.cn/mmhead/x/0","type":1,"gender":2,
                "unionid":"ozynqsulJFCZ2z1aYeS8h-nuasdAAA"},
              "follow_user":[{"userid":"rocky","createtime":1525779812,"add_way":1}]}"#,
        );
        let c = &p.customer;
        assert_eq!(c.kind, CustomerKind::Wechat);
        assert_eq!(c.corp_name, None);
        assert!(c.attrs.is_empty());
        assert_eq!(c.follow_users[0].add_way, AddWay::QrCode);
    }

    #[test]
    fn add_way_8_is_the_third_party_app_service_not_pre_sales() {
        let eight = AddWay::from_code(8);
        assert_eq!(eight, AddWay::ThirdPartyAppService);
        assert_eq!(eight.label().zh, "安装第三方应用时自动添加的客服人员");
        assert_eq!(AddWay::from_code(21).label().zh, "第三方售前客服");
    }

    #[test]
    fn add_way_as_a_string_is_read() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"a","add_way":"202"}]}"#,
        );
        assert_eq!(p.customer.follow_users[0].add_way, AddWay::AdminAssignment);
    }

    #[test]
    fn unknown_add_way_keeps_its_number() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"a","add_way":99}]}"#,
        );
        let way = p.customer.follow_users[0].add_way;
        assert_eq!(way, AddWay::Other(99));
        assert_eq!(way.code(), 99);
        assert_eq!(way.label().en, "unknown (99)");
        assert!(way.label().zh.contains("99"));
    }

    #[test]
    fn add_way_table_round_trips() {
        for code in [
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 24, 201, 202,
        ] {
            let way = AddWay::from_code(code);
            assert!(!matches!(way, AddWay::Other(_)), "{code}");
            assert_eq!(way.code(), code);
        }
        assert_eq!(ADD_WAYS.len(), 24);
        for (i, (code, way, ..)) in ADD_WAYS.iter().enumerate() {
            assert!(
                ADD_WAYS[i + 1..]
                    .iter()
                    .all(|r| r.0 != *code && r.1 != *way),
                "{code} twice"
            );
        }
        for gap in [19, 20, 23, 25, 200, 203, -1] {
            assert_eq!(AddWay::from_code(gap), AddWay::Other(gap));
            assert_eq!(
                AddWay::from_code(gap).label().en,
                format!("unknown ({gap})")
            );
        }
        assert_eq!(AddWay::QrCode.label().zh, "扫描二维码");
        assert_eq!(AddWay::AdminAssignment.label().zh, "管理员/负责人分配");
        assert_eq!(
            AddWay::WechatFriendWecom.label().zh,
            "添加微信好友对应的企业微信"
        );
    }

    /// Every code's words, against the table of wecom:92114 (来源定义), so a
    /// label moved onto the wrong code fails here.
    #[test]
    fn every_add_way_code_has_the_documented_words() {
        let expected: &[(i64, &str, &str)] = &[
            (0, "未知来源", "unknown"),
            (1, "扫描二维码", "scanned a QR code"),
            (2, "搜索手机号", "mobile number search"),
            (3, "名片分享", "shared business card"),
            (4, "群聊", "group chat"),
            (5, "手机通讯录", "phone contacts"),
            (6, "微信联系人", "WeChat contacts"),
            (7, "来自微信的添加好友申请", "a friend request from WeChat"),
            (
                8,
                "安装第三方应用时自动添加的客服人员",
                "customer service added with a third-party app",
            ),
            (9, "搜索邮箱", "email search"),
            (10, "视频号添加", "WeChat Channels"),
            (11, "日程参与人", "schedule attendee"),
            (12, "会议参与人", "meeting attendee"),
            (
                13,
                "添加微信好友对应的企业微信",
                "WeCom account of a WeChat friend",
            ),
            (14, "智能硬件专属客服", "smart hardware service"),
            (15, "上门服务客服", "on-site service"),
            (16, "获客链接", "customer acquisition link"),
            (17, "定制开发", "custom development"),
            (18, "需求回复", "a demand reply"),
            (21, "第三方售前客服", "third-party pre-sales service"),
            (22, "可能的商务伙伴", "a possible business partner"),
            (
                24,
                "微信账号收到的好友申请",
                "a friend request to a WeChat account",
            ),
            (201, "内部成员共享", "shared by a colleague"),
            (202, "管理员/负责人分配", "assigned by an admin or manager"),
        ];
        assert_eq!(expected.len(), ADD_WAYS.len());
        for (code, zh, en) in expected {
            let label = AddWay::from_code(*code).label();
            assert_eq!((label.zh.as_str(), label.en.as_str()), (*zh, *en), "{code}");
        }
        // No known code falls back to the neutral label.
        for (code, ..) in expected {
            assert!(
                !AddWay::from_code(*code).label().zh.starts_with("未知 ("),
                "{code}"
            );
        }
    }

    #[test]
    fn unknown_tag_type_is_kept() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"a","tags":[
                {"group_name":"规则","tag_name":"高价值","type":3,"tag_id":"stXYZ"}]}]}"#,
        );
        let tag = &p.customer.follow_users[0].tags[0];
        assert_eq!(tag.kind, TagKind::Unknown(3));
        assert_eq!(tag.tag_name, "高价值");
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn corp_tag_with_bad_id_is_dropped_with_warning() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"a","tags":[
                {"group_name":"g","tag_name":"t","type":1,"tag_id":"bogus"},
                {"group_name":"g","tag_name":"t2","type":1},
                {"group_name":"g","tag_name":"ok","type":1,"tag_id":"etOK"}]}]}"#,
        );
        let tags = &p.customer.follow_users[0].tags;
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].tag_name, "ok");
        assert_eq!(codes(&p.warnings), vec!["bad_tag_id", "bad_tag_id"]);
        assert_eq!(p.warnings[0].path, "follow_user[0].tags[0].tag_id");
    }

    #[test]
    fn tag_without_type_is_inferred() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"a","tags":[
                {"group_name":"g","tag_name":"corp","tag_id":"etA"},
                {"group_name":"g","tag_name":"mine"}]}]}"#,
        );
        let tags = &p.customer.follow_users[0].tags;
        assert_eq!(tags[0].kind, TagKind::Corp);
        assert_eq!(tags[1].kind, TagKind::Personal);
    }

    #[test]
    fn bad_follow_user_is_dropped_with_warning() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"张三"},{"remark":"no id"},"junk",null,{"userid":"ok"}]}"#,
        );
        assert_eq!(p.customer.follow_users.len(), 1);
        assert_eq!(p.customer.follow_users[0].userid.as_str(), "ok");
        assert_eq!(
            codes(&p.warnings),
            vec![
                "bad_follow_userid",
                "bad_follow_userid",
                "item_not_object",
                "item_not_object"
            ]
        );
        assert_eq!(p.warnings[0].path, "follow_user[0].userid");
        assert!(p.warnings[0].message().en.contains("invalid"));
        assert_eq!(p.warnings[2].path, "follow_user[2]");
    }

    #[test]
    fn duplicate_follow_user_in_a_page_is_dropped() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"Rocky","remark":"first"},{"userid":"rocky","remark":"second"}]}"#,
        );
        assert_eq!(p.customer.follow_users.len(), 1);
        assert_eq!(p.customer.follow_users[0].remark, "first");
        assert_eq!(codes(&p.warnings), vec!["duplicate_follow_user"]);
    }

    #[test]
    fn follow_user_as_lone_object_is_accepted() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},"follow_user":{"userid":"a"}}"#,
        );
        assert_eq!(p.customer.follow_users.len(), 1);
    }

    #[test]
    fn bad_attrs_are_dropped_with_warnings() {
        let p = page(
            r#"{"external_contact":{"external_userid":"woABCDEF","type":2,
                "external_profile":{"external_attr":[
                  {"type":7,"name":"x"},
                  {"type":1,"name":"no web"},
                  3,
                  {"name":"inferred","text":{"value":"v"}}]}}}"#,
        );
        assert_eq!(
            codes(&p.warnings),
            vec!["unknown_attr_type", "missing_attr_body", "item_not_object"]
        );
        assert_eq!(
            p.customer.attrs,
            vec![ExternalAttr::Text {
                name: "inferred".into(),
                value: "v".into()
            }]
        );
    }

    #[test]
    fn mobiles_skip_blanks_and_warn_on_non_text() {
        let p = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF"},
              "follow_user":[{"userid":"a","remark_mobiles":[""," 138 ",null,{"x":1}]}]}"#,
        );
        assert_eq!(p.customer.follow_users[0].remark_mobiles, vec!["138"]);
        assert_eq!(codes(&p.warnings), vec!["bad_mobile_item"]);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let p = page(
            r#"{"errcode":0,"new_top":1,"external_contact":{"external_userid":"wmABCDEF",
                "new_field":{"a":[1]}},"follow_user":[{"userid":"a","wechat_channels":{}}]}"#,
        );
        assert!(p.warnings.is_empty());
        assert_eq!(p.customer.follow_users.len(), 1);
    }

    #[test]
    fn wecom_error_84061() {
        let e =
            parse_get_response(r#"{"errcode":84061,"errmsg":"not external contact"}"#).unwrap_err();
        assert_eq!(
            e,
            CustomerError::Wecom {
                errcode: 84061,
                errmsg: "not external contact".into()
            }
        );
        assert_eq!(e.code(), "wecom_not_a_customer");
        assert!(e.message().zh.contains("不是此成员的客户"));
        assert!(e.message().en.contains("84061"));
    }

    #[test]
    fn unreadable_errcode_is_an_error_not_a_customer() {
        let e = parse_get_response(
            r#"{"errcode":"oops","errmsg":"?","external_contact":{"external_userid":"wmABCDEF"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            CustomerError::Wecom {
                errcode: -1,
                errmsg: "?".into()
            }
        );
    }

    #[test]
    fn wecom_error_checked_before_contact() {
        // 60011 arrives with an empty external_contact object.
        let e = parse_get_response(
            r#"{"errcode":"60011","errmsg":"no privilege, hint: [x], from ip: 1.2.3.4",
                "external_contact":{},"follow_user":[]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "wecom_no_privilege");
    }

    #[test]
    fn wecom_error_codes_are_distinct() {
        let code = |n: i64| {
            CustomerError::Wecom {
                errcode: n,
                errmsg: String::new(),
            }
            .code()
        };
        assert_eq!(code(40096), "wecom_invalid_external_userid");
        assert_eq!(code(48002), "wecom_api_forbidden");
        assert_eq!(code(42001), "wecom_token_expired");
        assert_eq!(code(45009), "wecom_rate_limited");
        assert_eq!(code(12345), "wecom_error");
        let m = errcodes::message(48002, "api forbidden");
        assert!(m.en.contains("secret"), "{}", m.en);
    }

    #[test]
    fn unknown_wecom_error_shows_errmsg_without_hint() {
        let e = CustomerError::Wecom {
            errcode: 40058,
            errmsg: "invalid parameter, hint: [123], from ip: 1.2.3.4".into(),
        };
        let m = e.message();
        assert!(
            m.en.contains("40058") && m.en.contains("invalid parameter"),
            "{}",
            m.en
        );
        assert!(!m.en.contains("from ip"), "{}", m.en);
        assert_eq!(m.zh, "企业微信返回错误（代码 40058）");
        assert_eq!(e.next_step(), None);
        let forbidden = CustomerError::Wecom {
            errcode: 48002,
            errmsg: "api forbidden".into(),
        };
        assert!(forbidden.next_step().unwrap().zh.contains("管理员"));
    }

    #[test]
    fn bad_json_is_an_error() {
        let e = parse_get_response("{not json").unwrap_err();
        assert_eq!(e.code(), "bad_json");
        assert!(e.message().en.contains("not valid JSON"));
        // The parser's English words stay out of the Chinese text.
        assert_eq!(e.message().zh, "服务器返回的客户数据无法识别");
        assert_eq!(parse_get_response("").unwrap_err().code(), "bad_json");
        assert_eq!(parse_get_response("[1,2]").unwrap_err().code(), "bad_json");
        assert_eq!(parse_get_response("null").unwrap_err().code(), "bad_json");
    }

    #[test]
    fn missing_customer_is_an_error() {
        let e = parse_get_response(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap_err();
        assert_eq!(e, CustomerError::MissingCustomer);
        assert_eq!(e.code(), "missing_customer");
        let e = parse_get_response(r#"{"errcode":0,"external_contact":null}"#).unwrap_err();
        assert_eq!(e, CustomerError::MissingCustomer);
        let e = parse_get_response(r#"{"errcode":0,"external_contact":"wmABC"}"#).unwrap_err();
        assert_eq!(e, CustomerError::MissingCustomer);
    }

    #[test]
    fn invalid_customer_id_is_an_error() {
        let e = parse_get_response(r#"{"external_contact":{}}"#).unwrap_err();
        assert_eq!(e.code(), "bad_customer_id");
        let e =
            parse_get_response(r#"{"external_contact":{"external_userid":"zz123"}}"#).unwrap_err();
        assert!(matches!(
            e,
            CustomerError::BadCustomerId(IdError::BadPrefix { .. })
        ));
        assert!(e.message().en.contains("external_userid"));
        assert!(
            !e.message()
                .zh
                .chars()
                .any(|c| c.is_ascii_alphabetic() && c != 'I' && c != 'D'),
            "{}",
            e.message().zh
        );
    }

    #[test]
    fn merges_a_later_page() {
        let mut first = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF","name":"A"},
              "follow_user":[{"userid":"rocky"},{"userid":"tommy"}],"next_cursor":"C1"}"#,
        );
        let second = page(
            r#"{"external_contact":{"external_userid":"wmABCDEF","name":"changed"},
              "follow_user":[{"userid":"ROCKY"},{"userid":"lisi"},{"userid":"bad id"}]}"#,
        );
        assert_eq!(first.next_cursor.as_deref(), Some("C1"));
        assert_eq!(second.next_cursor, None);
        let warnings = merge_page(&mut first.customer, second);
        let ids: Vec<&str> = first
            .customer
            .follow_users
            .iter()
            .map(|u| u.userid.as_str())
            .collect();
        assert_eq!(ids, vec!["rocky", "tommy", "lisi"]);
        assert_eq!(
            first.customer.name, "A",
            "first page's customer fields are kept"
        );
        assert_eq!(
            codes(&warnings),
            vec!["bad_follow_userid", "duplicate_follow_user"]
        );
    }

    #[test]
    fn merge_refuses_another_customers_page() {
        let mut first = page(r#"{"external_contact":{"external_userid":"wmAAAA"}}"#);
        let other = page(
            r#"{"external_contact":{"external_userid":"wmBBBB"},"follow_user":[{"userid":"x"}]}"#,
        );
        let warnings = merge_page(&mut first.customer, other);
        assert!(first.customer.follow_users.is_empty());
        assert_eq!(codes(&warnings), vec!["page_of_other_customer"]);
    }
}
