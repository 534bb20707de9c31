//! The admin endpoints (product.md §10): create and delete workspaces, members, keys, budgets and
//! the default guardrail. Reads retry like every GET; writes are one try each and return
//! [`WriteFailure`], like [`Client::patch_once`]: a write is never retried blindly. Every path is
//! built from encoded ids, and every answer that names what it is about is checked against what
//! was asked.

use super::client::{
    Attempt, Client, MAX_PAGES, WriteFailure, data_workspace, encode, workspace_path,
};
use super::error::ApiError;
use crate::admin::budgets::{BudgetRequest, Budgets, Interval};
use crate::admin::key_labels::{KeyCreate, KeyEdit, Secret};
use crate::admin::keys::{Key, KeyPatch, KeyQuery};
use crate::admin::members::{Member, OrgMember};
use crate::workspace::Workspace;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Page size for the lists that take `limit` (members, organisation members).
const PAGE: usize = 100;

/// What `POST /workspaces/{id}/members/add` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedMembers {
    /// The memberships created (users already in the workspace are not repeated).
    pub added: Vec<Member>,
    pub added_count: u64,
}

/// A budget plan that stopped part-way: `landed` requests succeeded (in order), then `failure`.
/// Undo with [`crate::admin::budgets::undo_plan`] over the landed ones only.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetPlanFailure {
    pub landed: usize,
    pub failure: WriteFailure,
}

/// What a budget PUT left on the server.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetAnswer {
    pub interval: Interval,
    pub limit_usd: f64,
    /// The workspace-wide switch as the server now holds it, when it says.
    pub include_byok: Option<bool>,
}

pub(super) fn malformed(what: impl Into<String>) -> ApiError {
    ApiError::Malformed(what.into())
}

/// A path segment naming a key or a guardrail, refused before any request when it cannot be one.
pub(super) fn segment(kind: &str, s: &str) -> Result<String, ApiError> {
    if s.is_empty()
        || s.chars().all(|c| c == '.')
        || s.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(ApiError::InvalidTarget(format!(
            "'{}' cannot name {kind}",
            crate::text::escape(s)
        )));
    }
    Ok(encode(s))
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// An answer about another workspace than the one asked for (when asked by uuid) is refused.
fn check_workspace(asked: &str, answered: &str, what: &str) -> Result<(), ApiError> {
    if looks_like_uuid(asked) && !asked.eq_ignore_ascii_case(answered) {
        return Err(malformed(format!(
            "{what} names workspace '{answered}', not '{asked}' as asked"
        )));
    }
    Ok(())
}

fn parse<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| malformed(format!("{what}: {e}")))
}

pub(super) fn data(mut body: Value, what: &str) -> Result<Value, ApiError> {
    body.get_mut("data")
        .map(Value::take)
        .ok_or_else(|| malformed(format!("{what} has no `data`")))
}

pub(super) fn deleted(body: &Value, what: &str) -> Result<(), ApiError> {
    match body.get("deleted") {
        Some(Value::Bool(true)) => Ok(()),
        _ => Err(malformed(format!(
            "{what}: the answer does not say `deleted: true`"
        ))),
    }
}

pub(super) fn failed(e: ApiError) -> WriteFailure {
    WriteFailure::Failed(e)
}

impl Client {
    /// One write, one try (see [`Client::patch_once`]).
    pub(super) async fn write_once(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Result<Value, WriteFailure> {
        match self
            .try_once(method, path, body.map(|b| b.to_string()), what)
            .await
        {
            Ok(answer) => Ok(answer),
            Err(Attempt::Retry { wait, error }) => Err(WriteFailure::Busy {
                error,
                retry_after: wait,
            }),
            Err(Attempt::Fail(error)) => Err(WriteFailure::Failed(error)),
        }
    }

    /// Every item of an offset/limit list with `total_count`, deduplicated by `key`.
    pub(super) async fn all_pages(
        &self,
        base: &str,
        what: &str,
        key: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let mut all: Vec<Value> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let sep = if base.contains('?') { '&' } else { '?' };
        for _ in 0..MAX_PAGES {
            let path = format!("{base}{sep}offset={}&limit={PAGE}", all.len());
            let body = self.send(Method::GET, &path, None, what).await?;
            let total = body.get("total_count").and_then(Value::as_u64);
            let page = match body.get("data") {
                Some(Value::Array(items)) => items.clone(),
                _ => return Err(malformed(format!("{what} has no `data` array"))),
            };
            let (n, start) = (page.len(), all.len());
            for item in page {
                let id = item
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if seen.insert(id) {
                    all.push(item);
                }
            }
            let done = match total {
                Some(total) => all.len() as u64 >= total,
                None => n < PAGE,
            };
            if done {
                return Ok(all);
            }
            if all.len() == start {
                return Err(ApiError::paging(
                    &format!("the list of {what}"),
                    format!("no new items after {start}"),
                ));
            }
        }
        Err(ApiError::paging(
            &format!("the list of {what}"),
            format!("still more after {MAX_PAGES} pages"),
        ))
    }

    /// `POST /workspaces` with a CreateWorkspaceRequest body (name and slug required); the
    /// answer must be the workspace asked for (same slug).
    pub async fn create_workspace(
        &self,
        body: &Map<String, Value>,
    ) -> Result<Workspace, WriteFailure> {
        let answer = self
            .write_once(
                Method::POST,
                "/workspaces",
                Some(Value::Object(body.clone())),
                "the new workspace",
            )
            .await?;
        let ws = data_workspace(answer).map_err(failed)?;
        if let Some(slug) = body.get("slug").and_then(Value::as_str)
            && ws.slug() != slug
        {
            return Err(failed(malformed(format!(
                "the server created '{}' when '{slug}' was asked for",
                ws.slug()
            ))));
        }
        Ok(ws)
    }

    /// `DELETE /workspaces/{id}`; `confirm_default` adds `confirm_default_workspace_deletion=true`
    /// (R3; ignored by the server for other workspaces). The server refuses while keys remain (R1).
    pub async fn delete_workspace(
        &self,
        id: &str,
        confirm_default: bool,
    ) -> Result<(), WriteFailure> {
        let mut path = workspace_path(id).map_err(failed)?;
        if confirm_default {
            path.push_str("?confirm_default_workspace_deletion=true");
        }
        let what = format!("workspace '{id}'");
        let answer = self.write_once(Method::DELETE, &path, None, &what).await?;
        deleted(&answer, &what).map_err(failed)
    }

    /// Every member of a workspace (all pages).
    pub async fn list_members(&self, workspace: &str) -> Result<Vec<Member>, ApiError> {
        let base = format!("{}/members", workspace_path(workspace)?);
        let what = format!("the members of workspace '{workspace}'");
        let items = self.all_pages(&base, &what, "id").await?;
        let members: Vec<Member> = parse(Value::Array(items), &what)?;
        for m in &members {
            check_workspace(workspace, &m.workspace_id, &what)?;
        }
        Ok(members)
    }

    /// `POST /workspaces/{id}/members/add`.
    pub async fn add_members(
        &self,
        workspace: &str,
        user_ids: &[String],
    ) -> Result<AddedMembers, WriteFailure> {
        let path = format!("{}/members/add", workspace_path(workspace).map_err(failed)?);
        let what = format!("adding members to workspace '{workspace}'");
        let answer = self
            .write_once(
                Method::POST,
                &path,
                Some(json!({ "user_ids": user_ids })),
                &what,
            )
            .await?;
        let added: Vec<Member> =
            parse(data(answer.clone(), &what).map_err(failed)?, &what).map_err(failed)?;
        for m in &added {
            check_workspace(workspace, &m.workspace_id, &what).map_err(failed)?;
            if !user_ids.contains(&m.user_id) {
                return Err(failed(malformed(format!(
                    "{what}: the server added '{}', who was not asked for",
                    m.user_id
                ))));
            }
        }
        let added_count = answer
            .get("added_count")
            .and_then(Value::as_u64)
            .unwrap_or(added.len() as u64);
        Ok(AddedMembers { added, added_count })
    }

    /// `POST /workspaces/{id}/members/remove`: the number removed. Refused for SCIM-managed
    /// members and in the default workspace (R7), and for members with keys here (R6).
    pub async fn remove_members(
        &self,
        workspace: &str,
        user_ids: &[String],
    ) -> Result<u64, WriteFailure> {
        let path = format!(
            "{}/members/remove",
            workspace_path(workspace).map_err(failed)?
        );
        let what = format!("removing members from workspace '{workspace}'");
        let answer = self
            .write_once(
                Method::POST,
                &path,
                Some(json!({ "user_ids": user_ids })),
                &what,
            )
            .await?;
        answer
            .get("removed_count")
            .and_then(Value::as_u64)
            .ok_or_else(|| failed(malformed(format!("{what}: no `removed_count`"))))
    }

    /// Every member of the organisation (all pages).
    pub async fn organization_members(&self) -> Result<Vec<OrgMember>, ApiError> {
        let what = "the organization's members";
        let items = self.all_pages("/organization/members", what, "id").await?;
        parse(Value::Array(items), what)
    }

    /// `GET /keys`, paged by offset until an empty page (the list has no total). Without a
    /// workspace it lists the default workspace's keys (R21).
    pub async fn list_keys(&self, query: &KeyQuery) -> Result<Vec<Key>, ApiError> {
        let mut params = Vec::new();
        if let Some(ws) = &query.workspace_id {
            params.push(format!("workspace_id={}", encode(ws)));
        }
        if query.include_disabled {
            params.push("include_disabled=true".to_string());
        }
        if query.include_expired {
            params.push("include_expired=true".to_string());
        }
        let what = match &query.workspace_id {
            Some(ws) => format!("the keys of workspace '{ws}'"),
            None => "the keys of the default workspace".to_string(),
        };
        let mut all: Vec<Key> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES {
            let mut p = params.clone();
            p.push(format!("offset={}", all.len()));
            let body = self
                .send(Method::GET, &format!("/keys?{}", p.join("&")), None, &what)
                .await?;
            let page: Vec<Key> = parse(data(body, &what)?, &what)?;
            if page.is_empty() {
                return Ok(all);
            }
            let start = all.len();
            for key in page {
                if let Some(ws) = &query.workspace_id {
                    check_workspace(ws, &key.workspace_id, &what)?;
                }
                if seen.insert(key.hash.clone()) {
                    all.push(key);
                }
            }
            if all.len() == start {
                return Err(ApiError::paging(
                    &format!("the list of {what}"),
                    format!("the page at offset {start} holds only keys already listed"),
                ));
            }
        }
        Err(ApiError::paging(
            &format!("the list of {what}"),
            format!("still more after {MAX_PAGES} pages"),
        ))
    }

    /// R21: the default workspace's uuid, as the keys listed without `workspace_id` tell it;
    /// `None` when that list is empty (the server's refusal of a delete is then the last word).
    pub async fn default_workspace_id(&self) -> Result<Option<String>, ApiError> {
        let keys = self
            .list_keys(&KeyQuery {
                include_disabled: true,
                include_expired: true,
                ..KeyQuery::default()
            })
            .await?;
        Ok(crate::admin::keys::default_workspace_from_keys(&keys).map(str::to_string))
    }

    /// `GET /keys/{hash}`: the key with this hash, wherever it is (one request, whatever the
    /// number of workspaces); `Ok(None)` when the server has no such key (404). An answer about
    /// another key is refused. The answer carries no `last_used_at` (§15).
    pub async fn get_key(&self, hash: &str) -> Result<Option<Key>, ApiError> {
        let path = format!("/keys/{}", segment("an API key", hash)?);
        let what = format!("API key '{hash}'");
        let body = match self.send(Method::GET, &path, None, &what).await {
            Ok(body) => body,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let key: Key = parse(data(body, &what)?, &what)?;
        if key.hash != hash {
            return Err(malformed(format!(
                "{what}: the answer is about key '{}'",
                key.hash
            )));
        }
        Ok(Some(key))
    }

    /// `PATCH /keys/{hash}`: move (R5) and/or disable. The answer must be that key, and in the
    /// workspace it was moved to.
    pub async fn patch_key(&self, hash: &str, patch: &KeyPatch) -> Result<Key, WriteFailure> {
        let path = format!("/keys/{}", segment("an API key", hash).map_err(failed)?);
        let what = format!("API key '{hash}'");
        let body = serde_json::to_value(patch).map_err(|e| failed(malformed(e.to_string())))?;
        let answer = self
            .write_once(Method::PATCH, &path, Some(body), &what)
            .await?;
        let key: Key = parse(data(answer, &what).map_err(failed)?, &what).map_err(failed)?;
        if key.hash != hash {
            return Err(failed(malformed(format!(
                "{what}: the answer is about key '{}'",
                key.hash
            ))));
        }
        if let Some(ws) = &patch.workspace_id {
            check_workspace(ws, &key.workspace_id, &what).map_err(failed)?;
        }
        if let Some(d) = patch.disabled
            && key.disabled != d
        {
            return Err(failed(malformed(format!(
                "{what}: still {}",
                if key.disabled { "disabled" } else { "enabled" }
            ))));
        }
        Ok(key)
    }

    /// `POST /keys`: a new key and its secret, which only this answer holds. The secret is
    /// taken out of the answer before anything else reads it and is never part of an error
    /// (an answer without one says so without showing what it holds instead).
    pub async fn create_key(&self, body: &KeyCreate) -> Result<(Key, Secret), WriteFailure> {
        let what = "the new API key";
        let sent = serde_json::to_value(body).map_err(|e| failed(malformed(e.to_string())))?;
        let mut answer = self
            .write_once(Method::POST, "/keys", Some(sent), what)
            .await?;
        let secret = answer.get_mut("key").map(Value::take);
        let key: Key = parse(data(answer, what).map_err(failed)?, what).map_err(failed)?;
        match secret {
            Some(Value::String(s)) if !s.trim().is_empty() && !s.contains(['\n', '\r']) => {
                Ok((key, Secret::new(s)))
            }
            _ => Err(failed(malformed(format!(
                "{what} ({}): the answer holds no usable secret",
                key.hash
            )))),
        }
    }

    /// `PATCH /keys/{hash}` of a key's name, limit, limit reset or BYOK switch. The answer
    /// must be that key.
    pub async fn edit_key(&self, hash: &str, edit: &KeyEdit) -> Result<Key, WriteFailure> {
        let path = format!("/keys/{}", segment("an API key", hash).map_err(failed)?);
        let what = format!("API key '{hash}'");
        let answer = self
            .write_once(
                Method::PATCH,
                &path,
                Some(Value::Object(edit.to_map())),
                &what,
            )
            .await?;
        let key: Key = parse(data(answer, &what).map_err(failed)?, &what).map_err(failed)?;
        if key.hash != hash {
            return Err(failed(malformed(format!(
                "{what}: the answer is about key '{}'",
                key.hash
            ))));
        }
        Ok(key)
    }

    /// `DELETE /keys/{hash}`; not revertable.
    pub async fn delete_key(&self, hash: &str) -> Result<(), WriteFailure> {
        let path = format!("/keys/{}", segment("an API key", hash).map_err(failed)?);
        let what = format!("API key '{hash}'");
        let answer = self.write_once(Method::DELETE, &path, None, &what).await?;
        deleted(&answer, &what).map_err(failed)
    }

    /// The workspace's budgets and BYOK switch. A 403 (budgets are Enterprise-plan, R11) comes
    /// back as [`ApiError::Forbidden`] with the server's message.
    pub async fn get_budgets(&self, workspace: &str) -> Result<Budgets, ApiError> {
        let path = format!("{}/budgets", workspace_path(workspace)?);
        let what = format!("the budgets of workspace '{workspace}'");
        let body = self.send(Method::GET, &path, None, &what).await?;
        let include_byok = body.get("include_byok_in_budgets").and_then(Value::as_bool);
        let items = match body.get("data") {
            Some(Value::Array(items)) => items.clone(),
            _ => return Err(malformed(format!("{what} has no `data` array"))),
        };
        let mut out = Budgets {
            include_byok,
            ..Budgets::default()
        };
        for b in items {
            let ws = b
                .get("workspace_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            check_workspace(workspace, ws, &what)?;
            let interval =
                Interval::from_reset_interval(b.get("reset_interval").and_then(Value::as_str))
                    .ok_or_else(|| {
                        malformed(format!(
                            "{what}: unknown reset_interval {}",
                            b["reset_interval"]
                        ))
                    })?;
            let limit = b
                .get("limit_usd")
                .and_then(Value::as_f64)
                .ok_or_else(|| malformed(format!("{what}: a budget without limit_usd")))?;
            // Two limits for one interval: which one the server enforces cannot be told.
            if out.limits.get(interval).is_some() {
                return Err(malformed(format!(
                    "{what}: two budgets for the {interval} interval"
                )));
            }
            out.limits.set(interval, Some(limit));
        }
        Ok(out)
    }

    /// `PUT /workspaces/{ref}/budgets/{interval}`; `include_byok` is sent only when given (R10).
    pub async fn put_budget(
        &self,
        workspace: &str,
        interval: Interval,
        limit_usd: f64,
        include_byok: Option<bool>,
    ) -> Result<BudgetAnswer, WriteFailure> {
        let path = format!(
            "{}/budgets/{interval}",
            workspace_path(workspace).map_err(failed)?
        );
        let what = format!("the {interval} budget of workspace '{workspace}'");
        let mut body = json!({ "limit_usd": limit_usd });
        if let Some(b) = include_byok {
            body["include_byok_in_budgets"] = json!(b);
        }
        let answer = self
            .write_once(Method::PUT, &path, Some(body), &what)
            .await?;
        let include_byok = answer
            .get("include_byok_in_budgets")
            .and_then(Value::as_bool);
        let b = data(answer, &what).map_err(failed)?;
        let ws = b
            .get("workspace_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        check_workspace(workspace, ws, &what).map_err(failed)?;
        let got = Interval::from_reset_interval(b.get("reset_interval").and_then(Value::as_str));
        if got != Some(interval) {
            return Err(failed(malformed(format!(
                "{what}: the answer is about another interval ({})",
                b["reset_interval"]
            ))));
        }
        let limit = b
            .get("limit_usd")
            .and_then(Value::as_f64)
            .ok_or_else(|| failed(malformed(format!("{what}: no limit_usd"))))?;
        Ok(BudgetAnswer {
            interval,
            limit_usd: limit,
            include_byok,
        })
    }

    /// `DELETE /workspaces/{ref}/budgets/{interval}`; succeeds when there was none (R13).
    pub async fn delete_budget(
        &self,
        workspace: &str,
        interval: Interval,
    ) -> Result<(), WriteFailure> {
        let path = format!(
            "{}/budgets/{interval}",
            workspace_path(workspace).map_err(failed)?
        );
        let what = format!("the {interval} budget of workspace '{workspace}'");
        let answer = self.write_once(Method::DELETE, &path, None, &what).await?;
        deleted(&answer, &what).map_err(failed)
    }

    /// Sends one request of a [`crate::admin::budgets::plan`].
    pub async fn send_budget_request(
        &self,
        workspace: &str,
        request: &BudgetRequest,
    ) -> Result<(), WriteFailure> {
        match request {
            BudgetRequest::Put {
                interval,
                limit_usd,
                include_byok,
            } => self
                .put_budget(workspace, *interval, *limit_usd, *include_byok)
                .await
                .map(|_| ()),
            BudgetRequest::Delete { interval } => self.delete_budget(workspace, *interval).await,
        }
    }

    /// Sends a whole plan in order, one try per request, stopping at the first failure.
    pub async fn apply_budget_plan(
        &self,
        workspace: &str,
        plan: &[BudgetRequest],
    ) -> Result<(), BudgetPlanFailure> {
        for (landed, request) in plan.iter().enumerate() {
            if let Err(failure) = self.send_budget_request(workspace, request).await {
                return Err(BudgetPlanFailure { landed, failure });
            }
        }
        Ok(())
    }

    /// `GET /guardrails/{id}`; a 404 is `Ok(None)`: not configured yet, the account's policy
    /// applies (R14).
    pub async fn get_guardrail(&self, id: &str) -> Result<Option<Map<String, Value>>, ApiError> {
        let path = format!("/guardrails/{}", segment("a guardrail", id)?);
        let what = format!("guardrail '{id}'");
        match self.send(Method::GET, &path, None, &what).await {
            Ok(body) => guardrail_answer(body, id, &what).map(Some),
            Err(ApiError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PATCH /guardrails/{id}` with a body from [`crate::admin::guardrail::patch`]; creates the
    /// default guardrail on its first write (R15).
    pub async fn patch_guardrail(
        &self,
        id: &str,
        patch: &Map<String, Value>,
    ) -> Result<Map<String, Value>, WriteFailure> {
        let path = format!(
            "/guardrails/{}",
            segment("a guardrail", id).map_err(failed)?
        );
        let what = format!("guardrail '{id}'");
        let answer = self
            .write_once(
                Method::PATCH,
                &path,
                Some(Value::Object(patch.clone())),
                &what,
            )
            .await?;
        guardrail_answer(answer, id, &what).map_err(failed)
    }
}

pub(super) fn guardrail_answer(
    body: Value,
    id: &str,
    what: &str,
) -> Result<Map<String, Value>, ApiError> {
    match data(body, what)? {
        Value::Object(g) => {
            let got = g.get("id").and_then(Value::as_str).unwrap_or_default();
            if got != id {
                return Err(malformed(format!(
                    "{what}: the answer is about guardrail '{got}'"
                )));
            }
            Ok(g)
        }
        _ => Err(malformed(format!("{what}: `data` is not an object"))),
    }
}
