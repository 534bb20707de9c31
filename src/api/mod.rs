//! The OpenRouter client: list, get and patch workspaces, the model catalog, typed errors.

mod client;
mod error;
mod key;

pub use client::{
    Client, ClientConfig, MAX_BODY_BYTES, MAX_LIST_BYTES, MAX_PAGES, ModelSummary, RetryHook,
    RetryNotice, WriteFailure, check_workspace_name,
};
pub use error::ApiError;
pub use key::{ApiKey, check_base_url};
