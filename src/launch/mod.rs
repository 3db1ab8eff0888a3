//! The launch slice.
pub mod flow;
