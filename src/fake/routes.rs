//! The HTTP face of the fake: routes under `/api/v1`, and a front door every request passes
//! (recorded, delayed, maybe faulted, then authenticated).

use super::RecordedRequest;
use super::faults::{self, Fault, FaultQueue};
use super::store::{ApiError, Store};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

pub const BASE: &str = "/api/v1";

/// Largest request body read; more is refused with 413.
const MAX_BODY: usize = 1 << 20;

/// State shared by the handlers and the [`super::FakeServer`] handle.
#[derive(Debug)]
pub struct Shared {
    pub store: Mutex<Store>,
    pub faults: Mutex<FaultQueue>,
    pub requests: Mutex<Vec<RecordedRequest>>,
    pub latency: Duration,
    /// Said in `Retry-After` on every 429 and 503.
    pub retry_after: Duration,
    pub api_key: Option<String>,
    /// Flips to true once, when the server is asked to stop; hanging answers end then.
    pub shutdown: watch::Sender<bool>,
}

impl Shared {
    pub async fn stopped(&self) {
        let mut rx = self.shutdown.subscribe();
        // An error means the sender is gone, which also means stop.
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

/// A poisoned lock only means a handler panicked mid-request; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            &format!("{BASE}/workspaces"),
            get(list_workspaces).post(create_workspace),
        )
        .route(
            &format!("{BASE}/workspaces/{{id}}"),
            get(get_workspace)
                .patch(patch_workspace)
                .delete(delete_workspace),
        )
        .route(&format!("{BASE}/models"), get(list_models))
        .merge(super::admin_routes::router())
        .fallback(|| async { error_response(404, "Not found") })
        .method_not_allowed_fallback(|method: Method| async move {
            error_response(405, format!("Method {method} is not allowed here"))
        })
        .layer(middleware::from_fn_with_state(shared.clone(), front_door))
        .with_state(shared)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(self.status, self.message)
    }
}

/// OpenRouter's error shape, `{"error":{"code":N,"message":"…"}}`, with code = HTTP status.
pub fn error_response(status: u16, message: impl Into<String>) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({"error": {"code": code.as_u16(), "message": message.into()}});
    let mut response = (code, axum::Json(body)).into_response();
    if matches!(code.as_u16(), 429 | 503) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

async fn front_door(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let mut response = answer(&shared, req, next).await;
    // The fake's clock in `Date` (hyper adds the real one only where none is set), so a
    // client's clock correction agrees with the times the fake writes.
    let now = lock(&shared.store).now();
    if let Ok(v) = HeaderValue::from_str(&http_date(now)) {
        response.headers_mut().insert(header::DATE, v);
    }
    if response.headers().contains_key(header::RETRY_AFTER) {
        let secs = shared.retry_after.as_secs().to_string();
        if let Ok(v) = HeaderValue::from_str(&secs) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

/// An HTTP date (RFC 9110 IMF-fixdate).
fn http_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.format(format).unwrap_or_default()
}

async fn answer(shared: &Arc<Shared>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error_response(413, "Request body too large or unreadable");
    };
    let path = parts.uri.path().to_string();
    lock(&shared.requests).push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), ToString::to_string),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        authorization: parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    });
    if !shared.latency.is_zero() {
        tokio::select! {
            () = tokio::time::sleep(shared.latency) => {}
            () = shared.stopped() => return error_response(503, "The server is shutting down"),
        }
    }
    let is_models = path == format!("{BASE}/models");
    let fault_key = if is_models {
        faults::MODELS.to_string()
    } else {
        parts.method.as_str().to_ascii_uppercase()
    };
    let fault = lock(&shared.faults).take(&fault_key);
    if let Some(fault) = fault {
        return faulty_response(fault, shared).await;
    }
    // OpenRouter's model catalog is public; everything else needs a key.
    if !is_models && let Err(e) = authenticate(&parts.headers, shared.api_key.as_deref()) {
        return e.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn authenticate(headers: &HeaderMap, api_key: Option<&str>) -> Result<(), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::new(401, "Missing Authentication header"))?;
    match api_key {
        Some(key) if key != token => Err(ApiError::new(401, "Invalid API key")),
        _ => Ok(()),
    }
}

async fn faulty_response(fault: Fault, shared: &Shared) -> Response {
    let json_200 = |body: Body| {
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
    };
    let built = match fault {
        Fault::Status(status) => return error_response(status, reason(status)),
        Fault::Malformed => json_200(Body::from(
            r#"{"data":{"id":"550e8400-e29b-41d4-a716-446655440000","name":"Produ"#,
        )),
        Fault::WrongShape => json_200(Body::from(r#"{"data":42}"#)),
        Fault::Truncated => {
            use futures_util::StreamExt;
            let sent: Result<Bytes, std::io::Error> = Ok(Bytes::from_static(
                br#"{"data":{"id":"550e8400-e29b-41d4-a716-"#,
            ));
            // A stream of unknown length makes hyper keep our Content-Length. The pause lets
            // the headers and the first chunk go out; the error then drops the connection.
            let cut = async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "truncated on purpose",
                ))
            };
            let stream = futures_util::stream::iter([sent]).chain(futures_util::stream::once(cut));
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "4096")
                .body(Body::from_stream(stream))
        }
        Fault::Hang => {
            shared.stopped().await;
            return error_response(503, "The server is shutting down");
        }
    };
    built.unwrap_or_else(|_| error_response(500, "Internal Server Error"))
}

fn reason(status: u16) -> String {
    match status {
        400 => "Invalid request parameters".into(),
        401 => "Missing Authentication header".into(),
        403 => "Only management keys can perform this operation".into(),
        404 => "Resource not found".into(),
        429 => "Rate limit exceeded".into(),
        _ => StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Injected failure")
            .into(),
    }
}

pub(super) fn parse_body(bytes: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("Request body is not valid JSON: {e}")))
}

pub(super) fn data(value: Value) -> axum::Json<Value> {
    axum::Json(json!({ "data": value }))
}

async fn list_workspaces(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<Value>, ApiError> {
    let (offset, limit) = paging(query.as_deref().unwrap_or_default())?;
    let (page, total) = lock(&shared.store).list(offset, limit);
    Ok(axum::Json(json!({"data": page, "total_count": total})))
}

/// `offset` and `limit` per the spec: offset ≥ 0 (default 0), limit 1–100 (default 50).
pub(super) fn paging(query: &str) -> Result<(usize, usize), ApiError> {
    let offset = match query_param(query, "offset") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!("offset must be a non-negative integer (got '{v}')"))
        })?,
    };
    let limit = match query_param(query, "limit") {
        None => 50,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "limit must be an integer from 1 to 100 (got '{v}')"
                )));
            }
        },
    };
    Ok((offset, limit))
}

async fn get_workspace(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    lock(&shared.store).get(&id).map(data)
}

async fn patch_workspace(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<axum::Json<Value>, ApiError> {
    let body = parse_body(&body)?;
    lock(&shared.store).patch(&id, &body).map(data)
}

async fn create_workspace(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    let body = parse_body(&body)?;
    let created = lock(&shared.store).create(&body)?;
    Ok((StatusCode::CREATED, data(created)))
}

async fn delete_workspace(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<Value>, ApiError> {
    let confirm = query_param(
        query.as_deref().unwrap_or_default(),
        "confirm_default_workspace_deletion",
    );
    lock(&shared.store).delete(&id, confirm.as_deref() == Some("true"))?;
    Ok(axum::Json(json!({"deleted": true})))
}

async fn list_models(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> axum::Json<Value> {
    let wanted = query_param(&query.unwrap_or_default(), "output_modalities")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "text".into());
    let models = lock(&shared.store).models(&wanted);
    let total = models.len();
    axum::Json(json!({"data": models, "total_count": total, "links": {"next": null}}))
}

/// The first value of `name` in a query string, percent-decoded; an empty value counts as absent.
pub(super) fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| percent_decode(k) == name)
        .map(|(_, v)| percent_decode(v))
        .filter(|v| !v.is_empty())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_are_found_and_decoded() {
        let q = "limit=5&output_modalities=text%2Cimage&offset=&flag";
        assert_eq!(query_param(q, "limit").as_deref(), Some("5"));
        assert_eq!(
            query_param(q, "output_modalities").as_deref(),
            Some("text,image")
        );
        assert_eq!(query_param(q, "offset"), None);
        assert_eq!(query_param(q, "flag"), None);
        assert_eq!(query_param(q, "missing"), None);
        assert_eq!(percent_decode("a%zz%2"), "a%zz%2");
    }

    #[test]
    fn bearer_rules() {
        let mut h = HeaderMap::new();
        assert_eq!(authenticate(&h, None).unwrap_err().status, 401);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(
            authenticate(&h, None).unwrap_err().message,
            "Missing Authentication header"
        );
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer k1"));
        assert!(authenticate(&h, None).is_ok());
        assert!(authenticate(&h, Some("k1")).is_ok());
        assert_eq!(
            authenticate(&h, Some("k2")).unwrap_err().message,
            "Invalid API key"
        );
    }
}
