//! The effective settings: flag, else environment, else default; and the client they make.

use super::CliError;
use super::args::{GlobalArgs, Output};
use crate::api::{ApiKey, Client, ClientConfig, RetryHook};
use crate::fake::{FakeConfig, FakeServer};
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

#[derive(Debug, Clone)]
pub struct Settings {
    pub demo: bool,
    pub base_url: String,
    pub key: Option<ApiKey>,
    pub timeout: Duration,
    pub output: Output,
    pub color: bool,
    pub mouse: bool,
}

impl Settings {
    /// Resolves the settings from the flags and an environment lookup (a closure, for tests).
    pub fn resolve(
        global: &GlobalArgs,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CliError> {
        let base_url = global
            .base_url
            .clone()
            .or_else(|| env("OPENROUTER_BASE_URL").filter(|s| !s.is_empty()))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let key = match &global.api_key_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    CliError::usage(format!("cannot read the key file {}: {e}", path.display()))
                })?;
                let key = ApiKey::new(text);
                if key.is_empty() {
                    return Err(CliError::usage(format!(
                        "the key file {} is empty",
                        path.display()
                    )));
                }
                Some(key)
            }
            None => env("OPENROUTER_API_KEY")
                .map(ApiKey::new)
                .filter(|k| !k.is_empty()),
        };
        let color = !global.no_color && env("NO_COLOR").is_none_or(|v| v.is_empty());
        Ok(Self {
            demo: global.demo,
            base_url,
            key,
            timeout: Duration::from_secs(global.timeout.max(1)),
            output: global.output,
            color,
            mouse: global.mouse,
        })
    }
}

/// A client ready to talk, and the in-process fake it talks to under `--demo`.
pub struct Connection {
    pub client: Client,
    /// Kept alive as long as the client is used.
    pub demo_server: Option<FakeServer>,
}

/// Builds the client; under `--demo`, starts the fake first. Must run inside a tokio runtime.
pub async fn connect(
    settings: &Settings,
    on_retry: Option<RetryHook>,
) -> Result<Connection, CliError> {
    let (base_url, key, demo_server) = if settings.demo {
        let server = crate::fake::start(FakeConfig::default())
            .await
            .map_err(|e| CliError::api(format!("cannot start the demo server: {e}")))?;
        (server.url(), ApiKey::new("orws-demo"), Some(server))
    } else {
        let key = settings.key.clone().ok_or_else(|| {
            CliError::usage(
                "no API key: set OPENROUTER_API_KEY to a management key, or pass --api-key-file PATH \
                 (or try orws --demo, which needs no key)",
            )
        })?;
        (settings.base_url.clone(), key, None)
    };
    let mut config = ClientConfig::new(base_url, key);
    config.timeout = settings.timeout;
    let mut client = Client::new(config).map_err(CliError::from)?;
    if let Some(hook) = on_retry {
        client = client.with_retry_hook(hook);
    }
    Ok(Connection {
        client,
        demo_server,
    })
}
