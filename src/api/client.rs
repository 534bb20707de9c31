//! The HTTP client: one connection pool, retries with backoff for 429/503 and refused
//! connections, typed errors carrying the server's message.

use super::error::field_named_in;
use super::{ApiError, ApiKey, check_base_url};
use crate::workspace::{PatchBody, Workspace};
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
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, key: ApiKey) -> Self {
        Self {
            base_url: base_url.into(),
            key,
            timeout: Duration::from_secs(30),
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
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
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// One try's failure: whether another try could help, and after how long.
enum Attempt {
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
        let host = url.host_str().unwrap_or_default().to_string();
        let mut builder = reqwest::Client::builder()
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
        })
    }

    /// Calls `hook` before each retry, so the person sees why orws waits.
    pub fn with_retry_hook(mut self, hook: RetryHook) -> Self {
        self.on_retry = Some(hook);
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The host of the base URL (drafts and history are kept per host).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Every workspace, following the spec's offset/limit pages.
    pub async fn list(&self) -> Result<Vec<Workspace>, ApiError> {
        self.list_with_progress(|_, _| {}).await
    }

    /// Every workspace; `on_page` sees each page as it arrives, with the server's total count.
    pub async fn list_with_progress(
        &self,
        mut on_page: impl FnMut(&[Workspace], Option<u64>),
    ) -> Result<Vec<Workspace>, ApiError> {
        const PAGE: usize = 100;
        let mut all: Vec<Workspace> = Vec::new();
        loop {
            let path = format!("/workspaces?offset={}&limit={PAGE}", all.len());
            let body = self
                .send(Method::GET, &path, None, "the workspace list")
                .await?;
            let page = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| ApiError::Malformed("the list has no `data` array".into()))?;
            let total = body.get("total_count").and_then(Value::as_u64);
            let n = page.len();
            let start = all.len();
            for item in page {
                all.push(parse_workspace(item.clone())?);
            }
            on_page(&all[start..], total);
            let done = match total {
                Some(total) => all.len() as u64 >= total,
                None => n < PAGE,
            };
            if done || n == 0 {
                return Ok(all);
            }
        }
    }

    /// One workspace by uuid or slug.
    pub async fn get(&self, id_or_slug: &str) -> Result<Workspace, ApiError> {
        let what = format!("workspace '{id_or_slug}'");
        let body = self
            .send(
                Method::GET,
                &format!("/workspaces/{}", encode(id_or_slug)),
                None,
                &what,
            )
            .await?;
        data_workspace(body)
    }

    /// Sends a PATCH to the workspace's uuid and returns what the server now holds.
    pub async fn patch(&self, id: &str, patch: &PatchBody) -> Result<Workspace, ApiError> {
        let what = format!("workspace '{id}'");
        let body = patch.to_body_string();
        let answer = self
            .send(
                Method::PATCH,
                &format!("/workspaces/{}", encode(id)),
                Some(body),
                &what,
            )
            .await?;
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

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
    ) -> Result<Value, ApiError> {
        let max = self.config.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            match self
                .try_once(method.clone(), path, body.clone(), what)
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

    async fn try_once(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
    ) -> Result<Value, Attempt> {
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
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            // A server asking for minutes would hang the screen; cap it.
            .map(|s| Duration::from_secs(s.min(30)));
        let bytes = response.bytes().await.map_err(|e| {
            if e.is_timeout() {
                Attempt::Fail(self.timeout_error())
            } else {
                Attempt::Fail(ApiError::Malformed("the answer was cut short".into()))
            }
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|_| {
                Attempt::Fail(ApiError::Malformed(format!(
                    "{status} with a body that is not JSON ({} bytes)",
                    bytes.len()
                )))
            });
        }
        let message = error_message(&bytes, status);
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

    fn transport_error(&self, e: reqwest::Error) -> Attempt {
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
        } else {
            // The request may have reached the server: never retried, and reported as such.
            Attempt::Fail(ApiError::ConnectionLost { host, cause })
        }
    }
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
        let what = format!("workspace '{id}'");
        let path = format!("/workspaces/{}", encode(id));
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

fn data_workspace(body: Value) -> Result<Workspace, ApiError> {
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

/// Percent-encodes a path segment (a slug typed by a person could hold anything).
fn encode(segment: &str) -> String {
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
