//! Drift (product.md §13): what the server holds that the file does not say. A pure model built
//! from a [`Plan`] (the fields that differ after the API's normalisation) and the entries that
//! name something no longer on the server. The reports (src/code/report.rs) and `orws drift`
//! (src/cli/drift.rs) read only this.
//!
//! One function builds it, [`from_plan`]: the workspaces' fields, then every other resource the
//! plan manages (budgets, members, default and named guardrails, keys), then what is gone.

use super::file::FileEntry;
use super::plan::Plan;
use serde_json::Value;

/// What a drifted resource is: the plan's kinds, whose names are the JSON report's `kind`
/// (schema `schemas/drift-report.v1.json`); new kinds are added, never renamed.
pub use super::org_plan::ResourceKind;

/// What the server holds for a field the file manages.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerValue {
    Value(Value),
    /// The server's answer did not carry the field.
    Missing,
    /// The resource itself is gone from the server (deleted since the file was written).
    Absent,
}

impl ServerValue {
    pub fn from_option(v: Option<&Value>) -> Self {
        v.map_or(ServerValue::Missing, |v| ServerValue::Value(v.clone()))
    }

    /// The JSON report's `server_state`.
    pub fn state(&self) -> &'static str {
        match self {
            ServerValue::Value(_) => "value",
            ServerValue::Missing => "missing",
            ServerValue::Absent => "absent",
        }
    }
}

/// One field whose server value is not the file's.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDrift {
    pub field: String,
    /// The file's value (`null` clears).
    pub file: Value,
    pub server: ServerValue,
    /// When the server last changed this field, where the API says (else the resource's).
    pub updated_at: Option<String>,
    /// Who made an assignment, where the API says (guardrail assignments).
    pub assigned_by: Option<String>,
}

/// One resource the file manages, drifted or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: ResourceKind,
    /// The uuid, hash or guardrail id.
    pub id: String,
    /// What a person knows it by (a slug, a name), unescaped: each report escapes it.
    pub label: String,
    /// The workspace it belongs to, when it belongs to one.
    pub workspace_id: Option<String>,
    /// The file's line naming it, when known.
    pub line: Option<usize>,
    /// Deleted on the server: every field the file names is drift with [`ServerValue::Absent`].
    pub absent: bool,
    /// The resource's `updated_at` as the server gave it.
    pub updated_at: Option<String>,
    /// Empty when the server holds what the file says.
    pub fields: Vec<FieldDrift>,
}

impl Resource {
    pub fn drifted(&self) -> bool {
        self.absent || !self.fields.is_empty()
    }

    /// `in_sync`, `drifted` or `absent`: the JSON report's `status`.
    pub fn status(&self) -> &'static str {
        match (self.absent, self.fields.is_empty()) {
            (true, _) => "absent",
            (false, true) => "in_sync",
            (false, false) => "drifted",
        }
    }
}

/// Every resource the file manages, in the plan's order (workspaces by slug), then the absent
/// ones in the file's order; and how many workspaces on the server the file leaves alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drift {
    pub resources: Vec<Resource>,
    pub unmanaged: usize,
}

impl Drift {
    pub fn drifted(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(|r| r.drifted())
    }

    pub fn drifted_count(&self) -> usize {
        self.drifted().count()
    }

    pub fn is_clean(&self) -> bool {
        self.drifted_count() == 0
    }
}

/// A key or named guardrail entry of the file whose resource is gone from the server: drift
/// (every field it names is [`ServerValue::Absent`]), not a bad file.
#[derive(Debug, Clone, PartialEq)]
pub struct AbsentEntry {
    pub kind: ResourceKind,
    pub id: String,
    pub line: usize,
    pub fields: serde_json::Map<String, Value>,
}

/// The budgets, members, default guardrails, keys and named guardrails the plan manages, as
/// drift: each change a field that differs, labelled by what the server calls it (raw: each
/// report escapes), `updated_at` where the server gave one.
fn org_resources(plan: &Plan) -> Vec<Resource> {
    use crate::code::org_plan::ResourceKind as Org;
    let ws_label = |id: &str| {
        plan.workspaces
            .iter()
            .find(|w| w.id == id)
            .map_or_else(|| id.to_string(), |w| w.base.label().to_string())
    };
    let text = |m: &serde_json::Map<String, Value>, f: &str| {
        m.get(f).and_then(Value::as_str).map(str::to_string)
    };
    let org = &plan.org;
    org.resources()
        .into_iter()
        .map(|r| {
            let (kind, label, workspace_id, updated_at) = match r.kind {
                Org::Budgets | Org::Members | Org::Workspace => {
                    (r.kind, ws_label(&r.id), Some(r.id.clone()), None)
                }
                Org::Guardrail => {
                    let g = org.guardrails.iter().find(|g| g.workspace == r.id);
                    let at = g
                        .and_then(|g| g.base.as_ref())
                        .and_then(|b| text(b, "updated_at"));
                    (
                        ResourceKind::Guardrail,
                        ws_label(&r.id),
                        Some(r.id.clone()),
                        at,
                    )
                }
                Org::Key => {
                    let k = org.keys.iter().find(|k| k.hash == r.id);
                    let name = k.and_then(|k| text(&k.base, "name"));
                    (
                        ResourceKind::Key,
                        name.unwrap_or_else(|| r.id.clone()),
                        k.map(|k| k.workspace.clone()),
                        None,
                    )
                }
                Org::NamedGuardrail => {
                    let n = org.named.iter().find(|n| n.id == r.id);
                    (
                        ResourceKind::NamedGuardrail,
                        n.and_then(|n| text(&n.base, "name"))
                            .unwrap_or_else(|| r.id.clone()),
                        n.and_then(|n| n.workspace.clone()),
                        n.and_then(|n| text(&n.base, "updated_at")),
                    )
                }
            };
            let named = org
                .named
                .iter()
                .find(|n| n.id == r.id && kind == ResourceKind::NamedGuardrail);
            Resource {
                kind,
                id: r.id.clone(),
                label,
                workspace_id,
                line: None,
                absent: false,
                updated_at: updated_at.clone(),
                fields: r
                    .changes
                    .into_iter()
                    .map(|c| {
                        // An assignment set: who assigned what the server holds beyond the
                        // file, and when the latest of those was made.
                        let (by, at) = match (named, c.field.as_str()) {
                            (Some(n), "keys" | "members") => assigners(n, &c.field),
                            _ => (None, None),
                        };
                        FieldDrift {
                            field: c.field,
                            file: c.file,
                            server: ServerValue::from_option(c.server.as_ref()),
                            updated_at: at.or_else(|| updated_at.clone()),
                            assigned_by: by,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Who assigned the holders a named guardrail's set holds beyond the file (`a, b`), and the
/// latest time one of them was assigned.
fn assigners(
    n: &crate::code::org_plan::NamedPlan,
    field: &str,
) -> (Option<String>, Option<String>) {
    let set = match field {
        "keys" => n.keys.as_ref(),
        _ => n.members.as_ref(),
    };
    let Some(set) = set else {
        return (None, None);
    };
    let mut by: Vec<&str> = Vec::new();
    let mut at: Option<&str> = None;
    for holder in &set.remove {
        if let Some(a) = n.assigned.get(holder) {
            if let Some(b) = a.by.as_deref()
                && !by.contains(&b)
            {
                by.push(b);
            }
            if let Some(t) = a.at.as_deref() {
                at = Some(at.map_or(t, |s| s.max(t)));
            }
        }
    }
    (
        (!by.is_empty()).then(|| by.join(", ")),
        at.map(str::to_string),
    )
}

/// A resource the file names that is gone from the server: every field it names is drift
/// with [`ServerValue::Absent`].
fn gone(
    kind: ResourceKind,
    id: &str,
    label: String,
    workspace_id: Option<String>,
    line: usize,
    fields: &serde_json::Map<String, Value>,
) -> Resource {
    Resource {
        kind,
        id: id.to_string(),
        label,
        workspace_id,
        line: Some(line),
        absent: true,
        updated_at: None,
        fields: fields
            .iter()
            .map(|(field, file)| FieldDrift {
                field: field.clone(),
                file: file.clone(),
                server: ServerValue::Absent,
                updated_at: None,
                assigned_by: None,
            })
            .collect(),
    }
}

/// The drift of a plan: each change is a field that moved on the server (or that the file
/// changed since); `absent` are the file's entries whose workspace is gone.
///
/// The one place resources are made: the lead adds the other kinds of a [`Plan`] here.
pub fn from_plan(plan: &Plan, absent: &[&FileEntry], absent_org: &[AbsentEntry]) -> Drift {
    let mut resources = Vec::new();
    for w in &plan.workspaces {
        let updated_at = w.base.updated_at().map(str::to_string);
        resources.push(Resource {
            kind: ResourceKind::Workspace,
            id: w.id.clone(),
            label: w.base.label().to_string(),
            workspace_id: Some(w.id.clone()),
            line: None,
            absent: false,
            updated_at: updated_at.clone(),
            fields: w
                .changes
                .iter()
                .map(|c| FieldDrift {
                    field: c.field.clone(),
                    file: c.file.clone(),
                    server: ServerValue::from_option(c.server.as_ref()),
                    // A workspace has one `updated_at`: the last change of any of its fields.
                    updated_at: updated_at.clone(),
                    assigned_by: None,
                })
                .collect(),
        });
    }
    resources.extend(org_resources(plan));
    for entry in absent_org {
        resources.push(gone(
            entry.kind,
            &entry.id,
            entry.id.clone(),
            None,
            entry.line,
            &entry.fields,
        ));
    }
    for entry in absent {
        let fields = entry.fields.map();
        let label = fields.get("slug").and_then(Value::as_str);
        resources.push(gone(
            ResourceKind::Workspace,
            &entry.id,
            label.unwrap_or(&entry.id).to_string(),
            Some(entry.id.clone()),
            entry.line,
            &fields,
        ));
    }
    Drift {
        resources,
        unmanaged: plan.unmanaged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::plan;
    use crate::workspace::Workspace;
    use serde_json::{Map, json};

    fn ws(id: &str, slug: &str) -> Workspace {
        Workspace::from_json(
            json!({"id": id, "name": "N", "slug": slug, "description": "d", "updated_at": "t1"}),
        )
        .unwrap()
    }

    fn entry(id: &str, fields: Value) -> FileEntry {
        FileEntry {
            id: id.into(),
            line: 7,
            fields: fields.as_object().cloned().unwrap_or_else(Map::new).into(),
            ..FileEntry::default()
        }
    }

    #[test]
    fn a_changed_field_is_drift_with_both_values_and_the_time() {
        let server = [ws("a", "prod"), ws("b", "dev")];
        let entries = [
            entry("a", json!({"description": "file"})),
            entry("b", json!({"name": "N"})),
        ];
        let p = plan::plan(&entries, &server).unwrap();
        let d = from_plan(&p, &[], &[]);
        assert_eq!(d.resources.len(), 2);
        assert_eq!(d.drifted_count(), 1);
        let r = d.drifted().next().unwrap();
        assert_eq!((r.label.as_str(), r.status()), ("prod", "drifted"));
        assert_eq!(r.fields[0].file, json!("file"));
        assert_eq!(r.fields[0].server, ServerValue::Value(json!("d")));
        assert_eq!(r.fields[0].updated_at.as_deref(), Some("t1"));
        assert_eq!(d.resources[0].status(), "in_sync");
    }

    #[test]
    fn an_entry_deleted_on_the_server_is_absent_drift() {
        let p = plan::plan(&[], &[ws("a", "prod")]).unwrap();
        let gone = entry("z", json!({"slug": "old", "name": "X"}));
        let d = from_plan(&p, &[&gone], &[]);
        assert!(!d.is_clean());
        let r = &d.resources[0];
        assert_eq!(
            (r.status(), r.label.as_str(), r.line),
            ("absent", "old", Some(7))
        );
        assert!(r.fields.iter().all(|f| f.server == ServerValue::Absent));
        assert_eq!(d.unmanaged, 1);
    }
}
