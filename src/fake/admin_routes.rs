//! The admin endpoints of the fake: members, organisation members, keys, budgets, guardrails.
//! Every rule lives in the store (`super::admin`); these only read requests and shape answers.

use super::admin::KeyFilter;
use super::routes::{BASE, Shared, data, lock, paging, parse_body, query_param};
use super::store::ApiError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::sync::Arc;

type Answer = Result<axum::Json<Value>, ApiError>;

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            &format!("{BASE}/workspaces/{{id}}/members"),
            get(list_members),
        )
        .route(
            &format!("{BASE}/workspaces/{{id}}/members/add"),
            post(add_members),
        )
        .route(
            &format!("{BASE}/workspaces/{{id}}/members/remove"),
            post(remove_members),
        )
        .route(
            &format!("{BASE}/organization/members"),
            get(organization_members),
        )
        .route(&format!("{BASE}/keys"), get(list_keys).post(create_key))
        .route(
            &format!("{BASE}/keys/{{hash}}"),
            get(get_key).patch(patch_key).delete(delete_key),
        )
        .route(
            &format!("{BASE}/workspaces/{{id}}/budgets"),
            get(list_budgets),
        )
        .route(
            &format!("{BASE}/workspaces/{{id}}/budgets/{{interval}}"),
            get(get_budget).put(put_budget).delete(delete_budget),
        )
        .route(
            &format!("{BASE}/guardrails"),
            get(list_guardrails).post(super::guardrails::create),
        )
        .route(
            &format!("{BASE}/guardrails/{{id}}"),
            get(get_guardrail)
                .patch(patch_guardrail)
                .delete(super::guardrails::delete),
        )
        .merge(super::guardrails::router())
        .merge(super::activity::router())
}

fn deleted() -> axum::Json<Value> {
    axum::Json(json!({"deleted": true}))
}

async fn list_members(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Answer {
    let (offset, limit) = paging(q.as_deref().unwrap_or_default())?;
    let (page, total) = lock(&s.store).list_members(&id, offset, limit)?;
    Ok(axum::Json(json!({"data": page, "total_count": total})))
}

async fn add_members(State(s): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Answer {
    let body = parse_body(&body)?;
    let added = lock(&s.store).add_members(&id, &body)?;
    Ok(axum::Json(
        json!({"added_count": added.len(), "data": added}),
    ))
}

async fn remove_members(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let body = parse_body(&body)?;
    let removed = lock(&s.store).remove_members(&id, &body)?;
    Ok(axum::Json(json!({"removed_count": removed})))
}

async fn organization_members(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Answer {
    let (offset, limit) = paging(q.as_deref().unwrap_or_default())?;
    let (page, total) = lock(&s.store).organization_members(offset, limit);
    Ok(axum::Json(json!({"data": page, "total_count": total})))
}

/// `true`/`false` (the spec's string booleans); anything else is refused.
fn flag(query: &str, name: &str) -> Result<bool, ApiError> {
    match query_param(query, name).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "{name} must be true or false (got '{other}')"
        ))),
    }
}

async fn list_keys(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Answer {
    let q = q.unwrap_or_default();
    let offset = match query_param(&q, "offset") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!("offset must be a non-negative integer (got '{v}')"))
        })?,
    };
    let filter = KeyFilter {
        workspace_id: query_param(&q, "workspace_id"),
        include_disabled: flag(&q, "include_disabled")?,
        include_expired: flag(&q, "include_expired")?,
        offset,
    };
    lock(&s.store)
        .list_keys(&filter)
        .map(|keys| data(Value::Array(keys)))
}

/// `POST /keys`: 201 with the key and its secret (`key`), the one answer that holds it.
async fn create_key(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Result<(axum::http::StatusCode, axum::Json<Value>), ApiError> {
    let body = parse_body(&body)?;
    let (key, secret) = lock(&s.store).create_key(&body)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(json!({"data": key, "key": secret})),
    ))
}

async fn get_key(State(s): State<Arc<Shared>>, Path(hash): Path<String>) -> Answer {
    lock(&s.store).get_key(&hash).map(data)
}

async fn patch_key(State(s): State<Arc<Shared>>, Path(hash): Path<String>, body: Bytes) -> Answer {
    let body = parse_body(&body)?;
    lock(&s.store).patch_key(&hash, &body).map(data)
}

async fn delete_key(State(s): State<Arc<Shared>>, Path(hash): Path<String>) -> Answer {
    lock(&s.store).delete_key(&hash).map(|()| deleted())
}

async fn list_budgets(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    lock(&s.store).list_budgets(&id).map(axum::Json)
}

async fn get_budget(
    State(s): State<Arc<Shared>>,
    Path((id, interval)): Path<(String, String)>,
) -> Answer {
    lock(&s.store).get_budget(&id, &interval).map(axum::Json)
}

async fn put_budget(
    State(s): State<Arc<Shared>>,
    Path((id, interval)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let body = parse_body(&body)?;
    lock(&s.store)
        .put_budget(&id, &interval, &body)
        .map(axum::Json)
}

async fn delete_budget(
    State(s): State<Arc<Shared>>,
    Path((id, interval)): Path<(String, String)>,
) -> Answer {
    lock(&s.store)
        .delete_budget(&id, &interval)
        .map(|()| deleted())
}

async fn list_guardrails(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Answer {
    let q = q.unwrap_or_default();
    let (offset, limit) = paging(&q)?;
    let ws = query_param(&q, "workspace_id");
    let (page, total) = lock(&s.store).list_guardrails(ws.as_deref(), offset, limit)?;
    Ok(axum::Json(json!({"data": page, "total_count": total})))
}

async fn get_guardrail(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    lock(&s.store).get_guardrail(&id).map(data)
}

async fn patch_guardrail(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let body = parse_body(&body)?;
    lock(&s.store).patch_guardrail(&id, &body).map(data)
}
