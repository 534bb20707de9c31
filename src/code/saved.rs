//! A plan as JSON: what `plan --output json` prints and `plan --out` saves, and what `apply`
//! accepts instead of a file. It holds the host it was made against, a format version, and for
//! each changed field the server value it saw (in `base`), which `apply` checks again.

use super::plan::{FieldChange, Plan, WorkspacePlan};
use crate::workspace::{Workspace, field};
use serde_json::{Map, Value, json};

/// The key that marks a JSON document as a saved plan; its value is the format version.
pub const PLAN_KEY: &str = "orws_plan";
pub const PLAN_VERSION: u64 = 1;

/// A plan read back from JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedPlan {
    pub host: String,
    /// The base URL it was made against (port and path too: two servers on one host differ).
    /// Required: a plan naming only its host could be applied to another port of that host.
    pub server: String,
    /// The file it was made from, for messages.
    pub file: String,
    pub plan: Plan,
}

/// Why a saved plan cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SavedPlanError {
    #[error("not a plan orws can read: {0}")]
    Shape(String),
    #[error("the plan is of format version {0}; this orws reads version {PLAN_VERSION}")]
    Version(Value),
    #[error("the plan is not valid JSON: {0}")]
    Json(String),
}

/// True when a JSON text is a saved plan (not a file of workspaces).
pub fn is_saved_plan(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && serde_json::from_str::<Map<String, Value>>(text).is_ok_and(|m| m.contains_key(PLAN_KEY))
}

/// The plan as JSON. `base` holds id, name and slug and the changed fields as the server held
/// them (absent when the server did not send one).
pub fn to_json(plan: &Plan, host: &str, server: &str, file: &str) -> Value {
    let workspaces: Vec<Value> = plan
        .workspaces
        .iter()
        .map(|w| {
            let mut base = Map::new();
            for key in ["id", "name", "slug"] {
                if let Some(v) = w.base.get(key) {
                    base.insert(key.into(), v.clone());
                }
            }
            for c in &w.changes {
                if let Some(v) = w.base.get(&c.field) {
                    base.insert(c.field.clone(), v.clone());
                }
            }
            json!({
                "id": w.id,
                "label": w.label,
                "changes": w.changes.iter().map(|c| json!({
                    "field": c.field,
                    "server": c.server,
                    "file": c.file,
                })).collect::<Vec<_>>(),
                "base": base,
            })
        })
        .collect();
    json!({
        PLAN_KEY: PLAN_VERSION,
        "host": host,
        "server": server,
        "file": file,
        "changed": plan.changed_count(),
        "unmanaged": plan.unmanaged,
        "workspaces": workspaces,
        "resources": resources(plan),
        super::saved_org::ORG_KEY: super::saved_org::to_json(&plan.org),
    })
}

/// Every resource the plan manages beyond the workspace fields, with its changes (what
/// `plan --output json` shows for people and reports; `org` carries them for `apply`).
fn resources(plan: &Plan) -> Vec<Value> {
    plan.org
        .resources()
        .iter()
        .map(|r| {
            json!({
                "kind": r.kind.as_str(),
                "id": r.id,
                "label": r.label,
                "changes": r.changes.iter().map(|c| json!({
                    "field": c.field,
                    "server": c.server,
                    "file": c.file,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Reads a saved plan, checking each value against its field's rule again (a saved plan is a
/// file a person may have edited).
pub fn from_json(text: &str) -> Result<SavedPlan, SavedPlanError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| SavedPlanError::Json(e.to_string()))?;
    let shape = |m: &str| SavedPlanError::Shape(m.to_string());
    let version = root.get(PLAN_KEY).cloned().unwrap_or(Value::Null);
    if version.as_u64() != Some(PLAN_VERSION) {
        return Err(SavedPlanError::Version(version));
    }
    let text_of = |key: &str| -> Result<String, SavedPlanError> {
        root.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| shape(&format!("`{key}` must be text")))
    };
    let host = text_of("host")?;
    // A plan without `server` (made by an older orws, or edited) names only a host, and two
    // servers on one host (ports) differ: it cannot say which server's values it saw.
    let server = match root.get("server") {
        None => {
            return Err(shape(
                "it has no `server` (the base URL it was made against); make a new one with `orws plan`",
            ));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(shape("`server` must be text")),
    };
    let file = text_of("file")?;
    let unmanaged = root
        .get("unmanaged")
        .and_then(Value::as_u64)
        .ok_or_else(|| shape("`unmanaged` must be a count"))? as usize;
    let items = root
        .get("workspaces")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("`workspaces` must be a list"))?;
    let mut workspaces = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let base = item
            .get("base")
            .cloned()
            .ok_or_else(|| shape("each workspace needs its `base`"))?;
        let base = Workspace::from_json(base)
            .map_err(|e| SavedPlanError::Shape(format!("a workspace's base: {e}")))?;
        let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
        if id != base.id() {
            return Err(shape("a workspace's `id` and its base's differ"));
        }
        // Two writes to one workspace at once would each pass its check before the other lands.
        if !seen.insert(id.to_ascii_lowercase()) {
            return Err(SavedPlanError::Shape(format!(
                "workspace {} appears twice",
                crate::text::escape(id)
            )));
        }
        let mut changes = Vec::new();
        let listed = item
            .get("changes")
            .and_then(Value::as_array)
            .ok_or_else(|| shape("each workspace needs its `changes` list"))?;
        for change in listed {
            let name = change
                .get("field")
                .and_then(Value::as_str)
                .ok_or_else(|| shape("each change names its `field`"))?;
            let spec = field(name).ok_or_else(|| {
                SavedPlanError::Shape(format!("'{name}' is not an editable field"))
            })?;
            if changes.iter().any(|c: &FieldChange| c.field == name) {
                return Err(SavedPlanError::Shape(format!(
                    "{name} changes twice in one workspace"
                )));
            }
            let value = change
                .get("file")
                .cloned()
                .ok_or_else(|| shape("each change holds its `file` value"))?;
            spec.check(&value)
                .map_err(|e| SavedPlanError::Shape(format!("workspace {id}: {e}")))?;
            changes.push(FieldChange {
                field: spec.name.to_string(),
                server: base.get(spec.name).cloned(),
                file: value,
            });
        }
        workspaces.push(WorkspacePlan {
            id: base.id().to_string(),
            label: super::plan::label(&base),
            changes,
            base,
        });
    }
    let org = super::saved_org::from_json(root.get(super::saved_org::ORG_KEY))
        .map_err(SavedPlanError::Shape)?;
    // A plan saved by an older orws is in uuid order.
    super::plan::sort(&mut workspaces);
    Ok(SavedPlan {
        host,
        server,
        file,
        plan: Plan {
            workspaces,
            unmanaged,
            org,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::file::FileEntry;
    use crate::code::plan::plan;

    #[test]
    fn a_plan_survives_saving_with_the_values_it_saw() {
        let server = [Workspace::from_json(json!({
            "id": "a", "name": "N", "slug": "n", "description": null, "extra": 1
        }))
        .unwrap()];
        let entries = [FileEntry {
            id: "a".into(),
            line: 1,
            fields: json!({"description": "new", "name": "M", "disabled_server_tools": ["x"]})
                .as_object()
                .unwrap()
                .clone()
                .into(),
            ..FileEntry::default()
        }];
        let p = plan(&entries, &server).unwrap();
        let text = to_json(&p, "example.org", "https://example.org/api/v1", "ws.toml").to_string();
        assert!(is_saved_plan(&text));
        let saved = from_json(&text).unwrap();
        assert_eq!(saved.host, "example.org");
        assert_eq!(saved.server, "https://example.org/api/v1");
        let w = &saved.plan.workspaces[0];
        assert_eq!(w.changes, p.workspaces[0].changes);
        assert_eq!(w.patch(), p.workspaces[0].patch());
        // The base holds what the checks need, and not the rest.
        assert_eq!(w.base.get("description"), Some(&Value::Null));
        assert_eq!(w.base.get("disabled_server_tools"), None);
        assert_eq!(w.base.get("extra"), None);
    }

    #[test]
    fn edited_plans_are_checked_again() {
        let text = json!({
            PLAN_KEY: 1, "host": "h", "server": "https://h/api/v1", "file": "f", "unmanaged": 0,
            "workspaces": [{"id": "a", "label": "n", "base": {"id": "a", "name": "N", "slug": "n"},
                "changes": [{"field": "slug", "server": "n", "file": "Bad Slug"}]}]
        })
        .to_string();
        let e = from_json(&text).unwrap_err().to_string();
        assert!(
            e.contains("workspace a: slug has an uppercase letter"),
            "{e}"
        );
        let mut serverless: Value = serde_json::from_str(&text).unwrap();
        serverless.as_object_mut().unwrap().remove("server");
        let e = from_json(&serverless.to_string()).unwrap_err().to_string();
        assert!(e.contains("no `server`") && e.contains("orws plan"), "{e}");
        let newer = json!({PLAN_KEY: 2}).to_string();
        assert!(matches!(from_json(&newer), Err(SavedPlanError::Version(_))));
        assert!(!is_saved_plan("{\"workspaces\": {}}"));
    }
}
