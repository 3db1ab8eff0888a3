//! wecom-contact-core: the pure core of a WeCom customer-contact mini program.
//!
//! The core follows the Elm shape: [`app::update`] takes the model and an
//! event and returns effects (data the shell performs); [`app::view`] derives
//! the view model. Nothing here does I/O, reads a clock or draws a random
//! number: time and ids arrive inside events. [`boundary`] is the only module
//! that knows `JsValue`.

pub mod protocol;
pub mod support;
pub mod wecom;

pub mod card;
pub mod chat;
pub mod handover;
pub mod launch;
pub mod people;

pub mod app;
pub mod rules;

pub mod boundary;
