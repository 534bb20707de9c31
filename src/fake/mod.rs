//! The embedded OpenRouter: a real HTTP server on loopback serving the workspace endpoints, the
//! admin endpoints (members, organisation members, keys, budgets, guardrails, with the prose
//! rules R1–R23 of tests/fixtures/admin-rules.md) and the model catalog, for `orws --demo`,
//! `orws serve-fake` and the tests. It validates writes with the same rules as the client, and
//! can be told to fail in the ways servers do.

mod activity;
mod admin;
mod admin_routes;
mod faults;
pub mod generate;
mod guardrails;
mod routes;
mod store;

pub use faults::{FailNext, Fault};

use routes::{Shared, lock};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How to run the fake.
#[derive(Clone)]
pub struct FakeConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// A JSON file of workspaces (an array, or `{"data": [...]}`) instead of the embedded seed.
    /// The embedded admin seed (assets/admin.json) then keeps only what belongs to these.
    pub seed: Option<PathBuf>,
    /// Added before every response.
    pub latency: Duration,
    /// When set, only `Authorization: Bearer <this>` is accepted; otherwise any bearer is.
    pub api_key: Option<String>,
    /// Faults for the first requests, as `--fail-next` gives them.
    pub fail_next: Vec<FailNext>,
    /// Generated workspaces added after the seed (`--extra-workspaces`; see `generate`).
    pub extra_workspaces: usize,
    /// The `Retry-After` every 429 and 503 carries (`--retry-after`, whole seconds; 0 allowed,
    /// so a test of what happens during a wait never sleeps).
    pub retry_after: Duration,
    /// The fake's now at start (`--now`; else `ORWS_NOW`; else the real clock): seed times
    /// are offsets from it and its clock runs on from there (product.md §15). For tests and
    /// captures only.
    pub now: Option<time::OffsetDateTime>,
}

/// `ORWS_NOW` (RFC 3339), the fake's now when no `--now` is given; for tests and captures.
pub fn now_from_env() -> Result<Option<time::OffsetDateTime>, String> {
    match std::env::var("ORWS_NOW") {
        Ok(text) if !text.trim().is_empty() => parse_now(text.trim()).map(Some),
        _ => Ok(None),
    }
}

/// An RFC 3339 time for `--now` / `ORWS_NOW`.
pub fn parse_now(text: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("'{text}' is not an RFC 3339 time ({e})"))
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: None,
            latency: Duration::ZERO,
            api_key: None,
            fail_next: Vec::new(),
            extra_workspaces: 0,
            retry_after: Duration::from_secs(1),
            now: None,
        }
    }
}

// The key is a secret even in a fake: it never shows in Debug output.
impl std::fmt::Debug for FakeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeConfig")
            .field("addr", &self.addr)
            .field("seed", &self.seed)
            .field("latency", &self.latency)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("fail_next", &self.fail_next)
            .field("extra_workspaces", &self.extra_workspaces)
            .field("retry_after", &self.retry_after)
            .field("now", &self.now)
            .finish()
    }
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, e.g. `/api/v1/workspaces?offset=0&limit=50`.
    pub path: String,
    /// The raw body as received (lossy UTF-8).
    pub body: String,
    pub authorization: Option<String>,
}

/// A running fake; it stops serving when shut down or dropped.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("url", &self.url())
            .finish()
    }
}

/// Binds, starts serving on the current tokio runtime (a current-thread one will do), and
/// returns at once.
pub async fn start(config: FakeConfig) -> std::io::Result<FakeServer> {
    let (listener, shared) = bind(config).await?;
    let addr = listener.local_addr()?;
    let app = routes::router(shared.clone());
    let signal = {
        let shared = shared.clone();
        async move { shared.stopped().await }
    };
    tokio::spawn(async move {
        // Serving only ends on shutdown; an accept error has no one to report to.
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(signal)
            .await;
    });
    Ok(FakeServer { addr, shared })
}

/// For `orws serve-fake`: binds, calls `on_ready` with the base URL (already live), then serves
/// until the process ends.
pub async fn serve_forever(config: FakeConfig, on_ready: impl FnOnce(&str)) -> std::io::Result<()> {
    let (listener, shared) = bind(config).await?;
    let addr = listener.local_addr()?;
    on_ready(&base_url(addr));
    axum::serve(listener, routes::router(shared)).await
}

async fn bind(config: FakeConfig) -> std::io::Result<(TcpListener, Arc<Shared>)> {
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let now = match config.now {
        Some(now) => Some(now),
        None => now_from_env().map_err(|e| invalid(format!("ORWS_NOW: {e}")))?,
    };
    let clock = now.map(store::Clock::starting_at).unwrap_or_default();
    let store = Store::load_at(config.seed.as_deref(), config.extra_workspaces, clock)?;
    crate::startup::mark("fake_store");
    let listener = TcpListener::bind(config.addr).await?;
    let shared = Arc::new(Shared {
        store: Mutex::new(store),
        faults: Mutex::new(faults::FaultQueue::from_fail_next(&config.fail_next)),
        requests: Mutex::new(Vec::new()),
        latency: config.latency,
        retry_after: config.retry_after,
        api_key: config.api_key,
        shutdown: watch::Sender::new(false),
    });
    Ok((listener, shared))
}

fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}{}", routes::BASE)
}

impl FakeServer {
    /// The base URL, `http://127.0.0.1:PORT/api/v1`.
    pub fn url(&self) -> String {
        base_url(self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The next `count` requests of `method` (e.g. `PATCH`; `MODELS` for GET /models) get `fault`.
    pub fn inject(&self, method: &str, fault: Fault, count: u32) {
        lock(&self.shared.faults).push(method, fault, count);
    }

    /// The workspace as the server holds it now, by uuid or slug.
    pub fn workspace(&self, id_or_slug: &str) -> Option<Value> {
        lock(&self.shared.store).get(id_or_slug).ok()
    }

    /// Every workspace, in list order.
    pub fn workspaces(&self) -> Vec<Value> {
        lock(&self.shared.store).all()
    }

    /// Changes a field behind the client's back, unchecked, and bumps `updated_at`.
    /// Returns false when there is no such workspace.
    pub fn set_field(&self, id_or_slug: &str, field: &str, value: Value) -> bool {
        lock(&self.shared.store).set_field(id_or_slug, field, value)
    }

    /// Every key of a workspace (uuid or slug; disabled and expired too), or all with `None`.
    pub fn keys(&self, workspace: Option<&str>) -> Vec<Value> {
        lock(&self.shared.store).keys_unfiltered(workspace)
    }

    /// Sets (or with `None` clears) a budget behind the client's back, unchecked.
    pub fn set_budget(
        &self,
        workspace: &str,
        interval: crate::admin::budgets::Interval,
        limit: Option<f64>,
    ) -> bool {
        lock(&self.shared.store).set_budget_unchecked(workspace, interval, limit)
    }

    /// Changes a stored guardrail's field behind the client's back, unchecked.
    pub fn set_guardrail_field(&self, id: &str, field: &str, value: Value) -> bool {
        lock(&self.shared.store).set_guardrail_field_unchecked(id, field, value)
    }

    /// Changes a key's field behind the client's back, unchecked.
    pub fn set_key_field(&self, hash: &str, field: &str, value: Value) -> bool {
        lock(&self.shared.store).set_key_field_unchecked(hash, field, value)
    }

    /// Makes `users` a workspace's members behind the client's back, unchecked.
    pub fn set_members(&self, workspace: &str, users: &[&str]) -> bool {
        lock(&self.shared.store).set_members_unchecked(workspace, users)
    }

    /// Assigns a key to a guardrail behind the client's back (a colleague's), unchecked.
    pub fn assign_key(&self, guardrail_id: &str, hash: &str) {
        lock(&self.shared.store).assign_key_unchecked(guardrail_id, hash);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Stops serving: no new connections; requests left hanging are answered 503.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
    }
}
