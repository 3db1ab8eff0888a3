//! The double over real HTTP on loopback, with a real client (one test binary, several
//! modules, so it links once).

mod auth;
mod common;
mod control;
mod externalcontact;
mod handover;
mod media;
