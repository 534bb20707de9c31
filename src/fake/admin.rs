//! The fake's admin state beyond workspace settings — organisation members, workspace members,
//! API keys, budgets and guardrails — and the prose rules of `admin.yaml` (R1–R21) each write
//! must pass. Budget and guardrail rules are the domain's own (`crate::admin`), not a copy.

use super::store::{ApiError, Store};
use crate::admin::budgets::{self, Interval, Limits};
use crate::admin::guardrail;
use crate::admin::keys::Key;
use crate::admin::members::keys_blocking_removal;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const SEED: &str = include_str!("../../assets/admin.json");

/// GET /keys pages hold this many keys; small, so the demo and the tests page.
pub const KEYS_PAGE: usize = 5;

#[derive(Debug, Default)]
pub struct AdminState {
    /// The uuid of the default workspace (R21), when there is one.
    default_workspace: Option<String>,
    pub(super) org: Vec<Value>,
    /// Users managed by SCIM (no field in the API says so; R7).
    scim: Vec<String>,
    members: Vec<Value>,
    pub(super) keys: Vec<Value>,
    /// Per workspace uuid: the budgets by interval.
    budgets: BTreeMap<String, BTreeMap<Interval, Value>>,
    /// Workspaces whose plan has no budgets (R11: 403).
    budgets_forbidden: Vec<String>,
    pub(super) guardrails: Vec<Value>,
    /// Named guardrails' key and member assignments (`super::guardrails`).
    pub(super) assignments: super::guardrails::Assignments,
}

impl AdminState {
    /// The embedded admin seed, keeping only what belongs to `workspace_ids`.
    /// The seed's times are offsets from `now` (`"now-45d"`, `"now+3d"`, `"now-2h"`); an
    /// RFC 3339 time stays as it is (product.md §15 "Time in the fake").
    pub fn load(
        workspace_ids: &[&str],
        default_slug_id: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Self, String> {
        let seed: Value = serde_json::from_str(SEED).map_err(|e| e.to_string())?;
        let list = |k: &str| -> Vec<Value> {
            seed.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let strings = |k: &str| -> Vec<String> {
            list(k)
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let known = |v: &Value| {
            v.get("workspace_id")
                .and_then(Value::as_str)
                .is_some_and(|w| workspace_ids.contains(&w))
        };
        let mut budgets = BTreeMap::new();
        if let Some(map) = seed.get("budgets").and_then(Value::as_object) {
            for (ws, limits) in map {
                if !workspace_ids.contains(&ws.as_str()) {
                    continue;
                }
                let mut held = BTreeMap::new();
                for (interval, limit) in limits.as_object().into_iter().flatten() {
                    let i = Interval::parse(interval)
                        .ok_or_else(|| format!("budget interval '{interval}'"))?;
                    held.insert(i, budget(ws, i, limit.clone(), "2025-09-01T00:00:00Z"));
                }
                budgets.insert(ws.clone(), held);
            }
        }
        let default_workspace = seed
            .get("default_workspace")
            .and_then(Value::as_str)
            .filter(|d| workspace_ids.contains(d))
            .or(default_slug_id)
            .map(str::to_string);
        let mut state = Self {
            default_workspace,
            org: list("organization_members"),
            scim: strings("scim_managed"),
            members: list("members").into_iter().filter(known).collect(),
            keys: list("keys")
                .into_iter()
                .filter(known)
                .map(|k| seed_times(k, now).map(complete_key))
                .collect::<Result<_, _>>()?,
            budgets,
            budgets_forbidden: strings("budgets_forbidden"),
            guardrails: list("guardrails").into_iter().filter(known).collect(),
            assignments: Default::default(),
        };
        super::guardrails::seed(&mut state, workspace_ids)?;
        Ok(state)
    }
}

impl AdminState {
    /// A generated workspace's budgets and members (`--extra-workspaces`), deterministic from
    /// its uuid: about half have a monthly limit (some a weekly one too), each has one or two
    /// members from the organisation, so a run at scale reads what an organisation holds.
    pub fn add_generated(&mut self, id: &str) {
        let h = id
            .bytes()
            .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
        if h % 2 == 0 {
            let mut held = BTreeMap::new();
            let monthly = 100 + (h % 9) * 50;
            held.insert(
                Interval::Monthly,
                budget(
                    id,
                    Interval::Monthly,
                    json!(monthly),
                    "2025-09-01T00:00:00Z",
                ),
            );
            if h % 3 == 0 {
                held.insert(
                    Interval::Weekly,
                    budget(
                        id,
                        Interval::Weekly,
                        json!(monthly / 4),
                        "2025-09-01T00:00:00Z",
                    ),
                );
            }
            self.budgets.insert(id.to_string(), held);
        }
        let users: Vec<String> = self
            .org
            .iter()
            .filter_map(|o| o.get("id").and_then(Value::as_str).map(str::to_string))
            .collect();
        if users.is_empty() {
            return;
        }
        let n = 1 + (h % 2) as usize;
        for k in 0..n.min(users.len()) {
            let user = &users[(h as usize + k) % users.len()];
            self.members.push(json!({
                "id": crate::fake::store::derived_id(&format!("{id}/{user}")),
                "workspace_id": id,
                "user_id": user,
                "role": "member",
                "created_at": "2025-09-01T09:00:00Z",
            }));
        }
    }
}

/// A WorkspaceBudget object.
fn budget(ws: &str, i: Interval, limit: Value, stamp: &str) -> Value {
    json!({
        "id": crate::fake::store::derived_id(&format!("{ws}/{i}")),
        "workspace_id": ws,
        "limit_usd": limit,
        "reset_interval": i.reset_interval(),
        "created_at": stamp,
        "updated_at": stamp,
    })
}

/// RFC 3339 with seconds, in UTC, as the API writes its times.
pub(super) fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `now-45d`, `now+3d`, `now-2h`, `now-30m`, `now` read on `now`; `None` for anything else.
fn relative_time(text: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let rest = text.strip_prefix("now")?;
    if rest.is_empty() {
        return Some(now);
    }
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let unit = rest.chars().last()?;
    let n: i64 = rest[..rest.len() - 1].parse().ok()?;
    let d = match unit {
        'd' => time::Duration::days(n),
        'h' => time::Duration::hours(n),
        'm' => time::Duration::minutes(n),
        _ => return None,
    };
    Some(now + d * sign)
}

/// A seed key with its times (`created_at`, `updated_at`, `expires_at`, `last_used_at`)
/// read as offsets from `now`.
fn seed_times(mut key: Value, now: OffsetDateTime) -> Result<Value, String> {
    if let Value::Object(map) = &mut key {
        for field in ["created_at", "updated_at", "expires_at", "last_used_at"] {
            if let Some(Value::String(text)) = map.get(field)
                && text.starts_with("now")
            {
                let t = relative_time(text, now)
                    .ok_or_else(|| format!("key {field} '{text}' is not a time"))?;
                map.insert(field.into(), json!(rfc3339(t)));
            }
        }
    }
    Ok(key)
}

/// `sk-or-v1-` and 64 hex digits, as OpenRouter's keys are shaped.
fn new_secret() -> String {
    format!(
        "sk-or-v1-{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Every field the spec requires of a key, with neutral values where the seed is silent.
fn complete_key(mut key: Value) -> Value {
    if let Value::Object(map) = &mut key {
        let usage = map.get("usage").cloned().unwrap_or(json!(0));
        let limit = map.get("limit").cloned().unwrap_or(Value::Null);
        // The windows are shares of the lifetime usage: deterministic, and each within the next.
        let share = |f: f64| json!((usage.as_f64().unwrap_or(0.0) * f * 100.0).round() / 100.0);
        let remaining = match (limit.as_f64(), usage.as_f64()) {
            (Some(l), Some(u)) => json!((l - u).max(0.0)),
            _ => Value::Null,
        };
        for (k, v) in [
            ("label", json!("")),
            ("disabled", json!(false)),
            ("limit", Value::Null),
            ("limit_remaining", remaining),
            ("limit_reset", Value::Null),
            ("include_byok_in_limit", json!(false)),
            ("usage", usage.clone()),
            ("usage_daily", share(0.04)),
            ("usage_weekly", share(0.21)),
            ("usage_monthly", share(0.68)),
            ("byok_usage", json!(0)),
            ("byok_usage_daily", json!(0)),
            ("byok_usage_weekly", json!(0)),
            ("byok_usage_monthly", json!(0)),
            ("created_at", json!("2025-09-01T00:00:00Z")),
            ("updated_at", Value::Null),
            ("creator_user_id", Value::Null),
            ("expires_at", Value::Null),
            ("external_user", Value::Null),
            ("last_used_at", Value::Null),
        ] {
            map.entry(k).or_insert(v);
        }
    }
    key
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn is_expired(key: &Value, now: OffsetDateTime) -> bool {
    str_field(key, "expires_at")
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .is_some_and(|t| t <= now)
}

fn page(items: Vec<Value>, offset: usize, limit: usize) -> (Vec<Value>, usize) {
    let total = items.len();
    (items.into_iter().skip(offset).take(limit).collect(), total)
}

/// Which keys GET /keys lists.
pub struct KeyFilter {
    pub workspace_id: Option<String>,
    pub include_disabled: bool,
    pub include_expired: bool,
    pub offset: usize,
}

impl Store {
    fn workspace_uuid(&self, key: &str) -> Result<String, ApiError> {
        self.find(key)
            .map(|i| self.workspaces[i].id().to_string())
            .ok_or_else(|| ApiError::new(404, format!("Workspace '{key}' not found")))
    }

    pub(super) fn default_workspace(&self) -> Result<String, ApiError> {
        self.admin.default_workspace.clone().ok_or_else(|| {
            // R19: with the default workspace gone, calls without workspace_id are refused.
            ApiError::bad_request("There is no default workspace; pass workspace_id")
        })
    }

    /// R1–R3: refuses a workspace that holds keys, and the default one without confirmation;
    /// what goes with a workspace (budgets, guardrails, memberships) goes.
    pub fn delete_workspace(&mut self, key: &str, confirm_default: bool) -> Result<(), ApiError> {
        let id = self.workspace_uuid(key)?;
        let keys = self
            .admin
            .keys
            .iter()
            .filter(|k| str_field(k, "workspace_id") == Some(id.as_str()))
            .count();
        if keys > 0 {
            return Err(ApiError::bad_request(format!(
                "Workspace has {keys} API key(s); workspaces with active API keys cannot be deleted. Delete the keys or move them to another workspace first"
            )));
        }
        let is_default = self.admin.default_workspace.as_deref() == Some(id.as_str());
        if is_default && !confirm_default {
            return Err(ApiError::bad_request(
                "Deleting the default workspace requires confirm_default_workspace_deletion=true; it permanently disables the account's unscoped inference API keys",
            ));
        }
        let a: &mut AdminState = &mut self.admin;
        a.budgets.remove(&id);
        a.guardrails
            .retain(|g| str_field(g, "workspace_id") != Some(id.as_str()));
        a.assignments.keep_held(&a.guardrails);
        a.members
            .retain(|m| str_field(m, "workspace_id") != Some(id.as_str()));
        if is_default {
            a.default_workspace = None;
        }
        let i = self
            .find(&id)
            .ok_or_else(|| ApiError::new(404, "Workspace not found"))?;
        self.workspaces.remove(i);
        Ok(())
    }

    /// A creator is the first admin of a new workspace.
    pub fn add_creator(&mut self, workspace_id: &str, user_id: &str) {
        let stamp = self.stamp();
        let id = self.new_id();
        self.admin.members.push(json!({
            "id": id, "workspace_id": workspace_id, "user_id": user_id, "role": "admin", "created_at": stamp,
        }));
    }

    fn members_of(&self, id: &str) -> Vec<Value> {
        if self.admin.default_workspace.as_deref() == Some(id) {
            // R7: every organisation member belongs to the default workspace.
            return self
                .admin
                .org
                .iter()
                .map(|o| {
                    let user = str_field(o, "id").unwrap_or_default();
                    let role = if str_field(o, "role") == Some("org:admin") { "admin" } else { "member" };
                    json!({
                        "id": crate::fake::store::derived_id(&format!("{id}/{user}")),
                        "workspace_id": id, "user_id": user, "role": role, "created_at": "2025-08-01T00:00:00Z",
                    })
                })
                .collect();
        }
        self.admin
            .members
            .iter()
            .filter(|m| str_field(m, "workspace_id") == Some(id))
            .cloned()
            .collect()
    }

    pub fn list_members(
        &self,
        key: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Value>, usize), ApiError> {
        let id = self.workspace_uuid(key)?;
        Ok(page(self.members_of(&id), offset, limit))
    }

    pub fn organization_members(&self, offset: usize, limit: usize) -> (Vec<Value>, usize) {
        page(self.admin.org.clone(), offset, limit)
    }

    fn user_ids(body: &Value) -> Result<Vec<String>, ApiError> {
        let ids = body
            .get("user_ids")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::bad_request("user_ids is required: a list of user ids"))?;
        if ids.is_empty() || ids.len() > 100 {
            return Err(ApiError::bad_request(
                "user_ids must hold 1 to 100 user ids",
            ));
        }
        ids.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::bad_request("user_ids must be strings"))
            })
            .collect()
    }

    pub fn add_members(&mut self, key: &str, body: &Value) -> Result<Vec<Value>, ApiError> {
        let id = self.workspace_uuid(key)?;
        let users = Self::user_ids(body)?;
        if let Some(u) = users.iter().find(|u| {
            !self
                .admin
                .org
                .iter()
                .any(|o| str_field(o, "id") == Some(u.as_str()))
        }) {
            return Err(ApiError::bad_request(format!(
                "User '{u}' is not a member of the organization"
            )));
        }
        let present = self.members_of(&id);
        let mut added = Vec::new();
        for u in users {
            if present
                .iter()
                .chain(&added)
                .any(|m| str_field(m, "user_id") == Some(u.as_str()))
            {
                continue;
            }
            let (mid, stamp) = (self.new_id(), self.stamp());
            added.push(json!({"id": mid, "workspace_id": id, "user_id": u, "role": "member", "created_at": stamp}));
        }
        self.admin.members.extend(added.iter().cloned());
        Ok(added)
    }

    /// R6 (keys in the workspace), R7 (SCIM; the default workspace) refuse the whole request.
    pub fn remove_members(&mut self, key: &str, body: &Value) -> Result<usize, ApiError> {
        let id = self.workspace_uuid(key)?;
        let users = Self::user_ids(body)?;
        if self.admin.default_workspace.as_deref() == Some(id.as_str()) {
            return Err(ApiError::bad_request(
                "Members cannot be removed from the default workspace: all organization members keep access to it while they remain in the organization",
            ));
        }
        if let Some(u) = users.iter().find(|u| self.admin.scim.contains(u)) {
            return Err(ApiError::bad_request(format!(
                "User '{u}' is managed by SCIM and cannot be removed; make the change in your identity provider"
            )));
        }
        // R6 as the domain states it (crate::admin::members), not a copy.
        let here: Vec<Key> = self
            .admin
            .keys
            .iter()
            .filter(|k| str_field(k, "workspace_id") == Some(id.as_str()))
            .filter_map(|k| serde_json::from_value(k.clone()).ok())
            .collect();
        if let Some((u, keys)) = keys_blocking_removal(&users, &here).into_iter().next() {
            return Err(ApiError::bad_request(format!(
                "User '{u}' has {} active API key(s) in this workspace and cannot be removed; delete those keys first",
                keys.len()
            )));
        }
        let before = self.admin.members.len();
        self.admin.members.retain(|m| {
            str_field(m, "workspace_id") != Some(id.as_str())
                || !users
                    .iter()
                    .any(|u| str_field(m, "user_id") == Some(u.as_str()))
        });
        Ok(before - self.admin.members.len())
    }

    /// GET /keys: one page of `KEYS_PAGE`; without a workspace, the default one's (R21).
    pub fn list_keys(&self, filter: &KeyFilter) -> Result<Vec<Value>, ApiError> {
        let ws = match &filter.workspace_id {
            Some(w) => self.workspace_uuid(w)?,
            None => self.default_workspace()?,
        };
        let now = self.now();
        let keys: Vec<Value> = self
            .admin
            .keys
            .iter()
            .filter(|k| str_field(k, "workspace_id") == Some(ws.as_str()))
            .filter(|k| filter.include_disabled || k.get("disabled") != Some(&Value::Bool(true)))
            .filter(|k| filter.include_expired || !is_expired(k, now))
            .cloned()
            .collect();
        Ok(page(keys, filter.offset, KEYS_PAGE).0)
    }

    fn key_index(&self, hash: &str) -> Result<usize, ApiError> {
        self.admin
            .keys
            .iter()
            .position(|k| str_field(k, "hash") == Some(hash))
            .ok_or_else(|| ApiError::new(404, format!("API key '{hash}' not found")))
    }

    /// GET /keys/{hash}: the key wherever it is, shaped as the spec's answer: no
    /// `last_used_at` (so no idle label from this read, §15) and no `external_user`.
    pub fn get_key(&self, hash: &str) -> Result<Value, ApiError> {
        let mut key = self.admin.keys[self.key_index(hash)?].clone();
        if let Value::Object(map) = &mut key {
            map.remove("last_used_at");
            map.remove("external_user");
        }
        Ok(key)
    }

    /// POST /keys: a new key in `workspace_id` (the default workspace without one), and its
    /// secret, answered this once and never again (R28: `expires_at` only here, in UTC, with
    /// seconds, in the future).
    pub fn create_key(&mut self, body: &Value) -> Result<(Value, String), ApiError> {
        let fields = body
            .as_object()
            .ok_or_else(|| ApiError::bad_request("The body must be a JSON object"))?;
        let mut key = Map::new();
        let mut workspace = None;
        for (k, v) in fields {
            let ok = match k.as_str() {
                "name" => v.as_str().is_some_and(|s| !s.trim().is_empty()),
                "include_byok_in_limit" => v.is_boolean(),
                "limit" => v.is_null() || v.as_f64().is_some_and(|f| f >= 0.0),
                "limit_reset" => {
                    v.is_null() || matches!(v.as_str(), Some("daily" | "weekly" | "monthly"))
                }
                "creator_user_id" => v.is_null() || v.as_str().is_some_and(|s| !s.is_empty()),
                "expires_at" => match v {
                    Value::Null => true,
                    Value::String(t) => {
                        let at = OffsetDateTime::parse(t, &Rfc3339)
                            .ok()
                            .filter(|_| t.ends_with('Z') || t.ends_with("+00:00"));
                        match at {
                            Some(at) if at > self.now() => true,
                            Some(_) => {
                                return Err(ApiError::bad_request(
                                    "expires_at must be in the future",
                                ));
                            }
                            None => false,
                        }
                    }
                    _ => false,
                },
                "workspace_id" => {
                    let w = v
                        .as_str()
                        .ok_or_else(|| ApiError::bad_request("workspace_id must be a string"))?;
                    workspace = Some(self.workspace_uuid(w)?);
                    continue;
                }
                _ => return Err(ApiError::bad_request(format!("Unknown field '{k}'"))),
            };
            if !ok {
                return Err(ApiError::bad_request(format!(
                    "Invalid value for '{k}': {v}"
                )));
            }
            key.insert(k.clone(), v.clone());
        }
        if !key.contains_key("name") {
            return Err(ApiError::bad_request("name is required"));
        }
        let workspace = match workspace {
            Some(w) => w,
            None => self.default_workspace()?,
        };
        let secret = new_secret();
        let hash = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let label = format!("{}...{}", &secret[..12], &secret[secret.len() - 3..]);
        let stamp = self.stamp();
        key.insert("hash".into(), json!(hash));
        key.insert("label".into(), json!(label));
        key.insert("workspace_id".into(), json!(workspace));
        key.insert("created_at".into(), json!(stamp));
        key.entry("creator_user_id")
            .or_insert(json!(super::store::CURRENT_USER));
        let key = complete_key(Value::Object(key));
        self.admin.keys.push(key.clone());
        let mut answer = key;
        if let Value::Object(map) = &mut answer {
            map.remove("last_used_at");
            map.remove("external_user");
        }
        Ok((answer, secret))
    }

    /// PATCH /keys/{hash}: `workspace_id` moves it (R5), `disabled` and the rest as the spec says.
    pub fn patch_key(&mut self, hash: &str, body: &Value) -> Result<Value, ApiError> {
        let i = self.key_index(hash)?;
        let fields = body
            .as_object()
            .ok_or_else(|| ApiError::bad_request("The body must be a JSON object"))?;
        let mut changes = Map::new();
        for (k, v) in fields {
            let ok = match k.as_str() {
                "disabled" | "include_byok_in_limit" => v.is_boolean(),
                "name" => v.as_str().is_some_and(|s| !s.trim().is_empty()),
                "limit" => v.is_null() || v.as_f64().is_some_and(|f| f >= 0.0),
                "limit_reset" => {
                    v.is_null() || matches!(v.as_str(), Some("daily" | "weekly" | "monthly"))
                }
                "workspace_id" => {
                    let w = v
                        .as_str()
                        .ok_or_else(|| ApiError::bad_request("workspace_id must be a string"))?;
                    changes.insert(k.clone(), json!(self.workspace_uuid(w)?));
                    continue;
                }
                _ => return Err(ApiError::bad_request(format!("Unknown field '{k}'"))),
            };
            if !ok {
                return Err(ApiError::bad_request(format!(
                    "Invalid value for '{k}': {v}"
                )));
            }
            changes.insert(k.clone(), v.clone());
        }
        let stamp = self.stamp();
        let key = &mut self.admin.keys[i];
        if let Value::Object(map) = key {
            map.extend(changes);
            map.insert("updated_at".into(), json!(stamp));
        }
        Ok(key.clone())
    }

    pub fn delete_key(&mut self, hash: &str) -> Result<(), ApiError> {
        let i = self.key_index(hash)?;
        self.admin.keys.remove(i);
        self.forget_key_assignment(hash);
        Ok(())
    }

    fn budgets_of(&self, key: &str) -> Result<String, ApiError> {
        let id = self.workspace_uuid(key)?;
        if self.admin.budgets_forbidden.contains(&id) {
            return Err(ApiError::new(
                403,
                "Workspace budgets are an Enterprise-plan feature; contact sales to enable them",
            ));
        }
        Ok(id)
    }

    fn include_byok(&self, id: &str) -> bool {
        self.find(id)
            .and_then(|i| self.workspaces[i].get("include_byok_in_budgets"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// GET /workspaces/{ref}/budgets: `{data, include_byok_in_budgets}`.
    pub fn list_budgets(&self, key: &str) -> Result<Value, ApiError> {
        let id = self.budgets_of(key)?;
        let data: Vec<Value> = self
            .admin
            .budgets
            .get(&id)
            .into_iter()
            .flat_map(|b| b.values().cloned())
            .collect();
        Ok(json!({"data": data, "include_byok_in_budgets": self.include_byok(&id)}))
    }

    pub fn get_budget(&self, key: &str, interval: &str) -> Result<Value, ApiError> {
        let id = self.budgets_of(key)?;
        let i = parse_interval(interval)?;
        self.admin
            .budgets
            .get(&id)
            .and_then(|b| b.get(&i))
            .map(|b| json!({"data": b}))
            .ok_or_else(|| ApiError::new(404, format!("No {i} budget is set for this workspace")))
    }

    /// PUT: R9 (> 0), R8 (against what is held, the message naming both limits), R10.
    pub fn put_budget(
        &mut self,
        key: &str,
        interval: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let id = self.budgets_of(key)?;
        let i = parse_interval(interval)?;
        let limit = body
            .get("limit_usd")
            .ok_or_else(|| ApiError::bad_request("limit_usd is required"))?;
        let value = limit
            .as_f64()
            .filter(|f| f.is_finite() && *f > 0.0)
            .ok_or_else(|| {
                ApiError::bad_request(format!("limit_usd must be greater than 0 (got {limit})"))
            })?;
        let byok = match body.get("include_byok_in_budgets") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "include_byok_in_budgets must be a boolean (got {other})"
                )));
            }
        };
        let held = self.admin.budgets.get(&id);
        let mut limits = Limits::default();
        for (hi, b) in held.into_iter().flatten() {
            limits.set(*hi, b.get("limit_usd").and_then(Value::as_f64));
        }
        limits.set(i, Some(value));
        if let Some(rule) = budgets::check(&limits).first() {
            return Err(ApiError::bad_request(format!(
                "Budget limits must strictly decrease as scope narrows: {rule}."
            )));
        }
        let stamp = self.stamp();
        let entry = self.admin.budgets.entry(id.clone()).or_default();
        let created = entry
            .get(&i)
            .and_then(|b| str_field(b, "created_at"))
            .unwrap_or(&stamp)
            .to_string();
        let mut b = budget(&id, i, limit.clone(), &created);
        b["updated_at"] = json!(stamp);
        entry.insert(i, b.clone());
        if let Some(byok) = byok
            && let Some(w) = self.find(&id)
        {
            self.workspaces[w].set("include_byok_in_budgets", json!(byok));
        }
        Ok(json!({"data": b, "include_byok_in_budgets": self.include_byok(&id)}))
    }

    /// DELETE: succeeds whether or not the budget exists (R13).
    pub fn delete_budget(&mut self, key: &str, interval: &str) -> Result<(), ApiError> {
        let id = self.budgets_of(key)?;
        let i = parse_interval(interval)?;
        if let Some(b) = self.admin.budgets.get_mut(&id) {
            b.remove(&i);
        }
        Ok(())
    }

    /// GET /guardrails/{id}: 404 until a default guardrail is first written (R14).
    pub fn get_guardrail(&self, id: &str) -> Result<Value, ApiError> {
        self.admin
            .guardrails
            .iter()
            .find(|g| str_field(g, "id") == Some(id))
            .cloned()
            .ok_or_else(|| ApiError::new(404, format!("Guardrail '{id}' not found")))
    }

    /// GET /guardrails: without a workspace, the default one's (R21).
    pub fn list_guardrails(
        &self,
        workspace: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Value>, usize), ApiError> {
        let ws = match workspace {
            Some(w) => self.workspace_uuid(w)?,
            None => self.default_workspace()?,
        };
        let items = self
            .admin
            .guardrails
            .iter()
            .filter(|g| match str_field(g, "workspace_id") {
                Some(w) => w == ws,
                // Account-wide (legacy) guardrails are listed with the default workspace.
                None => self.admin.default_workspace.as_deref() == Some(ws.as_str()),
            })
            .cloned()
            .collect();
        Ok(page(items, offset, limit))
    }

    /// PATCH /guardrails/{id}: updates, or materializes a workspace's default guardrail (R15:
    /// name fixed, collections replaced whole, limit and interval together).
    pub fn patch_guardrail(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let fields = body
            .as_object()
            .ok_or_else(|| ApiError::bad_request("The body must be a JSON object"))?;
        let existing = self
            .admin
            .guardrails
            .iter()
            .position(|g| str_field(g, "id") == Some(id));
        let owner = self
            .workspaces
            .iter()
            .find(|w| w.get("default_guardrail_id").and_then(Value::as_str) == Some(id))
            .map(|w| w.id().to_string());
        let (index, name) = match (existing, &owner) {
            (Some(i), _) => (
                Some(i),
                str_field(&self.admin.guardrails[i], "name")
                    .unwrap_or_default()
                    .to_string(),
            ),
            (None, Some(ws)) => (None, guardrail::default_name(ws)),
            (None, None) => return Err(ApiError::new(404, format!("Guardrail '{id}' not found"))),
        };
        // R15: only a default guardrail's name is fixed; a named one's can change.
        let named = !self.is_default_guardrail(id);
        for (k, v) in fields {
            if k == "name" && named {
                if v.as_str().is_none_or(|n| n.trim().is_empty()) {
                    return Err(ApiError::bad_request("name must be a non-empty string"));
                }
                continue;
            }
            if k == "name" {
                if v.as_str() != Some(name.as_str()) {
                    return Err(ApiError::bad_request(
                        "The name of a workspace's default guardrail cannot be changed",
                    ));
                }
                continue;
            }
            if k == "description" {
                continue;
            }
            if let Some(rule) = guardrail::check_field(k, v).first() {
                return Err(ApiError::bad_request(rule.to_string()));
            }
            if v.as_array().is_some_and(Vec::is_empty) && !k.starts_with("content_filter") {
                return Err(ApiError::bad_request(format!(
                    "{k} must not be empty; send null to clear it"
                )));
            }
        }
        if fields.contains_key("limit_usd") != fields.contains_key("reset_interval") {
            return Err(ApiError::bad_request(
                "limit_usd and reset_interval must be provided together",
            ));
        }
        let stamp = self.stamp();
        let g = match index {
            Some(i) => &mut self.admin.guardrails[i],
            None => {
                let mut g = json!({"id": id, "name": name, "description": null, "workspace_id": owner, "include_byok_in_budgets": false, "created_at": stamp});
                for (f, _) in guardrail::GUARDRAIL_FIELDS {
                    g.as_object_mut().into_iter().for_each(|m| {
                        m.entry(*f).or_insert(Value::Null);
                    });
                }
                self.admin.guardrails.push(g);
                let last = self.admin.guardrails.len() - 1;
                &mut self.admin.guardrails[last]
            }
        };
        if let Value::Object(map) = g {
            for (k, v) in fields {
                if k != "name" || named {
                    map.insert(k.clone(), v.clone());
                }
            }
            map.insert("updated_at".into(), json!(stamp));
        }
        Ok(g.clone())
    }
}

// Changes made behind the client's back, unchecked, for tests of conflict checks.
impl Store {
    /// Every key of a workspace (disabled and expired too), or every key with `None`.
    pub fn keys_unfiltered(&self, workspace: Option<&str>) -> Vec<Value> {
        let ws = workspace.and_then(|w| self.workspace_uuid(w).ok());
        self.admin
            .keys
            .iter()
            .filter(|k| ws.is_none() || str_field(k, "workspace_id") == ws.as_deref())
            .cloned()
            .collect()
    }

    /// Sets or clears one budget with no rule checked; false if there is no such workspace.
    pub fn set_budget_unchecked(
        &mut self,
        workspace: &str,
        interval: Interval,
        limit: Option<f64>,
    ) -> bool {
        let Ok(id) = self.workspace_uuid(workspace) else {
            return false;
        };
        let stamp = self.stamp();
        let held = self.admin.budgets.entry(id.clone()).or_default();
        match limit {
            Some(l) => {
                held.insert(interval, budget(&id, interval, json!(l), &stamp));
            }
            None => {
                held.remove(&interval);
            }
        }
        true
    }

    /// Sets one field of a key with no rule checked; false if there is no such key.
    pub fn set_key_field_unchecked(&mut self, hash: &str, field: &str, value: Value) -> bool {
        match self
            .admin
            .keys
            .iter_mut()
            .find(|k| str_field(k, "hash") == Some(hash))
        {
            Some(Value::Object(k)) => {
                k.insert(field.to_string(), value);
                true
            }
            _ => false,
        }
    }

    /// Makes `users` the members of a workspace with no rule checked; false if there is no
    /// such workspace.
    pub fn set_members_unchecked(&mut self, workspace: &str, users: &[&str]) -> bool {
        let Ok(id) = self.workspace_uuid(workspace) else {
            return false;
        };
        let stamp = self.stamp();
        self.admin
            .members
            .retain(|m| str_field(m, "workspace_id") != Some(id.as_str()));
        let mut once: Vec<&str> = users.to_vec();
        once.sort_unstable();
        once.dedup();
        for u in once {
            self.admin.members.push(json!({
                "id": crate::fake::store::derived_id(&format!("{id}/{u}")),
                "workspace_id": id,
                "user_id": u,
                "role": "member",
                "created_at": stamp,
            }));
        }
        true
    }

    /// Sets one field of a stored guardrail with no rule checked; false if it is not stored.
    pub fn set_guardrail_field_unchecked(&mut self, id: &str, field: &str, value: Value) -> bool {
        let stamp = self.stamp();
        match self
            .admin
            .guardrails
            .iter_mut()
            .find(|g| str_field(g, "id") == Some(id))
        {
            Some(Value::Object(g)) => {
                g.insert(field.to_string(), value);
                g.insert("updated_at".into(), json!(stamp));
                true
            }
            _ => false,
        }
    }
}

fn parse_interval(s: &str) -> Result<Interval, ApiError> {
    Interval::parse(s).ok_or_else(|| {
        ApiError::bad_request(format!(
            "Invalid interval '{s}': expected daily, weekly, monthly or lifetime"
        ))
    })
}
