//! Corp tags: the corp tag list, tag groups for display, and tag edits for
//! `externalcontact/mark_tag`.

use crate::support::locale::{Locale, Localized};
use crate::support::sorted_map::SortedSet;
use crate::wecom::customer::{FollowTag, ParseProblem, ParseWarning, TagKind};
use crate::wecom::errcodes;
use crate::wecom::ids::{ExternalUserId, TagId, UserId};
use crate::wecom::lenient::{self, Record};
use serde::Serialize;
use serde_json::{json, Value};
use std::cmp::Reverse;

/// A member may put at most this many tags on one customer (wecom:92697,
/// `externalcontact/mark_tag`).
pub const MAX_TAGS_PER_CUSTOMER: usize = 3000;

// ---------------------------------------------------------------------------
// The corp tag list (`externalcontact/get_corp_tag_list`)
// ---------------------------------------------------------------------------

/// A live (not deleted) corp tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpTag {
    pub id: TagId,
    pub name: String,
    pub create_time: Option<i64>,
    pub order: i64,
}

/// A live tag group with its live tags, sorted by `order`, larger first (as
/// the WeCom admin console shows them); equal orders keep response order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpTagGroup {
    pub group_id: String,
    pub group_name: String,
    pub create_time: Option<i64>,
    pub order: i64,
    pub tags: Vec<CorpTag>,
}

/// The corp's tag library. Deleted groups and tags are skipped; groups are
/// sorted like their tags (larger `order` first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CorpTagList {
    pub groups: Vec<CorpTagGroup>,
    /// Items that were dropped (a tag without a valid id, a non-object…).
    pub warnings: Vec<ParseWarning>,
}

impl CorpTagList {
    /// The group and the tag with this id.
    pub fn find(&self, id: &TagId) -> Option<(&CorpTagGroup, &CorpTag)> {
        self.groups
            .iter()
            .find_map(|g| g.tags.iter().find(|t| &t.id == id).map(|t| (g, t)))
    }

    pub fn contains(&self, id: &TagId) -> bool {
        self.find(id).is_some()
    }

    /// (group index, tag index) of a tag, in display order.
    fn position(&self, id: &TagId) -> Option<(usize, usize)> {
        self.groups
            .iter()
            .enumerate()
            .find_map(|(gi, g)| g.tags.iter().position(|t| &t.id == id).map(|ti| (gi, ti)))
    }
}

/// Why a corp tag list response could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagListError {
    /// Not JSON, or not a JSON object.
    BadJson { detail: String },
    /// WeCom answered with an error code.
    Wecom { errcode: i64, errmsg: String },
}

impl TagListError {
    pub fn code(&self) -> &'static str {
        match self {
            TagListError::BadJson { .. } => "bad_json",
            TagListError::Wecom { errcode, .. } => errcodes::code(*errcode),
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            TagListError::BadJson { detail } => Localized::new(
                // The parser's words are English: in English only.
                "服务器返回的企业标签数据无法识别".to_owned(),
                format!("The corp tag list is not valid JSON: {detail}"),
            ),
            TagListError::Wecom { errcode, errmsg } => errcodes::message(*errcode, errmsg),
        }
    }
}

struct RawGroup {
    group_id: Option<String>,
    group_name: Option<String>,
    create_time: Option<i64>,
    order: Option<i64>,
    deleted: Option<bool>,
    tag: Vec<Value>,
}

impl RawGroup {
    fn read(mut r: Record) -> Self {
        RawGroup {
            group_id: r.string("group_id"),
            group_name: r.string("group_name"),
            create_time: r.int("create_time"),
            order: r.int("order"),
            deleted: r.boolean("deleted"),
            tag: r.items("tag"),
        }
    }
}

struct RawCorpTag {
    id: Option<String>,
    name: Option<String>,
    create_time: Option<i64>,
    order: Option<i64>,
    deleted: Option<bool>,
}

impl RawCorpTag {
    fn read(mut r: Record) -> Self {
        RawCorpTag {
            id: r.string("id"),
            name: r.string("name"),
            create_time: r.int("create_time"),
            order: r.int("order"),
            deleted: r.boolean("deleted"),
        }
    }
}

/// Parses `externalcontact/get_corp_tag_list`.
pub fn parse_corp_tag_list(json: &str) -> Result<CorpTagList, TagListError> {
    let top = lenient::object(json).map_err(|detail| TagListError::BadJson { detail })?;
    if let Some((errcode, errmsg)) = lenient::wecom_error(&top) {
        return Err(TagListError::Wecom { errcode, errmsg });
    }
    let Some(mut top) = Record::of(top) else {
        return Err(TagListError::BadJson {
            detail: "the top level is not a JSON object".to_owned(),
        });
    };
    let mut warnings = Vec::new();
    let mut groups = Vec::new();
    for (i, item) in top.items("tag_group").into_iter().enumerate() {
        let path = format!("tag_group[{i}]");
        let Some(group) = Record::of(item).map(RawGroup::read) else {
            warnings.push(ParseWarning {
                path,
                problem: ParseProblem::NotAnObject,
            });
            continue;
        };
        if group.deleted == Some(true) {
            continue;
        }
        let mut tags = Vec::new();
        for (j, item) in group.tag.into_iter().enumerate() {
            let tag_path = format!("{path}.tag[{j}]");
            let Some(tag) = Record::of(item).map(RawCorpTag::read) else {
                warnings.push(ParseWarning {
                    path: tag_path,
                    problem: ParseProblem::NotAnObject,
                });
                continue;
            };
            if tag.deleted == Some(true) {
                continue;
            }
            match TagId::parse(tag.id.as_deref().unwrap_or("").trim()) {
                Ok(id) => tags.push(CorpTag {
                    id,
                    name: tag.name.unwrap_or_default(),
                    create_time: tag.create_time,
                    order: tag.order.unwrap_or(0),
                }),
                Err(e) => warnings.push(ParseWarning {
                    path: format!("{tag_path}.id"),
                    problem: ParseProblem::BadTagId(e),
                }),
            }
        }
        crate::support::sorting::sort_by_key(&mut tags, |t| Reverse(t.order));
        groups.push(CorpTagGroup {
            group_id: group.group_id.unwrap_or_default(),
            group_name: group.group_name.unwrap_or_default(),
            create_time: group.create_time,
            order: group.order.unwrap_or(0),
            tags,
        });
    }
    crate::support::sorting::sort_by_key(&mut groups, |g| Reverse(g.order));
    Ok(CorpTagList { groups, warnings })
}

// ---------------------------------------------------------------------------
// Tags grouped for display
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum TagViewKind {
    Corp,
    Personal,
    Unknown,
}

impl From<TagKind> for TagViewKind {
    fn from(kind: TagKind) -> Self {
        match kind {
            TagKind::Corp => TagViewKind::Corp,
            TagKind::Personal => TagViewKind::Personal,
            TagKind::Unknown(_) => TagViewKind::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    /// The corp tag id; `null` for personal tags.
    pub id: Option<String>,
    pub name: String,
    pub kind: TagViewKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagGroupView {
    pub group: String,
    pub tags: Vec<TagView>,
}

/// A follow user's tags grouped by group name, for display.
///
/// With the corp tag list, corp tags found in it take the list's current
/// group and tag names (a tag renamed since is shown with its new name)
/// and come first, in the list's order. Every other tag (personal, unknown
/// kind, or a corp tag the list does not know) keeps the names from the
/// customer response and follows, in the order it appeared. Groups with the
/// same name are shown as one; an empty group name shows as "未分组".
pub fn group_follow_tags(
    tags: &[FollowTag],
    corp_tags: Option<&CorpTagList>,
    locale: Locale,
) -> Vec<TagGroupView> {
    let fallback = Localized::new("未分组", "Ungrouped");
    let mut groups: Vec<GroupAcc> = Vec::new();

    for (i, tag) in tags.iter().enumerate() {
        let known = match (corp_tags, &tag.tag_id) {
            (Some(list), Some(id)) => list.position(id).and_then(|(gi, ti)| {
                let group = list.groups.get(gi)?;
                let corp_tag = group.tags.get(ti)?;
                Some(((0, gi), (0, ti), &group.group_name, &corp_tag.name))
            }),
            _ => None,
        };
        let (group_rank, tag_rank, group_name, tag_name) =
            known.unwrap_or(((1, i), (1, i), &tag.group_name, &tag.tag_name));
        let group_name = match group_name.trim() {
            "" => fallback.get(locale).to_owned(),
            name => name.to_owned(),
        };
        let view = TagView {
            id: tag.tag_id.as_ref().map(|id| id.as_str().to_owned()),
            name: tag_name.clone(),
            kind: tag.kind.into(),
        };
        match groups.iter_mut().find(|g| g.name == group_name) {
            Some(g) => {
                g.rank = g.rank.min(group_rank);
                if !g.tags.iter().any(|(_, v)| *v == view) {
                    g.tags.push((tag_rank, view));
                }
            }
            None => groups.push(GroupAcc {
                rank: group_rank,
                name: group_name,
                tags: vec![(tag_rank, view)],
            }),
        }
    }

    crate::support::sorting::sort_by_key(&mut groups, |g| g.rank);
    groups
        .into_iter()
        .map(|mut g| {
            crate::support::sorting::sort_by_key(&mut g.tags, |(rank, _)| *rank);
            TagGroupView {
                group: g.name,
                tags: g.tags.into_iter().map(|(_, v)| v).collect(),
            }
        })
        .collect()
}

/// Display order: (0, index in the corp list) before (1, order of appearance).
type Rank = (u8, usize);

/// A display group being collected by [`group_follow_tags`].
struct GroupAcc {
    rank: Rank,
    name: String,
    tags: Vec<(Rank, TagView)>,
}

// ---------------------------------------------------------------------------
// Tag edits (`externalcontact/mark_tag`)
// ---------------------------------------------------------------------------

/// Why a tag edit is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEditError {
    /// The tag is not (or no longer) in the corp tag library.
    NotInCorpList { id: TagId },
    /// The customer would carry more than [`MAX_TAGS_PER_CUSTOMER`] tags.
    TooMany { max: usize, would_have: usize },
    /// The same tag was asked to be both added and removed.
    AddAndRemove { id: TagId },
}

impl TagEditError {
    pub fn code(&self) -> &'static str {
        match self {
            TagEditError::NotInCorpList { .. } => "tag_not_in_corp_list",
            TagEditError::TooMany { .. } => "too_many_tags",
            TagEditError::AddAndRemove { .. } => "tag_add_and_remove",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            TagEditError::NotInCorpList { id } => Localized::new(
                format!("标签 {id} 不在企业标签库中（可能已被删除），请刷新标签列表"),
                format!(
                    "Tag {id} is not in the corp tag library (it may have been deleted); \
                     refresh the tag list"
                ),
            ),
            TagEditError::TooMany { max, would_have } => Localized::new(
                format!("一个客户最多只能有 {max} 个标签，此操作后将有 {would_have} 个"),
                format!("A customer can have at most {max} tags; this would make {would_have}"),
            ),
            TagEditError::AddAndRemove { id } => Localized::new(
                format!("标签 {id} 不能同时添加和移除"),
                format!("Tag {id} cannot be both added and removed"),
            ),
        }
    }
}

/// Tags to add to and remove from a customer, kept minimal: an added tag is
/// one the customer does not have, a removed tag is one it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagEdit {
    add: SortedSet<TagId>,
    remove: SortedSet<TagId>,
}

/// The ids of the tags a follow user has put on the customer.
fn current_ids(current: &[FollowTag]) -> SortedSet<&TagId> {
    current.iter().filter_map(|t| t.tag_id.as_ref()).collect()
}

impl TagEdit {
    pub fn new() -> Self {
        TagEdit::default()
    }

    /// Builds the edit for the requested lists, against the follow user's
    /// `current` tags and the corp tag library. Adding a tag the customer
    /// has, or removing one it has not, is a no-op; adding a tag outside the
    /// library, asking for the same tag in both lists, or going over
    /// [`MAX_TAGS_PER_CUSTOMER`] is an error.
    pub fn plan(
        current: &[FollowTag],
        corp: &CorpTagList,
        add: impl IntoIterator<Item = TagId>,
        remove: impl IntoIterator<Item = TagId>,
    ) -> Result<TagEdit, TagEditError> {
        let add: SortedSet<TagId> = add.into_iter().collect();
        let remove: SortedSet<TagId> = remove.into_iter().collect();
        if let Some(id) = add.iter().find(|id| remove.contains(*id)) {
            return Err(TagEditError::AddAndRemove { id: id.clone() });
        }
        let mut edit = TagEdit::new();
        for id in remove {
            edit.remove(id, current);
        }
        for id in &add {
            if !corp.contains(id) {
                return Err(TagEditError::NotInCorpList { id: id.clone() });
            }
        }
        let have = current_ids(current);
        edit.add = add.into_iter().filter(|id| !have.contains(id)).collect();
        edit.check_cap(current)?;
        Ok(edit)
    }

    /// Adds one tag. A tag the customer already has only cancels a pending
    /// removal of it.
    pub fn add(
        &mut self,
        id: TagId,
        current: &[FollowTag],
        corp: &CorpTagList,
    ) -> Result<(), TagEditError> {
        if !corp.contains(&id) {
            return Err(TagEditError::NotInCorpList { id });
        }
        if self.remove.remove(&id) || current_ids(current).contains(&id) {
            return Ok(());
        }
        self.add.insert(id.clone());
        if let Err(e) = self.check_cap(current) {
            self.add.remove(&id);
            return Err(e);
        }
        Ok(())
    }

    /// Removes one tag. A tag the customer does not have only cancels a
    /// pending addition of it.
    pub fn remove(&mut self, id: TagId, current: &[FollowTag]) {
        if self.add.remove(&id) {
            return;
        }
        if current_ids(current).contains(&id) {
            self.remove.insert(id);
        }
    }

    pub fn to_add(&self) -> &SortedSet<TagId> {
        &self.add
    }

    pub fn to_remove(&self) -> &SortedSet<TagId> {
        &self.remove
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    /// How many tags (with ids) the customer would have after the edit.
    pub fn count_after(&self, current: &[FollowTag]) -> usize {
        let have = current_ids(current);
        let kept = have.iter().filter(|id| !self.remove.contains(**id)).count();
        let added = self.add.iter().filter(|id| !have.contains(id)).count();
        kept + added
    }

    fn check_cap(&self, current: &[FollowTag]) -> Result<(), TagEditError> {
        let would_have = self.count_after(current);
        if would_have > MAX_TAGS_PER_CUSTOMER {
            return Err(TagEditError::TooMany {
                max: MAX_TAGS_PER_CUSTOMER,
                would_have,
            });
        }
        Ok(())
    }

    /// The `externalcontact/mark_tag` body, or `None` when there is nothing
    /// to change (WeCom refuses two empty lists).
    pub fn to_mark_tag_body(
        &self,
        userid: &UserId,
        external_userid: &ExternalUserId,
    ) -> Option<Value> {
        if self.is_empty() {
            return None;
        }
        let add: Vec<&str> = self.add.iter().map(|id| id.as_str()).collect();
        let remove: Vec<&str> = self.remove.iter().map(|id| id.as_str()).collect();
        Some(json!({
            "userid": userid.as_str(),
            "external_userid": external_userid.as_str(),
            "add_tag": add,
            "remove_tag": remove,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG_LIST: &str = r#"{
        "errcode": 0,
        "errmsg": "ok",
        "tag_group": [
            {
                "group_id": "etGROUP1", "group_name": "客户等级", "create_time": 1557838797,
                "order": 1, "deleted": false,
                "tag": [
                    {"id": "etVIP", "name": "VIP", "create_time": 1557838797, "order": 1,
                     "deleted": false},
                    {"id": "etNORMAL", "name": "普通", "create_time": "1557838797", "order": 2},
                    {"id": "etGONE", "name": "已删", "order": 3, "deleted": true}
                ]
            },
            {
                "group_id": "etGROUP2", "group_name": "来源", "order": "5",
                "tag": [{"id": "etWEB", "name": "官网", "order": 0}]
            },
            {
                "group_id": "etGROUP3", "group_name": "旧分组", "order": 9, "deleted": 1,
                "tag": [{"id": "etOLD", "name": "旧"}]
            }
        ]
    }"#;

    fn list() -> CorpTagList {
        parse_corp_tag_list(TAG_LIST).unwrap()
    }

    fn id(s: &str) -> TagId {
        TagId::parse(s).unwrap()
    }

    fn corp(group: &str, name: &str, tag_id: &str) -> FollowTag {
        FollowTag {
            group_name: group.into(),
            tag_name: name.into(),
            kind: TagKind::Corp,
            tag_id: Some(id(tag_id)),
        }
    }

    fn personal(group: &str, name: &str) -> FollowTag {
        FollowTag {
            group_name: group.into(),
            tag_name: name.into(),
            kind: TagKind::Personal,
            tag_id: None,
        }
    }

    #[test]
    fn parses_and_sorts_corp_tag_list() {
        let l = list();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        let names: Vec<&str> = l.groups.iter().map(|g| g.group_name.as_str()).collect();
        assert_eq!(
            names,
            vec!["来源", "客户等级"],
            "larger order first; deleted group skipped"
        );
        let tags: Vec<&str> = l.groups[1].tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, vec!["普通", "VIP"], "deleted tag skipped");
        assert_eq!(l.groups[1].tags[0].create_time, Some(1557838797));
        assert_eq!(l.groups[0].group_id, "etGROUP2");
        assert!(l.contains(&id("etVIP")));
        assert!(!l.contains(&id("etGONE")));
        assert!(!l.contains(&id("etOLD")));
        let (g, t) = l.find(&id("etWEB")).unwrap();
        assert_eq!((g.group_name.as_str(), t.name.as_str()), ("来源", "官网"));
    }

    #[test]
    fn corp_tag_list_drops_bad_items_with_warnings() {
        let l = parse_corp_tag_list(
            r#"{"errcode":0,"tag_group":[
                "junk",
                {"group_name":"g","tag":[{"id":"TAG_ID1","name":"x"},7,{"name":"no id"},
                  {"id":"etOK","name":"ok"}]}]}"#,
        )
        .unwrap();
        let codes: Vec<&str> = l.warnings.iter().map(|w| w.code()).collect();
        assert_eq!(
            codes,
            vec![
                "item_not_object",
                "bad_tag_id",
                "item_not_object",
                "bad_tag_id"
            ]
        );
        assert_eq!(l.warnings[1].path, "tag_group[1].tag[0].id");
        assert_eq!(l.groups.len(), 1);
        assert_eq!(l.groups[0].tags.len(), 1);
    }

    #[test]
    fn corp_tag_list_missing_or_null_groups() {
        assert!(parse_corp_tag_list(r#"{"errcode":0}"#)
            .unwrap()
            .groups
            .is_empty());
        let l = parse_corp_tag_list(r#"{"tag_group":null}"#).unwrap();
        assert!(l.groups.is_empty() && l.warnings.is_empty());
        let l = parse_corp_tag_list(r#"{"tag_group":[{"group_name":"g","tag":null}]}"#).unwrap();
        assert!(l.groups[0].tags.is_empty());
    }

    #[test]
    fn corp_tag_list_errors() {
        let e = parse_corp_tag_list(r#"{"errcode":48002,"errmsg":"api forbidden"}"#).unwrap_err();
        assert_eq!(e.code(), "wecom_api_forbidden");
        assert!(e.message().en.contains("secret"));
        let e = parse_corp_tag_list("not json").unwrap_err();
        assert_eq!(e.code(), "bad_json");
        assert!(e.message().en.contains("JSON"), "{}", e.message().en);
        // The parser's English words stay out of the Chinese text.
        assert_eq!(e.message().zh, "服务器返回的企业标签数据无法识别");
        assert_eq!(parse_corp_tag_list("[]").unwrap_err().code(), "bad_json");
    }

    #[test]
    fn groups_without_corp_list_in_appearance_order() {
        let tags = vec![
            corp("等级", "VIP", "etVIP"),
            personal("我的", "熟人"),
            corp("等级", "老客户", "etOLDC"),
            personal("", "无组"),
        ];
        let groups = group_follow_tags(&tags, None, Locale::Zh);
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.group.as_str(),
                    g.tags.iter().map(|t| t.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("等级", vec!["VIP", "老客户"]),
                ("我的", vec!["熟人"]),
                ("未分组", vec!["无组"]),
            ]
        );
        assert_eq!(groups[0].tags[0].id.as_deref(), Some("etVIP"));
        assert_eq!(groups[0].tags[0].kind, TagViewKind::Corp);
        assert_eq!(groups[1].tags[0].id, None);
        assert_eq!(groups[1].tags[0].kind, TagViewKind::Personal);
        assert_eq!(
            group_follow_tags(&tags, None, Locale::En)[2].group,
            "Ungrouped"
        );
    }

    #[test]
    fn groups_follow_corp_list_order_and_names() {
        let tags = vec![
            personal("我的", "熟人"),
            corp("旧组名", "VIP-old", "etVIP"),
            corp("来源", "官网", "etWEB"),
            corp("客户等级", "普通", "etNORMAL"),
            corp("外部", "未知标签", "etUNLISTED"),
        ];
        let groups = group_follow_tags(&tags, Some(&list()), Locale::Zh);
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.group.as_str(),
                    g.tags.iter().map(|t| t.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("来源", vec!["官网"]),
                ("客户等级", vec!["普通", "VIP"]),
                ("我的", vec!["熟人"]),
                ("外部", vec!["未知标签"]),
            ]
        );
    }

    #[test]
    fn unknown_tag_kind_shows_as_unknown() {
        let tags = vec![FollowTag {
            group_name: "规则".into(),
            tag_name: "高价值".into(),
            kind: TagKind::Unknown(3),
            tag_id: None,
        }];
        let groups = group_follow_tags(&tags, None, Locale::Zh);
        assert_eq!(groups[0].tags[0].kind, TagViewKind::Unknown);
        let json = serde_json::to_value(&groups).unwrap();
        assert_eq!(
            json,
            json!([{"group": "规则", "tags": [{"id": null, "name": "高价值", "kind": "unknown"}]}])
        );
    }

    #[test]
    fn plan_adds_and_removes_minimally() {
        let current = vec![corp("客户等级", "VIP", "etVIP"), personal("我的", "熟人")];
        let edit = TagEdit::plan(
            &current,
            &list(),
            [id("etWEB"), id("etVIP")],
            [id("etNORMAL")],
        )
        .unwrap();
        assert_eq!(edit.to_add().iter().collect::<Vec<_>>(), vec![&id("etWEB")]);
        assert!(
            edit.to_remove().is_empty(),
            "removing an absent tag is a no-op"
        );
        assert_eq!(edit.count_after(&current), 2);
    }

    #[test]
    fn plan_rejects_same_tag_in_both_lists() {
        let e = TagEdit::plan(&[], &list(), [id("etVIP")], [id("etVIP")]).unwrap_err();
        assert_eq!(e, TagEditError::AddAndRemove { id: id("etVIP") });
        assert_eq!(e.code(), "tag_add_and_remove");
    }

    #[test]
    fn plan_rejects_tag_outside_corp_list() {
        let e = TagEdit::plan(&[], &list(), [id("etNOPE")], []).unwrap_err();
        assert_eq!(e, TagEditError::NotInCorpList { id: id("etNOPE") });
        assert_eq!(e.code(), "tag_not_in_corp_list");
        assert!(e.message().en.contains("etNOPE"));
        // A deleted tag is not in the list either.
        let e = TagEdit::plan(&[], &list(), [id("etGONE")], []).unwrap_err();
        assert_eq!(e.code(), "tag_not_in_corp_list");
    }

    #[test]
    fn plan_removes_present_tag() {
        let current = vec![corp("客户等级", "VIP", "etVIP")];
        let edit = TagEdit::plan(&current, &list(), [], [id("etVIP")]).unwrap();
        assert!(edit.to_add().is_empty());
        assert!(edit.to_remove().contains(&id("etVIP")));
        assert_eq!(edit.count_after(&current), 0);
    }

    #[test]
    fn incremental_add_and_remove() {
        let current = vec![corp("客户等级", "VIP", "etVIP")];
        let l = list();
        let mut edit = TagEdit::new();
        edit.add(id("etVIP"), &current, &l).unwrap();
        assert!(edit.is_empty(), "adding a present tag is a no-op");
        edit.remove(id("etWEB"), &current);
        assert!(edit.is_empty(), "removing an absent tag is a no-op");
        edit.remove(id("etVIP"), &current);
        assert!(edit.to_remove().contains(&id("etVIP")));
        edit.add(id("etVIP"), &current, &l).unwrap();
        assert!(edit.is_empty(), "re-adding cancels the removal");
        edit.add(id("etWEB"), &current, &l).unwrap();
        assert_eq!(edit.to_add().len(), 1);
        edit.remove(id("etWEB"), &current);
        assert!(edit.is_empty(), "removing cancels the pending addition");
        assert_eq!(
            edit.add(id("etNOPE"), &current, &l),
            Err(TagEditError::NotInCorpList { id: id("etNOPE") })
        );
    }

    fn many_tags(n: usize) -> Vec<FollowTag> {
        (0..n).map(|i| corp("g", "t", &format!("etT{i}"))).collect()
    }

    #[test]
    fn cap_allows_exactly_the_maximum() {
        let current = many_tags(MAX_TAGS_PER_CUSTOMER - 1);
        let edit = TagEdit::plan(&current, &list(), [id("etWEB")], []).unwrap();
        assert_eq!(edit.count_after(&current), MAX_TAGS_PER_CUSTOMER);
    }

    #[test]
    fn cap_refuses_one_over() {
        let current = many_tags(MAX_TAGS_PER_CUSTOMER);
        let e = TagEdit::plan(&current, &list(), [id("etWEB")], []).unwrap_err();
        assert_eq!(
            e,
            TagEditError::TooMany {
                max: 3000,
                would_have: 3001
            }
        );
        assert_eq!(e.code(), "too_many_tags");
        assert!(e.message().zh.contains("3000"));
        // Removing one first makes room.
        let edit = TagEdit::plan(&current, &list(), [id("etWEB")], [id("etT0")]).unwrap();
        assert_eq!(edit.count_after(&current), MAX_TAGS_PER_CUSTOMER);
        // The incremental form refuses too and stays unchanged.
        let mut edit = TagEdit::new();
        assert!(edit.add(id("etWEB"), &current, &list()).is_err());
        assert!(edit.is_empty());
    }

    #[test]
    fn mark_tag_body() {
        let user = UserId::parse("rocky").unwrap();
        let ext = ExternalUserId::parse("wmABCDEF").unwrap();
        assert_eq!(TagEdit::new().to_mark_tag_body(&user, &ext), None);
        let current = vec![corp("客户等级", "VIP", "etVIP")];
        let edit = TagEdit::plan(
            &current,
            &list(),
            [id("etWEB"), id("etNORMAL")],
            [id("etVIP")],
        )
        .unwrap();
        assert_eq!(
            edit.to_mark_tag_body(&user, &ext),
            Some(json!({
                "userid": "rocky",
                "external_userid": "wmABCDEF",
                "add_tag": ["etNORMAL", "etWEB"],
                "remove_tag": ["etVIP"],
            }))
        );
        let only_remove = TagEdit::plan(&current, &list(), [], [id("etVIP")]).unwrap();
        let body = only_remove.to_mark_tag_body(&user, &ext).unwrap();
        assert_eq!(body["add_tag"], json!([]));
        assert_eq!(body["remove_tag"], json!(["etVIP"]));
    }
}
