//! The customer card: what the contact-profile page renders.
//!
//! The current member's own follow record comes first (`mine`); every other
//! member who follows the customer is listed under `colleagues`, oldest
//! relationship first.

use crate::card::labels::{self, CardLabels};
use crate::protocol::names::Names;
use crate::support::locale::{Locale, Localized};
use crate::wecom::customer::{Customer, CustomerKind, ExternalAttr, FollowUser};
use crate::wecom::ids::UserId;
use crate::wecom::members::PersonView;
use crate::wecom::tags::{group_follow_tags, CorpTagList, TagViewKind};
use serde::Serialize;
use std::collections::BTreeSet;

/// Tags shown per group until the rep asks for all of them.
pub const TAGS_SHOWN: usize = 6;
/// Colleagues named on the folded line until the rep asks for all of them
/// (no more than this many are shown as records, unfolded).
pub const COLLEAGUES_SHOWN: usize = 3;
/// Tag groups of my record shown until the rep asks for all of them.
pub const TAG_GROUPS_SHOWN: usize = 2;

/// What the rep unfolded on the card (kept while the card is open).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fold {
    /// Every colleague is shown.
    #[serde(default)]
    pub colleagues: bool,
    /// Tag groups (by name) shown whole.
    #[serde(default)]
    pub tag_groups: BTreeSet<String>,
    /// Every tag group of my record is shown (not only the first
    /// [`TAG_GROUPS_SHOWN`]).
    #[serde(default)]
    pub all_tag_groups: bool,
}
crate::support::stored::stored_struct!(Fold {
    colleagues: "colleagues" = default,
    tag_groups: "tagGroups" = default,
    all_tag_groups: "allTagGroups" = default
});

/// How the card is shown beyond the customer's data: what is unfolded,
/// and which of my tags wait in their undo window.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub fold: &'a Fold,
    /// Corp tag ids whose removal can still be undone.
    pub removing: &'a BTreeSet<String>,
}

/// One tag chip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CardTag {
    /// The corp tag id; `null` for personal tags.
    pub id: Option<String>,
    pub name: String,
    pub kind: TagViewKind,
    /// Removed a moment ago: the chip offers undo (`undoRemoveTag`).
    pub removing: bool,
}

/// One group of a follow record's tags, folded to [`TAGS_SHOWN`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CardTagGroup {
    pub group: String,
    /// The tags shown (the folded ones are not in the view).
    pub tags: Vec<CardTag>,
    pub total: usize,
    /// "全部 N 个" while folded (tap `expandTags` with the group's name).
    pub more: Option<String>,
    /// Shown whole, and more than fit folded: the collapse link's label.
    pub less: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    pub customer: CustomerView,
    pub attrs: Vec<AttrView>,
    /// The current member's follow record; `null` when the member does not
    /// follow this customer.
    pub mine: Option<FollowView>,
    /// The other members who follow the customer, by `createtime`
    /// ascending (unknown times last, then by userid): every one when there
    /// are no more than [`COLLEAGUES_SHOWN`] or the rep asked for all, else
    /// none (the folded line names the first few).
    pub colleagues: Vec<FollowView>,
    /// How many other members follow the customer.
    pub colleagues_total: usize,
    /// While folded, the first [`COLLEAGUES_SHOWN`] colleagues by name on
    /// one line: "李四、王五、赵六 等"; `null` otherwise.
    pub colleague_names: Option<String>,
    /// "查看全部 N 位同事" while folded (tap `expandColleagues`).
    pub colleagues_more: Option<String>,
    /// The collapse link's label while all are shown (`collapseColleagues`).
    pub colleagues_less: Option<String>,
    /// "共 N 位成员跟进该客户".
    pub follower_line: String,
    pub labels: CardLabels,
    pub follower_count: usize,
    pub not_my_customer: bool,
    /// The customer is being handed over ("交接中，24 小时后生效"), or the hand-over
    /// failed, with the reason; `null` otherwise.
    pub handover: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub external_userid: String,
    pub name: String,
    /// The picture from `externalcontact/get`; the page loads it lazily and
    /// shows `initial` instead when it fails.
    pub avatar: Option<String>,
    /// The first character of the name, for the placeholder.
    pub initial: String,
    /// `wechat`, `wecom` or `unknown`.
    pub kind: &'static str,
    /// "微信", or "企业微信 @corp" for a WeCom user.
    pub kind_label: String,
    /// The customer's own corp: full name, else short name.
    pub company: Option<String>,
    pub position: Option<String>,
    pub gender_label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum AttrKind {
    Text,
    Web,
    Miniprogram,
}

/// One profile attribute; the fields that do not apply to its kind are
/// `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AttrView {
    pub kind: AttrKind,
    pub name: String,
    pub value: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub appid: Option<String>,
    pub pagepath: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FollowView {
    pub userid: String,
    /// The member by name (or, while it is not known, in words with the
    /// userid apart).
    pub person: PersonView,
    pub remark: String,
    pub description: String,
    pub remark_corp_name: String,
    pub mobiles: Vec<String>,
    /// My record: the first [`TAG_GROUPS_SHOWN`] groups until the rep asks
    /// for all; a colleague's: every group. Each folded to [`TAGS_SHOWN`].
    pub tag_groups: Vec<CardTagGroup>,
    /// How many tag groups the record has.
    pub tag_groups_total: usize,
    /// "全部 N 组标签" while my groups are folded (tap `expandTagGroups`).
    pub tag_groups_more: Option<String>,
    /// The collapse link's label while all my groups are shown, and more
    /// than fit folded (`collapseTagGroups`).
    pub tag_groups_less: Option<String>,
    /// "YYYY-MM-DD" in China time (UTC+8); `null` when unknown.
    pub added_at: Option<String>,
    /// The localized add-way label.
    pub add_way: String,
}

/// Builds the card for `me` (the signed-in member).
pub fn card_view(
    customer: &Customer,
    me: &UserId,
    locale: Locale,
    corp_tags: Option<&CorpTagList>,
    names: &dyn Names,
    shown: Shown,
) -> CardView {
    let none = BTreeSet::new();
    let mine = customer
        .follow_users
        .iter()
        .find(|u| &u.userid == me)
        .map(|u| {
            let groups = GroupFold::Mine {
                open: shown.fold.all_tag_groups,
            };
            follow_view(u, locale, corp_tags, names, shown, groups)
        });
    let others = colleagues_in_order(customer, me);
    let total = others.len();
    let open = shown.fold.colleagues;
    let foldable = total > COLLEAGUES_SHOWN;
    let theirs = Shown {
        removing: &none,
        ..shown
    };
    let (colleagues, colleague_names) = if open || !foldable {
        let records = others
            .into_iter()
            .map(|u| follow_view(u, locale, corp_tags, names, theirs, GroupFold::Whole))
            .collect();
        (records, None)
    } else {
        let first: Vec<String> = others
            .into_iter()
            .take(COLLEAGUES_SHOWN)
            .map(|u| names.person(&u.userid, locale).name)
            .collect();
        (
            Vec::new(),
            Some(labels::colleague_names(&first).get(locale).to_owned()),
        )
    };
    CardView {
        customer: customer_view(customer, locale),
        attrs: customer.attrs.iter().map(attr_view).collect(),
        not_my_customer: mine.is_none(),
        mine,
        colleagues,
        colleagues_total: total,
        colleague_names,
        colleagues_more: (foldable && !open)
            .then(|| labels::all_colleagues(total).get(locale).to_owned()),
        colleagues_less: (foldable && open).then(|| labels::card_labels(locale).collapse),
        follower_count: customer.follow_users.len(),
        follower_line: labels::follower_count(customer.follow_users.len())
            .get(locale)
            .to_owned(),
        labels: labels::card_labels(locale),
        handover: None,
    }
}

/// The other members who follow the customer, oldest relationship first
/// (unknown times last, then by userid).
pub fn colleagues_in_order<'a>(customer: &'a Customer, me: &UserId) -> Vec<&'a FollowUser> {
    let mut others: Vec<&FollowUser> = customer
        .follow_users
        .iter()
        .filter(|u| &u.userid != me)
        .collect();
    crate::support::sorting::sort_by_key(&mut others, |u| {
        (u.created_at.is_none(), u.created_at, u.userid.key())
    });
    others
}

/// A record's first `groups` tag groups, each folded to [`TAGS_SHOWN`]
/// unless unfolded; and how many groups it has.
fn tag_groups(
    u: &FollowUser,
    corp_tags: Option<&CorpTagList>,
    locale: Locale,
    shown: Shown,
    groups: usize,
) -> (Vec<CardTagGroup>, usize) {
    let all = group_follow_tags(&u.tags, corp_tags, locale);
    let count = all.len();
    let shown_groups = all
        .into_iter()
        .take(groups)
        .map(|g| {
            let total = g.tags.len();
            let open = shown.fold.tag_groups.contains(&g.group);
            let foldable = total > TAGS_SHOWN;
            let tags = g
                .tags
                .into_iter()
                .take(if open { usize::MAX } else { TAGS_SHOWN })
                .map(|t| CardTag {
                    removing: t.id.as_ref().is_some_and(|id| shown.removing.contains(id)),
                    id: t.id,
                    name: t.name,
                    kind: t.kind,
                })
                .collect();
            CardTagGroup {
                more: (foldable && !open).then(|| labels::all_tags(total).get(locale).to_owned()),
                less: (foldable && open).then(|| labels::card_labels(locale).collapse),
                group: g.group,
                tags,
                total,
            }
        })
        .collect();
    (shown_groups, count)
}

fn customer_view(c: &Customer, locale: Locale) -> CustomerView {
    let (kind, label) = match c.kind {
        CustomerKind::Wechat => ("wechat", Localized::new("微信", "WeChat")),
        CustomerKind::Wecom => match c.corp_name.as_deref().or(c.corp_full_name.as_deref()) {
            Some(corp) => (
                "wecom",
                Localized::new(format!("企业微信 @{corp}"), format!("WeCom @{corp}")),
            ),
            None => ("wecom", Localized::new("企业微信", "WeCom")),
        },
        CustomerKind::Unknown(_) => ("unknown", Localized::new("未知类型", "Unknown type")),
    };
    CustomerView {
        external_userid: c.external_userid.as_str().to_owned(),
        name: c.name.clone(),
        // Only a web address: anything else never reaches `<image src>`.
        avatar: c
            .avatar
            .clone()
            .filter(|a| a.starts_with("https://") || a.starts_with("http://")),
        initial: crate::wecom::members::initial_of(&c.name),
        kind,
        kind_label: label.get(locale).to_owned(),
        company: c.corp_full_name.clone().or_else(|| c.corp_name.clone()),
        position: c.position.clone(),
        gender_label: c.gender.label().get(locale).to_owned(),
    }
}

fn attr_view(a: &ExternalAttr) -> AttrView {
    let empty = AttrView {
        kind: AttrKind::Text,
        name: String::new(),
        value: None,
        url: None,
        title: None,
        appid: None,
        pagepath: None,
    };
    match a {
        ExternalAttr::Text { name, value } => AttrView {
            name: name.clone(),
            value: Some(value.clone()),
            ..empty
        },
        ExternalAttr::Web { name, url, title } => AttrView {
            kind: AttrKind::Web,
            name: name.clone(),
            url: Some(url.clone()),
            title: Some(title.clone()),
            ..empty
        },
        ExternalAttr::Miniprogram {
            name,
            appid,
            pagepath,
            title,
        } => AttrView {
            kind: AttrKind::Miniprogram,
            name: name.clone(),
            appid: Some(appid.clone()),
            pagepath: Some(pagepath.clone()),
            title: Some(title.clone()),
            ..empty
        },
    }
}

/// Which of a record's tag groups are shown.
#[derive(Debug, Clone, Copy)]
enum GroupFold {
    /// My record: the first [`TAG_GROUPS_SHOWN`] until `open`.
    Mine { open: bool },
    /// A colleague's record: every group.
    Whole,
}

/// One follow record as the card shows it.
fn follow_view(
    u: &FollowUser,
    locale: Locale,
    corp_tags: Option<&CorpTagList>,
    names: &dyn Names,
    shown: Shown,
    groups: GroupFold,
) -> FollowView {
    let take = match groups {
        GroupFold::Mine { open: false } => TAG_GROUPS_SHOWN,
        _ => usize::MAX,
    };
    let (tag_groups, total) = tag_groups(u, corp_tags, locale, shown, take);
    let foldable = matches!(groups, GroupFold::Mine { .. }) && total > TAG_GROUPS_SHOWN;
    let open = matches!(groups, GroupFold::Mine { open: true });
    FollowView {
        userid: u.userid.as_str().to_owned(),
        person: names.person(&u.userid, locale),
        remark: u.remark.clone(),
        description: u.description.clone(),
        remark_corp_name: u.remark_corp_name.clone(),
        mobiles: u.remark_mobiles.clone(),
        tag_groups,
        tag_groups_total: total,
        tag_groups_more: (foldable && !open)
            .then(|| labels::all_tag_groups(total).get(locale).to_owned()),
        tag_groups_less: (foldable && open).then(|| labels::card_labels(locale).collapse),
        added_at: u.created_at.and_then(format_date_utc8),
        add_way: u.add_way.label().get(locale).to_owned(),
    }
}

/// Formats unix seconds as the calendar date in China (UTC+8, no daylight
/// saving), "YYYY-MM-DD". Pure integer arithmetic (the proleptic Gregorian
/// calendar, after Howard Hinnant's `civil_from_days`). `None` for a time
/// outside the years 0000–9999.
pub fn format_date_utc8(unix_seconds: i64) -> Option<String> {
    let local = unix_seconds.checked_add(8 * 3600)?;
    let days = local.div_euclid(86_400);
    // Days since 0000-03-01, so that the leap day ends the year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::names::NoNames;

    fn shown() -> Shown<'static> {
        static FOLD: std::sync::OnceLock<(Fold, BTreeSet<String>)> = std::sync::OnceLock::new();
        let (fold, removing) = FOLD.get_or_init(Default::default);
        Shown { fold, removing }
    }
    use crate::wecom::customer::tests::DOC_EXAMPLE;
    use crate::wecom::customer::{parse_get_response, AddWay, FollowTag, Gender, TagKind};
    use crate::wecom::ids::{ExternalUserId, TagId};
    use crate::wecom::tags::{parse_corp_tag_list, TagViewKind};
    use serde_json::json;

    fn uid(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    fn follower(userid: &str, created_at: Option<i64>) -> FollowUser {
        FollowUser {
            userid: uid(userid),
            remark: format!("{userid} 的备注"),
            description: String::new(),
            created_at,
            tags: vec![],
            remark_corp_name: String::new(),
            remark_mobiles: vec![],
            add_way: AddWay::QrCode,
            oper_userid: None,
            state: None,
        }
    }

    fn customer(kind: CustomerKind, follow_users: Vec<FollowUser>) -> Customer {
        Customer {
            external_userid: ExternalUserId::parse("wmABCDEF").unwrap(),
            name: "王五".into(),
            position: None,
            avatar: None,
            corp_name: None,
            corp_full_name: None,
            kind,
            gender: Gender::Female,
            unionid: None,
            attrs: vec![],
            follow_users,
        }
    }

    #[test]
    fn mine_first_then_colleagues_by_createtime() {
        let c = customer(
            CustomerKind::Wechat,
            vec![
                follower("zed", Some(300)),
                follower("me", Some(500)),
                follower("nodate", None),
                follower("amy", Some(100)),
                follower("bob", Some(300)),
            ],
        );
        let card = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown());
        assert_eq!(card.mine.as_ref().map(|m| m.userid.as_str()), Some("me"));
        assert!(!card.not_my_customer);
        assert!(card.colleagues.is_empty(), "four fold to a line");
        let fallback = NoNames.person(&uid("amy"), Locale::Zh).name;
        assert_eq!(
            card.colleague_names.as_deref(),
            Some(format!("{fallback}、{fallback}、{fallback} 等").as_str())
        );
        assert_eq!(
            card.mine.as_ref().map(|m| m.person.name.as_str()),
            Some(fallback.as_str())
        );
        assert_eq!(card.colleagues_total, 4);
        assert_eq!(card.colleagues_more.as_deref(), Some("查看全部 4 位同事"));
        assert_eq!(card.follower_count, 5);
        assert_eq!(card.follower_line, "共 5 位成员跟进该客户");
        let fold = Fold {
            colleagues: true,
            ..Fold::default()
        };
        let open = Shown {
            fold: &fold,
            removing: &BTreeSet::new(),
        };
        let card = card_view(&c, &uid("me"), Locale::En, None, &NoNames, open);
        let order: Vec<&str> = card.colleagues.iter().map(|f| f.userid.as_str()).collect();
        assert_eq!(order, vec!["amy", "bob", "zed", "nodate"]);
        assert_eq!(card.colleagues_more, None);
        assert_eq!(card.colleagues_less.as_deref(), Some("Show less"));
    }

    fn corp_tag(group: &str, i: usize) -> FollowTag {
        FollowTag {
            group_name: group.into(),
            tag_name: format!("{group}-{i}"),
            kind: TagKind::Corp,
            tag_id: Some(TagId::parse(&format!("et{group}{i:05}")).unwrap()),
        }
    }

    /// 500 colleagues, 3,000 tags on my record in 10 groups of 300.
    fn huge() -> Customer {
        let mut me = follower("me", Some(1));
        me.tags = (0..3000)
            .map(|i| corp_tag(&format!("G{}", i % 10), i))
            .collect();
        let mut users = vec![me];
        for i in 0..500 {
            let mut f = follower(&format!("c{i:03}"), Some(10 + i as i64));
            f.tags = (0..200).map(|j| corp_tag("X", j)).collect();
            users.push(f);
        }
        customer(CustomerKind::Wechat, users)
    }

    #[test]
    fn a_huge_customer_sends_only_what_fits_one_screen() {
        let c = huge();
        let card = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown());
        // My record: the first groups only, each folded, and the way to the rest.
        let mine = card.mine.as_ref().unwrap();
        assert_eq!(mine.tag_groups.len(), TAG_GROUPS_SHOWN);
        for g in &mine.tag_groups {
            assert_eq!(g.tags.len(), TAGS_SHOWN, "{}", g.group);
            assert_eq!(g.total, 300);
            assert_eq!(g.more.as_deref(), Some("全部 300 个"));
            assert_eq!(g.less, None);
        }
        assert_eq!(mine.tag_groups_total, 10);
        assert_eq!(mine.tag_groups_more.as_deref(), Some("全部 10 组标签"));
        assert_eq!(mine.tag_groups_less, None);
        // The colleagues: a line of the first names, no records.
        assert!(card.colleagues.is_empty());
        assert_eq!(card.colleagues_total, 500);
        let fallback = NoNames.person(&uid("c000"), Locale::Zh).name;
        assert_eq!(
            card.colleague_names.as_deref(),
            Some(format!("{fallback}、{fallback}、{fallback} 等").as_str())
        );
        assert_eq!(card.colleagues_more.as_deref(), Some("查看全部 500 位同事"));
        let bytes = serde_json::to_string(&card).unwrap().len();
        assert!(bytes < 6_000, "the folded card is small: {bytes} bytes");

        // All my groups: each still folded to a few tags.
        let fold = Fold {
            all_tag_groups: true,
            ..Fold::default()
        };
        let none = BTreeSet::new();
        let open = Shown {
            fold: &fold,
            removing: &none,
        };
        let card = card_view(&c, &uid("me"), Locale::En, None, &NoNames, open);
        let mine = card.mine.as_ref().unwrap();
        assert_eq!(mine.tag_groups.len(), 10);
        assert!(mine.tag_groups.iter().all(|g| g.tags.len() == TAGS_SHOWN));
        assert_eq!(
            (
                mine.tag_groups_more.as_deref(),
                mine.tag_groups_less.as_deref()
            ),
            (None, Some("Show less"))
        );
        assert!(card.colleagues.is_empty());
        let bytes = serde_json::to_string(&card).unwrap().len();
        assert!(bytes < 12_000, "all groups, folded: {bytes} bytes");

        // One group unfolded: that group whole, the others still folded.
        let fold = Fold {
            all_tag_groups: true,
            tag_groups: ["G3".to_owned()].into_iter().collect(),
            ..Fold::default()
        };
        let open = Shown {
            fold: &fold,
            removing: &none,
        };
        let card = card_view(&c, &uid("me"), Locale::En, None, &NoNames, open);
        let mine = card.mine.as_ref().unwrap();
        let g3 = mine.tag_groups.iter().find(|g| g.group == "G3").unwrap();
        assert_eq!(g3.tags.len(), 300);
        assert_eq!(
            (g3.more.as_deref(), g3.less.as_deref()),
            (None, Some("Show less"))
        );
        let g4 = mine.tag_groups.iter().find(|g| g.group == "G4").unwrap();
        assert_eq!(g4.tags.len(), TAGS_SHOWN);
        assert_eq!(g4.more.as_deref(), Some("All 300"));

        // Every colleague: their records, every group of theirs (folded to
        // a few tags, unfolded when asked by name), my groups as they were.
        let fold = Fold {
            colleagues: true,
            ..Fold::default()
        };
        let open = Shown {
            fold: &fold,
            removing: &none,
        };
        let card = card_view(&c, &uid("me"), Locale::En, None, &NoNames, open);
        assert_eq!(card.colleagues.len(), 500);
        assert_eq!(card.colleague_names, None);
        assert_eq!(card.colleagues_more, None);
        assert_eq!(card.colleagues_less.as_deref(), Some("Show less"));
        let first = &card.colleagues[0];
        assert_eq!(first.userid, "c000");
        assert_eq!(first.tag_groups.len(), 1);
        assert_eq!(first.tag_groups[0].tags.len(), TAGS_SHOWN);
        assert_eq!(
            (first.tag_groups_more.clone(), first.tag_groups_less.clone()),
            (None, None)
        );
        assert_eq!(card.mine.unwrap().tag_groups.len(), TAG_GROUPS_SHOWN);
    }

    #[test]
    fn the_folded_colleagues_line_names_the_first_few_by_name() {
        struct Directory;
        impl Names for Directory {
            fn member(&self, u: &UserId) -> crate::wecom::members::MemberName {
                crate::wecom::members::MemberName::Known(format!("N-{}", u.as_str()))
            }
        }
        let c = huge();
        let card = card_view(&c, &uid("me"), Locale::En, None, &Directory, shown());
        assert_eq!(
            card.colleague_names.as_deref(),
            Some("N-c000, N-c001, N-c002 and others")
        );
        assert_eq!(
            card.colleagues_more.as_deref(),
            Some("Show all 500 colleagues")
        );
        // No more colleagues than the line would name: their records, no line.
        let mut few = huge();
        few.follow_users.truncate(1 + COLLEAGUES_SHOWN);
        let card = card_view(&few, &uid("me"), Locale::Zh, None, &Directory, shown());
        assert_eq!(card.colleagues.len(), COLLEAGUES_SHOWN);
        assert_eq!(card.colleague_names, None);
        assert_eq!(card.colleagues_more, None);
        assert_eq!(card.colleagues_less, None);
    }

    #[test]
    fn my_groups_fold_only_when_there_are_more_than_fit() {
        let mut me = follower("me", Some(1));
        me.tags = (0..TAG_GROUPS_SHOWN)
            .map(|g| corp_tag(&format!("G{g}"), g))
            .collect();
        let c = customer(CustomerKind::Wechat, vec![me]);
        let mine = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown())
            .mine
            .unwrap();
        assert_eq!(mine.tag_groups.len(), TAG_GROUPS_SHOWN);
        assert_eq!(mine.tag_groups_total, TAG_GROUPS_SHOWN);
        assert_eq!((mine.tag_groups_more, mine.tag_groups_less), (None, None));
    }

    #[test]
    fn a_small_group_has_no_expander() {
        let mut me = follower("me", Some(1));
        me.tags = (0..TAGS_SHOWN).map(|i| corp_tag("S", i)).collect();
        let c = customer(CustomerKind::Wechat, vec![me]);
        let card = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown());
        let g = &card.mine.unwrap().tag_groups[0];
        assert_eq!(g.tags.len(), TAGS_SHOWN);
        assert_eq!((g.more.clone(), g.less.clone()), (None, None));
        assert_eq!(card.colleagues_more, None);
    }

    #[test]
    fn a_tag_in_its_undo_window_is_marked_on_my_record_only() {
        let mut me = follower("me", Some(1));
        me.tags = vec![corp_tag("S", 1), corp_tag("S", 2)];
        let mut lisi = follower("lisi", Some(2));
        lisi.tags = vec![corp_tag("S", 1)];
        let c = customer(CustomerKind::Wechat, vec![me, lisi]);
        let removing: BTreeSet<String> = ["etS00001".to_owned()].into_iter().collect();
        let fold = Fold::default();
        let card = card_view(
            &c,
            &uid("me"),
            Locale::Zh,
            None,
            &NoNames,
            Shown {
                fold: &fold,
                removing: &removing,
            },
        );
        let mine: Vec<bool> = card.mine.unwrap().tag_groups[0]
            .tags
            .iter()
            .map(|t| t.removing)
            .collect();
        assert_eq!(mine, [true, false]);
        assert!(!card.colleagues[0].tag_groups[0].tags[0].removing);
        assert_eq!(card.labels.removed_undo, "已移除 · 撤销");
    }

    #[test]
    fn me_matches_case_insensitively() {
        let c = customer(CustomerKind::Wechat, vec![follower("ZhangSan", Some(1))]);
        let card = card_view(&c, &uid("zhangsan"), Locale::Zh, None, &NoNames, shown());
        assert_eq!(card.mine.unwrap().userid, "ZhangSan");
        assert!(card.colleagues.is_empty());
        assert!(!card.not_my_customer);
    }

    #[test]
    fn not_my_customer() {
        let c = customer(CustomerKind::Wechat, vec![follower("lisi", Some(1))]);
        let card = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown());
        assert!(card.mine.is_none());
        assert!(card.not_my_customer);
        assert_eq!(card.colleagues.len(), 1);
        let json = serde_json::to_value(&card).unwrap();
        assert_eq!(json["mine"], serde_json::Value::Null);
        assert_eq!(json["notMyCustomer"], true);
        assert_eq!(json["followerCount"], 1);
    }

    #[test]
    fn dates_in_china_time() {
        assert_eq!(format_date_utc8(0).as_deref(), Some("1970-01-01"));
        assert_eq!(format_date_utc8(-28_800).as_deref(), Some("1970-01-01"));
        assert_eq!(format_date_utc8(-28_801).as_deref(), Some("1969-12-31"));
        assert_eq!(
            format_date_utc8(1_525_779_812).as_deref(),
            Some("2018-05-08")
        );
    }

    #[test]
    fn date_changes_at_16_utc() {
        // 2024-02-28T15:59:59Z is still the 28th in China; 16:00Z is the 29th.
        assert_eq!(
            format_date_utc8(1_709_135_999).as_deref(),
            Some("2024-02-28")
        );
        assert_eq!(
            format_date_utc8(1_709_136_000).as_deref(),
            Some("2024-02-29")
        );
        // 2023-12-31T16:00:00Z is New Year's Day in China.
        assert_eq!(
            format_date_utc8(1_704_038_399).as_deref(),
            Some("2023-12-31")
        );
        assert_eq!(
            format_date_utc8(1_704_038_400).as_deref(),
            Some("2024-01-01")
        );
    }

    #[test]
    fn leap_years() {
        assert_eq!(format_date_utc8(951_753_600).as_deref(), Some("2000-02-29"));
        assert_eq!(
            format_date_utc8(951_753_600 + 86_400).as_deref(),
            Some("2000-03-01")
        );
        // 2100 is not a leap year.
        assert_eq!(
            format_date_utc8(4_107_513_599).as_deref(),
            Some("2100-02-28")
        );
        assert_eq!(
            format_date_utc8(4_107_513_600).as_deref(),
            Some("2100-03-01")
        );
    }

    #[test]
    fn dates_out_of_range() {
        assert_eq!(
            format_date_utc8(253_402_271_999).as_deref(),
            Some("9999-12-31")
        );
        assert_eq!(format_date_utc8(253_402_272_000), None);
        assert_eq!(format_date_utc8(i64::MAX), None);
        assert_eq!(format_date_utc8(i64::MIN), None);
    }

    #[test]
    fn added_at_and_add_way_in_follow_view() {
        let mut f = follower("me", Some(1_709_136_000));
        f.add_way = AddWay::Other(99);
        let c = customer(CustomerKind::Wechat, vec![f, follower("x", None)]);
        let card = card_view(&c, &uid("me"), Locale::En, None, &NoNames, shown());
        let mine = card.mine.unwrap();
        assert_eq!(mine.added_at.as_deref(), Some("2024-02-29"));
        assert_eq!(mine.add_way, "unknown (99)");
        assert_eq!(card.colleagues[0].added_at, None);
        assert_eq!(card.colleagues[0].add_way, "scanned a QR code");
    }

    #[test]
    fn wecom_label_has_corp() {
        let mut c = customer(CustomerKind::Wecom, vec![]);
        c.corp_name = Some("腾讯".into());
        c.corp_full_name = Some("腾讯科技有限公司".into());
        let v = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown()).customer;
        assert_eq!(v.kind, "wecom");
        assert_eq!(v.kind_label, "企业微信 @腾讯");
        assert_eq!(v.company.as_deref(), Some("腾讯科技有限公司"));
        assert_eq!(v.gender_label, "女");
        let v = card_view(&c, &uid("me"), Locale::En, None, &NoNames, shown()).customer;
        assert_eq!(v.kind_label, "WeCom @腾讯");
        assert_eq!(v.gender_label, "Female");
        c.corp_name = None;
        c.corp_full_name = None;
        let v = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown()).customer;
        assert_eq!(v.kind_label, "企业微信");
        assert_eq!(v.company, None);
    }

    #[test]
    fn the_avatar_is_a_web_address_or_nothing_and_the_initial_stands_in() {
        let mut c = customer(CustomerKind::Wechat, vec![]);
        for (raw, want) in [
            (
                Some("https://wework.qpic.cn/wwhead/x/0"),
                Some("https://wework.qpic.cn/wwhead/x/0"),
            ),
            (
                Some("http://wx.qlogo.cn/mmhead/x/0"),
                Some("http://wx.qlogo.cn/mmhead/x/0"),
            ),
            (Some("javascript:alert(1)"), None),
            (Some("/local/file.png"), None),
            (None, None),
        ] {
            c.avatar = raw.map(str::to_owned);
            let v = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown()).customer;
            assert_eq!(v.avatar.as_deref(), want, "{raw:?}");
            assert_eq!(v.initial, "王");
        }
    }

    #[test]
    fn wechat_and_unknown_labels() {
        let c = customer(CustomerKind::Wechat, vec![]);
        let v = card_view(&c, &uid("me"), Locale::Zh, None, &NoNames, shown()).customer;
        assert_eq!((v.kind, v.kind_label.as_str()), ("wechat", "微信"));
        let c = customer(CustomerKind::Unknown(5), vec![]);
        let v = card_view(&c, &uid("me"), Locale::En, None, &NoNames, shown()).customer;
        assert_eq!((v.kind, v.kind_label.as_str()), ("unknown", "Unknown type"));
    }

    #[test]
    fn tag_groups_in_follow_view() {
        let mut me = follower("me", Some(1));
        me.tags = vec![
            FollowTag {
                group_name: "等级".into(),
                tag_name: "VIP".into(),
                kind: TagKind::Corp,
                tag_id: Some(TagId::parse("etVIP").unwrap()),
            },
            FollowTag {
                group_name: "我的".into(),
                tag_name: "熟人".into(),
                kind: TagKind::Personal,
                tag_id: None,
            },
            FollowTag {
                group_name: "等级".into(),
                tag_name: "老客户".into(),
                kind: TagKind::Corp,
                tag_id: Some(TagId::parse("etOLD").unwrap()),
            },
        ];
        let c = customer(CustomerKind::Wechat, vec![me]);
        let corp = parse_corp_tag_list(
            r#"{"errcode":0,"tag_group":[{"group_name":"客户等级","order":1,"tag":[
                {"id":"etOLD","name":"老客户","order":2},{"id":"etVIP","name":"VIP","order":1}]}]}"#,
        )
        .unwrap();
        let mine = card_view(&c, &uid("me"), Locale::Zh, Some(&corp), &NoNames, shown())
            .mine
            .unwrap();
        let shape: Vec<(&str, Vec<(&str, TagViewKind)>)> = mine
            .tag_groups
            .iter()
            .map(|g| {
                (
                    g.group.as_str(),
                    g.tags.iter().map(|t| (t.name.as_str(), t.kind)).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (
                    "客户等级",
                    vec![("老客户", TagViewKind::Corp), ("VIP", TagViewKind::Corp)]
                ),
                ("我的", vec![("熟人", TagViewKind::Personal)]),
            ]
        );
    }

    #[test]
    fn documentation_example_card_json() {
        let page = parse_get_response(DOC_EXAMPLE).unwrap();
        let card = card_view(
            &page.customer,
            &uid("TOMMY"),
            Locale::Zh,
            None,
            &NoNames,
            shown(),
        );
        let json = serde_json::to_value(&card).unwrap();
        assert_eq!(
            json["customer"],
            json!({
                "externalUserid": "woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA",
                "name": "李四",
                "avatar": "https://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0",
                "initial": "李",
                "kind": "wecom",
                "kindLabel": "企业微信 @腾讯",
                "company": "腾讯科技有限公司",
                "position": "Manager",
                "genderLabel": "男"
            })
        );
        assert_eq!(
            json["attrs"][1],
            json!({"kind": "web", "name": "网页名称", "value": null,
                   "url": "http://www.test.com", "title": "标题",
                   "appid": null, "pagepath": null})
        );
        assert_eq!(json["attrs"][0]["kind"], "text");
        assert_eq!(json["attrs"][2]["kind"], "miniprogram");
        assert_eq!(json["attrs"][2]["pagepath"], "/index");
        assert_eq!(
            json["mine"],
            json!({
                "userid": "tommy",
                "person": {"userid": "tommy", "name": "同事（正在获取姓名）", "nameKnown": false,
                           "useridNote": "tommy", "initial": "T"},
                "remark": "李总",
                "description": "采购问题咨询",
                "remarkCorpName": "",
                "mobiles": [],
                "tagGroups": [],
                "tagGroupsTotal": 0,
                "tagGroupsMore": null,
                "tagGroupsLess": null,
                "addedAt": "2018-05-10",
                "addWay": "名片分享"
            })
        );
        assert_eq!(json["colleagues"][0]["userid"], "rocky");
        assert_eq!(json["colleagues"][0]["addedAt"], "2018-05-08");
        assert_eq!(json["colleagues"][0]["addWay"], "视频号添加");
        assert_eq!(
            json["colleagues"][0]["tagGroups"][0]["group"],
            "标签分组名称"
        );
        assert_eq!(
            json["colleagues"][0]["tagGroups"][0]["tags"][2]["kind"],
            "unknown"
        );
        assert_eq!(json["followerCount"], 2);
        assert_eq!(json["notMyCustomer"], false);
    }
}

/// One corp tag in the picker, and whether the customer has it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagOptionGroup {
    pub group: String,
    pub tags: Vec<TagOption>,
}

/// The card slice's part of the page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CardPart {
    pub card: Option<CardView>,
    pub form: Option<crate::card::form::FormView>,
    pub form_message: Option<String>,
    /// Saves waiting in the outbox for this customer.
    pub pending_saves: usize,
    /// "有 N 项修改等待同步到企业微信"; `None` when nothing waits.
    pub pending_saves_label: Option<String>,
    pub tag_picker: Option<Vec<TagOptionGroup>>,
    /// The picker's toggle link: "收起标签" while open, "+ 打标签" while closed.
    pub tag_picker_label: String,
}

/// The tag picker's toggle link, by whether the picker is open.
pub fn tag_picker_label(open: bool) -> Localized {
    if open {
        Localized::new("收起标签", "Hide tags")
    } else {
        Localized::new("+ 打标签", "+ Add tags")
    }
}

impl crate::card::State {
    /// What the card shows; `open` is whether the card is the page shown.
    pub fn view(&self, me: Option<&UserId>, locale: Locale, open: bool) -> CardPart {
        self.view_parts(
            me,
            locale,
            open,
            true,
            true,
            &crate::protocol::names::NoNames,
        )
    }

    /// The members the card shows (me, and the colleagues not folded
    /// away, or named on the folded line): their names are looked up.
    pub fn people_shown(&self, me: Option<&UserId>) -> Vec<UserId> {
        let (Some(c), Some(me)) = (self.customer.as_ref(), me) else {
            return Vec::new();
        };
        let mut out: Vec<UserId> = c
            .follow_users
            .iter()
            .filter(|u| &u.userid == me)
            .map(|u| u.userid.clone())
            .collect();
        let take = if self.fold.colleagues {
            usize::MAX
        } else {
            COLLEAGUES_SHOWN
        };
        out.extend(
            colleagues_in_order(c, me)
                .into_iter()
                .take(take)
                .map(|u| u.userid.clone()),
        );
        out
    }

    /// Changes whenever what is folded on the card changes.
    pub fn fold_digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.fold.colleagues.hash(&mut h);
        self.fold.tag_groups.hash(&mut h);
        self.fold.all_tag_groups.hash(&mut h);
        h.finish()
    }

    /// [`State::view`], leaving out the customer card (`with_card`) or the
    /// tag picker (`with_picker`) when the caller still holds them as they
    /// were: they are what grows with the customer.
    pub fn view_parts(
        &self,
        me: Option<&UserId>,
        locale: Locale,
        open: bool,
        with_card: bool,
        with_picker: bool,
        names: &dyn Names,
    ) -> CardPart {
        let card = if open && with_card {
            match (self.shown_customer(me), me) {
                (Some(c), Some(me)) => {
                    let removing = self.removing_tags();
                    let shown = Shown {
                        fold: &self.fold,
                        removing: &removing,
                    };
                    let mut card = card_view(&c, me, locale, self.corp_tags.as_ref(), names, shown);
                    card.handover = self.handover_line().map(|l| l.get(locale).to_owned());
                    Some(card)
                }
                _ => None,
            }
        } else {
            None
        };
        let ext = self.external_userid.as_ref().map(|e| e.as_str());
        // A removal in its undo window is not waiting to be sent yet.
        let pending_saves = ext.map_or(0, |e| {
            self.outbox
                .entries
                .iter()
                .filter(|x| x.external_userid == e && !x.parked && x.hold_until == 0.0)
                .count()
        });
        CardPart {
            card,
            form: if open {
                self.edit_form(me).map(|f| f.into_view(locale))
            } else {
                None
            },
            form_message: if open {
                self.form_message.as_ref().map(|m| m.get(locale).to_owned())
            } else {
                None
            },
            pending_saves,
            pending_saves_label: (pending_saves > 0)
                .then(|| labels::pending_saves(pending_saves).get(locale).to_owned()),
            tag_picker: if open && self.tag_picker && with_picker {
                self.tag_options(me)
            } else {
                None
            },
            tag_picker_label: tag_picker_label(self.tag_picker).get(locale).to_owned(),
        }
    }

    fn tag_options(&self, me: Option<&UserId>) -> Option<Vec<TagOptionGroup>> {
        let corp = self.corp_tags.as_ref()?;
        let mine = self
            .my_follow(me)
            .map(|(fu, _)| fu.tags)
            .unwrap_or_default();
        let has =
            |id: &crate::wecom::ids::TagId| mine.iter().any(|t| t.tag_id.as_ref() == Some(id));
        Some(
            corp.groups
                .iter()
                .map(|g| TagOptionGroup {
                    group: g.group_name.clone(),
                    tags: g
                        .tags
                        .iter()
                        .map(|t| TagOption {
                            id: t.id.as_str().to_owned(),
                            name: t.name.clone(),
                            selected: has(&t.id),
                        })
                        .collect(),
                })
                .collect(),
        )
    }
}
