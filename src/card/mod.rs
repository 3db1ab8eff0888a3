//! The customer card slice.
pub mod drafts;
pub mod flow;
pub mod form;
pub mod outbox;
pub mod view;
