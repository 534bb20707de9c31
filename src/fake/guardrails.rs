//! Named guardrails and their assignments in the fake: create (R16, R17), delete (never the
//! default, R15), key and member assignments (R22: a key holds one guardrail, only keys of the
//! guardrail's workspace; R23: the default is never assigned) and the organisation-wide lists.
//! The field rules are the domain's own (`crate::admin::guardrail`), not a copy.

use super::admin::AdminState;
use super::store::{ApiError, Store};
use crate::admin::guardrail;
use serde_json::{Map, Value, json};

const SEED: &str = include_str!("../../assets/guardrails.json");

/// Who made an assignment through the API (the fake's key's owner).
const ASSIGNER: &str = "user_abc123";
const ORGANIZATION: &str = "org_orws_fake";

/// Every assignment the fake holds: `KeyAssignment` and `MemberAssignment` objects.
#[derive(Debug, Default)]
pub struct Assignments {
    keys: Vec<Value>,
    members: Vec<Value>,
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// A guardrail object with every field the spec lists (null where not given).
fn complete(mut g: Map<String, Value>) -> Value {
    g.entry("include_byok_in_budgets").or_insert(json!(false));
    for (f, _) in guardrail::GUARDRAIL_FIELDS {
        g.entry(*f).or_insert(Value::Null);
    }
    for (k, v) in [
        ("description", Value::Null),
        ("enforce_zdr", Value::Null),
        ("updated_at", Value::Null),
    ] {
        g.entry(k).or_insert(v);
    }
    Value::Object(g)
}

/// The seed's named guardrails and assignments, keeping those of `workspace_ids` (and the
/// account-wide ones, which belong to no workspace).
pub(super) fn seed(state: &mut AdminState, workspace_ids: &[&str]) -> Result<(), String> {
    let seed: Value = serde_json::from_str(SEED).map_err(|e| e.to_string())?;
    let list = |k: &str| {
        seed.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for g in list("guardrails") {
        let keep = match g.get("workspace_id") {
            Some(Value::String(w)) => workspace_ids.contains(&w.as_str()),
            _ => true,
        };
        if let (true, Value::Object(g)) = (keep, g) {
            state.guardrails.push(complete(g));
        }
    }
    let stamp = "2025-10-04T09:00:00Z";
    for a in list("key_assignments") {
        let (gid, hash) = (str_field(&a, "guardrail_id"), str_field(&a, "key_hash"));
        let key = state.keys.iter().find(|k| str_field(k, "hash") == hash);
        let held = state.guardrails.iter().any(|g| str_field(g, "id") == gid);
        if let (Some(key), true, Some(gid), Some(hash)) = (key, held, gid, hash) {
            let id = super::store::derived_id(&format!("{gid}/{hash}"));
            state
                .assignments
                .keys
                .push(key_assignment(&id, gid, key, hash, stamp));
        }
    }
    for a in list("member_assignments") {
        let (gid, user) = (str_field(&a, "guardrail_id"), str_field(&a, "user_id"));
        let held = state.guardrails.iter().any(|g| str_field(g, "id") == gid);
        if let (true, Some(gid), Some(user)) = (held, gid, user) {
            let id = super::store::derived_id(&format!("{gid}/{user}"));
            state
                .assignments
                .members
                .push(member_assignment(&id, gid, user, stamp));
        }
    }
    Ok(())
}

fn key_assignment(id: &str, gid: &str, key: &Value, hash: &str, stamp: &str) -> Value {
    json!({
        "id": id, "key_hash": hash, "guardrail_id": gid,
        "key_name": str_field(key, "name").unwrap_or_default(),
        "key_label": str_field(key, "label").unwrap_or_default(),
        "assigned_by": ASSIGNER, "created_at": stamp,
    })
}

fn member_assignment(id: &str, gid: &str, user: &str, stamp: &str) -> Value {
    json!({
        "id": id, "user_id": user, "organization_id": ORGANIZATION, "guardrail_id": gid,
        "assigned_by": ASSIGNER, "created_at": stamp,
    })
}

fn page(items: Vec<Value>, offset: usize, limit: usize) -> (Vec<Value>, usize) {
    let total = items.len();
    (items.into_iter().skip(offset).take(limit).collect(), total)
}

/// A list of 1 to 100 non-empty strings under `field`.
fn strings(body: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    let items = body
        .get(field)
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_request(format!("{field} is required: a list")))?;
    if items.is_empty() || items.len() > 100 {
        return Err(ApiError::bad_request(format!(
            "{field} must hold 1 to 100 items"
        )));
    }
    items
        .iter()
        .map(|v| match v.as_str() {
            Some(s) if !s.is_empty() => Ok(s.to_string()),
            _ => Err(ApiError::bad_request(format!(
                "{field} must hold non-empty strings"
            ))),
        })
        .collect()
}

impl Assignments {
    /// Drops the assignments of guardrails no longer held (their workspace was deleted).
    pub(super) fn keep_held(&mut self, guardrails: &[Value]) {
        let held = |a: &Value| {
            guardrails
                .iter()
                .any(|g| str_field(g, "id") == str_field(a, "guardrail_id"))
        };
        self.keys.retain(held);
        self.members.retain(held);
    }
}

impl Store {
    fn is_org_member(&self, user: &str) -> bool {
        self.admin
            .org
            .iter()
            .any(|o| str_field(o, "id") == Some(user))
    }

    fn guardrail_index(&self, id: &str) -> Result<usize, ApiError> {
        self.admin
            .guardrails
            .iter()
            .position(|g| str_field(g, "id") == Some(id))
            .ok_or_else(|| ApiError::new(404, format!("Guardrail '{id}' not found")))
    }

    /// Whether `id` is some workspace's default guardrail (R15, R23).
    pub(super) fn is_default_guardrail(&self, id: &str) -> bool {
        self.workspaces
            .iter()
            .any(|w| w.get("default_guardrail_id").and_then(Value::as_str) == Some(id))
    }

    /// POST /guardrails: a named guardrail in `workspace_id` (else the default workspace,
    /// R19); R17: `limit_usd` with `reset_interval`. It enforces nothing until assigned (R16).
    pub fn create_guardrail(&mut self, body: &Value) -> Result<Value, ApiError> {
        let fields = body
            .as_object()
            .ok_or_else(|| ApiError::bad_request("The body must be a JSON object"))?;
        let name = match fields.get("name").and_then(Value::as_str) {
            Some(n) if !n.trim().is_empty() => n.to_string(),
            _ => return Err(ApiError::bad_request("name is required")),
        };
        let workspace = match fields.get("workspace_id") {
            None => self.default_workspace()?,
            Some(Value::String(w)) => self
                .find(w)
                .map(|i| self.workspaces[i].id().to_string())
                .ok_or_else(|| ApiError::bad_request(format!("Workspace '{w}' not found")))?,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "workspace_id must be a string (got {other})"
                )));
            }
        };
        if fields.contains_key("limit_usd") != fields.contains_key("reset_interval") {
            return Err(ApiError::bad_request(
                "limit_usd and reset_interval must be provided together",
            ));
        }
        let mut g = Map::new();
        for (k, v) in fields {
            match k.as_str() {
                "name" | "workspace_id" => continue,
                "description" if v.is_null() || v.is_string() => {}
                "description" => {
                    return Err(ApiError::bad_request("description must be a string"));
                }
                "enforce_zdr" if v.is_null() || v.is_boolean() => {}
                _ => check_value(k, v)?,
            }
            g.insert(k.clone(), v.clone());
        }
        let (id, stamp) = (self.new_id(), self.stamp());
        g.insert("id".into(), json!(id));
        g.insert("name".into(), json!(name));
        g.insert("workspace_id".into(), json!(workspace));
        g.insert("created_at".into(), json!(stamp));
        let g = complete(g);
        self.admin.guardrails.push(g.clone());
        Ok(g)
    }

    /// DELETE /guardrails/{id}: a default guardrail cannot be deleted (R15); its assignments go.
    pub fn delete_guardrail(&mut self, id: &str) -> Result<(), ApiError> {
        let i = self.guardrail_index(id)?;
        if self.is_default_guardrail(id) {
            return Err(ApiError::bad_request(
                "A workspace's default guardrail cannot be deleted",
            ));
        }
        self.admin.guardrails.remove(i);
        let a = &mut self.admin.assignments;
        a.keys.retain(|x| str_field(x, "guardrail_id") != Some(id));
        a.members
            .retain(|x| str_field(x, "guardrail_id") != Some(id));
        Ok(())
    }

    /// GET /guardrails/{id}/assignments/keys (or `/members`).
    pub fn guardrail_assignments(
        &self,
        id: &str,
        members: bool,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Value>, usize), ApiError> {
        self.guardrail_index(id)?;
        let all = self.all_assignments(members);
        let mine = all
            .into_iter()
            .filter(|a| str_field(a, "guardrail_id") == Some(id))
            .collect();
        Ok(page(mine, offset, limit))
    }

    /// GET /guardrails/assignments/keys (or `/members`): every assignment of the organisation.
    pub fn assignments_page(
        &self,
        members: bool,
        offset: usize,
        limit: usize,
    ) -> (Vec<Value>, usize) {
        page(self.all_assignments(members), offset, limit)
    }

    fn all_assignments(&self, members: bool) -> Vec<Value> {
        let a = &self.admin.assignments;
        if members {
            a.members.clone()
        } else {
            a.keys.clone()
        }
    }

    /// POST /guardrails/{id}/assignments/keys: R22 (one guardrail per key, replacing any
    /// other; only keys of the guardrail's workspace), R23 (not the default). The count of
    /// keys newly assigned.
    pub fn assign_keys(&mut self, id: &str, body: &Value) -> Result<usize, ApiError> {
        let i = self.guardrail_index(id)?;
        if self.is_default_guardrail(id) {
            return Err(ApiError::bad_request(
                "A workspace's default guardrail applies to every key without an assignment and cannot be assigned",
            ));
        }
        let hashes = strings(body, "key_hashes")?;
        let owner = str_field(&self.admin.guardrails[i], "workspace_id").map(str::to_string);
        let mut keys = Vec::new();
        for h in &hashes {
            let key = self
                .admin
                .keys
                .iter()
                .find(|k| str_field(k, "hash") == Some(h.as_str()))
                .ok_or_else(|| ApiError::bad_request(format!("API key '{h}' not found")))?;
            if let Some(w) = &owner
                && str_field(key, "workspace_id") != Some(w.as_str())
            {
                return Err(ApiError::bad_request(format!(
                    "API key '{h}' is not in workspace {w}; a workspace guardrail can be assigned only to keys of its workspace"
                )));
            }
            keys.push(key.clone());
        }
        let mut count = 0;
        for (h, key) in hashes.iter().zip(&keys) {
            let held = &mut self.admin.assignments.keys;
            if held.iter().any(|a| {
                str_field(a, "key_hash") == Some(h) && str_field(a, "guardrail_id") == Some(id)
            }) {
                continue;
            }
            held.retain(|a| str_field(a, "key_hash") != Some(h.as_str()));
            let (aid, stamp) = (self.new_id(), self.stamp());
            let a = key_assignment(&aid, id, key, h, &stamp);
            self.admin.assignments.keys.push(a);
            count += 1;
        }
        Ok(count)
    }

    /// POST /guardrails/{id}/assignments/members: organisation members only; R23.
    pub fn assign_members(&mut self, id: &str, body: &Value) -> Result<usize, ApiError> {
        self.guardrail_index(id)?;
        if self.is_default_guardrail(id) {
            return Err(ApiError::bad_request(
                "A workspace's default guardrail cannot be assigned",
            ));
        }
        let users = strings(body, "member_user_ids")?;
        if let Some(u) = users.iter().find(|u| !self.is_org_member(u)) {
            return Err(ApiError::bad_request(format!(
                "User '{u}' is not a member of the organization"
            )));
        }
        let mut count = 0;
        for u in users {
            let held = &self.admin.assignments.members;
            if held.iter().any(|a| {
                str_field(a, "user_id") == Some(u.as_str())
                    && str_field(a, "guardrail_id") == Some(id)
            }) {
                continue;
            }
            let (aid, stamp) = (self.new_id(), self.stamp());
            let a = member_assignment(&aid, id, &u, &stamp);
            self.admin.assignments.members.push(a);
            count += 1;
        }
        Ok(count)
    }

    /// POST …/remove: the count of assignments removed (none held is not an error).
    pub fn unassign(&mut self, id: &str, members: bool, body: &Value) -> Result<usize, ApiError> {
        self.guardrail_index(id)?;
        let (field, by) = if members {
            ("member_user_ids", "user_id")
        } else {
            ("key_hashes", "key_hash")
        };
        let items = strings(body, field)?;
        let a = &mut self.admin.assignments;
        let held = if members { &mut a.members } else { &mut a.keys };
        let before = held.len();
        held.retain(|x| {
            str_field(x, "guardrail_id") != Some(id)
                || !items.iter().any(|i| str_field(x, by) == Some(i.as_str()))
        });
        Ok(before - held.len())
    }

    /// A key gone takes its assignment with it.
    pub(super) fn forget_key_assignment(&mut self, hash: &str) {
        self.admin
            .assignments
            .keys
            .retain(|a| str_field(a, "key_hash") != Some(hash));
    }

    /// Assigns a key behind the client's back, with no rule checked (a colleague's change).
    pub fn assign_key_unchecked(&mut self, id: &str, hash: &str) {
        let key = self
            .admin
            .keys
            .iter()
            .find(|k| str_field(k, "hash") == Some(hash))
            .cloned()
            .unwrap_or_default();
        self.admin
            .assignments
            .keys
            .retain(|a| str_field(a, "key_hash") != Some(hash));
        let (aid, stamp) = (self.new_id(), self.stamp());
        let a = key_assignment(&aid, id, &key, hash, &stamp);
        self.admin.assignments.keys.push(a);
    }
}

/// One field of a created guardrail, by the domain's rules; an emptied list is refused.
fn check_value(k: &str, v: &Value) -> Result<(), ApiError> {
    if let Some(rule) = guardrail::check_field(k, v).first() {
        return Err(ApiError::bad_request(rule.to_string()));
    }
    if v.as_array().is_some_and(Vec::is_empty) && !k.starts_with("content_filter") {
        return Err(ApiError::bad_request(format!(
            "{k} must not be empty; send null to clear it"
        )));
    }
    Ok(())
}

// The HTTP face: only reading requests and shaping answers; the rules are above.
mod http {
    use super::super::routes::{BASE, Shared, data, lock, paging, parse_body};
    use super::super::store::ApiError;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, RawQuery, State};
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    use serde_json::{Value, json};
    use std::sync::Arc;

    type Answer = Result<axum::Json<Value>, ApiError>;

    /// The assignment routes (the guardrail's own are in `admin_routes`, beside the default's).
    pub fn router() -> Router<Arc<Shared>> {
        let r = |p: &str| format!("{BASE}/guardrails{p}");
        Router::new()
            .route(&r("/assignments/keys"), get(all_keys))
            .route(&r("/assignments/members"), get(all_members))
            .route(
                &r("/{id}/assignments/keys"),
                get(list_keys).post(assign_keys),
            )
            .route(&r("/{id}/assignments/keys/remove"), post(unassign_keys))
            .route(
                &r("/{id}/assignments/members"),
                get(list_members).post(assign_members),
            )
            .route(
                &r("/{id}/assignments/members/remove"),
                post(unassign_members),
            )
    }

    pub async fn create(
        State(s): State<Arc<Shared>>,
        body: Bytes,
    ) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
        let body = parse_body(&body)?;
        let created = lock(&s.store).create_guardrail(&body)?;
        Ok((StatusCode::CREATED, data(created)))
    }

    pub async fn delete(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
        lock(&s.store).delete_guardrail(&id)?;
        Ok(axum::Json(json!({"deleted": true})))
    }

    fn listed((page, total): (Vec<Value>, usize)) -> axum::Json<Value> {
        axum::Json(json!({"data": page, "total_count": total}))
    }

    async fn all_keys(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Answer {
        let (offset, limit) = paging(q.as_deref().unwrap_or_default())?;
        Ok(listed(
            lock(&s.store).assignments_page(false, offset, limit),
        ))
    }

    async fn all_members(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Answer {
        let (offset, limit) = paging(q.as_deref().unwrap_or_default())?;
        Ok(listed(lock(&s.store).assignments_page(true, offset, limit)))
    }

    async fn list_keys(
        State(s): State<Arc<Shared>>,
        Path(id): Path<String>,
        RawQuery(q): RawQuery,
    ) -> Answer {
        let (offset, limit) = paging(q.as_deref().unwrap_or_default())?;
        let got = lock(&s.store).guardrail_assignments(&id, false, offset, limit)?;
        Ok(listed(got))
    }

    async fn list_members(
        State(s): State<Arc<Shared>>,
        Path(id): Path<String>,
        RawQuery(q): RawQuery,
    ) -> Answer {
        let (offset, limit) = paging(q.as_deref().unwrap_or_default())?;
        let got = lock(&s.store).guardrail_assignments(&id, true, offset, limit)?;
        Ok(listed(got))
    }

    async fn assign_keys(
        State(s): State<Arc<Shared>>,
        Path(id): Path<String>,
        body: Bytes,
    ) -> Answer {
        let body = parse_body(&body)?;
        let n = lock(&s.store).assign_keys(&id, &body)?;
        Ok(axum::Json(json!({"assigned_count": n})))
    }

    async fn assign_members(
        State(s): State<Arc<Shared>>,
        Path(id): Path<String>,
        body: Bytes,
    ) -> Answer {
        let body = parse_body(&body)?;
        let n = lock(&s.store).assign_members(&id, &body)?;
        Ok(axum::Json(json!({"assigned_count": n})))
    }

    async fn unassign_keys(
        State(s): State<Arc<Shared>>,
        Path(id): Path<String>,
        body: Bytes,
    ) -> Answer {
        let body = parse_body(&body)?;
        let n = lock(&s.store).unassign(&id, false, &body)?;
        Ok(axum::Json(json!({"unassigned_count": n})))
    }

    async fn unassign_members(
        State(s): State<Arc<Shared>>,
        Path(id): Path<String>,
        body: Bytes,
    ) -> Answer {
        let body = parse_body(&body)?;
        let n = lock(&s.store).unassign(&id, true, &body)?;
        Ok(axum::Json(json!({"unassigned_count": n})))
    }
}

pub(super) use http::{create, delete, router};
