//! The composer's text in storage, so a message being written survives
//! leaving the chat and a kill, like the card's drafts.
//!
//! One key per chat context: `wcc:compose:<context>`, where the context is
//! the customer's external_userid, the group chat id, or `attachment` for
//! the attachment bar (which names no chat). Format v1:
//! `{"v":1,"savedAt":<ms>,"sending":false,"composer":{…}}`. `sending` is
//! written (and acknowledged) before `sendChatMessage` is called: a draft
//! found with it set after a kill means the send may or may not have gone
//! out, and the member is told to check the chat before sending again.

use serde::{Deserialize, Serialize};

use crate::chat::compose::Composer;

pub const COMPOSE_PREFIX: &str = "wcc:compose:";
pub const COMPOSE_VERSION: u64 = 1;
/// The context of the attachment bar, which cannot identify its chat.
pub const ATTACHMENT_CONTEXT: &str = "attachment";

pub fn compose_key(context: &str) -> String {
    format!("{COMPOSE_PREFIX}{context}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComposeDraft {
    pub v: u64,
    pub saved_at: f64,
    #[serde(default)]
    pub sending: bool,
    pub composer: Composer,
}
crate::support::stored::stored_struct!(ComposeDraft {
    v: "v",
    saved_at: "savedAt",
    sending: "sending" = default,
    composer: "composer"
});

impl ComposeDraft {
    pub fn new(saved_at: f64, sending: bool, composer: Composer) -> ComposeDraft {
        ComposeDraft {
            v: COMPOSE_VERSION,
            saved_at,
            sending,
            composer,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored composer draft; anything else (damaged, or from a
    /// newer release) is an error, and the caller sets it aside.
    pub fn parse(raw: &str) -> Result<ComposeDraft, String> {
        let v = crate::support::input::parse_value(raw).map_err(|e| e.to_string())?;
        match v.get("v").and_then(serde_json::Value::as_u64) {
            Some(COMPOSE_VERSION) => crate::support::stored::Stored::read_stored(v),
            Some(n) => Err(format!(
                "composer draft version {n} is not {COMPOSE_VERSION}"
            )),
            None => Err("no version".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::compose::{ComposerField, MsgType};

    #[test]
    fn roundtrip_and_damage() {
        let mut c = Composer::new(MsgType::Text);
        c.set(ComposerField::Text, "您好 👋".into()).unwrap();
        let d = ComposeDraft::new(5.0, true, c);
        assert_eq!(ComposeDraft::parse(&d.to_json()).unwrap(), d);
        assert!(ComposeDraft::parse("{").is_err());
        assert!(ComposeDraft::parse(r#"{"v":2,"composer":{}}"#).is_err());
        assert!(ComposeDraft::parse(r#"{"v":1}"#).is_err());
        let cut = d.to_json();
        assert!(ComposeDraft::parse(&cut[..cut.len() - 3]).is_err());
    }
}
