//! Quick replies: message templates with placeholders filled from the
//! customer and the member.
//!
//! Placeholders: `{name}`, `{remark}`, `{company}`, `{position}`, `{me}`
//! (case-insensitive, spaces inside the braces ignored). `{{` and `}}` are
//! literal braces. An unclosed `{`, or braces around something that is not a
//! name (`{你好}`, `{}`), stay literal text. A placeholder with no value
//! stays visible in the text as written and makes [`Filled::ready`] false,
//! so a literal `{name}` is never sent by accident.

use crate::chat::library::Scope;
use crate::support::locale::{Locale, Localized};
use serde::Serialize;

/// The longest placeholder name looked at; longer brace contents are text.
const NAME_MAX: usize = 32;

/// A placeholder this module knows how to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    Name,
    Remark,
    Company,
    Position,
    Me,
}

impl Placeholder {
    pub const ALL: [Placeholder; 5] = [
        Placeholder::Name,
        Placeholder::Remark,
        Placeholder::Company,
        Placeholder::Position,
        Placeholder::Me,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Placeholder::Name => "name",
            Placeholder::Remark => "remark",
            Placeholder::Company => "company",
            Placeholder::Position => "position",
            Placeholder::Me => "me",
        }
    }

    /// Case-insensitive.
    pub fn parse(s: &str) -> Option<Placeholder> {
        let lower = s.to_ascii_lowercase();
        Placeholder::ALL.into_iter().find(|p| p.key() == lower)
    }

    pub fn label(self) -> Localized {
        match self {
            Placeholder::Name => Localized::new("客户名称", "customer name"),
            Placeholder::Remark => Localized::new("客户备注", "customer remark"),
            Placeholder::Company => Localized::new("客户企业", "customer company"),
            Placeholder::Position => Localized::new("客户职位", "customer position"),
            Placeholder::Me => Localized::new("我的名字", "my name"),
        }
    }
}

/// The values placeholders are filled with. An empty or blank value counts
/// as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateContext {
    pub name: Option<String>,
    pub remark: Option<String>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub me: Option<String>,
}

impl TemplateContext {
    /// The trimmed, non-empty value for a placeholder.
    pub fn value(&self, p: Placeholder) -> Option<&str> {
        let v = match p {
            Placeholder::Name => &self.name,
            Placeholder::Remark => &self.remark,
            Placeholder::Company => &self.company,
            Placeholder::Position => &self.position,
            Placeholder::Me => &self.me,
        };
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// A filled template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Filled {
    /// The text; unfilled placeholders stay visible as written.
    pub text: String,
    /// Known placeholders with no value (keys like `"name"`), first use order.
    pub missing: Vec<String>,
    /// Placeholders this module does not know (as written, like `"foo"`).
    pub unknown: Vec<String>,
}

impl Filled {
    /// True only when every placeholder was filled: safe to send.
    pub fn ready(&self) -> bool {
        self.missing.is_empty() && self.unknown.is_empty()
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn push_once(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// Fills a template. Values are inserted as they are (trimmed) and are
/// never expanded again, so a value holding `{name}` stays as it is.
pub fn fill(template: &str, ctx: &TemplateContext) -> Filled {
    let mut text = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut it = template.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '{' => {
                if it.peek() == Some(&'{') {
                    it.next();
                    text.push('{');
                    continue;
                }
                // Look ahead for `name}` without consuming.
                let mut look = it.clone();
                let mut inner = String::new();
                let mut closed = false;
                for ch in look.by_ref() {
                    if ch == '}' {
                        closed = true;
                        break;
                    }
                    if ch == '{' || inner.chars().count() > NAME_MAX {
                        break;
                    }
                    inner.push(ch);
                }
                let name = inner.trim();
                if !(closed && is_name(name)) {
                    text.push('{');
                    continue;
                }
                it = look;
                match Placeholder::parse(name) {
                    Some(p) => match ctx.value(p) {
                        Some(v) => text.push_str(v),
                        None => {
                            push_once(&mut missing, p.key());
                            text.push('{');
                            text.push_str(&inner);
                            text.push('}');
                        }
                    },
                    None => {
                        push_once(&mut unknown, name);
                        text.push('{');
                        text.push_str(&inner);
                        text.push('}');
                    }
                }
            }
            '}' => {
                if it.peek() == Some(&'}') {
                    it.next();
                }
                text.push('}');
            }
            _ => text.push(c),
        }
    }
    Filled {
        text,
        missing,
        unknown,
    }
}

/// A built-in quick reply in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuickReply {
    pub id: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// Where it is offered: group-only replies speak to everyone.
    pub scope: Scope,
}

impl QuickReply {
    pub fn title(&self) -> Localized {
        Localized::new(self.title_zh, self.title_en)
    }

    pub fn template(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::Zh => self.zh,
            Locale::En => self.en,
        }
    }

    pub fn fill(&self, ctx: &TemplateContext, locale: Locale) -> Filled {
        fill(self.template(locale), ctx)
    }
}

/// The built-in quick replies. Those that name the customer are offered
/// only where a customer is known (see [`offered`]).
pub const QUICK_REPLIES: &[QuickReply] = &[
    QuickReply {
        id: "intro",
        title_zh: "自我介绍",
        title_en: "Introduction",
        zh: "您好，我是{me}，很高兴为您服务！有任何问题随时联系我。",
        en: "Hello, this is {me}. Happy to help, so reach out any time.",
        scope: Scope::All,
    },
    QuickReply {
        id: "group_welcome",
        title_zh: "欢迎入群",
        title_en: "Welcome to the group",
        zh: "欢迎大家加入本群！我是{me}，有任何问题都可以在群里找我。",
        en: "Welcome to the group, everyone! I'm {me}; ask me anything here.",
        scope: Scope::Group,
    },
    QuickReply {
        id: "greeting",
        title_zh: "问候",
        title_en: "Greeting",
        zh: "{name}您好，我是{me}，很高兴为您服务！有任何问题随时联系我。",
        en: "Hi {name}, this is {me}. Happy to help, so reach out any time.",
        scope: Scope::Single,
    },
    QuickReply {
        id: "follow_up",
        title_zh: "跟进",
        title_en: "Follow-up",
        zh: "{name}您好，上次沟通的方案您看得怎么样了？有需要调整的地方请告诉我。",
        en: "Hi {name}, have you had a chance to look at the proposal? Let me know if anything should change.",
        scope: Scope::Single,
    },
    QuickReply {
        id: "meeting",
        title_zh: "约时间",
        title_en: "Meeting",
        zh: "{name}您好，想和您约个时间详细聊聊，请问您这周什么时候方便？",
        en: "Hi {name}, could we find a time to talk this week? When suits you?",
        scope: Scope::Single,
    },
    QuickReply {
        id: "thanks",
        title_zh: "致谢",
        title_en: "Thanks",
        zh: "感谢{company}的信任与支持，期待继续合作！—— {me}",
        en: "Thank you, {company}, for your trust. Looking forward to working together. - {me}",
        scope: Scope::Single,
    },
    QuickReply {
        id: "holiday",
        title_zh: "节日祝福",
        title_en: "Holiday wishes",
        zh: "{name}，祝您节日快乐，万事如意！🎉",
        en: "Happy holidays, {name}! 🎉",
        scope: Scope::Single,
    },
];

/// One quick reply as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QuickReplyView {
    pub id: &'static str,
    pub title: String,
    pub text: String,
    pub ready: bool,
    pub missing: Vec<String>,
    pub unknown: Vec<String>,
    /// "缺少：客户名称、我的名字" when not ready, else null.
    pub hint: Option<String>,
}

/// Whether a template names the customer (`{name}`, `{remark}`,
/// `{company}`, `{position}`): outside a customer chat such a template
/// means nothing, and is not offered.
pub fn needs_customer(template: &str) -> bool {
    fill(template, &TemplateContext::default())
        .missing
        .iter()
        .any(|k| k != Placeholder::Me.key())
}

/// Whether a template of `scope` is offered in a chat of `here`
/// (`Single` with a customer, `Group`, or `All` where the chat is not
/// known, as in the attachment bar).
pub fn offered(template: &str, scope: Scope, here: Scope, customer_known: bool) -> bool {
    let scope_fits = match here {
        Scope::All => scope == Scope::All,
        _ => scope.offered_in(here),
    };
    scope_fits && (customer_known || !needs_customer(template))
}

/// The built-in quick replies offered here, filled for this customer.
pub fn quick_reply_views(
    ctx: &TemplateContext,
    here: Scope,
    customer_known: bool,
    locale: Locale,
) -> Vec<QuickReplyView> {
    QUICK_REPLIES
        .iter()
        .filter(|q| {
            // Both languages of a reply use the same placeholders.
            offered(q.zh, q.scope, here, customer_known)
        })
        .map(|q| {
            let f = q.fill(ctx, locale);
            let hint = hint(&f, locale);
            QuickReplyView {
                id: q.id,
                title: q.title().get(locale).to_owned(),
                ready: f.ready(),
                text: f.text,
                missing: f.missing,
                unknown: f.unknown,
                hint,
            }
        })
        .collect()
}

pub fn hint(f: &Filled, locale: Locale) -> Option<String> {
    if f.ready() {
        return None;
    }
    let mut names: Vec<String> = f
        .missing
        .iter()
        .filter_map(|k| Placeholder::parse(k))
        .map(|p| p.label().get(locale).to_owned())
        .collect();
    names.extend(f.unknown.iter().map(|u| format!("{{{u}}}")));
    Some(match locale {
        Locale::Zh => format!("缺少：{}", names.join("、")),
        Locale::En => format!("Missing: {}", names.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> TemplateContext {
        TemplateContext {
            name: Some("张三".into()),
            remark: Some("张总".into()),
            company: Some("腾讯科技".into()),
            position: Some("经理".into()),
            me: Some("李四".into()),
        }
    }

    #[test]
    fn fills_every_placeholder_in_chinese() {
        let f = fill(
            "{remark}您好，{company}的{position}{name}，我是{me}。",
            &full(),
        );
        assert_eq!(f.text, "张总您好，腾讯科技的经理张三，我是李四。");
        assert!(f.ready());
        assert!(f.missing.is_empty() && f.unknown.is_empty());
    }

    #[test]
    fn emoji_around_and_inside_values() {
        let ctx = TemplateContext {
            name: Some("🐼熊猫".into()),
            ..full()
        };
        let f = fill("🎉{name}🎉，👋", &ctx);
        assert_eq!(f.text, "🎉🐼熊猫🎉，👋");
        assert!(f.ready());
    }

    #[test]
    fn missing_value_stays_visible_and_blocks() {
        let ctx = TemplateContext {
            name: None,
            me: Some("   ".into()),
            ..full()
        };
        let f = fill("您好{name}，我是{me}，{name}再见", &ctx);
        assert_eq!(f.text, "您好{name}，我是{me}，{name}再见");
        assert_eq!(f.missing, ["name", "me"]);
        assert!(!f.ready());
    }

    #[test]
    fn empty_string_value_is_missing() {
        let ctx = TemplateContext {
            company: Some(String::new()),
            ..full()
        };
        let f = fill("感谢{company}", &ctx);
        assert_eq!(f.missing, ["company"]);
        assert!(!f.ready());
    }

    #[test]
    fn unknown_placeholder_reported() {
        let f = fill("Hi {foo} and {bar_2} and {foo}", &full());
        assert_eq!(f.unknown, ["foo", "bar_2"]);
        assert_eq!(f.text, "Hi {foo} and {bar_2} and {foo}");
        assert!(!f.ready());
    }

    #[test]
    fn escapes_are_literal_braces() {
        let f = fill("{{name}} is {name}; a }} b {{", &full());
        assert_eq!(f.text, "{name} is 张三; a } b {");
        assert!(f.ready());
    }

    #[test]
    fn unclosed_brace_is_literal() {
        let f = fill("价格 {name 以及 {", &full());
        assert_eq!(f.text, "价格 {name 以及 {");
        assert!(f.ready());
        let f = fill("{na{name}", &full());
        assert_eq!(f.text, "{na张三");
    }

    #[test]
    fn non_name_braces_are_literal() {
        let f = fill("{你好} {} {a b} {1x} }", &full());
        assert_eq!(f.text, "{你好} {} {a b} {1x} }");
        assert!(f.ready());
    }

    #[test]
    fn case_and_spaces_inside_braces() {
        let f = fill("{ Name }/{ME}", &full());
        assert_eq!(f.text, "张三/李四");
        let ctx = TemplateContext {
            name: None,
            ..full()
        };
        let f = fill("{ Name }", &ctx);
        assert_eq!(f.text, "{ Name }");
        assert_eq!(f.missing, ["name"]);
    }

    #[test]
    fn values_are_trimmed_and_not_reexpanded() {
        let ctx = TemplateContext {
            name: Some("  {me}  ".into()),
            ..full()
        };
        let f = fill("[{name}]", &ctx);
        assert_eq!(f.text, "[{me}]");
        assert!(f.ready());
    }

    #[test]
    fn very_long_brace_content_is_text() {
        let t = format!("{{{}}}", "a".repeat(NAME_MAX + 5));
        let f = fill(&t, &full());
        assert_eq!(f.text, t);
        assert!(f.unknown.is_empty());
    }

    #[test]
    fn empty_template() {
        let f = fill("", &TemplateContext::default());
        assert_eq!(f.text, "");
        assert!(f.ready());
    }

    #[test]
    fn builtins_use_only_known_placeholders() {
        let mut ids = Vec::new();
        for q in QUICK_REPLIES {
            for locale in [Locale::Zh, Locale::En] {
                let f = q.fill(&full(), locale);
                assert!(f.ready(), "{} {:?}: {:?}", q.id, locale, f);
                assert!(!f.text.contains('{'), "{}", f.text);
                let empty = q.fill(&TemplateContext::default(), locale);
                assert!(empty.unknown.is_empty(), "{}", q.id);
            }
            assert_eq!(needs_customer(q.zh), needs_customer(q.en), "{}", q.id);
            assert!(!ids.contains(&q.id), "duplicate id {}", q.id);
            ids.push(q.id);
        }
        assert!(QUICK_REPLIES.len() >= 3);
    }

    #[test]
    fn views_report_missing_with_hint() {
        let ctx = TemplateContext {
            me: Some("李四".into()),
            ..Default::default()
        };
        // A customer whose name is not known.
        let views = quick_reply_views(&ctx, Scope::Single, true, Locale::Zh);
        let greet = views.iter().find(|v| v.id == "greeting").unwrap();
        assert!(!greet.ready);
        assert_eq!(greet.missing, ["name"]);
        assert_eq!(greet.hint.as_deref(), Some("缺少：客户名称"));
        assert!(greet.text.contains("{name}") && greet.text.contains("李四"));
        let en = quick_reply_views(&full(), Scope::Single, true, Locale::En);
        assert!(en.iter().all(|v| v.ready && v.hint.is_none()));
        let j = serde_json::to_value(&en[0]).unwrap();
        assert_eq!(j["hint"], serde_json::Value::Null);
        assert!(j.get("ready").is_some());
    }

    fn ids(views: &[QuickReplyView]) -> Vec<&'static str> {
        views.iter().map(|v| v.id).collect()
    }

    #[test]
    fn without_a_customer_no_reply_names_one() {
        let ctx = TemplateContext {
            me: Some("李四".into()),
            ..Default::default()
        };
        // The attachment bar: who the chat is with is not known.
        let views = quick_reply_views(&ctx, Scope::All, false, Locale::Zh);
        assert_eq!(ids(&views), ["intro"]);
        for v in &views {
            assert!(v.ready && v.hint.is_none(), "{v:?}");
            assert!(!v.text.contains('{'), "{}", v.text);
        }
    }

    #[test]
    fn a_group_chat_gets_the_group_replies() {
        let ctx = TemplateContext {
            me: Some("李四".into()),
            ..Default::default()
        };
        let views = quick_reply_views(&ctx, Scope::Group, false, Locale::En);
        assert_eq!(ids(&views), ["intro", "group_welcome"]);
        assert!(views.iter().all(|v| v.ready && !v.text.contains("{name}")));
    }

    #[test]
    fn a_customer_chat_gets_the_customer_replies_and_no_group_ones() {
        let views = quick_reply_views(&full(), Scope::Single, true, Locale::Zh);
        let got = ids(&views);
        assert!(
            got.contains(&"greeting") && got.contains(&"intro"),
            "{got:?}"
        );
        assert!(!got.contains(&"group_welcome"));
    }

    #[test]
    fn which_templates_name_the_customer() {
        assert!(needs_customer("{name}您好"));
        assert!(needs_customer("感谢{ Company }"));
        assert!(!needs_customer("我是{me}"));
        assert!(!needs_customer("{{name}} 是字面量"));
    }
}
