//! WeCom facts, one table each with its source: ids, entries and client
//! versions, the capability table, errMsg outcomes, errcode messages, and
//! the payloads of the server APIs (customer, corp tags, group chat), all
//! read with the one set of tolerant readers in [`lenient`].
//! Sees only [`crate::support`].

pub mod capabilities;
pub mod customer;
pub mod enterprise_chat;
pub mod entry;
pub mod environment;
pub mod errcodes;
pub mod groupchat;
pub mod ids;
pub mod lenient;
pub mod members;
pub mod outcome;
pub mod tags;
pub mod transfer;
