//! wecom-contact-core: the pure core of a WeCom customer-contact mini program.
//!
//! The core follows the Elm shape: [`app::update`] takes the model and an
//! event and returns effects (data the shell performs); [`app::view`] derives
//! the view model. Nothing here does I/O, reads a clock or draws a random
//! number: time and ids arrive inside events. [`boundary`] is the only module
//! that knows `JsValue`.

pub mod ids;
pub mod input;
pub mod locale;

// WeCom context: entries, environment, capabilities, typed wx.qy outcomes.
pub mod capabilities;
pub mod entry;
pub mod environment;
pub mod errcodes;
pub mod outcome;

// The customer card: parsing, text counting, tags, edit forms, card view.
pub mod card;
pub mod customer;
pub mod form;
pub mod tags;
pub mod text;

// Talking back into the chat.
pub mod compose;
pub mod compose_draft;
pub mod enterprise_chat;
pub mod groupchat;
pub mod templates;

// The core loop and what crosses to the shell.
pub mod action;
pub mod app;
pub mod card_flow;
pub mod chat_flow;
pub mod drafts;
pub mod effect;
pub mod error;
pub mod flow;
pub mod outbox;
pub mod patch;
pub mod privacy;
pub mod rules;
pub mod session;
pub mod view;

pub mod boundary;

/// A short, log-safe preview of untrusted text for error messages.
pub(crate) fn text_preview(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}
