//! orws: edit OpenRouter workspaces from the terminal.
//!
//! The domain ([`workspace`]) knows nothing of terminals or HTTP; [`api`] talks to OpenRouter,
//! [`fake`] is a local OpenRouter for the demo and the tests, [`cli`] and [`tui`] are the two
//! front ends over the same core. Both start from [`settings::Settings`] and a
//! [`connection::Connection`] and end in an [`error::RunError`]; neither imports the other.

pub mod admin;

pub mod api;
pub mod batch;
pub mod catalog;
pub mod cli;
pub mod code;
pub mod config;
pub mod connection;
pub mod error;
pub mod fake;
pub mod revert;
pub mod say;
pub mod settings;
pub mod shell;
pub mod startup;
pub mod state;
pub mod submit;
pub mod text;
pub mod tui;
pub mod workspace;
pub mod write;
