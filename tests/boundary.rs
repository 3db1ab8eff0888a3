//! The boundary as JS sees it, under `wasm-pack test --node`.
#![cfg(target_arch = "wasm32")]

include!("cases/boundary.rs");
