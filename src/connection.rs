//! The connection both front ends start from: the client, and under `--demo` the in-process
//! fake it talks to and a temporary directory for the demo's drafts, history and catalog.

use crate::api::{ApiKey, Client, ClientConfig, RetryHook};
use crate::error::RunError;
use crate::fake::{FakeConfig, FakeServer};
use crate::settings::Settings;
use std::path::PathBuf;

/// A client ready to talk, and where this run keeps its state and cache.
pub struct Connection {
    pub client: Client,
    /// Kept alive as long as the client is used.
    pub demo_server: Option<FakeServer>,
    /// Drafts and history: the person's state directory, or under `--demo` the demo's own.
    pub state_dir: Option<PathBuf>,
    /// The model catalog's cache, likewise.
    pub cache_dir: Option<PathBuf>,
    /// The demo's temporary directory, removed when the connection is dropped.
    _demo_dir: Option<tempfile::TempDir>,
}

/// Builds the client; under `--demo`, starts the fake first and makes a private temporary
/// directory, so the demo never writes into the person's real state. Must run inside a
/// tokio runtime.
pub async fn connect(
    settings: &Settings,
    on_retry: Option<RetryHook>,
) -> Result<Connection, RunError> {
    let (base_url, key, demo_server) = if settings.demo {
        let server = crate::fake::start(FakeConfig::default())
            .await
            .map_err(|e| RunError::api(format!("cannot start the demo server: {e}")))?;
        (server.url(), ApiKey::new("orws-demo"), Some(server))
    } else {
        if let Some(problem) = &settings.key_error {
            return Err(RunError::usage(problem.clone()));
        }
        let key = settings.key.clone().ok_or_else(|| {
            RunError::usage(
                "no API key: set OPENROUTER_API_KEY to a management key, or pass --api-key-file PATH \
                 (or try orws --demo, which needs no key)",
            )
        })?;
        (settings.base_url.clone(), key, None)
    };
    let mut config = ClientConfig::new(base_url, key);
    config.timeout = settings.timeout;
    let mut client = Client::new(config)?;
    if let Some(hook) = on_retry {
        client = client.with_retry_hook(hook);
    }
    let demo_dir = if settings.demo {
        Some(demo_dir()?)
    } else {
        None
    };
    let (state_dir, cache_dir) = match &demo_dir {
        Some(d) => (Some(d.path().join("state")), Some(d.path().join("cache"))),
        None => (
            settings.paths.state_dir.clone(),
            settings.paths.cache_dir.clone(),
        ),
    };
    Ok(Connection {
        client,
        demo_server,
        state_dir,
        cache_dir,
        _demo_dir: demo_dir,
    })
}

/// A private temporary directory for the demo's state.
fn demo_dir() -> Result<tempfile::TempDir, RunError> {
    let dir = tempfile::Builder::new()
        .prefix("orws-demo-")
        .tempdir()
        .map_err(|e| RunError::State(format!("cannot create the demo's temp dir: {e}")))?;
    crate::state::private_dir(dir.path())
        .map_err(|e| RunError::State(format!("cannot use the demo's temp dir: {e}")))?;
    Ok(dir)
}
