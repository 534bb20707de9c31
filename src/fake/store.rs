//! The fake's state: the workspaces (in list order) and the model catalog, and the rules every
//! write must pass. The field rules are the domain's own (`crate::workspace`), not a copy.

use super::admin::AdminState;
use crate::workspace::{READ_ONLY, Workspace, check_value, field};
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;
use time::OffsetDateTime;
use time::macros::format_description;

const SEED: &str = include_str!("../../assets/workspaces.json");
const MODELS: &str = include_str!("../../assets/models.json");

/// Who the fake's API key belongs to; the creator of every workspace made through the API.
pub(super) const CURRENT_USER: &str = "user_abc123";

/// An answer the API gives instead of data: the HTTP status and a message for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    pub(super) fn not_found(key: &str) -> Self {
        Self::new(404, format!("Workspace '{key}' not found"))
    }
}

/// The admin state (keys, members, budgets, guardrails), built when first used.
type LazyAdmin = LazyLock<AdminState, Box<dyn FnOnce() -> AdminState + Send>>;

#[derive(Debug)]
pub struct Store {
    pub(super) workspaces: Vec<Workspace>,
    /// The embedded catalog, parsed when first asked for: not on the way to the demo's
    /// first form (58 KB of JSON; the TUI asks for it only once the form is up).
    models: std::sync::OnceLock<Vec<Value>>,
    pub(super) admin: LazyAdmin,
    last_stamp: Option<OffsetDateTime>,
    clock: Clock,
}

/// The fake's *now* (product.md §15 "Time in the fake"): the real clock, or one moved to a
/// fixed instant at start (`serve-fake --now`, `ORWS_NOW`) that runs on from there.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: time::Duration,
}

impl Clock {
    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: OffsetDateTime) -> Self {
        Self {
            offset: at - OffsetDateTime::now_utc(),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset
    }
}

/// The embedded catalog, parsed on first use (a test checks that it parses).
fn catalog(models: &std::sync::OnceLock<Vec<Value>>) -> &[Value] {
    models.get_or_init(|| serde_json::from_str(MODELS).unwrap_or_default())
}

impl Store {
    /// The embedded seed, or the workspaces in `seed` when given, then `extra` generated ones
    /// (see `generate`), and the embedded catalog.
    #[cfg(test)]
    pub fn load(seed: Option<&Path>, extra: usize) -> std::io::Result<Self> {
        Self::load_at(seed, extra, Clock::default())
    }

    /// As [`Store::load`], with the seed's times (offsets from now) read on `clock`.
    pub fn load_at(seed: Option<&Path>, extra: usize, clock: Clock) -> std::io::Result<Self> {
        let invalid = |msg: String| std::io::Error::new(std::io::ErrorKind::InvalidData, msg);
        let mut workspaces = match seed {
            None => parse_seed(SEED).map_err(|e| invalid(format!("embedded seed: {e}")))?,
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("seed {}: {e}", path.display()))
                })?;
                parse_seed(&text).map_err(|e| invalid(format!("seed {}: {e}", path.display())))?
            }
        };
        let models = std::sync::OnceLock::new();
        // Taken before the generated ones join: the admin seed names only seed workspaces.
        let seed_ids: Vec<String> = workspaces.iter().map(|w| w.id().to_string()).collect();
        let default_id = workspaces
            .iter()
            .find(|w| w.slug() == "default")
            .map(|w| w.id().to_string());
        let now = clock.now();
        let mut generated = Vec::new();
        if extra > 0 {
            super::generate::check_count(extra).map_err(|e| invalid(e.to_string()))?;
            let ids: HashSet<String> = workspaces.iter().map(|w| w.id().to_string()).collect();
            let slugs: HashSet<String> = workspaces.iter().map(|w| w.slug().to_string()).collect();
            for ws in super::generate::workspaces(extra, catalog(&models)) {
                if ids.contains(ws.id()) || slugs.contains(ws.slug()) {
                    return Err(invalid(format!(
                        "generated workspace '{}' repeats the id or slug of one in the seed",
                        ws.slug()
                    )));
                }
                generated.push(ws.id().to_string());
                workspaces.push(ws);
            }
        }
        // Loaded on the first admin request, as of `now`: not on the way to the demo's first
        // form. The seed is compiled in (a failure is a bug, which the fake's tests find).
        let admin: LazyAdmin = LazyLock::new(Box::new(move || {
            let ids: Vec<&str> = seed_ids.iter().map(String::as_str).collect();
            let mut admin = AdminState::load(&ids, default_id.as_deref(), now)
                .unwrap_or_else(|e| panic!("the embedded admin seed: {e}"));
            for id in &generated {
                admin.add_generated(id);
            }
            admin
        }));
        Ok(Self {
            workspaces,
            models,
            admin,
            last_stamp: None,
            clock,
        })
    }

    pub(super) fn find(&self, key: &str) -> Option<usize> {
        // A uuid match wins over a slug match, in case a slug looks like another's uuid.
        self.workspaces
            .iter()
            .position(|w| w.id() == key)
            .or_else(|| self.workspaces.iter().position(|w| w.slug() == key))
    }

    /// One page of workspaces and the total count.
    pub fn list(&self, offset: usize, limit: usize) -> (Vec<Value>, usize) {
        let page = self
            .workspaces
            .iter()
            .skip(offset)
            .take(limit)
            .map(Workspace::to_json)
            .collect();
        (page, self.workspaces.len())
    }

    pub fn all(&self) -> Vec<Value> {
        self.workspaces.iter().map(Workspace::to_json).collect()
    }

    pub fn get(&self, key: &str) -> Result<Value, ApiError> {
        self.find(key)
            .map(|i| self.workspaces[i].to_json())
            .ok_or_else(|| ApiError::not_found(key))
    }

    /// Applies a PATCH body: only the named fields change, and `updated_at` is fresh.
    pub fn patch(&mut self, key: &str, body: &Value) -> Result<Value, ApiError> {
        let i = self.find(key).ok_or_else(|| ApiError::not_found(key))?;
        let fields = as_object(body)?;
        self.check_write(fields, Some(i))?;
        let stamp = self.stamp();
        let ws = &mut self.workspaces[i];
        for (k, v) in fields {
            ws.set(k, v.clone());
        }
        ws.set("updated_at", Value::String(stamp));
        Ok(ws.to_json())
    }

    /// Creates a workspace from a CreateWorkspaceRequest body; unnamed fields take defaults.
    pub fn create(&mut self, body: &Value) -> Result<Value, ApiError> {
        let fields = as_object(body)?;
        for required in ["name", "slug"] {
            if !fields.contains_key(required) {
                return Err(ApiError::bad_request(format!("{required} is required")));
            }
        }
        self.check_write(fields, None)?;
        let id = self.new_id();
        let stamp = self.stamp();
        let given = |k: &str, default: Value| fields.get(k).cloned().unwrap_or(default);
        let mut ws = Map::new();
        ws.insert("id".into(), json!(id));
        // A field not given takes the default orws expects of a fresh create (one table).
        for k in [
            "name",
            "slug",
            "description",
            "default_text_model",
            "default_image_model",
            "default_provider_sort",
            "io_logging_sampling_rate",
            "io_logging_api_key_ids",
            "is_data_discount_logging_enabled",
            "is_observability_broadcast_enabled",
            "is_observability_io_logging_enabled",
        ] {
            let default = crate::admin::workspaces::create_default(k).unwrap_or(Value::Null);
            ws.insert(k.into(), given(k, default));
        }
        if let Some(tools) = fields.get("disabled_server_tools") {
            ws.insert("disabled_server_tools".into(), tools.clone());
        }
        ws.insert("default_guardrail_id".into(), json!(derived_id(&id)));
        ws.insert(
            "include_byok_in_budgets".into(),
            crate::admin::workspaces::create_default("include_byok_in_budgets")
                .unwrap_or(Value::Bool(false)),
        );
        ws.insert("created_at".into(), json!(stamp));
        ws.insert("created_by".into(), json!(CURRENT_USER));
        ws.insert("updated_at".into(), json!(stamp));
        let ws = Workspace::from_json(Value::Object(ws))
            .map_err(|e| ApiError::new(500, format!("Internal Server Error: {e}")))?;
        let out = ws.to_json();
        self.workspaces.push(ws);
        self.add_creator(&id, CURRENT_USER);
        Ok(out)
    }

    /// DELETE /workspaces/{id} with R1–R3 (see `delete_workspace`).
    pub fn delete(&mut self, key: &str, confirm_default: bool) -> Result<(), ApiError> {
        self.delete_workspace(key, confirm_default)
    }

    /// Changes a field with no checks, as another client might; false if there is no such workspace.
    pub fn set_field(&mut self, key: &str, name: &str, value: Value) -> bool {
        let Some(i) = self.find(key) else {
            return false;
        };
        let stamp = self.stamp();
        let ws = &mut self.workspaces[i];
        ws.set(name, value);
        if name != "updated_at" {
            ws.set("updated_at", Value::String(stamp));
        }
        true
    }

    /// Models whose output modalities include one of `wanted` (comma-separated; `all` = every model).
    pub fn models(&self, wanted: &str) -> Vec<Value> {
        let wanted: Vec<String> = wanted
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        let all = wanted.iter().any(|w| w == "all");
        catalog(&self.models)
            .iter()
            .filter(|m| {
                all || m["architecture"]["output_modalities"]
                    .as_array()
                    .is_some_and(|outs| {
                        outs.iter()
                            .any(|o| wanted.iter().any(|w| o.as_str() == Some(w)))
                    })
            })
            .cloned()
            .collect()
    }

    /// Every key must be editable and every value must pass the field's rule; a slug must be free.
    fn check_write(
        &self,
        fields: &Map<String, Value>,
        target: Option<usize>,
    ) -> Result<(), ApiError> {
        for (key, value) in fields {
            let Some(spec) = field(key) else {
                let server_field = target.is_some_and(|i| self.workspaces[i].get(key).is_some());
                return Err(ApiError::bad_request(
                    if READ_ONLY.contains(&key.as_str()) || server_field {
                        format!("Field '{key}' is read-only")
                    } else {
                        format!("Unknown field '{key}'")
                    },
                ));
            };
            check_value(spec, value).map_err(ApiError::bad_request)?;
        }
        if let Some(slug) = fields.get("slug").and_then(Value::as_str) {
            let taken = self
                .workspaces
                .iter()
                .enumerate()
                .any(|(i, w)| Some(i) != target && w.slug() == slug);
            if taken {
                return Err(ApiError::bad_request(format!(
                    "Slug '{slug}' is already in use"
                )));
            }
        }
        Ok(())
    }

    /// A fresh RFC 3339 UTC timestamp, always later than the last one issued, so two quick
    /// writes never share an `updated_at`.
    pub(super) fn stamp(&mut self) -> String {
        let now = self.now();
        let mut now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
        if let Some(last) = self.last_stamp
            && now <= last
        {
            now = last + time::Duration::milliseconds(1);
        }
        self.last_stamp = Some(now);
        let format = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        );
        now.format(format)
            .unwrap_or_else(|_| now.unix_timestamp().to_string())
    }

    /// The fake's now.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub(super) fn new_id(&mut self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::bad_request("Request body must be a JSON object"))
}

/// Parses a seed: a JSON array of workspaces, or a list response `{"data": [...]}`.
fn parse_seed(text: &str) -> Result<Vec<Workspace>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => match obj.remove("data") {
            Some(Value::Array(items)) => items,
            _ => return Err("expected a JSON array of workspaces or {\"data\": [...]}".into()),
        },
        _ => return Err("expected a JSON array of workspaces or {\"data\": [...]}".into()),
    };
    let mut out: Vec<Workspace> = Vec::with_capacity(items.len());
    for (n, item) in items.into_iter().enumerate() {
        let ws = Workspace::from_json(item).map_err(|e| format!("workspace #{}: {e}", n + 1))?;
        if let Some(dup) = out
            .iter()
            .find(|w| w.id() == ws.id() || w.slug() == ws.slug())
        {
            return Err(format!(
                "workspace #{} repeats the id or slug of '{}'",
                n + 1,
                dup.slug()
            ));
        }
        out.push(ws);
    }
    Ok(out)
}

/// The default guardrail's id, derived from the workspace id as OpenRouter does (a stable,
/// name-based uuid; FNV-1a here, as the real derivation is not public).
pub fn derived_id(workspace_id: &str) -> String {
    let fnv = |seed: u64| {
        workspace_id.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let hi = splitmix64(fnv(0xcbf2_9ce4_8422_2325));
    let lo = splitmix64(fnv(0x6c62_272e_07bb_0142));
    format_uuid(hi, lo, 5)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// 128 bits as a uuid with the given version and the RFC 4122 variant.
fn format_uuid(hi: u64, lo: u64, version: u64) -> String {
    let hi = (hi & !0xf000) | (version << 12);
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::load(None, 0).unwrap()
    }

    #[test]
    fn embedded_seed_starts_with_production_then_default() {
        let s = store();
        let all = s.all();
        assert!(all.len() >= 12);
        assert_eq!(all[0]["slug"], "production");
        assert_eq!(all[1]["slug"], "default");
    }

    #[test]
    fn ids_look_like_v4_uuids_and_differ() {
        let mut s = store();
        let (a, b) = (s.new_id(), s.new_id());
        assert_ne!(a, b);
        for id in [&a, &b] {
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
        let g = derived_id(&a);
        assert_eq!(g, derived_id(&a));
        assert_eq!(&g[14..15], "5");
        assert_ne!(g, derived_id(&b));
    }

    #[test]
    fn stamps_always_increase() {
        let mut s = store();
        let a = s.stamp();
        let b = s.stamp();
        assert!(b > a, "{a} then {b}");
        assert!(a.ends_with('Z') && a.len() == 24, "{a}");
        assert!(OffsetDateTime::parse(&a, &time::format_description::well_known::Rfc3339).is_ok());
    }

    #[test]
    fn seed_accepts_a_list_response_and_refuses_duplicates() {
        let one = r#"{"id":"u1","name":"A","slug":"a"}"#;
        assert_eq!(
            parse_seed(&format!(r#"{{"data":[{one}]}}"#)).unwrap().len(),
            1
        );
        let dup = parse_seed(&format!("[{one},{one}]")).unwrap_err();
        assert!(dup.contains("repeats"), "{dup}");
        let bad = parse_seed(r#"[{"id":"u1","name":"A"}]"#).unwrap_err();
        assert!(bad.contains("#1") && bad.contains("slug"), "{bad}");
    }

    #[test]
    fn unknown_server_field_is_read_only_but_a_made_up_one_is_unknown() {
        let mut s = store();
        let key = s
            .all()
            .into_iter()
            .find(|w| w.get("budget_alerts").is_some())
            .map(|w| w["slug"].as_str().unwrap().to_string())
            .unwrap();
        let err = s.patch(&key, &json!({"budget_alerts": {}})).unwrap_err();
        assert_eq!(err.message, "Field 'budget_alerts' is read-only");
        let err = s.patch(&key, &json!({"flavour": 1})).unwrap_err();
        assert_eq!(err.message, "Unknown field 'flavour'");
    }

    #[test]
    fn models_filter_by_output_modality() {
        let s = store();
        let text = s.models("text");
        let image = s.models("image");
        let all = s.models("all");
        assert!(
            text.len() >= 20 && image.len() >= 5,
            "{} {}",
            text.len(),
            image.len()
        );
        assert!(all.len() >= text.len() && all.len() >= image.len());
        assert!(image.iter().any(|m| m["id"] == "openai/dall-e-3"));
        assert!(!text.iter().any(|m| m["id"] == "openai/dall-e-3"));
        assert!(s.models("text,image").len() >= text.len());
        assert!(s.models("nonsense").is_empty());
    }
}
