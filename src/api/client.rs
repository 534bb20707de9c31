//! The HTTP client: one connection pool, retries with backoff for 429/503 and refused
//! connections, typed errors carrying the server's message.

use super::error::field_named_in;
use super::{ApiError, ApiKey, check_base_url};
use crate::workspace::{CompactList, PatchBody, Workspace};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// What a retry is about to do, for the person watching.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    /// The attempt that is about to start (2 = first retry).
    pub attempt: u32,
    pub max_attempts: u32,
    pub wait: Duration,
    pub reason: String,
}

pub type RetryHook = Arc<dyn Fn(&RetryNotice) + Send + Sync>;

#[derive(Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub key: ApiKey,
    pub timeout: Duration,
    /// Tries in all for 429, 503 and refused connections.
    pub max_attempts: u32,
    /// The first backoff when the server gives no Retry-After; each next one is 1.5× longer.
    pub initial_backoff: Duration,
    /// The longest wait a `Retry-After` may ask for; longer ones are cut to this.
    pub max_retry_wait: Duration,
    /// Read-only mode, and where it came from (`--read-only`, or `read_only = true` in a
    /// config file): every request other than GET is refused before it leaves the process
    /// ([`ApiError::ReadOnly`]). The one gate both front ends rely on.
    pub read_only: Option<String>,
    /// What drafts and history are kept under instead of the host: a profile's
    /// (`profile:NAME`), so two profiles on one server never mix.
    pub state_key: Option<String>,
}

/// The largest answer read; more is "answer too large" (a workspace is a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 4 << 20;

/// `/activity` alone may answer more (30 days × every workspace × model; product.md §15).
pub const ACTIVITY_MAX_BODY_BYTES: usize = 64 << 20;

/// The most a body of `path` may hold.
fn body_cap(path: &str) -> usize {
    if path.starts_with("/activity") {
        ACTIVITY_MAX_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    }
}
/// The most workspaces orws reads (product's documented limit): a list with more is refused,
/// saying so, before it holds more than that many.
pub const MAX_WORKSPACES: usize = 50_000;
/// The most list pages read (100 workspaces each): past that, the list is not ending.
pub const MAX_PAGES: usize = 1000;
/// The most the whole workspace list may weigh, all pages together (each is capped at
/// [`MAX_BODY_BYTES`]).
pub const MAX_LIST_BYTES: usize = 64 << 20;

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, key: ApiKey) -> Self {
        Self {
            base_url: base_url.into(),
            key,
            timeout: Duration::from_secs(30),
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_retry_wait: Duration::from_secs(30),
            read_only: None,
            state_key: None,
        }
    }
}

/// A model from the catalog, as far as orws needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    pub id: String,
    pub name: String,
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    host: String,
    config: ClientConfig,
    on_retry: Option<RetryHook>,
    /// The server's clock less this machine's, in seconds, from the last answer's `Date`
    /// (0 until one came): a create is ours only if made after it started, by the server's clock.
    clock_offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// One try's failure: whether another try could help, and after how long.
pub(super) enum Attempt {
    Retry {
        wait: Option<Duration>,
        error: ApiError,
    },
    Fail(ApiError),
}

impl Client {
    /// Checks the base URL (https, or http on loopback only) and builds the connection pool.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let url = check_base_url(&config.base_url)?;
        if let Some(problem) = config.key.problem() {
            return Err(ApiError::InvalidKey(problem));
        }
        let host = url.host_str().unwrap_or_default().to_string();
        let mut builder = reqwest::Client::builder()
            // A redirect could carry a PATCH body (and the key) where nobody reviewed it.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("orws/", env!("CARGO_PKG_VERSION")));
        if url.scheme() == "http" {
            // Plain http is loopback only: no certificates to load, no proxy in between.
            builder = builder.tls_built_in_root_certs(false).no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::InvalidBaseUrl(format!("{}: {e}", config.base_url)))?;
        Ok(Self {
            http,
            base: config.base_url.trim_end_matches('/').to_string(),
            host,
            config,
            on_retry: None,
            clock_offset: Default::default(),
        })
    }

    /// A time of this machine's clock as the server's clock tells it, as far as the last
    /// answer's `Date` header says (unchanged until an answer with one came).
    pub fn server_time(&self, local: time::OffsetDateTime) -> time::OffsetDateTime {
        let offset = self.clock_offset.load(std::sync::atomic::Ordering::Relaxed);
        local + time::Duration::seconds(offset)
    }

    /// Calls `hook` before each retry, so the person sees why orws waits.
    pub fn with_retry_hook(mut self, hook: RetryHook) -> Self {
        self.on_retry = Some(hook);
        self
    }

    /// The base URL every request goes under (scheme, host, port and path; no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The host of the base URL.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// What drafts and history are kept under: the profile's name when a profile is in use,
    /// else the host of the base URL.
    pub fn state_key(&self) -> &str {
        self.config.state_key.as_deref().unwrap_or(&self.host)
    }

    /// Where read-only came from, when this client refuses every request other than GET.
    pub fn read_only(&self) -> Option<&str> {
        self.config.read_only.as_deref()
    }

    /// Every workspace, following the spec's offset/limit pages. While the pages come, each
    /// workspace is held as its JSON text (a quarter of its size as a map of values), so a
    /// list that is refused (one that never ends) was never held whole; the maps are made
    /// once every page is in, each text freed as its workspace is made.
    pub async fn list(&self) -> Result<Vec<Workspace>, ApiError> {
        let mut texts: Vec<Box<str>> = Vec::new();
        self.list_pages(|page, _| {
            texts.extend(page.iter().map(Workspace::to_json_text));
        })
        .await?;
        texts
            .into_iter()
            .map(|text| Workspace::from_json_text(&text).map_err(ApiError::Malformed))
            .collect()
    }

    /// Every workspace, held compactly ([`CompactList`]: each as its JSON text, made into a
    /// [`Workspace`] where it is read): what the file commands compare and write.
    pub async fn list_compact(&self) -> Result<CompactList, ApiError> {
        let mut list = CompactList::new();
        self.list_pages(|page, _| page.iter().for_each(|ws| list.push(ws)))
            .await?;
        Ok(list)
    }

    /// Every workspace, handed to `on_page` page by page as it arrives (each workspace once),
    /// with the server's total count; the number listed. The pages are not kept here, so a
    /// caller that keeps them holds the only copy.
    pub async fn list_pages(
        &self,
        mut on_page: impl FnMut(Vec<Workspace>, Option<u64>),
    ) -> Result<usize, ApiError> {
        const PAGE: usize = 100;
        const LIST: &str = "the workspace list";
        let mut listed = 0usize;
        let mut ids = std::collections::HashSet::new();
        let mut weight = 0usize;
        for _ in 0..MAX_PAGES {
            let path = format!("/workspaces?offset={listed}&limit={PAGE}");
            let body = self
                .send(Method::GET, &path, None, "the workspace list")
                .await?;
            let page = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| ApiError::Malformed("the list has no `data` array".into()))?;
            let total = body.get("total_count").and_then(Value::as_u64);
            weight += page.iter().map(json_weight).sum::<usize>();
            if weight > MAX_LIST_BYTES {
                return Err(ApiError::ListTooLarge {
                    limit_mib: (MAX_LIST_BYTES >> 20) as u64,
                    count: listed,
                });
            }
            let n = page.len();
            let start = listed;
            let mut fresh = Vec::with_capacity(n);
            for item in page {
                let ws = parse_workspace(item.clone())?;
                // A workspace created meanwhile shifts the pages by one: skip what was seen.
                if ids.insert(ws.id().to_string()) {
                    fresh.push(ws);
                }
            }
            if listed + fresh.len() > MAX_WORKSPACES {
                return Err(ApiError::Paging(format!(
                    "{LIST} holds more than {MAX_WORKSPACES} workspaces, the most orws reads \
                     (an organisation of more is not supported)"
                )));
            }
            listed += fresh.len();
            on_page(fresh, total);
            let done = match total {
                Some(total) => listed as u64 >= total,
                None => n < PAGE,
            };
            if done {
                return Ok(listed);
            }
            if listed == start {
                return Err(ApiError::paging(
                    LIST,
                    match (n, total) {
                        (0, Some(total)) => format!(
                            "the server counts {total} workspaces but sent no more after {start}"
                        ),
                        (0, None) => format!("an empty page after {start} workspaces"),
                        _ => format!(
                            "the page at offset {start} holds only workspaces already listed"
                        ),
                    },
                ));
            }
        }
        Err(ApiError::paging(
            LIST,
            format!("still more after {MAX_PAGES} pages ({listed} workspaces)"),
        ))
    }

    /// One workspace by uuid or slug.
    pub async fn get(&self, id_or_slug: &str) -> Result<Workspace, ApiError> {
        let path = workspace_path(id_or_slug)?;
        let what = format!("workspace '{id_or_slug}'");
        let body = self.send(Method::GET, &path, None, &what).await?;
        data_workspace(body)
    }

    /// Sends a PATCH to the workspace's uuid and returns what the server now holds.
    pub async fn patch(&self, id: &str, patch: &PatchBody) -> Result<Workspace, ApiError> {
        let path = workspace_path(id)?;
        let what = format!("workspace '{id}'");
        let body = patch.to_body_string();
        let answer = self.send(Method::PATCH, &path, Some(body), &what).await?;
        data_workspace(answer)
    }

    /// The model catalog: text models, or image models.
    pub async fn models(&self, image: bool) -> Result<Vec<ModelSummary>, ApiError> {
        let path = if image {
            "/models?output_modalities=image"
        } else {
            "/models"
        };
        let body = self
            .send(Method::GET, path, None, "the model catalog")
            .await?;
        let data = body
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::Malformed("the model list has no `data` array".into()))?;
        Ok(data
            .iter()
            .filter_map(|m| {
                let id = m.get("id")?.as_str()?.to_string();
                let name = m
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&id)
                    .to_string();
                Some(ModelSummary { id, name })
            })
            .collect())
    }

    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
    ) -> Result<Value, ApiError> {
        let (status, bytes) = self.send_raw(method, path, body, what).await?;
        parse_json(bytes).await.map_err(|len| not_json(status, len))
    }

    /// [`Client::send`] without the parse: the success's status and body, for a caller that
    /// reads the body into its own types (no JSON tree of a large answer).
    pub(super) async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
    ) -> Result<(StatusCode, Vec<u8>), ApiError> {
        let max = self.config.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            match self
                .try_once_raw(method.clone(), path, body.clone(), what)
                .await
            {
                Ok(v) => return Ok(v),
                Err(Attempt::Fail(e)) => return Err(e),
                Err(Attempt::Retry { wait, error }) => {
                    if attempt >= max {
                        return Err(match error {
                            ApiError::Server { status, message } => ApiError::Busy {
                                status,
                                message,
                                attempts: attempt,
                            },
                            other => other,
                        });
                    }
                    let wait = wait.unwrap_or_else(|| self.backoff(attempt));
                    attempt += 1;
                    if let Some(hook) = &self.on_retry {
                        hook(&RetryNotice {
                            attempt,
                            max_attempts: max,
                            wait,
                            reason: error.to_string(),
                        });
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.config
            .initial_backoff
            .mul_f64(1.5f64.powi(attempt as i32 - 1))
    }

    pub(super) async fn try_once(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
    ) -> Result<Value, Attempt> {
        let (status, bytes) = self.try_once_raw(method, path, body, what).await?;
        parse_json(bytes)
            .await
            .map_err(|len| Attempt::Fail(not_json(status, len)))
    }

    /// One request: the success's status and body, or why it failed and whether to try again.
    async fn try_once_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
    ) -> Result<(StatusCode, Vec<u8>), Attempt> {
        let write = method != Method::GET;
        // Read-only: nothing but a GET leaves the process, whichever front end or write asked.
        if write && let Some(from) = &self.config.read_only {
            let path = path.split('?').next().unwrap_or(path);
            return Err(Attempt::Fail(ApiError::ReadOnly {
                request: format!("{method} {}", self.server_text(path)),
                from: from.clone(),
            }));
        }
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, self.config.key.bearer())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(e, write))?;
        let status = response.status();
        if let Some(date) = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        {
            self.clock_offset
                .store(clock_offset(date), std::sync::atomic::Ordering::Relaxed);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, std::time::SystemTime::now()))
            // A server asking for minutes would hang the screen; cap it.
            .map(|wait| wait.min(self.config.max_retry_wait));
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            return Err(Attempt::Fail(ApiError::Redirected {
                status: status.as_u16(),
                location: location.map_or_else(|| "(none)".into(), |l| self.server_text(&l)),
            }));
        }
        let cap = body_cap(path);
        let bytes = read_capped(response, cap).await.map_err(|e| {
            Attempt::Fail(match e {
                BodyError::TooLarge => ApiError::TooLarge {
                    limit_mib: (cap >> 20) as u64,
                },
                BodyError::Http(e) if e.is_timeout() => self.timeout_error(),
                BodyError::Http(_) => ApiError::Malformed("the answer was cut short".into()),
            })
        })?;
        if status.is_success() {
            return Ok((status, bytes));
        }
        let message = self.server_text(&error_message(&bytes, status));
        let error = match status {
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => ApiError::BadRequest {
                field: field_named_in(&message),
                message,
            },
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized { message },
            StatusCode::FORBIDDEN => ApiError::Forbidden { message },
            StatusCode::NOT_FOUND => ApiError::NotFound {
                what: what.to_string(),
            },
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                return Err(Attempt::Retry {
                    wait: retry_after,
                    error: ApiError::Server {
                        status: status.as_u16(),
                        message,
                    },
                });
            }
            _ => ApiError::Server {
                status: status.as_u16(),
                message,
            },
        };
        Err(Attempt::Fail(error))
    }

    fn timeout_error(&self) -> ApiError {
        ApiError::Timeout {
            secs: self.config.timeout.as_secs().max(1),
        }
    }

    /// Text from the server, fit for a message: the key redacted, control characters escaped,
    /// cut to one readable length.
    fn server_text(&self, text: &str) -> String {
        const MAX: usize = 300;
        // Cut generously first so a key at the edge is still whole enough to be found.
        let head: String = text.chars().take(MAX * 4).collect();
        let redacted = crate::text::escape(&self.config.key.redact(&head)).into_owned();
        if redacted.chars().count() > MAX {
            let cut: String = redacted.chars().take(MAX - 1).collect();
            format!("{cut}…")
        } else {
            redacted
        }
    }

    fn transport_error(&self, e: reqwest::Error, write: bool) -> Attempt {
        if e.is_timeout() {
            return Attempt::Fail(self.timeout_error());
        }
        let (host, cause) = (self.host.clone(), root_cause(&e));
        if e.is_connect() {
            // The request never left: trying again cannot apply it twice.
            Attempt::Retry {
                wait: None,
                error: ApiError::Connect { host, cause },
            }
        } else if write {
            // The request may have reached the server: never retried, and reported as such.
            Attempt::Fail(ApiError::ConnectionLost { host, cause })
        } else {
            Attempt::Fail(ApiError::ConnectionLostOnRead { host, cause })
        }
    }
}

/// The largest body parsed on the caller's thread. A larger one is parsed on a blocking
/// thread: the TUI runs on one thread, and a 6 MB `/activity` takes it ~100 ms, during which
/// no key, resize or frame is answered.
const PARSE_INLINE_MAX: usize = 256 << 10;

/// A success whose body is not JSON (`len` bytes).
pub(super) fn not_json(status: StatusCode, len: usize) -> ApiError {
    ApiError::Malformed(format!(
        "{status} with a body that is not JSON ({len} bytes)"
    ))
}

/// The body as JSON, or its length when it is not JSON.
async fn parse_json(bytes: Vec<u8>) -> Result<Value, usize> {
    let len = bytes.len();
    if len <= PARSE_INLINE_MAX {
        return serde_json::from_slice(&bytes).map_err(|_| len);
    }
    tokio::task::spawn_blocking(move || serde_json::from_slice(&bytes).map_err(|_| len))
        .await
        .unwrap_or(Err(len))
}

/// Why a body could not be read whole.
enum BodyError {
    TooLarge,
    Http(reqwest::Error),
}

/// The body, chunk by chunk, stopping as soon as it passes `cap` bytes.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Http)? {
        if body.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The server's `Date` less this machine's clock, in whole seconds.
fn clock_offset(server: std::time::SystemTime) -> i64 {
    let now = std::time::SystemTime::now();
    match server.duration_since(now) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    }
}

/// A `Retry-After` value: seconds, or an HTTP-date (a date past is no wait).
fn retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why a single PATCH did not come back with the workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteFailure {
    /// 429 or 503 (the server asks to come back later), or a refused connection (the request
    /// never left). `retry_after` is the server's wait, capped; `None` leaves the wait to the
    /// caller. A write is retried only after a fresh GET shows it did not land (product.md §6).
    Busy {
        error: ApiError,
        retry_after: Option<Duration>,
    },
    /// Any other failure; `error.may_have_landed()` says whether the server may have applied it.
    Failed(ApiError),
}

// Writes: one try each. `send` retries 429/503 blindly, which for a write could overwrite a
// change made during the wait; the safe-write core (crate::submit) re-reads before retrying.
impl Client {
    /// Sends one PATCH to the workspace's uuid, never retried here.
    pub async fn patch_once(&self, id: &str, patch: &PatchBody) -> Result<Workspace, WriteFailure> {
        // The one checked builder: an id of `..` or `.` would resolve to another resource.
        let path = workspace_path(id).map_err(WriteFailure::Failed)?;
        let what = format!("workspace '{id}'");
        let body = Some(patch.to_body_string());
        match self.try_once(Method::PATCH, &path, body, &what).await {
            Ok(answer) => data_workspace(answer).map_err(WriteFailure::Failed),
            Err(Attempt::Retry { wait, error }) => Err(WriteFailure::Busy {
                error,
                retry_after: wait,
            }),
            Err(Attempt::Fail(error)) => Err(WriteFailure::Failed(error)),
        }
    }
}

/// The innermost cause, e.g. "Connection refused (os error 111)", without the URL.
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// The message of an OpenRouter error body, or a short description of what came instead.
fn error_message(bytes: &[u8], status: StatusCode) -> String {
    let parsed: Option<Value> = serde_json::from_slice(bytes).ok();
    if let Some(msg) = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/message"))
        .and_then(Value::as_str)
    {
        return msg.to_string();
    }
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() || line.len() > 200 {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        line.to_string()
    }
}

pub(super) fn data_workspace(body: Value) -> Result<Workspace, ApiError> {
    match body {
        Value::Object(mut map) => match map.remove("data") {
            Some(data) => parse_workspace(data),
            None => Err(ApiError::Malformed(
                "the answer has no `data` object".into(),
            )),
        },
        _ => Err(ApiError::Malformed(
            "the answer is not a JSON object".into(),
        )),
    }
}

fn parse_workspace(value: Value) -> Result<Workspace, ApiError> {
    Workspace::from_json(value).map_err(|e| ApiError::Malformed(e.to_string()))
}

/// Roughly how many bytes `v` took as JSON text (strings and keys by length), without
/// serialising it again.
fn json_weight(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len() + 2,
        Value::Array(a) => a.iter().map(json_weight).sum::<usize>() + 2,
        Value::Object(o) => {
            o.iter()
                .map(|(k, v)| k.len() + 3 + json_weight(v))
                .sum::<usize>()
                + 2
        }
        _ => 8,
    }
}

/// Whether `id` can name one workspace in a path (not empty, not dots, no `/`, `?`, `#`,
/// `%`, spaces or control characters): an id the server sends is checked before any write.
pub fn check_workspace_name(id: &str) -> Result<(), ApiError> {
    workspace_path(id).map(|_| ())
}

/// `/workspaces/{id}`, refusing what cannot be a uuid or slug (`.`, `..`, empty, `/`, `?`,
/// `#`, spaces, control characters) before any request: such a segment could address
/// another resource.
pub(super) fn workspace_path(id_or_slug: &str) -> Result<String, ApiError> {
    let refuse = |why: &str| {
        Err(ApiError::InvalidTarget(format!(
            "'{}' cannot name a workspace: {why}; give its uuid or slug",
            crate::text::escape(id_or_slug)
        )))
    };
    if id_or_slug.is_empty() {
        return refuse("it is empty");
    }
    if id_or_slug.chars().all(|c| c == '.') {
        return refuse("it is only dots");
    }
    if let Some(c) = id_or_slug
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%') || c.is_whitespace() || c.is_control())
    {
        return refuse(&format!(
            "it holds '{}'",
            crate::text::escape(&c.to_string())
        ));
    }
    if let Some(what) = crate::text::first_unsafe(id_or_slug) {
        return refuse(&format!("it holds {what}"));
    }
    Ok(format!("/workspaces/{}", encode(id_or_slug)))
}

/// Percent-encodes a path segment (a slug typed by a person could hold anything).
pub fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    #[test]
    fn retry_after_in_seconds_and_as_an_http_date() {
        // 1994-11-06 08:49:37 UTC
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:57 GMT", now),
            Some(Duration::from_secs(20))
        );
        assert_eq!(
            retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", SystemTime::now()), None);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_body_parsed_on_a_blocking_thread_reads_as_one_parsed_in_place() {
        let big: Vec<u8> = serde_json::to_vec(&serde_json::json!({
            "data": vec!["x".repeat(100); PARSE_INLINE_MAX / 100]
        }))
        .unwrap();
        assert!(big.len() > PARSE_INLINE_MAX);
        let v = parse_json(big.clone()).await.unwrap();
        assert_eq!(v, serde_json::from_slice::<Value>(&big).unwrap());
        let mut cut = big;
        cut.truncate(PARSE_INLINE_MAX + 10);
        assert_eq!(parse_json(cut).await, Err(PARSE_INLINE_MAX + 10));
        assert_eq!(parse_json(b"{".to_vec()).await, Err(1));
        assert_eq!(
            parse_json(b"[1]".to_vec()).await,
            Ok(serde_json::json!([1]))
        );
    }

    #[test]
    fn dots_slashes_and_empty_names_are_refused() {
        for bad in [
            "", ".", "..", "...", "a/b", "a?b", "a#b", "%2e%2e", "a b", "a\x1bb",
        ] {
            let e = workspace_path(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad:?}");
            assert!(!e.to_string().contains('\x1b'), "{e}");
        }
        assert_eq!(
            workspace_path("production").unwrap(),
            "/workspaces/production"
        );
        assert_eq!(workspace_path("a.b").unwrap(), "/workspaces/a.b");
    }

    #[test]
    fn the_default_limits() {
        let c = ClientConfig::new("https://x", ApiKey::new("k"));
        assert_eq!(c.max_retry_wait, Duration::from_secs(30));
        assert_eq!(c.max_attempts, 3);
        assert_eq!(MAX_BODY_BYTES, 4 * 1024 * 1024);
    }
}
