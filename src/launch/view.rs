//! The launch slice's part of the page: the title, the loading line and the
//! blocking notice.

use serde::Serialize;

use crate::launch::{State, Step};
use crate::protocol::page::Route;
use crate::support::locale::{Locale, Localized};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    pub code: String,
    pub title: String,
    pub message: String,
    pub guidance: Option<String>,
    pub can_retry: bool,
}

pub fn status_text(step: Step) -> Localized {
    match step {
        Step::CheckingSession | Step::LoggingIn | Step::Exchanging => {
            Localized::new("正在登录…", "Signing in…")
        }
        Step::ReadingClient | Step::ReadingContext => {
            Localized::new("正在读取会话…", "Reading the chat…")
        }
        Step::Identifying => Localized::new("正在识别客户…", "Identifying the customer…"),
        Step::Fetching => Localized::new("正在加载…", "Loading…"),
        _ => Localized::new("正在加载…", "Loading…"),
    }
}

pub fn title(route: Route) -> Localized {
    match route {
        Route::Loading | Route::Notice => Localized::new("客户联系", "Customer contact"),
        Route::Card => Localized::new("客户资料", "Customer"),
        Route::Group => Localized::new("客户群", "Customer group"),
        Route::Compose => Localized::new("发送到聊天", "Send to chat"),
        Route::Home => Localized::new("客户联系", "Customer contact"),
        Route::Handover => Localized::new("客户交接", "Customer hand-over"),
    }
}

impl State {
    /// The notice, while the notice page is shown.
    pub fn notice_view(&self, locale: Locale) -> Option<NoticeView> {
        let t = |m: &Localized| m.get(locale).to_owned();
        self.notice
            .as_ref()
            .filter(|_| self.route == Route::Notice)
            .map(|n| NoticeView {
                code: n.code.clone(),
                title: t(&n.title),
                message: t(&n.message),
                guidance: n.guidance.as_ref().map(t),
                can_retry: n.can_retry,
            })
    }
}
