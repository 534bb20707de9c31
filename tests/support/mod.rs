//! What the test crates share: fixtures, the real binary run against the fake, hostile servers
//! and the PTY screen reader. Each crate includes this folder once; a crate uses what it needs.
#![allow(dead_code, unused_imports)]

pub mod cli_bin;
pub mod client;
pub mod common;
pub mod hostile_http;
pub mod pty_screen;
pub mod scripted;
pub mod sent;
pub mod tui_app;
pub mod tui_loop;
