//! What crosses between the core and the shell, and between slices: events,
//! effects, the render patch, errors, the backend's paths and backoff.
//! Sees [`crate::wecom`] and [`crate::support`].

pub mod config;
pub mod ctx;
pub mod effect;
pub mod error;
pub mod names;
pub mod page;
pub mod patch;
pub mod session;
pub mod storage;
