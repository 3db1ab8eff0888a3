//! The chat slice.
pub mod compose;
pub mod draft;
pub mod flow;
pub mod templates;
